/* stele-forge.c: a test tool that writes a village's stream into a bare repository,
 * honestly (its outbox, as `stele-agent sync` would) or forged (a crafted change
 * set: foreign rows, another key, a gap, a bad schema, an edited payload, a zlib
 * bomb), so the aggregator's checks can be tested. Never used by the programs.
 *
 *   stele-forge VILLAGE_DIR REPO [--upto SEQ]
 *       appends the outbox change sets past REPO's tip (up to SEQ) to REPO's main
 *   stele-forge VILLAGE_DIR REPO --again
 *       commits the repository's last change set once more (a duplicate delivery)
 *   stele-forge VILLAGE_DIR REPO --sql SQL [--key FILE] [--writer W] [--seq N]
 *               [--schema N] [--corrupt payload|bomb]
 *       runs SQL in VILLAGE_DIR's database under a session on every synced table,
 *       rolls it back, and appends the captured change set as the next commit
 *   stele-forge VILLAGE_DIR REPO --sql SQL --repeat N
 *       the same N times, each with {n} in SQL replaced by 1..N: N commits of their
 *       own change sets (the benchmarks' single-row change sets)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <zlib.h>

#include "buf.h"
#include "changeset.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "gitrepo.h"
#include "keypair.h"
#include "parse.h"
#include "summary.h"

struct forge_opts {
	const char *village_dir, *repo_path, *sql, *key, *writer, *corrupt;
	int again;
	long long upto, seq, schema, repeat;
};

/* The last change set of the repository's main: its hash (zeros if empty). */
struct last_seen {
	unsigned char hash[STELE_HASH_BYTES];
	uint64_t count;
	struct stele_buf data; /* its bytes */
};

static int on_commit(void *arg, const git_oid *commit, const void *data, size_t len,
		     bool commit_end)
{
	struct last_seen *last = arg;

	if (data)
		stele_cs_hash(last->hash, data, len);
	last->count++;
	stele_buf_reset(&last->data);
	return data ? stele_buf_append(&last->data, data, len) : 0;
}

/* Appends one commit; its time is created_at, as `stele-agent sync` does, so the
 * same outbox pushed to two repositories gives the same commits. */
static int append(git_repository *repo, const unsigned char *data, size_t len,
		  const unsigned char *sk, uint64_t seq, const char *writer, const char *summary,
		  int64_t created_at)
{
	unsigned char pk[STELE_PK_BYTES];
	char pk_hex[2 * STELE_PK_BYTES + 1], message[STELE_CS_SUMMARY_MAX + 64];
	git_oid made;

	stele_key_public(pk, sk);
	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	snprintf(message, sizeof(message), "seq %llu: %s", (unsigned long long)seq, summary);
	return stele_repo_append(&made, repo, STELE_BRANCH, data, len, pk_hex, message, writer,
				 created_at);
}

