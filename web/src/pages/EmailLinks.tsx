/* The pages the server's e-mails link to (core/email.h): #/confirm?token=
 * confirms the address; #/reset asks for a reset link, and
 * #/reset?token= sets a new password. Both work signed in or out. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { asApiError, type Load } from '../lib/state';
import type { Route } from '../lib/router';
import { ErrorBox, Loading, PageTitle } from '../components/ui';

export function ConfirmPage({ route }: { route: Route }) {
	const t = useT();
	const token = route.query.get('token') ?? '';
	const [load, setLoad] = useState<Load<true>>({ state: 'loading' });
	useEffect(() => {
		api('/api/rapport/v1/email/confirm', { method: 'POST', body: { token }, token: null }).then(
			() => setLoad({ state: 'ok', data: true }),
			(e) => setLoad({ state: 'error', error: asApiError(e) }),
		);
	}, [token]);
	return (
		<div>
			<PageTitle>{t('title.confirm')}</PageTitle>
			{load.state === 'loading' && <Loading />}
			{load.state === 'error' && <ErrorBox error={load.error} />}
			{load.state === 'ok' && <p role="status">{t('confirm.done')}</p>}
			<p><a href="#/home">{t('nav.home')}</a></p>
		</div>
	);
}

function RequestForm() {
	const t = useT();
	const [email, setEmail] = useState('');
	const [sent, setSent] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const submit = async (e: Event) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			await api('/api/rapport/v1/password/reset', { method: 'POST', body: { email }, token: null });
			setSent(true);
		} catch (err) {
			setError(asApiError(err));
		}
		setBusy(false);
	};
	return (
		<form class="card stack" onSubmit={submit} aria-labelledby="reset-ask">
			<h2 id="reset-ask">{t('reset.ask')}</h2>
			<div class="field">
				<label for="reset-email">{t('email.heading')}</label>
				<input id="reset-email" type="email" autoComplete="email" required maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
			</div>
			<div class="row">
				<button type="submit" disabled={busy}>{t('reset.send')}</button>
				<span role="status" class="muted">{sent ? t('reset.sent') : ''}</span>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}

function NewPasswordForm({ token }: { token: string }) {
	const t = useT();
	const [next, setNext] = useState('');
	const [again, setAgain] = useState('');
	const [done, setDone] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		if (next !== again) {
			setError(new ApiError(422, t('password.mismatch')));
			return;
		}
		setBusy(true);
		try {
			await api('/api/rapport/v1/password/reset/confirm', { method: 'POST', body: { token, password: next }, token: null });
			setDone(true);
		} catch (err) {
			setError(asApiError(err));
		}
		setBusy(false);
	};
	if (done) return <p role="status">{t('reset.done')} <a href="#/welcome">{t('welcome.signIn')}</a></p>;
	return (
		<form class="card stack" onSubmit={submit} aria-labelledby="reset-new">
			<h2 id="reset-new">{t('reset.choose')}</h2>
			<div class="field">
				<label for="reset-pw">{t('password.new')}</label>
				<input id="reset-pw" type="password" autoComplete="new-password" required minLength={8} maxLength={128} value={next} onInput={(e) => setNext(e.currentTarget.value)} />
			</div>
			<div class="field">
				<label for="reset-pw2">{t('password.again')}</label>
				<input id="reset-pw2" type="password" autoComplete="new-password" required minLength={8} maxLength={128} value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
			</div>
			<button type="submit" disabled={busy}>{t('password.submit')}</button>
			{error && <ErrorBox error={error} />}
		</form>
	);
}

export function ResetPage({ route }: { route: Route }) {
	const t = useT();
	const token = route.query.get('token');
	return (
		<div>
			<PageTitle>{t('title.reset')}</PageTitle>
			{token ? <NewPasswordForm token={token} /> : <RequestForm />}
		</div>
	);
}
