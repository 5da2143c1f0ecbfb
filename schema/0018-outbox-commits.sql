-- 0018-outbox-commits: which commit of the writer's own repository holds each change
-- set (docs/sync.md "The git layout"). A sync commits the pending change sets of one
-- key as one commit (a batch), and a repository rebuilt from the outbox must give the
-- very same commits, so each change set keeps the seq of the first change set of its
-- commit, planned before the commit is written. NULL: not planned yet (pending).
-- Every change set already in the outbox was (or will be) committed alone, as every
-- earlier version committed them.
ALTER TABLE stele_outbox ADD COLUMN commit_first INTEGER;
UPDATE stele_outbox SET commit_first = seq;
