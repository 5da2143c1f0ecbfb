/* gitpack.c: the stream store's pack writer: change sets gathered into commits (one,
 * or a batch of them) in memory and written as one pack, the branch moved once
 * (stele_repo_pack_*). Part of the stream store (gitrepo.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "buf.h"
#include "changeset.h"
#include "csbatch.h"
#include "error.h"
#include "gitrepo.h"
#include "gitrepo-int.h"

/* Appends staged in memory and written as one pack (stele_repo_pack_*). */
struct stele_repo_pack {
	git_repository *repo;    /* the caller's: the pack and the ref go there */
	git_repository *staging; /* wraps an object database of mem alone */
	git_odb_backend *mem;    /* owned by staging's odb */
	git_packbuilder *pb;     /* on staging: what was staged since the last flush */
	char *ref;
	git_oid base, tip;       /* ref's tip when the pack was begun; the last commit staged */
	bool have_base, have_tip;
	size_t count, bytes;     /* commits and blob bytes staged since the last flush */
	uint64_t written;        /* packs written */
	/* The commit being gathered: its change sets (a batch), the message lines
	 * of each, their key and writer, the last one's time. */
	struct stele_buf batch, lines;
	size_t batch_n;
	uint64_t first_seq, last_seq;
	char pub[2 * STELE_PK_BYTES + 1], writer[STELE_CS_WRITER_MAX + 1];
	int64_t created_at;
};

/* Copies the tip the next commit is built on into memory, so staging (which sees
 * nothing on disk) can name it as the parent; it is never put in the pack. Starts
 * the packbuilder of the next pack. */
static int stage_tip(struct stele_repo_pack *p)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	int rc = 0;

	git_packbuilder_free(p->pb);
	p->pb = NULL;
	if (git_packbuilder_new(&p->pb, p->staging) < 0)
		return stele_git_fail(STELE_EFAIL, "preparing a pack");
	if (!p->have_tip)
		return 0;
	if (git_repository_odb(&odb, p->repo) < 0 || git_odb_read(&obj, odb, &p->tip) < 0 ||
	    p->mem->write(p->mem, &p->tip, git_odb_object_data(obj), git_odb_object_size(obj),
			  git_odb_object_type(obj)) < 0)
		rc = stele_git_fail(STELE_EFAIL, "reading the branch's tip");
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

int stele_repo_pack_begin(struct stele_repo_pack **out, git_repository *repo, const char *ref)
{
	struct stele_repo_pack *p = calloc(1, sizeof(*p));
	git_odb *odb = NULL;
	int rc = 0;

	if (!p || !(p->ref = strdup(ref))) {
		free(p);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	stele_buf_init(&p->batch, STELE_CSBATCH_BUF_MAX);
	stele_buf_init(&p->lines, STELE_BUF_NOLIMIT);
	p->repo = repo;
	if ((rc = stele_repo_read_tip(&p->base, repo, ref)) < 0)
		goto done;
	p->have_base = rc == 1;
	p->tip = p->base;
	p->have_tip = p->have_base;
	rc = 0;
	/* Staging is a repository whose only object database is memory: writing an
	 * object there never looks at the disk (libgit2 rescans the pack directory
	 * for every object a disk-backed database does not hold yet). */
	if (git_odb_new(&odb) < 0 || git_mempack_new(&p->mem) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "preparing a pack");
		goto done;
	}
	if (git_odb_add_backend(odb, p->mem, 1) < 0) {
		p->mem->free(p->mem);
		p->mem = NULL;
		rc = stele_git_fail(STELE_EFAIL, "preparing a pack");
		goto done;
	}
	if (git_repository_wrap_odb(&p->staging, odb) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "preparing a pack");
		goto done;
	}
	if ((rc = stage_tip(p)) < 0)
		goto done;
	*out = p;
done:
	git_odb_free(odb); /* staging holds its own reference */
	if (rc < 0)
		stele_repo_pack_free(p);
	return rc;
}

/* Writes what is staged as one pack (fsync'd with its index when libgit2's
 * fsync is on, as stele_git_init sets it) and then moves the ref once, from the
 * tip the pack was begun on. */
static int pack_flush(struct stele_repo_pack *p)
{
	int rc;

	git_buf bytes = { 0 };

	if (p->count == 0)
		return 0;
	if ((rc = stele_git_write_pack(NULL, p->repo, p->pb, &bytes)) < 0)
		return rc;
	/* Every object is on disk: only now may the ref name them. */
	if ((rc = stele_repo_move_ref(p->repo, p->ref, &p->tip, p->have_base ? &p->base : NULL)) < 0) {
		git_buf_dispose(&bytes);
		return rc;
	}
	/* Kept for a push of the same commits to a local remote (lib/remote.c). */
	stele_git_remember_pack(p->have_base ? &p->base : NULL, &p->tip, &bytes);
	p->base = p->tip;
	p->have_base = true;
	p->count = 0;
	p->bytes = 0;
	p->written++;
	git_mempack_reset(p->mem);
	return stage_tip(p);
}

