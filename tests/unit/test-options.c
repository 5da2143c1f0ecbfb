/* test-options.c: a command's line read by its option table (lib/options.c): fields
 * bound, typed values checked, repeated options, positional counts, --help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "error.h"
#include "options.h"

static const struct stele_cmd cmd = { "try", NULL, "try ARG [--name N]", NULL, NULL };

/* Reads the words (NULL-ended, the command's name first) into argv's copy. */
static int parse(char ***args, int *nargs, struct stele_ctx *ctx,
		 const struct stele_option *options, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return stele_options_parse(args, nargs, ctx, &cmd, options, argc, argv);
}

static void test_bound_fields(void **state)
{
	struct stele_ctx ctx = { .prog = "stele-test" };
	const char *name = NULL, *note = NULL;
	bool open = false;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "name", &name), STELE_OPT_STRING('n', "note", &note),
		STELE_OPT_BOOL(0, "open", &open), STELE_OPT_ARGS(1, 2), STELE_OPT_END()
	};
	char *argv[] = { "try", "first", "--name", "张三", "-n", "why", "--open", "-120.50", NULL };
	char **args;
	int nargs;

	assert_int_equal(parse(&args, &nargs, &ctx, options, argv), 0);
	assert_string_equal(name, "张三");
	assert_string_equal(note, "why");
	assert_true(open);
	/* The positional arguments in order; a negative number is one of them. */
	assert_int_equal(nargs, 2);
	assert_string_equal(args[0], "first");
	assert_string_equal(args[1], "-120.50");
}

static void test_typed_values(void **state)
{
	struct stele_ctx ctx = { .prog = "stele-test" };
	int64_t jobs = 4;
	int32_t month = -1, year = -1;
	const struct stele_option options[] = {
		STELE_OPT_INT('j', "jobs", &jobs, 1, 256), STELE_OPT_MONTH("month", &month),
		STELE_OPT_YEAR("year", &year), STELE_OPT_END()
	};
	char *good[] = { "try", "-j", "8", "--month", "2026-11", NULL };
	char *range[] = { "try", "--jobs", "300", NULL };
	char *bad_month[] = { "try", "--month", "2026-13", NULL };
	char **args;
	int nargs;

	assert_int_equal(parse(&args, &nargs, &ctx, options, good), 0);
	assert_int_equal(jobs, 8);
	assert_int_equal(month, 2026 * 12 + 10);
	assert_int_equal(year, -1); /* not given: as the caller set it */
	/* A value the option cannot take is a usage error (exit 2). */
	assert_int_equal(parse(&args, &nargs, &ctx, options, range), STELE_EUSAGE);
	assert_non_null(strstr(stele_error_message(), "--jobs"));
	assert_int_equal(parse(&args, &nargs, &ctx, options, bad_month), STELE_EUSAGE);
	assert_non_null(strstr(stele_error_message(), "--month"));
}

static void test_repeated(void **state)
{
	struct stele_ctx ctx = { .prog = "stele-test" };
	struct stele_opt_list villages = { 0 };
	const struct stele_option options[] = {
		STELE_OPT_LIST(0, "village", &villages), STELE_OPT_END()
	};
	char *argv[] = { "try", "--village", "990101001201", "--village=990101001202", NULL };
	char **args;
	int nargs;

	assert_int_equal(parse(&args, &nargs, &ctx, options, argv), 0);
	assert_int_equal(villages.n, 2);
	assert_string_equal(villages.items[0], "990101001201");
	assert_string_equal(villages.items[1], "990101001202");
	stele_opt_list_release(&villages);
	assert_null(villages.items);
}

