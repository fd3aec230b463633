/* The identity reader on the three shipped identities: every parsed value checked against what the
 * YAML says (the expected values below are read off the files in identities/), plus defaults and
 * lookup. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "derive.h"
#include "identity.h"
#include "identity_parse.h"
#include "identity_source.h"
#include "util.h"

/* Expected addresses are converted with libc, not with our own parser. */
static void assert_ip(const struct fn_ip *ip, const char *text)
{
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;
	uint8_t want[16] = {0};

	assert_int_equal(inet_pton(family, text, want), 1);
	assert_int_equal(ip->family, family);
	assert_memory_equal(ip->bytes, want, family == AF_INET ? 4 : 16);
}

static void assert_cidr(const struct fn_cidr *c, const char *addr, unsigned prefix)
{
	assert_ip(&c->ip, addr);
	assert_int_equal(c->prefix, prefix);
}

static void assert_mac(const struct fn_mac *mac, const char *text)
{
	unsigned b[6];

	assert_int_equal(
	    sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(mac->b[i], b[i]);
}

static struct fn_identity *load_embedded(const char *name)
{
	struct fn_diags diags;
	struct fn_identity *id;
	const char *text;
	size_t len;

	text = fn_embedded_identity(name, &len);
	assert_non_null(text);
	fn_diags_init(&diags, NULL);
	id = fn_identity_load_buffer(name, text, len, &diags);
	if (!id)
		fn_diags_print(&diags, stderr);
	assert_int_equal(diags.n, 0);
	assert_non_null(id);
	fn_diags_free(&diags);
	return id;
}

static struct fn_identity *load_text(const char *text, struct fn_diags *diags)
{
	fn_diags_init(diags, NULL);
	return fn_identity_load_buffer("test.yaml", text, strlen(text), diags);
}

static void check_loopback(const struct fn_iface *lo)
{
	static const struct fn_mac zero;

	assert_string_equal(lo->name, "lo");
	assert_int_equal(lo->kind, FN_KIND_LOOPBACK);
	assert_int_equal(lo->ifindex, 1);
	assert_int_equal(lo->iflink, 1);
	assert_int_equal(lo->mtu, 65536);
	assert_true(lo->up);
	assert_false(lo->ipv6_link_local);
	assert_memory_equal(&lo->mac, &zero, sizeof(zero));
	assert_int_equal(lo->n_addrs, 2);
	assert_cidr(&lo->addrs[0], "127.0.0.1", 8);
	assert_cidr(&lo->addrs[1], "::1", 128);
	assert_string_equal(lo->driver, "");
	assert_string_equal(lo->pci_slot, "");
	assert_int_equal(lo->speed, -1);
}

static void test_docker(void **state)
{
	struct fn_identity *id = load_embedded("docker.yaml");
	const struct fn_iface *eth0;

	assert_string_equal(id->hostname, "3f2a9c1b7d4e");
	assert_int_equal(id->n_ifaces, 2);
	check_loopback(&id->ifaces[0]);
	eth0 = &id->ifaces[1];
	assert_string_equal(eth0->name, "eth0");
	assert_int_equal(eth0->kind, FN_KIND_VETH);
	assert_int_equal(eth0->ifindex, 2);
	assert_int_equal(eth0->iflink, 2);
	assert_mac(&eth0->mac, "02:42:ac:12:00:02");
	assert_mac(&eth0->permanent_mac, "02:42:ac:12:00:02");
	assert_int_equal(eth0->n_addrs, 1);
	assert_cidr(&eth0->addrs[0], "172.18.0.2", 16);
	assert_int_equal(eth0->mtu, 1500);
	assert_true(eth0->up);
	assert_false(eth0->ipv6_link_local);
	assert_string_equal(eth0->driver, "veth");
	assert_string_equal(eth0->pci_slot, "");
	assert_int_equal(eth0->speed, 10000);
	assert_int_equal(eth0->stats.rx_bytes, 0);
	assert_int_equal(eth0->stats.tx_packets, 0);
	assert_int_equal(eth0->loc.line, 5); /* "  - name: eth0" */

	assert_true(id->has_gateway);
	assert_ip(&id->gateway_ip, "172.18.0.1");
	assert_mac(&id->gateway_mac, "02:42:ac:12:00:01");
	assert_int_equal(id->gateway_ifindex, 2);
	assert_int_equal(id->n_routes, 0);
	assert_int_equal(id->n_neighbors, 0);

	assert_int_equal(id->n_nameservers, 1);
	assert_ip(&id->nameservers[0], "127.0.0.11");
	assert_int_equal(id->n_dns_search, 0);
	assert_int_equal(id->n_dns_options, 1);
	assert_string_equal(id->dns_options[0], "ndots:0");
	assert_int_equal(id->n_hosts, 0);

	assert_int_equal(id->n_blocked, 4);
	assert_string_equal(id->blocked[0], "ipinfo.io");
	assert_string_equal(id->blocked[1], "ispt.ahnlab.com");
	assert_string_equal(id->blocked[2], "gactivation.ahnlab.com");
	assert_string_equal(id->blocked[3], "webclinic.ahnlab.com");
	assert_true(id->has_public_ip);
	assert_ip(&id->public_ip, "203.0.113.7");

	assert_int_equal(id->n_http, 1);
	assert_string_equal(id->http[0].url_pattern,
			    "^https?://(ispt|gactivation|webclinic)\\.ahnlab\\.com(/|$)");
	assert_int_equal(id->http[0].fail, FN_HTTP_UNRESOLVABLE);
	assert_int_equal(id->nettools, FN_NETTOOLS_2_10);
	fn_identity_free(id);
}

static void test_desktop(void **state)
{
	struct fn_identity *id = load_embedded("desktop.yaml");
	const struct fn_iface *eth0, *wlan0;

	assert_string_equal(id->hostname, "kim-laptop");
	assert_int_equal(id->n_ifaces, 3);
	check_loopback(&id->ifaces[0]);
	eth0 = &id->ifaces[1];
	wlan0 = &id->ifaces[2];

	assert_string_equal(eth0->name, "eth0");
	assert_int_equal(eth0->kind, FN_KIND_ETHERNET);
	assert_int_equal(eth0->ifindex, 2);
	assert_int_equal(eth0->iflink, 2);
	assert_mac(&eth0->mac, "3c:52:82:4e:91:0a");
	assert_mac(&eth0->permanent_mac, "3c:52:82:4e:91:0a");
	assert_int_equal(eth0->n_addrs, 1);
	assert_cidr(&eth0->addrs[0], "192.168.0.23", 24);
	assert_int_equal(eth0->mtu, 1500);
	assert_true(eth0->up);
	assert_true(eth0->ipv6_link_local);
	assert_string_equal(eth0->driver, "e1000e");
	assert_string_equal(eth0->pci_slot, "0000:00:19.0");
	assert_int_equal(eth0->speed, 1000);

	assert_string_equal(wlan0->name, "wlan0");
	assert_int_equal(wlan0->kind, FN_KIND_WIRELESS);
	assert_int_equal(wlan0->ifindex, 3);
	assert_int_equal(wlan0->iflink, 3);
	assert_mac(&wlan0->mac, "7c:b2:7d:15:c3:4f");
	assert_cidr(&wlan0->addrs[0], "192.168.0.57", 24);
	assert_string_equal(wlan0->driver, "iwlwifi");
	assert_string_equal(wlan0->pci_slot, "0000:00:1a.0");
	assert_int_equal(wlan0->speed, -1);
	/* The access point's defaults, as fakenet-identity(5) documents them. */
	assert_string_equal(wlan0->wireless.ssid, "HomeNet");
	assert_mac(&wlan0->wireless.bssid, "a0:63:91:2c:5e:10");
	assert_int_equal(wlan0->wireless.freq_mhz, 5180);
	assert_int_equal(wlan0->wireless.tx_power_dbm, 22);
	assert_int_equal(wlan0->wireless.bitrate, 8667);
	assert_int_equal(wlan0->wireless.signal_dbm, -55);

	/* Both NICs hold 192.168.0.0/24 and are up: the first one in file order wins. */
	assert_ip(&id->gateway_ip, "192.168.0.1");
	assert_mac(&id->gateway_mac, "88:36:6c:a2:10:4e");
	assert_int_equal(id->gateway_ifindex, 2);

	assert_int_equal(id->n_routes, 1);
	assert_cidr(&id->routes[0].to, "192.168.0.0", 24);
	assert_false(id->routes[0].has_via);
	assert_int_equal(id->routes[0].ifindex, 3);
	assert_int_equal(id->routes[0].metric, 600);

	assert_int_equal(id->n_neighbors, 1);
	assert_ip(&id->neighbors[0].ip, "192.168.0.10");
	assert_mac(&id->neighbors[0].mac, "b8:27:eb:41:77:20");
	assert_int_equal(id->neighbors[0].state, FN_NUD_STALE);
	assert_int_equal(id->neighbors[0].ifindex, 2);

	assert_int_equal(id->n_nameservers, 1);
	assert_ip(&id->nameservers[0], "192.168.0.1");
	assert_int_equal(id->n_dns_search, 1);
	assert_string_equal(id->dns_search[0], "lan");
	assert_int_equal(id->n_dns_options, 0);

	assert_int_equal(id->n_hosts, 1);
	assert_ip(&id->hosts[0].ip, "192.168.0.10");
	assert_int_equal(id->hosts[0].n_names, 2);
	assert_string_equal(id->hosts[0].names[0], "printer.lan");
	assert_string_equal(id->hosts[0].names[1], "printer");

	assert_int_equal(id->n_blocked, 3);
	assert_string_equal(id->blocked[2], "webclinic.ahnlab.com");
	assert_ip(&id->public_ip, "121.134.85.20");
	assert_int_equal(id->n_http, 0);
	assert_int_equal(id->nettools, FN_NETTOOLS_2_10);
	fn_identity_free(id);
}

static void test_multi_nic(void **state)
{
	struct fn_identity *id = load_embedded("multi-nic.yaml");
	static const char *const names[] = {"lo", "eth0", "eth1", "eth2", "eth3"};

	assert_string_equal(id->hostname, "db-gw-01");
	assert_int_equal(id->n_ifaces, 5);
	check_loopback(&id->ifaces[0]);
	for (int i = 1; i < 5; i++) {
		assert_string_equal(id->ifaces[i].name, names[i]);
		assert_int_equal(id->ifaces[i].ifindex, i + 1);
		assert_int_equal(id->ifaces[i].kind, FN_KIND_VETH);
		assert_string_equal(id->ifaces[i].pci_slot, "");
	}
	assert_mac(&id->ifaces[1].mac, "02:42:0a:00:00:05");
	assert_int_equal(id->ifaces[1].n_addrs, 2);
	assert_cidr(&id->ifaces[1].addrs[0], "10.0.0.5", 24);
	assert_cidr(&id->ifaces[1].addrs[1], "2001:db8:0:1::5", 64);
	assert_int_equal(id->ifaces[2].mtu, 9000);
	assert_cidr(&id->ifaces[2].addrs[0], "10.1.0.5", 16);
	assert_cidr(&id->ifaces[3].addrs[0], "192.168.100.10", 24);
	assert_cidr(&id->ifaces[3].addrs[1], "2001:db8:0:2::a", 64);
	assert_mac(&id->ifaces[4].mac, "02:42:ac:10:00:09");
	assert_cidr(&id->ifaces[4].addrs[0], "172.16.0.9", 12);
	assert_false(id->ifaces[4].up);
	assert_true(id->ifaces[3].up);

	assert_ip(&id->gateway_ip, "10.0.0.1");
	assert_mac(&id->gateway_mac, "02:42:0a:00:00:01");
	assert_int_equal(id->gateway_ifindex, 2);

	assert_int_equal(id->n_routes, 3);
	assert_cidr(&id->routes[0].to, "10.128.0.0", 9);
	assert_true(id->routes[0].has_via);
	assert_ip(&id->routes[0].via, "10.1.0.1");
	assert_int_equal(id->routes[0].ifindex, 3);
	assert_int_equal(id->routes[0].metric, 10);
	assert_cidr(&id->routes[1].to, "192.168.200.0", 24);
	assert_ip(&id->routes[1].via, "192.168.100.1");
	assert_int_equal(id->routes[1].ifindex, 4);
	assert_int_equal(id->routes[1].metric, 0);
	assert_cidr(&id->routes[2].to, "203.0.113.0", 24);
	assert_ip(&id->routes[2].via, "10.0.0.254");
	assert_int_equal(id->routes[2].ifindex, 2);
	assert_int_equal(id->routes[2].metric, 100);

	assert_int_equal(id->n_neighbors, 3);
	assert_ip(&id->neighbors[0].ip, "10.1.0.1");
	assert_mac(&id->neighbors[0].mac, "02:42:0a:01:00:01");
	assert_int_equal(id->neighbors[0].state, FN_NUD_REACHABLE);
	assert_int_equal(id->neighbors[0].ifindex, 3);
	assert_ip(&id->neighbors[1].ip, "192.168.100.1");
	assert_int_equal(id->neighbors[1].state, FN_NUD_PERMANENT);
	assert_int_equal(id->neighbors[1].ifindex, 4);
	assert_ip(&id->neighbors[2].ip, "10.0.0.254");
	assert_mac(&id->neighbors[2].mac, "02:42:0a:00:00:fe");
	assert_int_equal(id->neighbors[2].state, FN_NUD_STALE);
	assert_int_equal(id->neighbors[2].ifindex, 2);

	assert_int_equal(id->n_nameservers, 2);
	assert_ip(&id->nameservers[0], "10.0.0.2");
	assert_ip(&id->nameservers[1], "10.0.0.3");
	assert_int_equal(id->n_dns_search, 2);
	assert_string_equal(id->dns_search[0], "corp.example");
	assert_string_equal(id->dns_search[1], "example");
	assert_int_equal(id->n_dns_options, 2);
	assert_string_equal(id->dns_options[0], "ndots:2");
	assert_string_equal(id->dns_options[1], "timeout:1");

	assert_int_equal(id->n_hosts, 2);
	assert_ip(&id->hosts[0].ip, "10.0.0.20");
	assert_string_equal(id->hosts[0].names[0], "db.internal");
	assert_string_equal(id->hosts[0].names[1], "db");
	assert_ip(&id->hosts[1].ip, "2001:db8:0:1::20");
	assert_int_equal(id->hosts[1].n_names, 1);
	assert_string_equal(id->hosts[1].names[0], "db6.internal");

	assert_int_equal(id->n_blocked, 3);
	assert_string_equal(id->blocked[2], "webclinic.ahnlab.com");
	assert_ip(&id->public_ip, "198.51.100.24");

	assert_int_equal(id->n_http, 2);
	assert_string_equal(id->http[0].url_pattern, "^https?://status\\.example\\.com/");
	assert_int_equal(id->http[0].fail, FN_HTTP_ANSWER);
	assert_int_equal(id->http[0].status, 200);
	assert_string_equal(id->http[0].body, "ok\n");
	assert_string_equal(id->http[1].url_pattern, "^https?://telemetry\\.");
	assert_int_equal(id->http[1].fail, FN_HTTP_REFUSED);
	assert_int_equal(id->nettools, FN_NETTOOLS_1_60);
	fn_identity_free(id);
}

static void test_explicit_values_and_defaults(void **state)
{
	static const char text[] =
	    "version: 1\n"
	    "hostname: box\n"
	    "interfaces:\n"
	    "  - name: veth1\n"
	    "    mac: 02:00:00:00:00:01\n"
	    "    permanent_mac: 02:00:00:00:00:99\n"
	    "    peer_ifindex: 17\n"
	    "    driver: virtio_net\n"
	    "    speed: 2500\n"
	    "    state: down\n"
	    "    mtu: 68\n"
	    "    counters: {rx_bytes: 1234, rx_packets: 5, tx_bytes: 678, tx_packets: 9}\n"
	    "  - name: wl0\n"
	    "    kind: wireless\n"
	    "    mac: 02:00:00:00:00:02\n"
	    "http:\n"
	    "  - {url: '^http://a/', headers: ['X-A: 1']}\n"
	    "tools: {net_tools: 1.60}\n";
	struct fn_diags diags;
	struct fn_identity *id = load_text(text, &diags);
	const struct fn_iface *v, *w;

	assert_int_equal(diags.n, 0);
	assert_non_null(id);
	v = &id->ifaces[1];
	w = &id->ifaces[2];
	assert_mac(&v->permanent_mac, "02:00:00:00:00:99");
	assert_int_equal(v->ifindex, 2);
	assert_int_equal(v->iflink, 17);
	assert_string_equal(v->driver, "virtio_net");
	assert_int_equal(v->speed, 2500);
	assert_false(v->up);
	assert_int_equal(v->mtu, 68);
	assert_int_equal(v->n_addrs, 0);
	assert_int_equal(v->stats.rx_bytes, 1234);
	assert_int_equal(v->stats.rx_packets, 5);
	assert_int_equal(v->stats.tx_bytes, 678);
	assert_int_equal(v->stats.tx_packets, 9);
	/* The first PCI NIC gets slot 19 even when a veth comes before it. */
	assert_string_equal(w->pci_slot, "0000:00:19.0");
	assert_int_equal(w->iflink, 3);
	assert_false(id->has_gateway);
	assert_false(id->has_public_ip);
	assert_int_equal(id->http[0].status, 200);
	assert_string_equal(id->http[0].body, "");
	assert_int_equal(id->http[0].n_headers, 1);
	assert_string_equal(id->http[0].headers[0], "X-A: 1");
	assert_int_equal(id->nettools, FN_NETTOOLS_1_60);
	fn_identity_free(id);
	fn_diags_free(&diags);
}

/* desktop.yaml's `system:`, value by value as the file writes it. */
static void test_desktop_system(void **state)
{
	static const uint8_t uuid[16] = {0x4c, 0x4c, 0x45, 0x44, 0x00, 0x42, 0x35, 0x10,
					 0x80, 0x52, 0xb4, 0xc0, 0x4f, 0x4e, 0x4d, 0x32};
	struct fn_identity *id = load_embedded("desktop.yaml");
	const struct fn_system *sys = &id->system;

	(void)state;
	assert_true(sys->machine_id_given);
	assert_string_equal(sys->machine_id, "8d3c0f6a2b9e4c71a5f0d2e3b4c5a6f7");
	assert_string_equal(sys->dmi.str[FN_DMI_BIOS_VERSION], "N22ET73W (1.50 )");
	assert_string_equal(sys->dmi.str[FN_DMI_BIOS_DATE], "03/17/2022");
	assert_string_equal(sys->dmi.str[FN_DMI_PRODUCT_VERSION], "ThinkPad T480s");
	assert_string_equal(sys->dmi.str[FN_DMI_BOARD_SERIAL], "L1HF8AB012C");
	assert_string_equal(sys->dmi.str[FN_DMI_CHASSIS_ASSET_TAG], "No Asset Information");
	assert_memory_equal(sys->dmi.uuid, uuid, 16);
	assert_int_equal(sys->dmi.chassis_type, 10);
	assert_true(sys->cpu.given);
	assert_string_equal(sys->cpu.vendor, "GenuineIntel");
	assert_string_equal(sys->cpu.model_name, "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz");
	assert_int_equal(sys->cpu.family, 6);
	assert_int_equal(sys->cpu.model, 142);
	assert_int_equal(sys->cpu.stepping, 10);
	assert_int_equal(sys->n_disks, 1);
	assert_string_equal(sys->disks[0].name, "sda");
	assert_int_equal(sys->disks[0].kind, FN_DISK_SCSI);
	assert_string_equal(sys->disks[0].model, "Samsung SSD 860 EVO 500GB");
	assert_string_equal(sys->disks[0].serial, "S3Z2NB0K123456A");
	assert_string_equal(sys->disks[0].firmware, "RVT04B6Q");
	assert_int_equal(sys->disks[0].size, 500107862016ULL);
	fn_identity_free(id);
}

static bool is_lower_hex(const char *s)
{
	return strspn(s, "0123456789abcdef") == strlen(s);
}

/* Without `system:` the machine id and DMI still come from the identity: a v4-shaped id, stable
 * for one identity, another for another; a `dmi:` subset pulls the related strings with it. */
static void test_system_defaults(void **state)
{
	static const char text[] =
	    "version: 1\n"
	    "hostname: box\n"
	    "interfaces:\n"
	    "  - {name: eth0, mac: 02:00:00:00:00:01}\n"
	    "system:\n"
	    "  dmi: {sys_vendor: ACME, product_name: Rocket, product_serial: "
	    "'0042', bios_version: 1.50, board_asset_tag: ''}\n"
	    "  disks: [{name: nvme1n12, model: M, serial: S, size: 1048576, "
	    "firmware: F}]\n";
	struct fn_identity *docker = load_embedded("docker.yaml"), *again, *desk, *id;
	struct fn_diags diags;
	const struct fn_dmi *dmi;

	(void)state;
	again = load_embedded("docker.yaml");
	desk = load_embedded("multi-nic.yaml");
	assert_false(docker->system.machine_id_given);
	assert_int_equal(strlen(docker->system.machine_id), 32);
	assert_true(is_lower_hex(docker->system.machine_id));
	assert_int_equal(docker->system.machine_id[12], '4');
	assert_string_equal(docker->system.machine_id, again->system.machine_id);
	assert_string_not_equal(docker->system.machine_id, desk->system.machine_id);
	assert_memory_not_equal(docker->system.dmi.uuid, desk->system.dmi.uuid, 16);
	assert_false(docker->system.cpu.given);
	assert_int_equal(docker->system.n_disks, 0);
	assert_int_equal(docker->system.dmi.chassis_type, 3);
	assert_string_equal(docker->system.dmi.str[FN_DMI_SYS_VENDOR], "System manufacturer");
	assert_int_equal(strlen(docker->system.dmi.str[FN_DMI_BOARD_SERIAL]), 15);

	id = load_text(text, &diags);
	assert_int_equal(diags.n, 0);
	assert_non_null(id);
	dmi = &id->system.dmi;
	assert_string_equal(dmi->str[FN_DMI_BOARD_VENDOR], "ACME");
	assert_string_equal(dmi->str[FN_DMI_CHASSIS_VENDOR], "ACME");
	assert_string_equal(dmi->str[FN_DMI_BOARD_NAME], "Rocket");
	assert_string_equal(dmi->str[FN_DMI_CHASSIS_SERIAL], "0042");
	assert_string_equal(dmi->str[FN_DMI_BIOS_VERSION], "1.50");
	assert_string_equal(dmi->str[FN_DMI_BOARD_ASSET_TAG], "");
	assert_string_equal(dmi->str[FN_DMI_BIOS_VENDOR], "American Megatrends Inc.");
	assert_int_equal(id->system.disks[0].kind, FN_DISK_NVME);
	fn_identity_free(id);
	fn_diags_free(&diags);
	fn_identity_free(docker);
	fn_identity_free(again);
	fn_identity_free(desk);
}

static void test_errors_are_collected_in_file_order(void **state)
{
	static const char text[] = "version: 1\n"
				   "hostname: box\n"
				   "interfaces:\n"
				   "  - name: eth0\n"
				   "    mac: 02:00:00:00:00:01\n"
				   "    mtu: 0\n"
				   "gateway: {ip: 10.0.0.1, mac: 02:00:00:00:00:02, via: x}\n";
	struct fn_diags diags;
	struct fn_identity *id = load_text(text, &diags);

	assert_null(id);
	assert_string_equal(diags.file, "test.yaml");
	/* Found in another order (the gateway's keys are checked before its address), reported in
	 * the file's: mtu at 6:10, gateway.ip at 7:15, the unknown key at 7:49. */
	assert_int_equal(diags.n, 3);
	assert_int_equal(diags.items[0].line, 6);
	assert_int_equal(diags.items[0].column, 10);
	assert_non_null(strstr(diags.items[0].message, "mtu"));
	assert_int_equal(diags.items[1].line, 7);
	assert_int_equal(diags.items[1].column, 15);
	assert_non_null(strstr(diags.items[1].message, "gateway.ip"));
	assert_int_equal(diags.items[2].line, 7);
	assert_int_equal(diags.items[2].column, 49);
	assert_non_null(strstr(diags.items[2].message, "unknown key 'via'"));
	fn_diags_free(&diags);
}

static void test_lookups(void **state)
{
	struct fn_identity *id = load_embedded("desktop.yaml");

	assert_ptr_equal(fn_identity_iface_by_name(id, "wlan0"), &id->ifaces[2]);
	assert_ptr_equal(fn_identity_iface_by_name(id, "lo"), &id->ifaces[0]);
	assert_null(fn_identity_iface_by_name(id, "eth1"));
	assert_ptr_equal(fn_identity_iface_by_index(id, 1), &id->ifaces[0]);
	assert_ptr_equal(fn_identity_iface_by_index(id, 3), &id->ifaces[2]);
	assert_null(fn_identity_iface_by_index(id, 4));
	fn_identity_free(id);
}

static void test_embedded_files(void **state)
{
	size_t len = 0;
	const char *text = fn_embedded_identity("docker.yaml", &len);
	static const char first[] =
	    "# A process in a Docker container on a user-defined bridge network";

	assert_non_null(text);
	assert_true(len > sizeof(first));
	assert_memory_equal(text, first, sizeof(first) - 1);
	assert_int_equal(text[len - 1], '\n');
	assert_ptr_equal(fn_embedded_identity("docker", NULL), text);
	assert_non_null(fn_embedded_identity("multi-nic.yaml", NULL));
	assert_null(fn_embedded_identity("laptop.yaml", NULL));
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/fakenet-test-identity-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_resolve_order(void **state)
{
	static const char a[] = "version: 1\nhostname: from-env\ninterfaces:\n"
				"  - {name: eth0, mac: '02:00:00:00:00:01'}\n";
	static const char b[] = "version: 1\nhostname: from-flag\ninterfaces:\n"
				"  - {name: eth0, mac: '02:00:00:00:00:01'}\n";
	char *env_file = write_temp(a), *flag_file = write_temp(b);
	struct fn_identity *id;
	struct fn_diags diags;

	fn_diags_init(&diags, NULL);
	setenv("FAKENET_IDENTITY", env_file, 1);
	id = fn_identity_resolve(flag_file, &diags);
	assert_non_null(id);
	assert_string_equal(id->hostname, "from-flag");
	assert_string_equal(id->source, flag_file);
	fn_identity_free(id);

	id = fn_identity_resolve(NULL, &diags);
	assert_non_null(id);
	assert_string_equal(id->hostname, "from-env");
	fn_identity_free(id);

	setenv("FAKENET_IDENTITY", "", 1);
	id = fn_identity_resolve(NULL, &diags);
	assert_non_null(id);
	assert_string_equal(id->hostname, "3f2a9c1b7d4e");
	assert_string_equal(id->source, "docker.yaml (built in)");
	assert_string_equal(diags.file, "docker.yaml (built in)");
	fn_identity_free(id);

	assert_int_equal(diags.n, 0);
	unsetenv("FAKENET_IDENTITY");
	unlink(env_file);
	unlink(flag_file);
	free(env_file);
	free(flag_file);
	fn_diags_free(&diags);
}

/* ieee80211_freq_khz_to_channel's numbers, and the 80 MHz channel a 5 or 6 GHz one opens. */
static void test_wireless_channels(void **state)
{
	static const struct {
		unsigned mhz;
		int channel;
		unsigned width, center1;
	} cases[] = {{2412, 1, 20, 2412},   {2437, 6, 20, 2437},  {2484, 14, 20, 2484},
		     {5180, 36, 80, 5210},  {5240, 48, 80, 5210}, {5745, 149, 80, 5775},
		     {5825, 165, 20, 5825}, {5955, 1, 80, 5985},  {6115, 33, 80, 6145},
		     {2400, -1, 20, 2400},  {5181, -1, 20, 5181}, {5965, -1, 20, 5965}};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		unsigned center1;

		assert_int_equal(fn_wireless_channel(cases[i].mhz), cases[i].channel);
		if (cases[i].channel < 0)
			continue;
		assert_int_equal(fn_wireless_width(cases[i].mhz, &center1), cases[i].width);
		assert_int_equal(center1, cases[i].center1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docker),
	    cmocka_unit_test(test_desktop),
	    cmocka_unit_test(test_multi_nic),
	    cmocka_unit_test(test_explicit_values_and_defaults),
	    cmocka_unit_test(test_desktop_system),
	    cmocka_unit_test(test_wireless_channels),
	    cmocka_unit_test(test_system_defaults),
	    cmocka_unit_test(test_errors_are_collected_in_file_order),
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_embedded_files),
	    cmocka_unit_test(test_resolve_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
