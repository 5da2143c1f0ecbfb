/* web.c: the workbench's HTTP server (libmicrohttpd): 127.0.0.1 only, the access
 * token and its cookie, the Host check, CSRF, the upload cap, routing, and
 * opening the directory per request. */
#include <arpa/inet.h>
#include <errno.h>
#include <locale.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "desktop.h"
#include "error.h"
#include "html.h"
#include "i18n.h"
#include "parse.h"
#include "web.h"

/* The style sheet, embedded at build time from web/workbench.css. */
extern const char web_css[];

#define TOKEN_BYTES 32
#define TOKEN_HEX   (TOKEN_BYTES * 2)
#define COOKIE_TOKEN "stele_token"
#define COOKIE_LANG  "stele_lang"

struct web_server {
	struct stele_ctx *ctx;
	unsigned port;
	char token[TOKEN_HEX + 1];
	char csrf[TOKEN_HEX + 1];
	struct web_sync sync;
};

/* One connection's request, built up over the access handler's calls. */
struct web_conn {
	struct web_req rq;
	struct MHD_PostProcessor *pp;
	size_t received;
	int refusal;        /* an HTTP status decided before the body is read, or 0 */
	bool token_in_url;  /* authenticated by ?token=: set the cookie, drop it from the URL */
	char *path;
};

static const struct {
	const char *method, *path;
	web_page_fn fn;
} routes[] = {
	{ "GET", "/", web_home },
	{ "GET", "/members", web_members },
	{ "GET", "/members/edit", web_member_form },
	{ "POST", "/members/save", web_member_save },
	{ "GET", "/points", web_points },
	{ "POST", "/points/add", web_points_add },
	{ "GET", "/points/review", web_points_review },
	{ "POST", "/points/review", web_points_review_save },
	{ "GET", "/points/rank", web_points_rank },
	{ "GET", "/points/notice", web_points_notice },
	{ "GET", "/tasks", web_tasks },
	{ "POST", "/tasks/add", web_tasks_add },
	{ "POST", "/tasks/close", web_tasks_close },
	{ "GET", "/requests", web_requests },
	{ "POST", "/requests/add", web_requests_add },
	{ "POST", "/requests/resolve", web_requests_resolve },
	{ "GET", "/requests/followup", web_request_followup },
	{ "POST", "/requests/handler", web_request_handler },
	{ "POST", "/requests/escalate", web_request_escalate },
	{ "POST", "/requests/feedback", web_request_feedback },
	{ "GET", "/grids", web_grids },
	{ "GET", "/grids/edit", web_grid_form },
	{ "POST", "/grids/add", web_grid_add },
	{ "POST", "/grids/save", web_grid_save },
	{ "POST", "/grids/delete", web_grid_delete },
	{ "GET", "/income", web_income },
	{ "POST", "/income/add", web_income_add },
	{ "GET", "/assess", web_assess },
	{ "POST", "/assess/save", web_assess_save },
	{ "GET", "/close", web_close },
	{ "POST", "/close", web_close_save },
	{ "GET", "/log", web_log },
	{ "GET", "/data", web_data },
	{ "POST", "/import", web_import },
	{ "GET", "/export", web_export },
	{ "GET", "/sync", web_sync },
	{ "POST", "/sync", web_sync_run },
};

