/* Route and neighbour tables derived from the identity, built the way the kernel builds them for a
 * machine configured like it (addresses added, then links brought up, then the gateway and routes).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"
#include "util.h"

#define FN_MAX_ADDRS 64
/* `ip -6 route add` without a metric (or with metric 0) gets IP6_RT_PRIO_USER. */
#define FN_IP6_PRIO_USER 1024
/* Routes the kernel adds for an IPv6 prefix or for ff00::/8 (IP6_RT_PRIO_ADDRCONF). */
#define FN_IP6_PRIO_ADDRCONF 256

static void rt_push(struct fn_rtable *t, const struct fn_rt *rt)
{
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = *rt;
}

static bool rt_same(const struct fn_rt *a, const struct fn_rt *b)
{
	return a->dst.prefix == b->dst.prefix && fn_ip_equal(&a->dst.ip, &b->dst.ip) &&
	       a->local_table == b->local_table && a->type == b->type && a->ifindex == b->ifindex &&
	       a->metric == b->metric && a->has_gw == b->has_gw &&
	       (!a->has_gw || fn_ip_equal(&a->gw, &b->gw)) && a->has_src == b->has_src &&
	       (!a->has_src || fn_ip_equal(&a->src, &b->src));
}

/* The kernel silently drops an exact duplicate (fib_table_insert finds `fa_match`). */
static void rt_add_unique(struct fn_rtable *t, const struct fn_rt *rt)
{
	for (size_t i = 0; i < t->n; i++)
		if (rt_same(&t->v[i], rt))
			return;
	rt_push(t, rt);
}

/* A route from the identity as `ip route add` installs it; each family adjusts its defaults. */
static struct fn_rt configured_rt(const struct fn_route *r)
{
	struct fn_rt rt = {
	    .dst = {.ip = fn_cidr_network(&r->to), .prefix = r->to.prefix},
	    .has_gw = r->has_via,
	    .gw = r->via,
	    .ifindex = r->ifindex,
	    .metric = r->metric,
	    .type = FN_RT_UNICAST,
	    .scope = FN_SCOPE_UNIVERSE,
	    .proto = FN_PROTO_BOOT,
	};

	return rt;
}

