/* fuzz-changes.c: libFuzzer target for the row changes inside a change set: the
 * input is a SQLite session changeset as capture would hand it over. It is
 * summarized (stele_cs_summarize), encoded with that summary, and decoded again:
 * the encoder must accept every summary the summarizer makes, and a round trip
 * must give the same bytes back (read with today's keys: lib/rekey.h) or refuse
 * only the row changes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "changeset.h"
#include "error.h"
#include "parse.h"
#include "rekey.h"
#include "summary.h"

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_keys(pk, sk);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stele_changeset cs = { 0 }, *back = NULL;
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	unsigned char *encoded = NULL;
	size_t encoded_len = 0;
	char *summary = NULL;
	int rc, summarized;

	rc = summarized = stele_cs_summarize(&summary, data, size);
	FUZZ_CHECK(rc == 0 || rc == STELE_EINVALID, "summarize returned %d", rc);
	if (rc == 0)
		FUZZ_CHECK(strlen(summary) <= STELE_CS_SUMMARY_MAX &&
				   stele_utf8_valid(summary, strlen(summary)),
			   "summary '%s' is not one line of UTF-8 within the cap", summary);
	else
		FUZZ_CHECK(!summary, "summarize failed but wrote *out");

	cs.format = STELE_CS_FORMAT;
	cs.schema = 1;
	cs.seq = 7;
	cs.created_at = 1786000000;
	strcpy(cs.writer, "990101001201");
	cs.summary = summary;
	cs.changes = (unsigned char *)data;
	cs.changes_len = size;
	rc = stele_cs_encode(&encoded, &encoded_len, &cs, sk);
	FUZZ_CHECK(rc == 0, "encode refused what capture would store: %s", stele_error_message());

	rc = stele_cs_decode(&back, &fault, encoded, encoded_len, pk);
	if (rc == 0) {
		/* What decode gives back: the bytes as written, an old table key rewritten. */
		unsigned char *want = malloc(size ? size : 1);
		FUZZ_CHECK(want != NULL, "out of memory");
		if (size)
			memcpy(want, data, size);
		FUZZ_CHECK(stele_rekey_legacy(want, size) == 0, "rekey refused what decode accepted");
		FUZZ_CHECK(summarized == 0, "the decoder accepted row changes the summarizer refused");
		FUZZ_CHECK(back->changes_len == size &&
				   (size == 0 || memcmp(back->changes, want, size) == 0),
			   "round trip changed the row changes (%zu bytes in, %zu out)", size,
			   back->changes_len);
		FUZZ_CHECK(strcmp(back->summary, summary ? summary : "") == 0,
			   "round trip changed the summary");
		FUZZ_CHECK(back->seq == 7 && back->created_at == 1786000000 &&
				   strcmp(back->writer, cs.writer) == 0,
			   "round trip changed the header");
		free(want);
	} else {
		FUZZ_CHECK(rc == STELE_EVERIFY && fault == STELE_CS_FAULT_CHANGES,
			   "a well-formed envelope was refused with %d/%s: %s", rc,
			   stele_cs_fault_name(fault), stele_error_message());
	}
	stele_cs_free(back);
	free(encoded);
	free(summary);
	return 0;
}
