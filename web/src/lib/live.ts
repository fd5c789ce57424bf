/* Live updates from the streaming API: one WebSocket per signed-in
 * session (/api/v1/streaming, the token as its subprotocol, as Mastodon's
 * web app does), subscribed to the "user" stream while some page listens,
 * reconnecting with a growing delay when it drops. Pages listen with
 * useLive(); the pure helpers below apply an event to what a page shows. */
import { useEffect, useRef } from 'preact/hooks';
import { api } from './api';
import { getState } from './state';
import type { Notification, Status } from './types';

export type LiveEvent =
	| { event: 'update' | 'status.update'; stream: string[]; payload: Status }
	| { event: 'notification'; stream: string[]; payload: Notification }
	| { event: 'delete'; stream: string[]; payload: string }
	| { event: string; stream: string[]; payload: unknown };

type Handler = (ev: LiveEvent) => void;

const handlers = new Set<Handler>();
let socket: WebSocket | null = null;
let socketToken: string | null = null;
let retryMs = 1000;
let retryTimer: ReturnType<typeof setTimeout> | null = null;

/* A message of the WebSocket as an event; null for anything else (errors,
 * malformed text). The payload is JSON text except for a delete's id. */
export function parseLive(text: string): LiveEvent | null {
	try {
		const m = JSON.parse(text) as { event?: unknown; stream?: unknown; payload?: unknown };
		if (typeof m.event !== 'string' || !Array.isArray(m.stream) || typeof m.payload !== 'string') return null;
		const payload = m.event === 'delete' ? m.payload : (JSON.parse(m.payload) as unknown);
		return { event: m.event, stream: m.stream as string[], payload } as LiveEvent;
	} catch {
		return null;
	}
}

/* A feed of statuses after an event of the home stream: a new status on
 * top (once), an edited one replaced, a deleted one (or a reblog of it)
 * removed. The same array when nothing changed. */
export function applyToStatuses(items: Status[], ev: LiveEvent): Status[] {
	if (ev.event === 'update') {
		const s = ev.payload as Status;
		return items.some((o) => o.id === s.id) ? items : [s, ...items];
	}
	if (ev.event === 'status.update') {
		const s = ev.payload as Status;
		if (!items.some((o) => o.id === s.id || o.reblog?.id === s.id)) return items;
		return items.map((o) => (o.id === s.id ? s : o.reblog?.id === s.id ? { ...o, reblog: s } : o));
	}
	if (ev.event === 'delete') {
		const id = ev.payload as string;
		const kept = items.filter((o) => o.id !== id && o.reblog?.id !== id);
		return kept.length === items.length ? items : kept;
	}
	return items;
}

/* Notifications after an event: a new one on top (once). */
export function applyToNotifications(items: Notification[], ev: LiveEvent): Notification[] {
	if (ev.event !== 'notification') return items;
	const n = ev.payload as Notification;
	return items.some((o) => o.id === n.id) ? items : [n, ...items];
}

function streamingUrl(): string {
	const configured = getState().instance?.configuration?.urls?.streaming;
	const base = configured ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
	return `${base}/api/v1/streaming`;
}

const IDLE_CLOSE_MS = 5000; /* moving between pages keeps the socket */
let idleTimer: ReturnType<typeof setTimeout> | null = null;

function close(): void {
	if (retryTimer) clearTimeout(retryTimer);
	if (idleTimer) clearTimeout(idleTimer);
	retryTimer = idleTimer = null;
	const s = socket;
	socket = null;
	socketToken = null;
	if (!s) return;
	s.onmessage = s.onclose = null;
	/* Closing one still connecting makes the browser log an error. */
	if (s.readyState === WebSocket.CONNECTING) s.onopen = () => s.close();
	else s.close();
}

let checking: string | null = null; /* the token being checked before connecting */

/* Opens the socket for the session's token, once an API request has
 * accepted that token: a refused token ends the session (state.ts) and
 * is never offered to the socket, whose failure browsers log as an error. */
async function connect(): Promise<void> {
	if (idleTimer) clearTimeout(idleTimer);
	idleTimer = null;
	const token = getState().session?.token ?? null;
	if ((socket && socketToken === token) || (token && checking === token)) return;
	close();
	if (!token || handlers.size === 0 || typeof WebSocket === 'undefined') return;
	checking = token;
	try {
		await api('/api/v1/accounts/verify_credentials');
	} catch {
		return;
	} finally {
		checking = null;
	}
	if (socket || handlers.size === 0 || getState().session?.token !== token) return;
	const s = new WebSocket(streamingUrl(), [token]);
	socket = s;
	socketToken = token;
	s.onopen = () => {
		retryMs = 1000;
		s.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
	};
	s.onmessage = (m: MessageEvent) => {
		const ev = typeof m.data === 'string' ? parseLive(m.data) : null;
		if (ev) for (const h of [...handlers]) h(ev);
	};
	s.onclose = () => {
		if (socket !== s) return;
		socket = null;
		socketToken = null;
		if (handlers.size === 0) return;
		retryTimer = setTimeout(() => void connect(), retryMs);
		retryMs = Math.min(retryMs * 2, 30000);
	};
}

/* Calls handler with each event of the signed-in user's stream while the
 * component is mounted. */
export function useLive(handler: Handler): void {
	const ref = useRef(handler);
	ref.current = handler;
	const token = getState().session?.token ?? null;
	useEffect(() => {
		const h: Handler = (ev) => ref.current(ev);
		handlers.add(h);
		void connect();
		return () => {
			handlers.delete(h);
			if (handlers.size === 0 && !idleTimer) idleTimer = setTimeout(close, IDLE_CLOSE_MS);
		};
	}, [token]);
}
