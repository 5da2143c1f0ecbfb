/* web.h: the clerk's workbench (stele-agent serve): the server's requests and
 * responses, and the layout and forms every page group (agent/web-*.c) shares. */
#ifndef STELE_WEB_H
#define STELE_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent.h"
#include "batch.h"
#include "records.h"
#include "buf.h"
#include "child.h"

/* What a POST may carry in all (an uploaded CSV included): 413 beyond. */
#define WEB_UPLOAD_LIMIT (8u << 20)
/* How long a request waits for a directory another process holds. */
#define WEB_BUSY_WAIT_MS 3000

/* One query or form field; an uploaded file's is its bytes (value.len), with
 * its file name. */
struct web_param {
	char *name;
	struct stele_buf value;
	char *filename;
};

/* The workbench's sync (同步), run in the background while the pages go on being
 * served: the running or the last one, kept by the server between requests. */
struct web_sync {
	struct stele_child *child; /* NULL before the first sync */
	char target[1024];         /* the stick's path, or "" for the sync address */
	char started[64];          /* local time, as shown */
};

/*
 * One request. ctx is the village directory, not open: a page opens it with
 * web_open (reading) or web_begin (a captured write, the CLI's own batch), and the
 * server closes it after the page, so no lock is held between requests.
 */
struct web_req {
	struct stele_ctx *ctx;
	bool post;
	const char *path;
	struct web_param *params;
	size_t nparams, cap;
	bool english;     /* the page's language: Chinese unless the clerk switched */
	const char *csrf; /* the token every form carries */
	char today[11];   /* YYYY-MM-DD, local */
	struct web_sync *sync; /* the server's, for the sync page */
	bool busy;        /* a write met the directory busy (web_begin): answered 503 */
};

/* One response: the page writes body (HTML unless type says otherwise) through
 * web_out and friends; the first failure of a write is kept in err. */
struct web_resp {
	int status;
	struct stele_buf body;
	const char *type;
	char *location;   /* a redirect (303) to this local path, malloc'd */
	char *attachment; /* a download: its file name, malloc'd */
	int refresh;      /* > 0: the page reloads itself after this many seconds */
	int err;
};

typedef int (*web_page_fn)(struct web_req *rq, struct web_resp *rs);

/* Runs the workbench on 127.0.0.1:port (0: a free port) until SIGINT/SIGTERM:
 * prints its URL with a fresh token as the first line of stdout and, with
 * open_browser, opens it in the desktop's browser. */
int web_serve(struct stele_ctx *ctx, unsigned port, bool open_browser);

/* The value of a query or form field, NULL if absent. */
const char *web_param(const struct web_req *rq, const char *name);
/* The uploaded file of a field (its bytes and length), NULL if absent. */
const struct web_param *web_file(const struct web_req *rq, const char *name);
/* Calls fn for every field named name (checkboxes), in order. */
int web_each_param(const struct web_req *rq, const char *name,
		   int (*fn)(void *arg, const char *value), void *arg);

/*
 * Opens the directory for reading (agent_open_read: without the lock, so a page
 * is shown while a sync or a command holds the directory), or begins a captured
 * write (agent_batch_begin: the same engine functions as the CLI). For a write,
 * another process holding the directory (a sync, a command) is waited for
 * WEB_BUSY_WAIT_MS, then STELE_EBUSY with a message for the clerk, the directory
 * open for reading and rq->busy set: the page draws its form again with what was
 * typed and that message (web_redraw), answered 503; nothing was written. Closed by
 * the server after the page.
 */
int web_open(struct web_req *rq);
int web_begin(struct agent_batch *b, struct web_req *rq);

