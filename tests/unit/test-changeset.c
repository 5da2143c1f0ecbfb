/* test-changeset.c: the signed change-set format, its strict decoder, summaries and keys. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>

#include "unit.h"
#include "buf.h"
#include "capture.h"
#include "changeset.h"
#include "cswalk.h"
#include "db.h"
#include "error.h"
#include "keypair.h"
#include "parse.h"
#include "summary.h"

#define VILLAGE "140402101201"

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];
static unsigned char other_sk[STELE_SK_BYTES], other_pk[STELE_PK_BYTES];

/* Deterministic keys: seeds 0, 1, ..., 31 and 32, 33, ... 63. */
static int setup_keys(void **state)
{
	unsigned char seed[32];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	crypto_sign_seed_keypair(pk, sk, seed);
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)(32 + i);
	crypto_sign_seed_keypair(other_pk, other_sk, seed);
	return 0;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* Runs sql on db under a session on every table; *out (sqlite3_free) is the changeset. */
static void capture(sqlite3 *db, const char *sql, void **out, int *len)
{
	sqlite3_session *session = NULL;

	assert_int_equal(sqlite3session_create(db, "main", &session), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(session, NULL), SQLITE_OK);
	exec(db, sql);
	assert_int_equal(sqlite3session_changeset(session, len, out), SQLITE_OK);
	sqlite3session_delete(session);
}

static const char *const village_rows =
	"INSERT INTO member (village_code, id, name, gender, born, joined) VALUES "
	"('" VILLAGE "', 'M0001', '张三', 'M', 1970, '1995-07-01'), "
	"('" VILLAGE "', 'M0002', '李四', 'F', 1988, NULL);"
	"INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points) VALUES "
	"('" VILLAGE "', 'E000001', 'M0001', 'B01', '2026-08-03', 20), "
	"('" VILLAGE "', 'E000002', 'M0002', 'D02', '2026-08-04', -35);"
	"INSERT INTO task (village_code, id, title, due_on) VALUES "
	"('" VILLAGE "', 'T0007', '修缮村道', '2026-09-30');";

/* A change set of village_rows, encoded with sk. *cs_out and *enc are freed by the caller. */
static void encode_sample(struct stele_changeset *cs, unsigned char **enc, size_t *enc_len,
			  void **changes, int *changes_len)
{
	sqlite3 *db = open_db();

	capture(db, village_rows, changes, changes_len);
	stele_db_close(db);
	memset(cs, 0, sizeof(*cs));
	cs->format = STELE_CS_FORMAT;
	cs->schema = 1;
	cs->seq = 42;
	cs->created_at = 1786000000;
	strcpy(cs->writer, VILLAGE);
	memset(cs->prev_hash, 0xab, sizeof(cs->prev_hash));
	cs->changes = *changes;
	cs->changes_len = (size_t)*changes_len;
	assert_int_equal(stele_cs_summarize(&cs->summary, cs->changes, cs->changes_len), 0);
	assert_int_equal(stele_cs_encode(enc, enc_len, cs, sk), 0);
}

/* Decodes and expects failure with fault, leaving out untouched. */
static void expect_fault(const unsigned char *data, size_t len, const unsigned char *key,
			 enum stele_cs_fault want)
{
	struct stele_changeset *out = (struct stele_changeset *)&out; /* a sentinel */
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	int rc = stele_cs_decode(&out, &fault, data, len, key);

	if (rc != STELE_EVERIFY || fault != want)
		fail_msg("decode of %zu bytes: rc %d fault %s (%s), wanted fault %s", len, rc,
			 stele_cs_fault_name(fault), stele_error_message(), stele_cs_fault_name(want));
	assert_ptr_equal(out, (struct stele_changeset *)&out);
	assert_true(stele_error_message()[0] != '\0');
}

static void test_round_trip(void **state)
{
	struct stele_changeset cs, *dec = NULL;
	enum stele_cs_fault fault = STELE_CS_FAULT_MALFORMED;
	unsigned char *enc = NULL, hash[STELE_HASH_BYTES], want[STELE_HASH_BYTES];
	size_t enc_len = 0;
	void *changes = NULL;
	int changes_len = 0;
	sqlite3 *a, *b;
	char *dump_a = NULL, *dump_b = NULL;

	(void)state;
	encode_sample(&cs, &enc, &enc_len, &changes, &changes_len);
	assert_string_equal(cs.summary, "2 members added, 2 point events added, task T0007 added");
	assert_int_equal(stele_cs_decode(&dec, &fault, enc, enc_len, pk), 0);
	assert_int_equal(fault, STELE_CS_FAULT_NONE);
	assert_int_equal(dec->format, STELE_CS_FORMAT);
	assert_int_equal(dec->schema, 1);
	assert_int_equal(dec->seq, 42);
	assert_int_equal(dec->created_at, 1786000000);
	assert_string_equal(dec->writer, VILLAGE);
	assert_memory_equal(dec->prev_hash, cs.prev_hash, STELE_HASH_BYTES);
	assert_memory_equal(dec->payload_hash, cs.payload_hash, STELE_HASH_BYTES);
	assert_string_equal(dec->summary, cs.summary);
	assert_int_equal(dec->changes_len, (size_t)changes_len);
	assert_memory_equal(dec->changes, changes, (size_t)changes_len);

	/* The hash is SHA-256 of every byte. */
	stele_cs_hash(hash, enc, enc_len);
	crypto_hash_sha256(want, enc, enc_len);
	assert_memory_equal(hash, want, STELE_HASH_BYTES);

	/* The decoded changes, applied to an empty database, give the same rows. */
	a = open_db();
	b = open_db();
	exec(a, village_rows);
	assert_int_equal(sqlite3changeset_apply(b, (int)dec->changes_len, dec->changes, NULL, NULL,
						NULL), SQLITE_OK);
	assert_int_equal(stele_db_dump(&dump_a, a, NULL), 0);
	assert_int_equal(stele_db_dump(&dump_b, b, NULL), 0);
	assert_string_equal(dump_a, dump_b);
	assert_non_null(strstr(dump_b, "张三"));

	/* Without a key the signature is not checked, but everything else is. */
	stele_cs_free(dec);
	dec = NULL;
	assert_int_equal(stele_cs_decode(&dec, NULL, enc, enc_len, NULL), 0);
	assert_int_equal(dec->seq, 42);

	free(dump_a);
	free(dump_b);
	stele_db_close(a);
	stele_db_close(b);
	stele_cs_free(dec);
	free(cs.summary);
	free(enc);
	sqlite3_free(changes);
}

static void test_wrong_key(void **state)
{
	struct stele_changeset cs;
	unsigned char *enc = NULL;
	size_t enc_len = 0;
	void *changes = NULL;
	int changes_len = 0;

	(void)state;
	encode_sample(&cs, &enc, &enc_len, &changes, &changes_len);
	expect_fault(enc, enc_len, other_pk, STELE_CS_FAULT_SIGNATURE);
	assert_string_equal(stele_error_message(), "signature does not verify against the writer's key");
	/* Signed by the other key: verifies against it, not against ours. */
	free(enc);
	assert_int_equal(stele_cs_encode(&enc, &enc_len, &cs, other_sk), 0);
	expect_fault(enc, enc_len, pk, STELE_CS_FAULT_SIGNATURE);
	{
		struct stele_changeset *dec = NULL;

		assert_int_equal(stele_cs_decode(&dec, NULL, enc, enc_len, other_pk), 0);
		stele_cs_free(dec);
	}
	free(cs.summary);
	free(enc);
	sqlite3_free(changes);
}