void fn_rtable_free(struct fn_rtable *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* ---- IPv4 ---- */

static struct fn_rt v4_route(uint32_t dst, unsigned plen, const struct fn_iface *iface,
			     enum fn_rt_type type, const struct fn_ip *src)
{
	struct fn_rt rt = {
	    .dst = {.ip = fn_ip4_from_host(dst), .prefix = plen},
	    .ifindex = iface->ifindex,
	    .type = type,
	    .proto = FN_PROTO_KERNEL,
	    .has_src = true,
	    .src = *src,
	};

	/* fib_magic: unicast prefixes go to main with scope link; the rest to local. */
	rt.local_table = type != FN_RT_UNICAST;
	if (type == FN_RT_LOCAL)
		rt.scope = FN_SCOPE_HOST;
	else
		rt.scope = FN_SCOPE_LINK;
	return rt;
}

/* An address whose subnet an earlier address of the same interface already covers is
 * secondary (inet_insert_ifa): no prefix route, and its routes use the primary as source. */
static const struct fn_cidr *primary_of(const struct fn_cidr *addrs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (addrs[j].prefix == addrs[i].prefix && fn_cidr_contains(&addrs[i], &addrs[j].ip))
			return &addrs[j];
	return &addrs[i];
}

/* fib_add_ifaddr's first step, done even while the link is down: the local /32. */
static void v4_add_local(struct fn_rtable *t, const struct fn_iface *iface)
{
	struct fn_cidr a[FN_MAX_ADDRS];
	size_t n = fn_iface_addrs(iface, AF_INET, a, FN_MAX_ADDRS);

	if (n > FN_MAX_ADDRS)
		n = FN_MAX_ADDRS;
	for (size_t i = 0; i < n; i++) {
		struct fn_rt rt =
		    v4_route(fn_ip4_host(&a[i].ip), 32, iface, FN_RT_LOCAL, &primary_of(a, i)->ip);
		rt_add_unique(t, &rt);
	}
}

/* The rest of fib_add_ifaddr, once the link is up: broadcast, prefix, network broadcast. */
static void v4_add_connected(struct fn_rtable *t, const struct fn_iface *iface)
{
	struct fn_cidr a[FN_MAX_ADDRS];
	size_t n = fn_iface_addrs(iface, AF_INET, a, FN_MAX_ADDRS);
	bool loopback = iface->kind == FN_KIND_LOOPBACK;

	if (n > FN_MAX_ADDRS)
		n = FN_MAX_ADDRS;
	for (size_t i = 0; i < n; i++) {
		const struct fn_cidr *prim = primary_of(a, i);
		uint32_t addr = fn_ip4_host(&a[i].ip);
		uint32_t mask = a[i].prefix ? 0xffffffffu << (32 - a[i].prefix) : 0;
		struct fn_ip bcast = fn_cidr_broadcast(&a[i]);
		struct fn_rt rt;

		if (!fn_ip_is_zero(&bcast) && fn_ip4_host(&bcast) != 0xffffffffu) {
			rt = v4_route(fn_ip4_host(&bcast), 32, iface, FN_RT_BROADCAST, &prim->ip);
			rt_add_unique(t, &rt);
		}
		/* No prefix route for 0.x.x.x, a secondary address or a /32. */
		if ((addr & mask) >> 24 == 0 || prim != &a[i] ||
		    ((addr & mask) == addr && a[i].prefix == 32))
			continue;
		rt = v4_route(addr & mask, a[i].prefix, iface,
			      loopback ? FN_RT_LOCAL : FN_RT_UNICAST, &prim->ip);
		rt_add_unique(t, &rt);
		if (a[i].prefix < 31) {
			rt = v4_route((addr & mask) | ~mask, 32, iface, FN_RT_BROADCAST, &prim->ip);
			rt_add_unique(t, &rt);
		}
	}
}

static void v4_add_configured(struct fn_rtable *t, const struct fn_identity *id)
{
	if (id->has_gateway && id->gateway_ip.family == AF_INET) {
		struct fn_rt rt = {
		    .dst = {.ip = fn_ip4_from_host(0), .prefix = 0},
		    .has_gw = true,
		    .gw = id->gateway_ip,
		    .ifindex = id->gateway_ifindex,
		    .type = FN_RT_UNICAST,
		    .scope = FN_SCOPE_UNIVERSE,
		    .proto = FN_PROTO_BOOT,
		};
		rt_add_unique(t, &rt);
	}
	for (size_t i = 0; i < id->n_routes; i++) {
		const struct fn_route *r = &id->routes[i];
		struct fn_rt rt = configured_rt(r);

		if (r->to.ip.family != AF_INET)
			continue;
		/* IPv4 gives a route without a gateway link scope; IPv6 keeps universe. */
		if (!r->has_via)
			rt.scope = FN_SCOPE_LINK;
		rt_add_unique(t, &rt);
	}
}

void fn_routes_ipv4_fib(const struct fn_identity *id, struct fn_rtable *out)
{
	memset(out, 0, sizeof(*out));
	/* lo gets 127.0.0.1/8 from the kernel only when it comes up. */
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];

		if (iface->kind == FN_KIND_LOOPBACK && iface->up) {
			v4_add_local(out, iface);
			v4_add_connected(out, iface);
		}
	}
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (id->ifaces[i].kind != FN_KIND_LOOPBACK)
			v4_add_local(out, &id->ifaces[i]);
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (id->ifaces[i].kind != FN_KIND_LOOPBACK && id->ifaces[i].up)
			v4_add_connected(out, &id->ifaces[i]);
	v4_add_configured(out, id);
}

/* The order of aliases in one fib trie leaf (fib_find_alias): longer prefix first, table local
 * before main, lower metric first; equal ones keep their insertion order. */
