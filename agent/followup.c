/* followup.c: who took a resident's request (党员接单), where it was escalated
 * (吹哨报到) and the resident's feedback: the validated writes of request_followup
 * (schema/0011-weak-requests.sql), shared by `request add|set --handler`,
 * `request escalate` and `request feedback`, and the workbench's follow-up page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "records.h"
#include "rowcheck.h"
#include "suggest.h"

/* The request's own fields and its follow-up ("" where empty). */
enum { FF_RECEIVED, FF_RESOLVED, FF_HANDLER, FF_TO, FF_ON, FF_FEEDBACK, FF_HAS_ROW, FF_COUNT };

static const char followup_get_sql[] =
	"SELECT r.received_on, r.resolved_on, f.handler, f.escalated_to, f.escalated_on, "
	"f.feedback, f.request_id IS NOT NULL FROM request r "
	"LEFT JOIN request_followup f ON f.village_code = r.village_code AND f.request_id = r.id "
	"WHERE r.village_code = ?1 AND r.id = ?2";
static const char followup_insert_sql[] =
	"INSERT INTO request_followup (village_code, request_id, handler, escalated_to, "
	"escalated_on, feedback) VALUES (?1, ?2, nullif(?3, ''), nullif(?4, ''), nullif(?5, ''), "
	"nullif(?6, ''))";
static const char followup_update_sql[] =
	"UPDATE request_followup SET handler = nullif(?3, ''), escalated_to = nullif(?4, ''), "
	"escalated_on = nullif(?5, ''), feedback = nullif(?6, '') "
	"WHERE village_code = ?1 AND request_id = ?2";
static const char followup_delete_sql[] =
	"DELETE FROM request_followup WHERE village_code = ?1 AND request_id = ?2";
static const char escalated_on_sql[] =
	"SELECT escalated_on FROM request_followup WHERE village_code = ?1 AND request_id = ?2";

/* The handler, checked: "" (none) or a member of the village. */
static int check_handler(struct agent_batch *b, const char *label, const char *handler)
{
	char hint[96];
	bool exists;
	int rc;

	if (!*handler)
		return 0;
	if ((rc = agent_check_id(handler, "--handler")) < 0)
		return rc;
	if ((rc = agent_batch_member_exists(&exists, b, handler)) < 0)
		return rc;
	if (exists)
		return 0;
	agent_did_you_mean(hint, sizeof(hint), b, AGENT_MEMBER_IDS_SQL, handler);
	rc = agent_refuse(-1, "%s: member '%s' does not exist in village %s", label, handler,
			  agent_village(b->ctx));
	stele_suggest_hint(hint);
	return rc;
}

/* The escalation, checked: to and on both given, on a real date not before the
 * request was received, of an open month, the request still open and not yet
 * escalated. on may be rewritten into buf (a lenient date). */
static int check_escalation(struct agent_batch *b, const char *label, char *const *old,
			    const char *to, const char **on, char buf[32])
{
	int rc;

	if (*old[FF_RESOLVED])
		return agent_refuse(-1, "%s is resolved (on %s): only an open request is escalated",
				    label, old[FF_RESOLVED]);
	if (*old[FF_ON])
		return agent_refuse(-1, "%s was already escalated to %s on %s", label, old[FF_TO],
				    old[FF_ON]);
	if (!*to)
		return stele_error(STELE_EUSAGE, "request escalate: --to is empty");
	if ((rc = agent_check_field_text(-1, label, "--to", to, STELE_LABEL_MAX)) < 0 ||
	    (rc = agent_lenient_field(on, buf, -1, label, 'd')) < 0 ||
	    (rc = agent_check_field_date(-1, label, "escalation date", *on)) < 0)
		return rc;
	if (strcmp(*on, old[FF_RECEIVED]) < 0)
		return agent_refuse(-1, "%s: escalated on %s, before it was received (%s)", label,
				    *on, old[FF_RECEIVED]);
	return agent_batch_refuse_closed(b, -1, label, *on);
}

