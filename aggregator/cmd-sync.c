/* cmd-sync.c: `stele-aggregator sync`: fetch, then merge what there is even when
 * some villages could not be fetched (aggregator/fetch.c, aggregator/merge.c; at a
 * city, agg_fetch takes its counties first, then what their registries vouch for:
 * aggregator/city.c); at a county, then what follows a merge (agg_after_merge). */
#include <stdbool.h>
#include <stdio.h>

#include "aggregator.h"
#include "error.h"

int cmd_sync(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	bool fetched;
	int rc, fetch_rc;
	char fetch_msg[1024];

	/* Merge what there is even when some villages could not be fetched. The
	 * timeout covers the fetch only (at a city, its counties' merge too). */
	fetch_rc = agg_fetch_command(&fetched, ctx, cmd, argc, argv);
	if (!fetched)
		return fetch_rc;
	snprintf(fetch_msg, sizeof(fetch_msg), "%s", stele_error_message());
	/* Villages that failed or were quarantined at fetch: the others merge. */
	if (fetch_rc < 0 && fetch_rc != STELE_EFAIL && fetch_rc != STELE_EVERIFY)
		return fetch_rc;
	/* The registry first: the merge run is then the sync's last state but for
	 * what the merge itself brings (the city's catalogue), so 'report --as-of RUN'
	 * reproduces the report made right after the sync. */
	if ((rc = agg_registry_publish(NULL, ctx)) < 0)
		return rc;
	rc = agg_merge(ctx);
	if (rc < 0 && rc != STELE_EVERIFY)
		return rc;
	/* A quarantined stream stops only itself: the city's catalogue and the
	 * publish still go. */
	{
		int merge_rc = rc;
		char merge_msg[1024];

		snprintf(merge_msg, sizeof(merge_msg), "%s", stele_error_message());
		if ((rc = agg_after_merge(ctx)) < 0)
			return rc;
		if (merge_rc < 0)
			return stele_error(merge_rc, "%s", merge_msg);
	}
	if (fetch_rc < 0)
		return stele_error(fetch_rc, "%s", fetch_msg);
	return 0;
}
