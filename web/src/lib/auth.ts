/* Signing up, in and out against the app's own server, through the public
 * API only: the app registers itself (POST /api/v1/apps, redirect URI = its
 * own origin + "/", matched exactly by the server), signs in with the
 * authorization code flow and PKCE S256, and signs up with an app token
 * (POST /api/v1/accounts). */
import { api, ApiError } from './api';
import { challengeS256, randomString } from './pkce';
import type { AppRegistration, TokenResponse } from './types';

/* admin:read and admin:write too, as Mastodon's own web app has them: the
 * server still checks every admin call against the account's role. */
export const SCOPES = 'read write follow admin:read admin:write';
const APP_KEY = 'rapport.app';
const PKCE_KEY = 'rapport.pkce';

export function redirectUri(): string {
	return `${location.origin}/`;
}

function storedApp(): AppRegistration | null {
	try {
		const a = JSON.parse(localStorage.getItem(APP_KEY) ?? 'null') as AppRegistration | null;
		return a && a.redirect_uri === redirectUri() && a.scopes === SCOPES && a.client_id && a.client_secret ? a : null;
	} catch {
		return null;
	}
}

async function registerApp(): Promise<AppRegistration> {
	const a = await api<AppRegistration>('/api/v1/apps', {
		method: 'POST',
		token: null,
		body: {
			client_name: 'Rapport web',
			redirect_uris: redirectUri(),
			scopes: SCOPES,
			website: location.origin,
		},
	});
	const app = { client_id: a.client_id, client_secret: a.client_secret, redirect_uri: redirectUri(), scopes: SCOPES };
	localStorage.setItem(APP_KEY, JSON.stringify(app));
	return app;
}

export async function ensureApp(): Promise<AppRegistration> {
	return storedApp() ?? registerApp();
}

/* Runs fn with the registered app; if the server no longer knows the app
 * (a new data directory), registers again and runs fn once more. */
async function withApp<T>(fn: (a: AppRegistration) => Promise<T>): Promise<T> {
	const app = await ensureApp();
	try {
		return await fn(app);
	} catch (e) {
		if (!(e instanceof ApiError) || e.status !== 401) throw e;
		localStorage.removeItem(APP_KEY);
		return fn(await registerApp());
	}
}

export async function authorizeUrl(app: AppRegistration, state: string, verifier: string): Promise<string> {
	const p = new URLSearchParams({
		response_type: 'code',
		client_id: app.client_id,
		redirect_uri: app.redirect_uri,
		scope: SCOPES,
		state,
		code_challenge: await challengeS256(verifier),
		code_challenge_method: 'S256',
	});
	return `/oauth/authorize?${p}`;
}

export async function beginSignIn(): Promise<void> {
	const app = await ensureApp();
	const state = randomString(16);
	const verifier = randomString(32);
	sessionStorage.setItem(PKCE_KEY, JSON.stringify({ state, verifier }));
	location.assign(await authorizeUrl(app, state, verifier));
}

/* The server sent the browser back to "/?code=...&state=..." (or
 * "?error=..."). Returns the access token; throws on a mismatched state. */
export async function finishSignIn(q: URLSearchParams): Promise<string> {
	const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as
		| { state: string; verifier: string }
		| null;
	sessionStorage.removeItem(PKCE_KEY);
	if (q.get('error')) throw new ApiError(400, q.get('error') ?? 'access_denied');
	const app = storedApp();
	if (!saved || !app || saved.state !== q.get('state'))
		throw new ApiError(400, 'The sign-in answer does not match this browser\u2019s request; please sign in again.');
	const t = await api<TokenResponse>('/oauth/token', {
		method: 'POST',
		token: null,
		body: {
			grant_type: 'authorization_code',
			code: q.get('code'),
			redirect_uri: app.redirect_uri,
			client_id: app.client_id,
			code_verifier: saved.verifier,
		},
	});
	return t.access_token;
}

export interface SignUp {
	username: string;
	email: string;
	password: string;
	locale: string;
	/* Why they want to join (servers that approve sign-ups) and an invite. */
	reason?: string;
	invite_code?: string;
}

export async function signUp(s: SignUp): Promise<string> {
	return withApp(async (app) => {
		const appToken = await api<TokenResponse>('/oauth/token', {
			method: 'POST',
			token: null,
			body: {
				grant_type: 'client_credentials',
				client_id: app.client_id,
				client_secret: app.client_secret,
				scope: SCOPES,
			},
		});
		const t = await api<TokenResponse>('/api/v1/accounts', {
			method: 'POST',
			token: appToken.access_token,
			body: { ...s, agreement: true },
		});
		return t.access_token;
	});
}

export async function revoke(token: string): Promise<void> {
	const app = storedApp();
	if (!app) return;
	await api('/oauth/revoke', {
		method: 'POST',
		token: null,
		body: { client_id: app.client_id, client_secret: app.client_secret, token },
	});
}
