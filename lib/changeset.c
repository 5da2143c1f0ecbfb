/* changeset.c: the signed change-set byte format (docs/format.md), its one-line summaries, and writers' keys. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>

#include "buf.h"
#include "changeset.h"
#include "error.h"
#include "fileio.h"
#include "parse.h"

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
static bool writer_valid(const char *w, size_t n)
{
	if (n == sizeof(STELE_WRITER_COUNTY) - 1 && memcmp(w, STELE_WRITER_COUNTY, n) == 0)
		return true;
	if (n != 12)
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
				 "change-set writer is neither a 12-digit village code nor \"county\"");
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
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*why = fault;
	return stele_error(STELE_EVERIFY, "%s", msg);
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
				 "%u byte%s the payload's compressed stream", (unsigned)zs.avail_in,
				 zs.avail_in == 1 ? " follows" : "s follow");
		goto done;
	}
	if (out->data)
		out->data[out->len] = '\0';
done:
	inflateEnd(&zs);
	return rc;
}

/* The row changes: our own walk of SQLite's changeset format (see changeset.h). */

/* Where the walk is, and the row being read (kept here: ~4 KiB). */
struct walk {
	const unsigned char *p;
	size_t len, pos;
	struct stele_cs_row row;
	enum stele_cs_fault *why;
};

