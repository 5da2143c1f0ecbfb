/* cmd-report.c: `stele-aggregator report`: one self-contained, byte-deterministic
 * HTML page of a month's rankings, in Chinese with an English switch, computed
 * live, as of a merge run or time, or with the draft rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "error.h"
#include "fileio.h"
#include "parse.h"
#include "rank.h"
#include "report.h"

struct report_opts {
	const char *month, *out, *as_of;
	bool draft;
};

int cmd_report(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct report_opts o = { 0 };
	struct rank_view view = { 0 };
	struct report r;
	struct page p = { STELE_BUF_INIT(STELE_BUF_NOLIMIT), 0 };
	char **args;
	int rc, n;

	memset(&r, 0, sizeof(r));
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "month", &o.month),
		STELE_OPT_STRING(0, "out", &o.out),
		STELE_OPT_STRING(0, "as-of", &o.as_of),
		STELE_OPT_BOOL(0, "draft", &o.draft),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.month || !o.out)
		return stele_error(STELE_EUSAGE, "report needs --month YYYY-MM and --out FILE.html");
	if (!*o.out)
		return stele_error(STELE_EUSAGE, "--out is empty");
	if ((rc = stele_rank_period(&r.year, &r.month, NULL, o.month)) < 0)
		return rc;
	if ((rc = rank_open_county(ctx)) < 0 ||
	    (rc = rank_view_open(&view, ctx, o.as_of, o.draft)) < 0)
		return rc;
	r.db = ctx->db;
	r.run = view.run;
	r.epoch = view.epoch;
	r.draft = o.draft;
	if ((rc = report_load(&r)) < 0 || (rc = report_write_page(&p, &r)) < 0)
		goto done;
	rank_view_close(&view, ctx);
	rc = stele_file_replace(o.out, p.buf.data ? p.buf.data : "", p.buf.len, 0644, "report");
done:
	rank_view_close(&view, ctx);
	report_free(&r);
	stele_buf_free(&p.buf);
	return rc;
}
