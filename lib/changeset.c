/* changeset.c: the signed change-set byte format (docs/format.md): encoding,
 * strict decoding, the chain hash. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>

#include "buf.h"
#include "changeset.h"
#include "domain.h"
#include "error.h"
#include "cswalk.h"
#include "i18n.h"
#include "parse.h"
#include "rekey.h"

/* "STELECS1": not NUL-terminated on the wire. */
static const unsigned char cs_magic[8] = { 'S', 'T', 'E', 'L', 'E', 'C', 'S', '1' };

#define MAGIC_BYTES   8
/* Every byte that is not writer, summary or payload: magic, format, schema, seq,
 * created_at, writer_len, prev_hash, payload_hash, summary_len, raw_len,
 * payload_len, signature. */
#define FIXED_BYTES   (MAGIC_BYTES + 1 + 2 + 8 + 8 + 1 + 2 * STELE_HASH_BYTES + 2 + 4 + 4 + \
		       STELE_SIG_BYTES)
#define INFLATE_CHUNK (256u << 10)

const char *stele_cs_fault_name(enum stele_cs_fault fault)
{
	switch (fault) {
	case STELE_CS_FAULT_NONE:      return "none";
	case STELE_CS_FAULT_MALFORMED: return "malformed";
	case STELE_CS_FAULT_FORMAT:    return "format";
	case STELE_CS_FAULT_SIGNATURE: return "signature";
	case STELE_CS_FAULT_PAYLOAD:   return "payload";
	case STELE_CS_FAULT_TOO_LARGE: return "too-large";
	case STELE_CS_FAULT_CHANGES:   return "changes";
	}
	return "unknown";
}

void stele_cs_free(struct stele_changeset *cs)
{
	if (!cs)
		return;
	free(cs->summary);
	free(cs->changes);
	free(cs);
}

void stele_cs_hash(unsigned char out[STELE_HASH_BYTES], const unsigned char *data, size_t len)
{
	crypto_hash_sha256(out, data, len);
}

/* sodium_init() is safe to call repeatedly; 0 or STELE_EFAIL. */
static int sodium_ready(void)
{
	if (sodium_init() < 0)
		return stele_error(STELE_EFAIL, "libsodium failed to initialize");
	return 0;
}

/* A writer name on the wire: a 12-digit village code or "county". */
/* A writer that writes a stream (docs/levels.md): a village, a township, or the
 * county. */