static void test_truncation(void **state)
{
	struct stele_changeset cs;
	unsigned char *enc = NULL, *copy;
	size_t enc_len = 0;
	void *changes = NULL;
	int changes_len = 0;

	(void)state;
	encode_sample(&cs, &enc, &enc_len, &changes, &changes_len);
	for (size_t n = 0; n < enc_len; n++) {
		/* An exact-size copy, so a read past the end is caught by the sanitizer. */
		copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, enc, n);
		expect_fault(copy, n, pk, STELE_CS_FAULT_MALFORMED);
		expect_fault(copy, n, NULL, STELE_CS_FAULT_MALFORMED);
		free(copy);
	}
	/* The message names the byte and the field. */
	expect_fault(enc, 30, pk, STELE_CS_FAULT_MALFORMED);
	assert_string_equal(stele_error_message(), "change set truncated at byte 30 (writer field)");
	free(cs.summary);
	free(enc);
	sqlite3_free(changes);
}

static void test_bit_flips(void **state)
{
	struct stele_changeset cs, *dec;
	unsigned char *enc = NULL;
	size_t enc_len = 0;
	void *changes = NULL;
	int changes_len = 0;
	enum stele_cs_fault fault;

	(void)state;
	encode_sample(&cs, &enc, &enc_len, &changes, &changes_len);
	for (size_t i = 0; i < enc_len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			enc[i] ^= (unsigned char)(1u << bit);
			dec = NULL;
			fault = STELE_CS_FAULT_NONE;
			if (stele_cs_decode(&dec, &fault, enc, enc_len, pk) != STELE_EVERIFY ||
			    fault == STELE_CS_FAULT_NONE || dec != NULL)
				fail_msg("flipping bit %d of byte %zu was not refused", bit, i);
			/* Without a key some flips decode (the seq, say); none may crash. */
			if (stele_cs_decode(&dec, &fault, enc, enc_len, NULL) == 0)
				stele_cs_free(dec);
			enc[i] ^= (unsigned char)(1u << bit);
		}
	}
	free(cs.summary);
	free(enc);
	sqlite3_free(changes);
}

/*
 * An independent writer of docs/format.md, to forge change sets that lie. The
 * deltas are added to the true lengths; payload is used as given.
 */
struct forge {
	unsigned format;
	const char *writer;
	int writer_len;           /* -1: the writer's length */
	const char *summary;
	long d_summary_len;
	const unsigned char *payload;
	size_t payload_len;
	long d_payload_len;
	uint64_t raw_len;
	int bad_payload_hash;
	const unsigned char *key;
};

static size_t put(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
	return (size_t)bytes;
}

static unsigned char *forge(const struct forge *f, size_t *len)
{
	size_t wl = strlen(f->writer), sl = strlen(f->summary);
	unsigned char *p = malloc(200 + wl + sl + f->payload_len), *q = p;

	assert_non_null(p);
	memcpy(q, "STELECS1", 8);
	q += 8;
	q += put(q, f->format, 1);
	q += put(q, 1, 2);
	q += put(q, 7, 8);
	q += put(q, (uint64_t)1786000000, 8);
	q += put(q, f->writer_len < 0 ? wl : (uint64_t)f->writer_len, 1);
	memcpy(q, f->writer, wl);
	q += wl;
	memset(q, 0, 32);
	q += 32;
	crypto_hash_sha256(q, f->payload, f->payload_len);
	q[0] ^= (unsigned char)f->bad_payload_hash;
	q += 32;
	q += put(q, (uint64_t)((long)sl + f->d_summary_len), 2);
	memcpy(q, f->summary, sl);
	q += sl;
	q += put(q, f->raw_len, 4);
	q += put(q, (uint64_t)((long)f->payload_len + f->d_payload_len), 4);
	memcpy(q, f->payload, f->payload_len);
	q += f->payload_len;
	crypto_sign_detached(q, NULL, p, (size_t)(q - p), f->key ? f->key : sk);
	q += 64;
	*len = (size_t)(q - p);
	return p;
}

/* zlib of data: *out malloc'd. */
static unsigned char *deflate_bytes(const void *data, size_t len, size_t *out_len)
{
	uLongf n = compressBound(len);
	unsigned char *out = malloc(n);

	assert_non_null(out);
	assert_int_equal(compress2(out, &n, data, len, Z_DEFAULT_COMPRESSION), Z_OK);
	*out_len = n;
	return out;
}

static void test_forge_matches_encoder(void **state)
{
	struct stele_changeset cs = { 0 };
	struct forge f = { 0 };
	unsigned char *enc = NULL, *forged, *payload;
	size_t enc_len = 0, forged_len, payload_len;
	static const unsigned char none[1];

	(void)state;
	cs.format = STELE_CS_FORMAT;
	cs.schema = 1;
	cs.seq = 7;
	cs.created_at = 1786000000;
	strcpy(cs.writer, STELE_WRITER_COUNTY);
	cs.summary = "no changes";
	assert_int_equal(stele_cs_encode(&enc, &enc_len, &cs, sk), 0);
	payload = deflate_bytes(none, 0, &payload_len);
	f = (struct forge){ .format = 1, .writer = "county", .writer_len = -1,
			    .summary = "no changes", .payload = payload,
			    .payload_len = payload_len, .raw_len = 0 };
	forged = forge(&f, &forged_len);
	assert_int_equal(forged_len, enc_len);
	assert_memory_equal(forged, enc, enc_len);
	/* An empty changeset is allowed. */
	{
		struct stele_changeset *dec = NULL;

		assert_int_equal(stele_cs_decode(&dec, NULL, enc, enc_len, pk), 0);
		assert_int_equal(dec->changes_len, 0);
		assert_string_equal(dec->writer, "county");
		stele_cs_free(dec);
	}
	free(forged);
	free(payload);
	free(enc);
}

