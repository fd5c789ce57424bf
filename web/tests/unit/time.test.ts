import { describe, expect, it } from 'vitest';
import { exactTime, relativeParts, relativeTime, shortDuration } from '../../src/lib/time';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe('relativeParts', () => {
	it('says "now" under 45 seconds, and for times in the future', () => {
		expect(relativeParts(NOW - 44_000, NOW)).toEqual({ unit: 'now', n: 0 });
		expect(relativeParts(NOW + 3_600_000, NOW)).toEqual({ unit: 'now', n: 0 });
	});
	it('counts minutes, then hours, then days, then gives a date', () => {
		expect(relativeParts(NOW - 45_000, NOW)).toEqual({ unit: 'min', n: 1 });
		expect(relativeParts(NOW - 3 * 60_000, NOW)).toEqual({ unit: 'min', n: 3 });
		expect(relativeParts(NOW - 59 * 60_000, NOW)).toEqual({ unit: 'min', n: 59 });
		expect(relativeParts(NOW - 3570_000, NOW)).toEqual({ unit: 'h', n: 1 });
		expect(relativeParts(NOW - 23.9 * 3600_000, NOW)).toEqual({ unit: 'h', n: 23 });
		expect(relativeParts(NOW - 24 * 3600_000, NOW)).toEqual({ unit: 'd', n: 1 });
		expect(relativeParts(NOW - 6.9 * 86400_000, NOW)).toEqual({ unit: 'd', n: 6 });
		expect(relativeParts(NOW - 7 * 86400_000, NOW)).toEqual({ unit: 'date', n: 0 });
	});
});

describe('relativeTime', () => {
	it('reads "3 min ago" in each language', () => {
		expect(relativeTime(ago(180), NOW, 'en')).toBe('3 min ago');
		expect(relativeTime(ago(180), NOW, 'pt')).toBe('há 3 min');
		expect(relativeTime(ago(180), NOW, 'es')).toBe('hace 3 min');
	});
	it('uses the singular for one day', () => {
		expect(relativeTime(ago(86400), NOW, 'en')).toBe('1 day ago');
		expect(relativeTime(ago(2 * 86400), NOW, 'en')).toBe('2 days ago');
		expect(relativeTime(ago(86400), NOW, 'es')).toBe('hace 1 día');
	});
	it('shows a date past a week, with the year only when it is another year', () => {
		expect(relativeTime('2026-02-01T10:00:00.000Z', NOW, 'en')).toMatch(/Feb/);
		expect(relativeTime('2026-02-01T10:00:00.000Z', NOW, 'en')).not.toMatch(/2026/);
		expect(relativeTime('2024-02-01T10:00:00.000Z', NOW, 'en')).toMatch(/2024/);
	});
	it('shows nothing for an unreadable date', () => {
		expect(relativeTime('not a date', NOW, 'en')).toBe('');
	});
});

describe('exactTime and shortDuration', () => {
	it('gives the exact time for the hover title', () => {
		expect(exactTime('2026-03-10T12:00:00.000Z', 'en')).toMatch(/March 10, 2026/);
		expect(exactTime('nonsense', 'en')).toBe('nonsense');
	});
	it('rounds a duration to its largest unit', () => {
		expect(shortDuration(30, 'en')).toBe('30 s');
		expect(shortDuration(600, 'en')).toBe('10 min');
		expect(shortDuration(7200, 'en')).toBe('2 h');
		expect(shortDuration(3 * 86400, 'en')).toBe('3 d');
	});
});
