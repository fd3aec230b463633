/* Link-level derived facts: flags, operstate, addresses per family, broadcast, EUI-64, sysfs path.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"

/* IFF_LOWER_UP lives in linux/if.h, which clashes with net/if.h. */
#define FN_IFF_LOWER_UP 0x10000

/* The loopback driver turns its carrier on once and for all; other links have one while up. */
bool fn_iface_has_carrier(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_LOOPBACK || iface->up;
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

	if (iface->up && fn_iface_has_carrier(iface))
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

/* True when `name` is what the kernel itself would have called the device ("eth0" from "eth%d"). */
static bool is_kernel_enumerated_name(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);

	if (strncmp(name, prefix, plen) != 0 || name[plen] == '\0')
		return false;
	return strspn(name + plen, "0123456789") == strlen(name + plen);
}

int fn_iface_addr_assign_type(const struct fn_iface *iface)
{
	switch (iface->kind) {
	case FN_KIND_LOOPBACK:
		return 0;
	case FN_KIND_VETH:
		/* A veth gets a random MAC at creation; the identity's MAC is set afterwards. */
		return 3;
	default:
		return memcmp(&iface->mac, &iface->permanent_mac, sizeof(iface->mac)) == 0 ? 0 : 3;
	}
}

int fn_iface_name_assign_type(const struct fn_iface *iface)
{
	switch (iface->kind) {
	case FN_KIND_LOOPBACK:
		return 2;
	case FN_KIND_VETH:
		return 3;
	case FN_KIND_ETHERNET:
		return is_kernel_enumerated_name(iface->name, "eth") ? 1 : 4;
	case FN_KIND_WIRELESS:
		return is_kernel_enumerated_name(iface->name, "wlan") ? 1 : 4;
	}
	return 0;
}

struct fn_mac fn_iface_hw_broadcast(const struct fn_iface *iface)
{
	struct fn_mac mac;

	memset(mac.b, iface->kind == FN_KIND_LOOPBACK ? 0x00 : 0xff, sizeof(mac.b));
	return mac;
}

bool fn_iface_has_link_settings(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_VETH || iface->kind == FN_KIND_ETHERNET;
}

bool fn_iface_link_speed(const struct fn_iface *iface, int *speed, bool *full_duplex)
{
	*speed = -1;
	*full_duplex = false;
	if (!fn_iface_has_link_settings(iface))
		return false;
	/* veth makes its speed up and reports it whatever the link; a PHY knows one only once it
	 * has negotiated, which needs the link up. */
	if (iface->kind != FN_KIND_VETH && !iface->up)
		return true;
	*speed = iface->speed > 0 ? iface->speed : -1;
	*full_duplex = *speed > 0;
	return true;
}

const char *fn_iface_duplex(const struct fn_iface *iface)
{
	int speed;
	bool full;

	fn_iface_link_speed(iface, &speed, &full);
	return full ? "full" : "unknown";
}

void fn_iface_carrier_counts(const struct fn_iface *iface, unsigned *up, unsigned *down)
{
	bool ever_off = iface->kind != FN_KIND_LOOPBACK;

	*down = ever_off ? 1 : 0;
	*up = ever_off && fn_iface_has_carrier(iface) ? 1 : 0;
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

	/* IPv4 keeps the order addresses were added in. IPv6 (ipv6_link_dev_addr) keeps the list
	 * sorted by scope, global before link-local, and puts a new address before the older ones
	 * of its scope: so the file's IPv6 addresses come newest first, then the link-local. */
	for (size_t k = 0; k < iface->n_addrs; k++) {
		size_t i = family == AF_INET6 ? iface->n_addrs - 1 - k : k;

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

const struct fn_cidr *fn_identity_host_address(const struct fn_identity *id)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		const struct fn_cidr *addr;

		if (iface->kind == FN_KIND_LOOPBACK || !iface->up)
			continue;
		addr = fn_iface_primary_ipv4(iface);
		if (addr)
			return addr;
	}
	return NULL;
}
