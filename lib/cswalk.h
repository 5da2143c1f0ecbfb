/* cswalk.h: the bounded walk of SQLite changeset bytes (the row changes inside a
 * change set), which SQLite's iterator never sees unchecked. */
#ifndef STELE_CSWALK_H
#define STELE_CSWALK_H

#include <stddef.h>
#include <stdint.h>

#include "changeset.h"

/*
 * The row changes themselves: SQLite changeset bytes (docs/format.md "The row
 * changes and their validator"). SQLite's own iterator trusts its input (3.40's
 * sqlite3changeset_next() never returns on some of it), so bytes from outside are
 * walked by our bounded parser first, and SQLite sees only what it accepted.
 */
#define STELE_CS_MAX_COLUMNS 64   /* columns of a table in a changeset */
#define STELE_CS_MAX_NAME    64   /* bytes of a table name in a changeset */

/* One value of a row change. bytes points into the changeset (not NUL-terminated). */
struct stele_cs_value {
	int type;                     /* 0: undefined (a column an update leaves alone);
					 else SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB or _NULL */
	int64_t integer;              /* SQLITE_INTEGER */
	const unsigned char *bytes;   /* SQLITE_TEXT, SQLITE_BLOB */
	size_t len;
};

/* One row change as the walker read it; valid only during the callback. */
struct stele_cs_row {
	unsigned long number;         /* 1, 2, ... in the changeset */
	size_t offset;                /* byte offset of its operation byte */
	const char *table;            /* NUL-terminated, [A-Za-z0-9_], inside the changeset */
	int ncol;                     /* 1..STELE_CS_MAX_COLUMNS */
	const unsigned char *pk;      /* ncol bytes: 0, or the column's place (1..) in the key */
	int op;                       /* SQLITE_INSERT, SQLITE_UPDATE or SQLITE_DELETE */
	int indirect;                 /* 0 or 1 */
	struct stele_cs_value old_values[STELE_CS_MAX_COLUMNS]; /* DELETE, UPDATE: ncol of them */
	struct stele_cs_value new_values[STELE_CS_MAX_COLUMNS]; /* INSERT, UPDATE: ncol of them */
};

/* Called for each row change; a return other than 0 stops the walk and is returned. */
typedef int (*stele_cs_row_fn)(void *ctx, const struct stele_cs_row *row);

/*
 * Walks SQLite changeset bytes with our own parser, in one linear pass that reads
 * no byte past len, and checks the structure strictly: table headers 'T' only (a
 * patchset is refused), 1..STELE_CS_MAX_COLUMNS columns, a primary key whose flags
 * number its columns 1..k, a name of 1..STELE_CS_MAX_NAME bytes of [A-Za-z0-9_],
 * every table followed by at least one row change; rows of a known operation and
 * indirect flag 0 or 1; values of a known type with lengths within what remains;
 * INSERT and DELETE records complete; an UPDATE's old record holding its key, its
 * new record leaving the key alone, each changed column in both and at least one
 * changed. Whatever it accepts, SQLite's iterator walks to SQLITE_DONE.
 * fn (may be NULL) sees each row. Returns 0; STELE_EVERIFY with a message naming
 * the byte ("row changes: byte 9: ...") and *fault (may be NULL) set to
 * STELE_CS_FAULT_CHANGES, or STELE_CS_FAULT_TOO_LARGE past STELE_CS_MAX_CHANGES;
 * or whatever fn returned. Allocates nothing; never calls SQLite.
 */
int stele_cs_walk(enum stele_cs_fault *fault, const void *changes, size_t len,
		  stele_cs_row_fn fn, void *ctx);

#endif
