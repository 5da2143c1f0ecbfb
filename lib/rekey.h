/* rekey.h: reading change sets written before a synced table's key changed. */
#ifndef STELE_REKEY_H
#define STELE_REKEY_H

#include <stddef.h>

/*
 * Rewrites, in place, the primary-key flags of the table headers in SQLite
 * changeset bytes (changes, len; already walked by stele_cs_walk) that carry a
 * table's key from before its migration, so SQLite applies them to today's table:
 * veto_event's (id) becomes (village_code, id) (schema/0015-city.sql). Inserts and
 * deletes carry every column and read the same under either key; an update of
 * such a row is left alone (and refused by the shape check). Changes no byte of a
 * change set written since. 0, or what the walk returned. Owns nothing.
 */
int stele_rekey_legacy(unsigned char *changes, size_t len);

#endif
