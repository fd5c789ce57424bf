/* copy.h - `rapport store copy` and `rapport store verify`: a store moved
 * between SQLite and PostgreSQL (either way), checked table by table.
 *
 * `from` and `to` each name a store: a data directory (its SQLite file) or
 * a postgresql:// URL. Both are opened as the server opens them (pending
 * migrations applied), and neither may be in use by a server: a SQLite
 * store's serve.lock is taken for the whole run, a PostgreSQL store held by
 * a serving process (its node id's lock) is refused.
 *
 * The tables are read from the source's catalogue, so every table a
 * migration adds is copied without a change here; both stores must have
 * the same tables and columns (integers and text: any other column type is
 * refused). schema_version is not copied (each store has its own record of
 * its migrations; both must be at the same version). The search index is
 * not copied as the backend keeps it (FTS5 on SQLite, tsvectors on
 * PostgreSQL): the set of statuses it holds is, and the destination builds
 * its own index of them.
 *
 * The checksum of a table is the sum, modulo 2^128, of a BLAKE2b-128 hash
 * of each row: an integer as its decimal text, text as its bytes, each with
 * its length, NULL as a value of its own. The sum does not depend on the
 * order rows are read in, so both backends compute it alike. */
#ifndef RAPPORT_STORE_COPY_H
#define RAPPORT_STORE_COPY_H

#include "store/store.h"

#include <stddef.h>
#include <stdio.h>

/* Copies every row of `from` into `to`, whose tables must all be empty (a
 * new store, or one only migrated), in one transaction on `to`: the rows,
 * the search index, PostgreSQL's sequences moved past the largest id. Before
 * committing, every table of `to` is read back and its row count and
 * checksum compared with the source's; a table of them is printed to out.
 * Any difference, or any failure, rolls the whole copy back: `to` is left
 * as it was. err (errlen bytes) gets the reason. */
enum store_rc store_copy(const char *from, const char *to, FILE *out, char *err, size_t errlen);

/* Compares every table of two stores by row count and checksum, prints the
 * same table, and returns ST_OK only when all are equal (ST_CONFLICT when
 * some differ, ST_ERROR when they could not be read). */
enum store_rc store_verify(const char *from, const char *to, FILE *out, char *err,
			   size_t errlen);

#endif
