/* test-html.c: the HTML writer escapes every value, in text and attributes (lib/html.c). */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "error.h"
#include "html.h"

/* The writer's output for one call, checked against want. */
#define HTML_IS(want, ...) \
	do { \
		struct stele_buf b_ = STELE_BUF_INIT(STELE_BUF_NOLIMIT); \
		assert_int_equal(stele_html(&b_, __VA_ARGS__), 0); \
		assert_string_equal(b_.data ? b_.data : "", (want)); \
		stele_buf_free(&b_); \
	} while (0)

/* A NULL the compiler cannot see through (it would warn about %s of NULL). */
__attribute__((noinline)) static const char *no_value(void)
{
	return NULL;
}

static void test_escapes_values(void **state)
{
	(void)state;
	HTML_IS("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>", "<td>%s</td>",
		"<script>alert(1)</script>");
	HTML_IS("<input value=\"&quot; onfocus=&quot;x\">", "<input value=\"%s\">",
		"\" onfocus=\"x");
	HTML_IS("<a title='&#39;x'>", "<a title='%s'>", "'x");
	HTML_IS("王建国 &amp; 李四", "%s", "王建国 & 李四");
	HTML_IS("<p></p>", "<p>%s</p>", no_value());
	HTML_IS("ab&amp;", "%.3s", "ab&cd");
	HTML_IS("100%", "100%%");
	/* The format itself is the program's markup: it is not escaped. */
	HTML_IS("<b>1</b>", "<b>%d</b>", 1);
}

static void test_numbers(void **state)
{
	(void)state;
	HTML_IS("-5 42 007 18446744073709551615 3 ff 1.50",
		"%d %u %03ld %llu %zu %x %.2f", -5, 42u, 7L, 18446744073709551615ULL,
		(size_t)3, 255u, 1.5);
	HTML_IS("[  12]", "[%*d]", 4, 12);
	HTML_IS("-9223372036854775808", "%lld", (long long)INT64_MIN);
}

static void test_refuses_unescaped_conversions(void **state)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	/* Built at run time so the compiler's format check lets the test pass them. */
	char fmt[16];

	(void)state;
	assert_int_equal(stele_html(&b, "<p>"), 0);
	snprintf(fmt, sizeof(fmt), "x%%%c", 'c');
	assert_int_equal(stele_html(&b, fmt, 'a'), STELE_EFAIL);
	assert_non_null(strstr(stele_error_message(), "unsupported conversion"));
	/* A refused call leaves the buffer as it was, and its failure sticks. */
	assert_string_equal(b.data, "<p>");
	assert_int_equal(stele_buf_error(&b), STELE_EFAIL);
	assert_int_equal(stele_html(&b, "<q>"), STELE_EFAIL);
	stele_buf_reset(&b);
	snprintf(fmt, sizeof(fmt), "x%%%dsy", 5);
	assert_int_equal(stele_html(&b, fmt, "a"), STELE_EFAIL);
	stele_buf_reset(&b);
	snprintf(fmt, sizeof(fmt), "%%p");
	assert_int_equal(stele_html(&b, fmt, (void *)&b), STELE_EFAIL);
	stele_buf_free(&b);
}

static void test_limit_all_or_nothing(void **state)
{
	struct stele_buf b = STELE_BUF_INIT(12);

	(void)state;
	assert_int_equal(stele_html(&b, "<p>%s", "ok"), 0);
	assert_int_equal(stele_html(&b, "<i>%s</i>", "<<<<"), STELE_EINVALID);
	assert_string_equal(b.data, "<p>ok");
	stele_buf_reset(&b);
	assert_int_equal(stele_html(&b, "<p>%s", "ok"), 0);
	assert_int_equal(stele_html_text(&b, "&&&"), STELE_EINVALID);
	assert_string_equal(b.data, "<p>ok");
	stele_buf_free(&b);
}

static void test_text_url_raw(void **state)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);

	(void)state;
	assert_int_equal(stele_html_text(&b, "a<b>\"c\"'d'&"), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&quot;c&quot;&#39;d&#39;&amp;");
	stele_buf_reset(&b);
	assert_int_equal(stele_html_url(&b, "王 a&b=c/\"<"), 0);
	assert_string_equal(b.data, "%E7%8E%8B%20a%26b%3Dc%2F%22%3C");
	stele_buf_reset(&b);
	assert_int_equal(stele_html_url(&b, "M-0_1.~"), 0);
	assert_string_equal(b.data, "M-0_1.~");
	stele_buf_reset(&b);
	assert_int_equal(stele_html_raw(&b, "<style>a{}</style>"), 0);
	assert_string_equal(b.data, "<style>a{}</style>");
	stele_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_values),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_refuses_unescaped_conversions),
		cmocka_unit_test(test_limit_all_or_nothing),
		cmocka_unit_test(test_text_url_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
