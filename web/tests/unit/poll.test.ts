import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, draftBody, draftProblem, expiryChoices, newDraft, results, showResults, toggleChoice } from '../../src/lib/poll';
import type { Poll } from '../../src/lib/types';

function poll(over: Partial<Poll> = {}): Poll {
	return {
		id: '1',
		expires_at: '2030-01-01T00:00:00.000Z',
		expired: false,
		multiple: false,
		votes_count: 4,
		voters_count: 4,
		options: [
			{ title: 'tea', votes_count: 1 },
			{ title: 'coffee', votes_count: 3 },
		],
		voted: false,
		own_votes: [],
		...over,
	};
}

describe('poll results', () => {
	it('shows results after a vote, at the end, and to readers who cannot vote', () => {
		expect(showResults(poll(), true)).toBe(false);
		expect(showResults(poll({ voted: true }), true)).toBe(true);
		expect(showResults(poll({ expired: true }), true)).toBe(true);
		expect(showResults(poll(), false)).toBe(true);
	});
	it('gives shares of the votes, the leader and the viewer’s own choices', () => {
		const r = results(poll({ voted: true, own_votes: [0] }));
		expect(r.map((o) => o.percent)).toEqual([25, 75]);
		expect(r.map((o) => o.mine)).toEqual([true, false]);
		expect(r.map((o) => o.leading)).toEqual([false, true]);
	});
	it('counts shares of voters in a multiple-choice poll', () => {
		const r = results(poll({ multiple: true, votes_count: 5, voters_count: 3, options: [{ title: 'a', votes_count: 3 }, { title: 'b', votes_count: 2 }] }));
		expect(r.map((o) => o.percent)).toEqual([100, 67]);
	});
	it('keeps hidden totals hidden and survives a poll nobody voted in', () => {
		const hidden = results(poll({ options: [{ title: 'a', votes_count: null }, { title: 'b', votes_count: null }] }));
		expect(hidden.map((o) => [o.votes, o.percent, o.leading])).toEqual([
			[null, null, false],
			[null, null, false],
		]);
		const empty = results(poll({ votes_count: 0, voters_count: 0, options: [{ title: 'a', votes_count: 0 }, { title: 'b', votes_count: 0 }] }));
		expect(empty.map((o) => [o.percent, o.leading])).toEqual([
			[0, false],
			[0, false],
		]);
	});
});

describe('choosing', () => {
	it('picks one at a time in a single-choice poll', () => {
		expect(toggleChoice([], 1, false)).toEqual([1]);
		expect(toggleChoice([1], 0, false)).toEqual([0]);
	});
	it('toggles a sorted set in a multiple-choice poll', () => {
		expect(toggleChoice([2], 0, true)).toEqual([0, 2]);
		expect(toggleChoice([0, 2], 2, true)).toEqual([0]);
	});
});

describe('the composer’s poll', () => {
	const limits = { ...DEFAULT_LIMITS, max_options: 3, max_characters_per_option: 5 };
	it('starts with two empty choices, open for a day within the bounds', () => {
		expect(newDraft(DEFAULT_LIMITS)).toEqual({ options: ['', ''], expires_in: 86400, multiple: false, hide_totals: false });
		expect(newDraft({ ...DEFAULT_LIMITS, max_expiration: 3600 }).expires_in).toBe(3600);
	});
	it('says what is wrong before the server has to', () => {
		const d = newDraft(limits);
		expect(draftProblem(d, limits)?.key).toBe('poll.needTwo');
		expect(draftProblem({ ...d, options: ['a', ' '] }, limits)?.key).toBe('poll.needTwo');
		expect(draftProblem({ ...d, options: ['a', 'b', 'c', 'd'] }, limits)).toEqual({ key: 'poll.tooMany', n: 3 });
		expect(draftProblem({ ...d, options: ['a', 'toolong'] }, limits)).toEqual({ key: 'poll.tooLong', n: 5 });
		expect(draftProblem({ ...d, options: ['a', ' a '] }, limits)?.key).toBe('poll.repeated');
		expect(draftProblem({ ...d, options: ['👩‍👩‍👧', 'b'] }, limits)).toBe(null);
	});
	it('offers durations within the server’s bounds and sends trimmed choices', () => {
		expect(expiryChoices(DEFAULT_LIMITS)).toEqual([300, 1800, 3600, 21600, 86400, 259200, 604800]);
		expect(expiryChoices({ ...DEFAULT_LIMITS, min_expiration: 4000, max_expiration: 90000 })).toEqual([21600, 86400]);
		expect(expiryChoices({ ...DEFAULT_LIMITS, min_expiration: 10, max_expiration: 20 })).toEqual([10]);
		expect(draftBody({ options: [' a ', 'b'], expires_in: 300, multiple: true, hide_totals: false })).toEqual({ options: ['a', 'b'], expires_in: 300, multiple: true, hide_totals: false });
	});
});
