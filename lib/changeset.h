/* changeset.h: the signed change-set format (docs/format.md) and writers' keys. */
#ifndef STELE_CHANGESET_H
#define STELE_CHANGESET_H

#include <stddef.h>
#include <stdint.h>

#define STELE_CS_FORMAT      1         /* format version written */
#define STELE_HASH_BYTES     32        /* SHA-256 */
#define STELE_PK_BYTES       32        /* Ed25519 public key */
#define STELE_SK_BYTES       64        /* Ed25519 secret key (libsodium layout) */
#define STELE_SIG_BYTES      64
#define STELE_CS_WRITER_MAX  32        /* bytes of the writer name */
#define STELE_CS_SUMMARY_MAX 1024      /* bytes of the summary */
#define STELE_CS_MAX_ENCODED (16u << 20) /* an encoded change set is refused past this */
#define STELE_CS_MAX_CHANGES (64u << 20) /* inflate cap of the row changes */
#define STELE_WRITER_COUNTY  "county"

/*
 * A decoded (or to-be-encoded) change set. The struct owns summary and changes
 * (malloc'd); free with stele_cs_free().
 */
struct stele_changeset {
	unsigned format;          /* STELE_CS_FORMAT */
	unsigned schema;          /* schema version of the writer's database */
	uint64_t seq;             /* 1, 2, 3, ... in the writer's stream */
	int64_t created_at;       /* unix seconds, the writer's clock: display only */
	char writer[STELE_CS_WRITER_MAX + 1]; /* village code, or "county" */
	unsigned char prev_hash[STELE_HASH_BYTES];    /* hash of seq - 1; zeros for seq 1 */
	unsigned char payload_hash[STELE_HASH_BYTES]; /* SHA-256 of the compressed payload */
	char *summary;            /* one line of UTF-8 saying what changed */
	unsigned char *changes;   /* SQLite session changeset, uncompressed */
	size_t changes_len;
};

/* Why a decode failed: a stable word for quarantine reasons (see stele_cs_fault_name). */
enum stele_cs_fault {
	STELE_CS_FAULT_NONE = 0,
	STELE_CS_FAULT_MALFORMED,  /* bad magic, truncated, a length that lies, trailing bytes */
	STELE_CS_FAULT_FORMAT,     /* a format version this program does not know */
	STELE_CS_FAULT_SIGNATURE,  /* the signature does not verify against the key */
	STELE_CS_FAULT_PAYLOAD,    /* payload hash mismatch, or it does not inflate */
	STELE_CS_FAULT_TOO_LARGE,  /* encoded or inflated size past the caps (zlib bomb) */
	STELE_CS_FAULT_CHANGES,    /* the row changes do not parse as a SQLite changeset */
};
const char *stele_cs_fault_name(enum stele_cs_fault fault);

void stele_cs_free(struct stele_changeset *cs);

/*
 * Encodes cs: compresses cs->changes with zlib, computes and stores
 * cs->payload_hash, and signs everything with sk. *out (malloc'd, caller frees)
 * holds *out_len bytes. The other fields are taken from cs as they are.
 */
int stele_cs_encode(unsigned char **out, size_t *out_len, struct stele_changeset *cs,
		    const unsigned char sk[STELE_SK_BYTES]);

/*
 * Decodes data strictly: every length checked against what remains, nothing
 * trusted, inflate capped at STELE_CS_MAX_CHANGES. If pk is non-NULL the
 * signature must verify against it. On success *out is a new change set (freed
 * with stele_cs_free()). On failure returns STELE_EVERIFY with a recorded message
 * and, if fault is non-NULL, *fault set to the reason — except out of memory, which
 * is STELE_EFAIL with fault STELE_CS_FAULT_NONE (the change set may be fine: retry,
 * never quarantine).
 */
int stele_cs_decode(struct stele_changeset **out, enum stele_cs_fault *fault,
		    const unsigned char *data, size_t len, const unsigned char *pk);

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

/* The change set's identity in its chain: SHA-256 of all len encoded bytes. */
void stele_cs_hash(unsigned char out[STELE_HASH_BYTES], const unsigned char *data, size_t len);

/*
 * A one-line summary of SQLite changeset bytes for commit messages and `log`:
 * "3 point events added, task T0007 closed". *out is malloc'd, freed by the
 * caller; "no changes" for an empty changeset. Bytes stele_cs_walk refuses are
 * STELE_EINVALID (SQLite never sees them).
 */
int stele_cs_summarize(char **out, const void *changes, size_t len);

/* Keys. A secret key file holds the 64-byte libsodium Ed25519 secret key as 128
 * hex digits and a newline, mode 0600. */

/* Creates a key pair, writing the secret key to path (which must not exist) with
 * fsync; pk receives the public key. */
int stele_key_generate(unsigned char pk[STELE_PK_BYTES], const char *path);
/* Writes sk as a new secret key file at path (which must not exist), mode 0600,
 * with fsync of the file and its directory; nothing is left at path on failure. */
int stele_key_save(const char *path, const unsigned char sk[STELE_SK_BYTES]);
/* Reads a secret key file (refusing one readable by group or others). */
int stele_key_load(unsigned char sk[STELE_SK_BYTES], const char *path);
/* The public half of a secret key. */
void stele_key_public(unsigned char pk[STELE_PK_BYTES], const unsigned char sk[STELE_SK_BYTES]);

#endif
