/* media_view.c - media attachments on the public pages (images, video and
 * audio players with their alt text, behind a warning when the status is
 * sensitive) and in the feeds (enclosures). A store failure marks the
 * writer failed, so the page is a 500 rather than one without its media. */
#include "pages/view.h"
#include "api/api_polls.h"
#include "core/media.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool read_media(struct html *h, struct req *r, const struct status *s,
		       unsigned shape, struct media_list *l)
{
	l->n = 0;
	if (s->reblog_of_id || shape_no_media(shape)) /* learnt for its page */
		return false;
	if (media_of_status(&r->core, s->id, l)) {
		h->b.over = true;
		return false;
	}
	return l->n > 0;
}

static void one(struct html *h, struct req *r, const struct media *m)
{
	bool remote = *m->remote_url; /* another server's, shown from there */
	const char *url = remote ? m->remote_url : media_url(&r->arena, r->core.cfg, m->file);
	const char *preview = remote  ? ""
			      : *m->preview ? media_url(&r->arena, r->core.cfg, m->preview)
					    : "";
	if (!strcmp(m->kind, "unknown"))
		html_put(h, "<a href=\"{u}\" rel=\"nofollow noopener\">{}</a>", url,
			 *m->description ? m->description : url);
	else if (!strcmp(m->kind, "image"))
		html_put(h, "<a href=\"{u}\"><img src=\"{u}\" alt=\"{}\" loading=\"lazy\"></a>",
			 url, preview, m->description);
	else if (!strcmp(m->kind, "gifv"))
		html_put(h, "<video src=\"{u}\" poster=\"{u}\" autoplay muted loop playsinline "
			    "aria-label=\"{}\"></video>", url, preview, m->description);
	else if (!strcmp(m->kind, "video"))
		html_put(h, "<video src=\"{u}\" poster=\"{u}\" controls preload=\"none\" "
			    "aria-label=\"{}\"></video>", url, preview, m->description);
	else
		html_put(h, "<audio src=\"{u}\" controls preload=\"none\" aria-label=\"{}\"></audio>",
			 url, m->description);
}

void view_media(struct html *h, struct req *r, const struct status *s, unsigned shape)
{
	struct media_list l;
	if (!read_media(h, r, s, shape, &l))
		return;
	bool sensitive = status_sensitive_for(s, 0); /* the pages are the public's */
	html_put(h, sensitive ? "<details class=\"media\"><summary>Sensitive media</summary>"
			      : "<div class=\"media\">");
	for (int i = 0; i < l.n; i++)
		if (l.items[i].state == MEDIA_READY)
			one(h, r, &l.items[i]);
	html_put(h, sensitive ? "</details>" : "</div>");
}

static const char *type_of(const struct media *m)
{
	const char *t = media_file_type(m->file);
	return t ? t : "application/octet-stream";
}

static const char *size_of(struct req *r, const struct media *m)
{
	int fd = media_file_open(r->core.cfg, m->file);
	struct stat sb;
	long long n = fd >= 0 && !fstat(fd, &sb) ? (long long)sb.st_size : 0;
	if (fd >= 0)
		close(fd);
	return arena_printf(&r->arena, "%lld", n);
}

void view_enclosures(struct html *h, struct req *r, const struct status *s, unsigned shape,
		     bool atom)
{
	struct media_list l;
	if (!read_media(h, r, s, shape, &l))
		return;
	/* RSS 2.0 allows one enclosure per item; Atom any number. */
	for (int i = 0; i < (atom ? l.n : 1); i++) {
		const struct media *m = &l.items[i];
		if (m->state != MEDIA_READY || *m->remote_url) /* ours only */
			continue;
		html_put(h, atom ? "<link rel=\"enclosure\" href=\"{u}\" type=\"{}\" length=\"{}\"/>"
				 : "<enclosure url=\"{u}\" type=\"{}\" length=\"{}\"/>",
			 media_url(&r->arena, r->core.cfg, m->file), type_of(m), size_of(r, m));
	}
}
