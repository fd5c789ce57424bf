/* Unit tests of db_exec_texts (store/db.h), the row load store copy uses
 * into SQLite: values bound by position (more than the 32 named
 * parameters), each column's type deciding what is stored, NULLs, text with
 * the bytes COPY escapes, and a row of the wrong width refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"

#define NCOLS 40

static char dir[32];
static char path[64];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/rapport-dbload-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	struct db *db;
	if (db_open(path, false, &db) != DB_OK)
		return -1;
	char sql[2048] = "CREATE TABLE t (a INTEGER, b TEXT";
	for (int i = 2; i < NCOLS; i++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", c%d INTEGER", i);
	strcat(sql, ")");
	enum db_rc rc = db_script(db, sql);
	*state = db;
	return rc == DB_OK ? 0 : -1;
}

static int teardown(void **state)
{
	db_close(*state);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* INSERT INTO t VALUES ($1, ..., $40) */
static const char *insert_sql(void)
{
	static char sql[1024];
	if (!sql[0]) {
		strcpy(sql, "INSERT INTO t VALUES ($1");
		for (int i = 2; i <= NCOLS; i++)
			snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", $%d", i);
		strcat(sql, ")");
	}
	return sql;
}

static void a_wide_row_keeps_its_types(void **state)
{
	struct db *db = *state;
	const char *v[NCOLS];
	size_t len[NCOLS];
	char nums[NCOLS][24];
	for (int i = 0; i < NCOLS; i++) {
		snprintf(nums[i], sizeof nums[i], "%d", i * 1000);
		v[i] = nums[i];
		len[i] = strlen(v[i]);
	}
	v[0] = "-9223372036854775808";
	len[0] = strlen(v[0]);
	v[1] = "007\ttab\nline\\ and \xc3\xa9";
	len[1] = strlen(v[1]);
	v[NCOLS - 1] = NULL;
	assert_int_equal(db_exec_texts(db, insert_sql(), NCOLS, v, len), DB_OK);
	struct db_stmt *st =
		db_query(db, "SELECT typeof(a), a, typeof(b), b, c39 IS NULL, c38 FROM t", "");
	assert_non_null(st);
	assert_int_equal(db_next(st), DB_ROW);
	assert_string_equal(db_text(st, 0), "integer");
	assert_true(db_int(st, 1) == INT64_MIN);
	assert_string_equal(db_text(st, 2), "text");
	assert_string_equal(db_text(st, 3), v[1]);
	assert_int_equal(db_int(st, 4), 1);
	assert_int_equal(db_int(st, 5), 38000);
	db_end(st);
}

static void a_row_of_the_wrong_width_is_refused(void **state)
{
	struct db *db = *state;
	const char *v[NCOLS] = {"1"};
	size_t len[NCOLS] = {1};
	assert_int_equal(db_exec_texts(db, insert_sql(), NCOLS - 1, v, len), DB_ERROR);
	int64_t n;
	assert_int_equal(db_scalar(db, &n, "SELECT COUNT(*) FROM t", ""), DB_ROW);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_wide_row_keeps_its_types, setup, teardown),
		cmocka_unit_test_setup_teardown(a_row_of_the_wrong_width_is_refused, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
