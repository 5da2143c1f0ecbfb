/* cmd-restore.c: `stele-agent restore`: rebuild a village directory from its remote,
 * checking every change set, so its stream carries on at the next seq. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "i18n.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "fileio.h"
#include "gitrepo.h"
#include "keypair.h"
#include "keys.h"
#include "merge.h"
#include "parse.h"
#include "remote.h"
#include "repo.h"
#include "rules.h"
#include "sync.h"
#include "url.h"

struct restore_opts {
	const char *remote, *village, *key, *county, *name;
};

/* Creates dir (*created) or accepts it empty, or holding a restore that did not
 * finish (*unfinished: its files are removed once the lock is held); else an error. */
static int prepare_dir(bool *created, bool *unfinished, const char *dir)
{
	DIR *d;
	struct dirent *e;
	bool empty = true;

	*created = *unfinished = false;
	if (mkdir(dir, 0755) == 0) {
		*created = true;
		return 0;
	}
	if (errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot create %s: %s", dir, strerror(errno));
	if (!(d = opendir(dir)))
		return stele_error(STELE_EFAIL, "cannot read %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, STELE_RESTORING_FILE) == 0)
			*unfinished = true;
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = false;
	}
	closedir(d);
	if (!empty && !*unfinished)
		return stele_error(STELE_EUSAGE, "%s is not empty; restore into an empty or new "
				   "directory", dir);
	return 0;
}

/* The replay of the village's stream into the new database. */
struct replay {
	sqlite3 *db;
	git_repository *repo;
	const char *village;
	const char *prog;
	struct stele_keys *keys;            /* the key history, as replayed so far */
	unsigned char base[STELE_PK_BYTES]; /* the key of seq 1: the first commit's writer.pub */
	const unsigned char *given;         /* --key's public key, or NULL */
	git_oid commit;                     /* the commit being replayed (zero: none yet) */
	uint64_t commit_first;              /* the seq of its first change set */
	struct stele_stream stream;         /* the village's chain, checked as the county does */
};

/*
 * The stream went on at seq with the key the clerk gave (--key) although no
 * rotation announced it: the village was restored with a new key before. The
 * clerk's own key vouches for it; recorded as the agent's override.
 */
static int accept_given_key(struct replay *r, uint64_t seq)
{
	char hex[2 * STELE_PK_BYTES + 1];
	int rc;

	stele_hex_encode(hex, r->given, STELE_PK_BYTES);
	rc = stele_db_run(r->db, "recording the key",
			  "INSERT INTO stele_key_override (village_code, seq_from, new_key, revokes, at) "
			  "VALUES (?, ?, ?, 0, unixepoch())",
			  "tit", r->village, (int64_t)seq, hex);
	if (rc == 0)
		fprintf(stderr, _("%s: seq %llu on is signed with the key you gave (--key), which no "
			"rotation announced (the village was restored with a new key before)\n"),
			r->prog, (unsigned long long)seq);
	return rc;
}

static int replay_one(void *ctx, const git_oid *commit, const void *data, size_t len,
		      bool commit_end)
{
	struct replay *r = ctx;
	struct stele_changeset *cs = NULL;
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	unsigned char pk[STELE_PK_BYTES], hash[STELE_HASH_BYTES];
	char hex[STELE_OID_HEX_LEN + 1], key_hex[2 * STELE_PK_BYTES + 1];
	uint64_t seq = r->stream.last_seq + 1;
	sqlite3_stmt *stmt = NULL;
	const char *reason = NULL;
	bool revoked;
	int rc;

	stele_git_oid_hex(hex, commit);
	if (!data)
		return stele_error(STELE_EVERIFY, "commit %.12s holds no change set", hex);
	if (!r->keys) {
		/* Trust on first use: the key of seq 1 is the one its commit names;
		 * every later key must follow from it (docs/keys.md). */
		if ((rc = stele_repo_commit_pubkey(r->base, r->repo, commit)) < 0 ||
		    (rc = stele_keys_open(&r->keys, r->db, r->village, r->base)) < 0)
			return rc;
	}
	/* The change set of the next seq, verified with the key in force for it. */
	if ((rc = stele_keys_in_force(pk, &revoked, r->keys, seq)) < 0)
		return rc;
	rc = stele_cs_decode(&cs, &fault, data, len, pk);
	if (rc == STELE_EVERIFY && fault == STELE_CS_FAULT_SIGNATURE && r->given &&
	    sodium_memcmp(r->given, pk, STELE_PK_BYTES) != 0 &&
	    stele_cs_peek_seq(data, len) == seq && stele_cs_signed_by(data, len, r->given)) {
		if ((rc = accept_given_key(r, seq)) < 0)
			return rc;
		stele_keys_forget(r->keys);
		rc = stele_cs_decode(&cs, NULL, data, len, r->given);
	}
	if (rc < 0) {
		stele_hex_encode(key_hex, pk, STELE_PK_BYTES);
		if (fault == STELE_CS_FAULT_SIGNATURE)
			return stele_error(rc, "commit %.12s (seq %llu): the signature does not verify "
					   "against the key in force for seq %llu (%.16s...)%s", hex,
					   (unsigned long long)seq, (unsigned long long)seq, key_hex,
					   r->given ? "" : "; if the village went on with a new key "
					   "after a restore, give that key with --key");
		return stele_error(rc, "commit %.12s: %s", hex, stele_error_message());
	}
	rc = stele_stream_check(&reason, NULL, &r->stream, cs);
	if (rc == 0) {
		rc = stele_stream_apply(&reason, &r->stream, cs);
		if (r->stream.announced)
			stele_keys_forget(r->keys); /* a rotation: the next seq has another key */
	}
	if (rc < 0) {
		rc = stele_error(rc, "commit %.12s: %s", hex, stele_error_message());
		goto done;
	}
	stele_cs_hash(hash, data, len);
	/* The commit it came in, so that the outbox gives these very commits again. */
	if (!git_oid_equal(commit, &r->commit)) {
		r->commit = *commit;
		r->commit_first = cs->seq;
	}
	if ((rc = stele_db_prepare(r->db, &stmt, "INSERT INTO stele_outbox (seq, created_at, "
						 "summary, hash, data, commit_first) "
						 "VALUES (?, ?, ?, ?, ?, ?)")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)r->commit_first);
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)cs->seq);
	sqlite3_bind_int64(stmt, 2, cs->created_at);
	sqlite3_bind_text(stmt, 3, cs->summary ? cs->summary : "", -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 4, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 5, data, (int)len, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, r->db, "storing a change set");
		goto done;
	}
	stele_stream_advance(&r->stream, cs, hash);
