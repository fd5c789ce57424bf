/* Unit tests of util/, core/scopes, core/text and http/params. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "core/scopes.h"
#include "core/text.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cache.h"
#include "util/jw.h"
#include "util/netaddr.h"
#include "util/ratelimit.h"
#include "util/util.h"

static void arena_many_and_big(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	for (int i = 0; i < 10000; i++) {
		char *p = arena_printf(&a, "item %d", i);
		assert_string_equal(p, arena_printf(&a, "item %d", i));
	}
	char *big = arena_alloc(&a, 1 << 20);
	memset(big, 'x', 1 << 20);
	assert_true(((uintptr_t)arena_alloc(&a, 3) & 15) == 0);
	assert_null(arena_strdup(&a, NULL));
	arena_free(&a);
	assert_null(a.head);
}

static void buf_cap_is_sticky(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "hello"), 0);
	assert_int_equal(buf_puts(&b, "world!"), -1);
	assert_true(b.over);
	assert_string_equal(b.data, "hello");
	assert_int_equal(buf_printf(&b, "%d", 12345), 0);
	assert_int_equal(b.len, 10);
	assert_int_equal(buf_append(&b, "x", 1), -1);
	char *s = buf_steal(&b);
	assert_string_equal(s, "hello12345");
	free(s);
	buf_free(&b);
}

static void ids_increase_and_parse(void **state)
{
	(void)state;
	int64_t prev = id_new();
	for (int i = 0; i < 100000; i++) {
		int64_t id = id_new();
		assert_true(id > prev);
		prev = id;
	}
	assert_true((prev >> 16) <= now_ms() + 1000);
	int64_t v;
	assert_true(id_parse("117657431513628672", &v));
	assert_true(v == 117657431513628672LL);
	assert_false(id_parse("", &v));
	assert_false(id_parse("12a", &v));
	assert_false(id_parse("-5", &v));
	assert_false(id_parse("0", &v));
	assert_false(id_parse("99999999999999999999", &v));
	assert_false(id_parse("9999999999999999999", &v)); /* > INT64_MAX */
	assert_true(id_parse("9223372036854775807", &v));
	assert_false(id_parse(NULL, &v));
}

static bool in_list(const char *list, const char *addr)
{
	struct cidr_list l;
	const char *bad = NULL;
	struct netaddr a;
	assert_int_equal(cidr_list_parse(list, &l, &bad), 0);
	assert_true(netaddr_parse(addr, strlen(addr), &a));
	bool in = cidr_list_match(&l, &a);
	cidr_list_free(&l);
	return in;
}

static void netaddr_blocks(void **state)
{
	(void)state;
	const char *list = "10.0.0.0/8, 192.168.1.0/24,2001:db8::/33 , 172.16.0.0/12,::1,"
			   "::ffff:100.64.0.0/106, 0.0.0.0/32";
	assert_true(in_list(list, "10.255.0.1"));
	assert_false(in_list(list, "11.0.0.1"));
	assert_true(in_list(list, "192.168.1.255"));
	assert_false(in_list(list, "192.168.2.0"));
	assert_true(in_list(list, "172.31.255.255"));
	assert_false(in_list(list, "172.32.0.0"));
	assert_true(in_list(list, "2001:db8:7fff::1"));
	assert_false(in_list(list, "2001:db8:8000::1"));
	assert_true(in_list(list, "::1"));
	assert_false(in_list(list, "::2"));
	assert_true(in_list(list, "100.127.0.1"));           /* ::ffff:100.64.0.0/106 */
	assert_true(in_list(list, "::ffff:10.1.2.3"));       /* folded to 10.1.2.3 */
	assert_false(in_list(list, "::10.1.2.3"));           /* not a mapped address */
	assert_true(in_list("0.0.0.0/0", "203.0.113.1"));
	assert_false(in_list("0.0.0.0/0", "2001:db8::1"));  /* families never mix */
	assert_true(in_list("::/0", "2001:db8::1"));
	assert_false(in_list("", "10.0.0.1"));
	const char *bad_lists[] = {"10.0.0.0/33", "10.0.0.1/8", "10.0.0.0/", "/8", "a,",
				   "10.0.0.0/8,", ",", " ", "::1/129", "1.2.3", "01.2.3.4",
				   "1.2.3.4/1x", "2001:db8::1/32", "::ffff:10.0.0.0/95"};
	for (size_t i = 0; i < sizeof bad_lists / sizeof *bad_lists; i++) {
		struct cidr_list l = {.n = 99};
		const char *bad = NULL;
		assert_int_equal(cidr_list_parse(bad_lists[i], &l, &bad), -1);
		assert_non_null(bad);
		assert_true(l.n == 0 && !l.items);
	}
	struct netaddr a;
	char out[NETADDR_STRLEN];
	assert_true(netaddr_parse("2001:DB8:0::1", 13, &a));
	netaddr_format(&a, out);
	assert_string_equal(out, "2001:db8::1");
	assert_true(netaddr_parse("::ffff:192.0.2.1", 16, &a));
	netaddr_format(&a, out);
	assert_string_equal(out, "192.0.2.1");
	assert_false(netaddr_parse("1.2.3.4\0", 8, &a));
	assert_false(netaddr_parse("1.2.3.4:80", 10, &a));
	assert_false(netaddr_parse("", 0, &a));
	assert_false(netaddr_parse("fe80::1%eth0", 12, &a));
}