static bool writer_valid(const char *w, size_t n)
{
	if (n == sizeof(STELE_WRITER_COUNTY) - 1 && memcmp(w, STELE_WRITER_COUNTY, n) == 0)
		return true;
	if (n != STELE_LEVEL_VILLAGE && n != STELE_LEVEL_TOWNSHIP && n != STELE_LEVEL_CITY)
		return false;
	for (size_t i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return true;
}

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* Appends v as `bytes` big-endian bytes. */
static int append_be(struct stele_buf *buf, uint64_t v, int bytes)
{
	unsigned char b[8];

	put_be(b, v, bytes);
	return stele_buf_append(buf, b, (size_t)bytes);
}

uint64_t stele_cs_peek_seq(const unsigned char *data, size_t len)
{
	/* magic, format (1), schema (2), then seq (8, big-endian). */
	const size_t seq_at = MAGIC_BYTES + 1 + 2;

	if (!data || len < seq_at + 8 || memcmp(data, cs_magic, MAGIC_BYTES) != 0 ||
	    data[MAGIC_BYTES] != STELE_CS_FORMAT)
		return 0;
	return get_be(data + seq_at, 8);
}

bool stele_cs_signed_by(const unsigned char *data, size_t len,
			const unsigned char pk[STELE_PK_BYTES])
{
	/* The signature is the last field, over every byte before it. */
	if (!data || len <= STELE_SIG_BYTES || sodium_ready() < 0)
		return false;
	return crypto_sign_verify_detached(data + len - STELE_SIG_BYTES, data,
					   len - STELE_SIG_BYTES, pk) == 0;
}

/* Encodes into a buffer capped at STELE_CS_MAX_ENCODED; the caller frees *out. */
int stele_cs_encode(unsigned char **out, size_t *out_len, struct stele_changeset *cs,
		    const unsigned char sk[STELE_SK_BYTES])
{
	struct stele_buf buf = STELE_BUF_INIT(STELE_CS_MAX_ENCODED);
	const char *summary = cs->summary ? cs->summary : "";
	const unsigned char *changes = cs->changes ? cs->changes : (const unsigned char *)"";
	unsigned char payload_hash[STELE_HASH_BYTES], sig[STELE_SIG_BYTES];
	unsigned char *payload = NULL;
	size_t writer_len = strnlen(cs->writer, sizeof(cs->writer));
	size_t summary_len = strlen(summary), total, len;
	uLongf payload_len;
	int rc;

	if ((rc = sodium_ready()) < 0)
		return rc;
	if (cs->format != STELE_CS_FORMAT) {
		rc = stele_error(STELE_EINVALID, "cannot encode change-set format %u (only %d)",
				 cs->format, STELE_CS_FORMAT);
		goto done;
	}
	if (cs->schema > 0xffff) {
		rc = stele_error(STELE_EINVALID, "schema version %u does not fit the change-set format",
				 cs->schema);
		goto done;
	}
	if (writer_len > STELE_CS_WRITER_MAX || !writer_valid(cs->writer, writer_len)) {
		rc = stele_error(STELE_EINVALID,
				 "change-set writer is not a 12-digit village code, a 9-digit township "
				 "code, a 4-digit city code or \"county\"");
		goto done;
	}
	if (summary_len > STELE_CS_SUMMARY_MAX || !stele_utf8_valid(summary, summary_len)) {
		rc = stele_error(STELE_EINVALID,
				 "change-set summary is not one line of UTF-8 of at most %u bytes",
				 (unsigned)STELE_CS_SUMMARY_MAX);
		goto done;
	}
	if (cs->changes_len > STELE_CS_MAX_CHANGES) {
		rc = stele_error(STELE_EINVALID, "change set of %zu bytes is past the limit of %u bytes",
				 cs->changes_len, STELE_CS_MAX_CHANGES);
		goto done;
	}
	payload_len = compressBound((uLong)cs->changes_len);
	if (!(payload = malloc(payload_len))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (compress2(payload, &payload_len, changes, (uLong)cs->changes_len,
		      Z_DEFAULT_COMPRESSION) != Z_OK) {
		rc = stele_error(STELE_EFAIL, "compressing the change set failed");
		goto done;
	}
	total = FIXED_BYTES + writer_len + summary_len + payload_len;
	if (total > STELE_CS_MAX_ENCODED) {
		rc = stele_error(STELE_EINVALID,
				 "change set encodes to %zu bytes, past the limit of %u bytes; "
				 "make the change in smaller parts", total, STELE_CS_MAX_ENCODED);
		goto done;
	}
	crypto_hash_sha256(payload_hash, payload, payload_len);
	if ((rc = stele_buf_grow(&buf, total)) < 0 ||
	    (rc = stele_buf_append(&buf, cs_magic, MAGIC_BYTES)) < 0 ||
	    (rc = append_be(&buf, cs->format, 1)) < 0 ||
	    (rc = append_be(&buf, cs->schema, 2)) < 0 ||
	    (rc = append_be(&buf, cs->seq, 8)) < 0 ||
	    (rc = append_be(&buf, (uint64_t)cs->created_at, 8)) < 0 ||
	    (rc = append_be(&buf, writer_len, 1)) < 0 ||
	    (rc = stele_buf_append(&buf, cs->writer, writer_len)) < 0 ||
	    (rc = stele_buf_append(&buf, cs->prev_hash, STELE_HASH_BYTES)) < 0 ||
	    (rc = stele_buf_append(&buf, payload_hash, STELE_HASH_BYTES)) < 0 ||
	    (rc = append_be(&buf, summary_len, 2)) < 0 ||
	    (rc = stele_buf_append(&buf, summary, summary_len)) < 0 ||
	    (rc = append_be(&buf, cs->changes_len, 4)) < 0 ||
	    (rc = append_be(&buf, payload_len, 4)) < 0 ||
	    (rc = stele_buf_append(&buf, payload, payload_len)) < 0)
		goto done;
	crypto_sign_detached(sig, NULL, (const unsigned char *)buf.data, buf.len, sk);
	if ((rc = stele_buf_append(&buf, sig, STELE_SIG_BYTES)) < 0)
		goto done;
	memcpy(cs->payload_hash, payload_hash, STELE_HASH_BYTES);
	*out = (unsigned char *)stele_buf_detach(&buf, &len);
	*out_len = len;
done:
	free(payload);
	stele_buf_free(&buf);
	return rc;
}

/* Records a verification failure: STELE_EVERIFY, and *why set to the reason. */
static int verify_fail(enum stele_cs_fault *why, enum stele_cs_fault fault, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int verify_fail(enum stele_cs_fault *why, enum stele_cs_fault fault, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stele_verror(STELE_EVERIFY, fmt, ap);
	va_end(ap);
	*why = fault;
	return STELE_EVERIFY;
}

/* A cursor over untrusted bytes: every take is checked against what remains. */
struct reader {
	const unsigned char *data;
	size_t len, pos;
};

/* Points *field at the next n bytes, or fails naming the field. */
static int take(const unsigned char **field, struct reader *r, size_t n, const char *name,
		enum stele_cs_fault *why)
{
	if (n > r->len - r->pos) {
		verify_fail(why, STELE_CS_FAULT_MALFORMED, "change set truncated at byte %zu (%s field)",
			    r->len, name);
		return STELE_EVERIFY;
	}
	*field = r->data + r->pos;
	r->pos += n;
	return 0;
}

static int take_be(uint64_t *v, struct reader *r, int bytes, const char *name,
		   enum stele_cs_fault *why)
{
	const unsigned char *p = NULL;
	int rc;

	if ((rc = take(&p, r, (size_t)bytes, name, why)) < 0)
		return rc;
	*v = get_be(p, bytes);
	return 0;
}

/*
 * Inflates a zlib stream into out (initialised by the caller with limit raw_len,
 * freed by the caller), refusing any stream that inflates to more or fewer than
 * raw_len bytes. Output grows in chunks as it is produced, never from raw_len.
 */
static int inflate_capped(struct stele_buf *out, enum stele_cs_fault *why,
			  const unsigned char *in, size_t in_len, size_t raw_len)
{
	z_stream zs;
	unsigned char probe;
	int zrc, rc = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return stele_error(STELE_EFAIL, "out of memory");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_len;
	for (;;) {
		if (out->len == raw_len) {
			/* Full: one more byte of output means it lies (or is a bomb). */
			zs.next_out = &probe;
			zs.avail_out = 1;
			zrc = inflate(&zs, Z_NO_FLUSH);
			if (zs.avail_out == 0) {
				rc = verify_fail(why, STELE_CS_FAULT_TOO_LARGE,
						 "payload inflates past its declared %zu bytes", raw_len);
				goto done;
			}
		} else {
			size_t chunk = raw_len - out->len;

			if (chunk > INFLATE_CHUNK)
				chunk = INFLATE_CHUNK;
			if ((rc = stele_buf_grow(out, chunk)) < 0)
				goto done;
			zs.next_out = (Bytef *)out->data + out->len;
			zs.avail_out = (uInt)chunk;
			zrc = inflate(&zs, Z_NO_FLUSH);
			out->len += chunk - zs.avail_out;
		}
		if (zrc == Z_STREAM_END)
			break;
		if (zrc == Z_OK)
			continue;
		if (zrc == Z_MEM_ERROR) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		/* Z_BUF_ERROR (input ends mid-stream), Z_DATA_ERROR, Z_NEED_DICT. */
		rc = verify_fail(why, STELE_CS_FAULT_PAYLOAD, "payload does not inflate (%s)",
				 zrc == Z_BUF_ERROR ? "compressed stream is cut short"
						    : zs.msg ? zs.msg : "bad compressed data");
		goto done;
	}
	if (out->len != raw_len) {
		rc = verify_fail(why, STELE_CS_FAULT_PAYLOAD,
				 "payload inflates to %zu bytes, not the declared %zu", out->len, raw_len);
		goto done;
	}
	if (zs.avail_in != 0) {
		rc = verify_fail(why, STELE_CS_FAULT_PAYLOAD,
				 P_("%u byte follows the payload's compressed stream",
				    "%u bytes follow the payload's compressed stream", zs.avail_in),
				 (unsigned)zs.avail_in);
		goto done;
	}
	if (out->data)
		out->data[out->len] = '\0';
done:
	inflateEnd(&zs);
	return rc;
}

/*
 * Decodes strictly (docs/format.md "Checks"). On success *out is a new change set
 * the caller frees with stele_cs_free(), and *fault (if non-NULL) is NONE. Failures
 * of the bytes are STELE_EVERIFY with *fault set; running out of memory is
 * STELE_EFAIL with *fault NONE (not the change set's fault: do not quarantine).
 */
int stele_cs_decode(struct stele_changeset **out, enum stele_cs_fault *fault,
		    const unsigned char *data, size_t len, const unsigned char *pk)
{
	struct reader r = { data, len, 0 };
	struct stele_buf changes = STELE_BUF_INIT(0);
	struct stele_changeset *cs = NULL;
	enum stele_cs_fault why = STELE_CS_FAULT_NONE;
	const unsigned char *magic = NULL, *writer = NULL, *prev_hash = NULL, *payload_hash = NULL;
	const unsigned char *summary = NULL, *payload = NULL, *sig = NULL;
	unsigned char hash[STELE_HASH_BYTES];
	uint64_t format = 0, schema = 0, seq = 0, created_at = 0, writer_len = 0, summary_len = 0;
	uint64_t raw_len = 0, payload_len = 0;
	size_t signed_len;
	int rc;

	if ((rc = sodium_ready()) < 0)
		goto done;
	if (len > STELE_CS_MAX_ENCODED) {
		rc = verify_fail(&why, STELE_CS_FAULT_TOO_LARGE,
				 "change set of %zu bytes is past the limit of %u bytes", len,
				 STELE_CS_MAX_ENCODED);
		goto done;
	}
	if ((rc = take(&magic, &r, MAGIC_BYTES, "magic", &why)) < 0)
		goto done;
	if (memcmp(magic, cs_magic, MAGIC_BYTES) != 0) {
		rc = verify_fail(&why, STELE_CS_FAULT_MALFORMED,
				 "not a Stele change set (bad magic at byte 0)");
		goto done;
	}
	if ((rc = take_be(&format, &r, 1, "format", &why)) < 0)
		goto done;
	if (format != STELE_CS_FORMAT) {
		rc = verify_fail(&why, STELE_CS_FAULT_FORMAT,
				 "change-set format %u is not one this program knows (it reads %d)",
				 (unsigned)format, STELE_CS_FORMAT);
		goto done;
	}
	if ((rc = take_be(&schema, &r, 2, "schema", &why)) < 0 ||
	    (rc = take_be(&seq, &r, 8, "seq", &why)) < 0 ||
	    (rc = take_be(&created_at, &r, 8, "created_at", &why)) < 0 ||
	    (rc = take_be(&writer_len, &r, 1, "writer length", &why)) < 0 ||
	    (rc = take(&writer, &r, writer_len, "writer", &why)) < 0)
		goto done;
	if (writer_len == 0 || writer_len > STELE_CS_WRITER_MAX ||
	    !writer_valid((const char *)writer, writer_len)) {
		rc = verify_fail(&why, STELE_CS_FAULT_MALFORMED,
				 "change-set writer at byte 28 is not a 12-digit village code, a "
				 "9-digit township code, a 4-digit city code or \"county\"");
		goto done;
	}
	if ((rc = take(&prev_hash, &r, STELE_HASH_BYTES, "prev_hash", &why)) < 0 ||
	    (rc = take(&payload_hash, &r, STELE_HASH_BYTES, "payload_hash", &why)) < 0 ||
	    (rc = take_be(&summary_len, &r, 2, "summary length", &why)) < 0)
		goto done;
	if (summary_len > STELE_CS_SUMMARY_MAX) {
		rc = verify_fail(&why, STELE_CS_FAULT_MALFORMED,
				 "summary length %u at byte %zu is past the limit of %u bytes",
				 (unsigned)summary_len, r.pos - 2, (unsigned)STELE_CS_SUMMARY_MAX);
		goto done;
	}
	if ((rc = take(&summary, &r, summary_len, "summary", &why)) < 0)
		goto done;
	if (!stele_utf8_valid((const char *)summary, summary_len)) {
		rc = verify_fail(&why, STELE_CS_FAULT_MALFORMED,
				 "summary at byte %zu is not one line of UTF-8", r.pos - summary_len);
		goto done;
	}
	if ((rc = take_be(&raw_len, &r, 4, "raw length", &why)) < 0 ||
	    (rc = take_be(&payload_len, &r, 4, "payload length", &why)) < 0)
		goto done;
	if (payload_len > r.len - r.pos) {
		rc = verify_fail(&why, STELE_CS_FAULT_MALFORMED,
				 "payload length %llu at byte %zu is more than the %zu bytes that remain",
				 (unsigned long long)payload_len, r.pos - 4, r.len - r.pos);
		goto done;
	}
	if ((rc = take(&payload, &r, payload_len, "payload", &why)) < 0)
		goto done;
	signed_len = r.pos;
	if ((rc = take(&sig, &r, STELE_SIG_BYTES, "signature", &why)) < 0)
		goto done;
	if (r.pos != r.len) {
		rc = verify_fail(&why, STELE_CS_FAULT_MALFORMED,
				 P_("%zu byte follows the signature (which ends at byte %zu)",
				    "%zu bytes follow the signature (which ends at byte %zu)",
				    r.len - r.pos), r.len - r.pos, r.pos);
		goto done;
	}
	if (raw_len > STELE_CS_MAX_CHANGES) {
		rc = verify_fail(&why, STELE_CS_FAULT_TOO_LARGE,
				 "row changes of %llu bytes are past the limit of %u bytes",
				 (unsigned long long)raw_len, STELE_CS_MAX_CHANGES);
		goto done;
	}
	if (pk && crypto_sign_verify_detached(sig, data, signed_len, pk) != 0) {
		rc = verify_fail(&why, STELE_CS_FAULT_SIGNATURE,
				 "signature does not verify against the writer's key");
		goto done;
	}
	crypto_hash_sha256(hash, payload, payload_len);
	if (sodium_memcmp(hash, payload_hash, STELE_HASH_BYTES) != 0) {
		rc = verify_fail(&why, STELE_CS_FAULT_PAYLOAD, "payload hash does not match the payload");
		goto done;
	}
	stele_buf_init(&changes, raw_len);
	if ((rc = inflate_capped(&changes, &why, payload, payload_len, raw_len)) < 0 ||
	    (rc = stele_cs_walk(&why, changes.data, changes.len, NULL, NULL)) < 0 ||
	    /* Signed and hashed as written; read with today's keys (lib/rekey.h). */
	    (rc = stele_rekey_legacy((unsigned char *)changes.data, changes.len)) < 0)
		goto done;
	if (!(cs = calloc(1, sizeof(*cs))) || !(cs->summary = malloc(summary_len + 1))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	memcpy(cs->summary, summary, summary_len);
	cs->summary[summary_len] = '\0';
	cs->format = (unsigned)format;
	cs->schema = (unsigned)schema;
	cs->seq = seq;
	cs->created_at = (int64_t)created_at;
	memcpy(cs->writer, writer, writer_len);
	cs->writer[writer_len] = '\0';
	memcpy(cs->prev_hash, prev_hash, STELE_HASH_BYTES);
	memcpy(cs->payload_hash, payload_hash, STELE_HASH_BYTES);
	if (!(cs->changes = (unsigned char *)stele_buf_detach(&changes, &cs->changes_len))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	*out = cs;
	cs = NULL;
done:
	if (fault)
		*fault = rc == STELE_EVERIFY ? why : STELE_CS_FAULT_NONE;
	stele_cs_free(cs);
	stele_buf_free(&changes);
	return rc;
}
