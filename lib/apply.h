/* apply.h: applies a changeset through prepared statements kept from one apply to
 * the next, where sqlite3changeset_apply prepares its own at every call. */
#ifndef STELE_APPLY_H
#define STELE_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

/*
 * Why: sqlite3changeset_apply prepares an INSERT, UPDATE and DELETE for every table
 * it meets (compiling the table's triggers into each) and sets, then clears,
 * PRAGMA defer_foreign_keys, which expires every prepared statement of the
 * connection. A merge of a clerk's year applies thousands of small batches, and
 * those preparations were most of its applying thread (docs/performance.md, "The
 * applier's statements").
 *
 * An apply object keeps one statement per table and kind of change on db, for as
 * long as it lives; it must be freed (stele_apply_free, NULL is allowed) before db
 * is closed. It is not for use from two threads at once.
 */
struct stele_apply;

int stele_apply_new(struct stele_apply **out, sqlite3 *db);
void stele_apply_free(struct stele_apply *a);

/*
 * Applies changes (a changeset of len bytes) to a's database inside a savepoint of
 * its own, as sqlite3changeset_apply with the same table filter (NULL: every
 * table) would when nothing goes wrong: each INSERT with every column, each
 * UPDATE setting the columns it changes where the primary key and the old values
 * it holds match, each DELETE where every old value matches, in the changeset's
 * order, firing the same triggers. *clean is true when every change applied so.
 * It is false, with nothing of it left (the savepoint rolled back), when anything
 * else happened: a row not found or not as the changeset says, a constraint or a
 * foreign key failing (checked as each statement ends, where
 * sqlite3changeset_apply defers them to its end), a table whose shape is not the
 * changeset's, an unreadable changeset, a statement failing. The caller then
 * applies it with sqlite3changeset_apply, which decides (a foreign key checked at
 * the end may pass; a conflict is a refusal) and reports as before: a clean apply
 * is always one sqlite3changeset_apply would also have made, with the same rows.
 * Returns 0, or STELE_EFAIL when the savepoint itself cannot be opened or closed
 * (the caller's transaction must then be rolled back).
 */
int stele_apply_changes(bool *clean, struct stele_apply *a, const void *changes, size_t len,
			int (*filter)(void *arg, const char *table), void *filter_arg);

#endif
