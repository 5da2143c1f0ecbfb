/* remote-int.h: what the transport's three files share inside the library: remote.c
 * (fetch and push), transport.c (an in-memory libgit2 remote, its callbacks and
 * failures) and localremote.c (a local path remote); not for callers. */
#ifndef STELE_REMOTE_INT_H
#define STELE_REMOTE_INT_H

#include <stdbool.h>

#include "git.h"
#include "remote.h"

/* State shared by the transport callbacks of one fetch or push. */
struct stele_transport {
	const struct stele_remote_opts *opts;
	char shown[1024];     /* the URL without userinfo, for messages */
	char user[256];       /* the user name of the last credentials offered */
	int tries;            /* credential callback calls so far */
	bool offered;         /* some credentials were offered (the URL's count) */
	bool auth_refused;    /* the server refused every credential offered */
	bool no_credentials;  /* the server wants credentials and there are none */
	char refused[512];    /* a server's refusal reported through push_update_reference */
	bool have_refusal;
};

/*
 * The start of a fetch or a push: libgit2 ready, t set up for url (the URL as
 * shown, the credentials it offers itself, opts' CA list), and url resolved: the
 * URL libgit2 gets in *target (a local path made absolute, anything else as it
 * is; the caller frees it), *local whether it is a local path, *exists whether
 * that path exists (a local path that is not a directory is an error).
 */
int stele_transport_start(struct stele_transport *t, char **target, bool *local, bool *exists,
			  const char *url, const struct stele_remote_opts *opts);

/* Points cb's credential, certificate, progress and push-refusal callbacks at t. */
void stele_transport_callbacks(git_remote_callbacks *cb, struct stele_transport *t);

/* An in-memory remote for url: no name, nothing stored in the repository's
 * config, and no insteadOf rewriting from the user's git config. The caller frees
 * *out with git_remote_free. Returns libgit2's code. */
int stele_transport_remote(git_remote **out, git_repository *repo, const char *url);

/*
 * Records libgit2's last error as a transport failure of url (the target
 * stele_transport_start gave) naming the remote without credentials, and returns
 * STELE_EFAIL; what ("cannot reach remote") starts a message that fits no known
 * kind.
 */
int stele_transport_fail(const struct stele_transport *t, const char *url, const char *what);

/*
 * Copies what repo lacks of tip's history from the local repository source
 * (already checked by stele_repo_check_new) as one pack, indexed in one piece;
 * checked is the check's count of distinct objects in all of tip's history (0 when
 * it hid some), shown names the remote in messages. Nothing is written when repo
 * has the tip already. The caller removes the packs it added if this fails.
 */
int stele_localremote_fetch(git_repository *repo, git_repository *source, const git_oid *tip,
			    size_t checked, const char *shown);

/* Creates a bare repository at a local remote's path (HEAD -> main), whose parent
 * directory must exist; a kill leaves nothing or a complete repository. */
int stele_localremote_create(const char *path, const char *shown);

/* Holds the local remote at path for one push (flock on PATH/stele.lock;
 * STELE_EBUSY if another push holds it) and removes a killed push's ref locks;
 * the caller closes *fd to release it. */
int stele_localremote_lock(int *fd, const char *path, const char *shown);

/* Pushes local_ref to remote_ref of the local remote at path (locked by the
 * caller): the commits it lacks as one pack, then its ref moved only forward and
 * only from the tip it had. */
int stele_localremote_push(git_repository *repo, const char *path, const char *local_ref,
			   const char *remote_ref, const char *shown);

#endif