static void time_has_milliseconds(void **state)
{
	(void)state;
	char t[32], d[16];
	time_format(1795353330123LL, t, sizeof t);
	assert_string_equal(t, "2026-11-22T13:15:30.123Z");
	time_format(1795353330000LL, t, sizeof t);
	assert_string_equal(t, "2026-11-22T13:15:30.000Z");
	date_format(1795353330123LL, d, sizeof d);
	assert_string_equal(d, "2026-11-22");
}

/* ISO 8601 as apps send scheduled_at and announcements' times: offsets,
 * fractions, a date alone; anything else refused. */
static void time_parses_iso8601(void **state)
{
	(void)state;
	int64_t ms;
	assert_true(time_parse("2026-11-22T13:15:30.123Z", &ms));
	assert_int_equal(ms, 1795353330123LL);
	assert_true(time_parse("2026-11-22T13:15:30Z", &ms));
	assert_int_equal(ms, 1795353330000LL);
	assert_true(time_parse("2026-11-22T14:15:30+01:00", &ms));
	assert_int_equal(ms, 1795353330000LL);
	assert_true(time_parse("2026-11-22T10:15:30.5-0300", &ms));
	assert_int_equal(ms, 1795353330500LL);
	assert_true(time_parse("2026-11-22T13:15", &ms));
	assert_int_equal(ms, 1795353300000LL);
	assert_true(time_parse("2026-11-22", &ms));
	assert_int_equal(ms, 1795305600000LL);
	const char *bad[] = {"", "tomorrow", "2026-13-01", "2026-11-22T25:00:00Z",
			     "2026-11-22T13:15:30Zjunk", "2026-11-22T13:15:30+1", "1969-12-31",
			     "2026-11-22T13:15:30.Z", "26-11-22", "2026-11-22T13"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(time_parse(bad[i], &ms));
	assert_false(time_parse(NULL, &ms));
}

static void tokens_and_hashes(void **state)
{
	(void)state;
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], h[65], p[44];
	token_random(a);
	token_random(b);
	assert_int_equal(strlen(a), TOKEN_LEN);
	assert_string_not_equal(a, b);
	sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* base64url(sha256(verifier)), as computed by Python's hashlib */
	sha256_b64url("dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk", 43, p);
	assert_string_equal(p, "bwWFMyPfdG9qreDhH2lmftFx_dFeLDalzcT1gb_j68g");
	assert_true(str_eq_ct("same", "same"));
	assert_false(str_eq_ct("same", "sane"));
	assert_false(str_eq_ct("same", "samey"));
}

static void truthy(void **state)
{
	(void)state;
	const char *yes[] = {"1", "true", "True", "on", "yes"};
	const char *no[] = {"0", "false", "False", "off", "", "None"};
	for (size_t i = 0; i < 5; i++)
		assert_true(str_truthy(yes[i]));
	for (size_t i = 0; i < 6; i++)
		assert_false(str_truthy(no[i]));
	assert_false(str_truthy(NULL));
}

