/* The composer's poll: its options (two to the server's maximum), how
 * long it stays open, one or several choices, and whether totals stay
 * hidden until the end. */
import { useT } from '../lib/i18n';
import { expiryChoices, type PollDraft, type PollLimits } from '../lib/poll';

function duration(s: number, t: ReturnType<typeof useT>): string {
	if (s % 86400 === 0) return t('poll.days', { n: s / 86400 });
	if (s % 3600 === 0) return t('poll.hours', { n: s / 3600 });
	return t('poll.minutes', { n: Math.round(s / 60) });
}

export function PollEditor(p: { id: string; draft: PollDraft; limits: PollLimits; onChange: (d: PollDraft) => void; onRemove: () => void }) {
	const t = useT();
	const d = p.draft;
	const set = (patch: Partial<PollDraft>) => p.onChange({ ...d, ...patch });
	const setOption = (i: number, v: string) => set({ options: d.options.map((o, j) => (j === i ? v : o)) });
	const choices = expiryChoices(p.limits);
	return (
		<fieldset class="poll-editor">
			<legend>{t('poll.label')}</legend>
			{d.options.map((o, i) => (
				<div key={i} class="poll-editor-option">
					<label for={`${p.id}-opt-${i}`} class="visually-hidden">
						{t('poll.option', { n: i + 1 })}
					</label>
					<input
						id={`${p.id}-opt-${i}`}
						type="text"
						value={o}
						maxLength={p.limits.max_characters_per_option}
						placeholder={t('poll.option', { n: i + 1 })}
						onInput={(e) => setOption(i, e.currentTarget.value)}
					/>
					{d.options.length > 2 && (
						<button type="button" class="secondary" aria-label={t('poll.removeOption', { n: i + 1 })} onClick={() => set({ options: d.options.filter((_, j) => j !== i) })}>
							×
						</button>
					)}
				</div>
			))}
			<div class="poll-editor-bar">
				{d.options.length < p.limits.max_options && (
					<button type="button" class="secondary" onClick={() => set({ options: [...d.options, ''] })}>
						{t('poll.addOption')}
					</button>
				)}
				<span class="field-inline">
					<label for={`${p.id}-exp`}>{t('poll.duration')}</label>
					<select id={`${p.id}-exp`} value={String(d.expires_in)} onChange={(e) => set({ expires_in: Number(e.currentTarget.value) })}>
						{(choices.includes(d.expires_in) ? choices : [d.expires_in, ...choices]).map((s) => (
							<option key={s} value={String(s)}>
								{duration(s, t)}
							</option>
						))}
					</select>
				</span>
				<label class="field-inline">
					<input type="checkbox" checked={d.multiple} onChange={(e) => set({ multiple: e.currentTarget.checked })} /> {t('poll.multiple')}
				</label>
				<label class="field-inline">
					<input type="checkbox" checked={d.hide_totals} onChange={(e) => set({ hide_totals: e.currentTarget.checked })} /> {t('poll.hideTotals')}
				</label>
				<button type="button" class="secondary" onClick={p.onRemove}>
					{t('poll.remove')}
				</button>
			</div>
		</fieldset>
	);
}
