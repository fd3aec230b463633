/* Link-level derived facts: flags, operstate, addresses per family, broadcast, EUI-64, sysfs path. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"

/* IFF_LOWER_UP lives in linux/if.h, which clashes with net/if.h. */
#define FN_IFF_LOWER_UP 0x10000

static bool has_carrier(const struct fn_iface *iface)
{
	return iface->up;
}

unsigned fn_iface_sysfs_flags(const struct fn_iface *iface)
{
	unsigned flags = iface->up ? IFF_UP : 0;

	if (iface->kind == FN_KIND_LOOPBACK)
		return flags | IFF_LOOPBACK;
	return flags | IFF_BROADCAST | IFF_MULTICAST;
}

unsigned fn_iface_ioctl_flags(const struct fn_iface *iface)
{
	unsigned flags = fn_iface_sysfs_flags(iface);

	if (iface->up && has_carrier(iface))
		flags |= IFF_RUNNING | FN_IFF_LOWER_UP;
	return flags;
}

const char *fn_iface_operstate(const struct fn_iface *iface)
{
	/* The loopback driver never reports an operational state; the kernel shows "unknown". */
	if (iface->kind == FN_KIND_LOOPBACK)
		return "unknown";
	return iface->up ? "up" : "down";
}

int fn_iface_arphrd(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_LOOPBACK ? 772 : 1;
}

unsigned fn_iface_txqueuelen(const struct fn_iface *iface)
{
	return 1000;
}

const char *fn_iface_sysfs_devpath(const struct fn_iface *iface, char *buf, size_t len)
{
	if (iface->kind == FN_KIND_ETHERNET || iface->kind == FN_KIND_WIRELESS)
		snprintf(buf, len, "devices/pci0000:00/%s/net/%s", iface->pci_slot, iface->name);
	else
		snprintf(buf, len, "devices/virtual/net/%s", iface->name);
	return buf;
}

struct fn_ip fn_cidr_broadcast(const struct fn_cidr *c)
{
	struct fn_ip mask, b = c->ip;

	if (c->ip.family != AF_INET || c->prefix >= 31)
		return fn_ip4_from_host(0);
	mask = fn_prefix_mask(AF_INET, c->prefix);
	for (int i = 0; i < 4; i++)
		b.bytes[i] |= (uint8_t)~mask.bytes[i];
	return b;
}

struct fn_ip fn_eui64_link_local(const struct fn_mac *mac)
{
	struct fn_ip ip = {.family = AF_INET6};

	ip.bytes[0] = 0xfe;
	ip.bytes[1] = 0x80;
	ip.bytes[8] = mac->b[0] ^ 0x02;
	ip.bytes[9] = mac->b[1];
	ip.bytes[10] = mac->b[2];
	ip.bytes[11] = 0xff;
	ip.bytes[12] = 0xfe;
	ip.bytes[13] = mac->b[3];
	ip.bytes[14] = mac->b[4];
	ip.bytes[15] = mac->b[5];
	return ip;
}

static bool has_link_local(const struct fn_iface *iface)
{
	/* The kernel only configures IPv6 on a link once it has been brought up. */
	return iface->kind != FN_KIND_LOOPBACK && iface->ipv6_link_local && iface->up;
}

size_t fn_iface_addrs(const struct fn_iface *iface, int family, struct fn_cidr *out, size_t max)
{
	size_t n = 0;

	/* The kernel keeps an interface's IPv6 list sorted by scope: global before link-local. */
	for (size_t i = 0; i < iface->n_addrs; i++) {
		if (iface->addrs[i].ip.family != family)
			continue;
		if (n < max)
			out[n] = iface->addrs[i];
		n++;
	}
	if (family == AF_INET6 && has_link_local(iface)) {
		if (n < max) {
			out[n].ip = fn_eui64_link_local(&iface->mac);
			out[n].prefix = 64;
		}
		n++;
	}
	return n;
}

const struct fn_cidr *fn_iface_primary_ipv4(const struct fn_iface *iface)
{
	for (size_t i = 0; i < iface->n_addrs; i++)
		if (iface->addrs[i].ip.family == AF_INET)
			return &iface->addrs[i];
	return NULL;
}

static const struct fn_iface *find_on_link(const struct fn_identity *id, const struct fn_ip *ip,
					   bool want_up)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];

		if (iface->up != want_up)
			continue;
		for (size_t j = 0; j < iface->n_addrs; j++)
			if (fn_cidr_contains(&iface->addrs[j], ip))
				return iface;
	}
	return NULL;
}

const struct fn_iface *fn_iface_for_address(const struct fn_identity *id, const struct fn_ip *ip)
{
	const struct fn_iface *iface = find_on_link(id, ip, true);

	return iface ? iface : find_on_link(id, ip, false);
}