static void scopes_expand(void **state)
{
	(void)state;
	scope_set s;
	assert_true(scopes_parse("read write follow", &s));
	assert_true(s & SCOPE(SC_READ_STATUSES));
	assert_true(s & SCOPE(SC_WRITE_BLOCKS));
	assert_false(s & SCOPE(SC_PUSH));
	assert_true(scopes_parse("read:accounts", &s));
	assert_true(s == SCOPE(SC_READ_ACCOUNTS));
	assert_true(scopes_parse("", &s));
	assert_true(s & SCOPE(SC_READ_ACCOUNTS));
	assert_false(s & SCOPE(SC_WRITE_STATUSES));
	assert_false(scopes_parse("read nonsense", &s));
	assert_false(scopes_parse("read:", &s));
	assert_true(scopes_subset("read:statuses write:media", "read write"));
	assert_true(scopes_subset("write:follows", "follow"));
	assert_false(scopes_subset("write", "read"));
	assert_false(scopes_subset("admin:read", "read write follow push"));
	/* the admin umbrellas hold Mastodon's sub-scopes; a sub-scope is
	 * neither the umbrella nor another area */
	assert_true(scopes_parse("admin:read", &s));
	assert_true(s & SCOPE(SC_ADMIN_READ) && s & SCOPE(SC_ADMIN_READ_ACCOUNTS));
	assert_true(s & SCOPE(SC_ADMIN_READ_CANONICAL_EMAIL_BLOCKS));
	assert_false(s & SCOPE(SC_ADMIN_WRITE_REPORTS));
	assert_true(scopes_parse("admin:write:reports", &s));
	assert_true(s == SCOPE(SC_ADMIN_WRITE_REPORTS));
	assert_true(scopes_subset("admin:write:reports admin:read:ip_blocks", "admin:read admin:write"));
	assert_false(scopes_subset("admin:read", "admin:read:accounts admin:read:reports"));
	assert_false(scopes_parse("admin:read:nonsense", &s));
	for (int i = 0; scopes_name(i); i++)
		assert_true(scopes_parse(scopes_name(i), &s) && s);
	char out[64];
	scopes_normalise("read+write  read follow", out, sizeof out);
	assert_string_equal(out, "read write follow");
}

static void text_escapes_everything(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(text_escape(&a, "<script>\"x\"&'y'</script>"),
			    "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;");
	assert_string_equal(text_to_html(&a, "a\nb\n\nc"), "<p>a<br>b</p><p>c</p>");
	assert_string_equal(text_to_html(&a, ""), "");
	assert_string_equal(text_to_html(&a, "\n\n"), "");
	const char *h = text_to_html(&a, "see https://x.org/a?b=1&c=\"2\". <img src=x onerror=alert(1)>");
	assert_non_null(strstr(h, "<a href=\"https://x.org/a?b=1&amp;c=\" rel="));
	assert_null(strstr(h, "<img"));
	assert_non_null(strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
	h = text_to_html(&a, "javascript:alert(1) http://\" onmouseover=\"x");
	assert_null(strstr(h, "href=\"javascript"));
	assert_null(strstr(h, "\" onmouseover"));
	arena_free(&a);
}

static void text_counts_graphemes(void **state)
{
	(void)state;
	assert_int_equal(text_length("hello"), 5);
	assert_int_equal(text_length("héllo"), 5);
	assert_int_equal(text_length("e\xcc\x81"), 1);                 /* e + combining acute */
	assert_int_equal(text_length("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"), 1); /* thumbs up + tone */
	assert_int_equal(text_length("\xff\xfe"), -1);
	assert_true(text_valid("ok\ttab\nline", 11));
	assert_false(text_valid("nul\0x", 5));
	assert_false(text_valid("\x1b[31m", 5));
	assert_false(text_valid("\xc3", 1));
}

static void form_parsing(void **state)
{
	(void)state;
	json_t *o = json_object();
	const char *f = "a=1&b=x+y%21&list[]=p&list[]=q&f[0][name]=n&f[0][value]=v&empty=&flag&=z";
	assert_int_equal(params_parse_form(f, strlen(f), o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "a")), "1");
	assert_string_equal(json_string_value(json_object_get(o, "b")), "x y!");
	json_t *l = json_object_get(o, "list");
	assert_true(json_is_array(l));
	assert_int_equal(json_array_size(l), 2);
	assert_string_equal(json_string_value(json_array_get(l, 1)), "q");
	json_t *f0 = json_object_get(json_object_get(o, "f"), "0");
	assert_string_equal(json_string_value(json_object_get(f0, "value")), "v");
	assert_string_equal(json_string_value(json_object_get(o, "empty")), "");
	assert_string_equal(json_string_value(json_object_get(o, "flag")), "");
	json_decref(o);

	o = json_object();
	assert_int_equal(params_parse_form("a=%ff%fe", 8, o), -1);      /* invalid UTF-8 */
	assert_int_equal(params_parse_form("a=x%00y", 7, o), -1);       /* NUL */
	assert_int_equal(params_parse_form("a=%", 3, o), 0);            /* lone % kept */
	assert_string_equal(json_string_value(json_object_get(o, "a")), "%");
	const char *deep = "a[1][2][3][4][5][6][7][8][9][10]=x";
	assert_int_equal(params_parse_form(deep, strlen(deep), o), 0); /* too deep: ignored */
	assert_string_equal(json_string_value(json_object_get(o, "a")), "%");
	json_decref(o);
}

