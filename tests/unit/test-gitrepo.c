/* test-gitrepo.c: change-set streams in git: append, tip, walk, fetch, push, packs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "unit.h"

#include "changeset.h"
#include "error.h"
#include "credentials.h"
#include "csbatch.h"
#include "gitrepo.h"
#include "remote.h"
#include "url.h"
#include "parse.h"

#define VILLAGE "990101001201"
#define MAX_SETS 8

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];
static char pk_hex[2 * STELE_PK_BYTES + 1];
static char tmp[256];

/* Encoded change sets 1..MAX_SETS of one chain. */
static unsigned char *sets[MAX_SETS + 1];
static size_t set_len[MAX_SETS + 1];

/* A real SQLite changeset inserting row n into t(a PRIMARY KEY, b). */
static void make_changes(void **out, int *len, int n)
{
	sqlite3 *db = NULL;
	sqlite3_session *session = NULL;
	char sql[128];

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)", NULL,
				      NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3session_create(db, "main", &session), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(session, "t"), SQLITE_OK);
	snprintf(sql, sizeof(sql), "INSERT INTO t VALUES (%d, 'row %d')", n, n);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3session_changeset(session, len, out), SQLITE_OK);
	sqlite3session_delete(session);
	sqlite3_close(db);
}

static int setup(void **state)
{
	unsigned char seed[32] = { 7 }, prev[STELE_HASH_BYTES] = { 0 };

	(void)state;
	if (sodium_init() < 0 || stele_git_init() < 0)
		return -1;
	crypto_sign_seed_keypair(pk, sk, seed);
	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	snprintf(tmp, sizeof(tmp), "%s/stele-gitrepo.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	for (int i = 1; i <= MAX_SETS; i++) {
		struct stele_changeset cs = { .format = STELE_CS_FORMAT, .schema = 1, .seq = (uint64_t)i,
					      .created_at = 1767225600 + i, .summary = "a row" };
		void *changes;
		int changes_len;

		strcpy(cs.writer, VILLAGE);
		memcpy(cs.prev_hash, prev, sizeof(prev));
		make_changes(&changes, &changes_len, i);
		cs.changes = changes;
		cs.changes_len = (size_t)changes_len;
		if (stele_cs_encode(&sets[i], &set_len[i], &cs, sk) < 0)
			return -1;
		sqlite3_free(changes);
		stele_cs_hash(prev, sets[i], set_len[i]);
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	for (int i = 1; i <= MAX_SETS; i++)
		free(sets[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* A fresh path under the test's directory. */
static const char *path_of(const char *name)
{
	static char path[4][512];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, 512, "%s/%s", tmp, name);
	return p;
}

static git_repository *new_repo(const char *name)
{
	git_repository *repo = NULL;

	assert_int_equal(stele_repo_open(&repo, path_of(name), 1), 0);
	return repo;
}

static void append(git_repository *repo, int seq, git_oid *out)
{
	char msg[64];
	git_oid id;

	snprintf(msg, sizeof(msg), "seq %d: a row", seq);
	assert_int_equal(stele_repo_append(&id, repo, STELE_BRANCH, sets[seq], set_len[seq], pk_hex,
					   msg, VILLAGE, 1767225600 + seq), 0);
	if (out)
		*out = id;
}

/* Walk callback: records the seqs it sees, after checking the bytes. */
struct seen {
	int seqs[MAX_SETS + 2];
	bool ends[MAX_SETS + 2];     /* commit_end of each */
	git_oid commits[MAX_SETS + 2];
	int count;
	int nulls;
	int stop_after;
};

static int record_seq(void *ctx, const git_oid *commit, const void *data, size_t len,
		      bool commit_end)
{
	struct seen *s = ctx;
	struct stele_changeset *cs = NULL;

	(void)commit;
	if (!data) {
		s->nulls++;
		return 0;
	}
	assert_int_equal(stele_cs_decode(&cs, NULL, data, len, pk), 0);
	assert_memory_equal(data, sets[cs->seq], len);
	s->ends[s->count] = commit_end;
	s->commits[s->count] = *commit;
	s->seqs[s->count++] = (int)cs->seq;
	stele_cs_free(cs);
	return s->stop_after && s->count == s->stop_after ? 42 : 0;
}

/* Walk callback: counts what it is given, checking nothing. */
static int walk_whole(void *ctx, const git_oid *commit, const void *data, size_t len,
		      bool commit_end)
{
	struct seen *s = ctx;

	assert_int_equal(len, 64);
	assert_memory_equal(data, STELE_CSBATCH_MAGIC, STELE_CSBATCH_MAGIC_LEN);
	s->ends[s->count++] = commit_end;
	return 0;
}

static void test_open_creates_bare_main(void **state)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;

	(void)state;
	assert_int_equal(stele_repo_open(&repo, path_of("missing.git"), 0), STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "is not a git repository"));
	repo = new_repo("open.git");
	assert_true(git_repository_is_bare(repo));
	assert_int_equal(git_reference_lookup(&head, repo, "HEAD"), 0);
	assert_string_equal(git_reference_symbolic_target(head), STELE_BRANCH);
	git_reference_free(head);
	git_repository_free(repo);
	/* Opening again (create or not) finds the same repository. */
	assert_int_equal(stele_repo_open(&repo, path_of("open.git"), 0), 0);
	git_repository_free(repo);
}

static void test_append_tip_walk(void **state)
{
	git_repository *repo = new_repo("append.git");
	git_oid tip, first, zero;
	unsigned char got_pk[STELE_PK_BYTES];
	struct seen all = { 0 }, after = { 0 };
	git_commit *commit = NULL;
	uint64_t seq;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 0);
	assert_true(git_oid_is_zero(&tip));
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, record_seq, &all), 0);
	assert_int_equal(all.count, 0);

	append(repo, 1, &first);
	append(repo, 2, NULL);
	append(repo, 3, NULL);
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 3);

	/* The commit reads as a ledger entry, by the writer, at the writer's time. */
	assert_int_equal(git_commit_lookup(&commit, repo, &tip), 0);
	assert_string_equal(git_commit_message(commit), "seq 3: a row\n");
	assert_string_equal(git_commit_author(commit)->email, VILLAGE);
	assert_int_equal(git_commit_time(commit), 1767225603);
	assert_int_equal(git_commit_parentcount(commit), 1);
	git_commit_free(commit);

	assert_int_equal(stele_repo_commit_pubkey(got_pk, repo, &tip), 0);
	assert_memory_equal(got_pk, pk, STELE_PK_BYTES);

	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, record_seq, &all), 0);
	assert_int_equal(all.count, 3);
	assert_int_equal(all.seqs[0], 1);
	assert_int_equal(all.seqs[2], 3);
	/* A zero since is the same as none. */
	memset(&all, 0, sizeof(all));
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, &zero, record_seq, &all), 0);
	assert_int_equal(all.count, 3);

	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, &first, record_seq, &after), 0);
	assert_int_equal(after.count, 2);
	assert_int_equal(after.seqs[0], 2);
	assert_int_equal(after.seqs[1], 3);

	/* The callback's non-zero value stops the walk and comes back. */
	memset(&after, 0, sizeof(after));
	after.stop_after = 1;
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, record_seq, &after), 42);
	assert_int_equal(after.count, 1);
	git_repository_free(repo);
}

