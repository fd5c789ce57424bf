/* sanitize.c - remote HTML through gumbo and an allowlist (see sanitize.h).
 *
 * gumbo builds the tree a browser would build; the tree is walked without
 * recursion (parent pointers and sibling indexes) and written out element
 * by element. The output keeps a stack of the elements it has opened, at
 * most SANITIZE_MAX_DEPTH, and always reserves the bytes their end tags
 * need, so the cap never cuts a tag and the fragment is always closed. */
#include "federation/sanitize.h"
#include "util/buf.h"
#include "util/gumbo_heap.h"
#include "util/util.h"

#include <ctype.h>
#include <gumbo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

enum action {
	UNWRAP = 0, /* children kept */
	SPACED,     /* children kept, a space either side */
	DROP,       /* removed with everything inside */
	BREAK,      /* br */
	INLINE,     /* span strong em del code */
	LINK,       /* a */
	BLOCK,      /* p pre blockquote ul ol */
	ITEM,       /* li, only directly inside ul or ol */
	HEADING,    /* h1-h6, written as <p><strong> */
};

/* Flags of an open output element. */
enum {
	F_PHRASING = 1, /* only inline content inside */
	F_LIST = 2,     /* ul, ol: li may follow */
	F_LINK = 4,
	F_PRE = 8,
};

struct rule {
	unsigned char act, flags;
	const char *name; /* the element written */
};

#define R(t, a, f, n) [GUMBO_TAG_##t] = {a, f, n}
static const struct rule RULES[GUMBO_TAG_LAST] = {
	R(P, BLOCK, F_PHRASING, "p"), R(PRE, BLOCK, F_PHRASING | F_PRE, "pre"),
	R(BLOCKQUOTE, BLOCK, 0, "blockquote"), R(UL, BLOCK, F_LIST, "ul"),
	R(OL, BLOCK, F_LIST, "ol"), R(LI, ITEM, 0, "li"), R(A, LINK, F_PHRASING | F_LINK, "a"),
	R(SPAN, INLINE, F_PHRASING, "span"), R(STRONG, INLINE, F_PHRASING, "strong"),
	R(B, INLINE, F_PHRASING, "strong"), R(EM, INLINE, F_PHRASING, "em"),
	R(I, INLINE, F_PHRASING, "em"), R(DEL, INLINE, F_PHRASING, "del"),
	R(S, INLINE, F_PHRASING, "del"), R(STRIKE, INLINE, F_PHRASING, "del"),
	R(CODE, INLINE, F_PHRASING, "code"), R(BR, BREAK, 0, "br"),
	R(H1, HEADING, 0, NULL), R(H2, HEADING, 0, NULL), R(H3, HEADING, 0, NULL),
	R(H4, HEADING, 0, NULL), R(H5, HEADING, 0, NULL), R(H6, HEADING, 0, NULL),
	/* raw text, scripts, foreign content: nothing inside is text to show */
	R(SCRIPT, DROP, 0, NULL), R(STYLE, DROP, 0, NULL), R(TEMPLATE, DROP, 0, NULL),
	R(IFRAME, DROP, 0, NULL), R(NOEMBED, DROP, 0, NULL), R(NOFRAMES, DROP, 0, NULL),
	R(NOSCRIPT, DROP, 0, NULL), R(PLAINTEXT, DROP, 0, NULL), R(SVG, DROP, 0, NULL),
	R(MATH, DROP, 0, NULL), R(XMP, DROP, 0, NULL), R(TITLE, DROP, 0, NULL),
	/* blocks that are unwrapped: a space keeps their words apart */
	R(ADDRESS, SPACED, 0, NULL), R(ARTICLE, SPACED, 0, NULL), R(ASIDE, SPACED, 0, NULL),
	R(DD, SPACED, 0, NULL), R(DIV, SPACED, 0, NULL), R(DL, SPACED, 0, NULL),
	R(DT, SPACED, 0, NULL), R(FOOTER, SPACED, 0, NULL), R(HEADER, SPACED, 0, NULL),
	R(HGROUP, SPACED, 0, NULL), R(HR, SPACED, 0, NULL), R(NAV, SPACED, 0, NULL),
	R(SECTION, SPACED, 0, NULL), R(TABLE, SPACED, 0, NULL), R(CAPTION, SPACED, 0, NULL),
	R(TR, SPACED, 0, NULL), R(TD, SPACED, 0, NULL), R(TH, SPACED, 0, NULL),
	R(FIGURE, SPACED, 0, NULL), R(FIGCAPTION, SPACED, 0, NULL), R(MAIN, SPACED, 0, NULL),
	R(DETAILS, SPACED, 0, NULL), R(SUMMARY, SPACED, 0, NULL), R(CENTER, SPACED, 0, NULL),
	R(LISTING, SPACED, 0, NULL),
};
#undef R