/* Writes to the body: web_out formats as stele_html (every %s escaped). */
void web_out(struct web_resp *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void web_url(struct web_resp *rs, const char *s);   /* percent-encoded */
void web_raw(struct web_resp *rs, const char *markup);
/* A 303 redirect to a local path (built like web_out: %s percent-encoded). */
void web_redirect(struct web_resp *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The page frame: <html lang>, head, the navigation with section current, the
 * title as <h1>; web_page_end closes it. */
void web_page_begin(struct web_resp *rs, const struct web_req *rq, const char *section,
		    const char *title);
void web_page_end(struct web_resp *rs, const struct web_req *rq);
/* A notice above the content: ok (green) or a refusal (red). */
void web_notice(struct web_resp *rs, bool ok, const char *text);

/* After a redirect to ...?saved=ID: fmt (one %s, the id) as an ok notice. */
void web_saved_notice(const struct web_req *rq, struct web_resp *rs, const char *fmt);

/* <form method="post" action="action"> with the CSRF field; web_form_end closes. */
void web_form_begin(struct web_resp *rs, const struct web_req *rq, const char *action);
void web_form_end(struct web_resp *rs);
/*
 * A labelled field of a form: an <input type="type"> (text, date, month, number)
 * named name with value, and error (the engine's refusal of this field, or NULL)
 * beside it. attrs is the program's extra markup for the input ("required",
 * "maxlength=\"100\""), or "".
 */
void web_field(struct web_resp *rs, const char *label, const char *type, const char *name,
	       const char *value, const char *error, const char *attrs);
/* A <select> of values[i] shown as labels[i] (labels NULL: the values), with
 * the one equal to value selected; "" first when empty_label is not NULL. */
void web_select(struct web_resp *rs, const char *label, const char *name,
		const char *const *values, const char *const *labels, size_t n,
		const char *value, const char *empty_label, const char *error);
/* The field a refusal is about, for showing it beside that field: the column
 * agent_refuse named, else -1 (the message then goes above the form). */
int web_refused_field(void);
/* Keeps the message of the refusal just made (drawing the page after it may
 * record others) in *msg, freed by the caller, and answers 422. 0 or STELE_EFAIL. */
int web_refused(char **msg, struct web_resp *rs);
/* Whether a write's result is one the page answers with its form again, filled in
 * as it was sent: a refusal of the data (STELE_EINVALID), or a busy directory
 * (STELE_EBUSY from web_begin). */
bool web_redraw(int rc);
/* A <select> named name of the village's ranked members (active, flowing: id and
 * name), "" (nobody in particular) first, value selected, error beside it. */
int web_member_picker(struct web_req *rq, struct web_resp *rs, const char *label,
		      const char *name, const char *value, const char *error);
/* A <datalist id="grid-codes"> of the village's registered grids (the code, its
 * name as the label), offered by the members' and requests' grid fields (their
 * attrs say list="grid-codes"); empty while the village registers none. A failure
 * is kept in rs->err. */
void web_grid_datalist(struct web_req *rq, struct web_resp *rs);
/* Whether value is among the values sent for the field name (ticked checkboxes). */
bool web_has_value(const struct web_req *rq, const char *name, const char *value);

/* A step of a query's rows: prepares sql on the open directory with the village
 * as ?1 and texts as ?2.. ; the caller steps and finalizes *out. */
int web_query(sqlite3_stmt **out, struct web_req *rq, const char *sql, const char *const *texts,
	      int n);
/* The text of one column ("" for NULL). */
const char *web_col(sqlite3_stmt *stmt, int col);
/* One integer from sql (village ?1, texts ?2..), 0 for no row. */
int web_count(long long *out, struct web_req *rq, const char *sql, const char *const *texts, int n);

/* Shown names of stored codes: statuses, stages, categories ("active" → 正常). */
const char *web_member_status(const char *status);
const char *web_stage(const char *stage);
/* A time as meta keeps it (unix seconds, or ISO 8601 UTC "...Z") in local time,
 * "YYYY-MM-DD HH:MM"; "" for none; other text as it is. */
void web_local_time(char *out, size_t size, const char *value);
/* A table cell of a member's stars (积分争星): as many ★ and the number in words. */
void web_star_cell(struct web_resp *rs, int stars);
/* Tenths as "12.5", fen as "1234.50" (tenths / fen from an integer column). */
void web_tenths(char *out, size_t size, long long tenths);

/* The page groups (agent/web-*.c). */
int web_home(struct web_req *rq, struct web_resp *rs);
int web_members(struct web_req *rq, struct web_resp *rs);
int web_member_form(struct web_req *rq, struct web_resp *rs);
int web_member_save(struct web_req *rq, struct web_resp *rs);
int web_points(struct web_req *rq, struct web_resp *rs);
int web_points_add(struct web_req *rq, struct web_resp *rs);
int web_points_review(struct web_req *rq, struct web_resp *rs);
int web_points_review_save(struct web_req *rq, struct web_resp *rs);
int web_points_rank(struct web_req *rq, struct web_resp *rs);
int web_points_notice(struct web_req *rq, struct web_resp *rs);
int web_tasks(struct web_req *rq, struct web_resp *rs);
int web_tasks_add(struct web_req *rq, struct web_resp *rs);
int web_tasks_close(struct web_req *rq, struct web_resp *rs);
int web_requests(struct web_req *rq, struct web_resp *rs);
int web_requests_add(struct web_req *rq, struct web_resp *rs);
int web_requests_resolve(struct web_req *rq, struct web_resp *rs);
int web_request_followup(struct web_req *rq, struct web_resp *rs);
int web_request_handler(struct web_req *rq, struct web_resp *rs);
int web_request_escalate(struct web_req *rq, struct web_resp *rs);
int web_request_feedback(struct web_req *rq, struct web_resp *rs);
int web_grids(struct web_req *rq, struct web_resp *rs);
int web_grid_form(struct web_req *rq, struct web_resp *rs);
int web_grid_add(struct web_req *rq, struct web_resp *rs);
int web_grid_save(struct web_req *rq, struct web_resp *rs);
int web_grid_delete(struct web_req *rq, struct web_resp *rs);
int web_income(struct web_req *rq, struct web_resp *rs);
int web_income_add(struct web_req *rq, struct web_resp *rs);
int web_assess(struct web_req *rq, struct web_resp *rs);
int web_assess_save(struct web_req *rq, struct web_resp *rs);
int web_close(struct web_req *rq, struct web_resp *rs);
int web_close_save(struct web_req *rq, struct web_resp *rs);
int web_log(struct web_req *rq, struct web_resp *rs);
int web_data(struct web_req *rq, struct web_resp *rs);
int web_import(struct web_req *rq, struct web_resp *rs);
int web_export(struct web_req *rq, struct web_resp *rs);
int web_sync(struct web_req *rq, struct web_resp *rs);
int web_sync_run(struct web_req *rq, struct web_resp *rs);

#endif