/* How many files in repo's objects/pack end in suffix, and loose objects. */
/* A ref read from its file without opening the repository: a loose ref is
 * read; a packed, symbolic or odd one is "cannot tell", never a wrong id. */
static void test_peek_ref(void **state)
{
	git_repository *repo = new_repo("peek.git");
	char gitdir[512], path[600], hex[STELE_OID_HEX_LEN + 1], want[STELE_OID_HEX_LEN + 1];
	git_oid tip, id;
	FILE *f;

	(void)state;
	snprintf(gitdir, sizeof(gitdir), "%s", path_of("peek.git"));
	assert_int_equal(stele_repo_peek_ref(hex, gitdir, STELE_BRANCH), 0); /* no ref yet */
	assert_true(stele_repo_peek_no_refs(gitdir, "refs/stele/branch/"));
	append(repo, 1, NULL);
	append(repo, 2, &tip);
	stele_git_oid_hex(want, &tip);
	assert_int_equal(stele_repo_peek_ref(hex, gitdir, STELE_BRANCH), 1);
	assert_string_equal(hex, want);

	/* A ref under the prefix: not "none" any more. */
	assert_int_equal(stele_repo_set_ref(repo, "refs/stele/branch/x", &tip, "test"), 0);
	assert_false(stele_repo_peek_no_refs(gitdir, "refs/stele/branch/"));
	assert_int_equal(stele_repo_delete_ref(repo, "refs/stele/branch/x"), 0);

	/* A symbolic ref, or more than an id and a newline: cannot tell. */
	snprintf(path, sizeof(path), "%s/refs/heads/sym", gitdir);
	assert_non_null(f = fopen(path, "w"));
	fputs("ref: refs/heads/main\n", f);
	fclose(f);
	assert_int_equal(stele_repo_peek_ref(hex, gitdir, "refs/heads/sym"), 0);
	snprintf(path, sizeof(path), "%s/refs/heads/long", gitdir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%s\n%s\n", want, want);
	fclose(f);
	assert_int_equal(stele_repo_peek_ref(hex, gitdir, "refs/heads/long"), 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/refs/heads/sym", gitdir);
	unlink(path);

	/* Packed by stock git: the loose file is gone, so it cannot tell, though the
	 * repository still has the ref; and a packed-refs file means "maybe". */
	snprintf(path, sizeof(path), "git -C '%s' pack-refs --all", gitdir);
	assert_int_equal(system(path), 0);
	assert_int_equal(stele_repo_peek_ref(hex, gitdir, STELE_BRANCH), 0);
	assert_false(stele_repo_peek_no_refs(gitdir, "refs/stele/branch/"));
	assert_int_equal(stele_repo_ref(&id, repo, STELE_BRANCH), 1);
	assert_true(git_oid_equal(&id, &tip));
	stele_repo_close(repo);
}

static int count_files(const char *repo_path, const char *suffix, int *loose)
{
	char cmd[700], line[64];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls '%s/objects/pack' | grep -c '%s$'; "
		 "find '%s/objects' -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l",
		 repo_path, suffix, repo_path);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	n = atoi(line);
	assert_non_null(fgets(line, sizeof(line), f));
	*loose = atoi(line);
	pclose(f);
	return n;
}

/* The message of commit id. */
static const char *message_of(git_repository *repo, const git_oid *id)
{
	static char text[1024];
	git_commit *commit = NULL;

	assert_int_equal(git_commit_lookup(&commit, repo, id), 0);
	snprintf(text, sizeof(text), "%s", git_commit_message(commit));
	git_commit_free(commit);
	return text;
}

static void test_pack_batches_in_one_pack(void **state)
{
	git_repository *repo = new_repo("pack.git"), *loose_repo = new_repo("pack-loose.git");
	struct stele_repo_pack *pack = NULL;
	struct seen all = { 0 }, after = { 0 };
	git_oid tip, loose_id;
	uint64_t seq, packs;
	int loose_before, loose_after;
	char msg[64];
	void *last = NULL;
	size_t last_len = 0;

	(void)state;
	/* A repository that already holds loose objects takes a pack after them. */
	append(repo, 1, NULL);
	append(repo, 2, NULL);
	assert_int_equal(count_files(path_of("pack.git"), ".pack", &loose_before), 0);
	assert_int_equal(stele_repo_pack_begin(&pack, repo, STELE_BRANCH), 0);
	for (int i = 3; i <= 6; i++) {
		snprintf(msg, sizeof(msg), "seq %d: a row", i);
		assert_int_equal(stele_repo_pack_add(pack, sets[i], set_len[i], pk_hex, msg, VILLAGE,
						     1767225600 + i), 0);
	}
	/* Nothing is on disk before the pack is finished. */
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(count_files(path_of("pack.git"), ".pack", &loose_after), 0);
	assert_int_equal(loose_after, loose_before);
	if (stele_repo_pack_finish(&packs, pack) < 0)
		fail_msg("%s", stele_error_message());
	stele_repo_pack_free(pack);
	assert_int_equal(packs, 1);
	/* One pack with its index, no new loose object, one commit for the four. */
	assert_int_equal(count_files(path_of("pack.git"), ".pack", &loose_after), 1);
	assert_int_equal(count_files(path_of("pack.git"), ".idx", &loose_after), 1);
	assert_int_equal(loose_after, loose_before);
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 6);
	assert_string_equal(message_of(repo, &tip), "seq 3-6: 4 change sets\n\nseq 3: a row\n"
			    "seq 4: a row\nseq 5: a row\nseq 6: a row\n");
	/* The walk gives each change set of the batch, in order, the last ending it. */
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, record_seq, &all), 0);
	assert_int_equal(all.count, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(all.seqs[i], i + 1);
		assert_int_equal(all.ends[i], i < 2 || i == 5);
		if (i >= 2)
			assert_true(git_oid_equal(&all.commits[i], &tip));
	}
	/* The tip's change set is the batch's last. */
	assert_int_equal(stele_repo_read(&last, &last_len, repo, &tip), 0);
	assert_int_equal(last_len, set_len[6]);
	assert_memory_equal(last, sets[6], last_len);
	free(last);
	/* A walk resumed after a commit gives what follows it. */
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, &all.commits[1], record_seq, &after), 0);
	assert_int_equal(after.count, 4);
	assert_int_equal(after.seqs[0], 3);
	/* Appends after a pack go on from its tip. */
	append(repo, 7, NULL);
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 7);

	/* A branch that moved while the pack was staged is not moved again. */
	assert_int_equal(stele_repo_pack_begin(&pack, repo, STELE_BRANCH), 0);
	assert_int_equal(stele_repo_pack_add(pack, sets[8], set_len[8], pk_hex, "seq 8: a row",
					     VILLAGE, 1767225608), 0);
	append(repo, 8, NULL);
	assert_int_equal(stele_repo_pack_finish(NULL, pack), STELE_EBUSY);
	stele_repo_pack_free(pack);
	git_repository_free(repo);

	/* An empty pack writes nothing; a batch of one is the very commit an append
	 * makes (the change set alone, its own message). */
	append(loose_repo, 1, &loose_id);
	repo = new_repo("pack-new.git");
	assert_int_equal(stele_repo_pack_begin(&pack, repo, STELE_BRANCH), 0);
	assert_int_equal(stele_repo_pack_finish(&packs, pack), 0);
	assert_int_equal(packs, 0);
	assert_int_equal(stele_repo_pack_add(pack, sets[1], set_len[1], pk_hex, "seq 1: a row",
					     VILLAGE, 1767225601), 0);
	assert_int_equal(stele_repo_pack_finish(&packs, pack), 0);
	stele_repo_pack_free(pack);
	assert_int_equal(packs, 1);
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 1);
	assert_true(git_oid_equal(&tip, &loose_id));
	git_repository_free(repo);

	/* Another key starts another commit: a commit names one key. */
	repo = new_repo("pack-keys.git");
	char other_hex[2 * STELE_PK_BYTES + 1];
	memset(other_hex, 'a', 2 * STELE_PK_BYTES);
	other_hex[2 * STELE_PK_BYTES] = '\0';
	assert_int_equal(stele_repo_pack_begin(&pack, repo, STELE_BRANCH), 0);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(stele_repo_pack_add(pack, sets[i], set_len[i], i <= 2 ? pk_hex :
						     other_hex, "a row", VILLAGE, 1767225600 + i), 0);
	assert_int_equal(stele_repo_pack_finish(NULL, pack), 0);
	stele_repo_pack_free(pack);
	memset(&all, 0, sizeof(all));
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, record_seq, &all), 0);
	assert_int_equal(all.count, 4);
	assert_false(all.ends[0]);
	assert_true(all.ends[1]);
	assert_false(all.ends[2]);
	assert_true(all.ends[3]);
	assert_false(git_oid_equal(&all.commits[1], &all.commits[2]));
	long commits = 0;
	assert_int_equal(stele_repo_count(&commits, repo, &all.commits[3], NULL), 0);
	assert_int_equal(commits, 2);
	git_repository_free(repo);
	git_repository_free(loose_repo);
}