static void random_hex(char out[TOKEN_HEX + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, TOKEN_HEX + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

/* Constant-time: a token of the wrong length is refused without comparing. */
static bool token_ok(const char *given, const char *want)
{
	return given && strlen(given) == TOKEN_HEX && sodium_memcmp(given, want, TOKEN_HEX) == 0;
}

/* Host must name this server as the browser reached it: 127.0.0.1:PORT or
 * localhost:PORT. Anything else is a page of another site whose name was made to
 * resolve to 127.0.0.1 (DNS rebinding). */
static bool host_ok(const char *host, unsigned port)
{
	char want[32];
	size_t n;

	if (!host)
		return false;
	snprintf(want, sizeof(want), ":%u", port);
	n = strlen(host);
	if (n < strlen(want) || strcmp(host + n - strlen(want), want) != 0)
		return false;
	n -= strlen(want);
	return (n == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
	       (n == 9 && strncasecmp(host, "localhost", 9) == 0);
}

const char *web_param(const struct web_req *rq, const char *name)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (strcmp(rq->params[i].name, name) == 0 && !rq->params[i].filename)
			return rq->params[i].value.data ? rq->params[i].value.data : "";
	return NULL;
}

const struct web_param *web_file(const struct web_req *rq, const char *name)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (strcmp(rq->params[i].name, name) == 0 && rq->params[i].filename)
			return &rq->params[i];
	return NULL;
}

int web_each_param(const struct web_req *rq, const char *name,
		   int (*fn)(void *arg, const char *value), void *arg)
{
	int rc = 0;

	for (size_t i = 0; i < rq->nparams && rc == 0; i++)
		if (strcmp(rq->params[i].name, name) == 0 && !rq->params[i].filename)
			rc = fn(arg, rq->params[i].value.data ? rq->params[i].value.data : "");
	return rc;
}

/* The field being received: the last one if it has this name and file (a value
 * arrives in pieces), else a new one. */
static struct web_param *param_for(struct web_req *rq, const char *name, const char *filename,
				   bool first)
{
	struct web_param *p;

	if (!first && rq->nparams && strcmp(rq->params[rq->nparams - 1].name, name) == 0)
		return &rq->params[rq->nparams - 1];
	if (rq->nparams >= 100000)
		return NULL;
	if (stele_array_reserve(&rq->params, &rq->cap, rq->nparams, sizeof(*rq->params), 16) < 0)
		return NULL;
	p = &rq->params[rq->nparams];
	memset(p, 0, sizeof(*p));
	stele_buf_init(&p->value, WEB_UPLOAD_LIMIT);
	if (!(p->name = strdup(name)) || (filename && !(p->filename = strdup(filename)))) {
		free(p->name);
		return NULL;
	}
	rq->nparams++;
	return p;
}

static enum MHD_Result on_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct web_param *p = param_for(cls, key, NULL, true);

	if (!p || stele_buf_puts(&p->value, value ? value : "") < 0)
		return MHD_NO;
	return MHD_YES;
}

static enum MHD_Result on_form_data(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *filename, const char *content_type,
				    const char *transfer_encoding, const char *data, uint64_t off,
				    size_t size)
{
	struct web_conn *wc = cls;
	struct web_param *p = param_for(&wc->rq, key, filename, off == 0);

	if (!p || stele_buf_append(&p->value, data, size) < 0)
		return MHD_NO;
	if (!p->value.data && stele_buf_puts(&p->value, "") < 0)
		return MHD_NO;
	return MHD_YES;
}

static void conn_free(struct web_conn *wc)
{
	if (!wc)
		return;
	if (wc->pp)
		MHD_destroy_post_processor(wc->pp);
	for (size_t i = 0; i < wc->rq.nparams; i++) {
		free(wc->rq.params[i].name);
		free(wc->rq.params[i].filename);
		stele_buf_free(&wc->rq.params[i].value);
	}
	free(wc->rq.params);
	free(wc->path);
	free(wc);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	conn_free(*con_cls);
	*con_cls = NULL;
}

/* The headers every answer carries: nothing from elsewhere, no framing, no
 * caching of pages, no CORS (no Access-Control-* header is ever sent). */
