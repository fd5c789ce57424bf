/* libFuzzer: multipart/form-data bodies as the server reads them - through
 * libmicrohttpd's post processor into http/upload.c - sent over loopback
 * to a daemon in this process (the post processor needs a real
 * connection). Invariants: no file passes its cap, every file's size is
 * what is on disk, and upload_free() leaves the directory empty. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/upload.h"

#define FILE_CAP 4096
#define FIELD_CAP 2048

static char dir[64];
static uint16_t port;

static int entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void check(struct upload *u)
{
	const char *names[] = {"file", "avatar", "header", "x", ""};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct upload_file *f = upload_file(u, names[i]);
		struct stat sb;
		if (f && (f->size > FILE_CAP || stat(f->path, &sb) || (uint64_t)sb.st_size != f->size))
			abort();
	}
	if (!json_is_object(upload_fields(u)))
		abort();
	char *s = json_dumps(upload_fields(u), JSON_COMPACT);
	if (!s || strlen(s) > 8 * FIELD_CAP + 64)
		abort();
	free(s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **state)
{
	(void)cls, (void)url, (void)method, (void)version;
	struct upload *u = *state;
	if (!u) {
		u = upload_new(conn, dir, FILE_CAP, FIELD_CAP);
		if (!u)
			*state = (void *)1; /* no boundary: nothing to parse */
		else
			*state = u;
		return MHD_YES;
	}
	if (*size) {
		if (u != (void *)1)
			upload_feed(u, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (u != (void *)1) {
		if (!upload_finish(u))
			check(u);
		upload_free(u);
		if (entries())
			abort();
		*state = (void *)1;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **state,
		    enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	if (*state && *state != (void *)1)
		upload_free(*state);
	*state = NULL;
}

static void start(void)
{
	strcpy(dir, "/tmp/fuzz-multipart-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, NULL,
		MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		MHD_OPTION_END);
	if (!d)
		abort();
	port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static void send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		c += k;
		n -= (size_t)k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!port)
		start();
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The loopback's ephemeral ports may be held in TIME_WAIT by whatever
	 * ran before (the API suite): wait for one rather than fail. libFuzzer's
	 * timeout timer raises SIGALRM now and then, which interrupts a connect
	 * with EINTR: start again on a new socket. */
	int fd = -1;
	for (int tries = 0; fd < 0; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			abort();
		if (!connect(fd, (struct sockaddr *)&sa, sizeof sa))
			break;
		int e = errno;
		close(fd);
		fd = -1;
		if ((e != EADDRNOTAVAIL && e != EINTR) || tries == 3000) {
			perror("fuzz_multipart: connect");
			abort();
		}
		usleep(10000);
	}
	char head[256];
	int n = snprintf(head, sizeof head,
			 "POST /m HTTP/1.1\r\nHost: x\r\n"
			 "Content-Type: multipart/form-data; boundary=XyZ\r\n"
			 "Content-Length: %zu\r\n\r\n", size);
	send_all(fd, head, (size_t)n);
	send_all(fd, data, size);
	/* Read the response's head (every answer here has an empty body, or
	 * the daemon closes), then reset the connection: a graceful close
	 * would leave the daemon's side in TIME_WAIT, and thousands of runs a
	 * second use up the loopback's ports within seconds. */
	char buf[512];
	size_t got = 0;
	ssize_t k;
	while (got < sizeof buf - 1) {
		k = recv(fd, buf + got, sizeof buf - 1 - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
	return 0;
}