static void test_lying_lengths(void **state)
{
	sqlite3 *db = open_db();
	void *changes = NULL;
	int changes_len = 0;
	unsigned char *payload, *p;
	size_t payload_len, len;
	struct forge f;
	struct stele_changeset *dec = NULL;

	(void)state;
	capture(db, village_rows, &changes, &changes_len);
	payload = deflate_bytes(changes, (size_t)changes_len, &payload_len);
	f = (struct forge){ .format = 1, .writer = VILLAGE, .writer_len = -1,
			    .summary = "3 rows", .payload = payload, .payload_len = payload_len,
			    .raw_len = (uint64_t)changes_len };
	p = forge(&f, &len);
	assert_int_equal(stele_cs_decode(&dec, NULL, p, len, pk), 0);
	stele_cs_free(dec);
	free(p);

#define LIE(field, value, want)                                  \
	do {                                                     \
		struct forge g = f;                              \
		g.field = (value);                               \
		p = forge(&g, &len);                             \
		expect_fault(p, len, pk, (want));                \
		free(p);                                         \
	} while (0)
	LIE(d_payload_len, 1, STELE_CS_FAULT_MALFORMED);
	LIE(d_payload_len, 64, STELE_CS_FAULT_MALFORMED);
	LIE(d_payload_len, 100000, STELE_CS_FAULT_MALFORMED);
	LIE(d_payload_len, -1, STELE_CS_FAULT_MALFORMED);
	LIE(d_payload_len, -(long)payload_len, STELE_CS_FAULT_MALFORMED);
	LIE(raw_len, (uint64_t)changes_len + 1, STELE_CS_FAULT_PAYLOAD);
	LIE(raw_len, (uint64_t)changes_len - 1, STELE_CS_FAULT_TOO_LARGE);
	LIE(raw_len, 0, STELE_CS_FAULT_TOO_LARGE);
	LIE(raw_len, STELE_CS_MAX_CHANGES + 1ull, STELE_CS_FAULT_TOO_LARGE);
	LIE(raw_len, 0xffffffffull, STELE_CS_FAULT_TOO_LARGE);
	LIE(d_summary_len, 1, STELE_CS_FAULT_MALFORMED);   /* swallows raw_len's 0 byte */
	LIE(d_summary_len, 5000, STELE_CS_FAULT_MALFORMED);
	LIE(d_summary_len, 60000, STELE_CS_FAULT_MALFORMED);
	LIE(writer_len, 0, STELE_CS_FAULT_MALFORMED);
	LIE(writer_len, 11, STELE_CS_FAULT_MALFORMED);
	LIE(writer_len, 40, STELE_CS_FAULT_MALFORMED);
	LIE(writer_len, 255, STELE_CS_FAULT_MALFORMED);
	LIE(writer, "14040210120x", STELE_CS_FAULT_MALFORMED);
	LIE(writer, "County", STELE_CS_FAULT_MALFORMED);
	LIE(summary, "two\nlines", STELE_CS_FAULT_MALFORMED);
	LIE(summary, "bad \xc0\xaf utf-8", STELE_CS_FAULT_MALFORMED);
	LIE(bad_payload_hash, 1, STELE_CS_FAULT_PAYLOAD);
	LIE(key, other_sk, STELE_CS_FAULT_SIGNATURE);
	LIE(format, 2, STELE_CS_FAULT_FORMAT);
	LIE(format, 0, STELE_CS_FAULT_FORMAT);
	LIE(format, 255, STELE_CS_FAULT_FORMAT);
	assert_string_equal(stele_error_message(),
			    "change-set format 255 is not one this program knows (it reads 1)");
	/* A summary length one short is an error of some kind, never a success. */
	{
		struct forge g = f;
		enum stele_cs_fault fault = STELE_CS_FAULT_NONE;

		g.d_summary_len = -1;
		p = forge(&g, &len);
		dec = NULL;
		assert_int_equal(stele_cs_decode(&dec, &fault, p, len, pk), STELE_EVERIFY);
		assert_int_not_equal(fault, STELE_CS_FAULT_NONE);
		assert_null(dec);
		free(p);
	}

	/* A payload that is not zlib, and zlib that is not a changeset. */
	{
		static const unsigned char junk[] = "this is not zlib at all";
		unsigned char *z;
		size_t zlen;

		LIE(payload_len, 0, STELE_CS_FAULT_PAYLOAD);
		f.payload = junk;
		f.payload_len = sizeof(junk);
		LIE(raw_len, 10, STELE_CS_FAULT_PAYLOAD);
		/* Trailing bytes after the compressed stream. */
		z = malloc(payload_len + 3);
		memcpy(z, payload, payload_len);
		memset(z + payload_len, 0, 3);
		f.payload = z;
		f.payload_len = payload_len + 3;
		LIE(raw_len, (uint64_t)changes_len, STELE_CS_FAULT_PAYLOAD);
		/* The stream cut short. */
		f.payload_len = payload_len - 4;
		LIE(raw_len, (uint64_t)changes_len, STELE_CS_FAULT_PAYLOAD);
		free(z);
		/* A cut SQLite changeset, and one that is text. */
		z = deflate_bytes(changes, (size_t)changes_len - 1, &zlen);
		f.payload = z;
		f.payload_len = zlen;
		LIE(raw_len, (uint64_t)changes_len - 1, STELE_CS_FAULT_CHANGES);
		free(z);
		z = deflate_bytes(junk, sizeof(junk), &zlen);
		f.payload = z;
		f.payload_len = zlen;
		LIE(raw_len, sizeof(junk), STELE_CS_FAULT_CHANGES);
		free(z);
	}
#undef LIE
	free(payload);
	sqlite3_free(changes);
	stele_db_close(db);
}

/* zlib of `total` zero bytes, streamed: the input is never held in memory. */
static unsigned char *deflate_zeros(uint64_t total, size_t *out_len)
{
	static unsigned char zeros[1 << 20];
	struct stele_buf out = STELE_BUF_INIT(64u << 20);
	unsigned char chunk[1 << 16];
	z_stream zs = { 0 };
	int zrc;

	assert_int_equal(deflateInit(&zs, Z_BEST_COMPRESSION), Z_OK);
	do {
		size_t n = total > sizeof(zeros) ? sizeof(zeros) : (size_t)total;

		total -= n;
		zs.next_in = zeros;
		zs.avail_in = (uInt)n;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			zrc = deflate(&zs, total ? Z_NO_FLUSH : Z_FINISH);
			assert_true(zrc == Z_OK || zrc == Z_STREAM_END || zrc == Z_BUF_ERROR);
			assert_int_equal(stele_buf_append(&out, chunk, sizeof(chunk) - zs.avail_out), 0);
		} while (zs.avail_out == 0);
	} while (total);
	assert_int_equal(zrc, Z_STREAM_END);
	deflateEnd(&zs);
	return (unsigned char *)stele_buf_detach(&out, out_len);
}

