/* rules.c: importing and validating the rules catalogue; the default catalogue. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "rowcheck.h"
#include "rules.h"
#include "words.h"

/* star.review's words, by value: 0 none, 1 required. */
static const char *const star_review_words[] = { "none", "required", NULL };

#define NUMBER(k, v) { k, v, NULL, false, 0 }
const struct stele_config_default stele_config_defaults[] = {
	NUMBER("star.5", 90), NUMBER("star.4", 80), NUMBER("star.3", 70), NUMBER("star.2", 60),
	{ "star.review", 1, star_review_words, false, 0 },
	NUMBER("weight.task", 25), NUMBER("weight.request", 25),
	NUMBER("weight.participation", 20), NUMBER("weight.income", 15),
	NUMBER("weight.assessment", 15), NUMBER("request.days", 7),
	/* Residents' satisfaction in the league (docs/rankings.md); 0: not counted. */
	NUMBER("weight.satisfaction", 0),
	NUMBER("grade.a_pct", 30), NUMBER("grade.c_pct", 10),
	/* 积分争星: a member's points of the year (docs/rankings.md "Member stars"). */
	NUMBER("member_star.5", 30), NUMBER("member_star.4", 24),
	NUMBER("member_star.3", 18), NUMBER("member_star.2", 12),
	/* 集体经济薄弱村: a year-to-date income under it, in yuan (docs/rankings.md
	 * "Collective income"); no default, as the spec says. */
	{ "income.weak_yuan", 0, NULL, true, 100000000 },
	/* 网格: a grid of 300-500 households (practice.md, Langfang); rank grids flags
	 * a registered grid outside them (docs/rankings.md "Grids"). */
	NUMBER("grid.households_min", 300), NUMBER("grid.households_max", 500),
	{ NULL, 0, NULL, false, 0 },
};
#undef NUMBER

/* The reference county's catalogue (shared/data/reference-county/rules/). */
static const char default_point_rules[] =
	"code,category,name,points,active\n"
	"B01,base,参加主题党日活动,2.0,1\n"
	"B02,base,按时交纳党费,1.0,1\n"
	"B03,base,参加三会一课,1.0,1\n"
	"M01,merit,志愿服务,3.0,1\n"
	"M02,merit,认领微心愿,2.0,1\n"
	"M03,merit,调解矛盾纠纷,3.0,1\n"
	"P01,bonus,获县级以上表彰,5.0,1\n"
	"P02,bonus,带头发展集体经济,1.5,1\n"
	"D01,deduction,无故缺席组织生活,-2.0,1\n"
	"D02,deduction,违反村规民约,-3.5,1\n"
	"Z01,zeroing,受到党纪处分,0.0,1\n";
static const char default_standard_items[] =
	"code,name,max_score\n"
	"S1,坚强有力的村级班子,20.0\n"
	"S2,作用突出的党员队伍,15.0\n"
	"S3,规范完善的运转机制,15.0\n"
	"S4,功能完善的党建阵地,15.0\n"
	"S5,持续稳定的集体收入,20.0\n"
	"S6,和谐安定的社会环境,15.0\n";
static const char default_veto_items[] =
	"code,name\n"
	"V1,信访大案要案\n"
	"V2,治安刑事案件\n"
	"V3,安全生产责任事故\n"
	"V4,村霸恶势力干扰\n";

static const char *const kind_names[] = { "point-rules", "standard-items", "veto-items", "config" };

const char *stele_rules_kind_name(enum stele_rules_kind kind)
{
	return kind_names[kind];
}

int stele_rules_kind_parse(enum stele_rules_kind *out, const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum stele_rules_kind)i;
			return 0;
		}
	return stele_error(STELE_EUSAGE,
			   "unknown rules kind '%s' (point-rules, standard-items, veto-items, config)",
			   name);
}

