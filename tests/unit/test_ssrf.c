/* Unit tests of the SSRF guard in util/fetch: a table of addresses, each
 * with its verdict normally and in the loopback test mode, and fetches
 * through a local server that redirects to refused addresses (the check
 * runs on every address curl is about to connect to, after resolution and
 * after each redirect) or reaches them by names and odd spellings. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/fetch.h"

struct verdict {
	const char *addr;
	bool allowed;  /* normally */
	bool loopback; /* with fetch_init(..., true) */
};

static const struct verdict TABLE[] = {
	/* IPv4: public */
	{"93.184.216.34", true, true}, {"1.1.1.1", true, true}, {"8.8.8.8", true, true},
	{"172.32.0.1", true, true}, {"100.128.0.1", true, true}, {"198.20.0.1", true, true},
	{"223.255.255.255", true, true}, {"11.0.0.1", true, true},
	/* loopback: only in the test mode */
	{"127.0.0.1", false, true}, {"127.255.255.254", false, true},
	/* "this" network, private, CGNAT, link-local and metadata */
	{"0.0.0.0", false, false}, {"0.255.255.255", false, false},
	{"10.0.0.1", false, false}, {"10.255.255.255", false, false},
	{"172.16.0.1", false, false}, {"172.31.255.255", false, false},
	{"192.168.0.1", false, false}, {"192.168.255.255", false, false},
	{"100.64.0.1", false, false}, {"100.127.255.255", false, false},
	{"100.100.100.200", false, false}, {"169.254.0.1", false, false},
	{"169.254.169.254", false, false}, {"168.63.129.16", false, false},
	{"192.0.0.192", false, false},
	/* documentation, benchmarking, 6to4 relay, multicast, reserved, broadcast */
	{"192.0.2.1", false, false}, {"198.51.100.1", false, false}, {"203.0.113.1", false, false},
	{"198.18.0.1", false, false}, {"198.19.255.255", false, false},
	{"192.88.99.1", false, false}, {"224.0.0.1", false, false},
	{"239.255.255.255", false, false}, {"240.0.0.1", false, false},
	{"255.255.255.255", false, false},
	/* IPv6: public */
	{"2606:4700:4700::1111", true, true}, {"2a00:1450:4001:81c::200e", true, true},
	{"2001:4860:4860::8888", true, true},
	/* loopback, unspecified, IPv4-compatible */
	{"::1", false, true}, {"::", false, false}, {"::127.0.0.1", false, false},
	{"::8.8.8.8", false, false},
	/* IPv4-mapped: the IPv4 address decides */
	{"::ffff:8.8.8.8", true, true}, {"::ffff:127.0.0.1", false, true},
	{"::ffff:10.0.0.1", false, false}, {"::ffff:169.254.169.254", false, false},
	{"::ffff:100.64.0.1", false, false}, {"::ffff:0.0.0.0", false, false},
	{"::ffff:0:10.0.0.1", false, false}, /* SIIT */
	/* NAT64 64:ff9b::/96: the IPv4 address inside must be public */
	{"64:ff9b::808:808", true, true}, {"64:ff9b::a9fe:a9fe", false, false},
	{"64:ff9b::a00:1", false, false}, {"64:ff9b::7f00:1", false, false},
	{"64:ff9b::c0a8:1", false, false},
	/* local-use NAT64 64:ff9b:1::/48: a network's own translator */
	{"64:ff9b:1::808:808", false, false}, {"64:ff9b:1:ffff::1", false, false},
	/* 6to4 2002::/16: the IPv4 address inside must be public */
	{"2002:808:808::1", true, true}, {"2002:a00:1::1", false, false},
	{"2002:7f00:1::1", false, false}, {"2002:a9fe:a9fe::1", false, false},
	{"2002:c0a8:101::1", false, false},
	/* Teredo and the rest of 2001::/23, documentation */
	{"2001::1", false, false}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", false, false},
	{"2001:2::1", false, false}, {"2001:10::1", false, false}, {"2001:db8::1", false, false},
	{"3fff::1", false, false}, {"3fff:fff:ffff::1", false, false},
	{"3fff:1000::1", true, true},
	/* unique-local (and AWS's metadata), link-local, site-local, multicast, discard */
	{"fc00::1", false, false}, {"fd00::1", false, false}, {"fd00:ec2::254", false, false},
	{"fe80::1", false, false}, {"febf::1", false, false}, {"fec0::1", false, false},
	{"ff02::1", false, false}, {"ff0e::1", false, false}, {"100::1", false, false},
	{"4000::1", false, false}, {"e000::1", false, false},
};

static bool allowed(const char *ip)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	if (inet_pton(AF_INET, ip, &a4.sin_addr) == 1)
		return fetch_address_allowed((struct sockaddr *)&a4);
	if (inet_pton(AF_INET6, ip, &a6.sin6_addr) != 1)
		fail_msg("%s is not an address", ip);
	return fetch_address_allowed((struct sockaddr *)&a6);
}

static void check_table(bool loopback)
{
	assert_int_equal(fetch_init("test", loopback), 0);
	int wrong = 0;
	for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
		bool want = loopback ? TABLE[i].loopback : TABLE[i].allowed;
		if (allowed(TABLE[i].addr) != want) {
			print_error("%s: %s, want %s%s\n", TABLE[i].addr,
				    want ? "refused" : "allowed", want ? "allowed" : "refused",
				    loopback ? " (loopback mode)" : "");
			wrong++;
		}
	}
	fetch_cleanup();
	assert_int_equal(wrong, 0);
}