/* A batch whose framing lies is passed whole, for the decode to refuse. */
static void test_walk_passes_broken_batch_whole(void **state)
{
	git_repository *repo = new_repo("broken-batch.git");
	unsigned char blob[64] = STELE_CSBATCH_MAGIC "\0\0\1\0";
	struct seen seen = { 0 };
	git_oid id;

	(void)state;
	assert_int_equal(stele_repo_append(&id, repo, STELE_BRANCH, blob, sizeof(blob), pk_hex,
					   "seq 1: a lie", VILLAGE, 1767225601), 0);
	seen.nulls = 0;
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, walk_whole, &seen), 0);
	assert_int_equal(seen.count, 1);
	assert_true(seen.ends[0]);
	git_repository_free(repo);
}

static void test_walk_refuses_rewritten_history(void **state)
{
	git_repository *a = new_repo("rewrite-a.git"), *b = new_repo("rewrite-b.git");
	git_oid a2, b_tip;
	struct seen seen = { 0 };

	(void)state;
	append(a, 1, NULL);
	append(a, 2, &a2);
	/* b has seq 1 only, so a's seq 2 commit is not on b's chain. */
	append(b, 1, &b_tip);
	assert_int_equal(stele_repo_walk(b, STELE_BRANCH, &a2, record_seq, &seen), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "history rewritten"));
	assert_int_equal(seen.count, 0);
	assert_int_equal(stele_repo_descends(a, &a2, &a2), 1);
	git_repository_free(a);
	git_repository_free(b);
}