static void test_zlib_bomb(void **state)
{
	unsigned char *bomb, *p;
	size_t bomb_len, len;
	struct forge f;
	struct timespec t0, t1;
	struct rusage ru;

	(void)state;
	bomb = deflate_zeros(1ull << 30, &bomb_len); /* 1 GiB of zeros */
	assert_true(bomb_len < STELE_CS_MAX_ENCODED / 4);
	f = (struct forge){ .format = 1, .writer = VILLAGE, .writer_len = -1, .summary = "",
			    .payload = bomb, .payload_len = bomb_len, .raw_len = 1000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = forge(&f, &len);
	expect_fault(p, len, pk, STELE_CS_FAULT_TOO_LARGE);
	assert_string_equal(stele_error_message(), "payload inflates past its declared 1000 bytes");
	free(p);
	/* Claiming the largest allowed size: refused after the cap, not after 1 GiB. */
	f.raw_len = STELE_CS_MAX_CHANGES;
	p = forge(&f, &len);
	expect_fault(p, len, pk, STELE_CS_FAULT_TOO_LARGE);
	expect_fault(p, len, NULL, STELE_CS_FAULT_TOO_LARGE);
	free(p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 20);
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	assert_true(ru.ru_maxrss < 512 * 1024); /* KiB: far from 1 GiB */
	free(bomb);
}

static void test_framing(void **state)
{
	struct stele_changeset cs;
	unsigned char *enc = NULL, *big;
	size_t enc_len = 0;
	void *changes = NULL;
	int changes_len = 0;

	(void)state;
	encode_sample(&cs, &enc, &enc_len, &changes, &changes_len);
	big = calloc(1, STELE_CS_MAX_ENCODED + 1);
	assert_non_null(big);
	memcpy(big, enc, enc_len);
	/* Trailing bytes, even zeros. */
	expect_fault(big, enc_len + 1, pk, STELE_CS_FAULT_MALFORMED);
	expect_fault(big, enc_len + 1, NULL, STELE_CS_FAULT_MALFORMED);
	{
		char want[96];

		snprintf(want, sizeof(want), "1 byte follows the signature (which ends at byte %zu)",
			 enc_len);
		assert_string_equal(stele_error_message(), want);
	}
	expect_fault(big, enc_len + 1000, pk, STELE_CS_FAULT_MALFORMED);
	/* Too large to even look at. */
	expect_fault(big, STELE_CS_MAX_ENCODED + 1, pk, STELE_CS_FAULT_TOO_LARGE);
	/* Bad magic. */
	big[7] = '2';
	expect_fault(big, enc_len, NULL, STELE_CS_FAULT_MALFORMED);
	/* The format byte is checked before anything after it. */
	memcpy(big, enc, enc_len);
	big[8] = 2;
	expect_fault(big, 9, pk, STELE_CS_FAULT_FORMAT);
	free(big);

	/* The encoder refuses what the decoder would. */
	{
		unsigned char *out = NULL;
		size_t out_len = 0;
		struct stele_changeset bad = cs;

		strcpy(bad.writer, "14040210120");
		assert_int_equal(stele_cs_encode(&out, &out_len, &bad, sk), STELE_EINVALID);
		bad = cs;
		bad.summary = "two\nlines";
		assert_int_equal(stele_cs_encode(&out, &out_len, &bad, sk), STELE_EINVALID);
		bad = cs;
		bad.format = 2;
		assert_int_equal(stele_cs_encode(&out, &out_len, &bad, sk), STELE_EINVALID);
		bad = cs;
		bad.schema = 70000;
		assert_int_equal(stele_cs_encode(&out, &out_len, &bad, sk), STELE_EINVALID);
		assert_null(out);
	}
	free(cs.summary);
	free(enc);
	sqlite3_free(changes);
}

/* The summary of sql run on db. */
static char *summary_of(sqlite3 *db, const char *sql)
{
	void *changes = NULL;
	int len = 0;
	char *s = NULL;

	char *local = NULL;

	capture(db, sql, &changes, &len);
	assert_int_equal(stele_cs_summarize(&s, changes, (size_t)len), 0);
	assert_true(strlen(s) <= STELE_CS_SUMMARY_MAX);
	assert_true(stele_utf8_valid(s, strlen(s)));
	/* Untranslated (the tests run in the C locale), the reader's summary says
	 * exactly what the canonical one says. */
	assert_int_equal(stele_cs_summarize_local(&local, changes, (size_t)len), 0);
	assert_string_equal(local, s);
	free(local);
	sqlite3_free(changes);
	return s;
}

#define SUMMARY(db, sql, want)                      \
	do {                                        \
		char *s_ = summary_of((db), (sql)); \
		assert_string_equal(s_, (want));    \
		free(s_);                           \
	} while (0)

static void test_summaries(void **state)
{
	sqlite3 *db = open_db();
	char *s = NULL;

	(void)state;
	exec(db, village_rows);
	SUMMARY(db, "SELECT 1", "no changes");
	assert_int_equal(stele_cs_summarize(&s, NULL, 0), 0);
	assert_string_equal(s, "no changes");
	free(s);
	SUMMARY(db, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE "', 'M0003', '王五')",
		"member M0003 added");
	SUMMARY(db, "UPDATE member SET grid = '一组' WHERE id = 'M0003'", "member M0003 changed");
	SUMMARY(db,
		"INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points) "
		"VALUES ('" VILLAGE "', 'E000003', 'M0001', 'B01', '2026-08-05', 20),"
		"('" VILLAGE "', 'E000004', 'M0001', 'B01', '2026-08-06', 20),"
		"('" VILLAGE "', 'E000005', 'M0002', 'B01', '2026-08-06', 20);"
		"UPDATE task SET closed_on = '2026-08-20' WHERE id = 'T0007'",
		"3 point events added, task T0007 closed");
	SUMMARY(db, "UPDATE point_event SET stage = 'group'", "5 point events reviewed");
	SUMMARY(db, "UPDATE point_event SET stage = 'rejected' WHERE id = 'E000002'",
		"point event E000002 rejected");
	SUMMARY(db, "UPDATE point_event SET note = 'x' WHERE id = 'E000002'",
		"point event E000002 changed");
	SUMMARY(db, "UPDATE task SET closed_on = NULL", "task T0007 reopened");
	SUMMARY(db, "INSERT INTO request (village_code, id, received_on) VALUES "
		"('" VILLAGE "', 'R0001', '2026-08-01'), ('" VILLAGE "', 'R0002', '2026-08-02')",
		"2 requests added");
	SUMMARY(db, "UPDATE request SET resolved_on = '2026-08-09', satisfied = 1",
		"2 requests resolved");
	SUMMARY(db, "INSERT INTO period_close VALUES ('" VILLAGE "', '2026-08', '2026-09-01 10:00')",
		"month 2026-08 closed");
	SUMMARY(db, "INSERT INTO period_close VALUES ('" VILLAGE "', '2026-09', 'x'), "
		"('" VILLAGE "', '2026-10', 'x')", "2 months closed");
	SUMMARY(db, "INSERT INTO income VALUES ('" VILLAGE "', 'I0001', '2026-08', 1250000, '')",
		"income entry I0001 added");
	SUMMARY(db, "DELETE FROM income", "income entry I0001 removed");
	SUMMARY(db, "INSERT INTO assessment VALUES ('" VILLAGE "', 2026, 'A01', 85, NULL)",
		"assessment item 2026 A01 added");
	SUMMARY(db, "DELETE FROM member WHERE id = 'M0003'", "member M0003 removed");
	SUMMARY(db, "INSERT INTO point_rule VALUES ('B01', 'base', '按时参加组织生活', 20, 1);"
		"INSERT INTO village VALUES ('140402101201', '东村', '140402101', '城关镇'),"
		"('140402101202', '西村', '140402101', '城关镇')",
		"point rule B01 added, 2 villages added");
	SUMMARY(db, "INSERT INTO ranking_config VALUES ('weight.points', '0.4')",
		"ranking setting weight.points added");
	SUMMARY(db, "INSERT INTO veto_item VALUES ('V01', '重大安全事故');"
		"INSERT INTO veto_event VALUES ('VE1', '" VILLAGE "', 'V01', 2026, NULL);"
		"INSERT INTO standard_item VALUES ('S01', '党建', 20, 1)",
		"veto item V01 added, veto event VE1 added, standard item S01 added");
	SUMMARY(db, "CREATE TABLE extra (k INTEGER PRIMARY KEY, v);"
		"INSERT INTO extra VALUES (1, 'a'), (2, 'b')", "2 extra rows added");
	stele_db_close(db);
}

static void test_summary_truncated(void **state)
{
	sqlite3 *db = open_db();
	struct stele_buf sql = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	void *changes = NULL;
	int len = 0;
	char *s = NULL;
	size_t n;

	(void)state;
	for (int i = 0; i < 100; i++)
		assert_int_equal(stele_buf_printf(&sql,
						  "CREATE TABLE a_rather_long_table_name_%03d (k PRIMARY KEY);",
						  i), 0);
	exec(db, sql.data);
	stele_buf_reset(&sql);
	for (int i = 0; i < 100; i++)
		assert_int_equal(stele_buf_printf(&sql, "INSERT INTO a_rather_long_table_name_%03d "
						  "VALUES (1);", i), 0);
	capture(db, sql.data, &changes, &len);
	assert_int_equal(stele_cs_summarize(&s, changes, (size_t)len), 0);
	n = strlen(s);
	assert_true(n <= STELE_CS_SUMMARY_MAX);
	assert_true(n > STELE_CS_SUMMARY_MAX - 64);
	assert_true(stele_utf8_valid(s, n));
	assert_string_equal(s + n - 5, ", \xe2\x80\xa6");
	assert_memory_equal(s, "1 a_rather_long_table_name_000 row added, ", 41);
	free(s);
	/* Junk is refused, not summarized. */
	assert_int_equal(stele_cs_summarize(&s, "not a changeset", 15), STELE_EINVALID);
	assert_int_equal(stele_cs_summarize(&s, changes, (size_t)len - 1), STELE_EINVALID);
	sqlite3_free(changes);
	stele_buf_free(&sql);
	stele_db_close(db);
}

/* A fresh temporary directory; the caller removes it. */
static void temp_dir(char dir[64])
{
	strcpy(dir, "/tmp/stele-test-keys-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_keys(void **state)
{
	unsigned char gen_pk[STELE_PK_BYTES], loaded[STELE_SK_BYTES], pub[STELE_PK_BYTES];
	unsigned char sig[STELE_SIG_BYTES], untouched[STELE_SK_BYTES];
	char dir[64], path[128], bad[128], hex[2 * STELE_SK_BYTES + 1], text[300];
	struct stat st;

	(void)state;
	temp_dir(dir);
	snprintf(path, sizeof(path), "%s/village.key", dir);
	snprintf(bad, sizeof(bad), "%s/bad.key", dir);
	assert_int_equal(stele_key_generate(gen_pk, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 129);
	assert_int_equal(stele_key_load(loaded, path), 0);
	stele_key_public(pub, loaded);
	assert_memory_equal(pub, gen_pk, STELE_PK_BYTES);
	crypto_sign_detached(sig, NULL, (const unsigned char *)"x", 1, loaded);
	assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)"x", 1, gen_pk), 0);
	/* Never overwrites. */
	assert_int_equal(stele_key_generate(pub, path), STELE_EFAIL);
	assert_int_equal(stele_key_load(loaded, path), 0);
	stele_key_public(pub, loaded);
	assert_memory_equal(pub, gen_pk, STELE_PK_BYTES);

	/* Readable by others: refused, sk untouched. */
	assert_int_equal(chmod(path, 0644), 0);
	memset(untouched, 0x5a, sizeof(untouched));
	memcpy(loaded, untouched, sizeof(loaded));
	assert_int_equal(stele_key_load(loaded, path), STELE_EINVALID);
	assert_non_null(strstr(stele_error_message(), "mode 0644"));
	assert_memory_equal(loaded, untouched, sizeof(loaded));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(stele_key_load(loaded, path), STELE_EINVALID);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(stele_key_load(loaded, path), 0);

	/* Malformed content. */
	stele_hex_encode(hex, sk, STELE_SK_BYTES);
	snprintf(text, sizeof(text), "%s\n", hex);
	write_file(bad, text, 0600);
	assert_int_equal(stele_key_load(loaded, bad), 0);
	assert_memory_equal(loaded, sk, STELE_SK_BYTES);
	unlink(bad);
	write_file(bad, hex, 0600); /* no newline */
	assert_int_equal(stele_key_load(loaded, bad), STELE_EINVALID);
	unlink(bad);
	snprintf(text, sizeof(text), "%s\n\n", hex);
	write_file(bad, text, 0600);
	assert_int_equal(stele_key_load(loaded, bad), STELE_EINVALID);
	unlink(bad);
	snprintf(text, sizeof(text), "%.126s\n", hex);
	write_file(bad, text, 0600);
	assert_int_equal(stele_key_load(loaded, bad), STELE_EINVALID);
	unlink(bad);
	snprintf(text, sizeof(text), "%s\n", hex);
	text[0] = 'G';
	write_file(bad, text, 0600);
	assert_int_equal(stele_key_load(loaded, bad), STELE_EINVALID);
	assert_null(strstr(stele_error_message(), hex + 2)); /* never echoes the key */
	unlink(bad);
	/* Halves that disagree (the public half of another key). */
	stele_hex_encode(hex, sk, STELE_SK_BYTES);
	stele_hex_encode(hex + 64, other_pk, STELE_PK_BYTES);
	snprintf(text, sizeof(text), "%s\n", hex);
	write_file(bad, text, 0600);
	assert_int_equal(stele_key_load(loaded, bad), STELE_EINVALID);
	unlink(bad);
	write_file(bad, "", 0600);
	assert_int_equal(stele_key_load(loaded, bad), STELE_EINVALID);
	unlink(bad);
	assert_int_equal(stele_key_load(loaded, bad), STELE_EFAIL); /* missing */
	assert_int_equal(stele_key_load(loaded, dir), STELE_EINVALID);  /* a directory */

	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	sodium_memzero(loaded, sizeof(loaded));
}

/*
 * The worked example of docs/format.md: member M0001 inserted by village
 * 140402101201 as seq 1, signed with the key of seed 00 01 .. 1f. Ed25519 is
 * deterministic and zlib 1.2.x's level-6 output stable, so encode must give
 * exactly these bytes; decode must accept them whatever the zlib version.
 */
static const char golden_changes[] =
	"540801020000000000006d656d626572001200030c31343034303231303132303103054d30303031"
	"0306e5bca0e4b88903014d0100000000000007b2030a313939352d30372d30310306616374697665"
	"05";
static const char golden_encoded[] =
	"5354454c454353310100010000000000000001000000006a7432800c3134303430323130313230"
	"3100000000000000000000000000000000000000000000000000000000000000005eb83aab18da"
	"0f1a31d017eaa270a41aef6e87b421d88af698352c063e83a0bf00126d656d626572204d303030"
	"31206164646564000000510000004e789c0be16064620083dcd4dca4d422062106661e43130313"
	"032343034323034366565f030320c5f674cf82273b3a99197d1921ead9373173195a5a9aea1a98"
	"eb82e413934b32cb52590163b6106a07c9ed50e181cc2da1fff659909e7b23e63a8feff1f6dbfc"
	"9460dde2e11e117d291ce3a94b47c897d4565f12175cd076eb61564bc640b266ab4e4293d98836"
	"08";
static const char golden_hash[] =
	"bef47231327bff2e332ff14a1e39330c822e2a26b9db9f74b75835669ef67bf5";

static void test_golden(void **state)
{
	unsigned char changes[81], encoded[274], hash[STELE_HASH_BYTES], *enc = NULL;
	char hex[2 * STELE_HASH_BYTES + 1];
	struct stele_changeset cs = { 0 }, *dec = NULL;
	size_t enc_len = 0;

	(void)state;
	assert_int_equal(strlen(golden_changes), 2 * sizeof(changes));
	assert_int_equal(strlen(golden_encoded), 2 * sizeof(encoded));
	assert_int_equal(stele_hex_decode(changes, sizeof(changes), golden_changes), 0);
	assert_int_equal(stele_hex_decode(encoded, sizeof(encoded), golden_encoded), 0);

	assert_int_equal(stele_cs_decode(&dec, NULL, encoded, sizeof(encoded), pk), 0);
	assert_int_equal(dec->seq, 1);
	assert_int_equal(dec->schema, 1);
	assert_int_equal(dec->created_at, 1786000000);
	assert_string_equal(dec->writer, VILLAGE);
	assert_string_equal(dec->summary, "member M0001 added");
	assert_int_equal(dec->changes_len, sizeof(changes));
	assert_memory_equal(dec->changes, changes, sizeof(changes));
	stele_cs_hash(hash, encoded, sizeof(encoded));
	stele_hex_encode(hex, hash, STELE_HASH_BYTES);
	assert_string_equal(hex, golden_hash);

	cs.format = STELE_CS_FORMAT;
	cs.schema = 1;
	cs.seq = 1;
	cs.created_at = 1786000000;
	strcpy(cs.writer, VILLAGE);
	cs.changes = changes;
	cs.changes_len = sizeof(changes);
	assert_int_equal(stele_cs_summarize(&cs.summary, changes, sizeof(changes)), 0);
	assert_string_equal(cs.summary, "member M0001 added");
	assert_int_equal(stele_cs_encode(&enc, &enc_len, &cs, sk), 0);
	assert_int_equal(enc_len, sizeof(encoded));
	assert_memory_equal(enc, encoded, sizeof(encoded));
	assert_memory_equal(cs.payload_hash, dec->payload_hash, STELE_HASH_BYTES);
	free(enc);
	free(cs.summary);
	stele_cs_free(dec);
}

/* Through lib/capture.c: two writes become a chained, signed stream in the outbox. */
static void test_capture_chain(void **state)
{
	sqlite3 *db = open_db();
	struct stele_capture *cap = NULL;
	sqlite3_stmt *stmt = NULL;
	unsigned char prev[STELE_HASH_BYTES] = { 0 }, hash[STELE_HASH_BYTES];
	uint64_t seq = 0;
	int rows = 0;
	static const char *const writes[] = {
		"INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE "', 'M0001', '张三')",
		"INSERT INTO task (village_code, id, title, due_on) VALUES "
		"('" VILLAGE "', 'T0001', 't', '2026-09-01');"
		"UPDATE member SET grid = '一组'",
	};
	static const char *const summaries[] = {
		"member M0001 added", "member M0001 changed, task T0001 added",
	};

	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(stele_capture_begin(&cap, db, VILLAGE), 0);
		exec(db, writes[i]);
		assert_int_equal(stele_capture_commit(&seq, cap, sk), 0);
		assert_int_equal(seq, (uint64_t)i + 1);
	}
	assert_int_equal(stele_db_prepare(db, &stmt, "SELECT seq, summary, hash, data FROM stele_outbox "
						     "ORDER BY seq"), 0);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct stele_changeset *cs = NULL;
		const unsigned char *data = sqlite3_column_blob(stmt, 3);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 3);

		assert_int_equal(stele_cs_decode(&cs, NULL, data, len, pk), 0);
		assert_int_equal(cs->seq, (uint64_t)sqlite3_column_int64(stmt, 0));
		assert_string_equal(cs->writer, VILLAGE);
		assert_string_equal(cs->summary, summaries[rows]);
		assert_string_equal(cs->summary, (const char *)sqlite3_column_text(stmt, 1));
		assert_memory_equal(cs->prev_hash, prev, STELE_HASH_BYTES);
		stele_cs_hash(hash, data, len);
		assert_memory_equal(hash, sqlite3_column_blob(stmt, 2), STELE_HASH_BYTES);
		memcpy(prev, hash, STELE_HASH_BYTES);
		stele_cs_free(cs);
		rows++;
	}
	assert_int_equal(rows, 2);
	sqlite3_finalize(stmt);
	stele_db_close(db);
}

