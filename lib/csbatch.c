/* csbatch.c: several encoded change sets in one commit's blob (csbatch.h). */
#include <string.h>

#include "changeset.h"
#include "csbatch.h"
#include "error.h"

bool stele_csbatch_is(const void *data, size_t len)
{
	return data && len >= STELE_CSBATCH_MAGIC_LEN &&
	       memcmp(data, STELE_CSBATCH_MAGIC, STELE_CSBATCH_MAGIC_LEN) == 0;
}

/* The length field at p (4 bytes, big-endian). */
static size_t item_len_at(const unsigned char *p)
{
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | (size_t)p[3];
}

int stele_csbatch_scan(const unsigned char **last, size_t *last_len, const unsigned char *data,
		       size_t len)
{
	size_t at = STELE_CSBATCH_MAGIC_LEN, n = 0, item = 0, item_at = 0;

	while (at < len) {
		if (len - at < STELE_CSBATCH_ITEM_HEAD)
			return stele_error(STELE_EVERIFY, "the batch's item %zu is cut short", n + 1);
		item = item_len_at(data + at);
		at += STELE_CSBATCH_ITEM_HEAD;
		if (item == 0 || item > STELE_CS_MAX_ENCODED || item > len - at)
			return stele_error(STELE_EVERIFY, "the batch's item %zu says it is %zu bytes, "
					   "where %zu remain (at most %u)", n + 1, item, len - at,
					   STELE_CS_MAX_ENCODED);
		item_at = at;
		at += item;
		n++;
	}
	if (n == 0)
		return stele_error(STELE_EVERIFY, "the batch holds no change set");
	*last = data + item_at;
	*last_len = item;
	return 0;
}

int stele_csbatch_next(const unsigned char **item, size_t *item_len, size_t *at,
		       const unsigned char *data, size_t len)
{
	size_t n;

	if (*at == 0)
		*at = STELE_CSBATCH_MAGIC_LEN;
	if (*at >= len)
		return 0;
	n = item_len_at(data + *at);
	*item = data + *at + STELE_CSBATCH_ITEM_HEAD;
	*item_len = n;
	*at += STELE_CSBATCH_ITEM_HEAD + n;
	return 1;
}

size_t stele_csbatch_grown(size_t batch_len, size_t len)
{
	return (batch_len ? batch_len : STELE_CSBATCH_MAGIC_LEN) + STELE_CSBATCH_ITEM_HEAD + len;
}

bool stele_csbatch_fits(size_t batch_len, size_t len)
{
	if (len == 0 || len > STELE_CS_MAX_ENCODED)
		return false;
	return batch_len == 0 || stele_csbatch_grown(batch_len, len) <= STELE_CS_MAX_ENCODED;
}

int stele_csbatch_add(struct stele_buf *b, const void *cs, size_t len)
{
	unsigned char head[STELE_CSBATCH_ITEM_HEAD] = {
		(unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len,
	};

	if (!stele_csbatch_fits(b->len, len))
		return stele_error(STELE_EINVALID, "a change set of %zu bytes does not fit in the "
				   "batch", len);
	if (b->len == 0)
		stele_buf_append(b, STELE_CSBATCH_MAGIC, STELE_CSBATCH_MAGIC_LEN);
	stele_buf_append(b, head, sizeof(head));
	stele_buf_append(b, cs, len);
	return stele_buf_error(b); /* out of memory, or a buffer smaller than the batch */
}