static void test_walk_passes_commit_without_changeset(void **state)
{
	git_repository *repo = new_repo("foreign.git");
	git_treebuilder *builder = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_oid blob, tree_id, tip, commit_id;
	struct seen seen = { 0 };
	uint64_t seq;

	(void)state;
	append(repo, 1, &tip);
	assert_int_equal(git_blob_create_from_buffer(&blob, repo, "hello\n", 6), 0);
	assert_int_equal(git_treebuilder_new(&builder, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, builder, "README", &blob, GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&tree_id, builder), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	assert_int_equal(git_signature_now(&sig, "someone", "someone@example.org"), 0);
	assert_int_equal(git_commit_lookup(&parent, repo, &tip), 0);
	assert_int_equal(git_commit_create(&commit_id, repo, STELE_BRANCH, sig, sig, NULL, "foreign\n",
					   tree, 1, (const git_commit **)&parent), 0);
	assert_int_equal(stele_repo_walk(repo, STELE_BRANCH, NULL, record_seq, &seen), 0);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.nulls, 1);
	/* Its tip holds no change set: that is a verification failure, not seq 0. */
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), STELE_EVERIFY);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(builder);
	git_repository_free(repo);
}

/* The name of the one .pack file of the repository at path ("" if not exactly one);
 * a static buffer. */
