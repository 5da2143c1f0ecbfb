/* changeset.h: the signed change-set format (docs/format.md): encoding, strict
 * decoding, the chain hash (the row changes inside are cswalk.h's). */
#ifndef STELE_CHANGESET_H
#define STELE_CHANGESET_H

#include <stdbool.h>
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

/* The seq field of encoded change set bytes (magic STELECS1, format 1), read
 * without decoding or trusting anything else; 0 when it is not readable. */
uint64_t stele_cs_peek_seq(const unsigned char *data, size_t len);

/* Whether the signature of the encoded change set data (its last field, over
 * every byte before it) verifies against pk. Parses nothing else. */
bool stele_cs_signed_by(const unsigned char *data, size_t len,
			const unsigned char pk[STELE_PK_BYTES]);

/* The change set's identity in its chain: SHA-256 of all len encoded bytes. */
void stele_cs_hash(unsigned char out[STELE_HASH_BYTES], const unsigned char *data, size_t len);

#endif