done:
	sqlite3_finalize(stmt);
	stele_cs_free(cs);
	return rc;
}

/* Records that this directory signs with pk from seq on although the stream does
 * not announce it (a restore with a new key). */
static int record_new_key(struct replay *r, uint64_t seq, const char *pk_hex)
{
	int rc;

	rc = stele_db_run(r->db, "recording the new key",
			  "INSERT INTO stele_key_override (village_code, seq_from, new_key, revokes, at) "
			  "VALUES (?, ?, ?, 0, unixepoch()) ON CONFLICT (village_code, seq_from) "
			  "DO UPDATE SET new_key = excluded.new_key",
			  "tit", r->village, (int64_t)seq, pk_hex);
	return rc;
}

/* The village's name: --name, else the last one its stream said (change_note),
 * else its code (the county's registry may name it after the pull). */
static int restore_name(struct replay *r, const struct restore_opts *o)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (o->name)
		return stele_meta_set(r->db, "village_name", o->name);
	if ((rc = stele_db_prepare(r->db, &stmt,
				   "SELECT village_name FROM change_note WHERE village_code = ? AND "
				   "village_name IS NOT NULL ORDER BY seq DESC LIMIT 1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, o->village, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		rc = stele_meta_set(r->db, "village_name", (const char *)sqlite3_column_text(stmt, 0));
	else
		rc = stele_meta_set(r->db, "village_name", o->village);
	sqlite3_finalize(stmt);
	return rc;
}

/* Fills the new database: settings, default rules, every change set, in one
 * transaction. pk is the key the directory signs with from now on. */
static int rebuild(struct replay *r, const struct restore_opts *o, const unsigned char pk[STELE_PK_BYTES])
{
	char pk_hex[2 * STELE_PK_BYTES + 1], now_hex[2 * STELE_PK_BYTES + 1];
	char base_hex[2 * STELE_PK_BYTES + 1], county[7], seq[24];
	unsigned char now[STELE_PK_BYTES];
	bool revoked;
	int rc;

	memcpy(county, o->village, 6);
	county[6] = '\0';
	if ((rc = stele_db_begin(r->db)) < 0)
		return rc;
	if ((rc = stele_meta_set(r->db, "role", "village")) < 0 ||
	    (rc = stele_meta_set(r->db, "village_code", o->village)) < 0 ||
	    (rc = stele_meta_set(r->db, "county_code", county)) < 0 ||
	    (rc = stele_meta_set(r->db, "remote", o->remote)) < 0 ||
	    (o->county && (rc = stele_meta_set(r->db, "county_url", o->county)) < 0) ||
	    (rc = stele_rules_install_defaults(r->db)) < 0 ||
	    (rc = stele_repo_walk(r->repo, STELE_BRANCH, NULL, replay_one, r)) < 0)
		goto done;
	if ((rc = restore_name(r, o)) < 0)
		goto done;
	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	/* The key the stream says signs its next change set. */
	if ((rc = stele_keys_in_force(now, &revoked, r->keys, r->stream.last_seq + 1)) < 0)
		goto done;
	stele_hex_encode(now_hex, now, STELE_PK_BYTES);
	if (sodium_memcmp(pk, now, STELE_PK_BYTES) != 0) {
		if (o->key) {
			rc = stele_error(STELE_EINVALID, "%s is not the key this village signed with "
					 "last (seq %llu on is signed by %.16s...; a key replaced by "
					 "'key rotate' no longer signs)", o->key,
					 (unsigned long long)r->stream.last_seq + 1, now_hex);
			goto done;
		}
		/* A new key: from the next seq on, recorded so verify and log check
		 * the history with the old keys and what follows with this one. */
		if ((rc = record_new_key(r, r->stream.last_seq + 1, pk_hex)) < 0)
			goto done;
	}
	stele_hex_encode(base_hex, r->base, STELE_PK_BYTES);
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)r->stream.last_seq);
	if ((rc = stele_meta_set(r->db, "initial_public_key", base_hex)) < 0 ||
	    (rc = stele_meta_set(r->db, "public_key", pk_hex)) < 0 ||
	    (rc = stele_meta_set(r->db, "synced_seq", seq)) < 0 ||
	    (rc = stele_meta_set(r->db, "restored_seq", seq)) < 0 ||
	    (rc = stele_meta_set(r->db, "writer", o->village)) < 0)
		goto done;
	rc = stele_db_commit(r->db);
done:
	if (rc < 0)
		stele_db_rollback(r->db);
	return rc;
}

