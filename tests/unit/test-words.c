/* test-words.c: the fixed values' words (lib/words.c), the catalogue's Chinese for
 * them, and messages recorded in both languages (lib/error.c, lib/i18n.c). */
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "error.h"
#include "i18n.h"
#include "table.h"
#include "words.h"

/* Chinese from the build's catalogue (BUILD/locale, BUILD/tests being where
 * this test runs from) on any machine: C.UTF-8 and LANGUAGE. */
static void chinese(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/../locale", dirname(exe));
	setenv("STELE_LOCALEDIR", dir, 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("LANGUAGE", "zh_CN", 1);
	stele_i18n_init();
}

static void english(void)
{
	setenv("LC_ALL", "C", 1);
	unsetenv("LANGUAGE");
	stele_i18n_init();
}

static void code_is(const char *field, const char *input, const char *want)
{
	const char *got = stele_word_code(field, input);

	if (strcmp(got, want) != 0)
		fail_msg("%s '%s' gives '%s', not '%s'", field, input, got, want);
}

static void test_chinese_input(void **state)
{
	(void)state;
	code_is("gender", "男", "M");
	code_is("gender", "女", "F");
	code_is("gender", "M", "M");
	code_is("stage", "记录", "recorded");
	code_is("stage", "党小组", "group");
	code_is("stage", "党小组初审", "group");
	code_is("stage", "支委会", "committee");
	code_is("stage", "支委会复审", "committee");
	code_is("stage", "党员大会", "assembly");
	code_is("stage", "党员大会终审", "assembly");
	code_is("stage", "公示", "published");
	code_is("stage", "驳回", "rejected");
	code_is("status", "正常", "active");
	code_is("status", "转出", "transferred_out");
	code_is("status", "流动", "flowing");
	code_is("status", "去世", "deceased");
	code_is("satisfied", "是", "1");
	code_is("satisfied", "否", "0");
	code_is("satisfied", "yes", "1");
	code_is("category", "基础积分", "base");
	code_is("category", "反向扣分", "deduction");
	/* Not a word of that field: unchanged, for the caller's check to refuse. */
	code_is("gender", "男女", "男女");
	code_is("gender", "党小组", "党小组");
	code_is("stage", "group2", "group2");
	assert_null(stele_word_code("stage", NULL));
}

/* The report's Chinese (words.c) and the catalogue's agree for every value. */
static void test_catalogue_words(void **state)
{
	const char *field, *code;

	(void)state;
	chinese();
	for (size_t i = 0; stele_word_get(i, &field, &code); i++) {
		const char *shown = stele_word_show(field, code), *zh = stele_word_zh(field, code);
		if (strcmp(shown, zh) != 0)
			fail_msg("%s '%s': the catalogue says '%s', words.c '%s'", field, code, shown, zh);
	}
	assert_string_equal(stele_word_show("stage", "group"), "党小组初审");
	assert_string_equal(stele_word_show("stage", "no such stage"), "no such stage");
	assert_string_equal(stele_word_column("status"), "状态");
	english();
	for (size_t i = 0; stele_word_get(i, &field, &code); i++)
		assert_string_equal(stele_word_show(field, code), code);
	assert_string_equal(stele_word_column("status"), "status");
}

/* A message is recorded translated, and in English for what is stored, also when
 * it is built on the previous message. */
static void test_both_languages(void **state)
{
	(void)state;
	chinese();
	assert_int_equal(stele_error(STELE_EINVALID, "%s does not exist in village %s", "x",
				     "140402101201"), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "x在村 140402101201 中不存在");
	assert_string_equal(stele_error_message_en(), "x does not exist in village 140402101201");
	stele_error(STELE_EINVALID, "%s: %s", "row 2", stele_error_message());
	assert_string_equal(stele_error_message(), "row 2：x在村 140402101201 中不存在");
	assert_string_equal(stele_error_message_en(),
			    "row 2: x does not exist in village 140402101201");
	stele_error(STELE_EFAIL, "a message the catalogue does not have: %d", 7);
	assert_string_equal(stele_error_message(), "a message the catalogue does not have: 7");
	assert_string_equal(stele_error_message_en(), "a message the catalogue does not have: 7");
	english();
	stele_error(STELE_EINVALID, "%s does not exist in village %s", "x", "140402101201");
	assert_string_equal(stele_error_message(), "x does not exist in village 140402101201");
}

/* Table output shows headers and fixed values in the reader's language; CSV and
 * JSON never change. */
static void test_table_words(void **state)
{
	static const char *const names[] = { "id", "stage" };
	static const char *const row[] = { "E000001", "group" };
	struct stele_table *t = NULL;
	char *text = NULL, *csv_zh = NULL, *csv_en = NULL;
	size_t size;
	FILE *f;

	(void)state;
	assert_int_equal(stele_table_new(&t, 2, names, NULL), 0);
	assert_int_equal(stele_table_add_row(t, row), 0);
	chinese();
	assert_non_null(f = open_memstream(&text, &size));
	assert_int_equal(stele_table_print(t, STELE_FORMAT_TABLE, false, f), 0);
	fclose(f);
	assert_string_equal(text, "编号     审核阶段\nE000001  党小组初审\n");
	assert_non_null(f = open_memstream(&csv_zh, &size));
	assert_int_equal(stele_table_print(t, STELE_FORMAT_CSV, false, f), 0);
	fclose(f);
	english();
	assert_non_null(f = open_memstream(&csv_en, &size));
	assert_int_equal(stele_table_print(t, STELE_FORMAT_CSV, false, f), 0);
	fclose(f);
	assert_string_equal(csv_zh, "id,stage\nE000001,group\n");
	assert_string_equal(csv_zh, csv_en);
	free(text);
	free(csv_zh);
	free(csv_en);
	stele_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chinese_input),
		cmocka_unit_test(test_catalogue_words),
		cmocka_unit_test(test_both_languages),
		cmocka_unit_test(test_table_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
