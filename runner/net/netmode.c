/* The network mode of a run and its fallback chain: nat (the identity in the kernel, connected
 * through pasta) where namespaces, a tun device and pasta are there; else the host's network with
 * the views; the preload backend (backend_preload.c) covers a machine without FUSE namespaces. */
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netmode.h"
#include "util.h"

bool fn_net_mode_parse(const char *s, enum fn_net_mode *out)
{
	for (int i = 0; i < FN_NET_N_MODES; i++)
		if (strcmp(s, fn_net_mode_names[i]) == 0) {
			*out = (enum fn_net_mode)i;
			return true;
		}
	return false;
}

static bool has_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {0};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
}

/* A non-zero number in a /proc/sys file (a missing file allows). */
static bool sysctl_allows(const char *path)
{
	char *text;
	size_t len;
	bool ok;

	if (fn_read_file(path, &text, &len, 64) < 0)
		return true;
	ok = atol(text) != 0;
	free(text);
	return ok;
}

static bool namespaces_available(void)
{
	if (!sysctl_allows("/proc/sys/user/max_net_namespaces"))
		return false;
	/* Without privilege the runner makes its namespaces in a user namespace of its own. */
	if (geteuid() == 0 && has_cap_sys_admin())
		return true;
	return sysctl_allows("/proc/sys/user/max_user_namespaces") &&
	       sysctl_allows("/proc/sys/kernel/unprivileged_userns_clone");
}

static bool tun_available(void)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool pasta_on_path(void)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL;
	bool found = false;

	copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/pasta", dir);
		found = access(file, X_OK) == 0;
	}
	free(copy);
	return found;
}

const char *fn_net_egress_missing(void)
{
	if (!namespaces_available())
		return "network namespaces are not available";
	if (!tun_available())
		return "no usable /dev/net/tun";
	if (!pasta_on_path())
		return "no pasta on PATH (Debian package passt)";
	return NULL;
}

/* The kernel keeps at most gc_thresh3 neighbours of a family that are not permanent (permanent
 * ones are exempt); the kernel's own entries (multicast, the nameservers' next hop) need a few
 * more. Returns the family whose learned neighbours the identity has too many of, else 0. */
static int neighbours_over_kernel_limit(const struct fn_identity *id, size_t *have, long *limit)
{
	static const struct {
		int family;
		const char *sysctl;
	} tables[] = {{AF_INET, "/proc/sys/net/ipv4/neigh/default/gc_thresh3"},
		      {AF_INET6, "/proc/sys/net/ipv6/neigh/default/gc_thresh3"}};
	enum { KERNEL_OWN = 16 };

	for (size_t t = 0; t < N_ELEMENTS(tables); t++) {
		size_t n = id->has_gateway && id->gateway_ip.family == tables[t].family &&
			   id->gateway_state != FN_NUD_PERMANENT;
		char *text;
		size_t len;

		for (size_t i = 0; i < id->n_neighbors; i++)
			n += id->neighbors[i].ip.family == tables[t].family &&
			     id->neighbors[i].state != FN_NUD_PERMANENT;
		if (fn_read_file(tables[t].sysctl, &text, &len, 64) < 0)
			continue;
		*limit = atol(text);
		free(text);
		if (*limit > KERNEL_OWN && n > (size_t)(*limit - KERNEL_OWN)) {
			*have = n;
			*limit -= KERNEL_OWN;
			return tables[t].family;
		}
	}
	return 0;
}

const char *fn_net_kernel_cannot_hold(const struct fn_identity *id, char *why, size_t len)
{
	size_t have;
	long limit;
	int family = neighbours_over_kernel_limit(id, &have, &limit);

	if (!family)
		return NULL;
	snprintf(why, len,
		 "the identity has %zu learned %s neighbours, more than the kernel keeps (%ld, "
		 "gc_thresh3; permanent ones do not count)",
		 have, family == AF_INET ? "IPv4" : "IPv6", limit);
	return why;
}

enum fn_net_mode fn_net_mode_resolve(enum fn_net_mode mode, const struct fn_identity *id,
				     bool quiet)
{
	const char *why;
	char held[160];

	if (mode != FN_NET_AUTO)
		return mode;
	if ((why = fn_net_egress_missing())) {
		if (!quiet)
			fn_warn("network mode host: %s, so nat cannot run", why);
		return FN_NET_HOST;
	}
	if (fn_net_kernel_cannot_hold(id, held, sizeof(held))) {
		if (!quiet)
			fn_warn("network mode host: %s", held);
		return FN_NET_HOST;
	}
	if (!id->has_gateway || id->gateway_ip.family != AF_INET) {
		if (!quiet)
			fn_warn("network mode isolated: the identity has no IPv4 gateway for nat "
				"to lead out through");
		return FN_NET_ISOLATED;
	}
	return FN_NET_NAT;
}
