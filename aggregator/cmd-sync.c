/* cmd-sync.c: `stele-aggregator sync`: fetch, then merge what there is even when
 * some villages could not be fetched (aggregator/fetch.c, aggregator/merge.c). */
#include <stdbool.h>
#include <stdio.h>

#include "aggregator.h"
#include "deadline.h"
#include "error.h"

int cmd_sync(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct agg_fetch_cli f;
	bool done;
	int rc, fetch_rc;
	char fetch_msg[1024];

	if ((rc = agg_fetch_parse(&f, &done, ctx, cmd, argc, argv)) < 0 || done)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	/* A city: its counties first, then what their registries vouch for. */
	if (agg_level(ctx) == STELE_LEVEL_CITY) {
		if (f.timeout && (rc = agg_fetch_arm_timeout(ctx, f.timeout)) < 0)
			return rc;
		rc = agg_city_sync(ctx, &f.o);
		stele_deadline_disarm();
		return rc;
	}
	/* Merge what there is even when some villages could not be fetched. The
	 * timeout covers the fetch only. */
	if (f.timeout && (rc = agg_fetch_arm_timeout(ctx, f.timeout)) < 0)
		return rc;
	fetch_rc = agg_fetch(ctx, &f.o);
	stele_deadline_disarm();
	snprintf(fetch_msg, sizeof(fetch_msg), "%s", stele_error_message());
	/* Villages that failed or were quarantined at fetch: the others merge. */
	if (fetch_rc < 0 && fetch_rc != STELE_EFAIL && fetch_rc != STELE_EVERIFY)
		return fetch_rc;
	rc = agg_merge(ctx);
	if (rc < 0)
		return rc;
	if (fetch_rc < 0)
		return stele_error(fetch_rc, "%s", fetch_msg);
	return 0;
}
