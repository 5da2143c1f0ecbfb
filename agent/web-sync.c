/* web-sync.c: the workbench's sync (同步): to the configured server, or to a USB
 * stick found under /media (lib/usb.c), by running the very `stele-agent sync` a
 * clerk would type as a background child (lib/child.c); the page shows how it goes
 * (refreshing itself) and then its result in plain words, while every other page
 * goes on being served. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "usb.h"
#include "web.h"

/* How long a sync may take before it gives up (the CLI's --timeout). */
#define SYNC_TIMEOUT "10m"

/* The sync's own lines, without the program's name before each. */
static void sync_lines(struct web_resp *rs, const char *out)
{
	const char *p = out;

	web_out(rs, "<ul class=\"sync-lines\">\n");
	while (p && *p) {
		const char *nl = strchr(p, '\n'), *line = p;
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 13 && strncmp(line, "stele-agent: ", 13) == 0) {
			line += 13;
			n -= 13;
		}
		if (n)
			web_out(rs, "<li>%.*s</li>\n", (int)n, line);
		p = nl ? nl + 1 : NULL;
	}
	web_out(rs, "</ul>\n");
}

/* The running sync, or the result of the last one, from its own output. */
static int sync_state(struct web_req *rq, struct web_resp *rs)
{
	struct web_sync *sy = rq->sync;
	struct stele_buf out = STELE_BUF_INIT(64 * 1024);
	char line[1200];
	int rc, status = 0;
	bool running;

	if (!sy->child)
		return 0;
	running = stele_child_running(sy->child, &status);
	if ((rc = stele_child_output(&out, sy->child)) < 0)
		goto done;
	if (running) {
		snprintf(line, sizeof(line), _("Syncing to %s, started at %s. This page follows it "
					       "by itself; the other pages can be used meanwhile."),
			 *sy->target ? sy->target : _("the sync address"), sy->started);
		web_out(rs, "<p class=\"notice running\" role=\"status\">%s</p>\n", line);
	} else if (status == 0) {
		web_notice(rs, true, _("Synced: the county receives everything recorded so far."));
	} else if (status == 4) {
		web_notice(rs, false, _("Not synced: another stele-agent command is using the "
					"village's records. Nothing is lost; try again in a moment."));
	} else {
		web_notice(rs, false, _("Not synced. Nothing is lost: every change waits in the "
					"village's records for the next sync. What happened:"));
	}
	sync_lines(rs, out.data ? out.data : "");
done:
	stele_buf_free(&out);
	return rc;
}

static int sync_page(struct web_req *rq, struct web_resp *rs, const char *refusal)
{
	char *remote = NULL, *county = NULL, *last = NULL, *synced = NULL, **sticks = NULL;
	size_t nsticks = 0;
	long long pending = 0;
	int rc, status;
	bool running = rq->sync->child && stele_child_running(rq->sync->child, &status);

	if ((rc = stele_meta_get(rq->ctx->db, "remote", &remote)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "county_url", &county)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "last_sync_at", &last)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "synced_seq", &synced)) < 0 ||
	    (rc = stele_usb_list(&sticks, &nsticks)) < 0)
		goto done;
	{
		const char *t[] = { synced ? synced : "0" };
		if ((rc = web_count(&pending, rq, "SELECT count(*) FROM stele_outbox WHERE seq > "
				    "CAST(?2 AS INTEGER) AND ?1 IS NOT NULL", t, 1)) < 0)
			goto done;
	}
	if (running)
		rs->refresh = 2;
	web_page_begin(rs, rq, "sync", _("Sync"));
	if (refusal) {
		web_notice(rs, false, _("Not synced. Nothing is lost: every change waits in the "
					"village's records for the next sync. What happened:"));
		sync_lines(rs, refusal);
	} else if ((rc = sync_state(rq, rs)) < 0) {
		goto done;
	}
	{
		char line[200];
		snprintf(line, sizeof(line), P_("%lld change set waits to be synced.",
						"%lld change sets wait to be synced.", pending), pending);
		char when[64];
		web_local_time(when, sizeof(when), last);
		web_out(rs, "<p class=\"lead\">%s %s %s</p>\n", line, _("Last sync:"),
			*when ? when : _("never"));
	}
	web_out(rs, "<h2>%s</h2>\n", _("To the sync address"));
	if ((remote && *remote) || (county && *county)) {
		web_out(rs, "<p>%s <code>%s</code></p>\n", _("Sync address:"),
			remote && *remote ? remote : county);
		if (!running) {
			web_form_begin(rs, rq, "/sync");
			web_out(rs, "<button type=\"submit\" name=\"to\" value=\"saved\">%s</button>\n",
				_("Sync now"));
			web_form_end(rs);
		}
	} else {
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("No sync address is set yet: sync to a USB "
							   "stick below, or ask the county for the "
							   "address of its server."));
	}
	web_out(rs, "<h2>%s</h2>\n", _("To a USB stick"));
	if (!nsticks) {
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("No USB stick is plugged in. Plug one in, "
							   "then open this page again."));
	} else if (running) {
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("A sync is running: the next one can start "
							   "when it has ended."));
	} else {
		web_form_begin(rs, rq, "/sync");
		web_out(rs, "<ul>\n");
		for (size_t i = 0; i < nsticks; i++)
			web_out(rs, "<li><button type=\"submit\" name=\"stick\" value=\"%s\">%s %s</button></li>\n",
				sticks[i], _("Sync to the stick"), sticks[i]);
		web_out(rs, "</ul>\n");
		web_form_end(rs);
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("The village's records go into a folder "
							   "named after the village code on the stick; "
							   "the county copies them from there."));
	}
	web_page_end(rs, rq);
