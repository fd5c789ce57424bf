#include "core/rank.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool rank_has_conversation(const struct rank_item *it)
{
	return it->is_reply_to_viewer || (it->thread_turns >= 2 && it->thread_participants >= 2);
}

static double tier(const struct rank_item *it)
{
	if (it->is_reply_to_viewer)
		return it->talks > 0 ? RANK_TIER_REPLY_TALK : RANK_TIER_REPLY;
	return it->is_mutual || it->talks > 0 ? RANK_TIER_KNOWN : RANK_TIER_BROADCAST;
}

static double affinity(const struct rank_item *it)
{
	uint32_t t = it->talks < RANK_TALKS_CAP ? it->talks : RANK_TALKS_CAP;
	return 1 + log2(1.0 + t);
}

static double conversation(const struct rank_item *it)
{
	if (it->thread_participants < 2 || it->thread_turns < 2)
		return 1;
	uint32_t t = it->thread_turns < RANK_TURNS_CAP ? it->thread_turns : RANK_TURNS_CAP;
	return 1 + log2((double)t);
}

static double decay(int64_t age_ms)
{
	return exp2(-(double)(age_ms > 0 ? age_ms : 0) / (double)RANK_HALF_LIFE_MS);
}

/* Appends " · " and s to out (a why of RANK_WHY_MAX bytes). */
static void why_add(char *out, const char *s)
{
	size_t len = strlen(out);
	snprintf(out + len, RANK_WHY_MAX - len, "%s%s", len ? " · " : "", s);
}

static void why_write(const struct rank_item *it, char *out)
{
	char turns[32];
	out[0] = '\0';
	if (it->is_reply_to_viewer)
		why_add(out, "replied to you");
	else if (it->is_mutual)
		why_add(out, "mutual");
	if (it->talks > 0)
		why_add(out, "you talk");
	if (conversation(it) > 1) {
		snprintf(turns, sizeof turns, "%u-turn thread", (unsigned)it->thread_turns);
		why_add(out, turns);
	}
	if (!out[0])
		why_add(out, "broadcast");
}

void rank_score(const struct rank_item *it, struct rank_score *out)
{
	out->score = tier(it) * affinity(it) * conversation(it) * decay(it->age_ms);
	why_write(it, out->why);
}

static bool collapsible(const struct rank_item *it)
{
	if (it->author_saturated)
		return !it->is_reply_to_viewer;
	return !rank_has_conversation(it);
}

void rank_collapse(const struct rank_item *items, size_t n, struct rank_slot *slots)
{
	for (size_t i = 0; i < n; i++) {
		slots[i] = (struct rank_slot){.head = -1, .more = 0};
		if (!collapsible(&items[i]))
			continue;
		for (size_t j = 0; j < i; j++) {
			if (slots[j].head == -1 && collapsible(&items[j]) &&
			    items[j].author_id == items[i].author_id) {
				slots[i].head = (int)j;
				slots[j].more++;
				break;
			}
		}
	}
}

void rank_more_label(char *out, size_t cap, int more, const char *name)
{
	int w = snprintf(out, cap, "+%d more from %s", more, name);
	if (w < 0 || (size_t)w < cap)
		return;
	/* Cut: do not leave half a character at the end. */
	size_t len = cap - 1, k = len;
	while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
		k--;
	unsigned char lead = k > 0 ? (unsigned char)out[k - 1] : 0;
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (k > 0 && len - (k - 1) < want)
		out[k - 1] = '\0';
}
