/* clerk-year.c: a benchmark tool that writes villages' streams as their clerks write a
 * year of work, one command at a time, fast: real signed change sets, one per command,
 * committed into a bare repository per village as its clerk syncs. Never used by the programs.
 *
 *   clerk-year OUT --county CODE [--townships T] [--villages-per-township V]
 *              [--year Y] [--jobs J] [--seed S] [--members M] [--points P] [--syncs-per-month N]
 *
 * For each village CODE = county + township (3 digits, from 001) + village (3 digits,
 * from 201), as tools/simulate.c numbers them, it opens the village schema in memory
 * (stele_db_open: the agent's own migrations and default catalogue) and writes its
 * year through the agent's capture (lib/capture.c: a SQLite session, the change note
 * with the clerk's name, the signature, the chain, the outbox), one change set per
 * command a clerk types: `member add` (M each, in January), then every month P
 * `points add`, two `task add` and a `task close` (on time), two `request add` and
 * one resolved, an `income add`, and the `close` of the month before (January to
 * November closed): with the defaults (30, 15) 305 change sets a village. The clerk
 * syncs after the members and N times a month (--syncs-per-month, default 4: once a
 * week), each sync committing the outbox as `stele-agent sync` does (lib/outbox.c:
 * one pack, one batch commit, the branch moved once) into OUT/CODE.git, no fsync (a
 * benchmark's scratch). Villages are shared out over J
 * processes. The signing key of each village is derived from the seed and its code,
 * so the same arguments write the same keys; stdout gets the registry
 * (`village import`'s CSV: code,name,township_name,remote,key). With --keys DIR
 * each village's signing key is also saved as DIR/CODE.key (`stele-agent
 * restore --key`'s backup), so a real agent can carry its stream on.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>

#include "buf.h"
#include "capture.h"
#include "changeset.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "keypair.h"
#include "outbox.h"
#include "parse.h"
#include "rules.h"

struct year_opts {
	const char *out, *county, *keys;
	long townships, per, year, jobs, seed, members, points, syncs;
};

/* What one village writes, and how far it got. */
struct village {
	const struct year_opts *o;
	char code[64], name[64];
	unsigned char pk[STELE_PK_BYTES], sk[STELE_SK_BYTES];
	sqlite3 *db;
	uint32_t rng;
	int events, tasks, requests, incomes;
	uint64_t synced;             /* the last seq committed to its repository */
	char (*rules)[16];
	int *rule_points, nrules;
};

static uint32_t next_rand(struct village *v)
{
	v->rng ^= v->rng << 13;
	v->rng ^= v->rng >> 17;
	v->rng ^= v->rng << 5;
	return v->rng;
}

/* The village's key pair, from the seed and its code. */
static void village_key(struct village *v)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char text[128];

	snprintf(text, sizeof(text), "clerk-year %ld %s", v->o->seed, v->code);
	crypto_hash_sha256(seed, (const unsigned char *)text, strlen(text));
	crypto_sign_seed_keypair(v->pk, v->sk, seed);
}

/* One command: sql with its text parameters (types as stele_db_run: 't' text, 'i'
 * int64), captured as one change set with the clerk's note (and the village's name
 * on the first). */
static int command(struct village *v, int first, const char *sql, const char *types, ...)
{
	struct stele_change_note note = { .clerk = "文书" };
	struct stele_capture *cap = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t seq;
	va_list ap;
	int rc;

	if (first)
		note.village_name = v->name;
	if ((rc = stele_capture_begin(&cap, v->db, v->code)) < 0)
		return rc;
	if ((rc = stele_capture_note(cap, &note)) < 0 ||
	    (rc = stele_db_prepare(v->db, &stmt, sql)) < 0)
		goto done;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
		else
			sqlite3_bind_text(stmt, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, v->db, "writing");
		goto done;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	rc = stele_capture_commit(&seq, cap, v->sk);
	cap = NULL;
done:
	sqlite3_finalize(stmt);
	stele_capture_abort(cap);
	return rc;
}

