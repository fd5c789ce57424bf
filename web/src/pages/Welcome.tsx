/* Signed out: what Rapport is, sign in (OAuth + PKCE), create an account. */
import { useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { beginSignIn } from '../lib/auth';
import { useT } from '../lib/i18n';
import { asApiError, useAppState } from '../lib/state';
import { ErrorBox, PageTitle } from '../components/ui';

export function Welcome() {
	const t = useT();
	const { instance } = useAppState();
	const [error, setError] = useState<ApiError | null>(null);
	const [busy, setBusy] = useState(false);
	const signIn = async () => {
		setBusy(true);
		setError(null);
		try {
			await beginSignIn();
		} catch (e) {
			setError(asApiError(e));
			setBusy(false);
		}
	};
	return (
		<div class="welcome">
			<PageTitle>{instance?.title || 'Rapport'}</PageTitle>
			<p class="lede">{t('welcome.lede')}</p>
			<ul class="promises">
				<li>{t('welcome.p1')}</li>
				<li>{t('welcome.p2')}</li>
				<li>{t('welcome.p3')}</li>
			</ul>
			<div class="welcome-actions">
				<button type="button" onClick={signIn} disabled={busy}>
					{busy ? t('welcome.redirecting') : t('welcome.signIn')}
				</button>
				{instance?.registrations?.enabled !== false && (
					<a class="button secondary" href="#/signup">
						{t('welcome.signUp')}
					</a>
				)}
			</div>
			<p><a href="#/reset">{t('reset.forgot')}</a></p>
			{error && <ErrorBox error={error} />}
		</div>
	);
}
