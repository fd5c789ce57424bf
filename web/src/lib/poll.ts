/* Polls: what the app computes from Mastodon's Poll entity (results as
 * shown, who may vote, the choices being made) and the poll a composer
 * sends. No DOM here, so Vitest checks it all. */
import { countChars } from './text';
import type { Poll } from './types';

export interface PollLimits {
	max_options: number;
	max_characters_per_option: number;
	min_expiration: number;
	max_expiration: number;
}

/* Mastodon's defaults, for a server that does not say. */
export const DEFAULT_LIMITS: PollLimits = { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 };

export interface OptionResult {
	title: string;
	/* null while the totals are hidden (hide_totals until the end) */
	votes: number | null;
	percent: number | null;
	mine: boolean;
	leading: boolean;
}

/* Results show once the poll has ended, once you voted (the author counts
 * as having voted), and to readers who cannot vote. */
export function showResults(p: Poll, signedIn: boolean): boolean {
	return p.expired || !!p.voted || !signedIn;
}

export function results(p: Poll): OptionResult[] {
	/* In a multiple-choice poll people pick several: shares of the voters. */
	const base = p.multiple ? (p.voters_count ?? p.votes_count) : p.votes_count;
	const counts = p.options.map((o) => o.votes_count);
	const top = Math.max(0, ...counts.map((c) => c ?? 0));
	return p.options.map((o, i) => ({
		title: o.title,
		votes: o.votes_count,
		percent: o.votes_count === null ? null : base > 0 ? Math.round((o.votes_count * 100) / base) : 0,
		mine: (p.own_votes ?? []).includes(i),
		leading: o.votes_count !== null && top > 0 && o.votes_count === top,
	}));
}

/* The choices after clicking option i: one at a time, or a set. */
export function toggleChoice(choices: number[], i: number, multiple: boolean): number[] {
	if (!multiple) return [i];
	return choices.includes(i) ? choices.filter((c) => c !== i) : [...choices, i].sort((a, b) => a - b);
}

/* ---- the composer's poll ---- */

export interface PollDraft {
	options: string[];
	expires_in: number;
	multiple: boolean;
	hide_totals: boolean;
}

export function newDraft(limits: PollLimits): PollDraft {
	return { options: ['', ''], expires_in: clampExpiry(86400, limits), multiple: false, hide_totals: false };
}

export function clampExpiry(s: number, l: PollLimits): number {
	return Math.min(Math.max(s, l.min_expiration), l.max_expiration);
}

/* Durations offered: the usual ones within the server's bounds, and the
 * bounds themselves when no usual one fits. */
export function expiryChoices(l: PollLimits): number[] {
	const usual = [300, 1800, 3600, 21600, 86400, 259200, 604800];
	const fit = usual.filter((s) => s >= l.min_expiration && s <= l.max_expiration);
	return fit.length ? fit : [l.min_expiration];
}

/* What stops the draft from being sent: a message key and its variables. */
export function draftProblem(d: PollDraft, l: PollLimits): { key: string; n?: number } | null {
	const opts = d.options.map((o) => o.trim());
	if (opts.filter((o) => o).length < 2 || opts.some((o) => !o)) return { key: 'poll.needTwo' };
	if (opts.length > l.max_options) return { key: 'poll.tooMany', n: l.max_options };
	if (opts.some((o) => countChars(o) > l.max_characters_per_option)) return { key: 'poll.tooLong', n: l.max_characters_per_option };
	if (new Set(opts).size !== opts.length) return { key: 'poll.repeated' };
	return null;
}

/* The `poll` member of POST /api/v1/statuses. */
export function draftBody(d: PollDraft): PollDraft {
	return { options: d.options.map((o) => o.trim()), expires_in: d.expires_in, multiple: d.multiple, hide_totals: d.hide_totals };
}
