/* Reporting a person or one of their posts to the moderators: a category,
 * the rules it breaks (the server's own), a comment, and for people on
 * other servers whether to forward it there (POST /api/v1/reports). */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { asApiError, useLoad } from '../lib/state';
import type { Account, Rule } from '../lib/types';
import { displayName, ErrorBox } from './ui';

const CATEGORIES = ['spam', 'violation', 'legal', 'other'];

export function ReportForm(p: { account: Account; statusId?: string; id: string; onDone: () => void }) {
	const t = useT();
	const [rules] = useLoad(() => api<Rule[]>('/api/v1/instance/rules'), []);
	const [category, setCategory] = useState('spam');
	const [ruleIds, setRuleIds] = useState<string[]>([]);
	const [comment, setComment] = useState('');
	const [forward, setForward] = useState(false);
	const [state, setState] = useState<'idle' | 'sending' | 'sent'>('idle');
	const [error, setError] = useState<ApiError | null>(null);
	const remote = p.account.acct.includes('@');

	const send = async (e: Event) => {
		e.preventDefault();
		setState('sending');
		setError(null);
		try {
			await api('/api/v1/reports', {
				method: 'POST',
				body: {
					account_id: p.account.id,
					status_ids: p.statusId ? [p.statusId] : [],
					category,
					rule_ids: category === 'violation' ? ruleIds : [],
					comment,
					forward,
				},
			});
			setState('sent');
		} catch (err) {
			setError(asApiError(err));
			setState('idle');
		}
	};

	if (state === 'sent')
		return (
			<div class="card report" id={p.id} role="status">
				<p>{t('report.sent', { name: displayName(p.account) })}</p>
				<button type="button" class="secondary" onClick={p.onDone}>{t('dismiss')}</button>
			</div>
		);
	const list = rules.state === 'ok' ? rules.data : [];
	return (
		<form class="card report" id={p.id} onSubmit={send} aria-label={t('report.title', { name: displayName(p.account) })}>
			<fieldset>
				<legend>{t(p.statusId ? 'report.post' : 'report.title', { name: displayName(p.account) })}</legend>
				{CATEGORIES.map((c) => (
					<label key={c} class="choice">
						<input type="radio" name={`${p.id}-category`} value={c} checked={category === c} onChange={() => setCategory(c)} />
						{t(`report.category.${c}`)}
					</label>
				))}
			</fieldset>
			{category === 'violation' && list.length > 0 && (
				<fieldset>
					<legend>{t('report.rules')}</legend>
					{list.map((r) => (
						<label key={r.id} class="choice">
							<input
								type="checkbox"
								checked={ruleIds.includes(r.id)}
								onChange={(e) => setRuleIds(e.currentTarget.checked ? [...ruleIds, r.id] : ruleIds.filter((x) => x !== r.id))}
							/>
							{r.text}
						</label>
					))}
				</fieldset>
			)}
			<label for={`${p.id}-comment`}>{t('report.comment')}</label>
			<textarea id={`${p.id}-comment`} rows={3} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
			{remote && (
				<label class="choice">
					<input type="checkbox" checked={forward} onChange={(e) => setForward(e.currentTarget.checked)} />
					{t('report.forward')}
				</label>
			)}
			<div class="row">
				<button type="submit" disabled={state === 'sending'}>{state === 'sending' ? t('saving') : t('report.send')}</button>
				<button type="button" class="secondary" onClick={p.onDone}>{t('cancel')}</button>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}
