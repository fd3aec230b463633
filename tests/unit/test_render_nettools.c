/* The small formatting rules of the net-tools renderers that the namespace parity test
 * (tests/shims-nettools.bats) cannot reach with zero counters: byte units and their thresholds,
 * flag words and letters, the natural name order. Expected values are what the real tools printed:
 * net-tools 2.10 here (a namespace with traffic on lo, a promiscuous NOARP veth, a tun device) and
 * the pristine 1.60 capture of the reference (lo: 4296 bytes -> "4.1 Kb"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "render_nettools.h"

static void expect_bytes(uint64_t bytes, enum fn_nt_units units, const char *want)
{
	char buf[64];

	assert_string_equal(fn_nt_format_bytes(bytes, units, buf, sizeof(buf)), want);
}

static void iec_units(void **state)
{
	(void)state;
	expect_bytes(0, FN_NT_UNITS_IEC, "0.0 B");
	expect_bytes(726, FN_NT_UNITS_IEC, "726.0 B");
	/* The step is taken only strictly above the unit. */
	expect_bytes(1024, FN_NT_UNITS_IEC, "1024.0 B");
	expect_bytes(1025, FN_NT_UNITS_IEC, "1.0 KiB");
	expect_bytes(2526, FN_NT_UNITS_IEC, "2.4 KiB");
	expect_bytes(2828, FN_NT_UNITS_IEC, "2.7 KiB");
	expect_bytes(7204, FN_NT_UNITS_IEC, "7.0 KiB");
	expect_bytes(1048576, FN_NT_UNITS_IEC, "1024.0 KiB");
	expect_bytes(1048577, FN_NT_UNITS_IEC, "1.0 MiB");
	/* Truncated, never rounded: 1.99 MiB is 1.9. */
	expect_bytes(2086666, FN_NT_UNITS_IEC, "1.9 MiB");
	expect_bytes(1073741825, FN_NT_UNITS_IEC, "1.0 GiB");
	expect_bytes(1099511627777ull, FN_NT_UNITS_IEC, "1.0 TiB");
	expect_bytes(1125899906842625ull, FN_NT_UNITS_IEC, "1.0 PiB");
	expect_bytes(1152921504606846977ull, FN_NT_UNITS_IEC, "1.0 EiB");
}

static void pristine_1_60_units(void **state)
{
	(void)state;
	expect_bytes(726, FN_NT_UNITS_PRISTINE, "726.0 b");
	expect_bytes(1024, FN_NT_UNITS_PRISTINE, "1024.0 b");
	expect_bytes(4296, FN_NT_UNITS_PRISTINE, "4.1 Kb");
	expect_bytes(1048577, FN_NT_UNITS_PRISTINE, "1.0 Mb");
	/* 1.60 knows no unit above Mb. */
	expect_bytes(5368709120ull, FN_NT_UNITS_PRISTINE, "5120.0 Mb");
}

static void natural_name_order(void **state)
{
	(void)state;
	assert_true(fn_nt_name_cmp("eth2", "eth10") < 0);
	assert_true(fn_nt_name_cmp("eth10", "eth2") > 0);
	assert_true(fn_nt_name_cmp("eth0", "eth1") < 0);
	assert_true(fn_nt_name_cmp("eth10", "lo") < 0);
	assert_true(fn_nt_name_cmp("lo", "wlan0") < 0);
	assert_true(fn_nt_name_cmp("eth", "eth0") < 0);
	assert_int_equal(fn_nt_name_cmp("eth01", "eth1"), 0);
	assert_int_equal(fn_nt_name_cmp("wlan0", "wlan0"), 0);
}

static void expect_words(unsigned flags, enum fn_nettools_style style, const char *want)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_nt_flag_words(flags, style, &b);
	assert_string_equal(b.len ? b.data : "", want);
	fn_buf_free(&b);
}

static void flag_words(void **state)
{
	(void)state;
	expect_words(4163, FN_NETTOOLS_2_10, "UP,BROADCAST,RUNNING,MULTICAST");
	expect_words(73, FN_NETTOOLS_2_10, "UP,LOOPBACK,RUNNING");
	expect_words(4098, FN_NETTOOLS_2_10, "BROADCAST,MULTICAST");
	expect_words(5059, FN_NETTOOLS_2_10,
		     "UP,BROADCAST,RUNNING,NOARP,PROMISC,ALLMULTI,MULTICAST");
	expect_words(144, FN_NETTOOLS_2_10, "POINTOPOINT,NOARP");
	expect_words(4163, FN_NETTOOLS_1_60, "UP BROADCAST RUNNING MULTICAST ");
	expect_words(73, FN_NETTOOLS_1_60, "UP LOOPBACK RUNNING ");
}

static void expect_letters(unsigned flags, const char *want)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_nt_flag_letters(flags, &b);
	assert_string_equal(b.len ? b.data : "", want);
	fn_buf_free(&b);
}

static void flag_letters(void **state)
{
	(void)state;
	expect_letters(4163, "BMRU");
	expect_letters(73, "LRU");
	expect_letters(8, "L");
	expect_letters(4098, "BM");
	expect_letters(5059, "ABMPORU");
	expect_letters(144, "OP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(iec_units),	  cmocka_unit_test(pristine_1_60_units),
	    cmocka_unit_test(natural_name_order), cmocka_unit_test(flag_words),
	    cmocka_unit_test(flag_letters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
