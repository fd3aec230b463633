/* The bounded JSON reader of lib/jsonread.c, which reads audit logs and shim events that a hostile
 * target may have shaped: every malformed text is refused with a reason and an offset inside the
 * text, never read past its end. Texts are given with explicit lengths and copied into exactly
 * sized heap blocks, so a read past the end would be caught by ASan (make check-asan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsonread.h"
#include "util.h"

/* Reads `len` bytes of `text` from a heap copy of exactly that size. */
static int read_n(const char *text, size_t len, struct fn_json_object *obj, const char **error,
		  size_t *offset)
{
	char *copy = xmalloc(len ? len : 1);
	int rc;

	memcpy(copy, text, len);
	rc = fn_json_read_object(copy, len, obj, error, offset);
	free(copy);
	return rc;
}

static int read_s(const char *text, struct fn_json_object *obj, const char **error, size_t *offset)
{
	return read_n(text, strlen(text), obj, error, offset);
}

/* Asserts `text` is refused with `reason`, at an offset within the text. */
static void refused(const char *text, const char *reason)
{
	struct fn_json_object obj;
	const char *error = NULL;
	size_t offset = SIZE_MAX;

	assert_int_equal(read_s(text, &obj, &error, &offset), -1);
	assert_non_null(error);
	assert_string_equal(error, reason);
	assert_true(offset <= strlen(text));
	assert_int_equal(obj.n, 0);
	assert_null(obj.members);
}

static void reads_what_the_log_writer_writes(void **state)
{
	struct fn_json_object obj;
	const struct fn_json_member *m;

	assert_int_equal(
	    read_s(" {\"time\":\"2026-01-01T00:00:00.000Z\",\"event\":\"shim\",\"pid\":12,"
		   "\"argv\":[\"route\",\"-n\"],\"exit\":null,\"ok\":true,\"bad\":false,"
		   "\"x\":-1.5e+3} \r\n",
		   &obj, NULL, NULL),
	    0);
	assert_int_equal(obj.n, 8);
	assert_string_equal(fn_json_scalar(&obj, "event"), "shim");
	assert_string_equal(fn_json_scalar(&obj, "pid"), "12");
	assert_string_equal(fn_json_scalar(&obj, "x"), "-1.5e+3");
	m = fn_json_member(&obj, "argv");
	assert_int_equal(m->type, FN_JSON_STRV);
	assert_int_equal(m->n_strv, 2);
	assert_string_equal(m->strv[1], "-n");
	assert_int_equal(fn_json_member(&obj, "exit")->type, FN_JSON_NULL);
	assert_int_equal(fn_json_member(&obj, "ok")->type, FN_JSON_TRUE);
	assert_int_equal(fn_json_member(&obj, "bad")->type, FN_JSON_FALSE);
	assert_null(fn_json_scalar(&obj, "exit"));
	assert_null(fn_json_scalar(&obj, "missing"));
	fn_json_object_free(&obj);
}

static void decodes_escapes_and_surrogate_pairs(void **state)
{
	struct fn_json_object obj;

	/* U+1F600 as a pair, U+00FF, U+20AC, and every one-letter escape. */
	assert_int_equal(
	    read_s("{\"s\":\"\\ud83d\\ude00 \\u00ff \\u20AC \\\"\\\\\\/\\b\\f\\n\\r\\t é\"}", &obj,
		   NULL, NULL),
	    0);
	assert_string_equal(fn_json_scalar(&obj, "s"),
			    "\xf0\x9f\x98\x80 \xc3\xbf \xe2\x82\xac \"\\/\b\f\n\r\t \xc3\xa9");
	fn_json_object_free(&obj);
}

static void truncated_escapes(void **state)
{
	/* The line of issue 11: a \u escape cut off at the end of the text. */
	refused("{\"url\":\"a\\u1", "truncated \\u escape");
	refused("{\"url\":\"a\\u", "truncated \\u escape");
	refused("{\"url\":\"a\\u12\"}", "bad hex digit in a \\u escape");
	refused("{\"url\":\"a\\", "truncated escape");
	refused("{\"url\":\"a\\x\"}", "unknown escape");
	refused("{\"url\":\"abc", "unterminated string");
	refused("{\"url\":\"\\u0000\"}", "\\u0000 in a string");
}

static void bad_surrogates(void **state)
{
	refused("{\"s\":\"\\udc00\"}", "lone low surrogate");
	refused("{\"s\":\"\\ud800\"}", "high surrogate without its low half");
	refused("{\"s\":\"\\ud800x\"}", "high surrogate without its low half");
	refused("{\"s\":\"\\ud800\\u0041\"}", "high surrogate without its low half");
	refused("{\"s\":\"\\ud800\\ud800\"}", "high surrogate without its low half");
	refused("{\"s\":\"\\ud800\\udc", "truncated \\u escape");
	refused("{\"s\":\"\\ud800\\", "high surrogate without its low half");
}

static void raw_bytes_must_be_utf8(void **state)
{
	refused("{\"s\":\"\xff\"}", "invalid UTF-8 in a string");
	refused("{\"s\":\"\xc0\xaf\"}", "invalid UTF-8 in a string");	  /* overlong */
	refused("{\"s\":\"\xed\xa0\x80\"}", "invalid UTF-8 in a string"); /* surrogate */
	refused("{\"s\":\"\x01\"}", "control character in a string");
	/* A sequence cut by the end of the text. */
	refused("{\"s\":\"\xe2\x82", "invalid UTF-8 in a string");
}