/* Records a structural failure at byte at. */
static int walk_fail(struct walk *w, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int walk_fail(struct walk *w, size_t at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return verify_fail(w->why, STELE_CS_FAULT_CHANGES, "row changes: byte %zu: %s", at, msg);
}

/*
 * An SQLite varint (1..9 bytes, big-endian groups of 7 bits, the ninth byte whole)
 * whose value is at most max. A leading zero group is refused: SQLite writes none.
 */
static int walk_varint(uint64_t *out, struct walk *w, uint64_t max, const char *what)
{
	size_t at = w->pos;
	uint64_t v = 0;

	for (int i = 0; i < 9; i++) {
		unsigned char b;

		if (w->pos >= w->len)
			return walk_fail(w, at, "%s is cut short", what);
		b = w->p[w->pos++];
		if (i == 0 && b == 0x80)
			return walk_fail(w, at, "%s is not a minimal varint", what);
		if (i == 8) {
			v = v << 8 | b;
			break;
		}
		v = v << 7 | (b & 0x7f);
		if (!(b & 0x80))
			break;
	}
	if (v > max)
		return walk_fail(w, at, "%s %llu is past %llu", what, (unsigned long long)v,
				 (unsigned long long)max);
	*out = v;
	return 0;
}

/* A table header, from its 'T'. */
static int walk_table(struct walk *w)
{
	bool place_seen[STELE_CS_MAX_COLUMNS + 1] = { false };
	size_t at = w->pos, name_at, n;
	uint64_t ncol;
	int keys = 0, top = 0, rc;

	w->pos++;
	if ((rc = walk_varint(&ncol, w, STELE_CS_MAX_COLUMNS, "column count")) < 0)
		return rc;
	if (ncol == 0)
		return walk_fail(w, at, "table header has no columns");
	if (ncol > w->len - w->pos)
		return walk_fail(w, w->pos, "primary-key flags are cut short");
	for (size_t i = 0; i < ncol; i++) {
		unsigned char place = w->p[w->pos + i];

		if (place == 0)
			continue;
		if (place > ncol || place_seen[place])
			return walk_fail(w, w->pos + i, "primary-key flag %u of column %zu is not a "
					 "place 1..%u in the key", place, i, (unsigned)ncol);
		place_seen[place] = true;
		keys++;
		if (place > top)
			top = place;
	}
	if (keys == 0)
		return walk_fail(w, w->pos, "table has no primary key");
	if (top != keys)
		return walk_fail(w, w->pos, "primary-key flags skip a place (%d columns, place %d)",
				 keys, top);
	w->row.ncol = (int)ncol;
	w->row.pk = w->p + w->pos;
	w->pos += ncol;
	name_at = w->pos;
	for (n = 0; n <= STELE_CS_MAX_NAME && name_at + n < w->len && w->p[name_at + n]; n++) {
		unsigned char c = w->p[name_at + n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return walk_fail(w, name_at + n, "table name holds byte 0x%02x", c);
	}
	if (n > STELE_CS_MAX_NAME)
		return walk_fail(w, name_at, "table name is longer than %d bytes", STELE_CS_MAX_NAME);
	if (name_at + n >= w->len)
		return walk_fail(w, name_at, "table name is not NUL-terminated");
	if (n == 0)
		return walk_fail(w, name_at, "table name is empty");
	w->row.table = (const char *)w->p + name_at;
	w->pos = name_at + n + 1;
	return 0;
}

/* One value; type 0 (undefined) only where may_be_undefined. */
static int walk_value(struct stele_cs_value *v, struct walk *w, bool may_be_undefined)
{
	size_t at = w->pos;
	uint64_t n;
	int rc;

	memset(v, 0, sizeof(*v));
	if (w->pos >= w->len)
		return walk_fail(w, at, "record is cut short");
	v->type = w->p[w->pos++];
	switch (v->type) {
	case 0:
		if (!may_be_undefined)
			return walk_fail(w, at, "undefined value where the record must be complete");
		return 0;
	case SQLITE_NULL:
		return 0;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		if (w->len - w->pos < 8)
			return walk_fail(w, at, "%s value is cut short",
					 v->type == SQLITE_INTEGER ? "integer" : "real");
		v->integer = (int64_t)get_be(w->p + w->pos, 8);
		w->pos += 8;
		return 0;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		if ((rc = walk_varint(&n, w, w->len - w->pos,
				      v->type == SQLITE_TEXT ? "text length" : "blob length")) < 0)
			return rc;
		if (n > w->len - w->pos) /* the varint's own bytes came off what remained */
			return walk_fail(w, at, "value of %llu bytes runs past the end",
					 (unsigned long long)n);
		v->bytes = w->p + w->pos;
		v->len = (size_t)n;
		w->pos += (size_t)n;
		return 0;
	}
	return walk_fail(w, at, "value type 0x%02x is not one of 0..5", (unsigned)v->type);
}

/* A record of ncol values. */
static int walk_record(struct stele_cs_value *values, struct walk *w, bool may_be_undefined)
{
	int rc;

	for (int i = 0; i < w->row.ncol; i++)
		if ((rc = walk_value(&values[i], w, may_be_undefined)) < 0)
			return rc;
	return 0;
}

/* One row change, from its operation byte. */
static int walk_row(struct walk *w)
{
	struct stele_cs_row *r = &w->row;
	size_t at = w->pos;
	bool changed = false;
	int rc;

	if (w->len - w->pos < 2)
		return walk_fail(w, at, "row change is cut short");
	r->op = w->p[w->pos];
	r->indirect = w->p[w->pos + 1];
	r->offset = at;
	if (r->op != SQLITE_INSERT && r->op != SQLITE_UPDATE && r->op != SQLITE_DELETE)
		return walk_fail(w, at, "operation byte 0x%02x is not insert, update or delete",
				 (unsigned)r->op);
	if (r->indirect != 0 && r->indirect != 1)
		return walk_fail(w, at + 1, "indirect flag is 0x%02x, not 0 or 1",
				 (unsigned)r->indirect);
	w->pos += 2;
	if (r->op != SQLITE_INSERT && (rc = walk_record(r->old_values, w, r->op == SQLITE_UPDATE)) < 0)
		return rc;
	if (r->op != SQLITE_DELETE && (rc = walk_record(r->new_values, w, r->op == SQLITE_UPDATE)) < 0)
		return rc;
	if (r->op != SQLITE_UPDATE)
		return 0;
	for (int i = 0; i < r->ncol; i++) {
		bool had = r->old_values[i].type != 0, has = r->new_values[i].type != 0;

		if (r->pk[i] && (!had || has))
			return walk_fail(w, at, "update of %s must name key column %d in its old record "
					 "and leave it alone in its new one", r->table, i);
		if (!r->pk[i] && had != has)
			return walk_fail(w, at, "update of %s has column %d in only one of its records",
					 r->table, i);
		changed |= has;
	}
	if (!changed)
		return walk_fail(w, at, "update of %s changes no column", r->table);
	return 0;
}

int stele_cs_walk(enum stele_cs_fault *fault, const void *changes, size_t len,
		  stele_cs_row_fn fn, void *ctx)
{
	enum stele_cs_fault why = STELE_CS_FAULT_NONE;
	struct walk *w = NULL;
	unsigned long rows_in_table = 0;
	size_t table_at = 0;
	int rc = 0;

	if (len > STELE_CS_MAX_CHANGES) {
		rc = verify_fail(&why, STELE_CS_FAULT_TOO_LARGE,
				 "row changes of %zu bytes are past the limit of %u bytes", len,
				 STELE_CS_MAX_CHANGES);
		goto done;
	}
	if (!(w = calloc(1, sizeof(*w)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	w->p = changes;
	w->len = len;
	w->why = &why;
	/* Each turn consumes at least one byte: the walk ends. */
	while (w->pos < w->len) {
		unsigned char b = w->p[w->pos];

		if (b == 'T' || b == 'P') {
			if (b == 'P') {
				rc = walk_fail(w, w->pos, "a patchset table header; only changesets "
					       "are accepted");
				goto done;
			}
			if (w->row.table && rows_in_table == 0) {
				rc = walk_fail(w, table_at, "table %s has no row changes", w->row.table);
				goto done;
			}
			table_at = w->pos;
			rows_in_table = 0;
			if ((rc = walk_table(w)) < 0)
				goto done;
			continue;
		}
		if (!w->row.table) {
			rc = walk_fail(w, 0, "starts with byte 0x%02x, not a table header", b);
			goto done;
		}
		if ((rc = walk_row(w)) < 0)
			goto done;
		rows_in_table++;
		w->row.number++;
		if (fn && (rc = fn(ctx, &w->row)) != 0)
			goto done;
	}
	if (w->row.table && rows_in_table == 0)
		rc = walk_fail(w, table_at, "table %s has no row changes", w->row.table);
done:
	if (fault)
		*fault = rc == STELE_EVERIFY ? why : STELE_CS_FAULT_NONE;
	free(w);
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
				 "change-set writer at byte 28 is neither a 12-digit village code "
				 "nor \"county\"");
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
				 "%zu byte%s the signature (which ends at byte %zu)", r.len - r.pos,
				 r.len - r.pos == 1 ? " follows" : "s follow", r.pos);
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
	    (rc = stele_cs_walk(&why, changes.data, changes.len, NULL, NULL)) < 0)
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

/* Summaries. */

enum verb { V_ADDED, V_CHANGED, V_REMOVED, V_CLOSED, V_REOPENED, V_RESOLVED, V_REVIEWED,
	    V_REJECTED };
static const char *const verb_words[] = {
	"added", "changed", "removed", "closed", "reopened", "resolved", "reviewed", "rejected",
};

/* What an update means beyond "changed", read from one column's new value. */
enum special { SP_NONE, SP_TASK, SP_REQUEST, SP_EVENT, SP_MONTH };

struct kind {
	const char *table, *one, *many;
	bool village;    /* first primary-key column is village_code: not part of the id */
	enum special special;
	int column;      /* the column SP_TASK / SP_REQUEST / SP_EVENT read */
};

static const struct kind kinds[] = {
	{ "member", "member", "members", true, SP_NONE, 0 },
	{ "point_event", "point event", "point events", true, SP_EVENT, 6 },          /* stage */
	{ "task", "task", "tasks", true, SP_TASK, 6 },                                /* closed_on */
	{ "request", "request", "requests", true, SP_REQUEST, 5 },                    /* resolved_on */
	{ "income", "income entry", "income entries", true, SP_NONE, 0 },
	{ "assessment", "assessment item", "assessment items", true, SP_NONE, 0 },
	{ "period_close", "month", "months", true, SP_MONTH, 0 },
	{ "writer_key", "signing key from seq", "signing keys", true, SP_NONE, 0 },
	{ "point_rule", "point rule", "point rules", false, SP_NONE, 0 },
	{ "standard_item", "standard item", "standard items", false, SP_NONE, 0 },
	{ "veto_item", "veto item", "veto items", false, SP_NONE, 0 },
	{ "veto_event", "veto event", "veto events", false, SP_NONE, 0 },
	{ "ranking_config", "ranking setting", "ranking settings", false, SP_NONE, 0 },
	{ "village", "village", "villages", false, SP_NONE, 0 },
};
#define KIND_COUNT ((int)(sizeof(kinds) / sizeof(kinds[0])))

#define GROUPS_MAX 64   /* distinct (table, verb) pairs named; the rest are counted */
#define ID_MAX     64   /* bytes of a row id worth naming */
#define TABLE_MAX  32   /* bytes of an unknown table's name shown */

struct group {
	int kind;                       /* index in kinds, or -1 for another table */
	char table[TABLE_MAX + 1];      /* another table's name, made printable */
	enum verb verb;
	uint64_t count;
	char id[ID_MAX + 1];            /* the first row's id; "" if not nameable */
};

struct summary {
	struct group groups[GROUPS_MAX];
	int ngroups;
	uint64_t others;                /* rows past GROUPS_MAX groups */
};

/* Appends one value of a key to id (capped at ID_MAX); false if not nameable. */
static bool id_append(char *id, sqlite3_value *v)
{
	char num[32];
	const char *text;
	size_t have = strlen(id), n;

	if (!v)
		return false;
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)sqlite3_value_int64(v));
		text = num;
		n = strlen(num);
		break;
	case SQLITE_TEXT:
		text = (const char *)sqlite3_value_text(v);
		n = (size_t)sqlite3_value_bytes(v);
		if (!text || n == 0 || !stele_utf8_valid(text, n))
			return false;
		break;
	default:
		return false;
	}
	if (have + (have ? 1 : 0) + n > ID_MAX)
		return false;
	if (have)
		id[have++] = ' ';
	memcpy(id + have, text, n);
	id[have + n] = '\0';
	return true;
}

