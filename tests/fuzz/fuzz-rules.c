/* fuzz-rules.c: libFuzzer target for the rules catalogue import
 * (stele_rules_import) into an in-memory database holding the default catalogue.
 * The first input byte picks the kind, the rest is the CSV. A refused file must
 * leave every table as it was; an accepted one must leave a catalogue that keeps
 * the rules' promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "db.h"
#include "error.h"
#include "rules.h"
#include "fuzz.h"

static sqlite3 *db;
static char *before; /* stele_db_dump of the default catalogue */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (stele_db_open(&db, ":memory:", STELE_DB_CREATE) < 0 || stele_db_begin(db) < 0 ||
	    stele_rules_install_defaults(db) < 0 || stele_db_commit(db) < 0 ||
	    stele_db_dump(&before, db, NULL) < 0) {
		fprintf(stderr, "fuzz-rules: setting up the database: %s\n", stele_error_message());
		abort();
	}
	return 0;
}

static int64_t count(const char *sql)
{
	int64_t n = -1;

	FUZZ_CHECK(stele_db_int(db, sql, &n) == 0, "%s: %s", sql, stele_error_message());
	return n;
}

/* The catalogue's promises after an accepted import of kind. */
static void check_catalogue(enum stele_rules_kind kind)
{
	long long value;
	int64_t nkeys;

	switch (kind) {
	case STELE_RULES_STANDARD_ITEMS:
		FUZZ_CHECK(count("SELECT sum(max_score) FROM standard_item WHERE active = 1") == 1000,
			   "accepted standard items whose active max scores do not sum to 100.0");
		break;
	case STELE_RULES_POINT_RULES:
		FUZZ_CHECK(count("SELECT count(*) FROM point_rule WHERE "
				 "(category = 'deduction' AND points > 0) OR "
				 "(category = 'zeroing' AND points <> 0) OR "
				 "(category IN ('base','merit','bonus') AND points < 0)") == 0,
			   "accepted a point rule whose points do not fit its category");
		break;
	case STELE_RULES_CONFIG:
		nkeys = 0;
		for (const struct stele_config_default *d = stele_config_defaults; d->key; d++, nkeys++)
			FUZZ_CHECK(stele_config_get(&value, db, d->key) == 0,
				   "accepted config that reads back as an error: %s",
				   stele_error_message());
		FUZZ_CHECK(count("SELECT count(*) FROM ranking_config") <= nkeys,
			   "accepted unknown config keys");
		break;
	case STELE_RULES_VETO_ITEMS:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum stele_rules_kind kind;
	struct stele_csv *csv = NULL;
	char *after = NULL;
	int rc;

	if (size < 1)
		return 0;
	kind = (enum stele_rules_kind)(data[0] % 4);
	FUZZ_CHECK(stele_csv_open_mem(&csv, "rules.csv", (const char *)data + 1, size - 1) == 0,
		   "open_mem failed: %s", stele_error_message());
	FUZZ_CHECK(stele_db_begin(db) == 0, "begin: %s", stele_error_message());
	rc = stele_rules_import(db, kind, csv);
	if (rc < 0) {
		FUZZ_CHECK(rc == STELE_EINVALID, "import returned %d: %s", rc, stele_error_message());
		FUZZ_CHECK(strncmp(stele_error_message(), "rules.csv:", 10) == 0,
			   "import error does not name the file: %s", stele_error_message());
		FUZZ_CHECK(stele_db_dump(&after, db, NULL) == 0, "dump: %s", stele_error_message());
		FUZZ_CHECK(strcmp(before, after) == 0, "a refused import changed the catalogue");
		free(after);
	} else {
		check_catalogue(kind);
	}
	stele_db_rollback(db);
	stele_csv_free(csv);
	return 0;
}
