/* Relative dates ("3 min ago") and the exact time shown on hover. */
import type { Lang } from './lang';
import { translate } from './lang';

export type RelUnit = 'now' | 'min' | 'h' | 'd' | 'date';

/* How long ago `then` was, seen at `now` (both in ms): under 45 s is "now"
 * (so is a time in the future: clocks differ), then whole minutes, hours
 * and days; a week or more is shown as a date. */
export function relativeParts(then: number, now: number): { unit: RelUnit; n: number } {
	const s = Math.floor((now - then) / 1000);
	if (!(s >= 45)) return { unit: 'now', n: 0 };
	const m = Math.max(1, Math.round(s / 60));
	if (m < 60) return { unit: 'min', n: m };
	const h = Math.floor(s / 3600);
	if (h < 24) return { unit: 'h', n: Math.max(1, h) };
	const d = Math.floor(s / 86400);
	if (d < 7) return { unit: 'd', n: d };
	return { unit: 'date', n: 0 };
}

export function relativeTime(iso: string, now: number, lang: Lang): string {
	const then = Date.parse(iso);
	if (Number.isNaN(then)) return '';
	const { unit, n } = relativeParts(then, now);
	if (unit !== 'date') return translate(lang, `time.${unit}`, { n });
	const d = new Date(then);
	const sameYear = d.getFullYear() === new Date(now).getFullYear();
	return new Intl.DateTimeFormat(lang, {
		day: 'numeric',
		month: 'short',
		...(sameYear ? {} : { year: 'numeric' }),
	}).format(d);
}

export function exactTime(iso: string, lang: Lang): string {
	const then = Date.parse(iso);
	if (Number.isNaN(then)) return iso;
	return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(then);
}

/* A duration in seconds as "45 s", "12 min", "3 h", "2 d" (answer times). */
export function shortDuration(seconds: number, lang: Lang): string {
	if (seconds < 60) return translate(lang, 'dur.s', { n: Math.round(seconds) });
	if (seconds < 3600) return translate(lang, 'dur.min', { n: Math.round(seconds / 60) });
	if (seconds < 86400) return translate(lang, 'dur.h', { n: Math.round(seconds / 3600) });
	return translate(lang, 'dur.d', { n: Math.round(seconds / 86400) });
}