static void ratelimit_window(void **state)
{
	(void)state;
	struct ratelimit rl;
	ratelimit_init(&rl);
	for (int i = 0; i < 3; i++) {
		struct rl_result r = ratelimit_hit(&rl, "k", 3, 60);
		assert_true(r.allowed);
		assert_int_equal(r.remaining, 2 - i);
	}
	struct rl_result r = ratelimit_hit(&rl, "k", 3, 60);
	assert_false(r.allowed);
	assert_true(r.retry_after_s >= 1 && r.retry_after_s <= 60);
	assert_true(ratelimit_hit(&rl, "other", 3, 60).allowed);
	/* The table stays bounded whatever the number of keys. */
	char key[32];
	for (int i = 0; i < RATELIMIT_MAX_KEYS + 100; i++) {
		snprintf(key, sizeof key, "ip:%d", i);
		assert_true(ratelimit_hit(&rl, key, 3, 60).allowed);
	}
	assert_true(rl.used <= RATELIMIT_MAX_KEYS);
	ratelimit_free(&rl);
}

/* A stand-in for the store's counters: counts per call, or fails. */
static int64_t shared_hits;
static int shared_calls;
static bool shared_fails;

/* The store's count, in memory: what store_ratelimit_hit answers. */
static struct ratelimit *shared_rl; /* set: one hit of "k" arrives during the call */
static struct rl_result shared_during;

/* The store's count, in memory: what store_ratelimit_hit answers. Keys
 * other than "k" are each counted once. */
static int fake_shared(void *db, const char *key, int64_t n, int64_t now, int64_t window_ms,
		       int64_t *hits, int64_t *end_ms)
{
	assert_ptr_equal(db, &shared_hits);
	*end_ms = now + window_ms / 2; /* a window that started earlier */
	if (strcmp(key, "k")) {
		*hits = n;
		return 0;
	}
	shared_calls++;
	if (shared_rl) { /* another thread's hit while this one's statement runs */
		struct ratelimit *rl = shared_rl;
		shared_rl = NULL;
		shared_during = ratelimit_count(rl, db, "k", 1600, 600);
	}
	if (shared_fails)
		return -1;
	*hits = shared_hits += n;
	return 0;
}

/* rl, new, counting through fake_shared with a store that starts empty. */
static void shared_table(struct ratelimit *rl)
{
	ratelimit_init(rl);
	ratelimit_share(rl, fake_shared);
	shared_hits = 0;
	shared_calls = 0;
	shared_fails = false;
}

/* Shared counters: the same answers as in memory, from the store's count;
 * a count that fails refuses. */
