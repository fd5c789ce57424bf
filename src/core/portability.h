/* portability.h - your data, in Mastodon's CSV formats: exporting the
 * accounts you follow (with "Show boosts" and "Notify on new posts"),
 * your lists, blocks, mutes (with "Hide notifications"), domain blocks
 * and bookmarks; importing each of them. */
#ifndef RAPPORT_PORTABILITY_H
#define RAPPORT_PORTABILITY_H

#include "core/core.h"

enum data_kind {
	DATA_FOLLOWING,
	DATA_LISTS,
	DATA_BLOCKS,
	DATA_MUTES,
	DATA_DOMAIN_BLOCKS,
	DATA_BOOKMARKS,
	DATA_KINDS
};

/* "following", "lists", "blocks", "mutes", "domain_blocks",
 * "bookmarks" (Mastodon's import types "following", "lists", "blocking",
 * "muting", "domain_blocking", "bookmarks" too); -1 if unknown. */
int data_kind_parse(const char *s);
/* The file name Mastodon gives the export ("following_accounts.csv"...). */
const char *data_kind_file(enum data_kind k);

#define EXPORT_MAX (32 << 20)
/* The CSV of the account's data of kind k, in c->arena (*len bytes). */
enum rc data_export(struct core *c, int64_t account_id, enum data_kind k, const char **out,
		    size_t *len);

#define IMPORT_ROWS_MAX 10000
#define IMPORT_REPORT_MAX 100
struct import_skip {
	int line;
	const char *address, *why;
};
struct import_result {
	int imported, skipped;
	struct import_skip skips[IMPORT_REPORT_MAX]; /* the first skipped rows */
	int nskips;
};
/* Adds the rows of csv to the account's, as Mastodon's "merge" import:
 * accounts that are not on this server, or refuse (a block), domains that
 * are not remote ones, statuses not here or not visible to the account,
 * are skipped and reported; lists are made as needed, and their members
 * followed. RC_INVALID for more than IMPORT_ROWS_MAX rows. */
enum rc data_import(struct core *c, int64_t account_id, enum data_kind k, const char *csv,
		    struct import_result *out);

#endif
