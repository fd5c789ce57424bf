/* One status: who, when (relative, exact on hover), why it is shown (the
 * Conversations feed's `rapport.why`), labels (`rapport.flags`), the
 * sanitised content, and reply / boost / favourite. Reply opens a composer
 * right under the status. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { href } from '../lib/router';
import { asApiError, useAppState } from '../lib/state';
import type { Status } from '../lib/types';
import { Composer } from './Composer';
import { LinkCard } from './LinkCard';
import { MediaList } from './Media';
import { PollView } from './Poll';
import { ReportForm } from './Report';
import { Avatar, displayName, ErrorBox, Rich, Time } from './ui';

export interface StatusProps {
	status: Status;
	/* The status a thread is about: marked and not a link to itself. */
	focused?: boolean;
	onReplied?: (s: Status) => void;
}

function Labels({ s }: { s: Status }) {
	const t = useT();
	const why = s.rapport?.why;
	const flags = s.rapport?.flags ?? [];
	if (!why && !flags.length) return null;
	return (
		<p class="labels">
			{why && (
				<span class="why">
					<span class="visually-hidden">{t('status.why')} </span>
					{why}
				</span>
			)}
			{flags.map((f) => (
				<span key={f} class={`flag flag-${f}`}>
					{t(`flag.${f}`) === `flag.${f}` ? f : t(`flag.${f}`)}
				</span>
			))}
		</p>
	);
}

function More({ s }: { s: Status }) {
	const t = useT();
	const label = s.rapport?.more_label;
	const n = s.rapport?.more ?? 0;
	if (!label && n <= 0) return null;
	return <p class="more">{label ?? t('status.more', { n, name: displayName(s.account) })}</p>;
}

export function StatusCard(p: StatusProps) {
	const t = useT();
	const outer = p.status;
	const [s, setS] = useState<Status>(outer.reblog ?? outer);
	const [replying, setReplying] = useState(false);
	const [reporting, setReporting] = useState(false);
	const { session } = useAppState();
	const [error, setError] = useState<ApiError | null>(null);
	const composerId = `reply-${s.id}`;

	const toggle = async (kind: 'favourite' | 'reblog') => {
		const on = kind === 'favourite' ? s.favourited : s.reblogged;
		setError(null);
		try {
			const r = await api<Status>(`/api/v1/statuses/${s.id}/${on ? 'un' : ''}${kind}`, { method: 'POST' });
			setS(r.reblog && kind === 'reblog' && !on ? r.reblog : r);
		} catch (e) {
			setError(asApiError(e));
		}
	};

	const name = displayName(s.account);
	return (
		<article class={p.focused ? 'status focused' : 'status'} aria-label={t('status.by', { name })} aria-current={p.focused ? 'true' : undefined}>
			{outer.reblog && (
				<p class="boosted-by">
					{t('status.boosted', { name: displayName(outer.account) })}
				</p>
			)}
			<header class="status-head">
				<a href={href.profile(s.account.acct)} class="status-avatar" tabIndex={-1} aria-hidden="true">
					<Avatar account={s.account} />
				</a>
				<div class="status-who">
					<a href={href.profile(s.account.acct)} class="name">
						{name}
					</a>
					<span class="acct">@{s.account.acct}</span>
				</div>
				{p.focused ? (
					<span class="status-time">
						<Time iso={s.created_at} />
					</span>
				) : (
					<a class="status-time" href={href.thread(s.id)}>
						<Time iso={s.created_at} />
						<span class="visually-hidden"> · {t('status.open')}</span>
					</a>
				)}
			</header>
			<Labels s={outer} />
			{s.spoiler_text ? (
				<details class="spoiler">
					<summary>{s.spoiler_text}</summary>
					<Rich html={s.content} mentions={s.mentions} />
				</details>
			) : (
				<Rich html={s.content} mentions={s.mentions} />
			)}
			<MediaList s={s} />
			{s.poll ? <PollView poll={s.poll} statusId={s.id} /> : s.card && !s.media_attachments.length && <LinkCard card={s.card} />}
			<More s={outer} />
			<footer class="actions">
				<button type="button" class="action" aria-expanded={replying} aria-controls={replying ? composerId : undefined} onClick={() => setReplying(!replying)}>
					{t('status.reply')}
					<span class="count">{s.replies_count || ''}</span>
				</button>
				{(s.visibility === 'public' || s.visibility === 'unlisted') && (
					<button type="button" class="action" aria-pressed={!!s.reblogged} onClick={() => toggle('reblog')}>
						{s.reblogged ? t('status.boostedShort') : t('status.boost')}
						<span class="count">{s.reblogs_count || ''}</span>
					</button>
				)}
				<button type="button" class="action" aria-pressed={!!s.favourited} onClick={() => toggle('favourite')}>
					{s.favourited ? t('status.liked') : t('status.like')}
					<span class="count">{s.favourites_count || ''}</span>
				</button>
				{session && session.me.id !== s.account.id && (
					<button type="button" class="action" aria-expanded={reporting} aria-controls={reporting ? `report-${s.id}` : undefined} onClick={() => setReporting(!reporting)}>
						{t('report.action')}
					</button>
				)}
			</footer>
			{reporting && <ReportForm id={`report-${s.id}`} account={s.account} statusId={s.id} onDone={() => setReporting(false)} />}
			{error && <ErrorBox error={error} />}
			{replying && (
				<div id={composerId} class="inline-reply">
					<Composer
						id={composerId}
						replyTo={s}
						autoFocus
						onCancel={() => setReplying(false)}
						onPosted={(r) => {
							setReplying(false);
							setS({ ...s, replies_count: s.replies_count + 1 });
							p.onReplied?.(r);
						}}
					/>
				</div>
			)}
		</article>
	);
}