int request_followup_put(struct agent_batch *b, const struct followup_row *row)
{
	char *old[FF_COUNT] = { 0 }, label[64], on_buf[32];
	const char *v[4], *on = row->escalated_on;
	bool exists, empty;
	int rc;

	snprintf(label, sizeof(label), _("request '%s'"), row->request_id);
	if ((rc = agent_batch_read_row(old, FF_COUNT, &exists, b, followup_get_sql,
				       row->request_id)) < 0)
		return rc;
	if (!exists) {
		rc = agent_refuse(-1, "%s does not exist in village %s", label, agent_village(b->ctx));
		goto done;
	}
	if (row->handler) {
		if (*old[FF_RESOLVED]) {
			rc = agent_refuse(-1, "%s: it was resolved on %s: a resolved request is not "
					  "changed", label, old[FF_RESOLVED]);
			goto done;
		}
		if ((rc = agent_batch_refuse_closed(b, -1, label, old[FF_RECEIVED])) < 0 ||
		    (rc = check_handler(b, label, row->handler)) < 0)
			goto done;
	}
	if (row->escalated_to &&
	    (rc = check_escalation(b, label, old, row->escalated_to, &on, on_buf)) < 0)
		goto done;
	if (row->feedback) {
		if (!*old[FF_RESOLVED]) {
			rc = agent_refuse(-1, "%s is not resolved yet: feedback is recorded once it is",
					  label);
			goto done;
		}
		if ((rc = agent_check_field_text(-1, label, "--note", row->feedback,
						 STELE_NOTE_MAX)) < 0 ||
		    (rc = agent_batch_refuse_closed(b, -1, label, old[FF_RESOLVED])) < 0)
			goto done;
	}
	v[0] = row->handler ? row->handler : old[FF_HANDLER];
	v[1] = row->escalated_to ? row->escalated_to : old[FF_TO];
	v[2] = row->escalated_to ? on : old[FF_ON];
	v[3] = row->feedback ? row->feedback : old[FF_FEEDBACK];
	if (strcmp(v[0], old[FF_HANDLER]) == 0 && strcmp(v[1], old[FF_TO]) == 0 &&
	    strcmp(v[2], old[FF_ON]) == 0 && strcmp(v[3], old[FF_FEEDBACK]) == 0)
		goto done;  /* unchanged */
	empty = !*v[0] && !*v[1] && !*v[2] && !*v[3];
	const char *texts[5] = { row->request_id, v[0], v[1], v[2], v[3] };
	if (strcmp(old[FF_HAS_ROW], "1") != 0)
		rc = agent_batch_write_texts(b, followup_insert_sql, texts, 5, "writing a request");
	else if (empty)
		rc = agent_batch_write_texts(b, followup_delete_sql, texts, 1, "writing a request");
	else
		rc = agent_batch_write_texts(b, followup_update_sql, texts, 5, "writing a request");
done:
	agent_free_cols(old, FF_COUNT);
	return rc;
}

int request_feedback_put(struct agent_batch *b, const char *request_id, const char *satisfied,
			 const char *note)
{
	int rc = 0;

	if (satisfied) {
		/* The satisfaction belongs with the resolution: request_put checks it (a
		 * resolved request, its resolution in an open month). */
		struct request_row req = { .id = request_id, .satisfied = satisfied,
					   .must_exist = true };
		if ((rc = request_put(NULL, b, &req)) < 0)
			return rc;
	}
	if (note) {
		struct followup_row row = { .request_id = request_id, .feedback = note };
		rc = request_followup_put(b, &row);
	}
	return rc;
}

int request_followup_delete(struct agent_batch *b, const char *request_id)
{
	const char *texts[1] = { request_id };

	return agent_batch_write_texts(b, followup_delete_sql, texts, 1, "deleting a request");
}

int request_followup_check_dates(struct agent_batch *b, int received_field, int resolved_field,
				 const char *label, const char *id, const char *received,
				 const char *resolved)
{
	char *on[1] = { 0 };
	bool exists;
	int rc;

	if ((rc = agent_batch_read_row(on, 1, &exists, b, escalated_on_sql, id)) < 0)
		return rc;
	if (exists && *on[0] && strcmp(received, on[0]) > 0)
		rc = agent_refuse(received_field, "%s: received on %s, after it was escalated (%s)",
				  label, received, on[0]);
	else if (exists && *on[0] && *resolved && strcmp(resolved, on[0]) < 0)
		rc = agent_refuse(resolved_field, "%s: resolved on %s, before it was escalated (%s)",
				  label, resolved, on[0]);
	agent_free_cols(on, 1);
	return rc;
}