static void test_usage_errors(void **state)
{
	struct stele_ctx ctx = { .prog = "stele-test" };
	const char *name = NULL;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "name", &name), STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	char *missing[] = { "try", NULL };
	char *extra[] = { "try", "a", "b", NULL };
	char *unknown[] = { "try", "a", "--colour", NULL };
	char *no_value[] = { "try", "a", "--name", NULL };
	char **args;
	int nargs;

	assert_int_equal(parse(&args, &nargs, &ctx, options, missing), STELE_EUSAGE);
	assert_string_equal(stele_error_message(), "try: missing argument (usage: stele-test try "
				"ARG [--name N])");
	assert_int_equal(parse(&args, &nargs, &ctx, options, extra), STELE_EUSAGE);
	assert_non_null(strstr(stele_error_message(), "unexpected argument 'b'"));
	assert_int_equal(parse(&args, &nargs, &ctx, options, unknown), STELE_EUSAGE);
	assert_string_equal(stele_error_message(), "try: unknown option '--colour' (see --help)");
	/* As before the table: the last option's missing value is the "--" that ends
	 * the options, so nothing is refused here but the value itself later. */
	assert_int_equal(parse(&args, &nargs, &ctx, options, no_value), 0);
	assert_string_equal(name, "--");
}

static void test_help_and_listing(void **state)
{
	struct stele_ctx ctx = { .prog = "stele-test", .format = STELE_FORMAT_TABLE };
	char *help[] = { "try", "--help", NULL };
	char *listing[] = { "try", "--format", "csv", "--bom", NULL };
	char *not_listing[] = { "try", "--bom", NULL };
	char **args;
	int nargs;
	FILE *saved = stdout;

	/* --help prints the usage (to stdout, here thrown away) and stops the command. */
	assert_non_null(stdout = fopen("/dev/null", "w"));
	assert_int_equal(parse(&args, &nargs, &ctx, NULL, help), STELE_OPT_HELP_SHOWN);
	fclose(stdout);
	stdout = saved;
	assert_int_equal(parse(&args, &nargs, &ctx, stele_listing_options, listing), 0);
	assert_int_equal(ctx.format, STELE_FORMAT_CSV);
	assert_true(ctx.bom);
	assert_int_equal(parse(&args, &nargs, &ctx, NULL, not_listing), STELE_EUSAGE);
}

/* A CALLBACK row: the callback gets its own row (code, data) and the value; short
 * and long names alike; the options and their values may stand after the
 * positional arguments, which end up in order. */
static int on_option(struct stele_ctx *ctx, const struct stele_option *opt, const char *arg)
{
	const char **seen = opt->value;

	(void)ctx;
	seen[opt->code == 'j' ? 0 : 1] = arg;
	return 0;
}

static int refuse(struct stele_ctx *ctx, const struct stele_option *opt, const char *arg)
{
	(void)ctx;
	(void)opt;
	return stele_error(STELE_EINVALID, "refused %s", arg);
}

static void test_callback(void **state)
{
	struct stele_ctx ctx = { .prog = "stele-test" };
	const char *seen[2] = { NULL, NULL };
	const struct stele_option options[] = {
		STELE_OPT_CALLBACK('j', "jobs", true, on_option, seen, 'j'),
		STELE_OPT_CALLBACK(0, "from", true, on_option, seen, 1),
		STELE_OPT_CALLBACK(0, "bad", true, refuse, NULL, 2),
		STELE_OPT_ARGS(1, 2), STELE_OPT_END()
	};
	char *argv[] = { "try", "x", "-j", "3", "y", "--from=/media/usb", NULL };
	char *bad[] = { "try", "x", "--bad", "v", NULL };
	char **args;
	int nargs;

	assert_int_equal(parse(&args, &nargs, &ctx, options, argv), 0);
	assert_string_equal(seen[0], "3");
	assert_string_equal(seen[1], "/media/usb");
	assert_int_equal(nargs, 2);
	assert_string_equal(args[0], "x");
	assert_string_equal(args[1], "y");
	/* A callback's error is the parse's, its message kept. */
	assert_int_equal(parse(&args, &nargs, &ctx, options, bad), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "refused v");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound_fields),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_help_and_listing),
		cmocka_unit_test(test_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
