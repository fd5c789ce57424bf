/* community.c - the audit of an uploaded archive and the admins'
 * instance health (api/api_community.h). */
#include "api/api.h"
#include "api/api_community.h"
#include "api/api_moderation.h"
#include "core/moderation.h"
#include "http/upload.h"
#include "tools/audit.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUDIT_REPORT_MAX (8u << 20) /* bytes of report.json or report.html */

/* ---- the audit of an archive ---- */

/* One audit at a time in a process: it reads the whole archive on an
 * HTTP thread. */
static atomic_flag audit_busy = ATOMIC_FLAG_INIT;

/* What the upload is, from its first bytes: a zip, Mastodon's
 * outbox.json or X's tweets.js (the name the audit reads it by); NULL
 * for anything else. */
static const char *archive_name(const char *path)
{
	char head[64] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
	if (f)
		fclose(f);
	if (n >= 4 && !memcmp(head, "PK\3\4", 4))
		return "archive.zip";
	size_t i = 0;
	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3; /* a byte-order mark */
	while (i < n && strchr(" \t\r\n", head[i]))
		i++;
	if (i < n && head[i] == '{')
		return "outbox.json";
	if (!strncmp(head + i, "window.YTD.", 11))
		return "tweets.js";
	return NULL;
}

/* The file's bytes (at most cap), NUL-terminated, malloc'ed; NULL if it
 * cannot be read or is larger. */
static char *read_small(const char *path, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = f ? malloc(cap + 1) : NULL;
	*len = s ? fread(s, 1, cap + 1, f) : 0;
	bool ok = s && !ferror(f) && *len <= cap;
	if (f)
		fclose(f);
	if (!ok) {
		free(s);
		return NULL;
	}
	s[*len] = '\0';
	return s;
}

/* Runs the audit of upload into dir; the reply, or an error. */
static void audit_in(struct req *r, const char *upload, const char *dir, const char *name)
{
	const char *in = arena_printf(&r->arena, "%s/%s", dir, name);
	const char *out = arena_printf(&r->arena, "%s/report", dir);
	char err[512] = "";
	if (symlink(upload, in)) {
		reply_error(r, 500, "Internal error: the archive could not be read");
		return;
	}
	if (audit_run(in, out, err, sizeof err)) {
		/* the message names the temporary file: the person knows it as "the archive" */
		const char *at = strstr(err, in);
		reply_error(r, 422, "Validation failed: %s",
			    at ? arena_printf(&r->arena, "%.*sthe archive%s", (int)(at - err), err,
					      at + strlen(in))
			       : err);
		return;
	}
	size_t jn, hn;
	char *json = read_small(arena_printf(&r->arena, "%s/report.json", out), AUDIT_REPORT_MAX, &jn);
	char *html = read_small(arena_printf(&r->arena, "%s/report.html", out), AUDIT_REPORT_MAX, &hn);
	json_t *report = json ? json_loads(json, 0, NULL) : NULL;
	if (!report || !html) {
		json_decref(report);
		reply_error(r, 500, "Internal error: the report could not be read");
	} else {
		reply_json(r, 200, json_pack("{s:o, s:s}", "report", report, "html", html));
	}
	free(json);
	free(html);
}

/* Removes what audit_in may have made in dir, and dir. */
static void audit_clean(struct req *r, const char *dir, const char *name)
{
	static const char *const files[] = {"report/report.json", "report/report.html"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlink(arena_printf(&r->arena, "%s/%s", dir, files[i]));
	rmdir(arena_printf(&r->arena, "%s/report", dir));
	unlink(arena_printf(&r->arena, "%s/%s", dir, name));
	rmdir(dir);
}

void h_audit_upload(struct req *r)
{
	struct upload_file *f = r->upload ? upload_file(r->upload, "file") : NULL;
	if (!f || !f->path[0]) {
		reply_error(r, 422, "Validation failed: file is missing");
		return;
	}
	const char *name = archive_name(f->path);
	if (!name) {
		reply_error(r, 422, "Validation failed: this is neither a Mastodon archive "
				    "(outbox.json, or its zip) nor an X archive (tweets.js, or its zip)");
		return;
	}
	if (atomic_flag_test_and_set(&audit_busy)) {
		reply_header(r, "Retry-After", "5");
		reply_error(r, 429, "Another archive is being read; try again in a moment");
		return;
	}
	const char *tmp = getenv("TMPDIR");
	char *dir = arena_printf(&r->arena, "%s/rapport-audit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		reply_error(r, 500, "Internal error: no room to read the archive");
	} else {
		audit_in(r, f->path, dir, name);
		audit_clean(r, dir, name);
	}
	atomic_flag_clear(&audit_busy);
}

/* ---- instance health ---- */

static json_t *health_days(const struct health *h)
{
	json_t *arr = json_array();
	for (int i = 0; i < HEALTH_DAYS; i++) {
		const struct health_day *d = &h->days[i];
		json_array_append_new(
			arr, json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}", "day", jtime(d->day),
				       "automated", (json_int_t)d->automated, "templated",
				       (json_int_t)d->templated, "follow_churn", (json_int_t)d->churn,
				       "posts", (json_int_t)d->posts, "conversational",
				       (json_int_t)d->conversational));
	}
	return arr;
}

void h_admin_health(struct req *r)
{
	struct health h;
	if (api_check(r, moderation_health(&r->core, r->account_id, &h)))
		return;
	/* bucket i holds shown trust in (bound[i-1], bound[i]); the first is 0
	 * exactly, the last has no upper bound */
	static const double bound[HEALTH_TRUST_BUCKETS] = {0, 0.5, 1, 2, 5, -1};
	json_t *trust = json_array();
	for (int i = 0; i < HEALTH_TRUST_BUCKETS; i++)
		json_array_append_new(
			trust, json_pack("{s:f, s:o, s:I}", "from", i ? bound[i - 1] : 0.0, "to",
					 bound[i] < 0 ? json_null() : json_real(bound[i]), "accounts",
					 (json_int_t)h.trust[i]));
	reply_json(r, 200, json_pack("{s:o, s:o}", "days", health_days(&h), "trust", trust));
}