static const char *only_pack(const char *path)
{
	static char name[128];
	char dir[600];
	struct dirent *e;
	int found = 0;
	DIR *d;

	name[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/objects/pack", path);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)))
		if (strlen(e->d_name) > 5 && strcmp(e->d_name + strlen(e->d_name) - 5, ".pack") == 0 &&
		    ++found == 1)
			snprintf(name, sizeof(name), "%s", e->d_name);
	closedir(d);
	if (found != 1)
		name[0] = '\0';
	return name;
}

/* Commits change set seq as a pack of its own, as a sync of one does. */
static void pack_one(git_repository *repo, int seq)
{
	struct stele_repo_pack *pack = NULL;
	uint64_t packs;
	char msg[64];

	snprintf(msg, sizeof(msg), "seq %d: a row", seq);
	assert_int_equal(stele_repo_pack_begin(&pack, repo, STELE_BRANCH), 0);
	assert_int_equal(stele_repo_pack_add(pack, sets[seq], set_len[seq], pk_hex, msg, VILLAGE,
					     1767225600 + seq), 0);
	assert_int_equal(stele_repo_pack_finish(&packs, pack), 0);
	stele_repo_pack_free(pack);
}

static void test_rollup_folds_small_packs_only(void **state)
{
	git_repository *repo = new_repo("rollup.git");
	const char *path = path_of("rollup.git");
	char orphan[600], cmd[700];
	unsigned folded = 99;
	int loose;
	git_oid tip;
	uint64_t seq;
	FILE *f;

	(void)state;
	pack_one(repo, 1);
	assert_int_equal(count_files(path, ".pack", &loose), 1);
	/* One pack: nothing to fold. */
	assert_int_equal(stele_repo_rollup(&folded, repo, STELE_REMOTE_ROLLUP_BYTES), 0);
	assert_int_equal(folded, 0);
	pack_one(repo, 2);
	pack_one(repo, 3);
	assert_int_equal(count_files(path, ".pack", &loose), 3);
	/* A pack a killed writer left without its index is neither read nor removed. */
	snprintf(orphan, sizeof(orphan), "%s/objects/pack/pack-%040d.pack", path, 0);
	assert_non_null(f = fopen(orphan, "w"));
	fputs("PACK not really", f);
	fclose(f);
	/* Every pack at or past the size is left as it is. */
	assert_int_equal(stele_repo_rollup(&folded, repo, 1), 0);
	assert_int_equal(count_files(path, ".pack", &loose), 4);
	assert_int_equal(stele_repo_rollup(&folded, repo, STELE_REMOTE_ROLLUP_BYTES), 1);
	assert_int_equal(folded, 3);
	assert_int_equal(count_files(path, ".pack", &loose), 2);
	assert_int_equal(access(orphan, F_OK), 0);
	assert_int_equal(unlink(orphan), 0);
	/* The one pack left holds the whole history, readable by this process and by
	 * stock git; the next commit goes beside it, and the repo's reads go on. */
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 3);
	append(repo, 4, NULL);
	assert_int_equal(stele_repo_tip(&tip, &seq, repo, STELE_BRANCH), 0);
	assert_int_equal(seq, 4);
	snprintf(cmd, sizeof(cmd), "git -C '%s' fsck --strict --no-dangling 2>&1 | grep . && exit 1; "
		 "test $(git -C '%s' rev-list --count main) = 4", path, path);
	assert_int_equal(system(cmd), 0);
	git_repository_free(repo);
}

