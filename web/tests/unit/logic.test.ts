import { describe, expect, it } from 'vitest';
import { nextLink, qs } from '../../src/lib/api';
import { parseRoute } from '../../src/lib/router';
import { countChars } from '../../src/lib/text';
import { buildThread } from '../../src/lib/thread';
import type { Status } from '../../src/lib/types';

describe('countChars', () => {
	it('counts graphemes, not code units', () => {
		expect(countChars('hello')).toBe(5);
		expect(countChars('👩‍👩‍👧 é')).toBe(3);
	});
	it('counts every link as 23', () => {
		expect(countChars('see https://example.com/a/very/long/path/that/goes/on?and=on')).toBe(4 + 23);
		expect(countChars('http://a.b and http://c.d', 20)).toBe(5 + 40);
	});
});

describe('nextLink', () => {
	it('takes the next page from a Link header as a same-origin path', () => {
		expect(nextLink('<https://host.example/api/v1/timelines/home?max_id=5>; rel="next", <https://host.example/api/v1/timelines/home?min_id=9>; rel="prev"')).toBe('/api/v1/timelines/home?max_id=5');
		expect(nextLink('<https://h/x?min_id=9>; rel="prev"')).toBeNull();
		expect(nextLink(null)).toBeNull();
	});
	it('writes query strings without undefined values', () => {
		expect(qs({ q: 'a b', limit: 20, x: undefined })).toBe('?q=a+b&limit=20');
		expect(qs({})).toBe('');
	});
});

describe('parseRoute', () => {
	it('reads the app places from the hash', () => {
		expect(parseRoute('').name).toBe('home');
		expect(parseRoute('#/thread/123').params).toEqual({ id: '123' });
		expect(parseRoute('#/@ana').params).toEqual({ acct: 'ana' });
		expect(parseRoute('#/@ana@remote.example').params).toEqual({ acct: 'ana@remote.example' });
		expect(parseRoute('#/tags/caf%C3%A9').params).toEqual({ tag: 'café' });
		expect(parseRoute('#/home?tab=latest').query.get('tab')).toBe('latest');
	});
	it('reads the settings pages and the pages e-mails link to, with their token', () => {
		expect(parseRoute('#/settings/password').name).toBe('password');
		expect(parseRoute('#/settings/account').name).toBe('account');
		const reset = parseRoute('#/reset?token=abc_DEF-123');
		expect(reset.name).toBe('reset');
		expect(reset.query.get('token')).toBe('abc_DEF-123');
		expect(parseRoute('#/confirm?token=x').name).toBe('confirm');
		expect(parseRoute('#/settings/other').name).toBe('notfound');
	});
	it('sends anything else to "not found"', () => {
		expect(parseRoute('#/thread/abc').name).toBe('notfound');
		expect(parseRoute('#/@a/b').name).toBe('notfound');
		expect(parseRoute('#/nowhere').name).toBe('notfound');
	});
});

describe('buildThread', () => {
	const s = (id: string, parent: string | null) => ({ id, in_reply_to_id: parent }) as Status;
	it('nests replies under the status they answer, in order', () => {
		const roots = buildThread([s('1', null), s('2', '1'), s('3', '2'), s('4', '1')]);
		expect(roots.map((r) => r.status.id)).toEqual(['1']);
		expect(roots[0].children.map((c) => c.status.id)).toEqual(['2', '4']);
		expect(roots[0].children[0].children.map((c) => c.status.id)).toEqual(['3']);
	});
	it('makes a status whose parent is not visible a root', () => {
		const roots = buildThread([s('2', '1'), s('3', '2'), s('5', '4')]);
		expect(roots.map((r) => r.status.id)).toEqual(['2', '5']);
	});
});
