/* The account's security settings, on Rapport's own API
 * (/api/rapport/v1/account...; Mastodon has no public API for these):
 * the password page (a new password ends every other session), and the
 * account page (e-mail, the apps signed in, deleting the account). */
import { useState } from 'preact/hooks';
import { api, ApiError, apiBlob } from '../lib/api';
import { useT } from '../lib/i18n';
import { asApiError, update, useAppState, useLoad } from '../lib/state';
import { ErrorBox, LoadView, NotAvailable, PageTitle, Time } from '../components/ui';

interface AuthorizedApp {
	id: string;
	name: string;
	website: string | null;
	scopes: string[];
	authorized_at: string;
	last_authorized_at: string;
	tokens: number;
	current: boolean;
}

type Phase = 'idle' | 'busy' | 'done';

function Back() {
	const t = useT();
	return <p><a href="#/settings">{t('account.back')}</a></p>;
}

export function PasswordPage() {
	const t = useT();
	const [current, setCurrent] = useState('');
	const [next, setNext] = useState('');
	const [again, setAgain] = useState('');
	const [phase, setPhase] = useState<Phase>('idle');
	const [error, setError] = useState<ApiError | null>(null);
	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		if (next !== again) {
			setError(new ApiError(422, t('password.mismatch')));
			return;
		}
		setPhase('busy');
		try {
			await api('/api/rapport/v1/account/password', { method: 'POST', body: { current_password: current, password: next } });
			setCurrent('');
			setNext('');
			setAgain('');
			setPhase('done');
		} catch (err) {
			setError(asApiError(err));
			setPhase('idle');
		}
	};
	return (
		<div>
			<PageTitle>{t('title.password')}</PageTitle>
			<Back />
			<form class="card stack" onSubmit={submit} aria-labelledby="password-heading">
				<h2 id="password-heading">{t('password.heading')}</h2>
				<p class="muted">{t('password.intro')}</p>
				<div class="field">
					<label for="pw-current">{t('password.current')}</label>
					<input id="pw-current" type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
				</div>
				<div class="field">
					<label for="pw-new">{t('password.new')}</label>
					<input id="pw-new" type="password" autoComplete="new-password" required minLength={8} maxLength={128} value={next} onInput={(e) => setNext(e.currentTarget.value)} />
				</div>
				<div class="field">
					<label for="pw-again">{t('password.again')}</label>
					<input id="pw-again" type="password" autoComplete="new-password" required minLength={8} maxLength={128} value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
				</div>
				<div class="row">
					<button type="submit" disabled={phase === 'busy'}>
						{phase === 'busy' ? t('saving') : t('password.submit')}
					</button>
					<span role="status" class="muted">{phase === 'done' ? t('password.changed') : ''}</span>
				</div>
				{error && <ErrorBox error={error} />}
			</form>
		</div>
	);
}

function EmailForm() {
	const t = useT();
	const [load, reload] = useLoad(() => api<{ email: string; confirmed: boolean }>('/api/rapport/v1/account'), []);
	const [resent, setResent] = useState(false);
	const resend = async () => {
		setError(null);
		try {
			await api('/api/v1/emails/confirmations', { method: 'POST' });
			setResent(true);
		} catch (err) {
			setError(asApiError(err));
		}
	};
	const [email, setEmail] = useState('');
	const [current, setCurrent] = useState('');
	const [shown, setShown] = useState<string | null>(null);
	const [phase, setPhase] = useState<Phase>('idle');
	const [error, setError] = useState<ApiError | null>(null);
	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		setPhase('busy');
		try {
			const r = await api<{ email: string }>('/api/rapport/v1/account/email', { method: 'POST', body: { current_password: current, email } });
			setShown(r.email);
			setCurrent('');
			setPhase('done');
			reload();
		} catch (err) {
			setError(asApiError(err));
			setPhase('idle');
		}
	};
	return (
		<form class="card stack" onSubmit={submit} aria-labelledby="email-heading">
			<h2 id="email-heading">{t('email.heading')}</h2>
			<LoadView load={load}>
				{(d) => (
					<>
						<p>{t('email.current', { email: shown ?? d.email })}</p>
						{!d.confirmed && (
							<p class="row">
								<span>{t('email.unconfirmed')}</span>
								<button type="button" class="secondary" onClick={resend} disabled={resent}>
									{resent ? t('email.resent') : t('email.resend')}
								</button>
							</p>
						)}
					</>
				)}
			</LoadView>
			<div class="field">
				<label for="email-new">{t('email.new')}</label>
				<input id="email-new" type="email" autoComplete="email" required maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
			</div>
			<div class="field">
				<label for="email-password">{t('password.current')}</label>
				<input id="email-password" type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
			</div>
			<div class="row">
				<button type="submit" disabled={phase === 'busy'}>{phase === 'busy' ? t('saving') : t('email.submit')}</button>
				<span role="status" class="muted">{phase === 'done' ? t('saved') : ''}</span>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}

function signedOut(text: string) {
	update({ session: null, flash: { kind: 'info', text } });
	location.hash = '#/welcome';
}

