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

#endif
