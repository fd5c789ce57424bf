/* Settings: your profile (update_credentials), the app's language,
 * links to the password and account pages (pages/Account.tsx), and
 * signing out (the token is revoked on the server). */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { revoke } from '../lib/auth';
import { LANGS, LANG_NAMES, useT, type Lang } from '../lib/i18n';
import { asApiError, getState, update, useAppState } from '../lib/state';
import type { Account } from '../lib/types';
import { ErrorBox, PageTitle } from '../components/ui';

function ProfileForm({ me }: { me: Account }) {
	const t = useT();
	const [name, setName] = useState(me.display_name);
	const [note, setNote] = useState(me.source?.note ?? '');
	const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
	const [error, setError] = useState<ApiError | null>(null);
	const save = async (e: Event) => {
		e.preventDefault();
		setState('saving');
		setError(null);
		try {
			const a = await api<Account>('/api/v1/accounts/update_credentials', { method: 'PATCH', body: { display_name: name, note } });
			const s = getState().session;
			if (s) update({ session: { ...s, me: a } });
			setState('saved');
		} catch (err) {
			setError(asApiError(err));
			setState('idle');
		}
	};
	return (
		<form class="card stack" onSubmit={save} aria-labelledby="settings-profile">
			<h2 id="settings-profile">{t('settings.profile')}</h2>
			<div class="field">
				<label for="set-name">{t('settings.displayName')}</label>
				<input id="set-name" type="text" maxLength={30} value={name} onInput={(e) => setName(e.currentTarget.value)} />
			</div>
			<div class="field">
				<label for="set-note">{t('settings.bio')}</label>
				<textarea id="set-note" rows={4} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
			</div>
			<div class="row">
				<button type="submit" disabled={state === 'saving'}>
					{state === 'saving' ? t('saving') : t('save')}
				</button>
				<span role="status" class="muted">{state === 'saved' ? t('saved') : ''}</span>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}

export function LanguagePicker({ id }: { id: string }) {
	const t = useT();
	const { lang } = useAppState();
	return (
		<span class="field-inline">
			<label for={id}>{t('settings.language')}</label>
			<select id={id} value={lang} onChange={(e) => update({ lang: e.currentTarget.value as Lang })}>
				{LANGS.map((l) => (
					<option key={l} value={l} lang={l}>
						{LANG_NAMES[l]}
					</option>
				))}
			</select>
		</span>
	);
}

export function Settings() {
	const t = useT();
	const { session } = useAppState();
	const [error, setError] = useState<ApiError | null>(null);
	const signOut = async () => {
		setError(null);
		const s = getState().session;
		try {
			if (s) await revoke(s.token);
		} catch (e) {
			setError(asApiError(e));
			return;
		}
		update({ session: null, flash: { kind: 'info', text: t('settings.signedOut') } });
		location.hash = '#/welcome';
	};
	if (!session) return null;
	return (
		<div>
			<PageTitle>{t('nav.settings')}</PageTitle>
			<ProfileForm me={session.me} />
			<section class="card" aria-labelledby="settings-lang">
				<h2 id="settings-lang">{t('settings.language')}</h2>
				<LanguagePicker id="settings-language" />
			</section>
			<section class="card" aria-labelledby="settings-account">
				<h2 id="settings-account">{t('settings.account')}</h2>
				<p>{t('settings.signedInAs', { acct: session.me.acct })}</p>
				<ul class="plain-list">
					<li><a href="#/settings/password">{t('password.heading')}</a></li>
					<li><a href="#/settings/account">{t('title.account')}</a></li>
					<li><a href="#/settings/standing">{t('title.standing')}</a></li>
					<li><a href="#/settings/audit">{t('title.audit')}</a></li>
				</ul>
				<button type="button" class="secondary" onClick={signOut}>
					{t('settings.signOut')}
				</button>
				{error && <ErrorBox error={error} />}
			</section>
		</div>
	);
}
