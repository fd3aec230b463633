/* `ethtool` (6.1): link settings, driver information and the permanent MAC of the identity's
 * interfaces. veth output matches the real tool on a veth; e1000e/iwlwifi output follows what
 * those drivers report (bus-info is the identity's PCI slot, version the running kernel's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "derive.h"
#include "ethtool_k.h"
#include "netaddr.h"
#include "shim.h"
#include "util.h"

/* ethtool's exit codes for failed requests (EX_OSERR, EX_PROTOCOL... from sysexits.h). */
#define EXIT_DRVINFO_FAILED 71
#define EXIT_NO_DATA	    75
#define EXIT_NO_STATS	    94
#define EXIT_NO_STRINGS	    96

static int bad_command_line(const struct fn_shim_ctx *ctx, char **argv)
{
	/* Where the kernel holds the identity, the real ethtool answers what the shim does not. */
	if (ctx->kernel_mode)
		fn_shim_exec_real("ethtool", argv);
	fprintf(stderr, "ethtool: bad command line argument(s)\n"
			"For more information run ethtool -h\n");
	return 1;
}

static int show_permaddr(const struct fn_iface *iface)
{
	char mac[FN_MAC_STRLEN];

	/* The kernel omits IFLA_PERM_ADDRESS when it is all zeros (lo). */
	if (fn_mac_is_zero(&iface->permanent_mac)) {
		printf("Permanent address: not set\n");
		return 0;
	}
	printf("Permanent address: %s\n", fn_mac_format(&iface->permanent_mac, false, mac));
	return 0;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static int show_driver(const struct fn_iface *iface)
{
	struct fn_drvinfo d;

	if (!fn_iface_drvinfo(iface, &d)) {
		fprintf(stderr, "Cannot get driver information: Operation not supported\n");
		return EXIT_DRVINFO_FAILED;
	}
	printf("driver: %s\n", d.driver);
	printf("version: %s\n", d.version);
	printf("firmware-version: %s\n", d.fw_version);
	printf("expansion-rom-version: \n");
	printf("bus-info: %s\n", d.bus_info);
	/* e1000e and iwlwifi keep statistics too; the derived n_stats only counts veth's. */
	printf("supports-statistics: yes\n");
	printf("supports-test: %s\n", yes_no(d.supports_test));
	printf("supports-eeprom-access: %s\n", yes_no(d.supports_eeprom));
	printf("supports-register-dump: %s\n", yes_no(d.supports_regdump));
	printf("supports-priv-flags: %s\n", yes_no(d.supports_priv_flags));
	return 0;
}

static void print_speed(const struct fn_iface *iface)
{
	int speed;
	bool full;

	fn_iface_link_speed(iface, &speed, &full);
	if (speed > 0)
		printf("\tSpeed: %dMb/s\n", speed);
	else
		printf("\tSpeed: Unknown!\n");
	printf(full ? "\tDuplex: Full\n" : "\tDuplex: Unknown! (255)\n");
}

/* A veth reports a fixed speed and nothing about modes (veth_get_link_ksettings). */
static void settings_veth(const struct fn_iface *iface)
{
	printf("\tSupported ports: [  ]\n"
	       "\tSupported link modes:   Not reported\n"
	       "\tSupported pause frame use: No\n"
	       "\tSupports auto-negotiation: No\n"
	       "\tSupported FEC modes: Not reported\n"
	       "\tAdvertised link modes:  Not reported\n"
	       "\tAdvertised pause frame use: No\n"
	       "\tAdvertised auto-negotiation: No\n"
	       "\tAdvertised FEC modes: Not reported\n");
	print_speed(iface);
	printf("\tAuto-negotiation: off\n"
	       "\tPort: Twisted Pair\n"
	       "\tPHYAD: 0\n"
	       "\tTransceiver: internal\n"
	       "\tMDI-X: Unknown\n");
}

/* An Intel gigabit PHY (e1000e_get_link_ksettings) negotiating with a gigabit switch. */
static void settings_e1000e(const struct fn_iface *iface)
{
	static const char modes[] = "10baseT/Half 10baseT/Full\n"
				    "\t                        100baseT/Half 100baseT/Full\n"
				    "\t                        1000baseT/Full\n";

	printf("\tSupported ports: [ TP ]\n\tSupported link modes:   %s", modes);
	printf("\tSupported pause frame use: No\n"
	       "\tSupports auto-negotiation: Yes\n"
	       "\tSupported FEC modes: Not reported\n");
	printf("\tAdvertised link modes:  %s", modes);
	printf("\tAdvertised pause frame use: No\n"
	       "\tAdvertised auto-negotiation: Yes\n"
	       "\tAdvertised FEC modes: Not reported\n");
	print_speed(iface);
	printf("\tAuto-negotiation: on\n"
	       "\tPort: Twisted Pair\n"
	       "\tPHYAD: 1\n"
	       "\tTransceiver: internal\n");
	printf("\tMDI-X: %s\n", iface->up ? "on (auto)" : "Unknown (auto)");
	/* Wake-on-LAN and the message level are only shown to CAP_NET_ADMIN. */
	if (geteuid() == 0)
		printf("\tSupports Wake-on: pumbg\n"
		       "\tWake-on: g\n"
		       "        Current message level: 0x00000007 (7)\n"
		       "                               drv probe link\n");
}

static int show_settings(const struct fn_iface *iface)
{
	printf("Settings for %s:\n", iface->name);
	/* lo and mac80211 devices have no link settings: only the carrier is reported. */
	if (iface->kind == FN_KIND_VETH)
		settings_veth(iface);
	else if (iface->kind == FN_KIND_ETHERNET)
		settings_e1000e(iface);
	printf("\tLink detected: %s\n", fn_iface_has_carrier(iface) ? "yes" : "no");
	return 0;
}

/* ETHTOOL_GSTATS: the driver's counters; lo keeps none. */
static int show_stats(const struct fn_iface *iface)
{
	size_t n = fn_iface_ethtool_stats(iface, NULL, NULL, 0);
	const char **names;
	unsigned long long *values;

	if (n == 0) {
		fprintf(stderr, "no stats available\n");
		return EXIT_NO_STATS;
	}
	names = xcalloc(n, sizeof(*names));
	values = xcalloc(n, sizeof(*values));
	fn_iface_ethtool_stats(iface, names, values, n);
	printf("NIC statistics:\n");
	for (size_t i = 0; i < n; i++)
		printf("     %s: %llu\n", names[i], values[i]);
	free(names);
	free(values);
	return 0;
}

/* What ethtool prints when the kernel knows no such device, per request. */
static int no_such_device(char mode)
{
	switch (mode) {
	case 'P':
		fprintf(stderr, "netlink error: No such device\n");
		return 1;
	case 'i':
		fprintf(stderr, "Cannot get driver information: No such device\n");
		return EXIT_DRVINFO_FAILED;
	case 'S':
		fprintf(stderr, "Cannot get stats strings information: No such device\n");
		return EXIT_NO_STRINGS;
	case 'k':
		fprintf(stderr, "netlink error: no device matches name (offset 24)\n"
				"netlink error: No such device\n");
		return 1;
	default:
		/* One failed netlink request per settings group (link modes, info, WoL, debug,
		 * link state), then the summary. */
		for (int i = 0; i < 5; i++)
			fprintf(stderr, "netlink error: no device matches name (offset 24)\n"
					"netlink error: No such device\n");
		/* The summary goes to stdout, unlike the netlink errors. */
		printf("No data available\n");
		return EXIT_NO_DATA;
	}
}

static char parse_mode(const char *arg)
{
	if (strcmp(arg, "-P") == 0 || strcmp(arg, "--show-permaddr") == 0)
		return 'P';
	if (strcmp(arg, "-i") == 0 || strcmp(arg, "--driver") == 0)
		return 'i';
	if (strcmp(arg, "-S") == 0 || strcmp(arg, "--statistics") == 0)
		return 'S';
	if (strcmp(arg, "-k") == 0 || strcmp(arg, "--show-features") == 0 ||
	    strcmp(arg, "--show-offload") == 0)
		return 'k';
	return 0;
}

static int ethtool_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	const struct fn_iface *iface;
	const char *name;
	char mode = 0;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("ethtool version 6.1\n");
		return 0;
	}
	if (argc == 3) {
		mode = parse_mode(argv[1]);
		if (!mode)
			return bad_command_line(ctx, argv);
		name = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		name = argv[1];
	} else {
		return bad_command_line(ctx, argv);
	}
	iface = fn_identity_iface_by_name(ctx->id, name);
	if (!iface)
		return no_such_device(mode);
	switch (mode) {
	case 'P':
		return show_permaddr(iface);
	case 'i':
		return show_driver(iface);
	case 'S':
		return show_stats(iface);
	case 'k':
		return fn_ethtool_show_features(iface);
	default:
		return show_settings(iface);
	}
}

FN_SHIM_TOOL(ethtool_tool, {.name = "ethtool",
			    .main = ethtool_main,
			    .needs_identity = true,
			    .shows_links = true});
