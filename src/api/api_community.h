/* api_community.h - the audit of an uploaded archive and the admins'
 * instance health (api/community.c). */
#ifndef RAPPORT_API_COMMUNITY_H
#define RAPPORT_API_COMMUNITY_H

#include "http/http.h"

/* POST /api/rapport/v1/audit (multipart, field "file", at most
 * RAPPORT_AUDIT_UPLOAD_MAX bytes): a Mastodon or X archive read by
 * tools/audit.c; {report: report.json, html: report.html}. One at a time
 * per process (429 meanwhile); 422 with the reason for what is no such
 * archive. */
void h_audit_upload(struct req *r);
/* GET /api/rapport/v1/admin/health (PERMS_HEALTH: admins): per day of the
 * last 30, the detectors' flags and the share of conversations among
 * posts; local accounts by their shown trust (0; then up to 0.5, 1, 2,
 * 5 and beyond). */
void h_admin_health(struct req *r);

#endif
