/* The text buffer of lib/buf.c: what it hands over is always a NUL-terminated string, also when
 * nothing was ever written (an empty probe pattern reached pcre2_compile unterminated). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void steal_of_an_empty_buffer_is_an_empty_string(void **state)
{
	struct fn_buf b;
	size_t len = 99;
	char *s;

	fn_buf_init(&b);
	s = fn_buf_steal(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	assert_null(b.data);
	free(s);
}

static void steal_hands_over_what_was_written(void **state)
{
	struct fn_buf b;
	size_t len;
	char *s;

	fn_buf_init(&b);
	fn_buf_append(&b, "abc", 3);
	fn_buf_printf(&b, "%d", 42);
	s = fn_buf_steal(&b, &len);
	assert_int_equal(len, 5);
	assert_string_equal(s, "abc42");
	assert_int_equal(b.len, 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(steal_of_an_empty_buffer_is_an_empty_string),
	    cmocka_unit_test(steal_hands_over_what_was_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
