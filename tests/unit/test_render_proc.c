/* /proc/net renderings in corners the namespace parity test (tests/proc-parity.bats) does not
 * reach with the shipped identities: a down link, /31 and /32 addresses, several routes on one key
 * with metrics, a 15-character interface name, unresolved and NOARP neighbours, no neighbours at
 * all. Every expected text is what the kernel (6.18) printed for a namespace built from the same
 * YAML with tests/lib/netns-from-identity.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "identity.h"
#include "identity_parse.h"
#include "render.h"
#include "util.h"

/* eth0 holds a /31 and a /32, the 15-character link is down (with a secondary address, its IPv6
 * address added without DAD), eth2 has no link-local address; four routes share the key 10.9.0.0;
 * the gateway's entry is a static one. */
static const char edge_yaml[] =
    "version: 1\n"
    "hostname: edge\n"
    "interfaces:\n"
    "  - name: eth0\n"
    "    mac: 02:00:00:00:00:01\n"
    "    addresses: [10.0.0.1/31, 192.0.2.5/32, 2001:db8::1/64]\n"
    "  - name: abcdefghijklmno\n"
    "    mac: 02:00:00:00:00:02\n"
    "    addresses: [10.5.0.1/24, 10.5.0.2/24, 2001:db8:5::1/64]\n"
    "    state: down\n"
    "    ipv6_dad: false\n"
    "  - name: eth2\n"
    "    mac: 02:00:00:00:00:03\n"
    "    addresses: [10.7.0.1/24, 2001:db8:7::1/64, 2001:db8:7::2/64]\n"
    "    ipv6_link_local: false\n"
    "gateway: {ip: 10.0.0.0, mac: 02:00:00:00:00:aa, state: permanent}\n"
    "routes:\n"
    "  - {to: 10.9.0.0/16, via: 10.0.0.0, metric: 5}\n"
    "  - {to: 10.9.0.0/16, via: 10.0.0.0, metric: 1}\n"
    "  - {to: 10.9.0.0/24, dev: eth0}\n"
    "  - {to: 10.9.0.0/16, dev: eth0, metric: 3}\n"
    "neighbors:\n"
    "  - {ip: 10.7.0.9, mac: 02:00:00:00:00:09, state: delay}\n"
    "  - {ip: 10.7.0.11, mac: 02:00:00:00:00:0b, state: noarp}\n"
    "  - {ip: 10.7.0.12, mac: 02:00:00:00:00:0c, state: incomplete}\n"
    "dns: {nameservers: [127.0.0.1]}\n";

static const char lonely_yaml[] =
    "version: 1\n"
    "hostname: lonely\n"
    "interfaces:\n"
    "  - {name: eth0, mac: 02:00:00:00:07:01, addresses: [10.1.2.3/24]}\n"
    "dns: {nameservers: [127.0.0.1]}\n";

static struct fn_identity *load(const char *yaml)
{
	struct fn_diags diags;
	struct fn_identity *id;

	fn_diags_init(&diags, "test.yaml");
	id = fn_identity_load_buffer("test.yaml", yaml, strlen(yaml), &diags);
	if (!id)
		fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	assert_non_null(id);
	return id;
}

static char *render(const char *yaml, void (*fn)(const struct fn_identity *, struct fn_buf *))
{
	struct fn_identity *id = load(yaml);
	struct fn_buf b;

	fn_buf_init(&b);
	fn(id, &b);
	fn_identity_free(id);
	return fn_buf_steal(&b, NULL);
}

/* One /proc/net/route line as the kernel pads it: 127 characters, then the newline. */
static void route_line(char *dst, size_t len, const char *fields)
{
	snprintf(dst, len, "%-127s\n", fields);
}

static void test_route_down_link_slash31_slash32_metrics(void **state)
{
	static const char *const rows[] = {
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
	    "eth0\t00000000\t0000000A\t0003\t0\t0\t0\t00000000\t0\t0\t0",
	    "eth0\t0000000A\t00000000\t0001\t0\t0\t0\tFEFFFFFF\t0\t0\t0",
	    "eth2\t0000070A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
	    "eth0\t0000090A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
	    "eth0\t0000090A\t0000000A\t0003\t0\t0\t1\t0000FFFF\t0\t0\t0",
	    "eth0\t0000090A\t00000000\t0001\t0\t0\t3\t0000FFFF\t0\t0\t0",
	    "eth0\t0000090A\t0000000A\t0003\t0\t0\t5\t0000FFFF\t0\t0\t0",
	};
	char expected[N_ELEMENTS(rows) * 128 + 1] = "";
	char *text = render(edge_yaml, render_proc_net_route);

	/* No line for the down link's 10.5.0.0/24 and none for 192.0.2.5/32 (a /32 has no prefix
	 * route); the /31 has one. Same key: longer prefix first, then by metric. */
	for (size_t i = 0; i < N_ELEMENTS(rows); i++)
		route_line(expected + strlen(expected), 129, rows[i]);
	assert_string_equal(text, expected);
	free(text);
	(void)state;
}

