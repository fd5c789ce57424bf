/* accept.h - content negotiation: which of the representations a server
 * offers an Accept (or Accept-Encoding) header prefers.
 *
 * Pure functions over the header's text, so they can be tested alone. A
 * header is a comma-separated list of ranges with optional parameters;
 * "q" (0 to 1, three decimals) weighs a range, other parameters are
 * ignored. Each offer takes the q of the most specific range that matches
 * it (type/subtype, then a whole type, then anything); q=0 refuses it. The offer with
 * the highest q wins, and of equal ones the first offered. */
#ifndef RAPPORT_ACCEPT_H
#define RAPPORT_ACCEPT_H

#include <stdbool.h>

/* The index of the preferred media type among offers[0..n), or -1 when
 * the header accepts none of them. A missing or empty header accepts
 * anything: 0. Matching ignores case. */
int accept_best(const char *accept, const char *const *offers, int n);

/* True if an Accept-Encoding header accepts coding (e.g. "gzip") with a
 * q above 0, by name or through "*". A missing header accepts none but
 * the identity. */
bool accept_encoding(const char *header, const char *coding);

#endif
