/* The app's shared state (language, session, the server's limits) and the
 * hooks pages use to read it and to load data. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, setToken, setUnauthorizedHandler } from './api';
import { pickLang, translate, type Lang } from './lang';
import { parseRoute, type Route } from './router';
import type { Account, InstanceV2 } from './types';

export interface Session {
	token: string;
	me: Account;
}

interface State {
	lang: Lang;
	session: Session | null;
	instance: InstanceV2 | null;
	/* Something the app tells the person once (after signing in, out...). */
	flash: { kind: 'info' | 'error'; text: string } | null;
}

const SESSION_KEY = 'rapport.session';
const LANG_KEY = 'rapport.lang';

function readSession(): Session | null {
	try {
		const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
		return s && typeof s.token === 'string' && s.me ? s : null;
	} catch {
		return null;
	}
}

let state: State = {
	lang: pickLang(localStorage.getItem(LANG_KEY), navigator.languages ?? [navigator.language]),
	session: readSession(),
	instance: null,
	flash: null,
};
setToken(state.session?.token ?? null);
const listeners = new Set<() => void>();
setUnauthorizedHandler(() =>
	update({ session: null, flash: { kind: 'error', text: translate(state.lang, 'signin.expired') } }),
);

export function getState(): State {
	return state;
}

export function update(patch: Partial<State>): void {
	state = { ...state, ...patch };
	if ('session' in patch) {
		setToken(state.session?.token ?? null);
		if (state.session) localStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
		else localStorage.removeItem(SESSION_KEY);
	}
	if ('lang' in patch) {
		localStorage.setItem(LANG_KEY, state.lang);
		document.documentElement.lang = state.lang;
	}
	listeners.forEach((l) => l());
}

export function useAppState(): State {
	const [, setN] = useState(0);
	useEffect(() => {
		const force = () => setN((n) => n + 1);
		listeners.add(force);
		return () => void listeners.delete(force);
	}, []);
	return state;
}

/* Signs the session in with a token: reads who it belongs to first. */
export async function startSession(token: string): Promise<void> {
	const me = await api<Account>('/api/v1/accounts/verify_credentials', { token });
	update({ session: { token, me } });
}

export function useRoute(): Route {
	const [route, setRoute] = useState(() => parseRoute(location.hash));
	useEffect(() => {
		const on = () => setRoute(parseRoute(location.hash));
		addEventListener('hashchange', on);
		return () => removeEventListener('hashchange', on);
	}, []);
	return route;
}

export type Load<T> =
	| { state: 'loading' }
	| { state: 'error'; error: ApiError }
	| { state: 'ok'; data: T };

/* Loads with fn whenever deps change; `reload` runs it again. A response
 * that arrives after the deps changed is ignored. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): [Load<T>, () => void, (d: T) => void] {
	const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
	const [tick, setTick] = useState(0);
	const bump = () => setTick((n) => n + 1);
	const key = useRef('');
	useEffect(() => {
		let live = true;
		/* A reload keeps what is shown until the new data arrives. */
		const same = key.current === JSON.stringify(deps);
		key.current = JSON.stringify(deps);
		if (!same) setLoad({ state: 'loading' });
		fn().then(
			(data) => live && setLoad({ state: 'ok', data }),
			(e) => live && setLoad({ state: 'error', error: asApiError(e) }),
		);
		return () => {
			live = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [...deps, tick]);
	return [load, bump, (data: T) => setLoad({ state: 'ok', data })];
}

export function asApiError(e: unknown): ApiError {
	if (e instanceof ApiError) return e;
	return new ApiError(0, e instanceof Error ? e.message : String(e));
}

/* Re-renders every minute so relative dates stay true. */
export function useMinuteTick(): number {
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		const id = setInterval(() => setNow(Date.now()), 60_000);
		return () => clearInterval(id);
	}, []);
	return now;
}