const char *stele_rules_list_sql(enum stele_rules_kind kind)
{
	static const char *const queries[] = {
		[STELE_RULES_POINT_RULES] =
			"SELECT code, category, name, printf('%.1f', points / 10.0) AS points, active "
			"FROM point_rule ORDER BY code",
		[STELE_RULES_STANDARD_ITEMS] =
			"SELECT code, name, printf('%.1f', max_score / 10.0) AS max_score, active "
			"FROM standard_item ORDER BY code",
		[STELE_RULES_VETO_ITEMS] = "SELECT code, name FROM veto_item ORDER BY code",
		[STELE_RULES_CONFIG] = "SELECT key, value FROM ranking_config ORDER BY key",
	};

	return queries[kind];
}

/* A rule or item code: 1..16 ASCII letters, digits, '-', '_' or '.'. */
static bool valid_code(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 16)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static const struct stele_config_default *config_default(const char *key)
{
	for (const struct stele_config_default *d = stele_config_defaults; d->key; d++)
		if (strcmp(d->key, key) == 0)
			return d;
	return NULL;
}

/* The value of a config text for key d: a whole number, or the index of one of its
 * words. Returns 0, or -1 when the text is not a value of the key. */
static int config_value(const struct stele_config_default *d, const char *text, int64_t *out)
{
	if (d->words) {
		for (int64_t i = 0; d->words[i]; i++)
			if (strcmp(d->words[i], text) == 0) {
				*out = i;
				return 0;
			}
		return -1;
	}
	return stele_parse_int(out, text, 0, d->max ? d->max : 100000, d->key) < 0 ? -1 : 0;
}

/* The words of key d for a message: "none|required" (out holds 64 bytes). */
static void config_words(char *out, const struct stele_config_default *d)
{
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; d->words[i] && n < 63; i++)
		n += (size_t)snprintf(out + n, 64 - n, "%s%s", i ? "|" : "", d->words[i]);
}

static const char *const header_point_rules[] = { "code", "category", "name", "points", "active" };
static const int required_point_rules[] = { 1, 1, 1, 1, 0 };
static const char *const header_standard_items[] = { "code", "name", "max_score", "active" };
static const int required_standard_items[] = { 1, 1, 1, 0 };
static const char *const header_veto_items[] = { "code", "name" };
static const char *const header_config[] = { "key", "value" };

/* How import_rows reads and stores each kind: the CSV header (required: the
 * columns that must be there; NULL, all of them), the upsert of one row, and the
 * statement that deals with the rows the file does not list (see rules.h). */
static const struct import_kind {
	const char *const *header;
	const int *required;
	size_t ncols;
	const char *upsert, *unlisted;
} import_kinds[] = {
	[STELE_RULES_POINT_RULES] = {
		header_point_rules, required_point_rules, 5,
		"INSERT INTO point_rule (code, category, name, points, active) "
		"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET "
		"category = ?2, name = ?3, points = ?4, active = ?5",
		"UPDATE point_rule SET active = 0 WHERE active = 1" },
	[STELE_RULES_STANDARD_ITEMS] = {
		header_standard_items, required_standard_items, 4,
		"INSERT INTO standard_item (code, name, max_score, active) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code) DO UPDATE SET "
		"name = ?2, max_score = ?3, active = ?4",
		"UPDATE standard_item SET active = 0 WHERE active = 1" },
	[STELE_RULES_VETO_ITEMS] = {
		header_veto_items, NULL, 2,
		"INSERT INTO veto_item (code, name) VALUES (?1, ?2) "
		"ON CONFLICT (code) DO UPDATE SET name = ?2",
		"DELETE FROM veto_item WHERE code NOT IN (SELECT veto_code FROM veto_event)" },
	[STELE_RULES_CONFIG] = {
		header_config, NULL, 2,
		"INSERT INTO ranking_config (key, value) VALUES (?1, ?2) "
		"ON CONFLICT (key) DO UPDATE SET value = ?2",
		"DELETE FROM ranking_config" },
};

