/* The JSON document reader of lib/jsondoc.c, as the OCI hook and fakenet-runtime use it on the
 * texts engines write: members and spans, string decoding (RFC 8259 escapes, surrogate pairs),
 * and every kind of malformed text refused with the offset where reading stopped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsondoc.h"
#include "util.h"

static const char state[] =
    "{\"ociVersion\": \"1.0.2\", \"id\": \"c1\", \"status\": \"creating\",\n"
    " \"pid\": 4242, \"bundle\": \"/b\", \"annotations\": {\"a\": \"x\", "
    "\"io.fakenet.identity\": \"docker\"}}";

static void test_members_and_spans(void **unused)
{
	struct fn_jdoc doc;
	const char *error = NULL;
	size_t offset = 0;
	const struct fn_jdoc *pid, *ann;

	assert_int_equal(fn_jdoc_parse(state, strlen(state), &doc, &error, &offset), 0);
	assert_int_equal(doc.type, FN_JDOC_OBJECT);
	assert_int_equal(doc.start, 0);
	assert_int_equal(doc.end, strlen(state));
	assert_string_equal(fn_jdoc_str(&doc, "status"), "creating");
	pid = fn_jdoc_get(&doc, "pid");
	assert_non_null(pid);
	assert_int_equal(pid->type, FN_JDOC_NUMBER);
	assert_int_equal(strncmp(state + pid->start, "4242", pid->end - pid->start), 0);
	assert_int_equal(pid->end - pid->start, 4);
	ann = fn_jdoc_get(&doc, "annotations");
	assert_string_equal(fn_jdoc_str(ann, "io.fakenet.identity"), "docker");
	/* The object's last byte is its closing brace: where fakenet-runtime splices. */
	assert_int_equal(state[ann->end - 1], '}');
	assert_null(fn_jdoc_str(&doc, "pid"));
	assert_null(fn_jdoc_get(&doc, "nothing"));
	assert_null(fn_jdoc_get(pid, "x"));
	fn_jdoc_free(&doc);
}

static void test_last_duplicate_wins(void **unused)
{
	static const char text[] = "{\"k\": \"first\", \"k\": \"second\"}";
	struct fn_jdoc doc;
	const char *error;
	size_t offset;

	assert_int_equal(fn_jdoc_parse(text, strlen(text), &doc, &error, &offset), 0);
	assert_string_equal(fn_jdoc_str(&doc, "k"), "second");
	fn_jdoc_free(&doc);
}

static void test_string_escapes(void **unused)
{
	static const char text[] =
	    "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20ac\", "
	    "\"\\ud83d\\ude00\", \"caf\xc3\xa9\", true, false, null, -1.5e+3]";
	struct fn_jdoc doc;
	const char *error;
	size_t offset;

	assert_int_equal(fn_jdoc_parse(text, strlen(text), &doc, &error, &offset), 0);
	assert_int_equal(doc.type, FN_JDOC_ARRAY);
	assert_int_equal(doc.n, 8);
	assert_string_equal(doc.items[0].str, "a\"b\\c/d\b\f\n\r\t");
	assert_string_equal(doc.items[1].str, "\xc3\xa9\xe2\x82\xac");
	assert_string_equal(doc.items[2].str, "\xf0\x9f\x98\x80");
	assert_string_equal(doc.items[3].str, "caf\xc3\xa9");
	assert_true(doc.items[4].type == FN_JDOC_BOOL && doc.items[4].boolean);
	assert_true(doc.items[5].type == FN_JDOC_BOOL && !doc.items[5].boolean);
	assert_int_equal(doc.items[6].type, FN_JDOC_NULL);
	assert_int_equal(doc.items[7].type, FN_JDOC_NUMBER);
	fn_jdoc_free(&doc);
}

/* Each malformed text, and the byte where the reader must stop. */
static void test_errors_say_where(void **unused)
{
	static const struct {
		const char *text;
		size_t offset;
	} bad[] = {
	    {"", 0},
	    {"{", 1},
	    {"{\"a\" 1}", 5},
	    {"{\"a\": 1,}", 8},
	    {"{a: 1}", 1},
	    {"[1 2]", 3},
	    {"\"abc", 4},
	    {"\"a\tb\"", 2},
	    {"\"\\x\"", 2},
	    {"\"\\u12g4\"", 6},
	    {"\"\xff\"", 1},
	    {"\"\\ud800\"", 7},
	    {"\"\\udc00\"", 7},
	    {"\"\\u0000\"", 7},
	    {"01", 1},
	    {"-", 1},
	    {"1.", 2},
	    {"1e", 2},
	    {"tru", 0},
	    {"nul", 0},
	    {"{} x", 3},
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct fn_jdoc doc;
		const char *error = NULL;
		size_t offset = 99;

		assert_int_equal(
		    fn_jdoc_parse(bad[i].text, strlen(bad[i].text), &doc, &error, &offset), -1);
		assert_non_null(error);
		if (offset != bad[i].offset)
			fail_msg("'%s': stopped at %zu, not %zu (%s)", bad[i].text, offset,
				 bad[i].offset, error);
		assert_int_equal(doc.type, FN_JDOC_NULL);
		assert_null(doc.items);
	}
}

static void test_depth_is_bounded(void **unused)
{
	char deep[2 * (FN_JDOC_MAX_DEPTH + 2) + 1];
	struct fn_jdoc doc;
	const char *error = NULL;
	size_t offset, n = FN_JDOC_MAX_DEPTH + 2;

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	assert_int_equal(fn_jdoc_parse(deep, 2 * n, &doc, &error, &offset), -1);
	assert_string_equal(error, "nested too deeply");
	n = FN_JDOC_MAX_DEPTH;
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	assert_int_equal(fn_jdoc_parse(deep, 2 * n, &doc, &error, &offset), 0);
	fn_jdoc_free(&doc);
}

static void test_locate(void **unused)
{
	int line, column;

	fn_jdoc_locate("{\n  \"a\": 1,\n  \"b\"", 14, &line, &column);
	assert_int_equal(line, 3);
	assert_int_equal(column, 3);
	fn_jdoc_locate("x", 0, &line, &column);
	assert_int_equal(line, 1);
	assert_int_equal(column, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members_and_spans), cmocka_unit_test(test_last_duplicate_wins),
	    cmocka_unit_test(test_string_escapes),    cmocka_unit_test(test_errors_say_where),
	    cmocka_unit_test(test_depth_is_bounded),  cmocka_unit_test(test_locate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