static const struct rule *rule_of(const GumboNode *n)
{
	static const struct rule unwrap = {UNWRAP, 0, NULL}, drop = {DROP, 0, NULL};
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
		return &unwrap;
	if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
		return &drop;
	return n->v.element.tag < GUMBO_TAG_LAST ? &RULES[n->v.element.tag] : &unwrap;
}

/* ---- escaping ---- */

/* Whether the parser reads cp written raw back as cp: it turns controls
 * and noncharacters into U+FFFD (a character reference can still give them). */
static bool char_stable(utf8proc_int32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\f';
	return !(cp >= 0x7f && cp <= 0x9f) && !(cp >= 0xfdd0 && cp <= 0xfdef) &&
	       (cp & 0xfffe) != 0xfffe;
}

/* One character of s[0..left) escaped into out (at most 8 bytes); returns
 * the input bytes it took. Invalid UTF-8 and characters that would not
 * read back the same become U+FFFD, CR a character reference. */
static size_t esc_char(const char *s, size_t left, bool attr, char *out, size_t *outlen)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	const char *e = NULL;
	switch (*s) {
	case '&': e = "&amp;"; break;
	case '<': e = "&lt;"; break;
	case '>': e = "&gt;"; break;
	case '"': e = attr ? "&quot;" : NULL; break;
	}
	if (e) {
		*outlen = strlen(e);
		memcpy(out, e, *outlen);
		return 1;
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
					      left > 4 ? 4 : (utf8proc_ssize_t)left, &cp);
	if (cp == '\r') { /* written raw it would read back as \n */
		memcpy(out, "&#13;", 5);
		*outlen = 5;
		return 1;
	}
	if (n < 1 || !char_stable(cp)) {
		memcpy(out, fffd, 3);
		*outlen = 3;
		return n < 1 ? 1 : (size_t)n;
	}
	memcpy(out, s, (size_t)n);
	*outlen = (size_t)n;
	return (size_t)n;
}

/* Appends s[0..n) escaped for an attribute value; sticky failure in b. */
static int put_attr_value(struct buf *b, const char *s, size_t n)
{
	int rc = 0;
	char e[8];
	size_t el;
	for (size_t i = 0; i < n && !rc;) {
		i += esc_char(s + i, n - i, true, e, &el);
		rc = buf_append(b, e, el);
	}
	return rc;
}

/* ---- the output ---- */

struct open_el {
	const GumboNode *node;
	const char *name;
	unsigned flags;
};

struct san {
	struct buf out;
	size_t closers; /* bytes the open elements' end tags will take */
	size_t tags;    /* tags written, and end tags of open elements */
	struct open_el open[SANITIZE_MAX_DEPTH];
	int depth;
	bool full;      /* the cap was reached: nothing more is written */
	bool after_pre; /* the last bytes written are <pre> */
};

static size_t room(const struct san *s)
{
	return s->out.cap - s->out.len - s->closers;
}

static bool put(struct san *s, const char *p, size_t n)
{
	if (s->full || n > room(s) || buf_append(&s->out, p, n)) {
		s->full = true;
		return false;
	}
	s->after_pre = false;
	return true;
}

static void put_text(struct san *s, const char *t)
{
	size_t n = strlen(t);
	/* the parser drops a newline right after <pre>: write one more */
	if (s->after_pre && t[0] == '\n' && (room(s) < 2 || !put(s, "\n", 1))) {
		s->full = true;
		return;
	}
	char e[8];
	size_t el;
	for (size_t i = 0; i < n && !s->full;) {
		size_t k = esc_char(t + i, n - i, false, e, &el);
		if (put(s, e, el))
			i += k;
	}
}

static void open_el(struct san *s, const GumboNode *n, const char *name, unsigned flags,
		    const struct buf *tag)
{
	size_t end = strlen(name) + 3;
	if (s->full || tag->over || tag->len + end > room(s) || s->tags + 2 > SANITIZE_MAX_TAGS ||
	    buf_append(&s->out, tag->data, tag->len)) {
		s->full = true;
		return;
	}
	s->closers += end;
	s->tags += 2;
	s->open[s->depth++] = (struct open_el){n, name, flags};
	s->after_pre = flags & F_PRE;
}

