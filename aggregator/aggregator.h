/* aggregator.h: the county tool's commands and the helpers they share. */
#ifndef STELE_AGGREGATOR_H
#define STELE_AGGREGATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "options.h"
#include "domain.h"
#include "history.h"
#include "gitrepo.h"
#include "i18n.h"

/* The commands' functions (cmd_*, each in aggregator/cmd-NAME.c), declared from
 * the program's one command list. */
#include "commands.def"

/* Helpers shared by the commands (aggregator/county.c, fetch.c, merge.c). */

/* Where each village's fetched repository is mirrored: DIR/villages/CODE.git. */
#define AGG_MIRRORS_DIR "villages"
/* The ref of a mirror that fetch moves (forced) and merge reads. */
#define AGG_INCOMING_REF "refs/stele/incoming"

/* Where a mirror keeps a delivery a later fetch replaced with a history that does
 * not contain it (merge examines it, then drops or renames it), and the branch of
 * a fork that is not merged (kept for good). Both end in the commit's hex id. */
#define AGG_BRANCH_PREFIX "refs/stele/branch/"
#define AGG_FORK_PREFIX   "refs/stele/fork/"

/* Forks (aggregator/forks.c). */

/* After a fetch moved AGG_INCOMING_REF of mirror: if the new history does not hold
 * before (the incoming tip before the fetch), keeps before as AGG_BRANCH_PREFIX
 * + its id, so no delivery is dropped whatever the order they arrive in. */
int agg_keep_replaced(git_repository *mirror, const git_oid *before);

enum agg_fork_verdict {
	AGG_FORK_NONE,     /* no change set of the village's own at a merged seq differs */
	AGG_FORK_HELD,     /* a fork, kept and recorded (stele_fork), not yet resolved */
	AGG_FORK_RESOLVED, /* a fork county staff resolved ('quarantine retry') */
};

/*
 * Examines ref (tip tip) of a village's mirror against what merge applied: when a
 * change set on it, genuinely signed for its seq, differs from the one merged at
 * that seq, the branch is kept as AGG_FORK_PREFIX + tip, recorded in stele_fork
 * (said once on stderr) and *verdict is HELD or RESOLVED; otherwise NONE. pk is
 * the village's key of seq 1. Writes outside any open transaction.
 */
int agg_fork_examine(enum agg_fork_verdict *verdict, struct stele_ctx *ctx, const char *code,
		     git_repository *mirror, const char *ref, const git_oid *tip,
		     const unsigned char pk[STELE_PK_BYTES]);

/* 1 with note (the hold's one line) when code has a fork not yet resolved, else 0. */
int agg_fork_unresolved(char *note, size_t note_n, struct stele_ctx *ctx, const char *code);

/* Marks code's forks resolved (*count of them): merging resumes on the branch merged. */
int agg_fork_resolve(long *count, struct stele_ctx *ctx, const char *code);

/* Opens the county directory, or a township's (lock, database, signing key), and
 * checks it is one. Released by stele_ctx_close (done by the dispatcher). */
int agg_open(struct stele_ctx *ctx);

/* The code the directory's own stream writes its rows under (its writer_key
 * rows): a county's 6 digits, a township's 9, a city's 4; copied into out. */
int agg_own_code(char out[10], struct stele_ctx *ctx);

/* Removes signing.key.old once the last rotation has been pushed (pushed_seq). */
int agg_key_tidy(struct stele_ctx *ctx);

/* The directory's level (an opened ctx): STELE_LEVEL_COUNTY, STELE_LEVEL_TOWNSHIP
 * (init --township, docs/levels.md), STELE_LEVEL_CITY (init --city), or
 * STELE_LEVEL_NONE (a village's). */
enum stele_level agg_level(const struct stele_ctx *ctx);

/* 0, or STELE_EFAIL with the message when the directory is a township's (for what
 * only the county writes: rules, vetoes, reviews, approvals). */
int agg_county_only(const struct stele_ctx *ctx);

/* The --remote and --key of a stream source to register, checked before the
 * directory is opened: remote one line of at most 1024 bytes, not empty; key a
 * public key of a writer of level (stele_parse_pubkey). STELE_EINVALID with the
 * message recorded; the command adds whose they are ("township CODE: ..."). */
int agg_check_source(const char *remote, const char *key, enum stele_level level);

/* A join's line (what: "city join", "county join"): --remote URL and --key KEY,
 * both needed (STELE_EUSAGE) and checked by agg_check_source for a source of
 * level, the messages starting with what. 0 with *remote and *key set (argv's
 * strings), STELE_OPT_HELP_SHOWN, or <0. */
int agg_join_options(const char **remote, const char **key, struct stele_ctx *ctx,
		     const struct stele_cmd *cmd, int argc, char **argv, const char *what,
		     enum stele_level level);

/* Registers a stream source (a township at a county, a county at a city) in one
 * transaction: remote is kept in the credentials file when it carries a password,
 * put(ctx, code, the remote without it, arg) writes the row, then code is printed
 * (aggregator/county.c). Nothing is written on an error. */