static void ratelimit_shared_counts(void **state)
{
	(void)state;
	struct ratelimit rl;
	shared_table(&rl);
	for (int i = 0; i < 3; i++) {
		struct rl_result r = ratelimit_count(&rl, &shared_hits, "k", 3, 60);
		assert_true(r.allowed && !r.failed);
		assert_int_equal(r.remaining, 2 - i);
	}
	struct rl_result r = ratelimit_count(&rl, &shared_hits, "k", 3, 60);
	assert_false(r.allowed);
	assert_int_equal(r.remaining, 0);
	assert_true(r.retry_after_s >= 29 && r.retry_after_s <= 30);
	shared_fails = true;
	shared_hits = 0;
	r = ratelimit_count(&rl, &shared_hits, "k", 3, 60);
	assert_true(r.failed && !r.allowed);
	ratelimit_free(&rl);
}

/* Far from a shared limit, a process counts a share of what is left by
 * itself and tells the store in one statement; near it, every hit. */
static void ratelimit_shared_batches(void **state)
{
	(void)state;
	struct ratelimit rl;
	shared_table(&rl);
	struct rl_result r = ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_int_equal(shared_calls, 1); /* a window's first hit: to the store */
	assert_int_equal(r.remaining, 1599);
	for (int i = 0; i < 99; i++) { /* (1600 - 1) / 16 by itself */
		r = ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
		assert_true(r.allowed);
		assert_int_equal(r.remaining, 1598 - i);
	}
	assert_int_equal(shared_calls, 1);
	assert_int_equal(shared_hits, 1);
	r = ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_int_equal(shared_calls, 2);
	assert_int_equal(shared_hits, 101); /* the 99 and this one, at once */
	assert_int_equal(r.remaining, 1499);

	/* Another process counted up to near the limit: the next read sees
	 * it, the shares shrink, and at the limit every hit goes to the store. */
	shared_hits = 1500;
	int calls = shared_calls;
	for (int i = 0; i < 100 && shared_calls == calls; i++)
		ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_int_equal(shared_calls, calls + 1);
	for (int i = 0; i < 200 && shared_hits < 1600; i++)
		ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_int_equal(shared_hits, 1600);
	calls = shared_calls;
	for (int i = 0; i < 20; i++) {
		r = ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
		assert_false(r.allowed);
		assert_int_equal(r.remaining, 0);
	}
	assert_int_equal(shared_calls, calls + 20);

	/* A store that fails refuses; the hits let through before are told
	 * with the next count that works. */
	ratelimit_free(&rl);
	shared_table(&rl);
	ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	for (int i = 0; i < 10; i++)
		ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_int_equal(shared_hits, 1);
	for (int i = 0; i < 89; i++) /* the rest of the share */
		ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	shared_fails = true;
	r = ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_true(r.failed && !r.allowed);
	shared_fails = false;
	r = ratelimit_count(&rl, &shared_hits, "k", 1600, 60);
	assert_true(r.allowed);
	assert_int_equal(shared_hits, 101); /* 1, 99 let through, this one */
	ratelimit_free(&rl);
}

/* Keys longer than the table keeps, alike but for their ends, are two. */
static void ratelimit_long_keys(void **state)
{
	(void)state;
	struct ratelimit rl;
	ratelimit_init(&rl);
	char a[200], b[200];
	memset(a, 'x', sizeof a - 1);
	a[sizeof a - 1] = 0;
	a[77] = '\xc3', a[78] = '\xa9'; /* a character across where keys are cut */
	memcpy(b, a, sizeof b);
	b[sizeof b - 2] = 'y';
	assert_true(ratelimit_hit(&rl, a, 1, 60).allowed);
	assert_true(ratelimit_hit(&rl, b, 1, 60).allowed);
	assert_false(ratelimit_hit(&rl, a, 1, 60).allowed);
	ratelimit_free(&rl);
}

/* A hit while a batch is on its way to the store counts the batch in its
 * view; and a flood of other keys does not wash out a key's untold hits. */
