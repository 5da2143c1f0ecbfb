/* lock.h: one process at a time per Stele directory. */
#ifndef STELE_LOCK_H
#define STELE_LOCK_H

struct stele_lock;

/*
 * Takes the lock of dir (the file dir/lock, held with flock for the life of the
 * process) without waiting. If another process holds it, returns STELE_EBUSY
 * with a message naming that process. *out is released with stele_lock_release.
 */
int stele_lock_acquire(struct stele_lock **out, const char *dir);
void stele_lock_release(struct stele_lock *lock);

#endif
