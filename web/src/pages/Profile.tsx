/* A person: who they are, follow, your private "how we met" note, their
 * social-capital card and their posts. */
import { useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { useT } from '../lib/i18n';
import { asApiError, useAppState, useLoad } from '../lib/state';
import type { Account, Relationship, SocialCard as Card } from '../lib/types';
import { Feed } from '../components/Feed';
import { ReportForm } from '../components/Report';
import { SocialCard } from '../components/SocialCard';
import { Avatar, displayName, ErrorBox, LoadView, NotAvailable, PageTitle, Rich } from '../components/ui';

function FollowButton({ account, rel, onChange }: { account: Account; rel: Relationship; onChange: (r: Relationship) => void }) {
	const t = useT();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const following = rel.following || rel.requested;
	const click = async () => {
		setBusy(true);
		setError(null);
		try {
			onChange(await api<Relationship>(`/api/v1/accounts/${account.id}/${following ? 'unfollow' : 'follow'}`, { method: 'POST' }));
		} catch (e) {
			setError(asApiError(e));
		}
		setBusy(false);
	};
	return (
		<div class="follow">
			<button type="button" class={following ? 'secondary' : undefined} disabled={busy} onClick={click}>
				{rel.requested ? t('profile.requested') : following ? t('profile.unfollow') : t('profile.follow')}
			</button>
			{rel.followed_by && <span class="pill">{rel.following ? t('profile.mutual') : t('profile.followsYou')}</span>}
			{error && <ErrorBox error={error} />}
		</div>
	);
}

function HowWeMet({ account, rel, onChange }: { account: Account; rel: Relationship; onChange: (r: Relationship) => void }) {
	const t = useT();
	const [text, setText] = useState(rel.note ?? '');
	const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
	const [error, setError] = useState<ApiError | null>(null);
	const save = async (e: Event) => {
		e.preventDefault();
		setState('saving');
		setError(null);
		try {
			onChange(await api<Relationship>(`/api/v1/accounts/${account.id}/note`, { method: 'POST', body: { comment: text } }));
			setState('saved');
		} catch (err) {
			setError(asApiError(err));
			setState('idle');
		}
	};
	return (
		<form class="card note" onSubmit={save}>
			<label for="how-we-met">
				<span class="card-title">{t('profile.howWeMet')}</span>
			</label>
			<p id="how-we-met-help" class="help">{t('profile.howWeMetHelp', { name: displayName(account) })}</p>
			<textarea id="how-we-met" rows={3} aria-describedby="how-we-met-help" value={text} onInput={(e) => { setText(e.currentTarget.value); setState('idle'); }} />
			<div class="row">
				<button type="submit" class="secondary" disabled={state === 'saving'}>
					{state === 'saving' ? t('saving') : t('save')}
				</button>
				<span role="status" class="muted">{state === 'saved' ? t('saved') : ''}</span>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}

function Card({ id }: { id: string }) {
	const t = useT();
	const [load, reload] = useLoad(() => api<Card>(`/api/rapport/v1/accounts/${id}/social`), [id]);
	return (
		<LoadView
			load={load}
			retry={reload}
			missing={
				<section class="card" aria-labelledby="social-title">
					<h2 id="social-title">{t('social.title')}</h2>
					<NotAvailable what={t('social.title')}>
						<p>{t('social.missing')}</p>
					</NotAvailable>
				</section>
			}
		>
			{(card) => <SocialCard card={card} />}
		</LoadView>
	);
}

function ReportButton({ account }: { account: Account }) {
	const t = useT();
	const [open, setOpen] = useState(false);
	return (
		<div class="report-account">
			<button type="button" class="secondary" aria-expanded={open} aria-controls={open ? 'report-account' : undefined} onClick={() => setOpen(!open)}>
				{t('report.account')}
			</button>
			{open && <ReportForm id="report-account" account={account} onDone={() => setOpen(false)} />}
		</div>
	);
}

export function Profile({ acct }: { acct: string }) {
	const t = useT();
	const { session } = useAppState();
	const [load, reload, setData] = useLoad(async () => {
		const account = await api<Account>(`/api/v1/accounts/lookup${qs({ acct })}`);
		const self = session?.me.id === account.id;
		const rels = self || !session ? [] : await api<Relationship[]>(`/api/v1/accounts/relationships?id[]=${account.id}`);
		return { account, rel: rels[0] ?? null, self };
	}, [acct]);
	return (
		<LoadView load={load} retry={reload}>
			{({ account, rel, self }) => (
				<div class="profile">
					<header class="profile-head">
						<Avatar account={account} size={88} />
						<div>
							<PageTitle>{displayName(account)}</PageTitle>
							<p class="acct">@{account.acct}{account.bot && <span class="pill">{t('profile.bot')}</span>}</p>
						</div>
					</header>
					<Rich html={account.note} class="rich bio" />
					<p class="counts">
						<span>{t('profile.posts', { n: account.statuses_count })}</span>
						<span>{t('profile.following', { n: account.following_count })}</span>
						<span>{t('profile.followers', { n: account.followers_count })}</span>
					</p>
					{self && (
						<p>
							<a href="#/settings">{t('profile.edit')}</a>
						</p>
					)}
					{rel && <FollowButton account={account} rel={rel} onChange={(r) => setData({ account, rel: r, self })} />}
					{rel && <HowWeMet account={account} rel={rel} onChange={(r) => setData({ account, rel: r, self })} />}
					{rel && <ReportButton account={account} />}
					<Card id={account.id} />
					<h2>{t('profile.recent')}</h2>
					<Feed key={account.id} label={t('profile.recent')} path={`/api/v1/accounts/${account.id}/statuses?limit=20`} empty={<p>{t('profile.noPosts')}</p>} />
				</div>
			)}
		</LoadView>
	);
}