/* Checks one field for one-line UTF-8 and a length cap, naming the cell on error. */
static int check_cell(struct stele_csv *csv, int col, const char *value, const char *name,
		      size_t max, bool required)
{
	if (required && !*value)
		return stele_csv_error(csv, (size_t)col + 1, STELE_EINVALID, "%s is empty", name);
	if (strlen(value) > max || !stele_utf8_valid(value, strlen(value)))
		return stele_csv_error(csv, (size_t)col + 1, STELE_EINVALID,
				       "%s is not one line of UTF-8 text of at most %zu bytes", name, max);
	return 0;
}

/* Parses a number, turning the parser's message into one naming file, line, column. */
static int cell_fixed(struct stele_csv *csv, int col, const char *value, const char *name,
		      int64_t *out)
{
	if (stele_parse_tenths(out, value, name) < 0 ||
	    stele_check_bound(*out, STELE_POINTS_MAX, 1, name) < 0)
		return stele_csv_error(csv, (size_t)col + 1, STELE_EINVALID, "%s", stele_error_message());
	return 0;
}

/* The codes (or config keys) a file has listed so far, with their lines: a file
 * that lists one twice is refused, since the later row would silently replace the
 * earlier one (and the standard items' sum would count both). */
struct seen_code {
	char *code;
	size_t line;
};
struct seen_codes {
	struct seen_code *v;
	size_t n, cap;
};

static void seen_free(struct seen_codes *seen)
{
	for (size_t i = 0; i < seen->n; i++)
		free(seen->v[i].code);
	free(seen->v);
}

/* Records code from the current row, or refuses it if listed before. */
static int seen_add(struct seen_codes *seen, struct stele_csv *csv, int col, const char *code)
{
	int rc;

	for (size_t i = 0; i < seen->n; i++)
		if (strcmp(seen->v[i].code, code) == 0)
			return stele_csv_error(csv, (size_t)col + 1, STELE_EINVALID,
					       "'%s' is listed twice (first on line %zu)", code,
					       seen->v[i].line);
	if ((rc = stele_array_reserve(&seen->v, &seen->cap, seen->n, sizeof(*seen->v), 32)) < 0)
		return rc;
	if (!(seen->v[seen->n].code = strdup(code)))
		return stele_error(STELE_EFAIL, "out of memory");
	seen->v[seen->n++].line = stele_csv_line(csv);
	return 0;
}

