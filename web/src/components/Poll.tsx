/* A status's poll: the options to vote in (radio buttons, or check boxes
 * for a multiple-choice poll) until you vote, then the results; hidden
 * totals say so until the end. Voting answers with the poll as it is now. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { results, showResults, toggleChoice } from '../lib/poll';
import { asApiError, getState } from '../lib/state';
import type { Poll } from '../lib/types';
import { ErrorBox } from './ui';

export function PollView({ poll, statusId }: { poll: Poll; statusId: string }) {
	const t = useT();
	const signedIn = !!getState().session;
	const [p, setP] = useState<Poll>(poll);
	const [choices, setChoices] = useState<number[]>([]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const name = `poll-${statusId}`;

	const vote = async (e: Event) => {
		e.preventDefault();
		if (busy || !choices.length) return;
		setBusy(true);
		setError(null);
		try {
			setP(await api<Poll>(`/api/v1/polls/${p.id}/votes`, { method: 'POST', body: { choices } }));
		} catch (err) {
			setError(asApiError(err));
		} finally {
			setBusy(false);
		}
	};

	const people = p.voters_count ?? p.votes_count;
	const foot = (
		<p class="poll-foot">
			{t('poll.people', { n: people })} ·{' '}
			{p.expired ? t('poll.closed') : p.expires_at ? t('poll.closes', { when: new Date(p.expires_at).toLocaleString() }) : ''}
			{!p.expired && p.options.some((o) => o.votes_count === null) && <> · {t('poll.hidden')}</>}
		</p>
	);

	if (showResults(p, signedIn))
		return (
			<div class="poll" role="group" aria-label={t('poll.label')}>
				<ul class="poll-results">
					{results(p).map((r, i) => (
						<li key={i} class={r.leading ? 'leading' : undefined}>
							<span class="poll-title">
								{r.title}
								{r.mine && <span class="poll-mine"> ✓<span class="visually-hidden"> {t('poll.yours')}</span></span>}
							</span>
							{r.percent !== null && (
								<>
									<span class="poll-pct">{r.percent}%</span>
									<progress max={100} value={r.percent} aria-label={`${r.title}: ${r.percent}%`} />
								</>
							)}
						</li>
					))}
				</ul>
				{foot}
			</div>
		);

	return (
		<form class="poll" onSubmit={vote}>
			<fieldset>
				<legend class="visually-hidden">{p.multiple ? t('poll.pickMany') : t('poll.pickOne')}</legend>
				{p.options.map((o, i) => (
					<label key={i} class="poll-option">
						<input
							type={p.multiple ? 'checkbox' : 'radio'}
							name={name}
							checked={choices.includes(i)}
							onChange={() => setChoices(toggleChoice(choices, i, p.multiple))}
						/>{' '}
						{o.title}
					</label>
				))}
			</fieldset>
			<button type="submit" disabled={busy || !choices.length}>
				{busy ? t('poll.voting') : t('poll.vote')}
			</button>
			{foot}
			{error && <ErrorBox error={error} />}
		</form>
	);
}
