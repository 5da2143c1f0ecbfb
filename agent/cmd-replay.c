/* cmd-replay.c: `stele-agent replay --from URL`: the records another computer wrote
 * into this village's stream after the two parted (a fork), written again here as
 * one new change set of this computer's stream (docs/clerk-guide.md "Two laptops
 * wrote for the village"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "batch.h"
#include "cswalk.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "keyfile.h"
#include "keys.h"
#include "parse.h"
#include "remote.h"
#include "repo.h"
#include "url.h"

#define REPLAY_REF "refs/stele/replay"
#define REPLAY_MAX_IDS 100000

/* A table whose rows are keyed by (village_code, id), with the assigned ids' shape. */
struct id_table {
	const char *table, *prefix;
	int width;
};

static const struct id_table id_tables[] = {
	{ "member", "M", 4 }, { "point_event", "E", 6 }, { "task", "T", 4 },
	{ "request", "R", 4 }, { "income", "I", 4 },
};

/* An id the other computer used that is taken here, and the one it gets here. */
struct id_map {
	const char *table;
	char from[64], to[24];
};

struct replay {
	struct stele_ctx *ctx;
	struct agent_batch *b;
	struct stele_keys *keys;
	sqlite3_stmt *outbox;         /* SELECT hash FROM stele_outbox WHERE seq = ? */
	uint64_t first, last;         /* the other branch's seqs replayed (0: none yet) */
	unsigned char prev[STELE_HASH_BYTES]; /* the hash its next change set must name */
	struct stele_changeset **sets;
	size_t nsets;
	struct id_map *map;
	size_t nmap;
	long rows;
	int rc;
};

static const struct id_table *id_table_of(const char *table)
{
	for (size_t i = 0; i < sizeof(id_tables) / sizeof(id_tables[0]); i++)
		if (strcmp(id_tables[i].table, table) == 0)
			return &id_tables[i];
	return NULL;
}

/* The id here of the other computer's id of table (itself unless remapped). */
static const char *mapped(const struct replay *r, const char *table, const char *id)
{
	for (size_t i = 0; i < r->nmap; i++)
		if (r->map[i].table == table && strcmp(r->map[i].from, id) == 0)
			return r->map[i].to;
	return id;
}

/* stele_repo_walk callback: collects the other branch's change sets after the last
 * one this stream shares with it, each verified and chained. */
static int on_commit(void *arg, const git_oid *commit, const void *data, size_t len,
		     bool commit_end)
{
	struct replay *r = arg;
	struct stele_changeset *cs = NULL, **grown;
	unsigned char hash[STELE_HASH_BYTES], pk[STELE_PK_BYTES];
	char hex[STELE_OID_HEX_LEN + 1];
	bool revoked;
	uint64_t seq;
	int step;

	stele_git_oid_hex(hex, commit);
	if (!data) {
		r->rc = stele_error(STELE_EVERIFY, "commit %.12s of the other branch holds no "
				    "readable change set", hex);
		return 1;
	}
	seq = stele_cs_peek_seq(data, len);
	stele_cs_hash(hash, data, len);
	if (!r->first) {
		/* Still on the shared part: the same bytes as this outbox's seq. */
		sqlite3_reset(r->outbox);
		sqlite3_bind_int64(r->outbox, 1, (sqlite3_int64)seq);
		step = sqlite3_step(r->outbox);
		if (step == SQLITE_ROW && sqlite3_column_bytes(r->outbox, 0) == STELE_HASH_BYTES &&
		    memcmp(sqlite3_column_blob(r->outbox, 0), hash, STELE_HASH_BYTES) == 0) {
			memcpy(r->prev, hash, STELE_HASH_BYTES);
			r->last = seq;
			return 0;
		}
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			r->rc = stele_error_db(STELE_EFAIL, r->ctx->db, "reading the outbox");
			return 1;
		}
		r->first = seq;
	}
	if ((r->rc = stele_keys_in_force(pk, &revoked, r->keys, seq ? seq : 1)) < 0)
		return 1;
	if ((r->rc = stele_cs_decode(&cs, NULL, data, len, pk)) < 0) {
		r->rc = stele_error(r->rc, "commit %.12s of the other branch: %s", hex,
				    stele_error_message());
		return 1;
	}
	if (strcmp(cs->writer, agent_village(r->ctx)) != 0 || cs->seq != r->last + 1 ||
	    memcmp(cs->prev_hash, r->prev, STELE_HASH_BYTES) != 0) {
		r->rc = stele_error(STELE_EVERIFY, "commit %.12s of the other branch is not seq %llu "
				    "of village %s following the one before it", hex,
				    (unsigned long long)r->last + 1, agent_village(r->ctx));
		stele_cs_free(cs);
		return 1;
	}
	if (!(grown = realloc(r->sets, (r->nsets + 1) * sizeof(*grown)))) {
		stele_cs_free(cs);
		r->rc = stele_error(STELE_EFAIL, "out of memory");
		return 1;
	}
	r->sets = grown;
	r->sets[r->nsets++] = cs;
	memcpy(r->prev, hash, STELE_HASH_BYTES);
	r->last = seq;
	return 0;
}