/* The row's id: its primary-key values (less village_code), or "" if not nameable. */
static void row_id(char id[ID_MAX + 1], sqlite3_changeset_iter *it, const struct kind *k,
		   int op, int ncol)
{
	unsigned char *pk;
	int npk;

	id[0] = '\0';
	if (!k || sqlite3changeset_pk(it, &pk, &npk) != SQLITE_OK)
		return;
	for (int i = k->village ? 1 : 0; i < npk && i < ncol; i++) {
		sqlite3_value *v = NULL;

		if (!pk[i])
			continue;
		if ((op == SQLITE_INSERT ? sqlite3changeset_new(it, i, &v)
					 : sqlite3changeset_old(it, i, &v)) != SQLITE_OK ||
		    !id_append(id, v)) {
			id[0] = '\0';
			return;
		}
	}
}

static enum verb row_verb(sqlite3_changeset_iter *it, const struct kind *k, int op, int ncol)
{
	sqlite3_value *v = NULL;

	if (op == SQLITE_INSERT)
		return k && k->special == SP_MONTH ? V_CLOSED : V_ADDED;
	if (op == SQLITE_DELETE)
		return k && k->special == SP_MONTH ? V_REOPENED : V_REMOVED;
	if (!k || k->special == SP_NONE || k->special == SP_MONTH || k->column >= ncol ||
	    sqlite3changeset_new(it, k->column, &v) != SQLITE_OK || !v)
		return V_CHANGED;
	switch (k->special) {
	case SP_TASK:
		return sqlite3_value_type(v) == SQLITE_NULL ? V_REOPENED : V_CLOSED;
	case SP_REQUEST:
		return sqlite3_value_type(v) == SQLITE_NULL ? V_REOPENED : V_RESOLVED;
	case SP_EVENT: {
		const unsigned char *stage = sqlite3_value_type(v) == SQLITE_TEXT
						     ? sqlite3_value_text(v) : NULL;

		return stage && strcmp((const char *)stage, "rejected") == 0 ? V_REJECTED
									       : V_REVIEWED;
	}
	default:
		return V_CHANGED;
	}
}