static int v4_alias_cmp(const struct fn_rt *a, const struct fn_rt *b)
{
	if (a->dst.prefix != b->dst.prefix)
		return a->dst.prefix > b->dst.prefix ? -1 : 1;
	if (a->local_table != b->local_table)
		return a->local_table ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return 0;
}

int fn_rt_ipv4_walk_cmp(const struct fn_rt *a, const struct fn_rt *b)
{
	uint32_t ka = fn_ip4_host(&a->dst.ip), kb = fn_ip4_host(&b->dst.ip);

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return v4_alias_cmp(a, b);
}

/* Insertion sort: stable, and the tables are small. */
static void rt_stable_sort(struct fn_rtable *t,
			   int (*cmp)(const struct fn_rt *, const struct fn_rt *))
{
	for (size_t i = 1; i < t->n; i++) {
		struct fn_rt cur = t->v[i];
		size_t j = i;

		while (j > 0 && cmp(&t->v[j - 1], &cur) > 0) {
			t->v[j] = t->v[j - 1];
			j--;
		}
		t->v[j] = cur;
	}
}

void fn_routes_ipv4(const struct fn_identity *id, struct fn_rtable *out)
{
	struct fn_rtable all;
	size_t n = 0;

	fn_routes_ipv4_fib(id, &all);
	for (size_t i = 0; i < all.n; i++)
		if (!all.v[i].local_table)
			all.v[n++] = all.v[i];
	all.n = n;
	rt_stable_sort(&all, fn_rt_ipv4_walk_cmp);
	*out = all;
}

/* ---- IPv6 ---- */

static bool ip6_is_link_local(const struct fn_ip *ip)
{
	return ip->bytes[0] == 0xfe && (ip->bytes[1] & 0xc0) == 0x80;
}

static struct fn_rt v6_route(const struct fn_ip *dst, unsigned plen, const struct fn_iface *iface,
			     enum fn_rt_type type, unsigned metric, bool local_table)
{
	struct fn_rt rt = {
	    .dst = {.ip = *dst, .prefix = plen},
	    .ifindex = iface->ifindex,
	    .metric = metric,
	    .type = type,
	    .scope = type == FN_RT_LOCAL ? FN_SCOPE_HOST : FN_SCOPE_UNIVERSE,
	    .proto = FN_PROTO_KERNEL,
	    .local_table = local_table,
	};

	rt.dst.ip = fn_cidr_network(&rt.dst);
	return rt;
}

static void v6_add_iface(struct fn_rtable *main_t, struct fn_rtable *local_t,
			 const struct fn_iface *iface)
{
	struct fn_cidr a[FN_MAX_ADDRS];
	size_t n = fn_iface_addrs(iface, AF_INET6, a, FN_MAX_ADDRS);
	struct fn_rt rt;

	if (n > FN_MAX_ADDRS)
		n = FN_MAX_ADDRS;
	for (size_t i = 0; i < n; i++) {
		/* The local /128 exists even on a down link (unless DAD is pending there); the
		 * prefix route only on an up one. */
		if (fn_iface_addr_tentative(iface, &a[i]))
			continue;
		rt = v6_route(&a[i].ip, 128, iface, FN_RT_LOCAL, 0, true);
		rt_add_unique(local_t, &rt);
		if (!iface->up || iface->kind == FN_KIND_LOOPBACK)
			continue;
		rt = v6_route(&a[i].ip, ip6_is_link_local(&a[i].ip) ? 64 : a[i].prefix, iface,
			      FN_RT_UNICAST, FN_IP6_PRIO_ADDRCONF, false);
		rt_add_unique(main_t, &rt);
	}
}

/* Position in the post-order walk of the fib6 radix tree (left = bit 0, right = bit 1, the node's
 * own routes after both subtrees): what /proc/net/ipv6_route follows. */
