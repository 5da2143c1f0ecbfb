/* import.h: importing a CSV of one kind of record (members, points, tasks,
 * requests, income, assessments), shared by `stele-agent import` and the workbench. */
#ifndef STELE_IMPORT_H
#define STELE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "agent.h"
#include "batch.h"
#include "csv.h"

/* A kind: its CSV columns (cli.md's, as export writes them) and the validated
 * write of one row (f[i] is column cols[i]; out_id, 24 bytes, receives the row's
 * id, "" for assessments). */
struct agent_import_kind {
	const char *kind;
	const char *const *cols;
	size_t ncols;
	int (*put)(char *out_id, struct agent_batch *b, char **f);
	const char *table, *what; /* the stored rows, and how a record is named */
	const char *dup_sql;      /* NULL: no duplicate guard */
};

/* The kind named kind ("members", ...), or NULL. */
const struct agent_import_kind *agent_import_kind(const char *kind);

/* Told of each refused row (msg: "FILE:LINE:COL: the engine's refusal"); a
 * negative return stops the import with it. */
typedef int (*agent_import_refused_fn)(void *arg, const char *msg);
typedef void (*agent_import_progress_fn)(void *arg, long rows);

/*
 * Reads csv (header first) and writes every record into the caller's batch. With
 * on_refused NULL the first refused row ends it (its STELE_EINVALID, naming the
 * line and column); otherwise every refused row is passed to on_refused and the
 * rest are still checked, then STELE_EINVALID "N of M rows refused" (the caller
 * aborts the batch: all or nothing). *rows receives the records read, on
 * success only. progress (may be NULL) is called every 1000 rows. Unless
 * allow_duplicates, rows with an empty id that repeat a record stored before the
 * import (the same sheet imported twice) are refused together at the end
 * (STELE_EINVALID naming their lines and the records).
 */
int agent_import_csv(long *rows, struct agent_batch *b, const struct agent_import_kind *k,
		     struct stele_csv *csv, bool allow_duplicates, agent_import_refused_fn on_refused,
		     void *arg, agent_import_progress_fn progress, void *progress_arg);

#endif
