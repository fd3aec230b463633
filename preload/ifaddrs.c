/* getifaddrs() and the if_nameindex family from the identity, in the order glibc builds them
 * from the kernel's netlink dumps: every link (AF_PACKET), then IPv4, then IPv6 addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "preload.h"

#define MAX_ADDRS 64

union any_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_ll ll;
};

/* One allocation per entry field set; the list is one block, so free() of the head releases it,
 * as with glibc's own. */
struct entry {
	struct ifaddrs ifa;
	union any_sockaddr addr, netmask, broad;
	char name[IFNAMSIZ];
	struct rtnl_link_stats stats;
};

static void link_entry(const struct fn_iface *iface, struct entry *e)
{
	struct fn_mac brd = fn_iface_hw_broadcast(iface);

	e->addr.ll.sll_family = AF_PACKET;
	e->addr.ll.sll_ifindex = iface->ifindex;
	e->addr.ll.sll_hatype = (unsigned short)fn_iface_arphrd(iface);
	e->addr.ll.sll_halen = 6;
	memcpy(e->addr.ll.sll_addr, iface->mac.b, 6);
	e->broad.ll = e->addr.ll;
	memcpy(e->broad.ll.sll_addr, brd.b, 6);
	e->ifa.ifa_addr = &e->addr.sa;
	e->ifa.ifa_broadaddr = &e->broad.sa;
	e->stats.rx_packets = (uint32_t)iface->stats.rx_packets;
	e->stats.tx_packets = (uint32_t)iface->stats.tx_packets;
	e->stats.rx_bytes = (uint32_t)iface->stats.rx_bytes;
	e->stats.tx_bytes = (uint32_t)iface->stats.tx_bytes;
	e->ifa.ifa_data = &e->stats;
}

static void prefix_mask(int family, unsigned prefix, uint8_t *out)
{
	size_t len = family == AF_INET ? 4 : 16;

	memset(out, 0, len);
	for (size_t i = 0; i < len && prefix; i++) {
		unsigned bits = prefix > 8 ? 8 : prefix;

		out[i] = (uint8_t)(0xff00u >> bits);
		prefix -= bits;
	}
}

static void ipv4_entry(const struct fn_iface *iface, const struct fn_cidr *a, struct entry *e)
{
	struct fn_ip brd = fn_cidr_broadcast(a);

	e->addr.in.sin_family = AF_INET;
	memcpy(&e->addr.in.sin_addr, a->ip.bytes, 4);
	e->netmask.in.sin_family = AF_INET;
	prefix_mask(AF_INET, a->prefix, (uint8_t *)&e->netmask.in.sin_addr);
	e->ifa.ifa_addr = &e->addr.sa;
	e->ifa.ifa_netmask = &e->netmask.sa;
	/* Without IFA_BROADCAST (lo, /31, /32), glibc leaves IFA_ADDRESS, the address itself,
	 * in the broadcast/destination slot. */
	e->broad.in.sin_family = AF_INET;
	memcpy(&e->broad.in.sin_addr,
	       fn_iface_addr_has_broadcast(iface, a) ? brd.bytes : a->ip.bytes, 4);
	e->ifa.ifa_broadaddr = &e->broad.sa;
}

static void ipv6_entry(const struct fn_iface *iface, const struct fn_cidr *a, struct entry *e)
{
	struct in6_addr *in6 = &e->addr.in6.sin6_addr;

	e->addr.in6.sin6_family = AF_INET6;
	memcpy(in6, a->ip.bytes, 16);
	/* glibc gives link-scoped addresses their interface as the scope. */
	if (IN6_IS_ADDR_LINKLOCAL(in6) || IN6_IS_ADDR_MC_LINKLOCAL(in6))
		e->addr.in6.sin6_scope_id = (uint32_t)iface->ifindex;
	e->netmask.in6.sin6_family = AF_INET6;
	prefix_mask(AF_INET6, a->prefix, e->netmask.in6.sin6_addr.s6_addr);
	e->ifa.ifa_addr = &e->addr.sa;
	e->ifa.ifa_netmask = &e->netmask.sa;
}

