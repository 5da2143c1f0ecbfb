/* fileio.h: durable files and directories, the one platform seam for them: a file
 * written beside and renamed into place, a new file created whole, a directory's
 * entries made durable, a tree removed. */
#ifndef STELE_FILEIO_H
#define STELE_FILEIO_H

#include <stddef.h>

/*
 * Replaces path with len bytes of data, durably: a temporary file beside it
 * (PATH.PID.tmp, created with mode, never following a link), fsync, rename over
 * path, fsync of the directory. A crash leaves the old file or the new one, never
 * a mix. what names the file in messages ("credentials file", "report"). On
 * failure the temporary file is removed and path is untouched.
 */
int stele_file_replace(const char *path, const void *data, size_t len, unsigned mode,
		       const char *what);

/*
 * Creates path, which must not exist (O_EXCL, no link followed), holding len bytes
 * of data with mode (set with fchmod as well, whatever the umask), fsyncs it and
 * its directory. On failure nothing is left at path. what names the file in
 * messages ("key file").
 */
int stele_file_create(const char *path, const void *data, size_t len, unsigned mode,
		      const char *what);

/*
 * Writes path (created with mode, or emptied; never following a link) with len
 * bytes of data, NOT durably: no fsync. Only for files whose loss or damage in a
 * crash a later run finds and repairs (the skeleton of a mirror it can rebuild).
 * what names the file in messages.
 */
int stele_file_write(const char *path, const void *data, size_t len, unsigned mode,
		     const char *what);

/* Makes the entries of directory dir durable (fsync of the directory). */
int stele_file_sync_dir(const char *dir);

/* Makes path's entry in its directory durable (stele_file_sync_dir of the
 * directory holding path: "." for a bare name). */
int stele_file_sync_parent(const char *path);

/* rename(from, to), then fsync of to's directory; what names the file in
 * messages. */
int stele_file_rename(const char *from, const char *to, const char *what);

/* mkdir -p: dir and any missing parents (mode 0755). */
int stele_file_mkdirs(const char *dir);

/* mkdir: dir, whose parent exists (mode 0755); one that exists is no error. */
int stele_file_mkdir(const char *dir);

/*
 * Removes path and everything under it, never following a link (a missing path
 * is no error). With keep_top the directory path itself stays, emptied. Returns 0,
 * or STELE_EFAIL naming the first entry that could not be removed (the walk goes
 * on past it).
 */
int stele_file_remove_tree(const char *path, int keep_top);

#endif