static void address_table(void **state)
{
	(void)state;
	check_table(false);
	check_table(true);
	struct sockaddr un = {.sa_family = AF_UNIX};
	assert_false(fetch_address_allowed(&un));
}

/* ---- a local server: /ok answers 200, /to?URL redirects to URL ---- */

static int srv_fd;
static int srv_port;

static void answer(int c)
{
	char req[2048], head[2300];
	ssize_t n = recv(c, req, sizeof req - 1, 0);
	if (n <= 0)
		return;
	req[n] = '\0';
	char *path = strchr(req, ' '), *end = path ? strchr(path + 1, ' ') : NULL;
	if (!end)
		return;
	*end = '\0';
	if (!strncmp(path + 1, "/to?", 4))
		snprintf(head, sizeof head, "HTTP/1.1 302 Found\r\nLocation: %s\r\n"
			 "Content-Length: 0\r\nConnection: close\r\n\r\n", path + 5);
	else
		snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
			 "Connection: close\r\n\r\nok");
	ssize_t w = send(c, head, strlen(head), MSG_NOSIGNAL);
	(void)w;
}

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(srv_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		answer(c);
		close(c);
	}
}

static int start_server(void **state)
{
	(void)state;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	srv_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (srv_fd < 0 || bind(srv_fd, (struct sockaddr *)&a, sizeof a) || listen(srv_fd, 16) ||
	    getsockname(srv_fd, (struct sockaddr *)&a, &len))
		return -1;
	srv_port = ntohs(a.sin_port);
	pthread_t t;
	if (pthread_create(&t, NULL, serve, NULL))
		return -1;
	pthread_detach(t);
	return 0;
}

static enum fetch_rc get(const char *fmt, ...)
{
	char url[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(url, sizeof url, fmt, ap);
	va_end(ap);
	struct fetch_result r;
	enum fetch_rc rc = fetch_get(url, NULL, &r);
	if (rc == FETCH_OK && strcmp(r.body, "ok"))
		fail_msg("%s answered [%s]", url, r.body);
	fetch_result_free(&r);
	return rc;
}

/* In the test mode loopback is reachable, so a redirect from it to each
 * refused address shows the check runs again on the redirect's address. */
static void redirects_are_checked_again(void **state)
{
	(void)state;
	assert_int_equal(fetch_init("test", true), 0);
	int p = srv_port;
	assert_int_equal(get("http://127.0.0.1:%d/ok", p), FETCH_OK);
	assert_int_equal(get("http://127.0.0.1:%d/to?http://127.0.0.1:%d/ok", p, p), FETCH_OK);
	assert_int_equal(get("http://127.0.0.1:%d/to?http://localhost:%d/ok", p, p), FETCH_OK);
	const char *refused[] = {
		"http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/", "http://[::ffff:10.0.0.1]/", "http://100.64.0.1/",
		"http://0.0.0.0/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/",
		"http://[fe80::1%25lo]/", "https://192.168.1.1/", "http://0xa9fea9fe/",
		"http://2852039166/", "http://[::]/",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		enum fetch_rc rc = get("http://127.0.0.1:%d/to?%s", p, refused[i]);
		if (rc != FETCH_REFUSED)
			fail_msg("redirect to %s: %s", refused[i], fetch_rc_str(rc));
	}
	/* other schemes are not followed; a fourth redirect is not followed */
	assert_int_equal(get("http://127.0.0.1:%d/to?file:///etc/passwd", p), FETCH_FAILED);
	assert_int_equal(get("http://127.0.0.1:%d/to?gopher://127.0.0.1:%d/", p, p), FETCH_FAILED);
	assert_int_equal(get("http://127.0.0.1:%d/to?http://127.0.0.1:%d/to?"
			     "http://127.0.0.1:%d/to?http://127.0.0.1:%d/ok", p, p, p, p), FETCH_OK);
	assert_int_equal(get("http://127.0.0.1:%d/to?http://127.0.0.1:%d/to?"
			     "http://127.0.0.1:%d/to?http://127.0.0.1:%d/to?http://127.0.0.1:%d/ok",
			     p, p, p, p, p), FETCH_FAILED);
	fetch_cleanup();
}

/* Outside the test mode the server cannot be reached by any name or
 * spelling of loopback: the check sees the resolved address. */
static void names_and_spellings_are_resolved_first(void **state)
{
	(void)state;
	assert_int_equal(fetch_init("test", false), 0);
	const char *hosts[] = {"127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001",
			       "0x7f.1", "017700000001", "[::1]", "[::ffff:127.0.0.1]",
			       "[::ffff:7f00:1]", "0"};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		enum fetch_rc rc = get("http://%s:%d/ok", hosts[i], srv_port);
		if (rc != FETCH_REFUSED)
			fail_msg("%s: %s", hosts[i], fetch_rc_str(rc));
	}
	/* names that may not resolve here: never reached, either way */
	const char *names[] = {"localhost.", "127.0.0.1.", "localhost.localdomain"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (get("http://%s:%d/ok", names[i], srv_port) == FETCH_OK)
			fail_msg("%s was reached", names[i]);
	fetch_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_table),
		cmocka_unit_test(redirects_are_checked_again),
		cmocka_unit_test(names_and_spellings_are_resolved_first),
	};
	return cmocka_run_group_tests_name("ssrf", tests, start_server, NULL);
}
