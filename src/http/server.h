/* server.h - the HTTP server: libmicrohttpd with a thread pool. */
#ifndef RAPPORT_SERVER_H
#define RAPPORT_SERVER_H

#include "core/config.h"
#include "store/store.h"
#include "util/ratelimit.h"

#include <netinet/in.h>

struct server {
	const struct config *cfg;
	struct store *store;
	struct ratelimit rl;      /* API requests per token or IP; OAuth endpoints per IP */
	struct ratelimit rl_auth; /* sign-in and sign-up attempts */
	struct MHD_Daemon *daemon;
	char upload_dir[512];     /* where multipart files are written: data/media/tmp */
	_Atomic int inflight; /* requests between first byte and response sent */
};

/* Parses "HOST:PORT" (an IPv4 address, localhost or empty for every
 * address; port 1..65535) into out (may be NULL). Returns 0 or -1. */
int server_parse_listen(const char *listen, struct sockaddr_in *out);
/* Starts listening on cfg->listen. Returns 0 or -1 (logged). */
int server_start(struct server *srv, const struct config *cfg, struct store *store);
/* Stops accepting, waits up to drain_ms for in-flight requests, closes. */
void server_stop(struct server *srv, int drain_ms);

#endif