static void test_fib_trie_down_link_and_small_prefixes(void **state)
{
	static const char main_part[] = "Main:\n"
					"  +-- 0.0.0.0/0 3 0 5\n"
					"     +-- 0.0.0.0/4 2 0 2\n"
					"        |-- 0.0.0.0\n"
					"           /0 universe UNICAST\n"
					"        +-- 10.0.0.0/12 3 0 4\n"
					"           +-- 10.0.0.0/31 1 0 0\n"
					"              |-- 10.0.0.0\n"
					"                 /31 link UNICAST\n"
					"              |-- 10.0.0.1\n"
					"                 /32 host LOCAL\n"
					"           +-- 10.5.0.0/30 2 0 2\n"
					"              |-- 10.5.0.1\n"
					"                 /32 host LOCAL\n"
					"              |-- 10.5.0.2\n"
					"                 /32 host LOCAL\n"
					"           +-- 10.7.0.0/24 2 0 2\n"
					"              +-- 10.7.0.0/31 1 0 0\n"
					"                 |-- 10.7.0.0\n"
					"                    /24 link UNICAST\n"
					"                 |-- 10.7.0.1\n"
					"                    /32 host LOCAL\n"
					"              |-- 10.7.0.255\n"
					"                 /32 link BROADCAST\n"
					"           |-- 10.9.0.0\n"
					"              /24 link UNICAST\n"
					"              /16 universe UNICAST\n"
					"              /16 link UNICAST\n"
					"              /16 universe UNICAST\n"
					"     +-- 127.0.0.0/8 2 0 2\n"
					"        +-- 127.0.0.0/31 1 0 0\n"
					"           |-- 127.0.0.0\n"
					"              /8 host LOCAL\n"
					"           |-- 127.0.0.1\n"
					"              /32 host LOCAL\n"
					"        |-- 127.255.255.255\n"
					"           /32 link BROADCAST\n"
					"     |-- 192.0.2.5\n"
					"        /32 host LOCAL\n";
	char *text = render(edge_yaml, render_proc_net_fib_trie);
	size_t n = strlen(main_part) - strlen("Main:\n");

	/* The down link keeps its local /32s (secondary included) but no prefix or broadcast. */
	assert_int_equal(strlen(text), 2 * n + strlen("Main:\n") + strlen("Local:\n"));
	assert_memory_equal(text, main_part, strlen(main_part));
	assert_memory_equal(text + strlen(main_part), "Local:\n", 7);
	assert_memory_equal(text + strlen(main_part) + 7, main_part + 6, n);
	free(text);
	(void)state;
}

static void test_dev_long_name_pushes_columns(void **state)
{
	char *text = render(edge_yaml, render_proc_net_dev);

	assert_non_null(strstr(text, "\nabcdefghijklmno:       0       0    0    0    0     0"
				     "          0         0        0       0    0    0    0     0"
				     "       0          0\n"));
	assert_non_null(strstr(text, "\n  eth2:       0       0    0    0    0     0          0"
				     "         0        0       0    0    0    0     0       0     "
				     "     0\n"));
	free(text);
	(void)state;
}

static void test_arp_unresolved_and_noarp(void **state)
{
	static const char expected[] =
	    "IP address       HW type     Flags       HW address            Mask     Device\n"
	    "10.0.0.0         0x1         0x6         02:00:00:00:00:aa     *        eth0\n"
	    "10.7.0.9         0x1         0x2         02:00:00:00:00:09     *        eth2\n"
	    "10.7.0.12        0x1         0x0         00:00:00:00:00:00     *        eth2\n";
	char *text = render(edge_yaml, render_proc_net_arp);

	/* NOARP entries never appear; an incomplete one has flags 0 and no address. The kernel's
	 * row order is its hash's; this is the model's (gateway first). */
	assert_string_equal(text, expected);
	free(text);
	(void)state;
}

static void test_arp_empty_table_is_header_only(void **state)
{
	char *text = render(lonely_yaml, render_proc_net_arp);

	assert_string_equal(text, "IP address       HW type     Flags       HW address            "
				  "Mask     Device\n");
	free(text);
	(void)state;
}

static void test_dev_mcast_down_link_and_no_link_local(void **state)
{
	static const char expected[] = "2    eth0            1     0     333300000001\n"
				       "2    eth0            1     0     3333ff000001\n"
				       "2    eth0            1     0     01005e000001\n"
				       "3    abcdefghijklmno 1     0     333300000001\n"
				       "3    abcdefghijklmno 1     0     3333ff000001\n"
				       "4    eth2            1     0     333300000001\n"
				       "4    eth2            1     0     3333ff000001\n"
				       "4    eth2            1     0     3333ff000002\n"
				       "4    eth2            1     0     01005e000001\n";
	char *text = render(edge_yaml, render_proc_net_dev_mcast);

	/* eth0's link-local fe80::ff:fe00:1 shares its solicited-node group with 2001:db8::1. */
	assert_string_equal(text, expected);
	free(text);
	(void)state;
}

static void test_ipv6_route_down_link_keeps_local_route(void **state)
{
	char *text = render(edge_yaml, render_proc_net_ipv6_route);

	assert_non_null(strstr(text, "20010db8000500000000000000000001 80 "
				     "00000000000000000000000000000000 00 "
				     "00000000000000000000000000000000 00000000 "));
	assert_non_null(strstr(text, " 80200001 abcdefghijklmno\n"));
	/* ...but no prefix route and no ff00::/8 for it, and no fe80::/64 for eth2. */
	assert_null(strstr(text, "20010db8000500000000000000000000 40"));
	assert_null(strstr(text, "00000001 abcdefghijklmno\n"));
	assert_null(strstr(text,
			   "fe800000000000000000000000000000 40 00000000000000000000000000000000"
			   " 00 00000000000000000000000000000000 00000100 00000001 00000000 "
			   "00000001     eth2\n"));
	free(text);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_route_down_link_slash31_slash32_metrics),
	    cmocka_unit_test(test_fib_trie_down_link_and_small_prefixes),
	    cmocka_unit_test(test_dev_long_name_pushes_columns),
	    cmocka_unit_test(test_arp_unresolved_and_noarp),
	    cmocka_unit_test(test_arp_empty_table_is_header_only),
	    cmocka_unit_test(test_dev_mcast_down_link_and_no_link_local),
	    cmocka_unit_test(test_ipv6_route_down_link_keeps_local_route),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
