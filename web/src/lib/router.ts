/* Hash routes: the server serves the app at / and keeps every other path for
 * its own pages and the API, so the app's places live after the "#". */

export type RouteName =
	| 'welcome' | 'signup' | 'home' | 'thread' | 'profile' | 'notifications' | 'messages'
	| 'connections' | 'search' | 'tag' | 'settings' | 'password' | 'account' | 'confirm' | 'reset'
	| 'moderation' | 'standing' | 'audit' | 'notfound';

export interface Route {
	name: RouteName;
	params: Record<string, string>;
	query: URLSearchParams;
}

const STATIC: Record<string, RouteName> = {
	'': 'home', '/': 'home', '/home': 'home', '/welcome': 'welcome', '/signup': 'signup',
	'/notifications': 'notifications', '/messages': 'messages', '/connections': 'connections',
	'/search': 'search', '/settings': 'settings', '/moderation': 'moderation',
	'/settings/password': 'password', '/settings/account': 'account',
	'/settings/standing': 'standing', '/settings/audit': 'audit',
	'/confirm': 'confirm', '/reset': 'reset',
};

export function parseRoute(hash: string): Route {
	const raw = hash.replace(/^#/, '');
	const q = raw.indexOf('?');
	const path = q < 0 ? raw : raw.slice(0, q);
	const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
	const fixed = STATIC[path];
	if (fixed) return { name: fixed, params: {}, query };
	let m = /^\/thread\/(\d{1,20})$/.exec(path);
	if (m) return { name: 'thread', params: { id: m[1] }, query };
	m = /^\/@([A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?)$/.exec(path);
	if (m) return { name: 'profile', params: { acct: m[1] }, query };
	m = /^\/tags\/([^/?#]+)$/.exec(path);
	if (m) return { name: 'tag', params: { tag: safeDecode(m[1]) }, query };
	return { name: 'notfound', params: {}, query };
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

export const href = {
	home: (tab?: string) => (tab ? `#/home?tab=${tab}` : '#/home'),
	thread: (id: string) => `#/thread/${id}`,
	profile: (acct: string) => `#/@${acct}`,
	tag: (tag: string) => `#/tags/${encodeURIComponent(tag)}`,
	search: (q?: string) => (q ? `#/search?q=${encodeURIComponent(q)}` : '#/search'),
	messages: (tab?: string) => (tab ? `#/messages?tab=${tab}` : '#/messages'),
};
