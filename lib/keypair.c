/* keypair.c: writers' Ed25519 key pairs and their secret key files (128 hex digits
 * and a newline, mode 0600). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "fileio.h"
#include "keypair.h"
#include "parse.h"

/* sodium_init() is safe to call repeatedly; 0 or STELE_EFAIL. */
static int sodium_ready(void)
{
	if (sodium_init() < 0)
		return stele_error(STELE_EFAIL, "libsodium failed to initialize");
	return 0;
}

#define KEY_HEX (2 * STELE_SK_BYTES)

int stele_key_save(const char *path, const unsigned char sk[STELE_SK_BYTES])
{
	char hex[KEY_HEX + 2];
	int rc;

	stele_hex_encode(hex, sk, STELE_SK_BYTES);
	hex[KEY_HEX] = '\n';
	hex[KEY_HEX + 1] = '\0';
	rc = stele_file_create(path, hex, KEY_HEX + 1, 0600, "key file");
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/* Writes the secret key to a new file; pk is written only on success. */
int stele_key_generate(unsigned char pk[STELE_PK_BYTES], const char *path)
{
	unsigned char sk[STELE_SK_BYTES], pub[STELE_PK_BYTES];
	int rc;

	if ((rc = sodium_ready()) < 0)
		return rc;
	crypto_sign_keypair(pub, sk);
	if ((rc = stele_key_save(path, sk)) == 0)
		memcpy(pk, pub, STELE_PK_BYTES);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

/* Fills sk only on success; the caller should sodium_memzero it when done. */
int stele_key_load(unsigned char sk[STELE_SK_BYTES], const char *path)
{
	unsigned char key[STELE_SK_BYTES], seed_sk[STELE_SK_BYTES], pub[STELE_PK_BYTES];
	char hex[KEY_HEX + 8];
	size_t have = 0;
	struct stat st;
	int fd, rc = 0;

	if ((rc = sodium_ready()) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return stele_error(STELE_EFAIL, "cannot open key file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = stele_error(STELE_EFAIL, "cannot stat key file %s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = stele_error(STELE_EINVALID, "key file %s is not a regular file", path);
		goto done;
	}
	if (st.st_mode & 077) {
		rc = stele_error(STELE_EINVALID,
				 "key file %s is open to group or others (mode %04o); chmod 600 it",
				 path, (unsigned)(st.st_mode & 07777));
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, hex + have, sizeof(hex) - 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = stele_error(STELE_EFAIL, "cannot read key file %s: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0 || (have += (size_t)n) == sizeof(hex) - 1)
			break;
	}
	hex[have] = '\0';
	if (have != KEY_HEX + 1 || hex[KEY_HEX] != '\n' ||
	    strspn(hex, "0123456789abcdef") != KEY_HEX) {
		rc = stele_error(STELE_EINVALID,
				 "key file %s is not 128 lowercase hex digits and a newline", path);
		goto done;
	}
	hex[KEY_HEX] = '\0';
	if (stele_hex_decode(key, STELE_SK_BYTES, hex) != 0) {
		rc = stele_error(STELE_EINVALID, "key file %s is not hex", path);
		goto done;
	}
	/* A libsodium secret key is seed || public key: the halves must agree. */
	crypto_sign_seed_keypair(pub, seed_sk, key);
	if (sodium_memcmp(seed_sk, key, STELE_SK_BYTES) != 0) {
		rc = stele_error(STELE_EINVALID, "key file %s is damaged (its halves disagree)", path);
		goto done;
	}
	memcpy(sk, key, STELE_SK_BYTES);
done:
	close(fd);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(seed_sk, sizeof(seed_sk));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

void stele_key_public(unsigned char pk[STELE_PK_BYTES], const unsigned char sk[STELE_SK_BYTES])
{
	crypto_sign_ed25519_sk_to_pk(pk, sk);
}
