/* Direct messages (/api/v1/conversations) and message requests: messages
 * from people you do not know wait there until you accept or decline them
 * (/api/v1/notifications/requests; a server without it shows that requests
 * are not available yet). */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { href, type Route } from '../lib/router';
import { asApiError, useAppState, useLoad } from '../lib/state';
import type { Conversation, NotificationRequest } from '../lib/types';
import { Composer } from '../components/Composer';
import { Avatar, displayName, ErrorBox, LoadView, NotAvailable, PageTitle, Rich, Tabs, Time } from '../components/ui';

function Conversations() {
	const t = useT();
	const { session } = useAppState();
	const [load, reload] = useLoad(() => api<Conversation[]>('/api/v1/conversations?limit=20'), []);
	const [writing, setWriting] = useState(false);
	return (
		<>
			{writing ? (
				<Composer id="dm" direct autoFocus onCancel={() => setWriting(false)} onPosted={() => { setWriting(false); reload(); }} />
			) : (
				<button type="button" onClick={() => setWriting(true)}>
					{t('dm.new')}
				</button>
			)}
			<LoadView load={load} retry={reload}>
				{(items) =>
					items.length === 0 ? (
						<p class="empty">{t('dm.empty')}</p>
					) : (
						<ol class="conversations">
							{items.map((c) => {
								const others = c.accounts.filter((a) => a.id !== session?.me.id);
								const who = (others.length ? others : c.accounts).map(displayName).join(', ');
								return (
									<li key={c.id} class={c.unread ? 'conversation unread' : 'conversation'}>
										{c.accounts[0] && <Avatar account={(others[0] ?? c.accounts[0])} size={40} />}
										<div>
											<p class="conv-head">
												{c.last_status ? <a href={href.thread(c.last_status.id)}>{who}</a> : <span>{who}</span>}
												{c.unread && <span class="pill">{t('dm.unread')}</span>}
												{c.last_status && <Time iso={c.last_status.created_at} />}
											</p>
											{c.last_status && <Rich html={c.last_status.content} mentions={c.last_status.mentions} class="rich excerpt" />}
										</div>
									</li>
								);
							})}
						</ol>
					)
				}
			</LoadView>
		</>
	);
}

function Request({ r, onDone }: { r: NotificationRequest; onDone: () => void }) {
	const t = useT();
	const [error, setError] = useState<ApiError | null>(null);
	const [busy, setBusy] = useState(false);
	const automated = r.last_status?.rapport?.flags?.includes('automated');
	const act = async (what: 'accept' | 'dismiss') => {
		setBusy(true);
		setError(null);
		try {
			await api(`/api/v1/notifications/requests/${r.id}/${what}`, { method: 'POST' });
			onDone();
		} catch (e) {
			setError(asApiError(e));
			setBusy(false);
		}
	};
	return (
		<li class="request">
			<p class="conv-head">
				<Avatar account={r.account} size={40} />
				<a href={href.profile(r.account.acct)}>{displayName(r.account)}</a>
				<span class="acct">@{r.account.acct}</span>
				{automated && <span class="flag flag-automated">{t('flag.automated')}</span>}
				<Time iso={r.created_at} />
			</p>
			{r.last_status && <Rich html={r.last_status.content} mentions={r.last_status.mentions} class="rich excerpt" />}
			<div class="row">
				<button type="button" disabled={busy} onClick={() => act('accept')}>
					{t('req.accept')}
				</button>
				<button type="button" class="secondary" disabled={busy} onClick={() => act('dismiss')}>
					{t('req.decline')}
				</button>
			</div>
			{error && <ErrorBox error={error} />}
		</li>
	);
}

function Requests() {
	const t = useT();
	const [load, reload] = useLoad(() => api<NotificationRequest[]>('/api/v1/notifications/requests?limit=40'), []);
	return (
		<LoadView
			load={load}
			retry={reload}
			missing={
				<NotAvailable what={t('dm.requests')}>
					<p>{t('req.missing')}</p>
				</NotAvailable>
			}
		>
			{(items) =>
				items.length === 0 ? (
					<p class="empty">{t('req.empty')}</p>
				) : (
					<ol class="requests">
						{items.map((r) => (
							<Request key={r.id} r={r} onDone={reload} />
						))}
					</ol>
				)
			}
		</LoadView>
	);
}

export function Messages({ route }: { route: Route }) {
	const t = useT();
	const tab = route.query.get('tab') === 'requests' ? 'requests' : 'direct';
	return (
		<div>
			<PageTitle>{t('nav.messages')}</PageTitle>
			<Tabs
				label={t('nav.messages')}
				idPrefix="dm"
				selected={tab}
				onSelect={(id) => (location.hash = href.messages(id === 'requests' ? 'requests' : undefined))}
				tabs={[
					{ id: 'direct', label: t('dm.direct') },
					{ id: 'requests', label: t('dm.requests') },
				]}
			/>
			<div id="dm-panel" role="tabpanel" aria-labelledby={`dm-tab-${tab}`}>
				{tab === 'requests' ? (
					<>
						<p class="tab-intro">{t('req.intro')}</p>
						<Requests />
					</>
				) : (
					<Conversations />
				)}
			</div>
		</div>
	);
}