static void ratelimit_shared_inflight_and_flood(void **state)
{
	(void)state;
	struct ratelimit rl;
	shared_table(&rl);
	for (int i = 0; i < 100; i++) /* the first read, then 99 by itself */
		ratelimit_count(&rl, &shared_hits, "k", 1600, 600);
	assert_int_equal(shared_calls, 1);
	shared_rl = &rl;
	struct rl_result r = ratelimit_count(&rl, &shared_hits, "k", 1600, 600);
	assert_int_equal(shared_calls, 2);
	assert_null(shared_rl);
	/* 1 read, 100 on their way; the hit during the call counted after them */
	assert_true(shared_during.allowed);
	assert_int_equal(shared_during.remaining, 1600 - 102);
	assert_int_equal(r.remaining, 1600 - 101);

	/* "k" holds an untold hit (the one during the call) while more keys
	 * than the table holds arrive, twice each. */
	char key[32];
	for (int i = 0; i < RATELIMIT_MAX_KEYS + 4000; i++) {
		snprintf(key, sizeof key, "flood-%d", i);
		ratelimit_count(&rl, &shared_hits, key, 1600, 600);
		ratelimit_count(&rl, &shared_hits, key, 1600, 600);
	}
	int calls = shared_calls;
	int64_t told = shared_hits, counted = 1;
	while (shared_calls == calls) {
		ratelimit_count(&rl, &shared_hits, "k", 1600, 600);
		counted++;
	}
	assert_int_equal(shared_hits, told + counted); /* none lost */
	ratelimit_free(&rl);
}

static void jw_writes_valid_json(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w, 1 << 16);
	jw_obj(&w);
	jw_kid(&w, "id", 117657431513628672LL);
	jw_kid(&w, "none", 0);
	jw_kint(&w, "neg", -42);
	jw_kint(&w, "min", INT64_MIN);
	jw_kstr(&w, "s", "quote\" back\\ nl\n tab\t ctl\x01 sep\xe2\x80\xa8 e\xe2\x82\xac");
	jw_key(&w, "arr");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_raw(&w, "{\"x\":[]}");
	jw_null(&w);
	jw_bool(&w, true);
	jw_arr_end(&w);
	const char *parts[] = {"http://x.test/@", "a\"b", "/1"};
	jw_key(&w, "url");
	jw_str_parts(&w, 3, parts);
	jw_ktime(&w, "t", 1795353330123LL);
	jw_obj_end(&w);
	assert_true(jw_ok(&w));
	json_error_t err;
	json_t *j = json_loadb(w.b.data, w.b.len, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "117657431513628672");
	assert_true(json_is_null(json_object_get(j, "none")));
	assert_int_equal(json_integer_value(json_object_get(j, "neg")), -42);
	assert_true(json_integer_value(json_object_get(j, "min")) == INT64_MIN);
	assert_string_equal(json_string_value(json_object_get(j, "s")),
			    "quote\" back\\ nl\n tab\t ctl\x01 sep\xe2\x80\xa8 e\xe2\x82\xac");
	assert_non_null(strstr(w.b.data, "\\u2028"));
	assert_int_equal(json_array_size(json_object_get(j, "arr")), 6);
	assert_string_equal(json_string_value(json_object_get(j, "url")), "http://x.test/@a\"b/1");
	assert_string_equal(json_string_value(json_object_get(j, "t")), "2026-11-22T13:15:30.123Z");
	json_decref(j);
	jw_free(&w);

	/* Misuse and overflow are reported, not written. */
	jw_init(&w, 16);
	jw_arr(&w);
	jw_str(&w, "this is longer than sixteen bytes");
	jw_arr_end(&w);
	assert_false(jw_ok(&w));
	jw_free(&w);
	jw_init(&w, 1024);
	jw_obj_end(&w);
	assert_false(jw_ok(&w));
	jw_free(&w);
}

/* The render cache returns an entry only for its exact stamp, replaces
 * older versions, and stays within its byte budget. */