static void nesting_is_skipped_then_capped(void **state)
{
	struct fn_json_object obj;
	char deep[256], *p = deep;

	assert_int_equal(
	    read_s("{\"o\":{\"a\":[1,{\"b\":[]}]},\"m\":[\"x\",2],\"k\":\"v\"}", &obj, NULL, NULL),
	    0);
	assert_int_equal(fn_json_member(&obj, "o")->type, FN_JSON_OTHER);
	assert_int_equal(fn_json_member(&obj, "m")->type, FN_JSON_OTHER);
	assert_null(fn_json_member(&obj, "m")->strv);
	assert_string_equal(fn_json_scalar(&obj, "k"), "v");
	fn_json_object_free(&obj);

	/* The outer object and 31 arrays: the limit, accepted. */
	p += sprintf(p, "{\"a\":");
	for (int i = 1; i < FN_JSON_MAX_DEPTH; i++)
		*p++ = '[';
	for (int i = 1; i < FN_JSON_MAX_DEPTH; i++)
		*p++ = ']';
	strcpy(p, "}");
	assert_int_equal(read_s(deep, &obj, NULL, NULL), 0);
	fn_json_object_free(&obj);
	/* One more is refused, and so is a nest far deeper than any stack would take. */
	memmove(deep + 6, deep + 5, strlen(deep + 5) + 1);
	deep[5] = '[';
	strcat(deep, "]");
	refused(deep, "nested too deeply");
	{
		size_t n = 1000000;
		char *huge = xmalloc(n + 8);

		memcpy(huge, "{\"a\":", 5);
		memset(huge + 5, '[', n);
		assert_int_equal(read_n(huge, n + 5, &obj, NULL, NULL), -1);
		free(huge);
	}
}

static void structure_errors(void **state)
{
	refused("", "expected '{'");
	refused("   ", "expected '{'");
	refused("[]", "expected '{'");
	refused("{", "expected a string");
	refused("{\"a\"", "expected ':'");
	refused("{\"a\":", "missing value");
	refused("{\"a\":1", "expected ',' or '}'");
	refused("{\"a\":1,}", "expected a string");
	refused("{\"a\":[\"x\",]}", "expected a value");
	refused("{\"a\":[\"x\"", "expected ',' or ']'");
	refused("{\"a\":01}", "expected ',' or '}'");
	refused("{\"a\":-}", "bad number");
	refused("{\"a\":1.}", "bad number");
	refused("{\"a\":1e}", "bad number");
	refused("{\"a\":tru}", "unexpected character");
	refused("{\"a\":nul", "unexpected character");
	refused("{\"a\":1} {}", "text after the object");
	refused("{\"a\":1}x", "text after the object");
}

static void limits(void **state)
{
	char text[64 * 16 + 16], *p = text;
	struct fn_json_object obj;

	p += sprintf(p, "{");
	for (int i = 0; i <= FN_JSON_MAX_MEMBERS; i++)
		p += sprintf(p, "%s\"k%d\":%d", i ? "," : "", i, i);
	sprintf(p, "}");
	refused(text, "too many members");
	/* The limit itself is fine. */
	strcpy(strrchr(text, ','), "}");
	assert_int_equal(read_s(text, &obj, NULL, NULL), 0);
	assert_int_equal(obj.n, FN_JSON_MAX_MEMBERS);
	fn_json_object_free(&obj);
}

static void very_long_line(void **state)
{
	size_t n = 8 * 1024 * 1024;
	char *text = xmalloc(n);
	struct fn_json_object obj;

	memcpy(text, "{\"s\":\"", 6);
	memset(text + 6, 'x', n - 8);
	memcpy(text + n - 2, "\"}", 2);
	assert_int_equal(read_n(text, n, &obj, NULL, NULL), 0);
	assert_int_equal(strlen(fn_json_scalar(&obj, "s")), n - 8);
	fn_json_object_free(&obj);
	/* The same without its closing quote: refused, and nothing past the end is read. */
	assert_int_equal(read_n(text, n - 2, &obj, NULL, NULL), -1);
	free(text);
}

static void empty_input(void **state)
{
	struct fn_json_object obj;
	const char *error = NULL;
	size_t offset = 99;

	assert_int_equal(fn_json_read_object(NULL, 0, &obj, &error, &offset), -1);
	assert_string_equal(error, "expected '{'");
	assert_int_equal(offset, 0);
	assert_int_equal(read_s("{}", &obj, NULL, NULL), 0);
	assert_int_equal(obj.n, 0);
	fn_json_object_free(&obj);
}

static void utf8_lengths(void **state)
{
	assert_int_equal(fn_utf8_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(fn_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(fn_utf8_len((const unsigned char *)"\xc3\xa9", 1), 0);
	assert_int_equal(fn_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(fn_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(fn_utf8_len((const unsigned char *)"", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_what_the_log_writer_writes),
	    cmocka_unit_test(decodes_escapes_and_surrogate_pairs),
	    cmocka_unit_test(truncated_escapes),
	    cmocka_unit_test(bad_surrogates),
	    cmocka_unit_test(raw_bytes_must_be_utf8),
	    cmocka_unit_test(nesting_is_skipped_then_capped),
	    cmocka_unit_test(structure_errors),
	    cmocka_unit_test(limits),
	    cmocka_unit_test(very_long_line),
	    cmocka_unit_test(empty_input),
	    cmocka_unit_test(utf8_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