static int import_rows(sqlite3 *db, enum stele_rules_kind kind, struct stele_csv *csv)
{
	const struct import_kind *ik = &import_kinds[kind];
	const int *required = ik->required;
	const size_t ncols = ik->ncols;
	struct seen_codes seen = { 0 };
	int idx[5], rc, more;
	char **f;
	size_t nf;
	sqlite3_stmt *upsert = NULL;
	int64_t total_max = 0;
	int rows = 0;

	STELE_ASSERT((size_t)kind < sizeof(import_kinds) / sizeof(import_kinds[0]));
	if ((rc = stele_db_prepare(db, &upsert, ik->upsert)) < 0)
		return rc;
	if ((rc = stele_csv_header(csv, ik->header, ncols, required, idx)) < 0)
		goto done;
	/* Rows the file does not list end up inactive or deleted (see rules.h). */
	if ((rc = stele_db_exec(db, ik->unlisted)) < 0)
		goto done;
	while ((more = stele_csv_next(&f, &nf, csv)) == 1) {
		const char *cell[5];

		if (nf != ncols && !(required && nf >= 3 && nf < ncols)) {
			rc = stele_csv_error(csv, 0, STELE_EINVALID, "expected %zu fields, found %zu",
					     ncols, nf);
			goto done;
		}
		for (size_t i = 0; i < ncols; i++)
			cell[i] = idx[i] >= 0 && (size_t)idx[i] < nf ? f[idx[i]] : "";
		/* A category or active flag may be given by its Chinese word (基础积分, 是). */
		if (kind == STELE_RULES_POINT_RULES) {
			cell[1] = stele_word_code("category", cell[1]);
			cell[4] = stele_word_code("active", cell[4]);
		} else if (kind == STELE_RULES_STANDARD_ITEMS) {
			cell[3] = stele_word_code("active", cell[3]);
		}
		sqlite3_reset(upsert);
		sqlite3_clear_bindings(upsert);
		if (kind != STELE_RULES_CONFIG) {
			if (!valid_code(cell[0])) {
				rc = stele_csv_error(csv, (size_t)idx[0] + 1, STELE_EINVALID,
						     "code '%s' is not 1-16 letters, digits, '-', '_' or '.'",
						     cell[0]);
				goto done;
			}
			sqlite3_bind_text(upsert, 1, cell[0], -1, SQLITE_STATIC);
		}
		if (kind == STELE_RULES_POINT_RULES) {
			static const char *const cats[] = { "base", "merit", "bonus", "deduction", "zeroing" };
			int64_t points, active = 1;
			int cat = -1;

			for (int i = 0; i < 5; i++)
				if (strcmp(cell[1], cats[i]) == 0)
					cat = i;
			if (cat < 0) {
				rc = stele_csv_error(csv, (size_t)idx[1] + 1, STELE_EINVALID,
						     "rule %s: category '%s' is not base, merit, bonus, "
						     "deduction or zeroing", cell[0], cell[1]);
				goto done;
			}
			if ((rc = check_cell(csv, idx[2], cell[2], "name", 200, true)) < 0 ||
			    (rc = cell_fixed(csv, idx[3], cell[3], "points", &points)) < 0)
				goto done;
			if ((cat == 3 && points > 0) || (cat == 4 && points != 0) ||
			    (cat < 3 && points < 0)) {
				rc = stele_csv_error(csv, (size_t)idx[3] + 1, STELE_EINVALID,
						     "rule %s: points %s do not fit category %s (%s)", cell[0],
						     cell[3], cell[1],
						     cat == 3 ? _("deduction points are <= 0") :
						     cat == 4 ? _("zeroing points are 0") : _("points are >= 0"));
				goto done;
			}
			if (idx[4] >= 0 && *cell[4] && strcmp(cell[4], "1") != 0) {
				if (strcmp(cell[4], "0") != 0) {
					rc = stele_csv_error(csv, (size_t)idx[4] + 1, STELE_EINVALID,
							     "rule %s: active '%s' is not 1 or 0",
							     cell[0], cell[4]);
					goto done;
				}
				active = 0;
			}
			sqlite3_bind_text(upsert, 2, cell[1], -1, SQLITE_STATIC);
			sqlite3_bind_text(upsert, 3, cell[2], -1, SQLITE_STATIC);
			sqlite3_bind_int64(upsert, 4, points);
			sqlite3_bind_int64(upsert, 5, active);
		} else if (kind == STELE_RULES_STANDARD_ITEMS) {
			int64_t max, active = 1;

			if ((rc = check_cell(csv, idx[1], cell[1], "name", 200, true)) < 0 ||
			    (rc = cell_fixed(csv, idx[2], cell[2], "max_score", &max)) < 0)
				goto done;
			if (max <= 0) {
				rc = stele_csv_error(csv, (size_t)idx[2] + 1, STELE_EINVALID,
						     "item %s: max_score must be above 0", cell[0]);
				goto done;
			}
			if (idx[3] >= 0 && strcmp(cell[3], "0") == 0)
				active = 0;
			else if (idx[3] >= 0 && *cell[3] && strcmp(cell[3], "1") != 0) {
				rc = stele_csv_error(csv, (size_t)idx[3] + 1, STELE_EINVALID,
						     "item %s: active '%s' is not 1 or 0", cell[0], cell[3]);
				goto done;
			}
			if (active)
				total_max += max;
			sqlite3_bind_text(upsert, 2, cell[1], -1, SQLITE_STATIC);
			sqlite3_bind_int64(upsert, 3, max);
			sqlite3_bind_int64(upsert, 4, active);
		} else if (kind == STELE_RULES_VETO_ITEMS) {
			if ((rc = check_cell(csv, idx[1], cell[1], "name", 200, true)) < 0)
				goto done;
			sqlite3_bind_text(upsert, 2, cell[1], -1, SQLITE_STATIC);
		} else {
			const struct stele_config_default *d = config_default(cell[0]);
			char words[64];
			int64_t v;

			if (!d) {
				rc = stele_csv_error(csv, (size_t)idx[0] + 1, STELE_EINVALID,
						     "unknown config key '%s'", cell[0]);
				goto done;
			}
			if (config_value(d, cell[1], &v) < 0) {
				if (d->words)
					config_words(words, d);
				rc = d->words
					? stele_csv_error(csv, (size_t)idx[1] + 1, STELE_EINVALID,
							  "%s '%s' is not one of %s", cell[0], cell[1],
							  words)
					: stele_csv_error(csv, (size_t)idx[1] + 1, STELE_EINVALID, "%s",
							  stele_error_message());
				goto done;
			}
			sqlite3_bind_text(upsert, 1, cell[0], -1, SQLITE_STATIC);
			sqlite3_bind_text(upsert, 2, cell[1], -1, SQLITE_STATIC);
		}
		if ((rc = seen_add(&seen, csv, idx[0], cell[0])) < 0)
			goto done;
		if (sqlite3_step(upsert) != SQLITE_DONE) {
			/* A constraint is the file's fault; anything else (disk full, I/O) is not. */
			rc = stele_csv_error(csv, 0, (sqlite3_errcode(db) & 0xff) == SQLITE_CONSTRAINT
						     ? STELE_EINVALID : STELE_EFAIL,
					     "%s", sqlite3_errmsg(db));
			goto done;
		}
		rows++;
	}
	if (more < 0) {
		rc = more;
		goto done;
	}
	if (kind == STELE_RULES_STANDARD_ITEMS && total_max != 1000) {
		char sum[32];
		stele_format_fixed(sum, total_max, 1);
		rc = stele_error(STELE_EINVALID, "%s: the active standard items' max scores sum to %s, "
				 "not 100.0", stele_csv_name(csv), sum);
		goto done;
	}
	if (kind == STELE_RULES_POINT_RULES && rows == 0) {
		rc = stele_error(STELE_EINVALID, "%s: no point rules", stele_csv_name(csv));
		goto done;
	}
done:
	sqlite3_finalize(upsert);
	seen_free(&seen);
	return rc;
}