static void cache_stamps_and_budget(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct cache *c = cache_new(1 << 20);
	int64_t s1[2] = {1, 2}, s2[2] = {1, 3};
	size_t len = 0;
	assert_null(cache_get(c, 1, 42, s1, 2, &ar, &len));
	cache_put(c, 1, 42, s1, 2, "one", 3);
	const char *got = cache_get(c, 1, 42, s1, 2, &ar, &len);
	assert_non_null(got);
	assert_int_equal(len, 3);
	assert_string_equal(got, "one");
	assert_null(cache_get(c, 1, 42, s2, 2, &ar, &len)); /* another stamp */
	assert_null(cache_get(c, 2, 42, s1, 2, &ar, &len)); /* another kind */
	assert_null(cache_get(c, 1, 42, s1, 1, &ar, &len)); /* a shorter stamp */
	cache_put(c, 1, 42, s2, 2, "two!", 4);              /* a newer version */
	assert_null(cache_get(c, 1, 42, s1, 2, &ar, &len));
	assert_string_equal(cache_get(c, 1, 42, s2, 2, &ar, &len), "two!");

	/* Far more than fits: the budget holds and recent entries survive. */
	char big[1000];
	memset(big, 'x', sizeof big);
	for (int64_t id = 1000; id < 5000; id++)
		cache_put(c, 1, id, s1, 2, big, sizeof big);
	struct cache_stats st;
	cache_stats(c, &st);
	assert_true(st.bytes <= (1 << 20));
	assert_true(st.evictions > 0);
	assert_non_null(cache_get(c, 1, 4999, s1, 2, &ar, &len));
	assert_int_equal(len, sizeof big);
	assert_null(cache_get(c, 1, 1000, s1, 2, &ar, &len));
	cache_free(c);

	/* A cache of zero bytes stores nothing. */
	c = cache_new(0);
	cache_put(c, 1, 1, s1, 2, "x", 1);
	assert_null(cache_get(c, 1, 1, s1, 2, &ar, &len));
	cache_free(c);
	arena_free(&ar);
}

/* Many entries of random sizes through a small cache: every hit returns
 * exactly the last bytes stored under its key and stamp, and the bytes
 * held never pass the budget (the ring wraps many times). */
static void cache_ring_against_a_model(void **state)
{
	(void)state;
	enum { KEYS = 300, ROUNDS = 60000 };
	static char model[KEYS][3000];
	static size_t model_len[KEYS];
	static int64_t model_stamp[KEYS];
	struct arena ar;
	arena_init(&ar);
	struct cache *c = cache_new(64 * 1024);
	uint64_t x = 88172645463325252ull;
	int hits = 0;
	for (int round = 0; round < ROUNDS; round++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int k = (int)(x % KEYS);
		size_t len = (size_t)((x >> 20) % 2900);
		if ((x >> 40) % 3 == 0) {
			model_stamp[k]++;
			for (size_t i = 0; i < len; i++)
				model[k][i] = (char)('a' + (i + (size_t)round) % 26);
			model_len[k] = len;
			cache_put(c, 1, k + 1, &model_stamp[k], 1, model[k], len);
		} else {
			size_t got = 0;
			const char *p = cache_get(c, 1, k + 1, &model_stamp[k], 1, &ar, &got);
			if (p) {
				hits++;
				assert_int_equal(got, model_len[k]);
				assert_memory_equal(p, model[k], got);
			}
		}
		if (round % 1000 == 0) {
			struct cache_stats st;
			cache_stats(c, &st);
			assert_true(st.bytes <= 64 * 1024);
			arena_free(&ar);
			arena_init(&ar);
		}
	}
	assert_true(hits > 1000);
	cache_free(c);
	arena_free(&ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_many_and_big),  cmocka_unit_test(buf_cap_is_sticky),
		cmocka_unit_test(ids_increase_and_parse), cmocka_unit_test(netaddr_blocks),
		cmocka_unit_test(time_has_milliseconds), cmocka_unit_test(time_parses_iso8601),
		cmocka_unit_test(tokens_and_hashes),   cmocka_unit_test(truthy),
		cmocka_unit_test(scopes_expand),       cmocka_unit_test(text_escapes_everything),
		cmocka_unit_test(text_counts_graphemes), cmocka_unit_test(form_parsing),
		cmocka_unit_test(ratelimit_window),    cmocka_unit_test(ratelimit_shared_counts),
		cmocka_unit_test(ratelimit_shared_batches),
		cmocka_unit_test(ratelimit_long_keys),
		cmocka_unit_test(ratelimit_shared_inflight_and_flood),
		cmocka_unit_test(jw_writes_valid_json),
		cmocka_unit_test(cache_stamps_and_budget), cmocka_unit_test(cache_ring_against_a_model),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
