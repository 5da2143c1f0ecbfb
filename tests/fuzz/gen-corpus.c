/* gen-corpus.c: writes the fuzz seed corpus of change sets: real captured writes
 * (village and county), re-encoded with fixed clocks and the fuzz key so the output
 * is the same on every run. Usage: gen-corpus DIR — writes DIR/changeset/NN (encoded
 * change sets, a valid chain) and DIR/changes/NN (their inflated row changes). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "capture.h"
#include "changeset.h"
#include "db.h"
#include "error.h"
#include "rules.h"
#include "fuzz.h"

#define VILLAGE "990101001201"

/* One captured write each; the village's rows, then the county's. */
static const struct {
	const char *writer;
	const char *sql;
} writes[] = {
	{ VILLAGE, "INSERT INTO member (village_code, id, name, gender, born, joined) VALUES "
		   "('" VILLAGE "', 'M0001', '张三', 'M', 1970, '1995-07-01'),"
		   "('" VILLAGE "', 'M0002', '李四', 'F', 1988, NULL)" },
	{ VILLAGE, "INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, "
		   "points, note) VALUES ('" VILLAGE "', 'E000001', 'M0001', 'B01', '2026-08-03', 20, "
		   "'现场照片已存档')" },
	{ VILLAGE, "INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, "
		   "points) VALUES ('" VILLAGE "', 'E000002', 'M0002', 'D02', '2026-08-04', -35),"
		   "('" VILLAGE "', 'E000003', 'M0002', 'M01', '2026-08-05', 30)" },
	{ VILLAGE, "UPDATE point_event SET stage = 'group' WHERE id IN ('E000001', 'E000002')" },
	{ VILLAGE, "INSERT INTO task (village_code, id, title, category, due_on) VALUES "
		   "('" VILLAGE "', 'T0007', '修缮村道', '基础设施', '2026-09-30')" },
	{ VILLAGE, "UPDATE task SET closed_on = '2026-09-12' WHERE id = 'T0007'" },
	{ VILLAGE, "INSERT INTO request (village_code, id, received_on, category, grid) VALUES "
		   "('" VILLAGE "', 'R0001', '2026-09-01', '环境', '一组')" },
	{ VILLAGE, "UPDATE request SET resolved_on = '2026-09-08', satisfied = 1 WHERE id = 'R0001'" },
	{ VILLAGE, "INSERT INTO income (village_code, id, period, amount, source) VALUES "
		   "('" VILLAGE "', 'I0001', '2026-09', 6876790, '光伏发电')" },
	{ VILLAGE, "INSERT INTO assessment (village_code, year, item_code, score, note) VALUES "
		   "('" VILLAGE "', 2026, 'S1', 185, NULL), ('" VILLAGE "', 2026, 'S2', 150, '自评')" },
	{ VILLAGE, "INSERT INTO period_close (village_code, period, closed_at) VALUES "
		   "('" VILLAGE "', '2026-08', '2026-09-02T10:00:00')" },
	{ VILLAGE, "DELETE FROM point_event WHERE id = 'E000003'" },
	{ VILLAGE, "UPDATE member SET status = 'transferred_out', grid = '二组' WHERE id = 'M0002'" },
	{ STELE_WRITER_COUNTY, "INSERT INTO point_rule (code, category, name, points) VALUES "
			       "('B09', 'base', '参加集中学习', 10)" },
	{ STELE_WRITER_COUNTY, "INSERT INTO village (code, name, township_code, township_name) VALUES "
			       "('" VILLAGE "', '正营村', '990101001', '城关镇')" },
	{ STELE_WRITER_COUNTY, "INSERT INTO veto_event (id, village_code, veto_code, year, note) VALUES "
			       "('X0001', '" VILLAGE "', 'V3', 2026, '安全生产事故')" },
	{ STELE_WRITER_COUNTY, "UPDATE ranking_config SET value = '85' WHERE key = 'star.5'" },
};
#define NWRITES (sizeof(writes) / sizeof(writes[0]))

