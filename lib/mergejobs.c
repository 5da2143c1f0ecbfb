/* mergejobs.c: the verification workers of a merge run: threads that walk
 * streams' repositories ahead of the applying thread, copying each new change set
 * and verifying its signature, so the one thread that checks and applies (in order,
 * deterministically) finds the git reads and the Ed25519 checks done. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "gitrepo.h"
#include "mergejobs.h"

/* The read-ahead's memory: jobs after the one being consumed stop walking while
 * the items not yet freed hold more than this (the one being consumed never does). */
#define AHEAD_BYTES (64u << 20)

enum { SIG_QUEUED, SIG_BUSY, SIG_GOOD, SIG_BAD };

struct stele_presig {
	_Atomic int state;
	unsigned char pk[STELE_PK_BYTES];
	const unsigned char *data;
	size_t len;
	struct stele_mergejob *job;
	struct stele_presig *next; /* the pool's queue of signatures to verify */
};

/* One item and its bytes, allocated together (pointers to it stay valid). */
struct node {
	struct stele_mergeitem item;
	struct stele_presig sig;
	unsigned char data[];
};

enum { JOB_QUEUED, JOB_WALKING, JOB_ENDED };

struct stele_mergejob {
	struct stele_mergejobs *pool;
	char *path, *ref;
	git_oid since, tip;
	bool has_since, has_pk, tip_known, complete, cancel, done;
	unsigned char pk[STELE_PK_BYTES];
	struct node **items;
	size_t n, cap, read, bytes;
	int state;
	long busy;                   /* its signatures a worker is verifying */
	struct stele_mergejob *next; /* the queue of walks */
};

struct stele_mergejobs {
	pthread_mutex_t mu;
	pthread_cond_t work;     /* for the workers: a signature, a walk, room ahead */
	pthread_cond_t progress; /* for the consumer: an item, an end, a signature */
	pthread_t *threads;
	long nthreads;
	bool stop;
	struct stele_mergejob *walk_head, *walk_tail;
	struct stele_presig *sig_head, *sig_tail;
	struct stele_mergejob **jobs; /* every job, for stele_mergejobs_free */
	size_t njobs, capjobs;
	size_t held;                    /* bytes of the items not yet freed */
	struct stele_mergejob *current; /* the one the consumer reads */
};

long stele_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 256 ? 256 : n;
}

/* Verifies the first queued signature; called and returns with p->mu held. */
static void run_sig_locked(struct stele_mergejobs *p)
{
	struct stele_presig *s = p->sig_head;
	int expected = SIG_QUEUED;
	bool ok;

	p->sig_head = s->next;
	if (!p->sig_head)
		p->sig_tail = NULL;
	s->next = NULL;
	if (!atomic_compare_exchange_strong(&s->state, &expected, SIG_BUSY))
		return; /* the consumer verified it already */
	s->job->busy++;
	pthread_mutex_unlock(&p->mu);
	ok = stele_cs_signed_by(s->data, s->len, s->pk);
	pthread_mutex_lock(&p->mu);
	atomic_store(&s->state, ok ? SIG_GOOD : SIG_BAD);
	s->job->busy--;
	pthread_cond_broadcast(&p->progress);
}