static void test_push_creates_local_remote_and_fetch_round_trips(void **state)
{
	git_repository *village = new_repo("usb-village.git"), *county = new_repo("usb-county.git");
	const char *usb = path_of("stick/village.git");
	char usb_url[600];
	git_oid village_tip, got_tip;
	uint64_t seq;
	int found = -1;

	(void)state;
	for (int i = 1; i <= 4; i++)
		append(village, i, NULL);
	assert_int_equal(stele_repo_tip(&village_tip, &seq, village, STELE_BRANCH), 0);

	/* A missing mount point is not silently replaced by a new directory. */
	assert_int_equal(stele_remote_push(village, usb, STELE_BRANCH, STELE_BRANCH, 1, NULL),
			 STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "does not exist"));
	assert_int_equal(mkdir(path_of("stick"), 0755), 0);
	/* Without create_local a missing remote is an error too. */
	assert_int_equal(stele_remote_push(village, usb, STELE_BRANCH, STELE_BRANCH, 0, NULL),
			 STELE_EFAIL);
	assert_int_equal(stele_remote_push(village, usb, STELE_BRANCH, STELE_BRANCH, 1, NULL), 0);
	/* Pushing again is a no-op. */
	assert_int_equal(stele_remote_push(village, usb, STELE_BRANCH, STELE_BRANCH, 1, NULL), 0);

	/* Repacked by stock git, whose pack bytes are not libgit2's: a copy keeps them. */
	snprintf(usb_url, sizeof(usb_url), "git -C '%s' repack -adq", usb);
	assert_int_equal(system(usb_url), 0);
	snprintf(usb_url, sizeof(usb_url), "file://%s", usb);
	assert_int_equal(stele_remote_fetch(&found, county, usb_url, STELE_BRANCH,
					  "refs/remotes/v/main", NULL), 0);
	assert_int_equal(found, 1);
	assert_int_equal(stele_repo_tip(&got_tip, &seq, county, "refs/remotes/v/main"), 0);
	assert_int_equal(seq, 4);
	assert_true(git_oid_equal(&got_tip, &village_tip));
	/* The stick is one pack of exactly that history: the first fetch copies it as it
	 * is, stock git's bytes and all (the same pack name: the hash of its bytes). */
	{
		char theirs[128], ours[128];
		snprintf(theirs, sizeof(theirs), "%s", only_pack(path_of("stick/village.git")));
		snprintf(ours, sizeof(ours), "%s", only_pack(path_of("usb-county.git")));
		assert_true(*theirs);
		assert_string_equal(ours, theirs);
	}

	/* A remote without the branch: found = 0, the local ref untouched. */
	git_repository_free(new_repo("empty.git"));
	assert_int_equal(stele_remote_fetch(&found, county, path_of("empty.git"), STELE_BRANCH,
					  "refs/remotes/v/main", NULL), 0);
	assert_int_equal(found, 0);
	assert_int_equal(stele_repo_tip(&got_tip, &seq, county, "refs/remotes/v/main"), 0);
	assert_int_equal(seq, 4);

	/* A missing local remote on fetch is an error, never "empty". */
	assert_int_equal(stele_remote_fetch(&found, county, path_of("nowhere.git"), STELE_BRANCH,
					  "refs/remotes/x/main", NULL), STELE_EFAIL);
	git_repository_free(village);
	git_repository_free(county);
}

