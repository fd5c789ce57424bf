/* Start: finish a sign-in the server sent back here (?code=&state=), learn
 * the server's limits, render. */
import { render } from 'preact';
import { App } from './App';
import { api } from './lib/api';
import { finishSignIn } from './lib/auth';
import { translate } from './lib/i18n';
import { asApiError, getState, startSession, update } from './lib/state';
import type { InstanceV2 } from './lib/types';
import './style.css';

async function callback(): Promise<void> {
	const q = new URLSearchParams(location.search);
	if (!q.has('code') && !q.has('error')) return;
	history.replaceState(null, '', '/#/home');
	try {
		await startSession(await finishSignIn(q));
	} catch (e) {
		const err = asApiError(e);
		update({ flash: { kind: 'error', text: translate(getState().lang, 'signin.failed', { error: err.message }) } });
		history.replaceState(null, '', '/#/welcome');
	}
}

document.documentElement.lang = getState().lang;
api<InstanceV2>('/api/v2/instance', { token: null }).then(
	(instance) => update({ instance }),
	() => undefined /* the app works without it: 500 characters, the default title */,
);
callback().finally(() => render(<App />, document.getElementById('app')!));
