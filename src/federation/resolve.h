/* resolve.h - finding remote accounts and statuses from what a person
 * types: a handle (user@host, through WebFinger) or a URL (fetched).
 *
 * WebFinger (Mastodon's app/lib/webfinger.rb): GET
 * https://HOST/.well-known/webfinger?resource=acct:USER@HOST (http in the
 * test mode, where HOST may carry a port), Accept application/jrd+json,
 * unsigned, through util/fetch.c (SSRF guard, at most 3 redirects). The
 * actor is the first `links` entry with rel "self" and an ActivityPub
 * type. Its document is fetched (federation/remote.h) and, before any
 * account is made, the loop-back check: the actor's own handle
 * (preferredUsername at its id's host) must be the one asked for, or,
 * when it names another, a WebFinger lookup of that handle must lead to
 * the same actor id. */
#ifndef RAPPORT_FEDERATION_RESOLVE_H
#define RAPPORT_FEDERATION_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

enum resolved_kind { RESOLVED_NONE = 0, RESOLVED_ACCOUNT, RESOLVED_STATUS };

/* Resolves q ("@user@host", "user@host" or an http(s) URL) for a search
 * with resolve=true: the account (stored if new) or the status id (made
 * if new, its author too). RESOLVED_NONE when q is neither, is local, or
 * names nothing reachable; RC_INTERNAL only when the store failed. */
enum rc resolve_remote(struct core *c, const char *q, enum resolved_kind *kind,
		       struct account *account, int64_t *status_id);

/* Resolves, through WebFinger as resolve_remote does, the remote accounts
 * text mentions (@user@host, as core/text.h reads them) that are not
 * known yet, so that the status written from text mentions them and is
 * delivered to them, as Mastodon's ProcessMentionsService does. A handle
 * that resolves to nothing stays plain text. RC_INTERNAL only when the
 * store failed. */
enum rc resolve_mentions(struct core *c, const char *text);

/* The actor id WebFinger gives for user@host; NULL when there is none
 * (in c->arena). */
const char *webfinger_lookup(struct core *c, const char *user, const char *host);

#endif
