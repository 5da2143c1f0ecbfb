/* test-csbatch.c: batches of encoded change sets: building, the size rules, and
 * framing that lies. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "buf.h"
#include "changeset.h"
#include "csbatch.h"
#include "error.h"

static void test_round_trip(void **state)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_CSBATCH_BUF_MAX);
	const unsigned char *item, *last;
	size_t item_len, last_len, at = 0;
	const char *parts[] = { "one", "second", "3" };

	(void)state;
	assert_false(stele_csbatch_is(NULL, 0));
	for (int i = 0; i < 3; i++)
		assert_int_equal(stele_csbatch_add(&b, parts[i], strlen(parts[i])), 0);
	assert_true(stele_csbatch_is(b.data, b.len));
	assert_int_equal(b.len, 8 + 3 * 4 + 3 + 6 + 1);
	assert_memory_equal(b.data, "STELECB1\0\0\0\3one", 15);
	assert_int_equal(stele_csbatch_scan(&last, &last_len, (unsigned char *)b.data, b.len), 0);
	assert_int_equal(last_len, 1);
	assert_memory_equal(last, "3", 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(stele_csbatch_next(&item, &item_len, &at, (unsigned char *)b.data,
						    b.len), 1);
		assert_int_equal(item_len, strlen(parts[i]));
		assert_memory_equal(item, parts[i], item_len);
	}
	assert_int_equal(stele_csbatch_next(&item, &item_len, &at, (unsigned char *)b.data, b.len), 0);
	stele_buf_free(&b);
}

static void test_size_rules(void **state)
{
	(void)state;
	/* Alone, any change set the format allows; after others, within the file's limit. */
	assert_true(stele_csbatch_fits(0, STELE_CS_MAX_ENCODED));
	assert_false(stele_csbatch_fits(0, STELE_CS_MAX_ENCODED + 1));
	assert_false(stele_csbatch_fits(0, 0));
	assert_int_equal(stele_csbatch_grown(0, 10), 8 + 4 + 10);
	assert_int_equal(stele_csbatch_grown(22, 10), 22 + 4 + 10);
	assert_true(stele_csbatch_fits(22, STELE_CS_MAX_ENCODED - 26));
	assert_false(stele_csbatch_fits(22, STELE_CS_MAX_ENCODED - 25));
	assert_false(stele_csbatch_fits(22, STELE_CS_MAX_ENCODED));
}

/* Framing that lies is refused whole, naming what is wrong. */
static void test_broken_framing(void **state)
{
	static const struct { const char *bytes; size_t len; const char *why; } cases[] = {
		{ "STELECB1", 8, "holds no change set" },
		{ "STELECB1\0\0", 10, "cut short" },
		{ "STELECB1\0\0\0\0", 12, "says it is 0 bytes" },
		{ "STELECB1\0\0\0\5abc", 15, "says it is 5 bytes, where 3 remain" },
		{ "STELECB1\0\0\0\1a\0\0\0\2b", 18, "item 2 says it is 2 bytes" },
		{ "STELECB1\1\0\0\1a", 13, "where 1 remain" },
	};
	const unsigned char *last;
	size_t last_len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(stele_csbatch_is(cases[i].bytes, cases[i].len));
		assert_int_equal(stele_csbatch_scan(&last, &last_len,
						    (const unsigned char *)cases[i].bytes, cases[i].len),
				 STELE_EVERIFY);
		if (!strstr(stele_error_message(), cases[i].why))
			fail_msg("case %zu: '%s' does not say '%s'", i, stele_error_message(),
				 cases[i].why);
	}
	/* A lone change set is no batch. */
	assert_false(stele_csbatch_is("STELECS1\1", 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_size_rules),
		cmocka_unit_test(test_broken_framing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