/* The village's name from the county's published registry, if it is there. */
static void name_from_registry(struct stele_ctx *ctx, const char *village)
{
	sqlite3_stmt *stmt = NULL;

	if (stele_db_prepare(ctx->db, &stmt, "SELECT name FROM village WHERE code = ?") < 0)
		return;
	sqlite3_bind_text(stmt, 1, village, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		stele_meta_set(ctx->db, "village_name", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

int cmd_restore(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct restore_opts o = { 0 };
	struct replay r = { 0 };
	struct stele_remote_opts ropts = { 0 };
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	struct restore_opts kept;
	unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];
	char *db_path = NULL, *key_path = NULL, *repo_path = NULL, *remote = NULL, *county = NULL;
	char *marker = NULL;
	char shown[1024];
	bool created_dir = false, unfinished = false, started = false;
	char **args;
	int rc, n, found = 0;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "remote", &o.remote),
		STELE_OPT_STRING(0, "village", &o.village),
		STELE_OPT_STRING(0, "key", &o.key),
		STELE_OPT_STRING(0, "county", &o.county),
		STELE_OPT_STRING(0, "name", &o.name),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.remote || !o.village)
		return stele_error(STELE_EUSAGE, "restore needs --remote URL and --village CODE");
	if ((rc = stele_check_village_code(o.village, NULL, "village code")) < 0 ||
	    (rc = stele_check_text(o.remote, 1024, "--remote")) < 0 ||
	    (o.county && (rc = stele_check_text(o.county, 1024, "--county")) < 0) ||
	    (o.name && (rc = stele_check_text(o.name, 200, "--name")) < 0))
		return rc;
	if (o.key && (rc = stele_key_load(sk, o.key)) < 0)
		return rc;
	/* This run uses the URLs as given; the directory keeps them without passwords,
	 * which go to the credentials file once the restore succeeded. */
	if ((rc = stele_credentials_keep_url(&remote, &urls, o.remote, "--remote")) < 0 ||
	    (o.county && (rc = stele_credentials_keep_url(&county, &urls, o.county, "--county")) < 0))
		goto done;
	kept = o;
	kept.remote = remote;
	kept.county = county;
	stele_url_redact(shown, sizeof(shown), o.remote);
	if ((rc = prepare_dir(&created_dir, &unfinished, ctx->dir)) < 0)
		goto done;
	if (!(db_path = stele_ctx_path(ctx, STELE_DB_FILE)) ||
	    !(key_path = stele_ctx_path(ctx, STELE_KEY_FILE)) ||
	    !(repo_path = stele_ctx_path(ctx, STELE_REPO_DIR)) ||
	    !(marker = stele_ctx_path(ctx, STELE_RESTORING_FILE))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = stele_lock_acquire(&ctx->lock, ctx->dir)) < 0)
		goto done;
	started = true;
	/* A killed restore left its files: the lock says it is not running. Clearing
	 * takes the lock file too, so the lock is taken again on a fresh one. */
	if (unfinished) {
		if ((rc = stele_file_remove_tree(ctx->dir, 1)) < 0)
			goto done;
		stele_lock_release(ctx->lock);
		ctx->lock = NULL;
		started = false; /* another restore that takes the lock now owns the files */
		if ((rc = stele_lock_acquire(&ctx->lock, ctx->dir)) < 0)
			goto done;
		started = true;
	}
	if ((rc = stele_file_create(marker, "", 0, 0644, "restore marker")) < 0)
		goto done;
	if ((rc = stele_repo_open(&r.repo, repo_path, 1)) < 0)
		goto done;
	if ((rc = agent_remote_opts(&ropts, ctx)) < 0)
		goto done;
	if ((rc = stele_remote_fetch(&found, r.repo, o.remote, STELE_BRANCH, STELE_BRANCH, &ropts)) < 0)
		goto done;
	if (!found) {
		rc = stele_error(STELE_EFAIL, "remote %s holds no change sets", shown);
		goto done;
	}
	if (o.key) {
		if ((rc = stele_key_save(key_path, sk)) < 0)
			goto done;
		stele_key_public(pk, sk);
	} else if ((rc = stele_key_generate(pk, key_path)) < 0) {
		goto done;
	}
	if ((rc = stele_db_open(&r.db, db_path, STELE_DB_CREATE)) < 0)
		goto done;
	r.village = o.village;
	r.prog = ctx->prog;
	r.given = o.key ? pk : NULL;
	if ((rc = stele_stream_init(&r.stream, r.db, o.village)) < 0 ||
	    (rc = rebuild(&r, &kept, pk)) < 0 || (rc = stele_cli_save_kept_urls(&urls, ctx)) < 0)
		goto done;
	if (unlink(marker) < 0) {
		rc = stele_error(STELE_EFAIL, "cannot remove %s: %s", marker, strerror(errno));
		goto done;
	}
	fprintf(stderr, _("%s: restored village %s from %s: %llu change sets, verified\n"), ctx->prog,
		o.village, shown, (unsigned long long)r.stream.last_seq);
	if (!o.key) {
		char pk_hex[2 * STELE_PK_BYTES + 1];
		stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
		fprintf(stderr, _("%s: this directory signs with a NEW key from seq %llu on; before "
			"the next sync the county must accept it with 'stele-aggregator village revoke "
			"%s --from-seq %llu --key %s' (docs/keys.md), or restore again with --key "
			"BACKUP-OF-signing.key\n"), ctx->prog, (unsigned long long)r.stream.last_seq + 1,
			o.village, (unsigned long long)r.stream.last_seq + 1, pk_hex);
	}
	stele_keys_free(r.keys);
	r.keys = NULL;
	stele_db_close(r.db);
	r.db = NULL;
	stele_repo_close(r.repo);
	r.repo = NULL;
	if (o.county) {
		git_repository *repo = NULL;
		int pull;
		stele_lock_release(ctx->lock);
		ctx->lock = NULL;
		if ((pull = agent_open(ctx)) == 0 && (pull = agent_repo_open(&repo, ctx, false)) == 0 &&
		    (pull = agent_pull_county(ctx, repo, kept.county)) == 0 && !o.name)
			name_from_registry(ctx, o.village);
		if (pull < 0)
			fprintf(stderr, _("%s: the county rules will come with the next sync: %s\n"),
				ctx->prog, stele_error_message());
		stele_repo_close(repo);
	}
done:
	stele_keys_free(r.keys);
	stele_db_close(r.db);
	stele_repo_close(r.repo);
	if (rc < 0 && started) {
		/* The directory was empty: everything in it is ours to remove. */
		stele_file_remove_tree(ctx->dir, 1);
		if (created_dir)
			rmdir(ctx->dir);
	}
	sodium_memzero(sk, sizeof(sk));
	free(db_path);
	free(key_path);
	free(repo_path);
	free(marker);
	stele_remote_opts_release(&ropts);
	stele_credentials_kept_free(&urls);
	free(remote);
	free(county);
	return rc;
}