done:
	free(remote);
	free(county);
	free(last);
	free(synced);
	stele_usb_free(sticks);
	return rc;
}

int web_sync(struct web_req *rq, struct web_resp *rs)
{
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return sync_page(rq, rs, NULL);
}

/* Starts the sync in the background (to remote, or to the saved address when
 * NULL), then the clerk is sent to the page that follows it. */
static int start_sync(struct web_req *rq, struct web_resp *rs, const char *remote,
		      const char *target)
{
	struct web_sync *sy = rq->sync;
	struct stele_child *child = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc;
	const char *args[] = { "stele-agent", "-C", rq->ctx->dir, "sync", "--timeout",
			       SYNC_TIMEOUT, remote ? "--remote" : NULL, remote, NULL };
	/* The child speaks the page's language. gettext ignores LANGUAGE under the "C"
	 * locale, so where the server moved its messages to C.UTF-8 (web_serve), the
	 * child's locale moves there too. */
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	const char *env[] = { rq->english ? "LANGUAGE=en" : "LANGUAGE=zh_CN",
			      msgs && strncmp(msgs, "C.", 2) == 0 ? "LC_ALL=C.UTF-8" : NULL, NULL };

	if ((rc = stele_child_start(&child, args, env)) < 0)
		return rc;
	stele_child_free(sy->child);
	sy->child = child;
	snprintf(sy->target, sizeof(sy->target), "%s", target);
	localtime_r(&now, &tm);
	strftime(sy->started, sizeof(sy->started), "%H:%M:%S", &tm);
	web_redirect(rs, "/sync");
	return 0;
}

int web_sync_run(struct web_req *rq, struct web_resp *rs)
{
	const char *stick = web_param(rq, "stick");
	char *remote = NULL, **sticks = NULL;
	size_t nsticks = 0;
	int rc, status;

	/* One sync at a time: a second click only shows the first one going on. */
	if (rq->sync->child && stele_child_running(rq->sync->child, &status)) {
		web_redirect(rs, "/sync");
		return 0;
	}
	if (!stick)
		return start_sync(rq, rs, NULL, "");
	/* Only a stick the workbench found: never a path a form names. */
	bool found = false;
	if ((rc = web_open(rq)) < 0 || (rc = stele_usb_list(&sticks, &nsticks)) < 0)
		goto done;
	for (size_t i = 0; i < nsticks && !found; i++)
		found = strcmp(sticks[i], stick) == 0;
	if (!found) {
		char *msg;
		stele_error(STELE_EINVALID, "the USB stick %s is not plugged in any more", stick);
		if ((rc = web_refused(&msg, rs)) < 0)
			goto done;
		rc = sync_page(rq, rs, msg);
		free(msg);
		goto done;
	}
	if (asprintf(&remote, "%s/%s.git", stick, agent_village(rq->ctx)) < 0) {
		remote = NULL;
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	rc = start_sync(rq, rs, remote, stick);
done:
	free(remote);
	stele_usb_free(sticks);
	return rc;
}
