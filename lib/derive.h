/* Facts derived from the identity (broadcast, EUI-64, flags, route and neighbour tables).
 * Each is computed here and nowhere else, so no two views can derive it differently. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "identity.h"

/* Linux IFF_* bits, as SIOCGIFFLAGS reports them (RUNNING and LOWER_UP set when up). */
unsigned fn_iface_ioctl_flags(const struct fn_iface *iface);
/* dev->flags as /sys/class/net/X/flags shows it: without RUNNING/LOWER_UP (eth0 0x1003, lo 0x9). */
unsigned fn_iface_sysfs_flags(const struct fn_iface *iface);
/* "up", "down" or "unknown" (lo). */
const char *fn_iface_operstate(const struct fn_iface *iface);
/* ARPHRD_ETHER (1) or ARPHRD_LOOPBACK (772). */
int fn_iface_arphrd(const struct fn_iface *iface);
/* Default transmit queue length (1000 for every kind the identity knows). */
unsigned fn_iface_txqueuelen(const struct fn_iface *iface);
/* Where the interface lives in sysfs, relative to /sys: "devices/virtual/net/eth0" or
 * "devices/pci0000:00/0000:00:1f.6/net/eth0". */
const char *fn_iface_sysfs_devpath(const struct fn_iface *iface, char *buf, size_t len);

/* The broadcast address of an IPv4 prefix (/31 and /32 have none: returns 0.0.0.0). */
struct fn_ip fn_cidr_broadcast(const struct fn_cidr *c);
/* fe80::/64 link-local address built from the MAC (EUI-64, universal/local bit flipped). */
struct fn_ip fn_eui64_link_local(const struct fn_mac *mac);

/* The interface's addresses of one family, in the kernel's list order for that family.
 * IPv4: as written (lo: 127.0.0.1/8). IPv6: globals then the derived link-local (lo: ::1/128).
 * Returns the count; writes at most `max`. */
size_t fn_iface_addrs(const struct fn_iface *iface, int family, struct fn_cidr *out, size_t max);
/* The first IPv4 address of the interface, or NULL. */
const struct fn_cidr *fn_iface_primary_ipv4(const struct fn_iface *iface);

enum fn_rt_type {
	FN_RT_UNICAST,
	FN_RT_LOCAL,
	FN_RT_BROADCAST,
	FN_RT_MULTICAST,
	FN_RT_UNREACHABLE,
};

enum fn_rt_scope {
	FN_SCOPE_UNIVERSE = 0,
	FN_SCOPE_LINK = 253,
	FN_SCOPE_HOST = 254,
};

enum fn_rt_proto {
	FN_PROTO_KERNEL = 2, /* connected routes the kernel adds for an address */
	FN_PROTO_BOOT = 3,   /* `ip route add` without proto: the gateway and `routes:` */
};

/* One route as the kernel holds it. */
struct fn_rt {
	struct fn_cidr dst;
	bool has_gw;
	struct fn_ip gw;
	int ifindex;
	unsigned metric;
	enum fn_rt_type type;
	enum fn_rt_scope scope;
	enum fn_rt_proto proto;
	bool has_src;
	struct fn_ip src; /* prefsrc of a connected route */
	bool local_table; /* lives in table local (255), not main (254) */
};

struct fn_rtable {
	struct fn_rt *v;
	size_t n;
};

/* IPv4 table main, in the kernel's fib trie walk order (what /proc/net/route and `ip route` list). */
void fn_routes_ipv4(const struct fn_identity *id, struct fn_rtable *out);
/* IPv6 routes of main and local in /proc/net/ipv6_route order. */
void fn_routes_ipv6(const struct fn_identity *id, struct fn_rtable *out);
void fn_rtable_free(struct fn_rtable *t);

/* The route the kernel would pick for `dst` (longest prefix, then lowest metric), with the source
 * address it would use. Returns false when unreachable. */
bool fn_route_lookup(const struct fn_identity *id, const struct fn_ip *dst, struct fn_rt *route,
		     struct fn_ip *src);

/* The neighbour table (gateway entry first, then `neighbors:`), IPv4 and IPv6, in the kernel's
 * listing order. The array is owned by the caller (free()). */
size_t fn_neighbor_table(const struct fn_identity *id, struct fn_neighbor **out);
/* Flags /proc/net/arp shows for a state: 0x6 permanent, 0x2 other valid states, 0x0 incomplete/failed. */
unsigned fn_nud_arp_flags(enum fn_nud state);
/* "PERMANENT", "REACHABLE", ... as ip neigh prints them. */
const char *fn_nud_name(enum fn_nud state);

/* The interface whose connected IPv4/IPv6 subnet holds `ip` (an up interface first), or NULL. */
const struct fn_iface *fn_iface_for_address(const struct fn_identity *id, const struct fn_ip *ip);
