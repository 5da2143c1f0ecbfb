/* fuzz.h: what the libFuzzer targets share: the fixed test key and a checked abort. */
#ifndef STELE_FUZZ_H
#define STELE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "changeset.h"

/* libFuzzer's entry points (the targets define them; the prototypes keep
 * -Wmissing-prototypes quiet). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The fuzz key pair: Ed25519 from the seed bytes 0, 1, ..., 31 (the unit tests'
 * key), so the seed corpus written by gen-corpus verifies in every target. Fills
 * the caller's arrays.
 */
static inline void fuzz_keys(unsigned char pk[STELE_PK_BYTES], unsigned char sk[STELE_SK_BYTES])
{
	unsigned char seed[32];

	if (sodium_init() < 0) {
		fprintf(stderr, "fuzz: sodium_init failed\n");
		abort();
	}
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	crypto_sign_seed_keypair(pk, sk, seed);
}

/* A broken promise of the code under test: report it and abort, which libFuzzer
 * records as a crash with the input that caused it. */
#define FUZZ_CHECK(cond, ...)                                                   \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz: %s:%d: check failed: %s: ",     \
				__FILE__, __LINE__, #cond);                     \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

#endif
