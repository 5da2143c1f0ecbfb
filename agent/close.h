/* close.h: closing months (月结), shared by `stele-agent close` and the workbench. */
#ifndef STELE_CLOSE_H
#define STELE_CLOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "batch.h"

/* What closing a month did. earlier is malloc'd ("2026-08, 2026-09": the earlier
 * open months closed with it), released by agent_close_release. */
struct agent_close {
	bool already;         /* the month was closed before: nothing was written */
	int nearlier;         /* earlier open months closed with it */
	char *earlier;
	int64_t under_review; /* their events still under review, frozen now */
};

/* The month a close is asked for (YYYY-MM), as a month index: refused
 * (STELE_EINVALID) when malformed or not begun yet by this computer's clock. */
int agent_close_check(int32_t *month, const char *text);

/* Closes month and every earlier month still open since the village's first
 * record, inside the caller's batch (the caller commits or aborts it). *out is
 * written only on success. */
int agent_close_run(struct agent_close *out, struct agent_batch *b, int32_t month);
void agent_close_release(struct agent_close *c);

#endif