static int write_file(const char *dir, const char *sub, size_t n, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot create %s: %m", path);
	snprintf(path, sizeof(path), "%s/%s/%02zu", dir, sub, n);
	if (!(f = fopen(path, "wb")))
		return stele_error(STELE_EFAIL, "cannot create %s: %m", path);
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return stele_error(STELE_EFAIL, "cannot write %s", path);
	}
	if (fclose(f) != 0)
		return stele_error(STELE_EFAIL, "cannot write %s: %m", path);
	return 0;
}

/*
 * Captures writes[i] on db and returns the row changes of the change set it stored
 * (*changes malloc'd by the decoder, freed with the change set *cs by the caller).
 */
static int capture_one(struct stele_changeset **cs, sqlite3 *db, size_t i,
		       const unsigned char sk[STELE_SK_BYTES], const unsigned char pk[STELE_PK_BYTES])
{
	struct stele_capture *cap = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t seq = 0;
	int rc;

	if ((rc = stele_capture_begin(&cap, db, writes[i].writer)) < 0)
		return rc;
	if ((rc = stele_db_exec(db, writes[i].sql)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	if ((rc = stele_capture_commit(&seq, cap, sk)) < 0)
		return rc;
	if (seq == 0)
		return stele_error(STELE_EFAIL, "write %zu changed nothing", i);
	if ((rc = stele_db_prepare(db, &stmt, "SELECT data FROM stele_outbox WHERE seq = ?")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)seq);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		rc = stele_error_db(STELE_EFAIL, db, "reading the outbox");
	else
		rc = stele_cs_decode(cs, NULL, sqlite3_column_blob(stmt, 0),
				     (size_t)sqlite3_column_bytes(stmt, 0), pk);
	sqlite3_finalize(stmt);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];
	unsigned char prev[2][STELE_HASH_BYTES] = { { 0 } }; /* village, county */
	uint64_t next_seq[2] = { 1, 1 };
	sqlite3 *village = NULL, *county = NULL;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-corpus DIR\n");
		return 2;
	}
	fuzz_keys(pk, sk);
	if ((rc = stele_db_open(&village, ":memory:", STELE_DB_CREATE)) < 0 ||
	    (rc = stele_db_open(&county, ":memory:", STELE_DB_CREATE)) < 0 ||
	    (rc = stele_db_begin(county)) < 0 || (rc = stele_rules_install_defaults(county)) < 0 ||
	    (rc = stele_db_commit(county)) < 0)
		goto done;
	for (size_t i = 0; i < NWRITES; i++) {
		int c = strcmp(writes[i].writer, STELE_WRITER_COUNTY) == 0;
		struct stele_changeset *cs = NULL;
		unsigned char *encoded = NULL;
		size_t encoded_len = 0;

		if ((rc = capture_one(&cs, c ? county : village, i, sk, pk)) < 0)
			goto done;
		/* Fixed clocks and a chain of the re-encoded bytes: the same output every run. */
		cs->created_at = 1786000000 + (int64_t)i * 3600;
		cs->seq = next_seq[c]++;
		memcpy(cs->prev_hash, prev[c], STELE_HASH_BYTES);
		rc = stele_cs_encode(&encoded, &encoded_len, cs, sk);
		if (rc == 0) {
			stele_cs_hash(prev[c], encoded, encoded_len);
			rc = write_file(argv[1], "changeset", i, encoded, encoded_len);
		}
		if (rc == 0)
			rc = write_file(argv[1], "changes", i, cs->changes, cs->changes_len);
		free(encoded);
		stele_cs_free(cs);
		if (rc < 0)
			goto done;
	}
done:
	stele_db_close(village);
	stele_db_close(county);
	if (rc < 0) {
		fprintf(stderr, "gen-corpus: %s\n", stele_error_message());
		return 1;
	}
	return 0;
}
