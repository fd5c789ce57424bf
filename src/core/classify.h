/* classify.h - what a message asks of its reader, from its text alone.
 *
 * Two uses, both documented with their full lexicons in docs/SOCIAL.md:
 * - the "waiting for you" inbox puts questions and criticism first, so a
 *   reply or mention is classified as criticism, a question, or other;
 * - the composer's hints that need only the text: caps (shouting),
 *   self_promotion and cold_pitch.
 * The lexicons cover English, Portuguese and Spanish at once (they barely
 * collide) and are matched on text normalised by fp_normalize: case and
 * accents do not matter ("NÃO FUNCIONA" matches "nao funciona"), nor
 * typographic apostrophes ("doesn’t" matches "doesnt"). Pure functions; no
 * allocation; about 50 KiB of stack. */
#ifndef RAPPORT_CLASSIFY_H
#define RAPPORT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

/* In the order the waiting inbox shows them, most urgent last. */
enum cls_kind {
	CLS_OTHER = 0,
	CLS_QUESTION = 1,
	CLS_CRITICISM = 2,
};

struct cls_result {
	enum cls_kind kind; /* criticism wins over question */
	bool question, criticism;
	const char *cue;    /* the lexicon entry (or "?") that decided; "" for other;
			     * a static string, never freed */
};

/* Classifies n bytes of a message (stored HTML with FP_HTML, see
 * core/fingerprint.h). A question has a question mark (? ¿ ‽ ؟) or a
 * sentence that opens like one ("how do", "can you", "alguém sabe",
 * "alguien sabe"); criticism has a phrase of the criticism lexicon not
 * negated by one of the two words before it ("not broken" is not).
 * Returns 0, or -1 if the text is not valid UTF-8 (out is then CLS_OTHER). */
int cls_classify(const char *in, size_t n, unsigned flags, struct cls_result *out);

/* "other", "question" or "criticism". */
const char *cls_kind_name(enum cls_kind kind);

/* Composer hint codes computed from the text (bits of cls_hints.codes). */
enum {
	HINT_CAPS = 1u << 0,           /* fp_caps says it shouts */
	HINT_SELF_PROMOTION = 1u << 1, /* a link with almost no words, or sales talk */
	HINT_COLD_PITCH = 1u << 2,     /* a pitch or promotion sent to a stranger */
};

#define HINT_LINK_ONLY_WORDS 3 /* a link with at most this many other words is "link only" */

struct cls_hints {
	unsigned codes;
	int promo_hits, pitch_hits;  /* lexicon phrases found */
	const char *promo_cue, *pitch_cue; /* the first of each found, or "" */
};

/* The text-only composer hints for a message of n bytes (FP_HTML as above).
 * to_stranger: the caller says the message is addressed (direct message or
 * mention) to someone who does not follow the author and has never
 * talked with them. Returns 0, or -1 if the text is not valid UTF-8 (out
 * is then empty). */
int cls_hints(const char *in, size_t n, unsigned flags, bool to_stranger, struct cls_hints *out);

/* The hint's code as the API names it ("caps", "self_promotion",
 * "cold_pitch") for one HINT_* bit; NULL for anything else. */
const char *cls_hint_code(unsigned bit);

/* A sentence for the writer, for one HINT_* bit; NULL for anything else. */
const char *cls_hint_message(unsigned bit);

#endif
