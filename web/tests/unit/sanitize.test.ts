import { describe, expect, it } from 'vitest';
import { plainText, safeHref, sanitize, type SafeElement, type SafeNode } from '../../src/lib/sanitize';

/* The tree back as HTML, to compare against what we expect. */
function html(nodes: SafeNode[]): string {
	return nodes
		.map((n) => {
			if (typeof n === 'string') return n.replace(/&/g, '&amp;').replace(/</g, '&lt;');
			const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}="${v}"`).join('');
			return n.tag === 'br' ? '<br>' : `<${n.tag}${attrs}>${html(n.children)}</${n.tag}>`;
		})
		.join('');
}
const clean = (s: string) => html(sanitize(s));

describe('sanitize', () => {
	it('keeps the allowed elements', () => {
		const s = '<p>a<br><strong>b</strong> <em>c</em> <del>d</del> <code>e</code></p><pre>f</pre><blockquote>g</blockquote><ul><li>h</li></ul><ol><li>i</li></ol>';
		expect(clean(s)).toBe(s);
	});
	it('keeps http and https links and Mastodon classes, drops the rest', () => {
		expect(clean('<a href="https://example.com/x" class="mention u-url evil" onclick="x()" style="color:red">@x</a>')).toBe(
			'<a href="https://example.com/x" class="mention u-url">@x</a>',
		);
		expect(clean('<span class="invisible">https://</span>')).toBe('<span class="invisible">https://</span>');
	});
	it('turns links with other schemes into their text', () => {
		expect(clean('<a href="javascript:alert(1)">click</a>')).toBe('click');
		expect(clean('<a href=" JaVaScRiPt:alert(1)">click</a>')).toBe('click');
		expect(clean('<a href="data:text/html,x">d</a>')).toBe('d');
		expect(clean('<a>no href</a>')).toBe('no href');
	});
	it('drops scripts, styles and embedded content with what is inside', () => {
		expect(clean('<p>hi<script>alert(1)</script><style>p{}</style></p>')).toBe('<p>hi</p>');
		expect(clean('<iframe></iframe><template><p>t</p></template>ok')).toBe('ok');
		expect(clean('<svg><script>x</script></svg>')).toBe('');
		expect(clean('<img src=x onerror="alert(1)">after')).toBe('after');
	});
	it('unwraps unknown elements and keeps their text', () => {
		expect(clean('<div><h1>Title</h1><b>bold</b> <i>it</i></div>')).toBe('Title<strong>bold</strong> <em>it</em>');
	});
	it('keeps text as text: markup in it is never parsed again', () => {
		const nodes = sanitize('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
		expect((nodes[0] as SafeElement).children).toEqual(['<script>alert(1)</script>']);
	});
	it('drops comments and bounds the depth', () => {
		expect(clean('<!-- x --><p>a</p>')).toBe('<p>a</p>');
		const deep = '<span>'.repeat(200) + 'x' + '</span>'.repeat(200);
		const out = clean(deep);
		expect(out).toContain('x');
		expect((out.match(/<span>/g) ?? []).length).toBeLessThanOrEqual(32);
	});
	it('gives plain text for previews', () => {
		expect(plainText(sanitize('<p>a<br>b</p><p>c</p>'))).toBe('a\nb\nc\n');
	});
});

describe('safeHref', () => {
	it('accepts only absolute http and https URLs', () => {
		expect(safeHref('https://example.com/a?b#c')).toBe('https://example.com/a?b#c');
		expect(safeHref('http://example.com')).toBe('http://example.com/');
		expect(safeHref('/relative')).toBeNull();
		expect(safeHref('mailto:a@b.c')).toBeNull();
		expect(safeHref(null)).toBeNull();
	});
});