static size_t count_entries(const struct fn_identity *id)
{
	size_t n = id->n_ifaces;
	struct fn_cidr a[MAX_ADDRS];

	for (size_t i = 0; i < id->n_ifaces; i++) {
		n += fn_iface_addrs(&id->ifaces[i], AF_INET, a, MAX_ADDRS);
		n += fn_iface_addrs(&id->ifaces[i], AF_INET6, a, MAX_ADDRS);
	}
	return n;
}

static struct entry *next_entry(struct entry *v, size_t *used, const struct fn_iface *iface)
{
	struct entry *e = &v[(*used)++];

	snprintf(e->name, sizeof(e->name), "%s", iface->name);
	e->ifa.ifa_name = e->name;
	e->ifa.ifa_flags = fn_iface_ioctl_flags(iface);
	return e;
}

static void add_family(const struct fn_identity *id, int family, struct entry *v, size_t *used)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		struct fn_cidr a[MAX_ADDRS];
		size_t n = fn_iface_addrs(iface, family, a, MAX_ADDRS);

		for (size_t k = 0; k < n && k < MAX_ADDRS; k++) {
			struct entry *e = next_entry(v, used, iface);

			if (family == AF_INET)
				ipv4_entry(iface, &a[k], e);
			else
				ipv6_entry(iface, &a[k], e);
		}
	}
}

FN_EXPORT int getifaddrs(struct ifaddrs **out)
{
	const struct fn_preload *st = fn_preload_state();
	struct entry *v;
	size_t n, used = 0;

	if (!st)
		return FN_REAL(getifaddrs)(out);
	n = count_entries(st->id);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < st->id->n_ifaces; i++)
		link_entry(&st->id->ifaces[i], next_entry(v, &used, &st->id->ifaces[i]));
	add_family(st->id, AF_INET, v, &used);
	add_family(st->id, AF_INET6, v, &used);
	for (size_t i = 0; i + 1 < used; i++)
		v[i].ifa.ifa_next = &v[i + 1].ifa;
	*out = used ? &v[0].ifa : NULL;
	if (!used)
		free(v);
	return 0;
}

FN_EXPORT void freeifaddrs(struct ifaddrs *ifa)
{
	free(ifa);
}

FN_EXPORT struct if_nameindex *if_nameindex(void)
{
	const struct fn_preload *st = fn_preload_state();
	struct if_nameindex *v;

	if (!st)
		return FN_REAL(if_nameindex)();
	v = calloc(st->id->n_ifaces + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < st->id->n_ifaces; i++) {
		v[i].if_index = (unsigned)st->id->ifaces[i].ifindex;
		v[i].if_name = strdup(st->id->ifaces[i].name);
	}
	return v;
}

FN_EXPORT void if_freenameindex(struct if_nameindex *v)
{
	if (!v)
		return;
	for (struct if_nameindex *p = v; p->if_name; p++)
		free(p->if_name);
	free(v);
}

FN_EXPORT unsigned if_nametoindex(const char *name)
{
	const struct fn_preload *st = fn_preload_state();
	const struct fn_iface *iface;

	if (!st)
		return FN_REAL(if_nametoindex)(name);
	iface = fn_identity_iface_by_name(st->id, name);
	if (!iface) {
		errno = ENODEV;
		return 0;
	}
	return (unsigned)iface->ifindex;
}

FN_EXPORT char *if_indextoname(unsigned index, char name[IF_NAMESIZE])
{
	const struct fn_preload *st = fn_preload_state();
	const struct fn_iface *iface;

	if (!st)
		return FN_REAL(if_indextoname)(index, name);
	iface = fn_identity_iface_by_index(st->id, (int)index);
	if (!iface) {
		errno = ENXIO;
		return NULL;
	}
	return strncpy(name, iface->name, IF_NAMESIZE);
}
