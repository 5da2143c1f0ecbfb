/* summary.h: the one-line summary of a change set's row changes. */
#ifndef STELE_SUMMARY_H
#define STELE_SUMMARY_H

#include <stddef.h>

/*
 * A one-line summary of SQLite changeset bytes for commit messages and `log`:
 * "3 point events added, task T0007 closed". *out is malloc'd, freed by the
 * caller; "no changes" for an empty changeset. Bytes stele_cs_walk refuses are
 * STELE_EINVALID (SQLite never sees them).
 */
int stele_cs_summarize(char **out, const void *changes, size_t len);

/*
 * The same summary in the reader's language (gettext: "新增 25 名党员"), for what
 * a person reads (`log`'s table, the workbench, a write's success line). The
 * canonical English one above stays what change sets and commits carry. *out is
 * malloc'd, freed by the caller.
 */
int stele_cs_summarize_local(char **out, const void *changes, size_t len);

/*
 * The local summary of an encoded change set (docs/format.md: its signature is
 * not checked here; the caller shows what it already holds). *out is malloc'd,
 * freed by the caller; bytes that do not decode are STELE_EVERIFY/STELE_EINVALID.
 */
int stele_cs_encoded_summary_local(char **out, const void *data, size_t len);

#endif
