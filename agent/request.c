/* request.c: the validated write of a resident's request (request_put), shared
 * by `request add|resolve`, import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "words.h"

/* The fields of a request, in cli.md's import/export column order. */
enum { RF_ID, RF_RECEIVED, RF_CATEGORY, RF_GRID, RF_RESOLVED, RF_SATISFIED, RF_COUNT };

static const char request_get_sql[] =
	"SELECT '', received_on, category, grid, resolved_on, satisfied FROM request "
	"WHERE village_code = ?1 AND id = ?2";
static const char request_insert_sql[] =
	"INSERT INTO request (village_code, id, received_on, category, grid, resolved_on, "
	"satisfied) VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?5, ''), nullif(?6, ''), "
	"CAST(nullif(?7, '') AS INTEGER))";
static const char request_update_sql[] =
	"UPDATE request SET received_on = ?3, category = nullif(?4, ''), grid = nullif(?5, ''), "
	"resolved_on = nullif(?6, ''), satisfied = CAST(nullif(?7, '') AS INTEGER) "
	"WHERE village_code = ?1 AND id = ?2";
static const struct agent_row_kind request_kind = { N_("request"), "request", "R", 4,
						    request_get_sql, RF_COUNT };

int request_put(char *out_id, struct agent_batch *b, const struct request_row *row)
{
	char *old[RF_COUNT] = { 0 };
	const char *given[RF_COUNT] = { row->id, row->received_on, row->category, row->grid,
					row->resolved_on, row->satisfied };
	const char *v[RF_COUNT];
	char received_buf[32], resolved_buf[32];
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	bool exists;
	int32_t received, resolved;
	int rc = 0, first_change = -1;

	if ((rc = agent_batch_row_ref(&ref, old, b, &request_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	v[RF_ID] = id;
	for (int i = 1; i < RF_COUNT; i++)
		v[i] = given[i] ? given[i] : exists ? old[i] : "";

	if (row->editing && exists && *old[RF_RESOLVED]) {
		rc = agent_refuse(RF_RESOLVED, "%s: it was resolved on %s: a resolved request is "
				  "not changed", label, old[RF_RESOLVED]);
		goto done;
	}
	if (row->editing && exists &&
	    (rc = agent_batch_refuse_closed(b, RF_RECEIVED, label, old[RF_RECEIVED])) < 0)
		goto done;
	if (row->resolving && exists && *old[RF_RESOLVED]) {
		rc = agent_refuse(RF_RESOLVED, "%s is already resolved (on %s)", label,
				  old[RF_RESOLVED]);
		goto done;
	}
	if (!*v[RF_RECEIVED]) {
		rc = agent_refuse_malformed(RF_RECEIVED, "%s: received date is empty", label);
		goto done;
	}
	if ((rc = agent_lenient_field(&v[RF_RECEIVED], received_buf, RF_RECEIVED, label, 'd')) < 0 ||
	    (rc = agent_lenient_field(&v[RF_RESOLVED], resolved_buf, RF_RESOLVED, label, 'd')) < 0)
		goto done;
	if (stele_parse_date(&received, v[RF_RECEIVED], "received date") < 0) {
		rc = agent_refuse_malformed(RF_RECEIVED, "%s: %s", label, stele_error_message());
		goto done;
	}
	if ((rc = agent_check_field_text(RF_CATEGORY, label, "category", v[RF_CATEGORY], 64)) < 0 ||
	    (rc = agent_check_field_text(RF_GRID, label, "grid", v[RF_GRID], 64)) < 0 ||
	    (rc = grid_check(b, RF_GRID, label, "request", id, v[RF_GRID])) < 0)
		goto done;
	if (*v[RF_RESOLVED]) {
		if (stele_parse_date(&resolved, v[RF_RESOLVED], "resolved date") < 0) {
			rc = agent_refuse_malformed(RF_RESOLVED, "%s: %s", label, stele_error_message());
			goto done;
		}
		if (resolved < received) {
			rc = agent_refuse(RF_RESOLVED, "%s: resolved on %s, before it was received "
					  "(%s)", label, v[RF_RESOLVED], v[RF_RECEIVED]);
			goto done;
		}
	}
	if (*v[RF_SATISFIED] && strcmp(v[RF_SATISFIED], "1") != 0 &&
	    strcmp(v[RF_SATISFIED], "0") != 0) {
		rc = agent_refuse_malformed(RF_SATISFIED, "%s: satisfied '%s' is not 1, 0 or empty", label,
				  v[RF_SATISFIED]);
		goto done;
	}
	if (*v[RF_SATISFIED] && !*v[RF_RESOLVED]) {
		rc = agent_refuse(RF_SATISFIED, "%s: satisfied is set but the request is not resolved",
				  label);
		goto done;
	}

	if (exists && (rc = request_followup_check_dates(b, RF_RECEIVED, RF_RESOLVED, label, id,
							v[RF_RECEIVED], v[RF_RESOLVED])) < 0)
		goto done;
	if (exists) {
		for (int i = 1; i < RF_COUNT && first_change < 0; i++)
			if (strcmp(v[i], old[i]) != 0)
				first_change = i;
		if (first_change < 0)
			goto unchanged;
	}
	/* Closed months: a request of one is frozen except for being resolved; the
	 * resolution (date and satisfaction) belongs to the month it happens in. */
	if (exists && first_change < RF_RESOLVED &&
	    (rc = agent_batch_refuse_closed(b, first_change, label, old[RF_RECEIVED])) < 0)
		goto done;
	if ((!exists || strcmp(v[RF_RECEIVED], old[RF_RECEIVED]) != 0) &&
	    (rc = agent_batch_refuse_closed(b, RF_RECEIVED, label, v[RF_RECEIVED])) < 0)
		goto done;
	if ((strcmp(v[RF_RESOLVED], exists ? old[RF_RESOLVED] : "") != 0 ||
	     strcmp(v[RF_SATISFIED], exists ? old[RF_SATISFIED] : "") != 0) &&
	    (rc = agent_batch_closing_change(b, RF_RESOLVED, label, v[RF_RECEIVED],
					     exists ? old[RF_RESOLVED] : "", v[RF_RESOLVED])) < 0)
		goto done;

	if ((rc = agent_batch_write_texts(b, exists ? request_update_sql : request_insert_sql, v,
					  RF_COUNT, "writing a request")) < 0)
		goto done;
unchanged:
	if (out_id)
		strcpy(out_id, id);
done:
	agent_free_cols(old, RF_COUNT);
	return rc;
}

int request_delete(struct agent_batch *b, const char *id)
{
	static const char *const dates[] = { "received_on", "resolved_on", NULL };
	int rc;

	/* Its follow-up first (a foreign key); refused with it if the request is. */
	if ((rc = request_followup_delete(b, id)) < 0)
		return rc;
	return agent_batch_delete(b, &request_kind, id, dates, NULL, NULL);
}

int agent_satisfied_code(const char **code, const char *given)
{
	const char *c = NULL;

	if (given) {
		/* yes, no or a Chinese word (是, 否) name the stored 1 or 0; the codes
		 * themselves are not words of the option (the code comes back as is). */
		c = stele_word_code("satisfied", given);
		if (c == given)
			return stele_error(STELE_EUSAGE, "--satisfied '%s' is not yes or no", given);
	}
	*code = c;
	return 0;
}