static void close_top(struct san *s)
{
	const struct open_el *o = &s->open[--s->depth];
	s->closers -= strlen(o->name) + 3;
	/* reserved when the element was opened, so it always fits */
	if (buf_append(&s->out, "</", 2) || buf_puts(&s->out, o->name) ||
	    buf_append(&s->out, ">", 1))
		s->full = true;
	s->after_pre = false;
}

/* ---- attributes ---- */

static const char *attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
	return a ? a->value : NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* An absolute http(s) URL without control characters or spaces inside,
 * trimmed as a browser trims it; *len gets its length. A space inside is
 * no URL (and would read like another attribute to a careless eye). */
static const char *href_of(const GumboNode *n, size_t *len)
{
	const char *v = attr(n, "href");
	if (!v)
		return NULL;
	while (*v && (unsigned char)*v <= 0x20)
		v++;
	size_t k = strlen(v);
	while (k && (unsigned char)v[k - 1] <= 0x20)
		k--;
	if (k > SANITIZE_MAX_HREF ||
	    (strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8)))
		return NULL;
	for (size_t i = 0; i < k; i++)
		if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
			return NULL;
	*len = k;
	return v;
}

static bool class_allowed(const char *c, size_t n)
{
	static const char *const named[] = {"mention", "hashtag", "ellipsis", "invisible",
					    "quote-inline"};
	static const char *const prefixes[] = {"h-", "p-", "u-", "dt-", "e-"};
	if (n == 0 || n > 64 || strspn(c, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < n)
		return false;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strlen(named[i]) == n && !memcmp(c, named[i], n))
			return true;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (!strncmp(c, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* class="..." with Mastodon's classes only, at most 8 of them. */
static int put_class(struct buf *t, const GumboNode *n)
{
	const char *v = attr(n, "class");
	int rc = 0, kept = 0;
	for (const char *p = v; p && *p && kept < 8 && !rc;) {
		while (is_space(*p))
			p++;
		size_t k = 0;
		while (p[k] && !is_space(p[k]))
			k++;
		if (class_allowed(p, k)) {
			rc |= buf_puts(t, kept++ ? " " : " class=\"");
			rc |= buf_append(t, p, k);
		}
		p += k;
	}
	if (kept)
		rc |= buf_append(t, "\"", 1);
	return rc;
}

/* An optional minus and 1 to 9 digits. */
static bool is_integer(const char *v)
{
	if (v && *v == '-')
		v++;
	size_t d = v ? strspn(v, "0123456789") : 0;
	return d >= 1 && d <= 9 && v[d] == '\0';
}

static bool is_lang(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	return n >= 1 && n <= 35 &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

static int put_plain_attr(struct buf *t, const char *name, const char *v)
{
	int rc = buf_printf(t, " %s=\"", name);
	rc |= put_attr_value(t, v, strlen(v));
	return rc | buf_append(t, "\"", 1);
}

/* The start tag of n written as name, with the attributes name keeps. */
static int build_tag(struct buf *t, const GumboNode *n, const char *name)
{
	int rc = buf_printf(t, "<%s", name);
	size_t hl = 0;
	const char *href = href_of(n, &hl), *v;
	bool a = !strcmp(name, "a");
	if (a) {
		rc |= buf_puts(t, " href=\"");
		rc |= put_attr_value(t, href, hl);
		rc |= buf_puts(t, "\" rel=\"nofollow noopener\" target=\"_blank\"");
	}
	if (a || !strcmp(name, "span") || !strcmp(name, "p"))
		rc |= put_class(t, n);
	if ((a || !strcmp(name, "span")) && (v = attr(n, "translate")) && !strcmp(v, "no"))
		rc |= buf_puts(t, " translate=\"no\"");
	if (!strcmp(name, "ol") && is_integer(v = attr(n, "start")))
		rc |= put_plain_attr(t, "start", v);
	if (!strcmp(name, "ol") && attr(n, "reversed"))
		rc |= buf_puts(t, " reversed");
	if (!strcmp(name, "li") && is_integer(v = attr(n, "value")))
		rc |= put_plain_attr(t, "value", v);
	if (is_lang(v = attr(n, "lang")))
		rc |= put_plain_attr(t, "lang", v);
	return rc | buf_append(t, ">", 1);
}

/* ---- the walk ---- */

/* Whether an element with rule r may be written here: the parser would
 * keep it where it is, and the depth allows it. */
static bool fits(const struct san *s, const struct rule *r, const GumboNode *n)
{
	unsigned top = s->depth ? s->open[s->depth - 1].flags : 0;
	size_t hl;
	if (s->depth + (r->act == HEADING ? 2 : 1) > SANITIZE_MAX_DEPTH)
		return false;
	switch (r->act) {
	case INLINE:
		return true;
	case LINK:
		for (int i = 0; i < s->depth; i++)
			if (s->open[i].flags & F_LINK)
				return false;
		return href_of(n, &hl) != NULL;
	case BLOCK:
	case HEADING:
		return !(top & F_PHRASING);
	case ITEM:
		return top & F_LIST;
	default:
		return false;
	}
}

static void write_open(struct san *s, const GumboNode *n, const struct rule *r)
{
	struct buf t;
	buf_init(&t, 8 * SANITIZE_MAX_HREF);
	if (r->act == HEADING) {
		if (!buf_puts(&t, "<p>"))
			open_el(s, n, "p", 0, &t);
		t.len = 0;
		if (!s->full && !buf_puts(&t, "<strong>"))
			open_el(s, n, "strong", F_PHRASING, &t);
	} else if (build_tag(&t, n, r->name) == 0) {
		open_el(s, n, r->name, r->flags, &t);
	} else {
		s->full = true; /* cannot happen: the tag buffer holds any tag */
	}
	buf_free(&t);
}

/* Writes what n starts; returns whether its children are walked. */
static bool enter(struct san *s, const GumboNode *n)
{
	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
		put_text(s, n->v.text.text);
		return false;
	}
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
		return false; /* comments, CDATA (foreign content only) */
	const struct rule *r = rule_of(n);
	if (r->act == DROP)
		return false;
	if (r->act == BREAK) {
		if (s->tags + 1 > SANITIZE_MAX_TAGS)
			s->full = true;
		else if (put(s, "<br>", 4))
			s->tags++;
		return false;
	}
	if (r->act >= INLINE && fits(s, r, n))
		write_open(s, n, r);
	else if (r->act == SPACED || r->act >= BLOCK)
		put_text(s, " ");
	return true;
}

static void leave(struct san *s, const GumboNode *n)
{
	bool written = false;
	while (s->depth && s->open[s->depth - 1].node == n) {
		close_top(s);
		written = true;
	}
	unsigned act = rule_of(n)->act;
	if (!written && (act == SPACED || act >= BLOCK))
		put_text(s, " ");
}

static const GumboVector *children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return NULL;
}

/* Depth-first over root's descendants with no recursion and no stack. */
static void walk(struct san *s, const GumboNode *root)
{
	const GumboNode *n = root;
	bool descend = true;
	while (!s->full) {
		const GumboVector *k = descend ? children(n) : NULL;
		if (k && k->length) {
			n = k->data[0];
			descend = enter(s, n);
			continue;
		}
		for (;;) {
			if (n == root)
				return;
			leave(s, n);
			const GumboVector *sib = children(n->parent);
			if (n->index_within_parent + 1 < sib->length) {
				n = sib->data[n->index_within_parent + 1];
				descend = enter(s, n);
				break;
			}
			n = n->parent;
		}
	}
}

char *sanitize_html(const char *html, size_t len, size_t max_out)
{
	struct gumbo_heap heap = {0};
	GumboOptions o = kGumboDefaultOptions;
	gumbo_heap_options(&heap, &o);
	o.max_errors = 0;
	o.fragment_context = GUMBO_TAG_DIV;
	o.fragment_namespace = GUMBO_NAMESPACE_HTML;
	if (!html) {
		html = "";
		len = 0;
	}
	if (len > SANITIZE_MAX_INPUT)
		len = SANITIZE_MAX_INPUT;
	len = gumbo_cap_tags(html, len, SANITIZE_MAX_TAGS);
	GumboOutput *g = gumbo_parse_with_options(&o, html, len);
	struct san s = {0};
	/* output that is read again in full: no more bytes or tags than input */
	buf_init(&s.out, max_out < SANITIZE_MAX_INPUT ? max_out : SANITIZE_MAX_INPUT);
	walk(&s, g->root);
	while (s.depth)
		close_top(&s);
	gumbo_heap_release(&heap);
	return buf_steal(&s.out);
}
