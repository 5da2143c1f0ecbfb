/* git.c: libgit2 for the git modules of lib/ (gitrepo, remote): initialization
 * once per process, libgit2's errors as one-line messages, object ids, stale lock
 * files. Nothing outside lib/ calls libgit2: see gitrepo.h and remote.h. */
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "git.h"

static pthread_once_t git_once = PTHREAD_ONCE_INIT;
static int git_init_rc;

static void git_init_once(void)
{
	if (git_libgit2_init() < 0 ||
	    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0)
		git_init_rc = -1;
}

int stele_git_init(void)
{
	pthread_once(&git_once, git_init_once);
	if (git_init_rc < 0)
		return stele_error(STELE_EFAIL, "cannot initialize libgit2");
	return 0;
}

void stele_git_one_line(char *out, size_t n, const char *in)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t k = 0;
	bool space = false;

	if (n == 0)
		return;
	for (; *p && k + 1 < n; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == ' ') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < n)
			out[k++] = ' ';
		space = false;
		out[k++] = (char)*p;
	}
	/* Cut short: never in the middle of a UTF-8 character. */
	if (*p && k > 0 && ((unsigned char)out[k - 1] & 0x80)) {
		while (k > 0 && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)out[k - 1] & 0xc0) == 0xc0)
			k--;
	}
	out[k] = '\0';
}

int stele_git_fail(int code, const char *what)
{
	const git_error *e = git_error_last();
	char msg[768];

	stele_git_one_line(msg, sizeof(msg), e && e->message ? e->message : "unknown git error");
	return stele_error(code, "%s: %s", what, msg);
}

static int remove_lock_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path);

	if (flag == FTW_F && n > 5 && strcmp(path + n - 5, ".lock") == 0)
		unlink(path);
	return 0;
}

void stele_git_clear_locks(const char *gitdir)
{
	static const char *const files[] = { "packed-refs.lock", "HEAD.lock", "config.lock", NULL };
	char path[PATH_MAX];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", gitdir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/refs", gitdir);
	nftw(path, remove_lock_file, 16, FTW_PHYS);
}
const char *stele_git_oid_hex(char out[STELE_OID_HEX_LEN + 1], const git_oid *id)
{
	return git_oid_tostr(out, STELE_OID_HEX_LEN + 1, id);
}

int stele_git_oid_parse(git_oid *out, const char *hex)
{
	git_oid id;

	if (strlen(hex) != STELE_OID_HEX_LEN || git_oid_fromstr(&id, hex) < 0)
		return stele_error(STELE_EINVALID, "not a commit id: %.64s", hex);
	*out = id;
	return 0;
}

bool stele_git_oid_equal(const git_oid *a, const git_oid *b)
{
	return git_oid_equal(a, b) != 0;
}

bool stele_git_oid_is_zero(const git_oid *id)
{
	return git_oid_is_zero(id) != 0;
}

int stele_git_write_pack_bytes(char name[STELE_OID_HEX_LEN + 1], git_repository *dest,
			       const void *data, size_t len)
{
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats = { 0 };
	int rc = 0;

	if (len < GIT_OID_RAWSZ || git_repository_odb(&odb, dest) < 0 ||
	    git_odb_write_pack(&wp, odb, NULL, NULL) < 0 ||
	    wp->append(wp, data, len, &stats) < 0 || wp->commit(wp, &stats) < 0)
		rc = stele_git_fail(STELE_EFAIL, "writing a pack to the repository");
	else if (name) {
		/* A pack is named by its trailer, the hash of everything before it. */
		git_oid trailer;
		git_oid_fromraw(&trailer, (const unsigned char *)data + len - GIT_OID_RAWSZ);
		git_oid_tostr(name, STELE_OID_HEX_LEN + 1, &trailer);
	}
	if (wp)
		wp->free(wp);
	git_odb_free(odb);
	return rc;
}

int stele_git_write_pack(char name[STELE_OID_HEX_LEN + 1], git_repository *dest,
			 git_packbuilder *pb, git_buf *kept)
{
	git_buf pack = { 0 };
	int rc;

	/* The pack is built in memory and handed to the indexer in one piece:
	 * git_packbuilder_write (and libgit2's local transport) feed it object by
	 * object, and the indexer maps and unmaps the file for every piece
	 * (measured: seconds for a thousand change sets, where one piece takes
	 * milliseconds). */
	if (git_packbuilder_write_buf(&pack, pb) < 0)
		return stele_git_fail(STELE_EFAIL, "writing a pack to the repository");
	rc = stele_git_write_pack_bytes(name, dest, pack.ptr, pack.size);
	if (rc == 0 && kept) {
		*kept = pack;
		return 0;
	}
	git_buf_dispose(&pack);
	return rc;
}

/* The last pack this process wrote for new commits (stele_git_remember_pack). */
static struct {
	git_buf bytes;
	git_oid base, tip;
	bool have, have_base;
} last_pack;

void stele_git_forget_pack(void)
{
	git_buf_dispose(&last_pack.bytes);
	memset(&last_pack, 0, sizeof(last_pack));
}

void stele_git_remember_pack(const git_oid *base, const git_oid *tip, git_buf *bytes)
{
	stele_git_forget_pack();
	last_pack.bytes = *bytes;
	memset(bytes, 0, sizeof(*bytes));
	last_pack.tip = *tip;
	last_pack.have_base = base != NULL;
	if (base)
		last_pack.base = *base;
	last_pack.have = true;
}

bool stele_git_recall_pack(const void **data, size_t *len, const git_oid *base, const git_oid *tip)
{
	if (!last_pack.have || !git_oid_equal(&last_pack.tip, tip) ||
	    last_pack.have_base != (base != NULL) ||
	    (base && !git_oid_equal(&last_pack.base, base)))
		return false;
	*data = last_pack.bytes.ptr;
	*len = last_pack.bytes.size;
	return true;
}