static void test_push_is_fast_forward_only(void **state)
{
	git_repository *mine = new_repo("ff-mine.git"), *other = new_repo("ff-other.git");
	git_repository *remote = NULL;
	const char *url = path_of("ff-remote.git");
	git_oid before, after, mine_tip, other_tip;
	uint64_t seq;

	(void)state;
	git_repository_free(new_repo("ff-remote.git"));
	append(mine, 1, NULL);
	append(mine, 2, &mine_tip);
	/* Histories that share seq 1 and then differ. */
	append(other, 1, NULL);
	append(other, 3, NULL);
	append(other, 4, &other_tip);
	assert_int_equal(stele_remote_push(other, url, STELE_BRANCH, STELE_BRANCH, 0, NULL), 0);
	assert_int_equal(stele_repo_open(&remote, url, 0), 0);
	assert_int_equal(stele_repo_tip(&before, &seq, remote, STELE_BRANCH), 0);

	assert_int_equal(stele_remote_push(mine, url, STELE_BRANCH, STELE_BRANCH, 0, NULL), STELE_EFAIL);
	assert_int_equal(stele_repo_tip(&after, &seq, remote, STELE_BRANCH), 0);
	assert_true(git_oid_equal(&before, &after));
	assert_int_equal(seq, 4);

	/* descends tells diverged histories apart from ones that only lag. */
	assert_int_equal(stele_remote_fetch(&(int){ 0 }, mine, url, STELE_BRANCH,
					  "refs/remotes/origin/main", NULL), 0);
	assert_int_equal(stele_repo_descends(mine, &mine_tip, &other_tip), 0);
	assert_int_equal(stele_repo_descends(mine, &other_tip, &mine_tip), 0);
	git_repository_free(remote);
	git_repository_free(mine);
	git_repository_free(other);
}

static void test_unreachable_remote_hides_credentials(void **state)
{
	git_repository *repo = new_repo("offline.git");
	int found = -1;

	(void)state;
	append(repo, 1, NULL);
	assert_int_equal(stele_remote_fetch(&found, repo, "http://clerk:s3cret@127.0.0.1:1/v.git",
					  STELE_BRANCH, "refs/remotes/origin/main", NULL), STELE_EFAIL);
	assert_int_equal(found, -1);
	assert_null(strstr(stele_error_message(), "s3cret"));
	assert_non_null(strstr(stele_error_message(), "http://127.0.0.1:1/v.git"));
	assert_int_equal(stele_remote_push(repo, "http://clerk:s3cret@127.0.0.1:1/v.git", STELE_BRANCH,
					 STELE_BRANCH, 1, NULL), STELE_EFAIL);
	assert_null(strstr(stele_error_message(), "s3cret"));
	git_repository_free(repo);
}

static void test_urls(void **state)
{
	char out[128], *path = NULL;

	(void)state;
	stele_url_redact(out, sizeof(out), "https://u:p@w@git.example.org/v.git");
	assert_string_equal(out, "https://git.example.org/v.git");
	stele_url_redact(out, sizeof(out), "https://git.example.org/a@b.git");
	assert_string_equal(out, "https://git.example.org/a@b.git");
	stele_url_redact(out, sizeof(out), "/media/usb/v.git");
	assert_string_equal(out, "/media/usb/v.git");

	assert_int_equal(stele_url_local_path(&path, "/media/usb/v.git"), 1);
	assert_string_equal(path, "/media/usb/v.git");
	free(path);
	assert_int_equal(stele_url_local_path(&path, "file:///srv/v.git"), 1);
	assert_string_equal(path, "/srv/v.git");
	free(path);
	assert_int_equal(stele_url_local_path(&path, "repos/v.git"), 1);
	free(path);
	assert_int_equal(stele_url_local_path(&path, "https://h/v.git"), 0);
	assert_int_equal(stele_url_local_path(&path, "git@host:v.git"), 0);
}