/* Appends the outbox rows past the repository's tip seq. */
static int push_outbox(git_repository *repo, sqlite3 *db, const unsigned char *sk,
		       const char *writer, long long upto)
{
	sqlite3_stmt *stmt = NULL;
	git_oid tip;
	uint64_t tip_seq = 0;
	int rc, step;

	if ((rc = stele_repo_tip(&tip, &tip_seq, repo, STELE_BRANCH)) < 0)
		return rc;
	if ((rc = stele_db_prepare(db, &stmt, "SELECT seq, summary, data, created_at FROM stele_outbox "
					      "WHERE seq > ? AND (? = 0 OR seq <= ?) ORDER BY seq")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)tip_seq);
	sqlite3_bind_int64(stmt, 2, upto);
	sqlite3_bind_int64(stmt, 3, upto);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		if ((rc = append(repo, sqlite3_column_blob(stmt, 2), (size_t)sqlite3_column_bytes(stmt, 2),
				 sk, (uint64_t)sqlite3_column_int64(stmt, 0), writer,
				 (const char *)sqlite3_column_text(stmt, 1), sqlite3_column_int64(stmt, 3))) < 0)
			goto done;
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the outbox");
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* Runs sql under a session on every synced table and rolls it back; *changes
 * (sqlite3_free) is what it captured. */
static int capture_sql(void **changes, int *len, sqlite3 *db, const char *sql)
{
	sqlite3_session *session = NULL;
	int rc = 0;

	if ((rc = stele_db_begin(db)) < 0)
		return rc;
	if (sqlite3session_create(db, "main", &session) != SQLITE_OK) {
		rc = stele_error_db(STELE_EFAIL, db, "session");
		goto done;
	}
	for (const char *const *t = stele_village_tables; *t; t++)
		sqlite3session_attach(session, *t);
	for (const char *const *t = stele_county_tables; *t; t++)
		sqlite3session_attach(session, *t);
	if ((rc = stele_db_exec(db, sql)) < 0)
		goto done;
	if (sqlite3session_changeset(session, len, changes) != SQLITE_OK)
		rc = stele_error_db(STELE_EFAIL, db, "changeset");
done:
	if (session)
		sqlite3session_delete(session);
	stele_db_rollback(db);
	return rc;
}

/* Offsets into an encoded change set (docs/format.md). */
static size_t off_payload_hash(const unsigned char *e)
{
	return 28 + e[27] + STELE_HASH_BYTES;
}

static size_t off_raw_len(const unsigned char *e)
{
	size_t s = off_payload_hash(e) + STELE_HASH_BYTES;
	return s + 2 + ((size_t)e[s] << 8 | e[s + 1]);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* 80 MiB of zeros, deflated (a zlib bomb against the 64 MiB cap). */
static int bomb_payload(struct stele_buf *out)
{
	static unsigned char zeros[1 << 16], chunk[1 << 16];
	z_stream zs;
	int rc = 0;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, 9) != Z_OK)
		return stele_error(STELE_EFAIL, "deflateInit");
	for (int i = 0; i < 80 * 16; i++) {
		zs.next_in = zeros;
		zs.avail_in = sizeof(zeros);
		int flush = i == 80 * 16 - 1 ? Z_FINISH : Z_NO_FLUSH;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			deflate(&zs, flush);
			if ((rc = stele_buf_append(out, chunk, sizeof(chunk) - zs.avail_out)) < 0)
				goto done;
		} while (zs.avail_out == 0);
	}
done:
	deflateEnd(&zs);
	return rc;
}

/* Rewrites an encoded change set: an edited payload (hash not updated) or a
 * bomb (hash updated, declared size kept), re-signed with sk. */
static int corrupt(unsigned char **enc, size_t *len, const char *how, const unsigned char *sk)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT), bomb = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	unsigned char *e = *enc;
	size_t raw = off_raw_len(e), payload = raw + 8;
	int rc = 0;

	if (strcmp(how, "payload") == 0) {
		e[payload + (*len - 64 - payload) / 2] ^= 0x5a;
	} else if (strcmp(how, "bomb") == 0) {
		if ((rc = bomb_payload(&bomb)) < 0)
			goto done;
		crypto_hash_sha256(e + off_payload_hash(e), (const unsigned char *)bomb.data, bomb.len);
		put_be32(e + raw + 4, (uint32_t)bomb.len);
		if ((rc = stele_buf_append(&b, e, payload)) < 0 ||
		    (rc = stele_buf_append(&b, bomb.data, bomb.len)) < 0 ||
		    (rc = stele_buf_append(&b, e, 64)) < 0)
			goto done;
		free(*enc);
		*enc = (unsigned char *)stele_buf_detach(&b, len);
		e = *enc;
	} else {
		rc = stele_error(STELE_EUSAGE, "--corrupt payload|bomb");
		goto done;
	}
	crypto_sign_detached(e + *len - 64, NULL, e, *len - 64, sk);
done:
	stele_buf_free(&b);
	stele_buf_free(&bomb);
	return rc;
}

/* Captures sql and appends it as the change set after last (which then names it). */
static int forge_one(git_repository *repo, sqlite3 *db, const unsigned char *sk,
		     const struct forge_opts *o, const char *village, const char *sql,
		     struct last_seen *last)
{
	struct stele_changeset cs = { 0 };
	unsigned char *enc = NULL;
	size_t enc_len = 0;
	void *changes = NULL;
	int changes_len = 0, rc;

	if ((rc = capture_sql(&changes, &changes_len, db, sql)) < 0)
		goto done;
	cs.format = STELE_CS_FORMAT;
	cs.schema = o->schema ? (unsigned)o->schema : (unsigned)stele_schema_version();
	cs.seq = o->seq >= 0 ? (uint64_t)o->seq : last->count + 1;
	cs.created_at = (int64_t)time(NULL);
	snprintf(cs.writer, sizeof(cs.writer), "%s", o->writer ? o->writer : village);
	memcpy(cs.prev_hash, last->hash, STELE_HASH_BYTES);
	cs.changes = changes;
	cs.changes_len = (size_t)changes_len;
	if ((rc = stele_cs_summarize(&cs.summary, changes, (size_t)changes_len)) < 0 ||
	    (rc = stele_cs_encode(&enc, &enc_len, &cs, sk)) < 0)
		goto done;
	if (o->corrupt && (rc = corrupt(&enc, &enc_len, o->corrupt, sk)) < 0)
		goto done;
	if ((rc = append(repo, enc, enc_len, sk, cs.seq, cs.writer, cs.summary, cs.created_at)) < 0)
		goto done;
	stele_cs_hash(last->hash, enc, enc_len);
	last->count++;
done:
	free(enc);
	free(cs.summary);
	sqlite3_free(changes);
	return rc;
}

