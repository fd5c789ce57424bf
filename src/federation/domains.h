/* domains.h - rules about whole remote domains: the admin's (block: no
 * activity from it is accepted and nothing is fetched from it; limit: its
 * statuses are kept only from accounts someone here follows) and each
 * person's own blocks (/api/v1/domain_blocks: its accounts stop following
 * them, and its follows and mentions of them are dropped by the inbox).
 * Domains are compared in lower case, with the port in the test mode. */
#ifndef RAPPORT_FEDERATION_DOMAINS_H
#define RAPPORT_FEDERATION_DOMAINS_H

#include <stdbool.h>

#include "core/core.h"
#include "http/http.h"

#define DOMAIN_MAX 253
#define DOMAIN_FOLLOWERS_REMOVED 10000 /* followers a block removes at once */

/* The domain s names in its canonical form (lower case; a URL's host is
 * taken from it), in ar; NULL if it is not one. */
const char *domain_canonical(struct arena *ar, const char *s);

/* A person's block of domain (on) or its removal; blocking removes the
 * followers the person has there. RC_INVALID for a domain that is not
 * one or is ours. */
enum rc domain_block(struct core *c, int64_t account_id, const char *domain, bool on);

/* GET, POST, DELETE /api/v1/domain_blocks */
void h_domain_blocks_get(struct req *r);
void h_domain_blocks_post(struct req *r);
void h_domain_blocks_delete(struct req *r);

#endif