int stele_rules_import(sqlite3 *db, enum stele_rules_kind kind, struct stele_csv *csv)
{
	int rc;

	/* A savepoint, so a refused file leaves the caller's transaction as it was. */
	if ((rc = stele_db_exec(db, "SAVEPOINT rules_import")) < 0)
		return rc;
	rc = import_rows(db, kind, csv);
	if (rc < 0) {
		sqlite3_exec(db, "ROLLBACK TO rules_import; RELEASE rules_import", NULL, NULL, NULL);
		return rc;
	}
	return stele_db_exec(db, "RELEASE rules_import");
}

int stele_rules_install_defaults(sqlite3 *db)
{
	static const struct {
		enum stele_rules_kind kind;
		const char *name;
		const char *csv;
	} defaults[] = {
		{ STELE_RULES_POINT_RULES, "default point rules", default_point_rules },
		{ STELE_RULES_STANDARD_ITEMS, "default standard items", default_standard_items },
		{ STELE_RULES_VETO_ITEMS, "default veto items", default_veto_items },
	};
	struct stele_csv *csv = NULL;
	int rc = 0;

	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if ((rc = stele_csv_open_mem(&csv, defaults[i].name, defaults[i].csv,
					     strlen(defaults[i].csv))) < 0)
			return rc;
		rc = stele_rules_import(db, defaults[i].kind, csv);
		stele_csv_free(csv);
		if (rc < 0)
			return rc;
	}
	/* The configuration defaults are written out, so the county can see them. */
	for (const struct stele_config_default *d = stele_config_defaults; d->key; d++) {
		char sql[160], value[32];
		if (d->no_default)
			continue;
		if (d->words)
			snprintf(value, sizeof(value), "%s", d->words[d->value]);
		else
			snprintf(value, sizeof(value), "%lld", d->value);
		snprintf(sql, sizeof(sql),
			 "INSERT OR IGNORE INTO ranking_config (key, value) VALUES ('%s', '%s')",
			 d->key, value);
		if ((rc = stele_db_exec(db, sql)) < 0)
			return rc;
	}
	return 0;
}

