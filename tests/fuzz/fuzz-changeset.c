/* fuzz-changeset.c: libFuzzer target for the change-set decoder (stele_cs_decode):
 * the input as received, with and without a key, and re-signed so that the checks
 * behind the signature (payload hash, inflate, row changes) see fuzzed bytes too;
 * every change set that decodes is also summarized. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "fuzz.h"
#include "changeset.h"
#include "error.h"
#include "parse.h"
#include "summary.h"

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];

/* docs/format.md: the fixed part of a change set, and where the fields sit. */
#define FIXED_BYTES   166
#define OFF_WRITER_LEN 27
#define SUMMARY_LEN_AT(w) (92 + (w))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_keys(pk, sk);
	return 0;
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/*
 * Decodes data with key (may be NULL) and checks the decoder's promises: success
 * gives a change set within the format's limits and fault NONE; failure leaves
 * *out untouched, records a message, and is EVERIFY with a fault (or EFAIL, out of
 * memory, with none). Returns whether it decoded.
 */
static bool decode_checked(const unsigned char *data, size_t len, const unsigned char *key)
{
	struct stele_changeset *sentinel = (struct stele_changeset *)&sentinel;
	struct stele_changeset *cs = sentinel;
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	char *summary = NULL;
	int rc;

	stele_error_clear();
	rc = stele_cs_decode(&cs, &fault, data, len, key);
	if (rc < 0) {
		FUZZ_CHECK(cs == sentinel, "decode failed (%d) but wrote *out", rc);
		FUZZ_CHECK(stele_error_message()[0] != '\0', "decode failed (%d) without a message", rc);
		FUZZ_CHECK((rc == STELE_EVERIFY && fault != STELE_CS_FAULT_NONE) ||
				   (rc == STELE_EFAIL && fault == STELE_CS_FAULT_NONE),
			   "decode returned %d with fault %s", rc, stele_cs_fault_name(fault));
		return false;
	}
	FUZZ_CHECK(rc == 0 && cs != sentinel && cs, "decode returned %d", rc);
	FUZZ_CHECK(fault == STELE_CS_FAULT_NONE, "decoded with fault %s", stele_cs_fault_name(fault));
	FUZZ_CHECK(cs->format == STELE_CS_FORMAT, "decoded format %u", cs->format);
	FUZZ_CHECK(cs->writer[0] != '\0' && strlen(cs->writer) <= STELE_CS_WRITER_MAX,
		   "decoded writer of %zu bytes", strlen(cs->writer));
	FUZZ_CHECK(strcmp(cs->writer, STELE_WRITER_COUNTY) == 0 ||
			   stele_check_village_code(cs->writer, NULL, NULL) == 0,
		   "decoded writer '%s' is neither a village code nor county", cs->writer);
	FUZZ_CHECK(cs->summary && strlen(cs->summary) <= STELE_CS_SUMMARY_MAX &&
			   stele_utf8_valid(cs->summary, strlen(cs->summary)),
		   "decoded summary is not one line of UTF-8 within the cap");
	FUZZ_CHECK(cs->changes_len <= STELE_CS_MAX_CHANGES && (cs->changes || !cs->changes_len),
		   "decoded %zu bytes of changes", cs->changes_len);
	rc = stele_cs_summarize(&summary, cs->changes, cs->changes_len);
	FUZZ_CHECK(rc == 0, "a change set that decoded does not summarize: %s",
		   stele_error_message());
	FUZZ_CHECK(strlen(summary) <= STELE_CS_SUMMARY_MAX &&
			   stele_utf8_valid(summary, strlen(summary)),
		   "summary '%s' is not one line of UTF-8 within the cap", summary);
	free(summary);
	stele_cs_free(cs);
	return true;
}

/* The inflated size of a zlib stream (at most cap bytes), or -1 if it is not one. */
static long inflated_size(const unsigned char *p, size_t n, size_t cap)
{
	unsigned char *out = malloc(cap ? cap : 1);
	uLongf out_len = (uLongf)cap;
	long size = -1;

	if (out && uncompress(out, &out_len, p, (uLong)n) == Z_OK)
		size = (long)out_len;
	free(out);
	return size;
}

/*
 * Rewrites a copy of data so that only the decoder's later checks can refuse it:
 * payload_len takes up what lies between the summary and the signature, the
 * payload hash is recomputed, and the signature is made with the fuzz key. With
 * fix_raw_len, raw_len is set to what the payload really inflates to. Returns the
 * copy (caller frees) or NULL if data is too short to hold the fields.
 */
static unsigned char *resign(const unsigned char *data, size_t len, bool fix_raw_len)
{
	unsigned char *copy;
	size_t w, s, p, at;
	long raw;

	if (len < FIXED_BYTES || data[OFF_WRITER_LEN] > STELE_CS_WRITER_MAX)
		return NULL;
	w = data[OFF_WRITER_LEN];
	if (len < FIXED_BYTES + w)
		return NULL;
	s = (size_t)get_be(data + SUMMARY_LEN_AT(w), 2);
	if (len < FIXED_BYTES + w + s)
		return NULL;
	p = len - FIXED_BYTES - w - s;
	if (!(copy = malloc(len)))
		return NULL;
	memcpy(copy, data, len);
	at = SUMMARY_LEN_AT(w) + 2 + s; /* raw_len */
	if (fix_raw_len) {
		raw = inflated_size(copy + at + 8, p, 1u << 20);
		if (raw < 0) {
			free(copy);
			return NULL;
		}
		put_be(copy + at, (uint64_t)raw, 4);
	}
	put_be(copy + at + 4, p, 4);
	crypto_hash_sha256(copy + 60 + w, copy + at + 8, p);
	crypto_sign_detached(copy + len - STELE_SIG_BYTES, NULL, copy, len - STELE_SIG_BYTES, sk);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;
	bool plain;

	decode_checked(data, size, NULL);
	plain = decode_checked(data, size, pk);
	/* An input that verifies with the key was signed by it: re-signing must give the
	 * same bytes (a check of resign() against docs/format.md's layout). */
	if (plain) {
		copy = resign(data, size, false);
		FUZZ_CHECK(copy && memcmp(copy, data, size) == 0,
			   "re-signing a valid change set changed it");
		free(copy);
		return 0;
	}
	if ((copy = resign(data, size, false))) {
		decode_checked(copy, size, pk);
		free(copy);
	}
	if ((copy = resign(data, size, true))) {
		decode_checked(copy, size, pk);
		free(copy);
	}
	return 0;
}
