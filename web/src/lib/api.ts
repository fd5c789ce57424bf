/* The one way the app talks to the server: same-origin fetch with the
 * bearer token; every failure becomes an ApiError carrying the status and
 * the API's own JSON `error` (and `error_description`) so the page can say
 * what went wrong. */

export class ApiError extends Error {
	status: number;
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
	/* The route is not on this server (yet): the feature degrades. */
	get missing(): boolean {
		return this.status === 404;
	}
}

let bearer: string | null = null;
let onUnauthorized: (() => void) | null = null;
export function setToken(t: string | null): void {
	bearer = t;
}
/* Called when the session's own token is refused (revoked, or the server's
 * data was reset): the app signs out instead of failing page after page. */
export function setUnauthorizedHandler(fn: () => void): void {
	onUnauthorized = fn;
}

export interface Call {
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	body?: unknown;
	token?: string | null;
	headers?: Record<string, string>;
}

export interface Page<T> {
	items: T[];
	next: string | null;
}

async function errorOf(res: Response): Promise<ApiError> {
	let msg = res.statusText || `HTTP ${res.status}`;
	try {
		const j = await res.json();
		if (j && typeof j.error === 'string') {
			msg = j.error;
			if (typeof j.error_description === 'string' && j.error_description !== j.error)
				msg += `: ${j.error_description}`;
		}
	} catch {
		/* not JSON: keep the status text */
	}
	return new ApiError(res.status, msg);
}

async function send(path: string, c: Call): Promise<Response> {
	const headers: Record<string, string> = { Accept: 'application/json', ...c.headers };
	const token = c.token === undefined ? bearer : c.token;
	if (token) headers.Authorization = `Bearer ${token}`;
	let body: string | undefined;
	if (c.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(c.body);
	}
	let res: Response;
	try {
		res = await fetch(path, { method: c.method ?? 'GET', headers, body, credentials: 'omit' });
	} catch (e) {
		throw new ApiError(0, e instanceof Error ? e.message : String(e));
	}
	if (!res.ok) {
		if (res.status === 401 && token && token === bearer) onUnauthorized?.();
		throw await errorOf(res);
	}
	return res;
}

export async function api<T>(path: string, c: Call = {}): Promise<T> {
	const res = await send(path, c);
	return (await res.json()) as T;
}

/* A file answer (an export), as it came. */
export async function apiBlob(path: string, c: Call = {}): Promise<Blob> {
	const res = await send(path, c);
	return res.blob();
}

/* The "next" link of a Link header, as a same-origin path. */
export function nextLink(link: string | null): string | null {
	if (!link) return null;
	for (const part of link.split(',')) {
		const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
		if (m) {
			try {
				const u = new URL(m[1], 'http://x');
				return u.pathname + u.search;
			} catch {
				return null;
			}
		}
	}
	return null;
}

export async function apiPage<T>(path: string, c: Call = {}): Promise<Page<T>> {
	const res = await send(path, c);
	const items = (await res.json()) as T[];
	return { items, next: nextLink(res.headers.get('Link')) };
}

/* A multipart/form-data POST (a file upload); the answer's JSON. */
export async function apiForm<T>(path: string, form: FormData): Promise<T> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (bearer) headers.Authorization = `Bearer ${bearer}`;
	let res: Response;
	try {
		res = await fetch(path, { method: 'POST', headers, body: form, credentials: 'omit' });
	} catch (e) {
		throw new ApiError(0, e instanceof Error ? e.message : String(e));
	}
	if (!res.ok) throw await errorOf(res);
	return (await res.json()) as T;
}

export function qs(params: Record<string, string | number | boolean | undefined>): string {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined) u.set(k, String(v));
	const s = u.toString();
	return s ? `?${s}` : '';
}
