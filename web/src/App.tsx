/* The frame: a skip link, the navigation, the page for the route, the
 * language picker. Signed-out visitors see the welcome and sign-up pages. */
import type { ComponentChildren } from 'preact';
import { useEffect, useErrorBoundary, useRef } from 'preact/hooks';
import { useT } from './lib/i18n';
import type { Route } from './lib/router';
import { update, useAppState, useRoute } from './lib/state';
import { Connections } from './pages/Connections';
import { Home } from './pages/Home';
import { Messages } from './pages/Messages';
import { can, Moderation, PERM } from './pages/Moderation';
import { Notifications } from './pages/Notifications';
import { Profile } from './pages/Profile';
import { Search } from './pages/Search';
import { LanguagePicker, Settings } from './pages/Settings';
import { AccountPage, PasswordPage } from './pages/Account';
import { ConfirmPage, ResetPage } from './pages/EmailLinks';
import { SignUp } from './pages/SignUp';
import { Tag } from './pages/Tag';
import { Thread } from './pages/Thread';
import { Welcome } from './pages/Welcome';
import { AuditPage, StandingPage, WarningNotice } from './pages/Community';
import { PageTitle } from './components/ui';

const PUBLIC = new Set(['welcome', 'signup']);

function Nav({ route }: { route: Route }) {
	const t = useT();
	const { session } = useAppState();
	if (!session) return null;
	const items: [string, string, boolean][] = [
		['#/home', t('nav.home'), route.name === 'home'],
		['#/notifications', t('nav.notifications'), route.name === 'notifications'],
		['#/messages', t('nav.messages'), route.name === 'messages'],
		['#/connections', t('nav.connections'), route.name === 'connections'],
		['#/search', t('nav.search'), route.name === 'search' || route.name === 'tag'],
		[`#/@${session.me.acct}`, t('nav.profile'), route.name === 'profile' && route.params.acct === session.me.acct],
		['#/settings', t('nav.settings'), ['settings', 'password', 'account', 'standing', 'audit'].includes(route.name)],
	];
	if (can(session.me.role, PERM.reports)) items.push(['#/moderation', t('nav.moderation'), route.name === 'moderation']);
	return (
		<nav class="nav" aria-label={t('nav.label')}>
			<ul>
				{items.map(([h, label, on]) => (
					<li key={h}>
						<a href={h} aria-current={on ? 'page' : undefined}>
							{label}
						</a>
					</li>
				))}
			</ul>
		</nav>
	);
}

function Page({ route }: { route: Route }) {
	const t = useT();
	switch (route.name) {
		case 'welcome': return <Welcome />;
		case 'signup': return <SignUp />;
		case 'home': return <Home route={route} />;
		case 'thread': return <Thread key={route.params.id} id={route.params.id} />;
		case 'profile': return <Profile key={route.params.acct} acct={route.params.acct} />;
		case 'notifications': return <Notifications />;
		case 'messages': return <Messages route={route} />;
		case 'connections': return <Connections />;
		case 'search': return <Search key={route.query.get('q') ?? ''} route={route} />;
		case 'tag': return <Tag tag={route.params.tag} />;
		case 'settings': return <Settings />;
		case 'password': return <PasswordPage />;
		case 'account': return <AccountPage />;
		case 'confirm': return <ConfirmPage route={route} />;
		case 'reset': return <ResetPage route={route} />;
		case 'moderation': return <Moderation />;
		case 'standing': return <StandingPage />;
		case 'audit': return <AuditPage />;
		default:
			return (
				<div>
					<PageTitle>{t('notFound.title')}</PageTitle>
					<p>{t('notFound.text')}</p>
					<p><a href="#/home">{t('nav.home')}</a></p>
				</div>
			);
	}
}

/* A defect in a page shows what broke and a way out, never a blank page. */
function Guard({ children }: { children: ComponentChildren }) {
	const t = useT();
	const [error, reset] = useErrorBoundary();
	if (!error) return <>{children}</>;
	return (
		<div class="error-box" role="alert">
			<p>
				<strong>{t('error.app')}</strong> <span class="error-message">{String((error as Error)?.message ?? error)}</span>
			</p>
			<button type="button" class="secondary" onClick={() => { reset(); location.reload(); }}>
				{t('retry')}
			</button>
		</div>
	);
}

export function App() {
	const t = useT();
	const { session, flash, instance } = useAppState();
	let route = useRoute();
	/* The pages e-mails link to open signed in or out. */
	const anyone = route.name === 'confirm' || route.name === 'reset';
	const redirect = anyone ? null : !session && !PUBLIC.has(route.name) ? 'welcome' : session && PUBLIC.has(route.name) ? 'home' : null;
	if (redirect) route = { name: redirect, params: {}, query: new URLSearchParams() };
	const key = `${route.name}:${JSON.stringify(route.params)}`;

	const first = useRef(true);
	/* A message shows on the page where it was given and goes with the next page. */
	const flashAt = useRef<string | null>(null);
	useEffect(() => {
		if (!flash) flashAt.current = null;
		else if (flashAt.current === null) flashAt.current = key;
		else if (flashAt.current !== key) update({ flash: null });
	}, [key, flash]);
	useEffect(() => {
		const title = t(`title.${route.name}`);
		const site = instance?.title || 'Rapport';
		document.title = title === site ? site : `${title} · ${site}`;
	}, [key, instance]);

	useEffect(() => {
		/* Another page: move focus to its heading, so that keyboard and
		 * screen reader users start there (the first page starts at the top,
		 * as any page load does, with the skip link first). */
		const h = document.getElementById('page-title');
		if (!first.current && h && !h.contains(document.activeElement)) h.focus({ preventScroll: true });
		first.current = false;
	}, [key]);

	return (
		<>
			<a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
				{t('skip')}
			</a>
			<header class="top">
				<a class="brand" href={session ? '#/home' : '#/welcome'}>
					<span class="brand-mark" aria-hidden="true">r</span> {instance?.title || 'Rapport'}
				</a>
				<Nav route={route} />
			</header>
			<main id="main" tabIndex={-1}>
				{route.name !== 'standing' && <WarningNotice />}
				{flash && (
					<div class={flash.kind === 'error' ? 'flash error-box' : 'flash'} role={flash.kind === 'error' ? 'alert' : 'status'}>
						<p>{flash.text}</p>
						<button type="button" class="secondary" onClick={() => update({ flash: null })}>
							{t('dismiss')}
						</button>
					</div>
				)}
				<Guard key={key}>
					<Page route={route} />
				</Guard>
			</main>
			<footer class="bottom">
				<LanguagePicker id="footer-language" />
			</footer>
		</>
	);
}