function AppsList() {
	const t = useT();
	const [load, reload] = useLoad(() => api<AuthorizedApp[]>('/api/rapport/v1/authorized_apps'), []);
	const [error, setError] = useState<ApiError | null>(null);
	const revoke = async (a: AuthorizedApp) => {
		setError(null);
		try {
			await api(`/api/rapport/v1/authorized_apps/${a.id}`, { method: 'DELETE' });
		} catch (err) {
			setError(asApiError(err));
			return;
		}
		if (a.current) signedOut(t('settings.signedOut'));
		else reload();
	};
	return (
		<section class="card stack" aria-labelledby="apps-heading">
			<h2 id="apps-heading">{t('apps.heading')}</h2>
			<LoadView load={load} retry={reload} missing={<NotAvailable what={t('apps.heading')} />}>
				{(apps) => (
					<ul class="plain-list">
						{apps.map((a) => (
							<li key={a.id} class="row">
								<span>
									<strong>{a.name}</strong>
									{a.current && <span class="muted"> · {t('apps.current')}</span>}
									<br />
									<span class="muted">
										{a.scopes.join(' ')} · <Time iso={a.last_authorized_at} />
									</span>
								</span>
								<button type="button" class="secondary" onClick={() => revoke(a)} aria-label={t('apps.revokeLabel', { name: a.name })}>
									{t('apps.revoke')}
								</button>
							</li>
						))}
					</ul>
				)}
			</LoadView>
			{error && <ErrorBox error={error} />}
		</section>
	);
}

function DeleteForm() {
	const t = useT();
	const [password, setPassword] = useState('');
	const [sure, setSure] = useState(false);
	const [phase, setPhase] = useState<Phase>('idle');
	const [error, setError] = useState<ApiError | null>(null);
	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		setPhase('busy');
		try {
			await api('/api/rapport/v1/account/delete', { method: 'POST', body: { password } });
		} catch (err) {
			setError(asApiError(err));
			setPhase('idle');
			return;
		}
		signedOut(t('delete.done'));
	};
	return (
		<form class="card stack danger" onSubmit={submit} aria-labelledby="delete-heading">
			<h2 id="delete-heading">{t('delete.heading')}</h2>
			<p>{t('delete.intro')}</p>
			<div class="field">
				<label for="delete-password">{t('password.current')}</label>
				<input id="delete-password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
			</div>
			<div class="check">
				<input id="delete-sure" type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} />
				<label for="delete-sure">{t('delete.confirm')}</label>
			</div>
			<div class="row">
				<button type="submit" disabled={!sure || phase === 'busy'}>{t('delete.submit')}</button>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}

const EXPORTS: [string, string][] = [
	['archive', 'archive.zip'],
	['following', 'following_accounts.csv'],
	['lists', 'lists.csv'],
	['blocks', 'blocked_accounts.csv'],
	['mutes', 'muted_accounts.csv'],
	['domain_blocks', 'blocked_domains.csv'],
	['bookmarks', 'bookmarks.csv'],
];

interface ImportResult {
	imported: number;
	skipped: number;
	skips: { line: number; address: string; error: string }[];
}

async function download(kind: string, file: string) {
	const blob = await apiBlob(kind === 'archive' ? '/api/rapport/v1/exports/archive.zip' : `/api/rapport/v1/exports/${kind}.csv`);
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = file;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function DataSection() {
	const t = useT();
	const [type, setType] = useState('following');
	const [file, setFile] = useState<File | null>(null);
	const [busy, setBusy] = useState(false);
	const [result, setResult] = useState<ImportResult | null>(null);
	const [error, setError] = useState<ApiError | null>(null);
	const get = async (kind: string, name: string) => {
		setError(null);
		try {
			await download(kind, name);
		} catch (err) {
			setError(asApiError(err));
		}
	};
	const submit = async (e: Event) => {
		e.preventDefault();
		if (!file) return;
		setBusy(true);
		setError(null);
		setResult(null);
		try {
			const data = await file.text();
			setResult(await api<ImportResult>('/api/rapport/v1/imports', { method: 'POST', body: { type, data } }));
		} catch (err) {
			setError(asApiError(err));
		}
		setBusy(false);
	};
	return (
		<section class="card stack" aria-labelledby="data-heading">
			<h2 id="data-heading">{t('data.heading')}</h2>
			<p class="muted">{t('data.intro')}</p>
			<ul class="plain-list">
				{EXPORTS.map(([kind, name]) => (
					<li key={kind} class="row">
						<span>{t(`data.${kind}`)}</span>
						<button type="button" class="secondary" onClick={() => get(kind, name)} aria-label={t('data.downloadLabel', { file: name })}>
							{t('data.download')}
						</button>
					</li>
				))}
			</ul>
			<form class="stack" onSubmit={submit} aria-labelledby="import-heading">
				<h3 id="import-heading">{t('data.import')}</h3>
				<div class="field">
					<label for="import-type">{t('data.type')}</label>
					<select id="import-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
						{['following', 'lists', 'blocks', 'mutes', 'domain_blocks', 'bookmarks'].map((k) => (
							<option key={k} value={k}>{t(`data.${k}`)}</option>
						))}
					</select>
				</div>
				<div class="field">
					<label for="import-file">{t('data.file')}</label>
					<input id="import-file" type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
				</div>
				<div class="row">
					<button type="submit" disabled={busy || !file}>{t('data.importSubmit')}</button>
				</div>
				{result && (
					<div role="status">
						<p>{t('data.result', { imported: result.imported, skipped: result.skipped })}</p>
						{result.skips.length > 0 && (
							<ul>
								{result.skips.map((s) => (
									<li key={s.line}>{t('data.skip', { line: s.line, address: s.address, error: s.error })}</li>
								))}
							</ul>
						)}
					</div>
				)}
			</form>
			{error && <ErrorBox error={error} />}
		</section>
	);
}

export function AccountPage() {
	const t = useT();
	const { session } = useAppState();
	if (!session) return null;
	return (
		<div>
			<PageTitle>{t('title.account')}</PageTitle>
			<Back />
			<p><a href="#/settings/password">{t('password.heading')}</a></p>
			<EmailForm />
			<AppsList />
			<DataSection />
			<DeleteForm />
		</div>
	);
}
