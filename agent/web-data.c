/* web-data.c: the workbench's import and export (导入/导出): upload a CSV or an
 * Excel workbook (.xlsx), see a preview with every refused row and why, then
 * commit all or nothing (the CLI's own agent_import_csv); download exports as
 * Excel-friendly CSV (with a BOM). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "csv.h"
#include "error.h"
#include "i18n.h"
#include "import.h"
#include "table.h"
#include "web.h"
#include "xlsxread.h"

/* The kinds, as import and export name them, and as a clerk does. */
static const char *const kinds[] = { "members", "points", "tasks", "requests", "income",
				     "assessments" };
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *kind_name(const char *k)
{
	const struct agent_import_kind *ik = agent_import_kind(k);

	return ik ? _(ik->label) : k;
}

static int data_page(struct web_req *rq, struct web_resp *rs, const char *refusal)
{
	const char *labels[NKINDS], *imported = web_param(rq, "imported");
	const char *kind = web_param(rq, "kind");

	for (size_t i = 0; i < NKINDS; i++)
		labels[i] = kind_name(kinds[i]);
	web_page_begin(rs, rq, "data", _("Import and export"));
	if (refusal)
		web_notice(rs, false, refusal);
	if (imported && kind) {
		char msg[200];
		snprintf(msg, sizeof(msg), _("Imported %s rows of %s."), imported, kind_name(kind));
		web_notice(rs, true, msg);
	}
	web_out(rs, "<h2>%s</h2>\n<p class=\"lead\">%s</p>\n", _("Import a CSV or Excel file"),
		_("The file (CSV, or an Excel workbook: its first sheet) needs the columns an export "
		  "writes (download one to see them). You see every row that would be refused, and "
		  "why, before anything is written; then all the rows go in together, or none."));
	web_out(rs, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">\n"
		"<input type=\"hidden\" name=\"csrf\" value=\"%s\"><fieldset><legend>%s</legend>\n",
		rq->csrf, _("Upload"));
	web_select(rs, _("What the file holds"), "kind", kinds, labels, NKINDS,
		   kind ? kind : "members", NULL, NULL);
	web_out(rs, "<div class=\"field\"><label for=\"f-file\">%s</label><input type=\"file\" "
		"id=\"f-file\" name=\"file\" accept=\".csv,.xlsx,text/csv,application/"
		"vnd.openxmlformats-officedocument.spreadsheetml.sheet\" required></div>\n"
		"</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div></form>\n",
		_("File (CSV or Excel .xlsx)"), _("Check the file"));
	web_out(rs, "<h2>%s</h2>\n<p class=\"lead\">%s</p>\n<ul>\n", _("Export"),
		_("CSV files with a byte-order mark, so Excel opens them with the Chinese intact."));
	for (size_t i = 0; i < NKINDS; i++)
		web_out(rs, "<li><a href=\"/export?kind=%s\">%s</a></li>\n", kinds[i], labels[i]);
	web_out(rs, "</ul>\n");
	web_page_end(rs, rq);
	return 0;
}

int web_data(struct web_req *rq, struct web_resp *rs)
{
	return data_page(rq, rs, NULL);
}

/* The refused rows of a preview, as list items. */
struct preview {
	struct web_resp *rs;
	long refused;
};

static int on_refused(void *arg, const char *msg)
{
	struct preview *p = arg;

	if (p->refused++ < 1000)
		web_out(p->rs, "<li>%s</li>\n", msg);
	return 0;
}

/*
 * A form that sends the file back as it came (base64: a file in GB18030 or UTF-16
 * survives the page's UTF-8), to be imported (commit) or checked again, and a way
 * back to the import page.
 */