int agg_register_source(struct stele_ctx *ctx, const char *code, const char *remote,
			int (*put)(struct stele_ctx *ctx, const char *code, const char *remote,
				   void *arg),
			void *arg);
/* 0, or STELE_EFAIL with the message when the directory is not a township's. */
int agg_township_only(const struct stele_ctx *ctx);

/* The code the directory's villages start with: the county's 6 digits or the
 * township's 9, copied into out. */
int agg_scope_code(char out[10], struct stele_ctx *ctx);

/* A captured write to the directory's own stream (the tables its level owns:
 * county-owned, or township-owned in a township): begin, then commit (signed with
 * its key) or stele_capture_abort. *seq (may be NULL) is the new change set's
 * seq, 0 if nothing changed. */
int agg_write_begin(struct stele_ctx *ctx, struct stele_capture **cap);
int agg_write_commit(uint64_t *seq, struct stele_ctx *ctx, struct stele_capture *cap);
/* The end of a captured write: rc is 0, or the failure of what was written, which
 * abandons the capture (stele_capture_abort) and is returned; with 0 the capture
 * commits as agg_write_commit says. cap is gone either way. */
int agg_write_end(uint64_t *seq, struct stele_ctx *ctx, struct stele_capture *cap, int rc);

/* The county's 6-digit code (stele_meta), copied into out (7 bytes). */
int agg_county_code(char out[7], struct stele_ctx *ctx);

/* The mirror path of a village: a new string the caller frees. */
char *agg_mirror_path(const struct stele_ctx *ctx, const char *code);

/* One registered village, as fetch and merge see it. */
struct agg_village {
	char code[13];
	char *remote;  /* "" when the village has no network remote */
	char *pubkey;  /* hex, or NULL when no key is pinned yet */
};

/* Every registered village, and at a county every registered township (a 9-digit
 * code: its stream is fetched and merged the same way), ordered by code (*out, *n;
 * free with agg_villages_free). */
int agg_villages(struct agg_village **out, size_t *n, struct stele_ctx *ctx);
void agg_villages_free(struct agg_village *v, size_t n);

/* Whether code is a registered village. */
int agg_village_exists(bool *exists, struct stele_ctx *ctx, const char *code);
/* Opens the county directory (agg_open) and refuses a village code that is not
 * registered: STELE_EINVALID "village 'CODE' is not registered", the closest
 * registered code as a hint. */
int agg_open_village(struct stele_ctx *ctx, const char *code);

/* Says on stderr "PROG: village CODE: what" (or county, township by the code's
 * length: the streams a city and a county merge). */
void agg_say_stream(const struct stele_ctx *ctx, const char *code, const char *what);

/* "Did you mean": out (outsz bytes) receives the closest code sql lists
 * (lib/suggest.h) to given, or "": for stele_suggest_hint after the refusal. */
void agg_did_you_mean(char *out, size_t outsz, struct stele_ctx *ctx, const char *sql,
		      const char *given);
#define AGG_VILLAGE_CODES_SQL "SELECT code FROM village ORDER BY code"
#define AGG_VETO_CODES_SQL    "SELECT code FROM veto_item ORDER BY code"

/* fetch and merge proper, shared with sync: 0, or the first error code after
 * reporting every village's problem on stderr (one line each). */
struct agg_fetch_opts {
	const char *from; /* --from DIR, or NULL for the registered remotes */
	long jobs;        /* threads; 0: the number of online processors */
};
int agg_fetch(struct stele_ctx *ctx, const struct agg_fetch_opts *opts);   /* fetch.c */
int agg_merge(struct stele_ctx *ctx);                                       /* merge.c */

/* What one fetch round did (agg_fetch_round adds to it): the streams tried, those
 * that could not be fetched, those quarantined at fetch, and the entries of a
 * --from directory the last round ignored. */
struct agg_fetch_tally {
	size_t jobs;
	long failed, quarantined, ignored;
	size_t others;       /* of jobs, the streams that are no village's (a county's, ...) */
	long others_failed;  /* of failed, theirs */
};
/* One round: every stream agg_villages lists now, fetched, the outcomes recorded
 * and each problem reported on stderr (one line each). <0 only on an error that
 * is no stream's own (the database, memory). */
int agg_fetch_round(struct agg_fetch_tally *tally, struct stele_ctx *ctx,
		    const struct agg_fetch_opts *opts);

/* fetch and sync's start: reads the line (--from, --jobs, --timeout), opens the
 * directory and fetches (agg_fetch: at a city, its counties and then what their
 * registries list), under --timeout (aggregator/fetch.c). *fetched is false when
 * it stopped before fetching: the result is then the usage error, the failure to
 * open, or STELE_OPT_HELP_SHOWN. Otherwise it is agg_fetch's. */
int agg_fetch_command(bool *fetched, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		      int argc, char **argv);

/* The registry a county publishes for its city (aggregator/registry.c): captures,
 * signed in the county's stream, the changes that make registry_source and
 * registry_key say what its village and township registrations and key overrides
 * say (remotes without user name or password). *seq (may be NULL) is the change
 * set's seq, 0 when nothing changed. Nothing at a township or a city. */