static int v6_walk_cmp(const struct fn_rt *a, const struct fn_rt *b)
{
	unsigned m = a->dst.prefix < b->dst.prefix ? a->dst.prefix : b->dst.prefix;

	for (unsigned bit = 0; bit < m; bit++) {
		int ba = (a->dst.ip.bytes[bit / 8] >> (7 - bit % 8)) & 1;
		int bb = (b->dst.ip.bytes[bit / 8] >> (7 - bit % 8)) & 1;

		if (ba != bb)
			return ba - bb;
	}
	if (a->dst.prefix != b->dst.prefix)
		return a->dst.prefix > b->dst.prefix ? -1 : 1;
	/* Routes of one node: by metric (fib6_add_rt2node), then insertion order. */
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return 0;
}

/* Every fib6 table ends its walk with the tree root's null entry: ::/0 reject via lo. */
static void v6_add_null_root(struct fn_rtable *t, bool local_table)
{
	struct fn_rt rt = {
	    .dst = {.ip = {.family = AF_INET6}, .prefix = 0},
	    .ifindex = 1,
	    .metric = 0xffffffffu,
	    .type = FN_RT_UNREACHABLE,
	    .scope = FN_SCOPE_UNIVERSE,
	    .proto = FN_PROTO_KERNEL,
	    .local_table = local_table,
	};

	rt_push(t, &rt);
}

static void v6_add_configured(struct fn_rtable *t, const struct fn_identity *id)
{
	for (size_t i = 0; i < id->n_routes; i++) {
		const struct fn_route *r = &id->routes[i];
		struct fn_rt rt = configured_rt(r);

		if (r->to.ip.family != AF_INET6)
			continue;
		if (!rt.metric)
			rt.metric = FN_IP6_PRIO_USER;
		rt_add_unique(t, &rt);
	}
}

void fn_routes_ipv6(const struct fn_identity *id, struct fn_rtable *out)
{
	struct fn_rtable main_t = {0}, local_t = {0};
	const struct fn_ip mcast = {.family = AF_INET6, .bytes = {0xff}};

	for (size_t i = 0; i < id->n_ifaces; i++)
		v6_add_iface(&main_t, &local_t, &id->ifaces[i]);
	/* addrconf adds ff00::/8 to every up link that has IPv6 (lo excepted). */
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		struct fn_rt rt;

		if (!iface->up || iface->kind == FN_KIND_LOOPBACK)
			continue;
		rt = v6_route(&mcast, 8, iface, FN_RT_MULTICAST, FN_IP6_PRIO_ADDRCONF, true);
		rt_add_unique(&local_t, &rt);
	}
	v6_add_configured(&main_t, id);
	rt_stable_sort(&main_t, v6_walk_cmp);
	rt_stable_sort(&local_t, v6_walk_cmp);
	/* Tables are walked in hash order: main (254) before local (255). */
	v6_add_null_root(&main_t, false);
	v6_add_null_root(&local_t, true);
	*out = main_t;
	for (size_t i = 0; i < local_t.n; i++)
		rt_push(out, &local_t.v[i]);
	fn_rtable_free(&local_t);
}

bool fn_iface_addr_tentative(const struct fn_iface *iface, const struct fn_cidr *addr)
{
	return addr->ip.family == AF_INET6 && !iface->up && iface->kind != FN_KIND_LOOPBACK &&
	       fn_addr_scope(addr) == FN_SCOPE_UNIVERSE && !fn_iface_addr_nodad(iface, addr);
}

/* ---- Lookups ---- */

/* The source the kernel picks on the outgoing link: the address whose subnet holds the next hop,
 * else the link's first address of the family. */
static bool pick_source(const struct fn_identity *id, int ifindex, const struct fn_ip *hop,
			struct fn_ip *src)
{
	const struct fn_iface *iface = fn_identity_iface_by_index(id, ifindex);
	struct fn_cidr a[FN_MAX_ADDRS];
	size_t n;

