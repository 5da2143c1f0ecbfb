/* point.c: the validated write of a point event (point_put): sign rules, the
 * review order, reversals (红字冲销); shared by `points add|review|set|reverse`,
 * import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcheck.h"
#include "suggest.h"
#include "words.h"

/* In the order an event is reviewed; rejected last. */
const char *const point_stages[] = { "recorded", "group", "committee", "assembly", "published",
				     "rejected", NULL };
enum { STAGE_PUBLISHED = 4, STAGE_REJECTED = 5 };

/* The fields of a point event, in cli.md's import/export column order. */
enum { PF_ID, PF_MEMBER, PF_RULE, PF_DATE, PF_POINTS, PF_STAGE, PF_NOTE, PF_COUNT };

#define NOTE_MAX STELE_NOTE_MAX

int point_stage_index(const char *stage)
{
	for (int i = 0; point_stages[i]; i++)
		if (strcmp(point_stages[i], stage) == 0)
			return i;
	return -1;
}

static bool stage_final(int i)
{
	return i == STAGE_PUBLISHED || i == STAGE_REJECTED;
}

static const char event_get_sql[] =
	"SELECT '', member_id, rule_code, occurred_on, points, stage, note "
	"FROM point_event WHERE village_code = ?1 AND id = ?2";
static const char event_insert_sql[] =
	"INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points, "
	"stage, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, ''))";
static const char event_update_sql[] =
	"UPDATE point_event SET member_id = ?3, rule_code = ?4, occurred_on = ?5, points = ?6, "
	"stage = ?7, note = nullif(?8, '') WHERE village_code = ?1 AND id = ?2";
static const struct agent_row_kind event_kind = { N_("point event"), "point_event", "E", 6,
						  event_get_sql, PF_COUNT };
/* schema/0010-reversals.sql: what an event reverses, and what reverses an event. */
static const char reverses_sql[] =
	"SELECT reverses FROM point_reversal WHERE village_code = ?1 AND event_id = ?2";
static const char reversed_by_sql[] =
	"SELECT event_id FROM point_reversal WHERE village_code = ?1 AND reverses = ?2";
static const char reversal_insert_sql[] =
	"INSERT INTO point_reversal (village_code, event_id, reverses) VALUES (?1, ?2, ?3)";
static const char reversal_delete_sql[] =
	"DELETE FROM point_reversal WHERE village_code = ?1 AND event_id = ?2";

/* The other event of id's reversal (sql: reverses_sql or reversed_by_sql) into
 * out (24 bytes), "" when there is none. */
