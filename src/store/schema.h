/* schema.h - the list of migrations; entry N-1 brings the schema to N. */
#ifndef RAPPORT_SCHEMA_H
#define RAPPORT_SCHEMA_H

extern const char *const schema_migrations[]; /* NULL-terminated */

/* A migration as PostgreSQL runs it (schema_pg.c): malloc'ed, or NULL if
 * it would pass 1 MiB. */
char *schema_pg(const char *sql);

#endif