/* The row changes' own walk (stele_cs_walk): SQLite never sees what it refuses. */

/* A bound on every walk below: SIGALRM's default action ends the test binary. */
#define WALK_SECONDS 20

static int count_row(void *ctx, const struct stele_cs_row *row)
{
	unsigned long *rows = ctx;

	assert_int_equal(row->number, ++*rows);
	return 0;
}

/* How many rows SQLite's iterator walks to SQLITE_DONE; fails on anything else. */
static unsigned long sqlite_rows(const void *changes, size_t len)
{
	sqlite3_changeset_iter *it = NULL;
	unsigned long rows = 0;
	int src;

	assert_int_equal(sqlite3changeset_start(&it, (int)len, (void *)changes), SQLITE_OK);
	while ((src = sqlite3changeset_next(it)) == SQLITE_ROW)
		rows++;
	if (src != SQLITE_DONE)
		fail_msg("sqlite3changeset_next: %d after %lu rows of bytes our walk accepted", src, rows);
	assert_int_equal(sqlite3changeset_finalize(it), SQLITE_OK);
	return rows;
}

/* The walk's verdict on bytes: 0 with *rows, or STELE_EVERIFY with fault CHANGES. */
static int walk_verdict(unsigned long *rows, const void *changes, size_t len)
{
	enum stele_cs_fault fault = STELE_CS_FAULT_MALFORMED;
	unsigned long n = 0;
	int rc = stele_cs_walk(&fault, changes, len, count_row, &n);

	if (rc == 0) {
		assert_int_equal(fault, STELE_CS_FAULT_NONE);
		*rows = n;
		return 0;
	}
	assert_int_equal(rc, STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	assert_non_null(strstr(stele_error_message(), "row changes: byte "));
	return rc;
}

/* Every kind of row and value: inserts, updates, deletes; on our tables and on a
 * scratch table with a real, a blob and a two-column key in reverse order. */
static void *sample_changes(int *len)
{
	sqlite3 *db = open_db();
	void *changes = NULL;

	exec(db, village_rows);
	exec(db, "INSERT INTO point_rule (code, category, name, points) VALUES ('B01', 'base', "
		 "'基础分', 10);"
		 "CREATE TABLE scratch (k INTEGER, s TEXT, r REAL, b BLOB, n, PRIMARY KEY (s, k));"
		 "INSERT INTO scratch VALUES (1, 'a', 0.5, x'00ff', NULL)");
	capture(db, "INSERT INTO member (village_code, id, name, gender, born) VALUES "
		"('" VILLAGE "', 'M0003', '王五', 'M', 1960);"
		"UPDATE member SET name = '张三丰', born = NULL WHERE id = 'M0001';"
		"UPDATE point_event SET stage = 'rejected' WHERE id = 'E000002';"
		"DELETE FROM task WHERE id = 'T0007';"
		"INSERT INTO veto_item (code, name) VALUES ('V9', '测试');"
		"UPDATE point_rule SET points = 15 WHERE code = 'B01';"
		"INSERT INTO scratch VALUES (-9223372036854775807, '', -1e300, x'', 7);"
		"UPDATE scratch SET r = 2.25, b = zeroblob(300) WHERE k = 1;",
		&changes, len);
	stele_db_close(db);
	return changes;
}

/* A value as SQLite's iterator reads it equals the walk's. */
static void same_value(const struct stele_cs_value *mine, sqlite3_value *theirs)
{
	if (mine->type == 0) {
		assert_null(theirs);
		return;
	}
	assert_non_null(theirs);
	assert_int_equal(sqlite3_value_type(theirs), mine->type);
	switch (mine->type) {
	case SQLITE_INTEGER:
		assert_int_equal(sqlite3_value_int64(theirs), mine->integer);
		break;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(theirs);
		uint64_t bits;

		memcpy(&bits, &d, sizeof(bits));
		assert_int_equal(bits, (uint64_t)mine->integer);
		break;
	}
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		assert_int_equal((size_t)sqlite3_value_bytes(theirs), mine->len);
		if (mine->len)
			assert_memory_equal(mine->type == SQLITE_TEXT ? sqlite3_value_text(theirs)
								 : sqlite3_value_blob(theirs),
					    mine->bytes, mine->len);
		break;
	}
}

