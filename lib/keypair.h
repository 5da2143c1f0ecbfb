/* keypair.h: writers' Ed25519 key pairs and their secret key files. */
#ifndef STELE_KEYPAIR_H
#define STELE_KEYPAIR_H

#include "changeset.h"

/* Keys. A secret key file holds the 64-byte libsodium Ed25519 secret key as 128
 * hex digits and a newline, mode 0600. */

/* Creates a key pair, writing the secret key to path (which must not exist) with
 * fsync; pk receives the public key. */
int stele_key_generate(unsigned char pk[STELE_PK_BYTES], const char *path);
/* Writes sk as a new secret key file at path (which must not exist), mode 0600,
 * with fsync of the file and its directory; nothing is left at path on failure. */
int stele_key_save(const char *path, const unsigned char sk[STELE_SK_BYTES]);
/* Reads a secret key file (refusing one readable by group or others). */
int stele_key_load(unsigned char sk[STELE_SK_BYTES], const char *path);
/* The public half of a secret key. */
void stele_key_public(unsigned char pk[STELE_PK_BYTES], const unsigned char sk[STELE_SK_BYTES]);

#endif