static void test_take_password(void **state)
{
	struct stele_secret secret;
	char *kept = NULL;

	(void)state;
	/* Percent-encoded user and password; the user name stays in the URL. */
	assert_int_equal(stele_url_take_password(&kept, &secret,
			 "https://clerk%40v1:p%2Fw@git.example.org:8443/v.git", "--remote"), 1);
	assert_string_equal(kept, "https://clerk%40v1@git.example.org:8443/v.git");
	assert_string_equal(secret.prefix, "https://git.example.org:8443/v.git");
	assert_string_equal(secret.user, "clerk@v1");
	assert_string_equal(secret.password, "p/w");
	free(kept);
	stele_url_secret_clear(&secret);
	assert_null(secret.password);

	/* Nothing to take: a copy, no secret. */
	assert_int_equal(stele_url_take_password(&kept, &secret, "ssh://git@h/v", "--remote"), 0);
	assert_string_equal(kept, "ssh://git@h/v");
	assert_null(secret.password);
	free(kept);
	assert_int_equal(stele_url_take_password(&kept, &secret, "/media/usb/v.git", "x"), 0);
	free(kept);

	/* Refused, never naming the password. */
	assert_int_equal(stele_url_take_password(&kept, &secret, "https://:s3cret@h/v.git",
						 "--remote"), STELE_EINVALID);
	assert_null(strstr(stele_error_message(), "s3cret"));
	assert_int_equal(stele_url_take_password(&kept, &secret, "https://u:s3%20cret@h/v.git",
						 "--remote"), STELE_EINVALID);
	assert_null(strstr(stele_error_message(), "s3"));
}

/* The whole content of a file (malloc'd). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *data = calloc(1, 4096);

	assert_non_null(f);
	assert_non_null(data);
	assert_true(fread(data, 1, 4095, f) < 4095);
	fclose(f);
	return data;
}

static void test_credentials_save_replaces_one_line(void **state)
{
	struct stele_secret secrets[2] = {
		{ "https://h/a.git", "clerk", "new" },
		{ "https://h/b.git", "county", "other" },
	};
	char path[300], *text;
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/credentials", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# comment\nhttps://h/a.git clerk old\nhttps://h/a.git someone-else kept\n"
	      "https://h/ clerk general", f); /* no final newline */
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(stele_credentials_save(path, secrets, 2), 0);
	text = slurp(path);
	assert_string_equal(text, "# comment\nhttps://h/a.git someone-else kept\n"
			    "https://h/ clerk general\nhttps://h/a.git clerk new\n"
			    "https://h/b.git county other\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* A file others may read is refused, not silently extended. */
	chmod(path, 0644);
	assert_int_equal(stele_credentials_save(path, secrets, 1), STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "chmod 600"));
	unlink(path);

	/* A new file is created with mode 600. */
	assert_int_equal(stele_credentials_save(path, secrets + 1, 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = slurp(path);
	assert_string_equal(text, "https://h/b.git county other\n");
	free(text);
	unlink(path);
}

static void test_remote_opts_from_env(void **state)
{
	struct stele_remote_opts opts;

	(void)state;
	unsetenv("STELE_GIT_CREDENTIALS");
	setenv("STELE_CA_FILE", "", 1);
	setenv("STELE_SSH_KEY", "/keys/v1", 1);
	assert_int_equal(stele_remote_opts_from_env(&opts, "/srv/county"), 0);
	assert_string_equal(opts.credentials_file, "/srv/county/credentials");
	assert_null(opts.ca_file);
	assert_string_equal(opts.ssh_key, "/keys/v1");
	stele_remote_opts_release(&opts);
	setenv("STELE_GIT_CREDENTIALS", "/etc/stele/credentials", 1);
	setenv("STELE_CA_FILE", "/etc/stele/ca.pem", 1);
	assert_int_equal(stele_remote_opts_from_env(&opts, "/srv/county"), 0);
	assert_string_equal(opts.credentials_file, "/etc/stele/credentials");
	assert_string_equal(opts.ca_file, "/etc/stele/ca.pem");
	stele_remote_opts_release(&opts);
	unsetenv("STELE_GIT_CREDENTIALS");
	unsetenv("STELE_CA_FILE");
	unsetenv("STELE_SSH_KEY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_creates_bare_main),
		cmocka_unit_test(test_append_tip_walk),
		cmocka_unit_test(test_pack_batches_in_one_pack),
		cmocka_unit_test(test_walk_passes_broken_batch_whole),
		cmocka_unit_test(test_walk_refuses_rewritten_history),
		cmocka_unit_test(test_walk_passes_commit_without_changeset),
		cmocka_unit_test(test_peek_ref),
		cmocka_unit_test(test_rollup_folds_small_packs_only),
		cmocka_unit_test(test_push_creates_local_remote_and_fetch_round_trips),
		cmocka_unit_test(test_push_is_fast_forward_only),
		cmocka_unit_test(test_unreachable_remote_hides_credentials),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_take_password),
		cmocka_unit_test(test_credentials_save_replaces_one_line),
		cmocka_unit_test(test_remote_opts_from_env),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