static int file_form(struct web_req *rq, struct web_resp *rs, const char *kind, const char *name,
		     const char *data, size_t len, bool commit)
{
	size_t n64 = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(n64);

	if (!b64)
		return stele_error(STELE_EFAIL, "out of memory");
	sodium_bin2base64(b64, n64, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
	web_out(rs, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">\n"
		"<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" "
		"name=\"kind\" value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"%s\">",
		rq->csrf, kind, name);
	if (commit)
		web_out(rs, "<input type=\"hidden\" name=\"commit\" value=\"1\">");
	web_out(rs, "<textarea name=\"file64\" hidden>%s</textarea><div class=\"actions\">"
		"<button type=\"submit\">%s</button><a class=\"button secondary\" href=\"/data\">%s</a>"
		"</div></form>\n", b64, commit ? _("Import all the rows") : _("Check the file"),
		_("Cancel"));
	free(b64);
	return 0;
}

int web_import(struct web_req *rq, struct web_resp *rs)
{
	const char *kind = web_param(rq, "kind"), *commit = web_param(rq, "commit");
	const struct web_param *file = web_file(rq, "file");
	const struct agent_import_kind *k;
	const char *data, *name;
	size_t len;
	struct stele_csv *csv = NULL;
	struct preview p = { rs, 0 };
	struct agent_batch b;
	long rows = 0;
	char *msg = NULL, *decoded = NULL;
	int rc;

	if (!kind || !(k = agent_import_kind(kind)))
		return data_page(rq, rs, _("Choose what the file holds."));
	if (file) {
		data = file->value.data ? file->value.data : "";
		len = file->value.len;
		name = *file->filename ? file->filename : "upload.csv";
	} else if ((data = web_param(rq, "file64"))) {
		/* The preview's commit form sends the checked file back as it was, in
		 * base64: a file in GB18030 or UTF-16 survives the page's UTF-8. */
		size_t n = strlen(data);
		if (!(decoded = malloc(n / 4 * 3 + 3)))
			return stele_error(STELE_EFAIL, "out of memory");
		if (sodium_base642bin((unsigned char *)decoded, n / 4 * 3 + 3, data, n, "\r\n", &len,
				      NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
			free(decoded);
			return data_page(rq, rs, _("Choose a file to import."));
		}
		data = decoded;
		name = web_param(rq, "name") ? web_param(rq, "name") : "upload.csv";
	} else if ((data = web_param(rq, "csv"))) {
		/* The preview's commit form sends the checked file back as it was. */
		len = strlen(data);
		name = web_param(rq, "name") ? web_param(rq, "name") : "upload.csv";
	} else {
		return data_page(rq, rs, _("Choose a file to import."));
	}
	/* A workbook by its name or by its bytes (a zip), else a CSV in any encoding. */
	if (stele_xlsx_path(name) || stele_xlsx_data(data, len))
		rc = stele_xlsx_read_mem(&csv, name, data, len, AGENT_IMPORT_MAX_BYTES);
	else
		rc = stele_csv_open_text(&csv, name, data, len);
	if (rc == STELE_EINVALID) {
		/* A file that is not a workbook, or a damaged one: said on the page. */
		if ((rc = web_refused(&msg, rs)) < 0)
			goto done;
		rc = data_page(rq, rs, msg);
		goto done;
	}
	if (rc < 0)
		goto done;
	if ((rc = web_begin(&b, rq)) == STELE_EBUSY && rq->busy) {
		/* The file is kept: the same step again, one click, once the directory is free. */
		web_page_begin(rs, rq, "data", _("Import: check the file"));
		web_notice(rs, false, stele_error_message());
		web_out(rs, "<p class=\"lead\">%s <code>%s</code> (%s)</p>\n", _("File"), name,
			kind_name(kind));
		if ((rc = file_form(rq, rs, kind, name, data, len, commit && strcmp(commit, "1") == 0)) < 0)
			goto done;
		web_page_end(rs, rq);
		goto done;
	}
	if (rc < 0)
		goto done;
	if (commit && strcmp(commit, "1") == 0) {
		rc = agent_import_csv(&rows, NULL, &b, k, csv, false, NULL, NULL, NULL, NULL);
		rc = agent_batch_finish(&b, rc);
		if (rc == STELE_EINVALID) {
			if ((rc = web_refused(&msg, rs)) < 0)
				goto done;
			rc = data_page(rq, rs, msg);
			goto done;
		}
		if (rc == 0) {
			char n[24];
			snprintf(n, sizeof(n), "%ld", rows);
			web_redirect(rs, "/data?imported=%s&kind=%s", n, kind);
		}
		goto done;
	}
	/* The preview: every row checked in a batch that is then rolled back. */
	web_page_begin(rs, rq, "data", _("Import: check the file"));
	web_out(rs, "<p class=\"lead\">%s <code>%s</code> (%s)</p>\n<ul class=\"refusals\">\n",
		_("File"), name, kind_name(kind));
	rc = agent_import_csv(&rows, NULL, &b, k, csv, false, on_refused, &p, NULL, NULL);
	agent_batch_abort(&b);
	web_out(rs, "</ul>\n");
	if (rc == STELE_EINVALID) {
		/* "N of M rows refused", or what is wrong with the file itself. */
		web_notice(rs, false, stele_error_message());
		web_out(rs, "<p>%s</p>\n<p><a class=\"button secondary\" href=\"/data?kind=%s\">%s</a></p>\n",
			_("Nothing was written. Correct the rows above in the file and upload it again."),
			kind, _("Upload again"));
		rs->status = 422;
		rc = 0;
	} else if (rc == 0) {
		char line[200];
		snprintf(line, sizeof(line), P_("Every row is accepted: %ld row is ready to import.",
						"Every row is accepted: %ld rows are ready to import.", rows),
			 rows);
		web_notice(rs, true, line);
		if ((rc = file_form(rq, rs, kind, name, data, len, true)) < 0)
			goto done;
	}
	web_page_end(rs, rq);
done:
	free(msg);
	free(decoded);
	stele_csv_free(csv);
	return rc;
}

int web_export(struct web_req *rq, struct web_resp *rs)
{
	const char *kind = web_param(rq, "kind");
	const struct agent_export *e;
	struct stele_table *t = NULL;
	FILE *f = NULL;
	char name[96], chunk[8192];
	size_t n;
	int rc;

	if (!kind || !(e = agent_export_find(kind))) {
		rs->status = 404;
		return data_page(rq, rs, _("There is no such export."));
	}
	if ((rc = web_open(rq)) < 0)
		return rc;
	{
		const char *params[] = { agent_village(rq->ctx), NULL };
		if ((rc = stele_table_from_query(&t, rq->ctx->db, e->sql, params, e->number_cols)) < 0)
			return rc;
	}
	/* The CLI's own CSV writer (stele_table_print), through a temporary file. */
	if (!(f = tmpfile())) {
		rc = stele_error(STELE_EFAIL, "cannot make a temporary file for the export");
		goto done;
	}
	if ((rc = stele_table_print(t, STELE_FORMAT_CSV, true, f)) < 0)
		goto done;
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = stele_buf_append(&rs->body, chunk, n)) < 0)
			goto done;
	if (ferror(f)) {
		rc = stele_error(STELE_EFAIL, "cannot read the export back");
		goto done;
	}
	snprintf(name, sizeof(name), "%s-%s-%s.csv", kind, agent_village(rq->ctx), rq->today);
	if (!(rs->attachment = strdup(name))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	rs->type = "text/csv; charset=utf-8";
done:
	if (f)
		fclose(f);
	stele_table_free(t);
	return rc;
}
