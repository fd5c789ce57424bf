/* Creating an account in the app (POST /api/v1/accounts with an app token);
 * the account is signed in at once. */
import { useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { signUp } from '../lib/auth';
import { useT } from '../lib/i18n';
import { asApiError, getState, startSession } from '../lib/state';
import { ErrorBox, PageTitle } from '../components/ui';

export function SignUp() {
	const t = useT();
	const [f, setF] = useState({ username: '', email: '', password: '', confirm: '', agree: false });
	const [error, setError] = useState<ApiError | null>(null);
	const [mismatch, setMismatch] = useState(false);
	const [busy, setBusy] = useState(false);
	const set = (k: keyof typeof f) => (e: Event) => {
		const el = e.currentTarget as HTMLInputElement;
		setF({ ...f, [k]: el.type === 'checkbox' ? el.checked : el.value });
	};
	const submit = async (e: Event) => {
		e.preventDefault();
		setMismatch(f.password !== f.confirm);
		if (f.password !== f.confirm) return;
		setBusy(true);
		setError(null);
		try {
			const token = await signUp({ username: f.username.trim(), email: f.email.trim(), password: f.password, locale: getState().lang });
			await startSession(token);
			location.hash = '#/home';
		} catch (err) {
			setError(asApiError(err));
			setBusy(false);
		}
	};
	return (
		<div class="narrow">
			<PageTitle>{t('signup.title')}</PageTitle>
			<form class="stack" onSubmit={submit}>
				<div class="field">
					<label for="su-username">{t('signup.username')}</label>
					<input id="su-username" name="username" type="text" required maxLength={30} pattern="[A-Za-z0-9_]{1,30}" autoComplete="username" aria-describedby="su-username-help" value={f.username} onInput={set('username')} />
					<p id="su-username-help" class="help">{t('signup.usernameHelp')}</p>
				</div>
				<div class="field">
					<label for="su-email">{t('signup.email')}</label>
					<input id="su-email" name="email" type="email" required autoComplete="email" value={f.email} onInput={set('email')} />
				</div>
				<div class="field">
					<label for="su-password">{t('signup.password')}</label>
					<input id="su-password" name="password" type="password" required minLength={8} autoComplete="new-password" aria-describedby="su-password-help" value={f.password} onInput={set('password')} />
					<p id="su-password-help" class="help">{t('signup.passwordHelp')}</p>
				</div>
				<div class="field">
					<label for="su-confirm">{t('signup.confirm')}</label>
					<input id="su-confirm" name="confirm" type="password" required minLength={8} autoComplete="new-password" aria-invalid={mismatch} value={f.confirm} onInput={set('confirm')} />
					{mismatch && <p class="field-error" role="alert">{t('signup.mismatch')}</p>}
				</div>
				<div class="check">
					<input id="su-agree" type="checkbox" required checked={f.agree} onChange={set('agree')} />
					<label for="su-agree">{t('signup.agree')}</label>
				</div>
				<button type="submit" disabled={busy}>
					{busy ? t('signup.creating') : t('signup.submit')}
				</button>
				{error && <ErrorBox error={error} />}
			</form>
			<p class="muted">
				{t('signup.haveAccount')} <a href="#/welcome">{t('welcome.signIn')}</a>
			</p>
		</div>
	);
}