/* The default catalogue's rules with points (the ones a clerk records most). */
static int load_rules(struct village *v)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(v->db, &stmt, "SELECT code, points FROM point_rule WHERE active "
					       "AND category IN ('base','merit','bonus') ORDER BY code")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && v->nrules < 64) {
		snprintf(v->rules[v->nrules], 16, "%s", (const char *)sqlite3_column_text(stmt, 0));
		v->rule_points[v->nrules++] = sqlite3_column_int(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (v->nrules == 0)
		return stele_error(STELE_EFAIL, "the default catalogue has no point rules");
	return 0;
}

/* stele_outbox_commit's key: the village's one key. */
static int outbox_key(char *pk_hex, uint64_t seq, void *arg)
{
	const struct village *v = arg;

	(void)seq;
	stele_hex_encode(pk_hex, v->pk, STELE_PK_BYTES);
	return 0;
}

/* A sync: the outbox past what was committed into OUT/CODE.git, as `stele-agent
 * sync` commits it (lib/outbox.c, the agent's own code: one pack, a batch commit). */
static int sync_village(struct village *v)
{
	struct stele_buf path = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	git_repository *repo = NULL;
	uint64_t first, last;
	int rc;

	if ((rc = stele_buf_printf(&path, "%s/%s.git", v->o->out, v->code)) < 0 ||
	    (rc = stele_repo_open(&repo, path.data, 1)) < 0)
		goto done;
	rc = stele_outbox_commit(&first, &last, v->db, repo, STELE_BRANCH, v->synced, v->code,
				 outbox_key, v);
	if (rc == 0 && last)
		v->synced = last;
	/* The repository stands for the remote the village pushes to (a stick, a
	 * shared folder), whose packs the agent's push tidies as it does (lib/localremote.c). */
	if (rc == 0)
		rc = stele_repo_tidy_remote(repo);
done:
	stele_repo_close(repo);
	stele_buf_free(&path);
	return rc;
}

/* A clerk's year in the village, command after command, in the order of the days. */
static int write_year(struct village *v)
{
	const struct year_opts *o = v->o;
	char id[24], date[48], other[48], period[24], name[48];
	long y = o->year;
	int rc = 0, first = 1;

	for (long m = 1; m <= o->members && rc == 0; m++) {
		snprintf(id, sizeof(id), "M%04ld", m);
		snprintf(name, sizeof(name), "党员%ld", m);
		snprintf(date, sizeof(date), "%04ld-%02ld-01", 1950 + (long)(next_rand(v) % 50), 1 + m % 12);
		rc = command(v, first, "INSERT INTO member (village_code, id, name, gender, born, "
			     "joined, status) VALUES (?, ?, ?, ?, ?, ?, 'active')", "ttttit", v->code, id,
			     name, next_rand(v) % 2 ? "M" : "F", (int64_t)(1940 + next_rand(v) % 60), date);
		first = 0;
	}
	if (rc == 0)
		rc = sync_village(v);
	for (int month = 1; month <= 12 && rc == 0; month++) {
		snprintf(period, sizeof(period), "%04ld-%02d", y, month);
		if (month > 1) {
			snprintf(other, sizeof(other), "%04ld-%02d", y, month - 1);
			snprintf(date, sizeof(date), "%04ld-%02d-03 18:00", y, month);
			rc = command(v, 0, "INSERT INTO period_close (village_code, period, closed_at) "
				     "VALUES (?, ?, ?)", "ttt", v->code, other, date);
		}
		for (int t = 0; t < 2 && rc == 0; t++) {
			snprintf(id, sizeof(id), "T%04d", ++v->tasks);
			snprintf(date, sizeof(date), "%s-%02d", period, 20 + t * 5);
			snprintf(name, sizeof(name), "%d月任务%d", month, t + 1);
			rc = command(v, 0, "INSERT INTO task (village_code, id, title, category, due_on) "
				     "VALUES (?, ?, ?, '党建', ?)", "tttt", v->code, id, name, date);
		}
		for (int r = 0; r < 2 && rc == 0; r++) {
			snprintf(id, sizeof(id), "R%04d", ++v->requests);
			snprintf(date, sizeof(date), "%s-%02d", period, 4 + r * 9);
			rc = command(v, 0, "INSERT INTO request (village_code, id, received_on, category) "
				     "VALUES (?, ?, ?, '民生')", "ttt", v->code, id, date);
		}
		for (long p = 0; p < o->points && rc == 0; p++) {
			int k = (int)(next_rand(v) % (uint32_t)v->nrules);
			snprintf(id, sizeof(id), "E%06d", ++v->events);
			snprintf(other, sizeof(other), "M%04ld", 1 + (long)(next_rand(v) % (uint32_t)o->members));
			snprintf(date, sizeof(date), "%s-%02d", period, (int)(1 + p * 27 / (o->points > 1 ? o->points - 1 : 1)));
			rc = command(v, 0, "INSERT INTO point_event (village_code, id, member_id, rule_code, "
				     "occurred_on, points, stage) VALUES (?, ?, ?, ?, ?, ?, ?)", "tttttit",
				     v->code, id, other, v->rules[k], date, (int64_t)v->rule_points[k],
				     next_rand(v) % 5 ? "published" : "recorded");
			/* The month's syncs: every = the points between two of them. */
			long every = (o->points + o->syncs - 1) / o->syncs;
			if (rc == 0 && o->syncs > 1 && (p + 1) % every == 0 && p + 1 < o->points)
				rc = sync_village(v);
		}
		if (rc == 0) {
			snprintf(id, sizeof(id), "R%04d", v->requests - 1);
			snprintf(date, sizeof(date), "%s-%02d", period, 6);
			rc = command(v, 0, "UPDATE request SET resolved_on = ?, satisfied = 1 WHERE "
				     "village_code = ? AND id = ?", "ttt", date, v->code, id);
		}
		if (rc == 0) {
			snprintf(id, sizeof(id), "T%04d", v->tasks - 1);
			snprintf(date, sizeof(date), "%s-%02d", period, 19);
			rc = command(v, 0, "UPDATE task SET closed_on = ? WHERE village_code = ? AND id = ?",
				     "ttt", date, v->code, id);
		}
		if (rc == 0) {
			snprintf(id, sizeof(id), "I%04d", ++v->incomes);
			rc = command(v, 0, "INSERT INTO income (village_code, id, period, amount, source) "
				     "VALUES (?, ?, ?, ?, '集体经济')", "ttti", v->code, id, period,
				     (int64_t)(100000 + next_rand(v) % 900000));
		}
		if (rc == 0)
			rc = sync_village(v);
	}
	return rc;
}

static void village_init(struct village *v, const struct year_opts *o, long index)
{
	long t = 1 + index / o->per, n = index % o->per;

	v->o = o;
	snprintf(v->code, sizeof(v->code), "%.6s%03ld%03ld", o->county, t, 201 + n);
	snprintf(v->name, sizeof(v->name), "%ld镇%ld村", t, 201 + n);
	village_key(v);
}

/* One village, start to pack. */
static int one_village(const struct year_opts *o, long index)
{
	char rules[64][16];
	int points[64];
	struct village v = { .rules = rules, .rule_points = points };
	int rc;

	village_init(&v, o, index);
	v.rng = (uint32_t)(2654435761u * (uint32_t)(index + 1) ^ (uint32_t)o->seed) | 1;
	if (o->keys) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.key", o->keys, v.code);
		if ((rc = stele_key_save(path, v.sk)) < 0)
			return rc;
	}
	if ((rc = stele_db_open(&v.db, ":memory:", STELE_DB_CREATE)) < 0)
		return rc;
	if ((rc = stele_db_begin(v.db)) < 0)
		goto done;
	if ((rc = stele_rules_install_defaults(v.db)) < 0) {
		stele_db_rollback(v.db);
		goto done;
	}
	if ((rc = stele_db_commit(v.db)) < 0 || (rc = load_rules(&v)) < 0 ||
	    (rc = write_year(&v)) < 0)
		goto done;
done:
	stele_db_close(v.db);
	return rc;
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < 0) {
		fprintf(stderr, "clerk-year: --%s: not a number: %s\n", what, s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "county", required_argument, NULL, 'c' },
		{ "townships", required_argument, NULL, 't' },
		{ "villages-per-township", required_argument, NULL, 'v' },
		{ "year", required_argument, NULL, 'y' }, { "jobs", required_argument, NULL, 'j' },
		{ "seed", required_argument, NULL, 's' }, { "members", required_argument, NULL, 'm' },
		{ "points", required_argument, NULL, 'p' }, { "keys", required_argument, NULL, 'k' },
		{ "syncs-per-month", required_argument, NULL, 'S' },
		{ 0 },
	};
	struct year_opts o = { .townships = 1, .per = 1, .year = 2025, .jobs = 1, .seed = 1,
			       .members = 30, .points = 15, .syncs = 4 };
	long total;
	int opt, failed = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': o.county = optarg; break;
		case 't': o.townships = parse_long(optarg, "townships"); break;
		case 'v': o.per = parse_long(optarg, "villages-per-township"); break;
		case 'y': o.year = parse_long(optarg, "year"); break;
		case 'j': o.jobs = parse_long(optarg, "jobs"); break;
		case 's': o.seed = parse_long(optarg, "seed"); break;
		case 'm': o.members = parse_long(optarg, "members"); break;
		case 'p': o.points = parse_long(optarg, "points"); break;
		case 'k': o.keys = optarg; break;
		case 'S': o.syncs = parse_long(optarg, "syncs-per-month"); break;
		default: return 2;
		}
	}
	if (argc - optind != 1 || !o.county || strlen(o.county) != 6 || o.townships < 1 ||
	    o.townships > 999 || o.per < 1 || o.per > 799 || o.members < 1 || o.jobs < 1 ||
	    o.syncs < 1) {
		fprintf(stderr, "usage: clerk-year OUT --county CODE [--townships T] "
				"[--villages-per-township V] [--year Y] [--jobs J] [--seed S] "
				"[--members M] [--points P] [--syncs-per-month N] [--keys DIR]\n");
		return 2;
	}
	static char out[PATH_MAX];
	if (sodium_init() < 0 || (mkdir(argv[optind], 0777) < 0 && errno != EEXIST) ||
	    (o.keys && mkdir(o.keys, 0700) < 0 && errno != EEXIST) ||
	    !realpath(argv[optind], out)) {
		fprintf(stderr, "clerk-year: cannot start in %s\n", argv[optind]);
		return 1;
	}
	o.out = out;
	/* A benchmark's scratch repositories need no durability. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	total = o.townships * o.per;
	fflush(stdout);
	for (long j = 0; j < o.jobs; j++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("clerk-year: fork");
			return 1;
		}
		if (pid == 0) {
			for (long i = j; i < total; i += o.jobs)
				if (one_village(&o, i) < 0) {
					fprintf(stderr, "clerk-year: village %ld: %s\n", i, stele_error_message());
					_exit(1);
				}
			_exit(0);
		}
	}
	for (long j = 0; j < o.jobs; j++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	}
	if (failed)
		return 1;
	printf("code,name,township_name,remote,key\n");
	for (long i = 0; i < total; i++) {
		struct village v = { 0 };
		char pk_hex[2 * STELE_PK_BYTES + 1];

		village_init(&v, &o, i);
		stele_hex_encode(pk_hex, v.pk, STELE_PK_BYTES);
		printf("%s,%s,%ld镇,%s/%s.git,%s\n", v.code, v.name, 1 + i / o.per, o.out, v.code, pk_hex);
	}
	return 0;
}
