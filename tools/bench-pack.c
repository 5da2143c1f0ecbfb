/* bench-pack.c: the limit of `make bench`'s agent sync: writes the same objects
 * an agent's sync writes for a village's outbox (per batch of up to 1,000 change
 * sets a blob of their bytes, the writer.pub blob, their tree and a commit) as one
 * pack into a new bare
 * repository with libgit2 directly (objects staged in memory, one pack written in
 * one piece, fsync on, one ref update), and prints "COMMITS SECONDS".
 *
 *   bench-pack VILLAGE_DB NEW_REPO
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <sqlite3.h>

#define BATCH    1000           /* change sets in one commit, as lib/gitrepo.h */
#define BLOB_MAX (16u << 20)    /* bytes of a batch */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "bench-pack: %s: %s\n", what, e ? e->message : "failed");
	return 1;
}

int main(int argc, char **argv)
{
	static const char pub[] = "00000000000000000000000000000000"
				  "00000000000000000000000000000000\n";
	git_repository *repo = NULL, *staging = NULL;
	git_odb *odb = NULL, *mem_odb = NULL;
	git_odb_backend *mem = NULL;
	git_packbuilder *pb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats = { 0 };
	git_buf pack = { 0 };
	git_reference *ref = NULL;
	git_oid tip;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	long commits = 0;
	size_t sets = 0, blob_len, lines_len, message_len;
	static unsigned char blob[BLOB_MAX];
	static char lines[64 << 10], message[(64 << 10) + 64];
	double start;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-pack VILLAGE_DB NEW_REPO\n");
		return 2;
	}
	if (git_libgit2_init() < 0 || git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0 ||
	    git_repository_init(&repo, argv[2], 1) < 0)
		return die("init");
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT created_at, summary, data FROM stele_outbox ORDER BY seq",
			       -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-pack: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	start = now();
	if (git_odb_new(&mem_odb) < 0 || git_mempack_new(&mem) < 0 ||
	    git_odb_add_backend(mem_odb, mem, 1) < 0 || git_repository_wrap_odb(&staging, mem_odb) < 0 ||
	    git_packbuilder_new(&pb, staging) < 0)
		return die("staging");
	for (int more = sqlite3_step(stmt) == SQLITE_ROW; more;) {
		git_oid cs_blob, pk_blob, tree_id, commit_id;
		git_treebuilder *tb = NULL;
		git_tree *tree = NULL;
		git_commit *parent = NULL;
		git_signature *sig = NULL;
		size_t n = 0, first = sets + 1;
		int64_t created_at = 0;

		/* One commit of up to BATCH change sets: STELECB1, then each one after its
		 * 4-byte big-endian length (docs/format.md "Batches"). */
		blob_len = 8;
		memcpy(blob, "STELECB1", 8);
		lines_len = 0;
		for (; more && n < BATCH; more = sqlite3_step(stmt) == SQLITE_ROW) {
			size_t len = (size_t)sqlite3_column_bytes(stmt, 2);

			if (blob_len + 4 + len > BLOB_MAX || lines_len + 700 > sizeof(lines))
				break;
			blob[blob_len++] = (unsigned char)(len >> 24);
			blob[blob_len++] = (unsigned char)(len >> 16);
			blob[blob_len++] = (unsigned char)(len >> 8);
			blob[blob_len++] = (unsigned char)len;
			memcpy(blob + blob_len, sqlite3_column_blob(stmt, 2), len);
			blob_len += len;
			lines_len += (size_t)snprintf(lines + lines_len, sizeof(lines) - lines_len,
						      "seq %zu: %s\n", sets + 1,
						      (const char *)sqlite3_column_text(stmt, 1));
			created_at = sqlite3_column_int64(stmt, 0);
			sets++;
			n++;
		}
		if (n == 0)
			return die("a change set too large");
		snprintf(message, sizeof(message), "seq %zu-%zu: %zu change sets\n\n", first, sets, n);
		message_len = strlen(message);
		memcpy(message + message_len, lines, lines_len + 1);
		if (git_blob_create_from_buffer(&cs_blob, staging, n == 1 ? blob + 12 : blob,
						n == 1 ? blob_len - 12 : blob_len) < 0 ||
		    git_blob_create_from_buffer(&pk_blob, staging, pub, sizeof(pub) - 1) < 0 ||
		    git_treebuilder_new(&tb, staging, NULL) < 0 ||
		    git_treebuilder_insert(NULL, tb, "changeset", &cs_blob, GIT_FILEMODE_BLOB) < 0 ||
		    git_treebuilder_insert(NULL, tb, "writer.pub", &pk_blob, GIT_FILEMODE_BLOB) < 0 ||
		    git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, staging, &tree_id) < 0 ||
		    (commits && git_commit_lookup(&parent, staging, &tip) < 0) ||
		    git_signature_new(&sig, "stele", "990101001201", (git_time_t)created_at, 0) < 0 ||
		    git_commit_create(&commit_id, staging, NULL, sig, sig, NULL,
				      n == 1 ? lines : message, tree, parent ? 1 : 0,
				      (const git_commit **)&parent) < 0 ||
		    git_packbuilder_insert_commit(pb, &commit_id) < 0)
			return die("writing a commit");
		git_signature_free(sig);
		git_commit_free(parent);
		git_tree_free(tree);
		git_treebuilder_free(tb);
		tip = commit_id;
		commits++;
	}
	if (git_packbuilder_write_buf(&pack, pb) < 0 || git_repository_odb(&odb, repo) < 0 ||
	    git_odb_write_pack(&wp, odb, NULL, NULL) < 0 ||
	    wp->append(wp, pack.ptr, pack.size, &stats) < 0 || wp->commit(wp, &stats) < 0)
		return die("writing the pack");
	if (commits && git_reference_create(&ref, repo, "refs/heads/main", &tip, 0, "bench") < 0)
		return die("moving the branch");
	printf("%ld %.3f\n", commits, now() - start);
	wp->free(wp);
	git_buf_dispose(&pack);
	git_reference_free(ref);
	git_packbuilder_free(pb);
	git_odb_free(odb);
	git_odb_free(mem_odb);
	git_repository_free(staging);
	git_repository_free(repo);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	git_libgit2_shutdown();
	return 0;
}
