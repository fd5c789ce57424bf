import { describe, expect, it } from 'vitest';
import { applyToNotifications, applyToStatuses, parseLive, type LiveEvent } from '../../src/lib/live';
import type { Notification, Status } from '../../src/lib/types';

const st = (id: string, extra: Partial<Status> = {}) => ({ id, content: `<p>${id}</p>`, reblog: null, ...extra }) as unknown as Status;

describe('parseLive', () => {
	it('reads an update with its status as JSON text', () => {
		const ev = parseLive(JSON.stringify({ stream: ['user'], event: 'update', payload: JSON.stringify(st('7')) }));
		expect(ev?.event).toBe('update');
		expect(ev?.stream).toEqual(['user']);
		expect((ev?.payload as Status).id).toBe('7');
	});
	it('keeps a delete as its id', () => {
		expect(parseLive(JSON.stringify({ stream: ['user'], event: 'delete', payload: '9' }))?.payload).toBe('9');
	});
	it('ignores errors and malformed messages', () => {
		expect(parseLive(JSON.stringify({ error: 'Unknown stream type', status: 400 }))).toBeNull();
		expect(parseLive('{')).toBeNull();
		expect(parseLive(JSON.stringify({ stream: ['user'], event: 'update', payload: '{' }))).toBeNull();
	});
});

describe('applyToStatuses', () => {
	const items = [st('3'), st('2', { reblog: st('1') })];
	const ev = (event: string, payload: unknown) => ({ event, stream: ['user'], payload }) as LiveEvent;
	it('puts a new status on top, once', () => {
		const after = applyToStatuses(items, ev('update', st('4')));
		expect(after.map((s) => s.id)).toEqual(['4', '3', '2']);
		expect(applyToStatuses(after, ev('update', st('4')))).toBe(after);
	});
	it('replaces an edited status, and inside a reblog', () => {
		const edited = st('1', { content: '<p>new</p>' });
		const after = applyToStatuses(items, ev('status.update', edited));
		expect(after[1].reblog?.content).toBe('<p>new</p>');
		expect(applyToStatuses(items, ev('status.update', st('8')))).toBe(items);
	});
	it('removes a deleted status and reblogs of it', () => {
		expect(applyToStatuses(items, ev('delete', '3')).map((s) => s.id)).toEqual(['2']);
		expect(applyToStatuses(items, ev('delete', '1')).map((s) => s.id)).toEqual(['3']);
		expect(applyToStatuses(items, ev('delete', '5'))).toBe(items);
	});
});

describe('applyToNotifications', () => {
	it('puts a new notification on top, once', () => {
		const n = { id: '5', type: 'mention' } as Notification;
		const ev = { event: 'notification', stream: ['user'], payload: n } as LiveEvent;
		const after = applyToNotifications([], ev);
		expect(after).toEqual([n]);
		expect(applyToNotifications(after, ev)).toBe(after);
		expect(applyToNotifications(after, { event: 'update', stream: ['user'], payload: st('1') } as LiveEvent)).toBe(after);
	});
});