static int forge(git_repository *repo, sqlite3 *db, const unsigned char *sk,
		 const struct forge_opts *o, const char *village)
{
	struct last_seen last = { { 0 }, 0, STELE_BUF_INIT(STELE_BUF_NOLIMIT) };
	struct stele_buf sql = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	char num[24];
	int rc;

	if ((rc = stele_repo_walk(repo, STELE_BRANCH, NULL, on_commit, &last)) < 0)
		goto done;
	if (o->again) {
		rc = append(repo, (const unsigned char *)last.data.data, last.data.len, sk,
			    last.count, village, "the same change set again", (int64_t)time(NULL));
		goto done;
	}
	/* --repeat N: {n} in the SQL is 1..N. */
	for (long long n = 1; n <= (o->repeat > 0 ? o->repeat : 1) && rc == 0; n++) {
		snprintf(num, sizeof(num), "%lld", n);
		stele_buf_reset(&sql);
		for (const char *p = o->sql; *p && rc == 0; p++) {
			if (strncmp(p, "{n}", 3) == 0) {
				rc = stele_buf_puts(&sql, num);
				p += 2;
			} else {
				rc = stele_buf_putc(&sql, *p);
			}
		}
		if (rc == 0 && (rc = stele_buf_putc(&sql, '\0')) == 0)
			rc = forge_one(repo, db, sk, o, village, sql.data, &last);
	}
done:
	stele_buf_free(&sql);
	stele_buf_free(&last.data);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "upto", required_argument, NULL, 'u' }, { "sql", required_argument, NULL, 'q' },
		{ "key", required_argument, NULL, 'k' }, { "writer", required_argument, NULL, 'w' },
		{ "seq", required_argument, NULL, 's' }, { "schema", required_argument, NULL, 'S' },
		{ "corrupt", required_argument, NULL, 'c' }, { "again", no_argument, NULL, 'a' },
		{ "repeat", required_argument, NULL, 'r' },
		{ 0 },
	};
	struct forge_opts o = { .seq = -1 };
	unsigned char sk[STELE_SK_BYTES];
	char path[4096], *village = NULL;
	git_repository *repo = NULL;
	sqlite3 *db = NULL;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u': o.upto = atoll(optarg); break;
		case 'q': o.sql = optarg; break;
		case 'k': o.key = optarg; break;
		case 'w': o.writer = optarg; break;
		case 's': o.seq = atoll(optarg); break;
		case 'S': o.schema = atoll(optarg); break;
		case 'c': o.corrupt = optarg; break;
		case 'a': o.again = 1; break;
		case 'r': o.repeat = atoll(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: stele-forge VILLAGE_DIR REPO [--upto SEQ | --sql SQL ...]\n");
		return 2;
	}
	o.village_dir = argv[optind];
	o.repo_path = argv[optind + 1];
	if (sodium_init() < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/stele.db", o.village_dir);
	if ((rc = stele_db_open(&db, path, 0)) < 0 || (rc = stele_meta_get(db, "writer", &village)) < 0)
		goto done;
	if (!village) {
		rc = stele_error(STELE_EFAIL, "%s has no writer", o.village_dir);
		goto done;
	}
	if (o.key)
		snprintf(path, sizeof(path), "%s", o.key);
	else
		snprintf(path, sizeof(path), "%s/signing.key", o.village_dir);
	if ((rc = stele_key_load(sk, path)) < 0)
		goto done;
	if ((rc = stele_repo_open(&repo, o.repo_path, 1)) < 0)
		goto done;
	/* A forged repository needs no durability: no fsync per commit (--repeat). */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	rc = o.sql || o.again ? forge(repo, db, sk, &o, village) : push_outbox(repo, db, sk, village, o.upto);
done:
	if (rc < 0)
		fprintf(stderr, "stele-forge: %s\n", stele_error_message());
	stele_repo_close(repo);
	stele_db_close(db);
	free(village);
	return stele_exit_code(rc);
}