static int reversal_of(char out[24], struct agent_batch *b, const char *sql, const char *id)
{
	sqlite3_stmt *stmt;
	int rc = 0, step;

	if ((rc = agent_batch_stmt(&stmt, b, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	out[0] = '\0';
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		snprintf(out, 24, "%s", (const char *)sqlite3_column_text(stmt, 0));
	else if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading reversals");
	sqlite3_reset(stmt);
	return rc;
}

/* Refuses points whose sign does not fit the rule's category. */
static int check_sign(const char *label, const struct agent_rule *rule, int64_t points)
{
	char text[32];
	const char *need = NULL;

	if (strcmp(rule->category, "deduction") == 0) {
		if (points > 0)
			need = "<= 0";
	} else if (strcmp(rule->category, "zeroing") == 0) {
		if (points != 0)
			need = "0";
	} else if (points < 0) {
		need = ">= 0";
	}
	if (!need)
		return 0;
	stele_format_fixed(text, points, 1);
	return agent_refuse(PF_POINTS, "%s: points %s do not fit rule %s (%s): must be %s", label,
			    text, rule->code, stele_word_show("category", rule->category), need);
}

/* Refuses a stage change the review order does not allow. */
static int check_stage_move(const char *label, const char *from, const char *to, bool review)
{
	int oi = point_stage_index(from), ni = point_stage_index(to);
	/* Stages named as the reader says them (党小组初审 in Chinese). */
	const char *from_w = stele_word_show("stage", from), *to_w = stele_word_show("stage", to);

	if (review && ni == oi)
		return agent_refuse(PF_STAGE, "%s: is already at stage %s", label, from_w);
	if (ni == oi)
		return 0;
	if (stage_final(oi))
		return agent_refuse(PF_STAGE, "%s: stage %s is final, it cannot move to %s", label,
				    from_w, to_w);
	if (ni == STAGE_REJECTED)
		return 0;
	if (ni < oi)
		return agent_refuse(PF_STAGE, "%s: stage cannot move back from %s to %s", label, from_w,
				    to_w);
	if (review && ni != oi + 1)
		return agent_refuse(PF_STAGE, "%s: a review moves one step, from %s to %s (or to "
				    "rejected), not to %s", label, from_w,
				    stele_word_show("stage", point_stages[oi + 1]), to_w);
	return 0;
}

int point_put(char *out_id, struct agent_batch *b, const struct point_row *row)
{
	char *old[PF_COUNT] = { 0 };
	const struct agent_rule *rule = NULL;
	const char *member, *rule_code, *date, *stage, *note;
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	bool exists, member_ok, closed, reversing = row->reverses != NULL;
	char reversed[24] = "", date_buf[32];
	int64_t points, old_points;
	int32_t days;
	sqlite3_stmt *stmt;
	int rc = 0, first_change = -1;

	if ((rc = agent_batch_row_ref(&ref, old, b, &event_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	old_points = exists ? strtoll(old[PF_POINTS], NULL, 10) : 0;
	/* A reversing event keeps the member, rule and points of what it reverses. */
	if (exists && (rc = reversal_of(reversed, b, reverses_sql, id)) < 0)
		goto done;
	if (*reversed)
		reversing = true;

	member = row->member_id ? row->member_id : exists ? old[PF_MEMBER] : "";
	rule_code = row->rule_code ? row->rule_code : exists ? old[PF_RULE] : "";
	date = row->occurred_on ? row->occurred_on : exists ? old[PF_DATE] : "";
	stage = row->stage && *row->stage ? row->stage : exists ? old[PF_STAGE] : "recorded";
	note = row->note ? row->note : exists ? old[PF_NOTE] : "";

	if (!*member) {
		rc = agent_refuse_malformed(PF_MEMBER, "%s: member is empty", label);
		goto done;
	}
	if (!exists || strcmp(member, old[PF_MEMBER]) != 0) {
		if (agent_check_id(member, "member id") < 0) {
			rc = agent_refuse_malformed(PF_MEMBER, "%s: %s", label, stele_error_message());
			goto done;
		}
		if ((rc = agent_batch_member_exists(&member_ok, b, member)) < 0)
			goto done;
		if (!member_ok) {
			char hint[96];
			agent_did_you_mean(hint, sizeof(hint), b, AGENT_MEMBER_IDS_SQL, member);
			rc = agent_refuse(PF_MEMBER, "%s: member '%s' does not exist in village %s",
					  label, member, agent_village(b->ctx));
			stele_suggest_hint(hint);
			goto done;
		}
	}
	if (!*rule_code) {
		rc = agent_refuse_malformed(PF_RULE, "%s: rule is empty", label);
		goto done;
	}
	if ((rc = agent_batch_rule(&rule, b, rule_code)) < 0)
		goto done;
	if (!rule) {
		char hint[96];
		agent_did_you_mean(hint, sizeof(hint), b, AGENT_RULE_CODES_SQL, rule_code);
		rc = agent_refuse(PF_RULE, "%s: rule '%s' does not exist", label, rule_code);
		stele_suggest_hint(hint);
		goto done;
	}
	/* An event keeps a rule the county has since retired; a new one may not take it
	 * (a reversal may: it undoes an event of that rule). */
	if (!rule->active && !reversing && (!exists || strcmp(rule_code, old[PF_RULE]) != 0)) {
		rc = agent_refuse(PF_RULE, "%s: rule '%s' is not active", label, rule_code);
		goto done;
	}
	if (!*date) {
		rc = agent_refuse_malformed(PF_DATE, "%s: date is empty", label);
		goto done;
	}
	if ((rc = agent_lenient_field(&date, date_buf, PF_DATE, label, 'd')) < 0)
		goto done;
	if (stele_parse_date(&days, date, "date") < 0) {
		rc = agent_refuse_malformed(PF_DATE, "%s: %s", label, stele_error_message());
		goto done;
	}
	if (row->points && *row->points) {
		if (stele_parse_tenths(&points, row->points, "points") < 0) {
			rc = agent_refuse_malformed(PF_POINTS, "%s: %s", label, stele_error_message());
			goto done;
		}
		/* Past the bound: well-formed, refused by a rule (exit 3). */
		if (stele_check_bound(points, STELE_POINTS_MAX, 1, "points") < 0) {
			rc = agent_refuse(PF_POINTS, "%s: %s", label, stele_error_message());
			goto done;
		}
	} else if (row->points || !exists || strcmp(rule_code, old[PF_RULE]) != 0) {
		points = rule->points; /* empty: the rule's points */
	} else {
		points = old_points;
	}
	if (*reversed && (strcmp(member, old[PF_MEMBER]) != 0 ||
			  strcmp(rule_code, old[PF_RULE]) != 0 || points != old_points)) {
		rc = agent_refuse(PF_MEMBER, "%s: it reverses %s: its member, rule and points are "
				  "those of %s, negated", label, reversed, reversed);
		goto done;
	}
	/* A reversal has the opposite sign by design (红字). */
	if (!reversing && (rc = check_sign(label, rule, points)) < 0)
		goto done;
	if (point_stage_index(stage) < 0) {
		rc = agent_refuse_malformed(PF_STAGE, "%s: stage '%s' is not recorded, group, committee, "
				  "assembly, published or rejected", label, stage);
		goto done;
	}
	if (exists && row->unreviewed && strcmp(old[PF_STAGE], "recorded") != 0) {
		rc = agent_refuse(PF_STAGE, "%s: it is at stage %s: a reviewed event is not changed, "
				  "it is corrected by a new event", label, old[PF_STAGE]);
		goto done;
	}
	if (exists && (rc = check_stage_move(label, old[PF_STAGE], stage, row->review)) < 0)
		goto done;
	if (stele_check_text(note, NOTE_MAX, "note") < 0) {
		rc = agent_refuse_malformed(PF_NOTE, "%s: %s", label, stele_error_message());
		goto done;
	}

	if (exists) {
		if (strcmp(member, old[PF_MEMBER]) != 0)
			first_change = PF_MEMBER;
		else if (strcmp(rule_code, old[PF_RULE]) != 0)
			first_change = PF_RULE;
		else if (strcmp(date, old[PF_DATE]) != 0)
			first_change = PF_DATE;
		else if (points != old_points)
			first_change = PF_POINTS;
		else if (strcmp(stage, old[PF_STAGE]) != 0)
			first_change = PF_STAGE;
		else if (strcmp(note, old[PF_NOTE]) != 0)
			first_change = PF_NOTE;
		if (first_change < 0)
			goto unchanged;
	}
	/* A closed month is read-only: its events are frozen, stage included, and no
	 * event may move into it. */
	if (exists) {
		int32_t month = agent_month_of_text(old[PF_DATE]);
		if ((rc = agent_batch_month_closed(&closed, b, month)) < 0)
			goto done;
		if (closed) {
			rc = agent_refuse_closed_month(first_change, label, month);
			goto done;
		}
	}
	if ((rc = agent_batch_month_closed(&closed, b, agent_month_of(days))) < 0)
		goto done;
	if (closed) {
		rc = agent_refuse_closed_month(PF_DATE, label, agent_month_of(days));
		goto done;
	}

	if ((rc = agent_batch_stmt(&stmt, b, exists ? event_update_sql : event_insert_sql)) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, member, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, rule_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, points);
	sqlite3_bind_text(stmt, 7, stage, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, note, -1, SQLITE_STATIC);
	if ((rc = agent_batch_exec(b, stmt, "writing a point event")) < 0)
		goto done;
	if (!exists && row->reverses) {
		const char *texts[] = { id, row->reverses };
		if ((rc = agent_batch_write_texts(b, reversal_insert_sql, texts, 2,
						  "writing a reversal")) < 0)
			goto done;
	}
unchanged:
	if (out_id)
		strcpy(out_id, id);
done:
	agent_free_cols(old, PF_COUNT);
	return rc;
}

int point_delete(struct agent_batch *b, const char *id)
{
	static const char *const dates[] = { "occurred_on", NULL };
	char reversed[24];
	int rc;

	/* A reversing event still at stage recorded goes with its link; if the event
	 * may not be deleted, the caller aborts the batch and the link stays. */
	if (agent_check_id(id, "event") == 0) {
		if ((rc = reversal_of(reversed, b, reverses_sql, id)) < 0)
			return rc;
		if (*reversed && (rc = agent_batch_write_texts(b, reversal_delete_sql, &id, 1,
							       "deleting a reversal")) < 0)
			return rc;
	}
	stele_error_clear();
	return agent_batch_delete(b, &event_kind, id, dates,
		"SELECT stage FROM point_event WHERE village_code = ?1 AND id = ?2 AND "
		"stage <> 'recorded'",
		N_("it is at stage %s: a reviewed event is not deleted; a published one is "
		   "reversed ('points reverse')"));
}

int point_reverse(char *out_id, struct agent_batch *b, const char *id, const char *date,
		  const char *note)
{
	char *old[PF_COUNT] = { 0 };
	struct agent_row_ref ref;
	char other[24], points[32];
	int rc;

	if ((rc = agent_batch_row_ref(&ref, old, b, &event_kind, id, true, false)) < 0)
		return rc;
	if ((rc = reversal_of(other, b, reverses_sql, ref.id)) < 0)
		goto done;
	if (*other) {
		rc = agent_refuse(PF_ID, "%s: it is the reversal of %s: a reversal is not reversed "
				  "(record a new event if one is due)", ref.label, other);
		goto done;
	}
	if ((rc = reversal_of(other, b, reversed_by_sql, ref.id)) < 0)
		goto done;
	if (*other) {
		rc = agent_refuse(PF_ID, "%s: it is reversed already, by %s", ref.label, other);
		goto done;
	}
	if (strcmp(old[PF_STAGE], "rejected") == 0) {
		rc = agent_refuse(PF_STAGE, "%s: it was rejected: a rejected event counts nowhere, "
				  "there is nothing to reverse", ref.label);
		goto done;
	}
	if (strcmp(old[PF_STAGE], "published") != 0) {
		rc = agent_refuse(PF_STAGE, "%s: it is at stage %s: only a published event is "
				  "reversed; one still under review is rejected ('points review %s "
				  "--stage rejected')", ref.label,
				  stele_word_show("stage", old[PF_STAGE]), ref.id);
		goto done;
	}
	stele_format_fixed(points, -strtoll(old[PF_POINTS], NULL, 10), 1);
	struct point_row row = { .member_id = old[PF_MEMBER], .rule_code = old[PF_RULE],
				 .occurred_on = date, .points = points, .stage = "recorded",
				 .note = note, .must_be_new = true, .reverses = ref.id };
	rc = point_put(out_id, b, &row);
done:
	agent_free_cols(old, PF_COUNT);
	return rc;
}
