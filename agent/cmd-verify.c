/* cmd-verify.c: `stele-agent verify`: check the database against the repository and
 * against a replay of its own change sets, printing every difference. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "keyfile.h"
#include "merge.h"
#include "parse.h"
#include "repo.h"

struct verify {
	struct stele_ctx *ctx;
	git_repository *repo;
	sqlite3_stmt *outbox;            /* SELECT hash, data FROM stele_outbox WHERE seq = ? */
	struct stele_keys *keys;         /* the village's key history (the live database's) */
	uint64_t seq;                    /* commits seen */
	long differences;
	int check_failed;                /* check_commit returned an error of its own */
};

/* One difference, on stdout. */
static void differ(struct verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void differ(struct verify *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(_(fmt), ap);
	va_end(ap);
	putchar('\n');
	v->differences++;
}

/* Decodes data, the change set of seq, verifying it with the key in force for seq. */
static int decode_signed(struct stele_changeset **cs, struct verify *v, uint64_t seq,
			 const void *data, size_t len)
{
	unsigned char pk[STELE_PK_BYTES];
	char hex[2 * STELE_PK_BYTES + 1];
	bool revoked;
	int rc;

	if ((rc = stele_keys_in_force(pk, &revoked, v->keys, seq)) < 0)
		return rc;
	if ((rc = stele_cs_decode(cs, NULL, data, len, pk)) == STELE_EVERIFY) {
		stele_hex_encode(hex, pk, STELE_PK_BYTES);
		rc = stele_error(STELE_EVERIFY, "%s (the key in force for seq %llu is %.16s...)",
				 stele_error_message(), (unsigned long long)seq, hex);
	}
	return rc;
}

/* Each commit: the same bytes as the outbox row of its seq. */
static int check_commit(void *ctx, const git_oid *commit, const void *data, size_t len,
			bool commit_end)
{
	struct verify *v = ctx;
	char hex[STELE_OID_HEX_LEN + 1];
	uint64_t seq = ++v->seq;
	int step;

	stele_git_oid_hex(hex, commit);
	if (!data) {
		differ(v, "commit %.12s (seq %llu): holds no change set", hex, (unsigned long long)seq);
		return 0;
	}
	sqlite3_reset(v->outbox);
	sqlite3_bind_int64(v->outbox, 1, (sqlite3_int64)seq);
	step = sqlite3_step(v->outbox);
	if (step == SQLITE_DONE) {
		differ(v, "seq %llu: in the repository (commit %.12s) but not in the database",
		       (unsigned long long)seq, hex);
		return 0;
	}
	if (step != SQLITE_ROW) {
		v->check_failed = 1;
		return stele_error_db(STELE_EFAIL, v->ctx->db, "reading the outbox");
	}
	if ((size_t)sqlite3_column_bytes(v->outbox, 1) != len ||
	    memcmp(sqlite3_column_blob(v->outbox, 1), data, len) != 0)
		differ(v, "seq %llu: the repository's change set (commit %.12s) differs from the "
		       "database's", (unsigned long long)seq, hex);
	return 0;
}

/* The outbox's own chain and signatures, replayed into replica through the checks
 * the county runs. */
static int check_outbox(struct verify *v, sqlite3 *replica, uint64_t *count)
{
	struct stele_stream *stream = NULL;
	sqlite3_stmt *stmt = NULL;
	unsigned char hash[STELE_HASH_BYTES];
	const char *reason = NULL;
	int rc, step;

	if (!(stream = malloc(sizeof(*stream))))
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_stream_init(stream, replica, agent_village(v->ctx))) < 0 ||
	    (rc = stele_db_prepare(v->ctx->db, &stmt, "SELECT seq, hash, data FROM stele_outbox "
						      "ORDER BY seq")) < 0)
		goto done;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		const void *data = sqlite3_column_blob(stmt, 2);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 2);
		struct stele_changeset *cs = NULL;

		stele_cs_hash(hash, data, len);
		if (sqlite3_column_bytes(stmt, 1) != STELE_HASH_BYTES ||
		    memcmp(sqlite3_column_blob(stmt, 1), hash, STELE_HASH_BYTES) != 0)
			differ(v, "seq %llu: the outbox's hash is not the hash of its change set",
			       (unsigned long long)seq);
		if ((rc = decode_signed(&cs, v, seq, data, len)) < 0) {
			if (rc != STELE_EVERIFY)
				goto done;
			differ(v, "seq %llu: %s", (unsigned long long)seq, stele_error_message());
			rc = 0;
			break; /* the replay cannot go on past a change set it cannot read */
		}
		if ((rc = stele_stream_check(&reason, NULL, stream, cs)) < 0 ||
		    (rc = stele_stream_apply(&reason, stream, cs)) < 0) {
			stele_cs_free(cs);
			if (rc != STELE_EVERIFY)
				goto done;
			/* The message names the seq. */
			differ(v, "%s", stele_error_message());
			rc = 0;
			break;
		}
		stele_stream_advance(stream, cs, hash);
		stele_cs_free(cs);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, v->ctx->db, "reading the outbox");
	*count = stream->last_seq;
