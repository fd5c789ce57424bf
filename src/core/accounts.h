/* accounts.h - creating, finding and editing accounts. */
#ifndef RAPPORT_ACCOUNTS_H
#define RAPPORT_ACCOUNTS_H

#include "core/core.h"
#include "store/accounts.h"

#define USERNAME_MAX 30
#define DISPLAY_NAME_MAX 30
#define NOTE_MAX 500
#define FIELDS_MAX 4
#define FIELD_MAX 255
#define PASSWORD_MIN 8
#define PASSWORD_MAX 128
#define EMAIL_MAX 254

struct signup {
	const char *username;
	const char *email;
	const char *password;
	bool admin;
	/* Sign-ups from the API and the sign-up page obey the instance's
	 * sign-up mode and blocks (core/moderation.h); the command line's do
	 * not. */
	bool moderated;
	const char *reason; /* why they want to join (approval mode) */
	const char *invite; /* an invite code, or NULL */
	const char *ip;     /* the address signing up */
};

/* Validates and creates a local account with its user row, in one
 * transaction. RC_INVALID names the field at fault. */
enum rc account_create(struct core *c, const struct signup *s, int64_t *out_id);

/* NULL / -1 members are left unchanged. */
struct profile_update {
	const char *display_name;
	const char *note;
	int locked, bot, discoverable; /* -1, 0 or 1 */
	int nfields;                   /* -1: unchanged */
	const char *field_name[FIELDS_MAX];
	const char *field_value[FIELDS_MAX];
	const char *privacy;           /* source[privacy] */
	int sensitive;                 /* source[sensitive], -1 unchanged */
	const char *language;          /* source[language] */
};

enum rc account_update(struct core *c, int64_t id, const struct profile_update *u);

/* Finds a local account by "name", "@name", "name@ourdomain"; remote
 * handles are looked up by name and domain. */
enum rc account_lookup(struct core *c, const char *acct, struct account *out);
enum rc account_get(struct core *c, int64_t id, struct account *out);
/* RC_OK when account id exists, RC_NOT_FOUND when not; usually no read. */
enum rc account_exists(struct core *c, int64_t id);
/* A local account's user row (email, role, posting defaults). */
enum rc account_user(struct core *c, int64_t id, struct user *out);
/* Pending requests to follow account id. */
enum rc account_follow_requests(struct core *c, int64_t id, int64_t *n);
/* Local accounts that may be listed (discoverable), ids above after, by
 * id, at most limit: the sitemap. */
enum rc accounts_discoverable(struct core *c, int64_t after, int limit,
			      struct account_list *out);
/* The instance's local accounts and local statuses, for its metadata. */
enum rc accounts_local_count(struct core *c, int64_t *n);
/* Local users active in the last 30 and 180 days, NodeInfo's activeMonth
 * and activeHalfyear (see store_count_local_active for what counts);
 * counted at most once every ACTIVE_CACHE_MS per process. */
#define ACTIVE_CACHE_MS (5 * 60 * 1000)
enum rc accounts_local_active(struct core *c, int64_t *month, int64_t *halfyear);
enum rc statuses_local_count(struct core *c, int64_t *n);

/* Checks an email and password with login throttling per IP and per
 * account; RC_RATE_LIMITED sets err.retry_after. */
enum rc account_sign_in(struct core *c, const char *email, const char *password, const char *ip,
			int64_t *out_id);

/* The canonical ActivityPub id and the profile page of an account. Local
 * accounts' are derived from the configured domain, so they follow it. */
const char *account_uri(struct core *c, const struct account *a);
const char *account_url(struct core *c, const struct account *a);

bool username_valid(const char *s);
bool email_valid(const char *s);

#endif
