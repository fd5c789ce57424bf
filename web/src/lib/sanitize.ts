/* Status HTML arrives sanitised by the server; it is still rebuilt here
 * from an allowlist before it reaches the page, never assigned as HTML.
 * The HTML is parsed by DOMParser (an inert document: nothing runs, nothing
 * loads) and walked: allowed elements are kept with allowed attributes,
 * unknown elements are replaced by their children, and dangerous ones are
 * dropped with everything inside them. */

export type SafeNode = string | SafeElement;
export interface SafeElement {
	tag: string;
	attrs: Record<string, string>;
	children: SafeNode[];
}

const ALLOWED = new Set([
	'p', 'br', 'a', 'span', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
]);
const RENAMED: Record<string, string> = { b: 'strong', i: 'em', s: 'del' };
const DROPPED = new Set([
	'script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'svg', 'math',
	'title', 'textarea', 'select', 'frame', 'frameset', 'link', 'meta', 'base',
]);
/* Classes Mastodon's HTML carries for mentions, hashtags and long links. */
const CLASSES = new Set(['mention', 'hashtag', 'u-url', 'h-card', 'invisible', 'ellipsis']);
const MAX_DEPTH = 32;

export function safeHref(href: string | null): string | null {
	if (!href) return null;
	try {
		const u = new URL(href.trim());
		return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
	} catch {
		return null;
	}
}

function classes(v: string | null): string | null {
	if (!v) return null;
	const kept = v.split(/\s+/).filter((c) => CLASSES.has(c));
	return kept.length ? kept.join(' ') : null;
}

function walk(node: Node, depth: number, out: SafeNode[]): void {
	if (node.nodeType === 3) {
		const text = node.nodeValue ?? '';
		if (text) out.push(text);
		return;
	}
	if (node.nodeType !== 1) return; /* comments, processing instructions */
	const el = node as Element;
	const name = el.localName.toLowerCase();
	if (DROPPED.has(name)) return;
	const tag = RENAMED[name] ?? name;
	if (!ALLOWED.has(tag) || depth >= MAX_DEPTH) {
		for (const c of Array.from(el.childNodes)) walk(c, depth + 1, out);
		return;
	}
	const attrs: Record<string, string> = {};
	if (tag === 'a') {
		const href = safeHref(el.getAttribute('href'));
		if (!href) {
			for (const c of Array.from(el.childNodes)) walk(c, depth + 1, out);
			return;
		}
		attrs.href = href;
	}
	if (tag === 'a' || tag === 'span') {
		const c = classes(el.getAttribute('class'));
		if (c) attrs.class = c;
	}
	const children: SafeNode[] = [];
	if (tag !== 'br') for (const c of Array.from(el.childNodes)) walk(c, depth + 1, children);
	out.push({ tag, attrs, children });
}

export function sanitize(html: string, parser?: DOMParser): SafeNode[] {
	const doc = (parser ?? new DOMParser()).parseFromString(html, 'text/html');
	const out: SafeNode[] = [];
	for (const c of Array.from(doc.body.childNodes)) walk(c, 0, out);
	return out;
}

/* The text of a sanitised tree (for previews and labels). */
export function plainText(nodes: SafeNode[]): string {
	return nodes
		.map((n) => (typeof n === 'string' ? n : n.tag === 'br' ? '\n' : plainText(n.children) + (n.tag === 'p' ? '\n' : '')))
		.join('');
}