/* Steps SQLite's iterator alongside the walk: the same row, field by field. */
static int compare_row(void *ctx, const struct stele_cs_row *row)
{
	sqlite3_changeset_iter *it = ctx;
	const char *table = NULL;
	unsigned char *pkflags = NULL;
	int ncol = 0, op = 0, indirect = 0, npk = 0;

	assert_int_equal(sqlite3changeset_next(it), SQLITE_ROW);
	assert_int_equal(sqlite3changeset_op(it, &table, &ncol, &op, &indirect), SQLITE_OK);
	assert_int_equal(sqlite3changeset_pk(it, &pkflags, &npk), SQLITE_OK);
	assert_string_equal(row->table, table);
	assert_int_equal(row->ncol, ncol);
	assert_int_equal(row->op, op);
	assert_int_equal(row->indirect, indirect);
	assert_memory_equal(row->pk, pkflags, (size_t)ncol);
	for (int i = 0; i < ncol; i++) {
		sqlite3_value *v = NULL;

		if (op != SQLITE_INSERT) {
			assert_int_equal(sqlite3changeset_old(it, i, &v), SQLITE_OK);
			same_value(&row->old_values[i], v);
		}
		if (op != SQLITE_DELETE) {
			assert_int_equal(sqlite3changeset_new(it, i, &v), SQLITE_OK);
			same_value(&row->new_values[i], v);
		}
	}
	return 0;
}