/* Another table's name, kept to printable ASCII. */
static void table_shown(char out[TABLE_MAX + 1], const char *table)
{
	size_t i;

	for (i = 0; table[i] && i < TABLE_MAX; i++)
		out[i] = table[i] > 0x20 && table[i] < 0x7f ? table[i] : '?';
	out[i] = '\0';
}

static void summary_add(struct summary *s, int kind, const char *table, enum verb verb,
			const char *id)
{
	char shown[TABLE_MAX + 1] = "";
	struct group *g;

	if (kind < 0)
		table_shown(shown, table);
	for (int i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		if (g->kind == kind && g->verb == verb && strcmp(g->table, shown) == 0) {
			g->count++;
			return;
		}
	}
	if (s->ngroups == GROUPS_MAX) {
		s->others++;
		return;
	}
	g = &s->groups[s->ngroups++];
	g->kind = kind;
	strcpy(g->table, shown);
	g->verb = verb;
	g->count = 1;
	strcpy(g->id, id);
}

/* Cuts text past STELE_CS_SUMMARY_MAX after a whole item (or a whole character) and
 * appends "…". */
static void summary_truncate(struct stele_buf *b)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t cut = STELE_CS_SUMMARY_MAX - (sizeof(ellipsis) - 1), i;

	if (b->len <= STELE_CS_SUMMARY_MAX)
		return;
	for (i = cut; i >= 2; i--)
		if (b->data[i - 2] == ',' && b->data[i - 1] == ' ')
			break;
	if (i >= 2)
		cut = i;
	else
		while (cut > 0 && ((unsigned char)b->data[cut] & 0xc0) == 0x80)
			cut--;
	memcpy(b->data + cut, ellipsis, sizeof(ellipsis));
	b->len = cut + sizeof(ellipsis) - 1;
}

