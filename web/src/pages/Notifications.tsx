/* Notifications: who did what, newest first. */
import { useState } from 'preact/hooks';
import { apiPage, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { applyToNotifications, useLive } from '../lib/live';
import { href } from '../lib/router';
import { asApiError, useLoad } from '../lib/state';
import type { Notification } from '../lib/types';
import { StatusCard } from '../components/Status';
import { Avatar, displayName, ErrorBox, LoadView, PageTitle, Time } from '../components/ui';

const KNOWN = ['mention', 'status', 'reblog', 'favourite', 'follow', 'follow_request', 'update', 'moderation_warning'];

function Item({ n }: { n: Notification }) {
	const t = useT();
	const type = KNOWN.includes(n.type) ? n.type : 'other';
	return (
		<li class={`notification n-${type}`}>
			<p class="n-head">
				<Avatar account={n.account} size={32} />
				<span>
					<a href={href.profile(n.account.acct)}>{displayName(n.account)}</a> {t(`notif.${type}`)}
				</span>
				<Time iso={n.created_at} />
			</p>
			{n.status && <StatusCard status={n.status} />}
			{n.moderation_warning && (
				<p class="n-warning">
					{t(`standing.action.${n.moderation_warning.action}`)}
					{n.moderation_warning.text && <>: <q>{n.moderation_warning.text}</q></>}{' '}
					<a href="#/settings/standing">{t('title.standing')}</a>
				</p>
			)}
		</li>
	);
}

export function Notifications() {
	const t = useT();
	const [more, setMore] = useState<Notification[]>([]);
	/* Arrived on the stream since the page loaded, shown on top. */
	const [fresh, setFresh] = useState<Notification[]>([]);
	useLive((ev) => setFresh((old) => applyToNotifications(old, ev)));
	const [next, setNext] = useState<string | null>(null);
	const [error, setError] = useState<ApiError | null>(null);
	const [load, reload] = useLoad(async () => {
		const p = await apiPage<Notification>('/api/v1/notifications?limit=20');
		setMore([]);
		setFresh([]);
		setNext(p.items.length ? p.next : null);
		return p.items;
	}, []);
	const loadMore = async () => {
		if (!next) return;
		setError(null);
		try {
			const p = await apiPage<Notification>(next);
			setMore([...more, ...p.items]);
			setNext(p.items.length ? p.next : null);
		} catch (e) {
			setError(asApiError(e));
		}
	};
	return (
		<div>
			<PageTitle>{t('nav.notifications')}</PageTitle>
			<LoadView load={load} retry={reload}>
				{(loaded) => {
					const items = [...fresh.filter((f) => !loaded.some((n) => n.id === f.id)), ...loaded];
					return items.length === 0 ? (
						<p class="empty">{t('notif.empty')}</p>
					) : (
						<>
							<ol class="notifications">
								{[...items, ...more].map((n) => (
									<Item key={n.id} n={n} />
								))}
							</ol>
							{error && <ErrorBox error={error} />}
							{next && (
								<button type="button" class="secondary more-button" onClick={loadMore}>
									{t('loadMore')}
								</button>
							)}
						</>
					);
				}}
			</LoadView>
		</div>
	);
}
