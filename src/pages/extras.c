/* extras.c - a status's poll and link preview card on the public pages.
 *
 * They change without the status changing (votes, a card fetched later),
 * so they are written after the cached part of an article, each time. The
 * page is anonymous: results as everyone sees them (hidden totals stay
 * hidden until the end). Every string goes through html_put's escaping. */
#include "api/api_polls.h"
#include "core/media.h"
#include "core/polls.h"
#include "pages/view.h"

#include <stdio.h>

static void poll_html(struct html *h, struct req *r, const struct poll *p)
{
	bool ended = poll_expired(p), totals = ended || !p->hide_totals;
	html_put(h, "<div class=\"poll\"><ul>");
	for (int i = 0; i < p->noptions; i++) {
		if (!totals) {
			html_put(h, "<li><span>{}</span></li>", p->titles[i]);
			continue;
		}
		int pct = p->votes_count ? (int)(p->counts[i] * 100 / p->votes_count) : 0;
		html_put(h, "<li><span>{}</span> <strong>{}</strong><meter min=\"0\" max=\"100\" value=\"{}\"></meter></li>",
			 p->titles[i], arena_printf(&r->arena, "%d%%", pct),
			 arena_printf(&r->arena, "%d", pct));
	}
	html_put(h, "</ul><p class=\"muted\">{} · {} {}</p></div>",
		 arena_printf(&r->arena, "%lld %s", (long long)p->voters_count,
			      p->voters_count == 1 ? "person" : "people"),
		 ended ? "ended" : "closes", view_date(&r->arena, p->expires_at));
}

static void card_html(struct html *h, struct req *r, const struct preview_card *c)
{
	html_put(h, "<a class=\"card\" href=\"{u}\" rel=\"nofollow noopener noreferrer\">", c->url);
	if (*c->image_file) /* our copy of the image (core/previews.c) */
		html_put(h, "<img src=\"{u}\" alt=\"\" loading=\"lazy\">",
			 media_url(&r->arena, r->core.cfg, c->image_file));
	html_put(h, "<span><small>{}</small><strong>{}</strong><span>{}</span></span></a>",
		 c->provider_name, c->title, c->description);
}

unsigned *view_shapes(struct req *r, const struct status_list *l)
{
	const struct status **of = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *of);
	unsigned *shape = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *shape);
	for (int i = 0; i < l->n; i++)
		of[i] = &l->items[i];
	return statuses_shapes(r, of, l->n, shape) == RC_OK ? shape : NULL;
}

bool view_extras(struct html *h, struct req *r, const struct status *s, unsigned shape)
{
	struct poll poll;
	struct preview_card card;
	bool has_poll;
	enum card_state cs;
	if (shape_no_extras(shape)) {
		html_put(h, "</article>");
		return true;
	}
	if (status_extras(&r->core, 0, s->id, &poll, &has_poll, &card, &cs))
		return false;
	if (has_poll)
		poll_html(h, r, &poll);
	if (cs == CARD_SHOWN)
		card_html(h, r, &card);
	html_put(h, "</article>");
	return true;
}