int agg_registry_publish(uint64_t *seq, struct stele_ctx *ctx);

/* Cities (aggregator/city.c, docs/levels.md "Cities"). */

/* Which streams agg_villages lists at a city: every one (counties, then what
 * their registries vouch for, in code order), the counties' only, or the rest. */
enum agg_city_list { AGG_CITY_ALL, AGG_CITY_COUNTIES, AGG_CITY_BELOW };
void agg_city_set_list(enum agg_city_list which);

/* The city's fetch (agg_fetch at a city): fetch its counties' streams and merge
 * them, take in the villages and townships their registries vouch for
 * (agg_city_adopt), then fetch those. A county that cannot be fetched or merged
 * stops only its own part (reported on stderr). Adds to *tally; <0 only on an
 * error that is no stream's own. */
int agg_city_fetch(struct agg_fetch_tally *tally, struct stele_ctx *ctx,
		   const struct agg_fetch_opts *opts);

/* After a merge, the catalogue of the level above, followed (aggregator/city.c):
 * applies the change sets of the level above that the merge verified since the
 * last time to the directory's catalogue, the first time from the default one,
 * where every stream starts.
 * - At a county that belongs to a city (`city join`): as one captured change set
 *   of the county's own stream, so its next publish carries them on to the
 *   villages; *seq (may be NULL) is that change set's seq, 0 when nothing changed.
 * - At a township that joined its county (`county join`): the catalogue part of
 *   the county's change sets, written, not captured (the township's stream carries
 *   its reviews only); *seq is 0.
 * Nothing elsewhere. */
int agg_follow_catalogue(uint64_t *seq, struct stele_ctx *ctx);

/* 0, or STELE_EFAIL naming the directory when the county belongs to a city, whose
 * catalogue governs (`rules import` is then the city's). */
int agg_not_under_city(struct stele_ctx *ctx);

/* After a county's merge in sync (whose registry agg_registry_publish refreshed
 * before the merge): the city's catalogue followed (agg_follow_catalogue), and, when
 * the county has a publish URL and its stream has change sets not pushed yet, the
 * stream pushed there (agg_publish_stream): so a village added, a key revoked or
 * the city's new catalogue reach the city and the villages at the county's next
 * sync. At a township, the county's catalogue followed only; nothing at a city. */
int agg_after_merge(struct stele_ctx *ctx);

/* Commits the outbox's new change sets to DIR/repo.git and pushes the branch to
 * to (NULL: the publish URL of init; none: committed only, said on stderr).
 * always: push even when nothing new was committed and the last push went
 * through (rules publish); else only what was not pushed yet (sync). */
int agg_publish_stream(struct stele_ctx *ctx, const char *to, bool always);

/* Makes the city's stele_village_source, stele_township_source and
 * stele_key_override what its counties' merged registries say: only streams with
 * a key their county pinned, each under the county whose code it starts with.
 * *changed (may be NULL) counts the streams added or whose entry changed. */
int agg_city_adopt(long *changed, struct stele_ctx *ctx);

/* 0, or STELE_EFAIL with the message when the directory is a city's (what the
 * county does: its villages, keys, vetoes and reviews). */
int agg_not_city(const struct stele_ctx *ctx);

/*
 * `village revoke` (level STELE_LEVEL_VILLAGE) and `county revoke` (a city's or a
 * township's, STELE_LEVEL_COUNTY): CODE --from-seq N [--key KEY] records that the
 * stream's change sets from seq N on signed with the key in force there are
 * refused ('revoked'), and with --key that KEY signs from N on (docs/keys.md); N
 * must be past what is merged. A stopped stream of CODE is put back to 'ok'.
 */
int agg_revoke(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
	       enum stele_level level);

/* The rankings' area filters (aggregator/area.c): *area is --county (6 digits) or
 * --township (9), NULL for neither; STELE_EUSAGE for both or a malformed code. */
int agg_area_pick(const char **area, const char *county, const char *township);
/* 0, or STELE_EINVALID when no registered village lies in area (NULL: 0). */
int agg_area_known(struct stele_ctx *ctx, const char *area);
/* Keeps the rows of t whose village_code starts with area (NULL: all): the
 * rankings made per village (stars, members) keep their figures. */
struct stele_table;
int agg_area_filter(struct stele_table *t, const char *area);

/* Opens the county directory for reading rankings (lock and database, no key)
 * and checks its role is 'county' (aggregator/county.c). Released by
 * stele_ctx_close (done by the dispatcher). */
int rank_open_county(struct stele_ctx *ctx);

/* The view a ranking command reads (--as-of, --draft, or live), on ctx->db,
 * with the epoch and the merge run the state rests on. Closed with
 * rank_view_close before anything else uses ctx->db. */
struct rank_view {
	enum stele_view_kind kind;
	int64_t epoch, run;
	bool open;
};
int rank_view_open(struct rank_view *view, struct stele_ctx *ctx, const char *as_of, bool draft);
void rank_view_close(struct rank_view *view, struct stele_ctx *ctx);

#endif
