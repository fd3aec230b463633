/* `ethtool -k`: the kernel's offload features grouped as ethtool groups them. The names and their
 * order are the running kernel's (asked through ETHTOOL_GSTRINGS on lo, which every namespace
 * has), so the list is that of the kernel the target runs on; the states are the driver's
 * (lib/ethtool_features.c). */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethtool_features.h"
#include "ethtool_k.h"
#include "util.h"

#define MAX_FEATURES 128

struct features {
	char names[MAX_FEATURES][ETH_GSTRING_LEN];
	size_t n;
};

static int ethtool_ioctl(int fd, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static bool kernel_names(struct features *f)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} info = {.hdr = {.cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES}};
	struct ethtool_gstrings *gs;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	if (ethtool_ioctl(fd, &info) == 0 && info.hdr.sset_mask && info.len &&
	    info.len <= MAX_FEATURES) {
		gs = xcalloc(1, sizeof(*gs) + (size_t)info.len * ETH_GSTRING_LEN);
		gs->cmd = ETHTOOL_GSTRINGS;
		gs->string_set = ETH_SS_FEATURES;
		gs->len = info.len;
		if (ethtool_ioctl(fd, gs) == 0) {
			f->n = gs->len;
			for (size_t i = 0; i < f->n; i++)
				snprintf(f->names[i], ETH_GSTRING_LEN, "%.*s", ETH_GSTRING_LEN - 1,
					 (const char *)gs->data + i * ETH_GSTRING_LEN);
			ok = true;
		}
		free(gs);
	}
	close(fd);
	return ok;
}

static void load_names(struct features *f)
{
	if (kernel_names(f))
		return;
	f->n = fn_n_features_6_1;
	for (size_t i = 0; i < f->n; i++)
		snprintf(f->names[i], ETH_GSTRING_LEN, "%s", fn_features_6_1[i]);
}

/* ethtool's legacy groups (off_flag_def): a name, and the kernel features it stands for, given as
 * a prefix and a suffix. */
static const struct {
	const char *name, *prefix, *suffix;
} groups[] = {
    {"rx-checksumming", "rx-checksum", NULL},
    {"tx-checksumming", "tx-checksum-", ""},
    {"scatter-gather", "tx-scatter-gather", ""},
    {"tcp-segmentation-offload", "tx-tcp", "-segmentation"},
    {"udp-fragmentation-offload", "tx-udp-fragmentation", NULL},
    {"generic-segmentation-offload", "tx-generic-segmentation", NULL},
    {"generic-receive-offload", "rx-gro", NULL},
    {"large-receive-offload", "rx-lro", NULL},
    {"rx-vlan-offload", "rx-vlan-hw-parse", NULL},
    {"tx-vlan-offload", "tx-vlan-hw-insert", NULL},
    {"ntuple-filters", "rx-ntuple-filter", NULL},
    {"receive-hashing", "rx-hashing", NULL},
};
#define N_GROUPS (N_ELEMENTS(groups))

/* A NULL suffix asks for the exact name. */
static bool in_group(size_t g, const char *name)
{
	size_t np = strlen(groups[g].prefix), nn = strlen(name), ns;

	if (!groups[g].suffix)
		return strcmp(name, groups[g].prefix) == 0;
	ns = strlen(groups[g].suffix);
	return nn >= np + ns && strncmp(name, groups[g].prefix, np) == 0 &&
	       strcmp(name + nn - ns, groups[g].suffix) == 0;
}

static bool grouped(const char *name)
{
	for (size_t g = 0; g < N_GROUPS; g++)
		if (in_group(g, name))
			return true;
	return false;
}

/* Features the kernel never lets change and ethtool does not list. */
static bool hidden(const char *name)
{
	return !*name || strcmp(name, "tx-lockless") == 0 || strcmp(name, "netns-local") == 0 ||
	       strcmp(name, "fcoe-mtu") == 0;
}

static void print_group(const struct fn_iface *iface, const struct features *f, size_t g)
{
	size_t n = 0, first = 0;
	bool any_on = false;

	for (size_t i = 0; i < f->n; i++) {
		if (!in_group(g, f->names[i]))
			continue;
		if (n++ == 0)
			first = i;
		any_on |= strncmp(fn_iface_feature_state(iface, f->names[i]), "on", 2) == 0;
	}
	if (n == 0)
		return;
	if (n == 1) {
		printf("%s: %s\n", groups[g].name, fn_iface_feature_state(iface, f->names[first]));
		return;
	}
	printf("%s: %s\n", groups[g].name, any_on ? "on" : "off");
	for (size_t i = 0; i < f->n; i++)
		if (in_group(g, f->names[i]))
			printf("\t%s: %s\n", f->names[i],
			       fn_iface_feature_state(iface, f->names[i]));
}

int fn_ethtool_show_features(const struct fn_iface *iface)
{
	struct features *f = xcalloc(1, sizeof(*f));

	load_names(f);
	printf("Features for %s:\n", iface->name);
	for (size_t g = 0; g < N_GROUPS; g++)
		print_group(iface, f, g);
	for (size_t i = 0; i < f->n; i++)
		if (!grouped(f->names[i]) && !hidden(f->names[i]))
			printf("%s: %s\n", f->names[i], fn_iface_feature_state(iface, f->names[i]));
	free(f);
	return 0;
}
