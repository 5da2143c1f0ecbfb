/* income.c: the validated write of an income entry (income_put), shared by
 * `income add`, import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcheck.h"

/* The fields of an income row, in cli.md's import/export column order. */
enum { IF_ID, IF_PERIOD, IF_AMOUNT, IF_SOURCE, IF_COUNT };

static const char income_get_sql[] =
	"SELECT '', period, amount, source FROM income WHERE village_code = ?1 AND id = ?2";
static const char income_same_sql[] =
	"SELECT id FROM income WHERE village_code = ?1 AND period = ?2 AND source = ?3 "
	"AND id <> ?4";
static const char income_insert_sql[] =
	"INSERT INTO income (village_code, id, period, amount, source) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char income_update_sql[] =
	"UPDATE income SET period = ?3, amount = ?4, source = ?5 "
	"WHERE village_code = ?1 AND id = ?2";
static const struct agent_row_kind income_kind = { N_("income"), "income", "I", 4, income_get_sql,
						   IF_COUNT };

/* Refuses a second row for (period, source). */
static int check_unique(struct agent_batch *b, const char *label, const char *id,
			const char *period, const char *source)
{
	sqlite3_stmt *stmt;
	int rc, step;

	if ((rc = agent_batch_stmt(&stmt, b, income_same_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, id, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		rc = agent_refuse(*source ? IF_SOURCE : IF_PERIOD,
				  "%s: income for %s from source '%s' is already recorded as %s",
				  label, period, source, sqlite3_column_text(stmt, 0));
	else if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading income");
	sqlite3_reset(stmt);
	return rc;
}

int income_put(char *out_id, struct agent_batch *b, const struct income_row *row)
{
	char *old[IF_COUNT] = { 0 };
	const char *given[IF_COUNT] = { row->id, row->period, row->amount, row->source };
	const char *v[IF_COUNT];
	char period_buf[32];
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	char old_amount[32];
	bool exists;
	int32_t month;
	int64_t amount = 0;
	sqlite3_stmt *stmt;
	int rc = 0, first_change = -1;

	if ((rc = agent_batch_row_ref(&ref, old, b, &income_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	if (exists) {
		/* Stored fen, compared as the text the row gives: the parsed value. */
		stele_format_fixed(old_amount, strtoll(old[IF_AMOUNT], NULL, 10), 2);
		free(old[IF_AMOUNT]);
		if (!(old[IF_AMOUNT] = strdup(old_amount))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
	}
	v[IF_ID] = id;
	for (int i = 1; i < IF_COUNT; i++)
		v[i] = given[i] ? given[i] : exists ? old[i] : "";
	/* A row of a closed month is read-only with it. */
	if (row->editing && exists &&
	    (rc = agent_batch_refuse_closed(b, IF_PERIOD, label, old[IF_PERIOD])) < 0)
		goto done;

	if (!*v[IF_PERIOD]) {
		rc = agent_refuse_malformed(IF_PERIOD, "%s: month is empty", label);
		goto done;
	}
	if ((rc = agent_lenient_field(&v[IF_PERIOD], period_buf, IF_PERIOD, label, 'm')) < 0)
		goto done;
	if (strlen(v[IF_PERIOD]) != 7 || stele_parse_month(&month, v[IF_PERIOD], "month") < 0) {
		if (strlen(v[IF_PERIOD]) != 7)
			stele_error(STELE_EINVALID, "month '%s' is not YYYY-MM", v[IF_PERIOD]);
		rc = agent_refuse_malformed(IF_PERIOD, "%s: %s", label, stele_error_message());
		goto done;
	}
	if (!*v[IF_AMOUNT]) {
		rc = agent_refuse_malformed(IF_AMOUNT, "%s: amount is empty", label);
		goto done;
	}
	if (stele_parse_fen(&amount, v[IF_AMOUNT], "amount") < 0) {
		rc = agent_refuse_malformed(IF_AMOUNT, "%s: %s", label, stele_error_message());
		goto done;
	}
	/* A well-formed amount past the bound is refused by a rule (exit 3), not malformed. */
	if (stele_check_bound(amount, STELE_FEN_MAX, 2, "amount") < 0) {
		rc = agent_refuse(IF_AMOUNT, "%s: %s", label, stele_error_message());
		goto done;
	}
	if ((rc = agent_check_field_text(IF_SOURCE, label, "source", v[IF_SOURCE], 64)) < 0)
		goto done;

	if (exists) {
		int64_t was = 0;
		stele_parse_fen(&was, old[IF_AMOUNT], NULL);
		if (strcmp(v[IF_PERIOD], old[IF_PERIOD]) != 0)
			first_change = IF_PERIOD;
		else if (amount != was)
			first_change = IF_AMOUNT;
		else if (strcmp(v[IF_SOURCE], old[IF_SOURCE]) != 0)
			first_change = IF_SOURCE;
		if (first_change < 0)
			goto unchanged;
		if ((rc = agent_batch_refuse_closed(b, first_change, label, old[IF_PERIOD])) < 0)
			goto done;
	}
	if ((!exists || strcmp(v[IF_PERIOD], old[IF_PERIOD]) != 0) &&
	    (rc = agent_batch_refuse_closed(b, IF_PERIOD, label, v[IF_PERIOD])) < 0)
		goto done;
	if ((rc = check_unique(b, label, id, v[IF_PERIOD], v[IF_SOURCE])) < 0)
		goto done;

	if ((rc = agent_batch_stmt(&stmt, b, exists ? income_update_sql : income_insert_sql)) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, v[IF_PERIOD], -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, amount);
	sqlite3_bind_text(stmt, 5, v[IF_SOURCE], -1, SQLITE_STATIC);
	if ((rc = agent_batch_exec(b, stmt, "writing income")) < 0)
		goto done;
unchanged:
	if (out_id)
		strcpy(out_id, id);
done:
	agent_free_cols(old, IF_COUNT);
	return rc;
}

int income_delete(struct agent_batch *b, const char *id)
{
	static const char *const dates[] = { "period", NULL };

	return agent_batch_delete(b, &income_kind, id, dates, NULL, NULL);
}