static void add_common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; img-src 'self' data:; "
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, int status, struct stele_buf *body,
				const char *type, const char *cache)
{
	size_t len = 0;
	char *data = stele_buf_detach(body, &len);
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!data)
		return MHD_NO;
	if (!(r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE))) {
		free(data);
		return MHD_NO;
	}
	add_common_headers(r);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", cache);
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The page of a refusal made before any page runs (421, 403, 405, 413, 404). */
static enum MHD_Result send_refusal(struct MHD_Connection *c, struct web_conn *wc, int status)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	const char *title, *text;
	enum MHD_Result ret;

	switch (status) {
	case 421:
		title = _("Wrong address");
		text = _("This page was reached under another name than 127.0.0.1 or localhost; "
			 "open the address stele-agent serve printed.");
		break;
	case 403:
		title = _("Not allowed");
		text = wc->rq.post
			? _("This form is out of date or came from elsewhere; nothing was written. "
			    "Open the page again and send it once more.")
			: _("This page needs the workbench's address with its token: open the "
			    "address stele-agent serve printed (it changes at every start).");
		break;
	case 413:
		title = _("Too large");
		text = _("The file is larger than the workbench accepts (8 MB); nothing was written.");
		break;
	case 405:
		title = _("Not allowed");
		text = _("This address does not take that kind of request.");
		break;
	default:
		title = _("Not found");
		text = _("There is no such page in the workbench.");
		break;
	}
	if (stele_html(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		       "<title>%s</title></head><body><h1>%s</h1><p>%s</p></body></html>\n",
		       wc->rq.english ? "en" : "zh-CN", title, title, text) < 0)
		return MHD_NO;
	ret = send_buf(c, status, &b, "text/html; charset=utf-8", "no-store");
	stele_buf_free(&b);
	return ret;
}

/* gettext reads LANGUAGE at each call once told the catalogue may have changed. */
extern int _nl_msg_cat_cntr;

static void apply_language(bool english)
{
	setenv("LANGUAGE", english ? "en" : "zh_CN", 1);
	++_nl_msg_cat_cntr;
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *location,
				const char *cookie1, const char *cookie2)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	add_common_headers(r);
	MHD_add_response_header(r, "Location", location);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (cookie1)
		MHD_add_response_header(r, "Set-Cookie", cookie1);
	if (cookie2)
		MHD_add_response_header(r, "Set-Cookie", cookie2);
	ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

/* A local path to return to: starts with one '/', no scheme or host. */
static bool local_path(const char *p)
{
	return p && p[0] == '/' && p[1] != '/' && p[1] != '\\' && !strpbrk(p, "\r\n");
}

static enum MHD_Result run_page(struct MHD_Connection *c, struct web_server *srv,
				struct web_conn *wc, web_page_fn fn)
{
	struct web_resp rs = { .status = 200, .type = "text/html; charset=utf-8" };
	struct stele_ctx ctx = { .prog = srv->ctx->prog, .dir = srv->ctx->dir,
				 .format = STELE_FORMAT_TABLE };
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *data;
	int rc;