done:
	sqlite3_finalize(stmt);
	free(stream);
	return rc;
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits text (every line ends in '\n') into its lines, in place, sorted.
 * *lines is malloc'd and freed by the caller; it points into text. */
static int sorted_lines(char ***lines, size_t *n, char *text)
{
	size_t count = 0;
	char **list;

	for (char *p = text; *p; p++)
		count += *p == '\n';
	if (!(list = malloc((count ? count : 1) * sizeof(*list))))
		return stele_error(STELE_EFAIL, "out of memory");
	count = 0;
	for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		list[count++] = p;
	}
	qsort(list, count, sizeof(*list), compare_lines);
	*lines = list;
	*n = count;
	return 0;
}

/* The village's rows in the live database against the replica's, line by line. */
static int compare_rows(struct verify *v, sqlite3 *replica)
{
	char *live = NULL, *replayed = NULL, **a = NULL, **b = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	int rc;

	if ((rc = stele_db_dump(&live, v->ctx->db, agent_village(v->ctx))) < 0 ||
	    (rc = stele_db_dump(&replayed, replica, agent_village(v->ctx))) < 0 ||
	    (rc = sorted_lines(&a, &na, live)) < 0 || (rc = sorted_lines(&b, &nb, replayed)) < 0)
		goto done;
	while (i < na || j < nb) {
		int cmp = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
		if (cmp == 0) {
			i++;
			j++;
		} else if (cmp < 0) {
			differ(v, "row only in the database: %s", a[i++]);
		} else {
			differ(v, "row only in the change sets: %s", b[j++]);
		}
	}
done:
	free(a);
	free(b);
	free(live);
	free(replayed);
	return rc;
}

/* The repository holds at least what was pushed (meta synced_seq): fewer commits
 * mean its main was deleted or moved back since. */
static int check_synced(struct verify *v)
{
	char *synced = NULL;
	unsigned long long pushed;
	int rc;

	if ((rc = stele_meta_get(v->ctx->db, "synced_seq", &synced)) < 0)
		return rc;
	pushed = synced ? strtoull(synced, NULL, 10) : 0;
	if (v->seq < pushed)
		differ(v, "the repository holds %llu change sets but %llu were pushed: its main was "
		       "deleted or moved back ('sync' commits them again from the database)",
		       (unsigned long long)v->seq, pushed);
	free(synced);
	return 0;
}

int cmd_verify(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct verify v = { .ctx = ctx };
	sqlite3 *replica = NULL;
	uint64_t replayed = 0, outbox_max = 0;
	int64_t max_seq = 0;
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agent_open)) != 0)
		return rc;
	if ((rc = agent_keys_open(&v.keys, ctx, ctx->db)) < 0 ||
	    (rc = agent_repo_open(&v.repo, ctx, false)) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &v.outbox,
				   "SELECT hash, data FROM stele_outbox WHERE seq = ?")) < 0)
		goto done;
	/* 1. Every commit is the outbox's change set of its seq, byte for byte. A git
	 * object or ref that cannot be read (a damaged disk) is a difference too. */
	if ((rc = stele_repo_walk(v.repo, STELE_BRANCH, NULL, check_commit, &v)) < 0) {
		if (rc != STELE_EFAIL || v.check_failed)
			goto done;
		differ(&v, "the repository %s cannot be read after seq %llu: %s", STELE_REPO_DIR,
		       (unsigned long long)v.seq, stele_error_message());
		rc = 0;
	} else if ((rc = check_synced(&v)) < 0) {
		goto done;
	}
	/* 2. The outbox chains and verifies; replayed into an empty database... */
	if ((rc = stele_db_open(&replica, ":memory:", STELE_DB_CREATE)) < 0 ||
	    (rc = check_outbox(&v, replica, &replayed)) < 0)
		goto done;
	if ((rc = stele_db_int(ctx->db, "SELECT coalesce(max(seq), 0) FROM stele_outbox",
			       &max_seq)) < 0)
		goto done;
	outbox_max = (uint64_t)max_seq;
	/* 3. ... it gives exactly the village's rows. */
	if (replayed == outbox_max && (rc = compare_rows(&v, replica)) < 0)
		goto done;
	if (v.differences) {
		rc = stele_error(STELE_EVERIFY,
				 P_("%ld difference between the database and the repository",
				    "%ld differences between the database and the repository",
				    v.differences), v.differences);
		goto done;
	}
	fprintf(stderr, _("%s: verified: %llu change sets committed, %llu pending; the database "
		"matches its change sets\n"), ctx->prog, (unsigned long long)v.seq,
		(unsigned long long)(outbox_max - v.seq));
done:
	sqlite3_finalize(v.outbox);
	stele_keys_free(v.keys);
	stele_db_close(replica);
	stele_repo_close(v.repo);
	return rc;
}
