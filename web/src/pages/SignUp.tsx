/* Creating an account in the app (POST /api/v1/accounts with an app token);
 * the account is signed in at once. */
import { useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { signUp } from '../lib/auth';
import { useT } from '../lib/i18n';
import { asApiError, getState, startSession, update, useAppState, useRoute } from '../lib/state';
import { ErrorBox, PageTitle } from '../components/ui';

export function SignUp() {
	const t = useT();
	const { instance } = useAppState();
	const invite = useRoute().query.get('invite') ?? undefined;
	const approval = !!instance?.registrations?.approval_required && !invite;
	const [f, setF] = useState({ username: '', email: '', password: '', confirm: '', agree: false, reason: '' });
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
			const token = await signUp({ username: f.username.trim(), email: f.email.trim(), password: f.password, locale: getState().lang, reason: f.reason || undefined, invite_code: invite });
			if (approval) {
				/* The account waits for a moderator: it cannot sign in yet. */
				update({ flash: { kind: 'info', text: t('signup.pending') } });
				location.hash = '#/welcome';
				return;
			}
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
				{approval && (
					<div class="field">
						<label for="su-reason">{t('signup.reason')}</label>
						<textarea id="su-reason" name="reason" required maxLength={5000} rows={3} aria-describedby="su-reason-help" value={f.reason} onInput={set('reason')} />
						<p id="su-reason-help" class="help">{instance?.registrations?.message || t('signup.reasonHelp')}</p>
					</div>
				)}
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