	stele_buf_init(&rs.body, 64u << 20);
	wc->rq.ctx = &ctx;
	stele_error_clear();
	rc = fn(&wc->rq, &rs);
	stele_ctx_close(&ctx);
	if (rc == 0 && rs.err < 0)
		rc = rs.err;
	/* A write that met a busy directory and drew its form again: nothing was written. */
	if (rc == 0 && wc->rq.busy && !rs.location)
		rs.status = 503;
	if (rc < 0) {
		/* A page that failed shows the engine's message, and nothing else. */
		const char *msg = stele_error_message();
		bool busy = rc == STELE_EBUSY;

		stele_buf_reset(&rs.body);
		rs.err = 0;
		rs.type = "text/html; charset=utf-8";
		free(rs.attachment);
		rs.attachment = NULL;
		free(rs.location);
		rs.location = NULL;
		rs.status = busy ? 503 : 500;
		web_page_begin(&rs, &wc->rq, "", busy ? _("The village directory is busy")
						       : _("Something went wrong"));
		/* (A busy page that did not draw its form again: its message, which speaks of
		 * the form, is not shown; the plain words below are.) */
		if (!busy)
			web_notice(&rs, false, *msg ? msg : _("failed"));
		if (busy)
			web_out(&rs, "<p>%s</p>", _("Another stele-agent command or a sync is using "
						    "the village's records. Nothing was written; "
						    "wait a moment and try again."));
		web_page_end(&rs, &wc->rq);
	}
	if (rs.location) {
		ret = redirect(c, rs.location, NULL, NULL);
		goto done;
	}
	if (!(data = stele_buf_detach(&rs.body, &len))) {
		ret = MHD_NO;
		goto done;
	}
	if (!(r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE))) {
		free(data);
		ret = MHD_NO;
		goto done;
	}
	add_common_headers(r);
	MHD_add_response_header(r, "Content-Type", rs.type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (rs.attachment) {
		char disp[300];
		/* The name is the program's own (ASCII: kind and date). */
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", rs.attachment);
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	ret = MHD_queue_response(c, (unsigned)rs.status, r);
	MHD_destroy_response(r);
done:
	free(rs.location);
	free(rs.attachment);
	stele_buf_free(&rs.body);
	return ret;
}

/* The first call of a request: everything decided from its headers. */
static int first_look(struct MHD_Connection *c, struct web_server *srv, struct web_conn *wc,
		      const char *method)
{
	const char *lang = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_LANG);
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_TOKEN);
	const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
	const char *len;

	wc->rq.english = lang && strcmp(lang, "en") == 0;
	wc->rq.post = strcmp(method, "POST") == 0;
	if (!host_ok(host, srv->port))
		return 421;
	if (token_ok(given, srv->token))
		wc->token_in_url = true;
	else if (!token_ok(cookie, srv->token))
		return 403;
	if (!wc->rq.post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 405;
	if (MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_query_arg, &wc->rq) < 0)
		return 413;
	if (wc->rq.post) {
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len && strtoull(len, NULL, 10) > WEB_UPLOAD_LIMIT)
			return 413;
		/* NULL for a body that is not a form: then it has no fields, and no CSRF token. */
		wc->pp = MHD_create_post_processor(c, 64 * 1024, on_form_data, wc);
	}
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct web_server *srv = cls;
	struct web_conn *wc = *con_cls;
	const char *csrf;

	if (!wc) {
		if (!(wc = calloc(1, sizeof(*wc))) || !(wc->path = strdup(url))) {
			free(wc);
			return MHD_NO;
		}
		*con_cls = wc;
		wc->rq.path = wc->path;
		wc->rq.csrf = srv->csrf;
		wc->rq.sync = &srv->sync;
		wc->refusal = first_look(c, srv, wc, method);
		return MHD_YES;
	}
	if (*upload_size) {
		wc->received += *upload_size;
		if (wc->received > WEB_UPLOAD_LIMIT)
			wc->refusal = wc->refusal ? wc->refusal : 413;
		else if (!wc->refusal && wc->pp && MHD_post_process(wc->pp, upload, *upload_size) != MHD_YES)
			wc->refusal = 413;
		*upload_size = 0;
		return MHD_YES;
	}
	apply_language(wc->rq.english);
	if (wc->refusal)
		return send_refusal(c, wc, wc->refusal);
	if (wc->token_in_url && !wc->rq.post) {
		/* The token leaves the address bar (and the history): a cookie carries it. */
		char cookie[160];
		snprintf(cookie, sizeof(cookie), COOKIE_TOKEN "=%s; Path=/; HttpOnly; SameSite=Strict",
			 srv->token);
		return redirect(c, local_path(url) ? url : "/", cookie, NULL);
	}
	if (wc->rq.post && (!(csrf = web_param(&wc->rq, "csrf")) || !token_ok(csrf, srv->csrf)))
		return send_refusal(c, wc, 403);
	if (strcmp(url, "/style.css") == 0 && !wc->rq.post) {
		struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
		enum MHD_Result ret = MHD_NO;
		if (stele_buf_puts(&b, web_css) == 0)
			ret = send_buf(c, 200, &b, "text/css; charset=utf-8", "private, max-age=300");
		stele_buf_free(&b);
		return ret;
	}
	if (strcmp(url, "/lang") == 0 && !wc->rq.post) {
		/* The language switch: a cookie, then back where the clerk was. */
		const char *to = web_param(&wc->rq, "to"), *back = web_param(&wc->rq, "back");
		bool en = to && strcmp(to, "en") == 0;
		return redirect(c, local_path(back) ? back : "/",
				en ? COOKIE_LANG "=en; Path=/; SameSite=Strict; Max-Age=31536000"
				   : COOKIE_LANG "=zh; Path=/; SameSite=Strict; Max-Age=31536000",
				NULL);
	}
	stele_format_date(wc->rq.today, stele_today());
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(url, routes[i].path) != 0)
			continue;
		if (strcmp(method, routes[i].method) != 0 &&
		    !(strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0))
			continue;
		return run_page(c, srv, wc, routes[i].fn);
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(url, routes[i].path) == 0)
			return send_refusal(c, wc, 405);
	return send_refusal(c, wc, 404);
}

