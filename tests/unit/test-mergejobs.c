/* test-mergejobs.c: lib/mergejobs.c: the verification workers read a stream's
 * commits in order, from a cursor, each signature verified against the key given
 * (or the first commit's), bounded and cancellable; the default number of jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "unit.h"

#include "changeset.h"
#include "error.h"
#include "gitrepo.h"
#include "mergejobs.h"
#include "parse.h"

#define VILLAGE "990101001201"
#define SETS 40

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES], other_pk[STELE_PK_BYTES];
static char pk_hex[2 * STELE_PK_BYTES + 1];
static char tmp[256], repo_path[300];
static unsigned char *sets[SETS + 1];
static size_t set_len[SETS + 1];
static git_oid commits[SETS + 1];

static int setup(void **state)
{
	unsigned char seed[32] = { 9 }, seed2[32] = { 10 }, sk2[STELE_SK_BYTES];
	unsigned char prev[STELE_HASH_BYTES] = { 0 }, changes[] = "T";
	git_repository *repo = NULL;
	char msg[64];

	(void)state;
	if (sodium_init() < 0 || stele_git_init() < 0)
		return -1;
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_seed_keypair(other_pk, sk2, seed2);
	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	snprintf(tmp, sizeof(tmp), "%s/stele-mergejobs.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(repo_path, sizeof(repo_path), "%s/v.git", tmp);
	if (stele_repo_open(&repo, repo_path, 1) < 0)
		return -1;
	for (int i = 1; i <= SETS; i++) {
		struct stele_changeset cs = { .format = STELE_CS_FORMAT, .schema = 1,
					      .seq = (uint64_t)i, .created_at = 1767225600 + i,
					      .summary = "a row", .changes = changes,
					      .changes_len = 1 };
		strcpy(cs.writer, VILLAGE);
		memcpy(cs.prev_hash, prev, sizeof(prev));
		/* seq 7 is signed with another key */
		if (stele_cs_encode(&sets[i], &set_len[i], &cs, i == 7 ? sk2 : sk) < 0)
			return -1;
		stele_cs_hash(prev, sets[i], set_len[i]);
		snprintf(msg, sizeof(msg), "seq %d", i);
		if (stele_repo_append(&commits[i], repo, STELE_BRANCH, sets[i], set_len[i], pk_hex,
				      msg, VILLAGE, 1767225600 + i) < 0)
			return -1;
	}
	stele_repo_close(repo);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	for (int i = 1; i <= SETS; i++)
		free(sets[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_default_jobs_is_the_cores(void **state)
{
	long n = stele_jobs_default();

	(void)state;
	assert_true(n >= 1 && n <= 256);
	assert_int_equal(n, sysconf(_SC_NPROCESSORS_ONLN) > 256 ? 256 : sysconf(_SC_NPROCESSORS_ONLN));
}

/* Reads job j to its end: every item's commit and bytes in stream order from seq
 * first, each signature as stele_cs_signed_by says against key. */
static void read_all(struct stele_mergejob *j, int first, const unsigned char *key)
{
	const struct stele_mergeitem *item;
	bool complete = false;
	int seq = first;

	while (stele_mergejob_next(&item, &complete, j) == 1) {
		assert_true(seq <= SETS);
		assert_true(stele_git_oid_equal(&item->commit, &commits[seq]));
		assert_int_equal(item->len, set_len[seq]);
		assert_memory_equal(item->data, sets[seq], set_len[seq]);
		assert_int_equal(stele_presig_verify(item->sig, item->data, item->len, key),
				 stele_cs_signed_by(sets[seq], set_len[seq], key));
		/* Another key: verified afresh, not the answer kept. */
		assert_int_equal(stele_presig_verify(item->sig, item->data, item->len, other_pk),
				 seq == 7);
		seq++;
	}
	assert_true(complete);
	assert_int_equal(seq, SETS + 1);
}

static void test_walks_in_order_from_a_cursor(void **state)
{
	struct stele_mergejobs *p = NULL;
	struct stele_mergejob *whole = NULL, *rest = NULL, *none = NULL, *first_key = NULL;
	const struct stele_mergeitem *item;
	bool complete = false;
	git_oid tip;

	(void)state;
	for (long threads = 1; threads <= 3; threads += 2) {
		assert_int_equal(stele_mergejobs_new(&p, threads), 0);
		assert_int_equal(stele_mergejobs_add(&whole, p, repo_path, STELE_BRANCH, NULL, pk), 0);
		assert_int_equal(stele_mergejobs_add(&rest, p, repo_path, STELE_BRANCH, &commits[30],
						     pk), 0);
		assert_int_equal(stele_mergejobs_add(&none, p, repo_path, STELE_BRANCH,
						     &commits[SETS], pk), 0);
		assert_int_equal(stele_mergejobs_add(&first_key, p, repo_path, STELE_BRANCH, NULL,
						     NULL), 0);
		assert_true(stele_mergejob_tip(&tip, whole));
		assert_true(stele_git_oid_equal(&tip, &commits[SETS]));
		read_all(whole, 1, pk);
		stele_mergejob_done(p, whole);
		read_all(rest, 31, pk);
		stele_mergejob_done(p, rest);
		/* At the tip already: nothing, and complete. */
		assert_int_equal(stele_mergejob_next(&item, &complete, none), 0);
		assert_true(complete);
		stele_mergejob_done(p, none);
		/* No key given: the first commit's. */
		read_all(first_key, 1, pk);
		stele_mergejob_done(p, first_key);
		stele_mergejobs_free(p);
	}
}

static void test_done_early_and_unread_jobs_are_freed(void **state)
{
	struct stele_mergejobs *p = NULL;
	struct stele_mergejob *j[8];
	const struct stele_mergeitem *item;
	bool complete = false;

	(void)state;
	assert_int_equal(stele_mergejobs_new(&p, 2), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(stele_mergejobs_add(&j[i], p, repo_path, STELE_BRANCH, NULL, pk), 0);
	/* The first read in part (a quarantine stops it), the second not at all. */
	assert_int_equal(stele_mergejob_next(&item, &complete, j[0]), 1);
	assert_int_equal(stele_mergejob_next(&item, &complete, j[0]), 1);
	stele_mergejob_done(p, j[0]);
	stele_mergejob_done(p, j[1]);
	read_all(j[2], 1, pk);
	stele_mergejob_done(p, j[2]);
	/* The rest are freed with the pool, walked or not. */
	stele_mergejobs_free(p);
}

static void test_a_repository_that_is_not_there(void **state)
{
	struct stele_mergejobs *p = NULL;
	struct stele_mergejob *j = NULL;
	const struct stele_mergeitem *item;
	bool complete = true;
	git_oid tip;
	char missing[320];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/none.git", tmp);
	assert_int_equal(stele_mergejobs_new(&p, 1), 0);
	assert_int_equal(stele_mergejobs_add(&j, p, missing, STELE_BRANCH, NULL, pk), 0);
	assert_false(stele_mergejob_tip(&tip, j));
	assert_int_equal(stele_mergejob_next(&item, &complete, j), 0);
	assert_false(complete); /* the consumer walks itself, and meets the error */
	stele_mergejob_done(p, j);
	stele_mergejobs_free(p);
	assert_int_equal(access(missing, F_OK), -1); /* never created */
}

static void test_presig_without_a_job(void **state)
{
	(void)state;
	assert_true(stele_presig_verify(NULL, sets[1], set_len[1], pk));
	assert_false(stele_presig_verify(NULL, sets[7], set_len[7], pk));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_jobs_is_the_cores),
		cmocka_unit_test(test_walks_in_order_from_a_cursor),
		cmocka_unit_test(test_done_early_and_unread_jobs_are_freed),
		cmocka_unit_test(test_a_repository_that_is_not_there),
		cmocka_unit_test(test_presig_without_a_job),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