/* Binds a change-set value (type 0, a column an update leaves alone, is never bound). */
static void bind_value(sqlite3_stmt *stmt, int i, const struct stele_cs_value *v)
{
	switch (v->type) {
	case SQLITE_INTEGER: sqlite3_bind_int64(stmt, i, v->integer); break;
	case SQLITE_TEXT: sqlite3_bind_text(stmt, i, (const char *)v->bytes, (int)v->len, SQLITE_TRANSIENT); break;
	case SQLITE_BLOB: sqlite3_bind_blob(stmt, i, v->bytes, (int)v->len, SQLITE_TRANSIENT); break;
	default: sqlite3_bind_null(stmt, i); break;
	}
}

/* Column names of table in cid order, into names (at most STELE_CS_MAX_COLUMNS). */
static int column_names(char names[][64], int *n, sqlite3 *db, const char *table)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*n = 0;
	if ((rc = stele_db_prepare(db, &stmt, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && *n < STELE_CS_MAX_COLUMNS)
		snprintf(names[(*n)++], 64, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return 0;
}

/* A text value as a NUL-terminated string (out holds 64 bytes); "" if not short text. */
static const char *text_of(char out[64], const struct stele_cs_value *v)
{
	if (v->type != SQLITE_TEXT || v->len >= 64)
		return "";
	memcpy(out, v->bytes, v->len);
	out[v->len] = '\0';
	return out;
}

/* Runs sql; a broken constraint is the replayed row's fault (STELE_EINVALID). */
static int run(struct replay *r, sqlite3_stmt *stmt, const char *label)
{
	sqlite3 *db = r->ctx->db;

	if (sqlite3_step(stmt) == SQLITE_DONE)
		return 0;
	if ((sqlite3_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
		return stele_error(STELE_EINVALID, "%s: %s here; change it on this computer, then "
				   "replay again", label, sqlite3_errmsg(db));
	return stele_error_db(STELE_EFAIL, db, label);
}

/* Writes one of the other branch's row changes here (stele_cs_walk callback). */
static int replay_row(void *arg, const struct stele_cs_row *row)
{
	struct replay *r = arg;
	const struct id_table *idt = id_table_of(row->table);
	const struct stele_cs_value *vals = row->op == SQLITE_DELETE ? row->old_values : row->new_values;
	struct stele_cs_value fixed[STELE_CS_MAX_COLUMNS];
	char names[STELE_CS_MAX_COLUMNS][64], sql[4096], label[128], idbuf[64], refbuf[64];
	const char *table = row->table, *id = "";
	sqlite3_stmt *stmt = NULL;
	size_t used = 0;
	int rc, n, bound = 0;

	if (strcmp(table, "writer_key") == 0)
		return 0; /* a key of the other computer's: this one keeps its own */
	if ((rc = column_names(names, &n, r->ctx->db, table)) < 0)
		return rc;
	if (n != row->ncol)
		return stele_error(STELE_EVERIFY, "table %s has %d columns in the other branch but "
				   "%d here", table, row->ncol, n);
	memcpy(fixed, vals, sizeof(fixed[0]) * (size_t)n);
	if (idt) {
		const struct stele_cs_value *key = row->op == SQLITE_INSERT ? &row->new_values[1]
									     : &row->old_values[1];
		id = text_of(idbuf, key);
		snprintf(label, sizeof(label), "%s '%s' of the other computer", table, id);
		if (row->op == SQLITE_INSERT) {
			bool taken = false;
			/* Taken here (or already renumbered): the next free id instead. */
			if ((rc = agent_batch_read_row(NULL, 0, &taken, r->b, idt == &id_tables[0] ?
				"SELECT 1 FROM member WHERE village_code = ?1 AND id = ?2" :
				idt == &id_tables[1] ? "SELECT 1 FROM point_event WHERE village_code = ?1 AND id = ?2" :
				idt == &id_tables[2] ? "SELECT 1 FROM task WHERE village_code = ?1 AND id = ?2" :
				idt == &id_tables[3] ? "SELECT 1 FROM request WHERE village_code = ?1 AND id = ?2" :
				"SELECT 1 FROM income WHERE village_code = ?1 AND id = ?2", id)) < 0)
				return rc;
			if (taken) {
				struct id_map *grown;
				if (r->nmap >= REPLAY_MAX_IDS ||
				    !(grown = realloc(r->map, (r->nmap + 1) * sizeof(*grown))))
					return stele_error(STELE_EFAIL, "out of memory");
				r->map = grown;
				grown[r->nmap].table = idt->table;
				snprintf(grown[r->nmap].from, sizeof(grown[r->nmap].from), "%s", id);
				if ((rc = agent_batch_next_id(grown[r->nmap].to, r->b, idt->table,
							      idt->prefix, idt->width)) < 0)
					return rc;
				fprintf(stderr, _("%s: %s '%s' of the other computer is %s here\n"),
					r->ctx->prog, table, id, grown[r->nmap].to);
				r->nmap++;
			} else {
				agent_batch_saw_id(r->b, idt->table, idt->prefix, idt->width, id);
			}
		}
		id = mapped(r, idt->table, id);
		fixed[1] = (struct stele_cs_value){ .type = SQLITE_TEXT, .bytes = (const unsigned char *)id,
						    .len = strlen(id) };
	} else {
		snprintf(label, sizeof(label), "a %s row of the other computer", table);
	}
	/* Member references follow the members' new ids. */
	for (int i = 0; i < n; i++)
		if (fixed[i].type == SQLITE_TEXT &&
		    ((strcmp(table, "point_event") == 0 && strcmp(names[i], "member_id") == 0) ||
		     (strcmp(table, "task") == 0 && strcmp(names[i], "assignee") == 0))) {
			const char *m = mapped(r, "member", text_of(refbuf, &fixed[i]));
			if (m != refbuf) {
				fixed[i].bytes = (const unsigned char *)m;
				fixed[i].len = strlen(m);
			}
		}

	if (row->op == SQLITE_INSERT) {
		/* An assessment item or a month's close both computers recorded: the
		 * replayed one stands (it is the later word). */
		used = (size_t)snprintf(sql, sizeof(sql), "INSERT %sINTO %s VALUES (",
					idt ? "" : "OR REPLACE ", table);
		for (int i = 0; i < n; i++)
			used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s?", i ? ", " : "");
		snprintf(sql + used, sizeof(sql) - used, ")");
	} else if (row->op == SQLITE_UPDATE) {
		used = (size_t)snprintf(sql, sizeof(sql), "UPDATE %s SET ", table);
		for (int i = 0; i < n; i++)
			if (row->new_values[i].type != 0 && !row->pk[i])
				used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s%s = ?",
							 bound++ ? ", " : "", names[i]);
		used += (size_t)snprintf(sql + used, sizeof(sql) - used, " WHERE ");
		bound = 0;
		for (int i = 0; i < n; i++)
			if (row->pk[i])
				used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s%s = ?",
							 bound++ ? " AND " : "", names[i]);
	} else {
		used = (size_t)snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE ", table);
		for (int i = 0; i < n; i++)
			if (row->pk[i])
				used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s%s = ?",
							 bound++ ? " AND " : "", names[i]);
	}
	if (used >= sizeof(sql))
		return stele_error(STELE_EFAIL, "replaying %s: statement too long", table);
	if ((rc = stele_db_prepare(r->ctx->db, &stmt, sql)) < 0)
		return rc;
	bound = 0;
	if (row->op == SQLITE_INSERT) {
		for (int i = 0; i < n; i++)
			bind_value(stmt, ++bound, &fixed[i]);
	} else {
		if (row->op == SQLITE_UPDATE)
			for (int i = 0; i < n; i++)
				if (row->new_values[i].type != 0 && !row->pk[i])
					bind_value(stmt, ++bound, &fixed[i]);
		for (int i = 0; i < n; i++)
			if (row->pk[i])
				bind_value(stmt, ++bound, i == 1 && idt ? &fixed[1] : &row->old_values[i]);
	}
	rc = run(r, stmt, label);
	sqlite3_finalize(stmt);
	if (rc == 0)
		r->rows++;
	return rc;
}

int cmd_replay(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct replay r = { .ctx = ctx };
	struct agent_batch b;
	struct stele_remote_opts ropts = { 0 };
	git_repository *repo = NULL;
	const char *from = NULL;
	char shown[1024], key[96], tip_hex[STELE_OID_HEX_LEN + 1], *seen = NULL;
	git_oid tip;
	bool began = false, opts_set = false;
	uint64_t seq = 0;
	char **args;
	int rc, n, found = 0;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "from", &from),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!from)
		return stele_error(STELE_EUSAGE, "replay: give --from URL (the other computer's "
				   "repository or USB stick)");
	stele_url_redact(shown, sizeof(shown), from);
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	began = true;
	r.b = &b;
	if ((rc = agent_repo_open(&repo, ctx, true)) < 0 ||
	    (rc = agent_remote_opts(&ropts, ctx)) < 0)
		goto done;
	opts_set = true;
	if ((rc = stele_remote_fetch(&found, repo, from, STELE_BRANCH, REPLAY_REF, &ropts)) < 0)
		goto done;
	if (!found) {
		rc = stele_error(STELE_EFAIL, "%s holds no change sets", shown);
		goto done;
	}
	if (stele_repo_ref(&tip, repo, REPLAY_REF) != 1) {
		rc = stele_error(STELE_EFAIL, "cannot read what was fetched from %s", shown);
		goto done;
	}
	stele_git_oid_hex(tip_hex, &tip);
	snprintf(key, sizeof(key), "replayed_%s", tip_hex);
	if ((rc = stele_meta_get(ctx->db, key, &seen)) < 0)
		goto done;
	if (seen) {
		rc = stele_error(STELE_EINVALID, "the branch of %s (commit %.12s) was replayed "
				 "already (its seq %s)", shown, tip_hex, seen);
		goto done;
	}
	if ((rc = agent_keys_open(&r.keys, ctx, ctx->db)) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &r.outbox, "SELECT hash FROM stele_outbox WHERE seq = ?")) < 0)
		goto done;
	rc = stele_repo_walk(repo, REPLAY_REF, NULL, on_commit, &r);
	if (r.rc < 0)
		rc = r.rc;
	if (rc < 0)
		goto done;
	if (!r.nsets) {
		rc = stele_error(STELE_EINVALID, "%s holds nothing this computer lacks: every change "
				 "set on it is this stream's own", shown);
		goto done;
	}
	for (size_t i = 0; i < r.nsets; i++) {
		const struct stele_changeset *cs = r.sets[i];
		if ((rc = stele_cs_walk(NULL, cs->changes, cs->changes_len, replay_row, &r)) < 0)
			goto done;
	}
	char range[64];
	snprintf(range, sizeof(range), "%llu..%llu", (unsigned long long)r.first,
		 (unsigned long long)r.last);
	if ((rc = stele_meta_set(ctx->db, key, range)) < 0)
		goto done;
	began = false;
	if ((rc = agent_batch_commit(&b)) < 0)
		goto done;
	if ((rc = stele_db_int(ctx->db, "SELECT max(seq) FROM stele_outbox", (int64_t *)&seq)) < 0)
		goto done;
	fprintf(stderr, _("%s: replayed seq %llu..%llu of the other computer's branch from %s "
		"(%ld row changes) as seq %llu of this one; sync it, then the county runs "
		"'quarantine retry %s'\n"), ctx->prog, (unsigned long long)r.first,
		(unsigned long long)r.last, shown, r.rows, (unsigned long long)seq,
		agent_village(ctx));
done:
	if (began)
		agent_batch_abort(&b);
	for (size_t i = 0; i < r.nsets; i++)
		stele_cs_free(r.sets[i]);
	free(r.sets);
	free(r.map);
	free(seen);
	sqlite3_finalize(r.outbox);
	stele_keys_free(r.keys);
	if (repo)
		stele_repo_delete_ref(repo, REPLAY_REF);
	stele_repo_close(repo);
	if (opts_set)
		stele_remote_opts_release(&ropts);
	return rc;
}
