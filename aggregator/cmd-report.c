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

enum { OPT_MONTH = 1, OPT_OUT, OPT_AS_OF, OPT_DRAFT };

static int on_report_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct report_opts *o = data;

	if (opt == OPT_MONTH)
		o->month = arg;
	else if (opt == OPT_OUT)
		o->out = arg;
	else if (opt == OPT_AS_OF)
		o->as_of = arg;
	else if (opt == OPT_DRAFT)
		o->draft = true;
	return 0;
}

int cmd_report(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "month", required_argument, NULL, OPT_MONTH },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "draft", no_argument, NULL, OPT_DRAFT },
		{ 0 },
	};
	struct report_opts o = { 0 };
	struct rank_view view = { 0 };
	struct report r;
	struct page p = { STELE_BUF_INIT(STELE_BUF_NOLIMIT), 0 };
	int rc, n;
	bool done;

	memset(&r, 0, sizeof(r));
	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_report_opt, &o,
				  NULL, 0, 0, &n, &done)) < 0 || done)
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