	if (!iface)
		return false;
	n = fn_iface_addrs(iface, hop->family, a, FN_MAX_ADDRS);
	if (n > FN_MAX_ADDRS)
		n = FN_MAX_ADDRS;
	for (size_t i = 0; i < n; i++) {
		if (fn_cidr_contains(&a[i], hop)) {
			*src = a[i].ip;
			return true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		/* A global destination is not reached from a link-local source. */
		if (hop->family == AF_INET6 && ip6_is_link_local(&a[i].ip) &&
		    !ip6_is_link_local(hop))
			continue;
		*src = a[i].ip;
		return true;
	}
	return false;
}

static bool route_matches(const struct fn_rt *rt, const struct fn_ip *dst)
{
	return rt->dst.ip.family == dst->family && fn_cidr_contains(&rt->dst, dst);
}

static bool better(const struct fn_rt *cand, const struct fn_rt *best)
{
	if (!best)
		return true;
	if (cand->dst.prefix != best->dst.prefix)
		return cand->dst.prefix > best->dst.prefix;
	/* The local table is consulted before main. */
	if (cand->local_table != best->local_table)
		return cand->local_table;
	return cand->metric < best->metric;
}

bool fn_route_lookup(const struct fn_identity *id, const struct fn_ip *dst, struct fn_rt *route,
		     struct fn_ip *src)
{
	struct fn_rtable t;
	const struct fn_rt *best = NULL;
	bool ok = false;

	if (dst->family == AF_INET)
		fn_routes_ipv4_fib(id, &t);
	else
		fn_routes_ipv6(id, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct fn_rt *rt = &t.v[i];

		if (rt->type == FN_RT_UNREACHABLE || rt->type == FN_RT_MULTICAST ||
		    !route_matches(rt, dst))
			continue;
		if (better(rt, best))
			best = rt;
	}
	if (best) {
		*route = *best;
		ok = true;
		if (best->type == FN_RT_LOCAL)
			*src = dst->family == AF_INET && best->has_src ? best->src : *dst;
		else if (best->has_src)
			*src = best->src;
		else
			ok = pick_source(id, best->ifindex, best->has_gw ? &best->gw : dst, src);
	}
	fn_rtable_free(&t);
	return ok;
}

/* ---- Neighbours ---- */

size_t fn_neighbor_table(const struct fn_identity *id, struct fn_neighbor **out)
{
	size_t n = id->n_neighbors + (id->has_gateway ? 1 : 0), k = 0;
	struct fn_neighbor *v;

	*out = NULL;
	if (n == 0)
		return 0;
	v = xcalloc(n, sizeof(*v));
	if (id->has_gateway) {
		v[k].ip = id->gateway_ip;
		v[k].mac = id->gateway_mac;
		v[k].state = id->gateway_state;
		v[k].ifindex = id->gateway_ifindex;
		k++;
	}
	/* A dump walks the ARP table before the NDP one. */
	for (size_t i = 0; i < id->n_neighbors; i++)
		if (id->neighbors[i].ip.family == AF_INET)
			v[k++] = id->neighbors[i];
	for (size_t i = 0; i < id->n_neighbors; i++)
		if (id->neighbors[i].ip.family != AF_INET)
			v[k++] = id->neighbors[i];
	*out = v;
	return n;
}

unsigned fn_nud_arp_flags(enum fn_nud state)
{
	switch (state) {
	case FN_NUD_PERMANENT:
		return 0x6; /* ATF_PERM | ATF_COM */
	case FN_NUD_INCOMPLETE:
	case FN_NUD_FAILED:
		return 0x0;
	default:
		return 0x2; /* ATF_COM: every other NUD_VALID state */
	}
}

const char *fn_nud_name(enum fn_nud state)
{
	static const char *const names[] = {
	    [FN_NUD_PERMANENT] = "PERMANENT", [FN_NUD_REACHABLE] = "REACHABLE",
	    [FN_NUD_STALE] = "STALE",	      [FN_NUD_DELAY] = "DELAY",
	    [FN_NUD_PROBE] = "PROBE",	      [FN_NUD_INCOMPLETE] = "INCOMPLETE",
	    [FN_NUD_FAILED] = "FAILED",	      [FN_NUD_NOARP] = "NOARP",
	};

	if ((unsigned)state >= N_ELEMENTS(names) || !names[state])
		return "NONE";
	return names[state];
}