/* The commit message of the gathered change sets: one's own line alone, as a
 * commit of one has always said; for a batch a subject naming its seqs, then each
 * one's line, as many as fit in STELE_REPO_BATCH_MESSAGE bytes. */
static int batch_message(struct stele_buf *out, struct stele_repo_pack *p)
{
	const char *line = p->lines.data, *end = p->lines.data + p->lines.len;
	size_t shown = 0;

	if (p->batch_n == 1)
		return stele_buf_append(out, p->lines.data, p->lines.len);
	stele_buf_printf(out, "seq %llu-%llu: %zu change sets\n\n", (unsigned long long)p->first_seq,
			 (unsigned long long)p->last_seq, p->batch_n);
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);

		if (out->len + n > STELE_REPO_BATCH_MESSAGE)
			break;
		stele_buf_append(out, line, n);
		line += n;
		shown++;
	}
	if (shown < p->batch_n)
		stele_buf_printf(out, "... and %zu more\n", p->batch_n - shown);
	return stele_buf_error(out);
}

/* Stages the gathered change sets as one commit (a batch of one is written as the
 * change set alone, byte for byte what a commit of one has always held), first
 * writing what is staged as a pack of its own when it would pass
 * STELE_REPO_PACK_MAX. */
static int close_batch(struct stele_repo_pack *p)
{
	struct stele_buf message = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	const char *blob = p->batch.data;
	size_t len = p->batch.len;
	git_oid id;
	int rc;

	if (p->batch_n == 0)
		return 0;
	if (p->batch_n == 1) {
		blob += STELE_CSBATCH_MAGIC_LEN + STELE_CSBATCH_ITEM_HEAD;
		len -= STELE_CSBATCH_MAGIC_LEN + STELE_CSBATCH_ITEM_HEAD;
	}
	if (p->count > 0 && p->bytes + len > STELE_REPO_PACK_MAX && (rc = pack_flush(p)) < 0)
		goto done;
	if ((rc = batch_message(&message, p)) < 0) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = stele_repo_write_commit(&id, p->staging, p->have_tip ? &p->tip : NULL, blob, len, p->pub,
			       message.data, p->writer, p->created_at)) < 0)
		goto done;
	/* The commit, its tree and blobs: the parent is on disk already. */
	if (git_packbuilder_insert_commit(p->pb, &id) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "preparing a pack");
		goto done;
	}
	p->tip = id;
	p->have_tip = true;
	p->count++;
	p->bytes += len;
	p->batch_n = 0;
	stele_buf_reset(&p->batch);
	stele_buf_reset(&p->lines);
done:
	stele_buf_free(&message);
	return rc;
}

bool stele_repo_batch_takes(size_t n, size_t batch_len, size_t len, bool same_key)
{
	return n > 0 && n < STELE_REPO_BATCH_MAX && same_key && stele_csbatch_fits(batch_len, len);
}

int stele_repo_pack_add(struct stele_repo_pack *p, const void *data, size_t len,
			const char *pubkey_hex, const char *message, const char *writer,
			int64_t created_at)
{
	int rc;

	if (strlen(pubkey_hex) >= sizeof(p->pub) || strlen(writer) >= sizeof(p->writer))
		return stele_error(STELE_EINVALID, "a change set's key or writer is too long");
	/* A commit holds one key's change sets (its STELE_PUB_FILE names it). */
	if (p->batch_n > 0 &&
	    !stele_repo_batch_takes(p->batch_n, p->batch.len, len,
				    strcmp(p->pub, pubkey_hex) == 0 && strcmp(p->writer, writer) == 0) &&
	    (rc = close_batch(p)) < 0)
		return rc;
	if ((rc = stele_csbatch_add(&p->batch, data, len)) < 0)
		return rc;
	stele_buf_puts(&p->lines, message);
	if (p->lines.len == 0 || p->lines.data[p->lines.len - 1] != '\n')
		stele_buf_putc(&p->lines, '\n');
	if (stele_buf_error(&p->lines) < 0)
		return stele_error(STELE_EFAIL, "out of memory");
	p->last_seq = stele_cs_peek_seq(data, len);
	if (p->batch_n == 0) {
		p->first_seq = p->last_seq;
		strcpy(p->pub, pubkey_hex);
		strcpy(p->writer, writer);
	}
	p->created_at = created_at;
	p->batch_n++;
	return 0;
}

int stele_repo_pack_commit(struct stele_repo_pack *p)
{
	return close_batch(p);
}

int stele_repo_pack_finish(uint64_t *packs, struct stele_repo_pack *p)
{
	int rc = close_batch(p);

	if (rc == 0)
		rc = pack_flush(p);

	if (rc < 0)
		return rc;
	if (packs)
		*packs = p->written;
	return 0;
}

void stele_repo_pack_free(struct stele_repo_pack *p)
{
	if (!p)
		return;
	git_packbuilder_free(p->pb);
	git_repository_free(p->staging); /* frees its odb, and mem with it */
	stele_buf_free(&p->batch);
	stele_buf_free(&p->lines);
	free(p->ref);
	free(p);
}
