/* fingerprint.h - what a message says, with who it is addressed to taken
 * out: normalised text, a 64-bit simhash of it, and the shouting test.
 *
 * The automation detectors (docs/SOCIAL.md, "Detectors") compare the
 * fingerprints of a sender's messages: a template sent to many people
 * differs only in the recipient's name, the mentions, numbers and links,
 * and those are masked before hashing. Everything here is a pure function
 * of its arguments; nothing allocates (work buffers live on the stack,
 * about 24 KiB at most), and input is read only up to FP_TEXT_MAX bytes of
 * plain text, so a call costs O(min(n, FP_TEXT_MAX)). */
#ifndef RAPPORT_FINGERPRINT_H
#define RAPPORT_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FP_TEXT_MAX 4096  /* bytes of plain text considered; the rest is ignored */
#define FP_TOKEN_MAX 64   /* bytes kept of one word; longer words are cut */
#define FP_NAMES_MAX 8    /* names masked per call; further ones are ignored */
#define FP_NEAR_BITS 3    /* two fingerprints are near-identical within this many bits */
#define FP_MIN_WORDS 6    /* texts with fewer plain words are too short to compare */
#define FP_CAPS_LETTERS 12 /* the shouting test needs at least this many cased letters */
#define FP_CAPS_PERCENT 70 /* ... of which at least this share is uppercase */

/* Input flags. */
enum {
	FP_HTML = 1u << 0,  /* the input is stored HTML (status content), not source text */
	FP_MARKS = 1u << 1, /* fp_normalize keeps question marks ("?") and sentence ends (".") */
};

/* Masks written by fp_normalize in place of what a template varies. */
#define FP_MASK_URL "<url>"
#define FP_MASK_MENTION "<@>"
#define FP_MASK_NUMBER "<n>"
#define FP_MASK_NAME "<name>"

/* Names to mask (the recipient's display name, username, first name...):
 * each word of each name (of two characters or more), compared after the
 * same normalisation as the text, becomes FP_MASK_NAME. */
struct fp_names {
	const char *const *v; /* NUL-terminated UTF-8 strings */
	size_t n;             /* only the first FP_NAMES_MAX are used */
};

/* HTML as statuses store it to plain text: tags are dropped (<br>, <p>,
 * <div>, <li> and their ends become a line break), the five XML entities,
 * &nbsp; and numeric references (&#233; &#xE9;) are decoded, anything else
 * is kept as written. Writes at most cap - 1 bytes and a NUL to out
 * (cap > 0), stopping at a code point boundary; returns the length. */
size_t fp_html_text(const char *html, size_t n, char *out, size_t cap);

/* Normalises n bytes of text (HTML with FP_HTML): NFKC, Unicode case
 * folding, accents and default-ignorable characters removed, typographic
 * quotes and dashes lumped with ASCII; then writes its tokens separated by
 * one space: words (an apostrophe inside a word is dropped: "doesn't" ->
 * "doesnt"), hashtags as "#word", and the masks FP_MASK_URL (http://,
 * https://, www. up to the next space), FP_MASK_MENTION (@user,
 * @user@domain), FP_MASK_NUMBER (any word with a digit, "1,000.5" is one)
 * and FP_MASK_NAME; a run of one mask is written once. Other punctuation,
 * symbols and emoji are dropped, except with FP_MARKS ("?" for ? ¿ ‽ ؟, "."
 * for . ! ; … and line breaks). names may be NULL. Writes at most cap - 1
 * bytes and a NUL to out (cap > 0; whole tokens only). Returns the number of
 * tokens written, or -1 if the text is not valid UTF-8. */
int fp_normalize(const char *in, size_t n, unsigned flags, const struct fp_names *names, char *out,
		 size_t cap);

struct fp_print {
	uint64_t hash; /* the simhash; 0 for a text without tokens */
	int features;  /* word pairs hashed (one word alone counts as one) */
	int words;     /* plain words and hashtags, masks not counted */
};

/* The 64-bit simhash of the normalised text (FP_MARKS is ignored): every
 * pair of consecutive tokens is one feature, hashed with SipHash-2-4 under
 * a fixed key (stable across versions and machines: fingerprints are
 * stored); each bit of the result is the majority vote of the features'
 * bits. Returns 0, or -1 if the text is not valid UTF-8 (out zeroed). */
int fp_simhash(const char *in, size_t n, unsigned flags, const struct fp_names *names,
	       struct fp_print *out);

/* The number of differing bits of a and b, 0..64. */
int fp_hamming(uint64_t a, uint64_t b);

/* True if both prints are long enough to compare (FP_MIN_WORDS plain
 * words each) and differ in at most FP_NEAR_BITS bits. */
bool fp_near(const struct fp_print *a, const struct fp_print *b);

struct fp_caps {
	int letters; /* cased letters (Unicode categories Lu, Ll, Lt) */
	int upper;   /* of which uppercase or titlecase */
	bool shouting;
};

/* The shouting test: at least FP_CAPS_PERCENT % uppercase among at least
 * FP_CAPS_LETTERS cased letters, of any script that has case. URLs and
 * @mentions are not counted (their case is not the writer's voice); letters
 * of scripts without case never count. Returns 0, or -1 if the text is not
 * valid UTF-8 (out zeroed). */
int fp_caps(const char *in, size_t n, unsigned flags, struct fp_caps *out);

#endif