static void test_walk_accepts_sessions(void **state)
{
	int len = 0;
	void *changes = sample_changes(&len);
	sqlite3_changeset_iter *it = NULL;
	unsigned long rows = 0;
	bool reversed_key = false;

	(void)state;
	assert_int_equal(walk_verdict(&rows, changes, (size_t)len), 0);
	assert_int_equal(rows, 8);
	assert_int_equal(sqlite_rows(changes, (size_t)len), rows);
	assert_int_equal(sqlite3changeset_start(&it, len, changes), SQLITE_OK);
	assert_int_equal(stele_cs_walk(NULL, changes, (size_t)len, compare_row, it), 0);
	assert_int_equal(sqlite3changeset_next(it), SQLITE_DONE);
	sqlite3changeset_finalize(it);
	/* The key flags are places in the key, not booleans: scratch's key is (s, k). */
	for (int i = 0; i + 2 < len; i++)
		if (memcmp((char *)changes + i, "\x02\x01\x00\x00\x00scratch", 12) == 0)
			reversed_key = true;
	assert_true(reversed_key);
	/* Nothing is a valid empty changeset. */
	assert_int_equal(stele_cs_walk(NULL, NULL, 0, NULL, NULL), 0);
	sqlite3_free(changes);
}

/* A walk callback's refusal stops the walk and comes back as it is. */
static int refuse_second(void *ctx, const struct stele_cs_row *row)
{
	(void)ctx;
	return row->number == 2 ? STELE_EINVALID : 0;
}

static void test_walk_callback_stops(void **state)
{
	int len = 0;
	void *changes = sample_changes(&len);
	enum stele_cs_fault fault = STELE_CS_FAULT_MALFORMED;

	(void)state;
	assert_int_equal(stele_cs_walk(&fault, changes, (size_t)len, refuse_second, NULL),
			 STELE_EINVALID);
	assert_int_equal(fault, STELE_CS_FAULT_NONE);
	sqlite3_free(changes);
}

static void test_walk_hang_input(void **state)
{
	static const unsigned char hang[] = "T\x02garbage";   /* 9 bytes: no NUL after the name */
	struct stele_changeset cs, *dec = NULL;
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	unsigned char *enc = NULL;
	size_t enc_len = 0;
	unsigned long rows = 0;
	char *summary = NULL;

	(void)state;
	alarm(WALK_SECONDS);
	assert_int_equal(walk_verdict(&rows, hang, sizeof(hang) - 1), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "byte 2: primary-key flag 103"));
	/* Signed with the writer's own key, it still never reaches SQLite's iterator. */
	memset(&cs, 0, sizeof(cs));
	cs.format = STELE_CS_FORMAT;
	cs.schema = 1;
	cs.seq = 1;
	strcpy(cs.writer, VILLAGE);
	cs.summary = "1 member added";
	cs.changes = (unsigned char *)hang;
	cs.changes_len = sizeof(hang) - 1;
	assert_int_equal(stele_cs_encode(&enc, &enc_len, &cs, sk), 0);
	assert_int_equal(stele_cs_decode(&dec, &fault, enc, enc_len, pk), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	assert_null(dec);
	assert_int_equal(stele_cs_summarize(&summary, hang, sizeof(hang) - 1), STELE_EINVALID);
	assert_null(summary);
	alarm(0);
	free(enc);
}

/* Every prefix of a real changeset: refused, unless it ends where a row ends. */
static void test_walk_truncations(void **state)
{
	int len = 0;
	void *changes = sample_changes(&len);
	unsigned long rows = 0, accepted = 0, last_rows = 0;

	(void)state;
	alarm(WALK_SECONDS);
	for (size_t cut = 1; cut < (size_t)len; cut++) {
		if (walk_verdict(&rows, changes, cut) != 0)
			continue;
		/* A whole row more than the last accepted prefix, and SQLite agrees. */
		accepted++;
		assert_int_equal(rows, last_rows + 1);
		assert_int_equal(sqlite_rows(changes, cut), rows);
		last_rows = rows;
	}
	/* One accepted prefix per row but the last (the whole changeset). */
	assert_int_equal(accepted, 7);
	alarm(0);
	sqlite3_free(changes);
}

/* xorshift64: the mutations are the same on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random damage to a real changeset: whatever the walk accepts, SQLite's iterator
 * walks to SQLITE_DONE over the same number of rows (and it sees nothing else). */
