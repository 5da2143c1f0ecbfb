/* test-fileio.c: lib/fileio.c (durable replace and create, the not-durable write,
 * recursive removal) and the sticky error and the array growth of lib/buf.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "error.h"
#include "fileio.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/stele-test-fileio-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	return stele_file_remove_tree(dir, 0) == 0 && access(dir, F_OK) != 0 ? 0 : -1;
}

/* The whole content of path, malloc'd ("" when empty); NULL if unreadable. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = calloc(1, 4096);
	size_t n;

	if (!f || !s) {
		if (f)
			fclose(f);
		free(s);
		return NULL;
	}
	n = fread(s, 1, 4095, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void test_replace(void **state)
{
	char path[128], tmp[160], *got;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/credentials", dir);
	assert_int_equal(stele_file_replace(path, "one\n", 4, 0600, "credentials file"), 0);
	assert_int_equal(stele_file_replace(path, "two\n", 4, 0600, "credentials file"), 0);
	assert_non_null(got = slurp(path));
	assert_string_equal(got, "two\n");
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* No temporary file is left beside it. */
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	assert_int_equal(access(tmp, F_OK), -1);
	/* A directory that does not exist: refused, naming the temporary file. */
	snprintf(path, sizeof(path), "%s/no/such", dir);
	assert_int_equal(stele_file_replace(path, "x", 1, 0600, "report"), STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "cannot write"));
}

static void test_create(void **state)
{
	char path[128], *got;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/signing.key", dir);
	assert_int_equal(stele_file_create(path, "secret\n", 7, 0600, "key file"), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* An existing file is never overwritten. */
	assert_int_equal(stele_file_create(path, "other\n", 6, 0600, "key file"), STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "cannot create key file"));
	assert_non_null(got = slurp(path));
	assert_string_equal(got, "secret\n");
	free(got);
}

/* The not-durable write: creates, replaces whole, never follows a link, and says
 * what it could not write. */
static void test_write(void **state)
{
	char path[128], link_path[128], *got;

	(void)state;
	snprintf(path, sizeof(path), "%s/HEAD", dir);
	assert_int_equal(stele_file_write(path, "ref: refs/heads/main\n", 21, 0644, "git HEAD"), 0);
	assert_int_equal(stele_file_write(path, "x\n", 2, 0644, "git HEAD"), 0);
	assert_non_null(got = slurp(path));
	assert_string_equal(got, "x\n");
	free(got);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	assert_int_equal(symlink(path, link_path), 0);
	assert_int_equal(stele_file_write(link_path, "y\n", 2, 0644, "git HEAD"), STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "cannot write git HEAD"));
	assert_non_null(got = slurp(path));
	assert_string_equal(got, "x\n");
	free(got);
	unlink(link_path);
}

static void test_remove_tree(void **state)
{
	char top[128], path[192];
	FILE *f;

	(void)state;
	snprintf(top, sizeof(top), "%s/tree", dir);
	snprintf(path, sizeof(path), "%s/a/b", top);
	assert_int_equal(stele_file_mkdirs(path), 0);
	snprintf(path, sizeof(path), "%s/a/b/file", top);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	/* keep_top empties the directory and keeps it. */
	assert_int_equal(stele_file_remove_tree(top, 1), 0);
	assert_int_equal(access(top, F_OK), 0);
	snprintf(path, sizeof(path), "%s/a", top);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(stele_file_remove_tree(top, 0), 0);
	assert_int_equal(access(top, F_OK), -1);
	/* A missing path is no error. */
	assert_int_equal(stele_file_remove_tree(top, 0), 0);
}

static void test_buf_error_sticks(void **state)
{
	struct stele_buf b = STELE_BUF_INIT(8);

	(void)state;
	assert_int_equal(stele_buf_puts(&b, "12345"), 0);
	assert_int_equal(stele_buf_puts(&b, "6789"), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "data exceeds the limit of 8 bytes");
	/* Later appends do nothing, even ones that would fit, and say so again. */
	assert_int_equal(stele_buf_putc(&b, 'x'), STELE_EINVALID);
	assert_int_equal(stele_buf_printf(&b, "%d", 1), STELE_EINVALID);
	assert_string_equal(b.data, "12345");
	assert_int_equal(stele_buf_error(&b), STELE_EINVALID);
	assert_null(stele_buf_detach(&b, NULL));
	assert_int_equal(stele_buf_error(&b), 0);
	/* reset clears it: the buffer can be used again. */
	assert_int_equal(stele_buf_puts(&b, "123456789"), STELE_EINVALID);
	stele_buf_reset(&b);
	assert_int_equal(stele_buf_puts(&b, "ok"), 0);
	assert_int_equal(stele_buf_error(&b), 0);
	stele_buf_free(&b);
}

/* An array grows from first, doubling, keeping what it held; nothing changes on
 * a size that cannot be allocated. */
static void test_array_reserve(void **state)
{
	long *items = NULL;
	size_t cap = 0;

	(void)state;
	for (size_t n = 0; n < 100; n++) {
		assert_int_equal(stele_array_reserve(&items, &cap, n, sizeof(*items), 8), 0);
		assert_true(cap > n);
		items[n] = (long)n * 3;
	}
	assert_int_equal(cap, 128);
	for (size_t n = 0; n < 100; n++)
		assert_int_equal(items[n], (long)n * 3);
	assert_int_equal(stele_array_reserve(&items, &cap, 99, sizeof(*items), 8), 0);
	assert_int_equal(cap, 128);

	long *before = items;
	size_t huge = (size_t)-1 / 2;
	assert_int_equal(stele_array_reserve(&items, &cap, 128, huge, 8), STELE_EFAIL);
	assert_ptr_equal(items, before);
	assert_int_equal(cap, 128);
	free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_remove_tree),
		cmocka_unit_test(test_buf_error_sticks),
		cmocka_unit_test(test_array_reserve),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