int stele_config_find(bool *set, long long *out, sqlite3 *db, const char *key)
{
	const struct stele_config_default *d = config_default(key);
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if (!d)
		return stele_error(STELE_EFAIL, "unknown config key '%s'", key);
	if ((rc = stele_db_prepare(db, &stmt, "SELECT value FROM ranking_config WHERE key = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		int64_t v;
		if (config_value(d, (const char *)sqlite3_column_text(stmt, 0), &v) < 0) {
			rc = stele_error(STELE_EINVALID, "config %s has a bad value '%s'", key,
					 sqlite3_column_text(stmt, 0));
			goto done;
		}
		*out = v;
		*set = true;
	} else if (step == SQLITE_DONE) {
		if (!d->no_default)
			*out = d->value;
		*set = !d->no_default;
	} else {
		rc = stele_error_db(STELE_EFAIL, db, "reading config");
	}
done:
	sqlite3_finalize(stmt);
	return rc;
}

int stele_config_get(long long *out, sqlite3 *db, const char *key)
{
	long long v = 0;
	bool set = false;
	int rc;

	if ((rc = stele_config_find(&set, &v, db, key)) < 0)
		return rc;
	*out = set ? v : 0;
	return 0;
}

/* ---- drafts ---- */

int stele_rules_draft_put(sqlite3 *db, enum stele_rules_kind kind, const char *file,
			  const char *csv_text, size_t len)
{
	struct stele_csv *csv = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc;

	/* Validated against the live tables as an import would be, then undone. */
	if ((rc = stele_db_exec(db, "SAVEPOINT rules_draft")) < 0)
		return rc;
	if ((rc = stele_csv_open_mem(&csv, file, csv_text, len)) == 0)
		rc = stele_rules_import(db, kind, csv);
	stele_csv_free(csv);
	sqlite3_exec(db, "ROLLBACK TO rules_draft; RELEASE rules_draft", NULL, NULL, NULL);
	if (rc < 0)
		return rc;
	if ((rc = stele_db_prepare(db, &stmt, "INSERT OR REPLACE INTO stele_rules_draft (kind, "
					      "file, csv, imported_at) VALUES (?, ?, ?, unixepoch())")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, kind_names[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, csv_text, (int)len, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "writing the draft");
	sqlite3_finalize(stmt);
	return rc;
}

int stele_rules_drafts_apply(int *count, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0, n = 0;

	/* In the order a county sets its rules up: point rules, items, vetoes, config. */
	for (int k = 0; k < 4 && rc == 0; k++) {
		struct stele_csv *csv = NULL;
		int step;

		if ((rc = stele_db_prepare(db, &stmt, "SELECT file, csv FROM stele_rules_draft "
						      "WHERE kind = ?")) < 0)
			return rc;
		sqlite3_bind_text(stmt, 1, kind_names[k], -1, SQLITE_STATIC);
		step = sqlite3_step(stmt);
		if (step == SQLITE_ROW) {
			rc = stele_csv_open_mem(&csv, (const char *)sqlite3_column_text(stmt, 0),
						sqlite3_column_blob(stmt, 1),
						(size_t)sqlite3_column_bytes(stmt, 1));
			if (rc == 0)
				rc = stele_rules_import(db, (enum stele_rules_kind)k, csv);
			if (rc == 0)
				n++;
			stele_csv_free(csv);
		} else if (step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, db, "reading the drafts");
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	if (rc == 0 && count)
		*count = n;
	return rc;
}

int stele_rules_drafts_discard(int *count, sqlite3 *db)
{
	int rc;

	if ((rc = stele_db_exec(db, "DELETE FROM stele_rules_draft")) < 0)
		return rc;
	if (count)
		*count = sqlite3_changes(db);
	return 0;
}