static void test_walk_mutations(void **state)
{
	int len = 0;
	void *changes = sample_changes(&len);
	unsigned char *m = malloc((size_t)len + 16);
	uint64_t seed = 0x5eed5eed12345678u;
	unsigned long rows, accepted = 0, refused = 0;

	(void)state;
	assert_non_null(m);
	alarm(WALK_SECONDS);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)len;
		int flips = 1 + (int)(next_random(&seed) % 4);

		memcpy(m, changes, n);
		for (int f = 0; f < flips; f++) {
			size_t at = (size_t)(next_random(&seed) % n);
			uint64_t how = next_random(&seed);

			switch (how % 4) {
			case 0: /* a random byte */
				m[at] = (unsigned char)(how >> 8);
				break;
			case 1: /* a bit */
				m[at] ^= (unsigned char)(1u << ((how >> 8) % 8));
				break;
			case 2: /* a byte dropped */
				memmove(m + at, m + at + 1, n - at - 1);
				n--;
				break;
			default: /* a byte that matters to the format */
				m[at] = (const unsigned char[]){ 0, 1, 2, 3, 4, 5, 6, 9, 18, 23, 'T', 'P',
								 0x7f, 0x80, 0xff }[(how >> 8) % 15];
				break;
			}
		}
		if (walk_verdict(&rows, m, n) != 0) {
			refused++;
			continue;
		}
		accepted++;
		assert_int_equal(sqlite_rows(m, n), rows);
	}
	/* Both sides of the property were exercised. */
	assert_true(accepted > 100);
	assert_true(refused > 100);
	alarm(0);
	free(m);
	sqlite3_free(changes);
}

/* Hand-made bytes, each breaking one rule. */
static void test_walk_rules(void **state)
{
	static const struct {
		const char *why;      /* a piece of the message */
		size_t len;
		const char *bytes;
	} bad[] = {
#define B(why, s) { why, sizeof(s) - 1, s }
		B("not a table header", "\x12\x00\x05"),
		B("patchset", "P\x01\x01t\x00\x12\x00\x05"),
		B("no columns", "T\x00t\x00"),
		B("past 64", "T\x41" "\x01"),
		B("not a minimal varint", "T\x80\x01\x01t\x00"),
		B("cut short", "T\x81"),
		B("no primary key", "T\x01\x00t\x00\x12\x00\x05"),
		B("not a place", "T\x02\x01\x01t\x00"),
		B("not a place", "T\x01\x02t\x00"),
		B("skip a place", "T\x02\x02\x00t\x00"),
		B("holds byte 0x2e", "T\x01\x01main.t\x00"),
		B("is empty", "T\x01\x01\x00\x12\x00\x05"),
		B("not NUL-terminated", "T\x02\x01\x00garbage"),
		B("longer than 64", "T\x01\x01" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "\x00\x12\x00\x05"),
		B("has no row changes", "T\x01\x01t\x00"),
		B("has no row changes", "T\x01\x01t\x00T\x01\x01u\x00\x12\x00\x05"),
		B("is not insert, update or delete", "T\x01\x01t\x00\x13\x00\x05"),
		B("indirect flag", "T\x01\x01t\x00\x12\x02\x05"),
		B("cut short", "T\x01\x01t\x00\x12"),
		B("value type 0x06", "T\x01\x01t\x00\x12\x00\x06"),
		B("undefined value", "T\x01\x01t\x00\x12\x00\x00"),
		B("undefined value", "T\x01\x01t\x00\x09\x00\x00"),
		B("integer value is cut short", "T\x01\x01t\x00\x12\x00\x01\x00\x00"),
		B("real value is cut short", "T\x01\x01t\x00\x12\x00\x02\x00"),
		B("past", "T\x01\x01t\x00\x12\x00\x03\x05" "abc"),
		B("text length is cut short", "T\x01\x01t\x00\x12\x00\x03\x85"),
		B("record is cut short", "T\x02\x01\x00t\x00\x12\x00\x05"),
		/* Updates: the key named in old and left alone in new; changed columns in both. */
		B("must name key column 0", "T\x02\x01\x00t\x00\x17\x00\x00\x05\x00\x05"),
		B("must name key column 0", "T\x02\x01\x00t\x00\x17\x00\x05\x05\x05\x05"),
		B("in only one of its records", "T\x02\x01\x00t\x00\x17\x00\x05\x05\x00\x00"),
		B("changes no column", "T\x02\x01\x00t\x00\x17\x00\x05\x00\x00\x00"),
#undef B
	};
	static const char good[] = "T\x02\x01\x00t\x00\x17\x00\x05\x05\x00\x03\x01x"
				   "\x12\x01\x03\x02hi\x04\x00"
				   "T\x01\x01u_1\x00\x09\x00\x02\x3f\xf0\x00\x00\x00\x00\x00\x00";
	unsigned long rows = 0;

	(void)state;
	alarm(WALK_SECONDS);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (walk_verdict(&rows, bad[i].bytes, bad[i].len) != STELE_EVERIFY)
			fail_msg("case %zu (%s) was accepted", i, bad[i].why);
		if (!strstr(stele_error_message(), bad[i].why))
			fail_msg("case %zu: '%s' does not say '%s'", i, stele_error_message(), bad[i].why);
	}
	assert_int_equal(walk_verdict(&rows, good, sizeof(good) - 1), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(sqlite_rows(good, sizeof(good) - 1), 3);
	alarm(0);
}

/* A patchset from a real session is refused, whatever it holds. */
static void test_walk_patchset(void **state)
{
	sqlite3 *db = open_db();
	sqlite3_session *session = NULL;
	void *patch = NULL;
	int len = 0;
	unsigned long rows = 0;

	(void)state;
	assert_int_equal(sqlite3session_create(db, "main", &session), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(session, NULL), SQLITE_OK);
	exec(db, village_rows);
	assert_int_equal(sqlite3session_patchset(session, &len, &patch), SQLITE_OK);
	sqlite3session_delete(session);
	assert_true(len > 0);
	assert_int_equal(walk_verdict(&rows, patch, (size_t)len), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "byte 0: a patchset"));
	sqlite3_free(patch);
	stele_db_close(db);
}

static void test_fault_names(void **state)
{
	(void)state;
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_NONE), "none");
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_MALFORMED), "malformed");
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_FORMAT), "format");
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_SIGNATURE), "signature");
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_PAYLOAD), "payload");
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_TOO_LARGE), "too-large");
	assert_string_equal(stele_cs_fault_name(STELE_CS_FAULT_CHANGES), "changes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_forge_matches_encoder),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_zlib_bomb),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_summaries),
		cmocka_unit_test(test_summary_truncated),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_capture_chain),
		cmocka_unit_test(test_fault_names),
		cmocka_unit_test(test_walk_accepts_sessions),
		cmocka_unit_test(test_walk_callback_stops),
		cmocka_unit_test(test_walk_hang_input),
		cmocka_unit_test(test_walk_truncations),
		cmocka_unit_test(test_walk_mutations),
		cmocka_unit_test(test_walk_rules),
		cmocka_unit_test(test_walk_patchset),
	};

	return cmocka_run_group_tests(tests, setup_keys, NULL);
}