static int wait_ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	return nanosleep(&ts, NULL);
}

int web_open(struct web_req *rq)
{
	return agent_open_read(rq->ctx);
}

/* Retries while the directory is busy, for at most WEB_BUSY_WAIT_MS; then opens
 * it for reading, so the page can draw its form again, and says why nothing was
 * saved in the clerk's words. */
int web_begin(struct agent_batch *b, struct web_req *rq)
{
	int rc, status;

	/* A page that read first writes now: the reading handle goes, the lock comes. */
	if (rq->ctx->db && !rq->ctx->lock)
		stele_ctx_close(rq->ctx);
	for (int waited = 0;; waited += 100) {
		if ((rc = agent_batch_begin(b, rq->ctx)) == 0)
			b->form = true;
		if (rc != STELE_EBUSY)
			return rc;
		agent_batch_abort(b);
		stele_ctx_close(rq->ctx);
		if (waited >= WEB_BUSY_WAIT_MS)
			break;
		wait_ms_sleep(100);
	}
	agent_refuse_clear();
	rq->busy = true;
	if ((rc = web_open(rq)) < 0)
		return rc;
	if (rq->sync && rq->sync->child && stele_child_running(rq->sync->child, &status))
		return stele_error(STELE_EBUSY, "not saved yet: the sync started at %s is still "
				   "using the village's records. What you entered is kept below: send "
				   "it again once the sync has ended", rq->sync->started);
	return stele_error(STELE_EBUSY, "not saved yet: another stele-agent command is using the "
			   "village's records. What you entered is kept below: send it again in a "
			   "moment");
}

bool web_redraw(int rc)
{
	return rc == STELE_EINVALID || rc == STELE_EBUSY;
}

bool web_has_value(const struct web_req *rq, const char *name, const char *value)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (strcmp(rq->params[i].name, name) == 0 && !rq->params[i].filename &&
		    rq->params[i].value.data && strcmp(rq->params[i].value.data, value) == 0)
			return true;
	return false;
}

int web_serve(struct stele_ctx *ctx, unsigned port, bool open_browser)
{
	struct web_server srv = { .ctx = ctx, .port = port };
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	sigset_t sigs, old;
	char url[128];
	int sig, rc = 0;

	/* The directory must be a village's before the clerk is sent to it. */
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	stele_ctx_close(ctx);
	random_hex(srv.token);
	random_hex(srv.csrf);
	/* Chinese by default whatever the process's locale: gettext follows LANGUAGE
	 * (set per request) except under the "C" locale, so messages move to C.UTF-8. */
	{
		const char *msgs = setlocale(LC_MESSAGES, NULL);
		if (!msgs || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0)
			if (!setlocale(LC_MESSAGES, "C.UTF-8"))
				setlocale(LC_MESSAGES, "C.utf8");
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The server's thread inherits the mask: only this thread takes the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL,
			     on_request, &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
			     MHD_OPTION_END);
	if (!d) {
		rc = stele_error(STELE_EFAIL, "cannot listen on 127.0.0.1:%u (%s)", port,
				 errno ? strerror(errno) : "in use?");
		goto done;
	}
	if (!(info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) || !info->port) {
		rc = stele_error(STELE_EFAIL, "cannot tell which port the workbench listens on");
		goto done;
	}
	srv.port = info->port;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/?token=%s", srv.port, srv.token);
	printf("%s\n", url);
	fflush(stdout);
	fprintf(stderr, _("%s: the workbench is open at the address above; Ctrl+C stops it\n"),
		ctx->prog);
	if (open_browser && stele_open_url(url) < 0)
		fprintf(stderr, _("%s: %s\n"), ctx->prog, stele_error_message());
	if (sigwait(&sigs, &sig) != 0)
		rc = stele_error(STELE_EFAIL, "waiting for a signal: %s", strerror(errno));
done:
	if (d)
		MHD_stop_daemon(d);
	/* A sync still running is stopped (safe at any instant: docs/sync.md). */
	stele_child_free(srv.sync.child);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sodium_memzero(srv.token, sizeof(srv.token));
	return rc;
}