/* *out is malloc'd and freed by the caller. */
int stele_cs_summarize(char **out, const void *changes, size_t len)
{
	struct stele_buf buf = STELE_BUF_INIT(64u << 10);
	struct summary *s = NULL;
	sqlite3_changeset_iter *it = NULL;
	char *text;
	int rc = 0, src;

	if (len > STELE_CS_MAX_CHANGES)
		return stele_error(STELE_EINVALID, "change set of %zu bytes is past the limit of %u bytes",
				   len, STELE_CS_MAX_CHANGES);
	if (!(s = calloc(1, sizeof(*s)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (len > 0) {
		/* SQLite's iterator sees only bytes our walk accepted. */
		if ((rc = stele_cs_walk(NULL, changes, len, NULL, NULL)) < 0) {
			if (rc == STELE_EVERIFY)
				rc = stele_error(STELE_EINVALID, "%s", stele_error_message());
			goto done;
		}
		if (sqlite3changeset_start(&it, (int)len, (void *)changes) != SQLITE_OK) {
			rc = stele_error(STELE_EINVALID, "row changes do not parse as a SQLite changeset");
			goto done;
		}
		while ((src = sqlite3changeset_next(it)) == SQLITE_ROW) {
			const struct kind *k = NULL;
			const char *table;
			char id[ID_MAX + 1];
			int ncol, op, indirect, kind = -1;

			if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) != SQLITE_OK) {
				src = SQLITE_CORRUPT;
				break;
			}
			for (int i = 0; i < KIND_COUNT; i++)
				if (strcmp(kinds[i].table, table) == 0) {
					k = &kinds[i];
					kind = i;
				}
			row_id(id, it, k, op, ncol);
			summary_add(s, kind, table, row_verb(it, k, op, ncol), id);
		}
		if (src != SQLITE_DONE) {
			rc = stele_error(STELE_EINVALID, "row changes do not parse as a SQLite changeset");
			goto done;
		}
	}
	for (int i = 0; i < s->ngroups; i++) {
		const struct group *g = &s->groups[i];
		const char *sep = i ? ", " : "";
		const char *verb = verb_words[g->verb];

		if (g->kind < 0)
			rc = stele_buf_printf(&buf, "%s%llu %s row%s %s", sep, (unsigned long long)g->count,
					      g->table, g->count == 1 ? "" : "s", verb);
		else if (g->count == 1 && g->id[0])
			rc = stele_buf_printf(&buf, "%s%s %s %s", sep, kinds[g->kind].one, g->id, verb);
		else
			rc = stele_buf_printf(&buf, "%s%llu %s %s", sep, (unsigned long long)g->count,
					      g->count == 1 ? kinds[g->kind].one : kinds[g->kind].many,
					      verb);
		if (rc < 0)
			goto done;
	}
	if (s->others && (rc = stele_buf_printf(&buf, ", %llu other row%s changed",
						(unsigned long long)s->others,
						s->others == 1 ? "" : "s")) < 0)
		goto done;
	if (s->ngroups == 0 && (rc = stele_buf_puts(&buf, "no changes")) < 0)
		goto done;
	summary_truncate(&buf);
	if (!(text = stele_buf_detach(&buf, NULL))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	*out = text;
done:
	sqlite3changeset_finalize(it);
	stele_buf_free(&buf);
	free(s);
	return rc;
}

/* Keys. */

#define KEY_HEX (2 * STELE_SK_BYTES)

int stele_key_save(const char *path, const unsigned char sk[STELE_SK_BYTES])
{
	char hex[KEY_HEX + 2];
	int rc;

	stele_hex_encode(hex, sk, STELE_SK_BYTES);
	hex[KEY_HEX] = '\n';
	hex[KEY_HEX + 1] = '\0';
	rc = stele_file_create(path, hex, KEY_HEX + 1, 0600, "key file");
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/* Writes the secret key to a new file; pk is written only on success. */
int stele_key_generate(unsigned char pk[STELE_PK_BYTES], const char *path)
{
	unsigned char sk[STELE_SK_BYTES], pub[STELE_PK_BYTES];
	int rc;

	if ((rc = sodium_ready()) < 0)
		return rc;
	crypto_sign_keypair(pub, sk);
	if ((rc = stele_key_save(path, sk)) == 0)
		memcpy(pk, pub, STELE_PK_BYTES);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

/* Fills sk only on success; the caller should sodium_memzero it when done. */
int stele_key_load(unsigned char sk[STELE_SK_BYTES], const char *path)
{
	unsigned char key[STELE_SK_BYTES], seed_sk[STELE_SK_BYTES], pub[STELE_PK_BYTES];
	char hex[KEY_HEX + 8];
	size_t have = 0;
	struct stat st;
	int fd, rc = 0;

	if ((rc = sodium_ready()) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return stele_error(STELE_EFAIL, "cannot open key file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = stele_error(STELE_EFAIL, "cannot stat key file %s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = stele_error(STELE_EINVALID, "key file %s is not a regular file", path);
		goto done;
	}
	if (st.st_mode & 077) {
		rc = stele_error(STELE_EINVALID,
				 "key file %s is open to group or others (mode %04o); chmod 600 it",
				 path, (unsigned)(st.st_mode & 07777));
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, hex + have, sizeof(hex) - 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = stele_error(STELE_EFAIL, "cannot read key file %s: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0 || (have += (size_t)n) == sizeof(hex) - 1)
			break;
	}
	hex[have] = '\0';
	if (have != KEY_HEX + 1 || hex[KEY_HEX] != '\n' ||
	    strspn(hex, "0123456789abcdef") != KEY_HEX) {
		rc = stele_error(STELE_EINVALID,
				 "key file %s is not 128 lowercase hex digits and a newline", path);
		goto done;
	}
	hex[KEY_HEX] = '\0';
	if (stele_hex_decode(key, STELE_SK_BYTES, hex) != 0) {
		rc = stele_error(STELE_EINVALID, "key file %s is not hex", path);
		goto done;
	}
	/* A libsodium secret key is seed || public key: the halves must agree. */
	crypto_sign_seed_keypair(pub, seed_sk, key);
	if (sodium_memcmp(seed_sk, key, STELE_SK_BYTES) != 0) {
		rc = stele_error(STELE_EINVALID, "key file %s is damaged (its halves disagree)", path);
		goto done;
	}
	memcpy(sk, key, STELE_SK_BYTES);
done:
	close(fd);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(seed_sk, sizeof(seed_sk));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

void stele_key_public(unsigned char pk[STELE_PK_BYTES], const unsigned char sk[STELE_SK_BYTES])
{
	crypto_sign_ed25519_sk_to_pk(pk, sk);
}
