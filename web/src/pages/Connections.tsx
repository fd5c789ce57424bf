/* Know your connections: people waiting for your answer, mutuals to
 * reconnect with, followers you have never talked with. Each part comes
 * from Rapport's own API and says so plainly when this server lacks it. */
import { api } from '../lib/api';
import { useT } from '../lib/i18n';
import { useLoad } from '../lib/state';
import type { Account, Status } from '../lib/types';
import { StatusCard } from '../components/Status';
import { AccountLine, LoadView, NotAvailable, PageTitle } from '../components/ui';

/* The lists may hold accounts or objects with an `account`. */
type AccountItem = Account | { account: Account };
const accountOf = (x: AccountItem): Account => ('account' in x ? x.account : x);
type WaitingItem = Status | { status: Status; kind?: string };
const statusOf = (x: WaitingItem): Status => ('status' in x ? x.status : x);

function People({ path, title, intro, empty }: { path: string; title: string; intro: string; empty: string }) {
	const [load, reload] = useLoad(() => api<AccountItem[]>(path), [path]);
	return (
		<section class="card" aria-label={title}>
			<h2>{title}</h2>
			<p class="muted">{intro}</p>
			<LoadView load={load} retry={reload} missing={<NotAvailable what={title} />}>
				{(items) =>
					items.length === 0 ? (
						<p class="empty">{empty}</p>
					) : (
						<ul class="people">
							{items.map((x) => {
								const a = accountOf(x);
								return (
									<li key={a.id}>
										<AccountLine account={a} />
									</li>
								);
							})}
						</ul>
					)
				}
			</LoadView>
		</section>
	);
}

function Waiting() {
	const t = useT();
	const [load, reload] = useLoad(() => api<WaitingItem[]>('/api/rapport/v1/waiting'), []);
	return (
		<section class="card" aria-label={t('conn.waiting')}>
			<h2>{t('conn.waiting')}</h2>
			<p class="muted">{t('conn.waitingIntro')}</p>
			<LoadView load={load} retry={reload} missing={<NotAvailable what={t('conn.waiting')} />}>
				{(items) =>
					items.length === 0 ? (
						<p class="empty">{t('conn.waitingEmpty')}</p>
					) : (
						<ol class="statuses">
							{items.map((x) => {
								const s = statusOf(x);
								return (
									<li key={s.id}>
										<StatusCard status={s} onReplied={reload} />
									</li>
								);
							})}
						</ol>
					)
				}
			</LoadView>
		</section>
	);
}

export function Connections() {
	const t = useT();
	return (
		<div>
			<PageTitle>{t('nav.connections')}</PageTitle>
			<Waiting />
			<People path="/api/rapport/v1/connections/reconnect" title={t('conn.reconnect')} intro={t('conn.reconnectIntro')} empty={t('conn.reconnectEmpty')} />
			<People path="/api/rapport/v1/connections/unknown" title={t('conn.unknown')} intro={t('conn.unknownIntro')} empty={t('conn.unknownEmpty')} />
		</div>
	);
}