bool stele_presig_verify(struct stele_presig *s, const unsigned char *data, size_t len,
			 const unsigned char pk[STELE_PK_BYTES])
{
	struct stele_mergejobs *p;
	int expected = SIG_QUEUED, state;
	bool ok;

	if (!s || s->len != len || memcmp(s->pk, pk, STELE_PK_BYTES) != 0 ||
	    (s->data != data && memcmp(s->data, data, len) != 0))
		return stele_cs_signed_by(data, len, pk);
	if (atomic_compare_exchange_strong(&s->state, &expected, SIG_BUSY)) {
		/* No worker has begun it: verified here (its queue entry is skipped). */
		ok = stele_cs_signed_by(data, len, pk);
		atomic_store(&s->state, ok ? SIG_GOOD : SIG_BAD);
		return ok;
	}
	p = s->job->pool;
	pthread_mutex_lock(&p->mu);
	while ((state = atomic_load(&s->state)) == SIG_BUSY)
		pthread_cond_wait(&p->progress, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return state == SIG_GOOD;
}

/* stele_repo_walk callback: the item, copied, appended to the job; its signature
 * queued. Waits while the pool holds too much ahead of the consumer. */
static int on_item(void *arg, const git_oid *commit, const void *data, size_t len,
		   bool commit_end)
{
	struct stele_mergejob *j = arg;
	struct stele_mergejobs *p = j->pool;
	size_t size = data ? len : 0;
	struct node *nd = malloc(sizeof(*nd) + (size ? size : 1));
	int rc = 0;

	if (!nd)
		return 1; /* incomplete: the consumer walks the rest itself */
	memset(nd, 0, sizeof(*nd));
	nd->item.commit = *commit;
	nd->item.len = len;
	nd->item.commit_end = commit_end;
	if (data) {
		memcpy(nd->data, data, len);
		nd->item.data = nd->data;
		nd->item.sig = &nd->sig;
		atomic_init(&nd->sig.state, SIG_QUEUED);
		memcpy(nd->sig.pk, j->pk, STELE_PK_BYTES);
		nd->sig.data = nd->data;
		nd->sig.len = len;
		nd->sig.job = j;
	}
	pthread_mutex_lock(&p->mu);
	while (!j->cancel && !p->stop && p->held > AHEAD_BYTES && j != p->current) {
		if (p->sig_head)
			run_sig_locked(p); /* help while waiting */
		else
			pthread_cond_wait(&p->work, &p->mu);
	}
	if (j->cancel || p->stop ||
	    stele_array_reserve(&j->items, &j->cap, j->n, sizeof(*j->items), 256) < 0) {
		rc = 1;
		goto done;
	}
	j->items[j->n++] = nd;
	j->bytes += sizeof(*nd) + size;
	p->held += sizeof(*nd) + size;
	if (data) {
		if (p->sig_tail)
			p->sig_tail->next = &nd->sig;
		else
			p->sig_head = &nd->sig;
		p->sig_tail = &nd->sig;
		pthread_cond_signal(&p->work);
	}
	pthread_cond_broadcast(&p->progress);
	nd = NULL;
done:
	pthread_mutex_unlock(&p->mu);
	free(nd);
	return rc;
}

/* stele_repo_walk callback: keeps the first commit and stops. */
static int first_commit(void *arg, const git_oid *commit, const void *data, size_t len,
			bool commit_end)
{
	*(git_oid *)arg = *commit;
	return 1;
}

/* Walks j (on a worker, without p->mu); j->complete when it reached the tip. */
static void walk_job(struct stele_mergejob *j)
{
	struct stele_mergejobs *p = j->pool;
	git_repository *repo = NULL;
	git_oid tip, first;
	bool known = false, complete = false;
	int rc;

	if (stele_repo_open(&repo, j->path, 0) < 0)
		goto done;
	if (stele_repo_ref(&tip, repo, j->ref) != 1)
		goto done;
	known = true;
	pthread_mutex_lock(&p->mu);
	j->tip = tip;
	j->tip_known = true;
	pthread_cond_broadcast(&p->progress);
	pthread_mutex_unlock(&p->mu);
	if (j->has_since && stele_repo_descends(repo, &j->since, &tip) == 1) {
		complete = true; /* nothing new, or an older delivery */
		goto done;
	}
	if (!j->has_pk) {
		first = tip;
		if (stele_repo_walk(repo, j->ref, NULL, first_commit, &first) < 0 ||
		    stele_repo_commit_pubkey(j->pk, repo, &first) < 0)
			goto done;
	}
	rc = stele_repo_walk(repo, j->ref, j->has_since ? &j->since : NULL, on_item, j);
	complete = rc == 0;
done:
	stele_repo_close(repo);
	stele_error_clear(); /* the applying thread meets and reports it itself */
	pthread_mutex_lock(&p->mu);
	j->complete = complete && !j->cancel;
	j->tip_known = known;
	j->state = JOB_ENDED;
	pthread_cond_broadcast(&p->progress);
	pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
	struct stele_mergejobs *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->stop)
			break;
		if (p->sig_head) {
			run_sig_locked(p);
			continue;
		}
		if (p->walk_head) {
			struct stele_mergejob *j = p->walk_head;

			p->walk_head = j->next;
			if (!p->walk_head)
				p->walk_tail = NULL;
			j->state = JOB_WALKING;
			pthread_mutex_unlock(&p->mu);
			walk_job(j);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		pthread_cond_wait(&p->work, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int stele_mergejobs_new(struct stele_mergejobs **out, long threads)
{
	struct stele_mergejobs *p = calloc(1, sizeof(*p));

	if (!p || !(p->threads = calloc((size_t)(threads > 0 ? threads : 1), sizeof(*p->threads)))) {
		free(p);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->progress, NULL);
	for (long i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break; /* fewer workers: the consumer does the rest */
		p->nthreads++;
	}
	*out = p;
	return 0;
}

/* Frees j's items; with p->mu held, j's walk ended and no signature of it busy. */
static void free_items(struct stele_mergejobs *p, struct stele_mergejob *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->items[i]);
	free(j->items);
	j->items = NULL;
	j->n = j->cap = j->read = 0;
	p->held -= j->bytes;
	j->bytes = 0;
}

void stele_mergejobs_free(struct stele_mergejobs *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (long i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (size_t i = 0; i < p->njobs; i++) {
		free_items(p, p->jobs[i]);
		free(p->jobs[i]->path);
		free(p->jobs[i]->ref);
		free(p->jobs[i]);
	}
	free(p->jobs);
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->progress);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int stele_mergejobs_add(struct stele_mergejob **out, struct stele_mergejobs *p, const char *path,
			const char *ref, const git_oid *since, const unsigned char *pk)
{
	struct stele_mergejob *j = calloc(1, sizeof(*j));
	int rc = 0;

	if (!j || !(j->path = strdup(path)) || !(j->ref = strdup(ref))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	j->pool = p;
	if (since && !stele_git_oid_is_zero(since)) {
		j->since = *since;
		j->has_since = true;
	}
	if (pk) {
		memcpy(j->pk, pk, STELE_PK_BYTES);
		j->has_pk = true;
	}
	pthread_mutex_lock(&p->mu);
	rc = stele_array_reserve(&p->jobs, &p->capjobs, p->njobs, sizeof(*p->jobs), 64);
	if (rc == 0) {
		p->jobs[p->njobs++] = j;
		if (p->walk_tail)
			p->walk_tail->next = j;
		else
			p->walk_head = j;
		p->walk_tail = j;
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->mu);
	if (rc < 0)
		goto done;
	*out = j;
	j = NULL;
done:
	if (j) {
		free(j->path);
		free(j->ref);
		free(j);
	}
	return rc;
}

/* Makes j the consumer's and waits until its walk began (or ended); p->mu held. */
static void await_walk(struct stele_mergejobs *p, struct stele_mergejob *j)
{
	if (p->current != j) {
		p->current = j;
		pthread_cond_broadcast(&p->work);
	}
	if (p->nthreads == 0 && j->state == JOB_QUEUED) {
		/* No worker could be started: the consumer walks it itself. */
		struct stele_mergejob **at = &p->walk_head, *prev = NULL;
		while (*at && *at != j) {
			prev = *at;
			at = &(*at)->next;
		}
		if (*at) {
			*at = j->next;
			if (p->walk_tail == j)
				p->walk_tail = prev;
		}
		j->state = JOB_WALKING;
		pthread_mutex_unlock(&p->mu);
		walk_job(j);
		pthread_mutex_lock(&p->mu);
	}
	while (!j->tip_known && j->state != JOB_ENDED)
		pthread_cond_wait(&p->progress, &p->mu);
}

bool stele_mergejob_tip(git_oid *tip, struct stele_mergejob *j)
{
	struct stele_mergejobs *p = j->pool;
	bool known;

	pthread_mutex_lock(&p->mu);
	await_walk(p, j);
	known = j->tip_known;
	if (known)
		*tip = j->tip;
	pthread_mutex_unlock(&p->mu);
	return known;
}

int stele_mergejob_next(const struct stele_mergeitem **item, bool *complete,
			struct stele_mergejob *j)
{
	struct stele_mergejobs *p = j->pool;
	int rc;

	pthread_mutex_lock(&p->mu);
	await_walk(p, j);
	while (j->read == j->n && j->state != JOB_ENDED)
		pthread_cond_wait(&p->progress, &p->mu);
	if (j->read < j->n) {
		*item = &j->items[j->read++]->item;
		rc = 1;
	} else {
		*complete = j->complete;
		rc = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void stele_mergejob_done(struct stele_mergejobs *p, struct stele_mergejob *j)
{
	struct stele_presig **at;

	if (!j)
		return;
	pthread_mutex_lock(&p->mu);
	j->cancel = true;
	/* Its signatures leave the queue; a walk not begun never begins. */
	for (at = &p->sig_head, p->sig_tail = NULL; *at;) {
		if ((*at)->job == j) {
			*at = (*at)->next;
		} else {
			p->sig_tail = *at;
			at = &(*at)->next;
		}
	}
	if (j->state == JOB_QUEUED) {
		struct stele_mergejob **w = &p->walk_head;
		p->walk_tail = NULL;
		while (*w) {
			if (*w == j) {
				*w = j->next;
				continue;
			}
			p->walk_tail = *w;
			w = &(*w)->next;
		}
		j->state = JOB_ENDED;
	}
	pthread_cond_broadcast(&p->work);
	while (j->state == JOB_WALKING || j->busy > 0)
		pthread_cond_wait(&p->progress, &p->mu);
	free_items(p, j);
	j->done = true;
	if (p->current == j)
		p->current = NULL;
	pthread_cond_broadcast(&p->work); /* room ahead again */
	pthread_mutex_unlock(&p->mu);
}
