/* The text of iproute2 6.1's `ip addr`, `ip link`, `ip route`, `ip neigh` and `ip route get`
 * for the identity, as `ip` prints it from a netlink dump of a namespace configured like it. */
#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"
#include "render_iproute.h"

#define MAX_ADDRS FN_IP_MAX_ADDRS

static void put_link_flags(const struct fn_iface *iface, struct fn_buf *out)
{
	const char *words[FN_LINK_FLAG_WORDS_MAX];
	size_t n = fn_iface_link_flag_words(iface, words);

	fn_buf_puts(out, "<");
	for (size_t i = 0; i < n; i++)
		fn_buf_printf(out, "%s%s", i ? "," : "", words[i]);
	fn_buf_puts(out, ">");
}

const char *fn_ip_operstate(const struct fn_iface *iface, char *buf, size_t len)
{
	const char *state = fn_iface_operstate(iface);
	size_t i = 0;

	for (; state[i] && i + 1 < len; i++)
		buf[i] = (char)toupper((unsigned char)state[i]);
	buf[i] = '\0';
	return buf;
}

static void put_operstate(const struct fn_iface *iface, struct fn_buf *out)
{
	char state[16];

	fn_buf_puts(out, fn_ip_operstate(iface, state, sizeof(state)));
}

static bool is_veth(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_VETH;
}

/* "eth0@if2": a veth's peer lives in another namespace (link-netnsid 0), so ip names it by
 * index. In the IPv6 link dump the kernel only reports the peer when its index differs. */
static void put_ifname(const struct fn_iface *iface, bool inet6_dump, struct fn_buf *out)
{
	fn_buf_puts(out, iface->name);
	if (!is_veth(iface))
		return;
	if (!inet6_dump) {
		fn_buf_printf(out, "@if%d", iface->iflink);
		return;
	}
	if (iface->iflink != iface->ifindex)
		fn_buf_printf(out, "@if%d", iface->iflink);
}

const char *fn_ip_scope_name(enum fn_rt_scope scope)
{
	switch (scope) {
	case FN_SCOPE_HOST:
		return "host";
	case FN_SCOPE_LINK:
		return "link";
	case FN_SCOPE_UNIVERSE:
	default:
		return "global";
	}
}

static size_t iface_addrs(const struct fn_iface *iface, int family, struct fn_cidr *out)
{
	size_t n = fn_iface_addrs(iface, family, out, MAX_ADDRS);

	return n < MAX_ADDRS ? n : MAX_ADDRS;
}

bool fn_ip_link_selected(const struct fn_ip_opts *o, const struct fn_iface *dev,
			 const struct fn_iface *iface)
{
	if (dev && dev != iface)
		return false;
	if (o->up_only && !iface->up)
		return false;
	/* Of the kinds an identity knows, only a veth has an IFLA_INFO_KIND. */
	return !o->kind || (iface->kind == FN_KIND_VETH && strcmp(o->kind, "veth") == 0);
}

bool fn_ip_addr_selected(const struct fn_ip_opts *o, const struct fn_cidr *a)
{
	return !o->scope_given || fn_addr_scope(a) == (enum fn_rt_scope)o->scope;
}

size_t fn_ip_addrs_selected(const struct fn_ip_opts *o, const struct fn_cidr *addrs, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += fn_ip_addr_selected(o, &addrs[i]);
	return k;
}

/* The detail words of -d after the link/ether line's addresses. */
static void put_link_details(const struct fn_iface *iface, bool with_addrgenmode,
			     struct fn_buf *out)
{
	unsigned min_mtu, max_mtu, queues = fn_iface_num_queues(iface);
	bool eui64 = iface->kind == FN_KIND_LOOPBACK || iface->ipv6_link_local;

	fn_iface_mtu_range(iface, &min_mtu, &max_mtu);
	fn_buf_printf(out, " promiscuity 0  allmulti 0 minmtu %u maxmtu %u ", min_mtu, max_mtu);
	if (is_veth(iface))
		fn_buf_puts(out, "\n    veth ");
	if (with_addrgenmode)
		fn_buf_printf(out, "addrgenmode %s ", eui64 ? "eui64" : "none");
	fn_buf_printf(out,
		      "numtxqueues %u numrxqueues %u gso_max_size 65536 gso_max_segs 65535 "
		      "tso_max_size %u tso_max_segs 65535 gro_max_size 65536 ",
		      queues, queues, iface->kind == FN_KIND_ETHERNET ? 65536 : 524280);
	if (iface->kind == FN_KIND_ETHERNET || iface->kind == FN_KIND_WIRELESS)
		fn_buf_printf(out, "parentbus pci parentdev %s ", iface->pci_slot);
}

/* The first line of an interface record, up to (not including) its line break. */
static void put_link_head(const struct fn_iface *iface, bool link_cmd, bool inet6_dump,
			  struct fn_buf *out)
{
	fn_buf_printf(out, "%d: ", iface->ifindex);
	put_ifname(iface, inet6_dump, out);
	fn_buf_puts(out, ": ");
	put_link_flags(iface, out);
	if (inet6_dump) {
		/* The IPv6 link dump (addrconf's inet6_fill_ifinfo) carries no qdisc or group. */
		fn_buf_printf(out, " mtu %u state ", iface->mtu);
		put_operstate(iface, out);
		fn_buf_printf(out, " qlen %u", fn_iface_txqueuelen(iface));
		return;
	}
	fn_buf_printf(out, " mtu %u qdisc %s state ", iface->mtu, fn_iface_qdisc(iface));
	put_operstate(iface, out);
	if (link_cmd)
		fn_buf_printf(out, " mode %s", fn_iface_link_mode(iface) ? "DORMANT" : "DEFAULT");
	fn_buf_printf(out, " group default qlen %u", fn_iface_txqueuelen(iface));
}

static void put_link_address(const struct fn_iface *iface, struct fn_buf *out)
{
	char mac[FN_MAC_STRLEN];

	if (iface->kind == FN_KIND_LOOPBACK) {
		fn_buf_puts(out, "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00");
		return;
	}
	fn_buf_printf(out, "    link/ether %s brd ff:ff:ff:ff:ff:ff",
		      fn_mac_format(&iface->mac, false, mac));
	if (is_veth(iface))
		fn_buf_puts(out, " link-netnsid 0");
}

static void put_num(struct fn_buf *out, unsigned width, unsigned long long v)
{
	fn_buf_printf(out, "%*llu ", (int)width, v);
}

static unsigned num_width(unsigned long long v)
{
	unsigned len = 1;

	while (v > 9) {
		v /= 10;
		len++;
	}
	return len;
}

/* The -s block (ip/ipaddress.c: print_stats64), without a final line break: columns widen
 * to the largest value. */
static void put_link_stats(const struct fn_iface *iface, int level, struct fn_buf *out)
{
	const struct fn_iface_stats *s = &iface->stats;
	unsigned carrier_changes = fn_iface_carrier_changes(iface);
	unsigned cols[] = {10, 7, 6, 7, 7, 7, 10};
	unsigned long long rx[] = {s->rx_bytes, s->rx_packets};
	unsigned long long tx[] = {s->tx_bytes, s->tx_packets};

	for (int i = 0; i < 2; i++) {
		if (num_width(rx[i]) > cols[i])
			cols[i] = num_width(rx[i]);
		if (num_width(tx[i]) > cols[i])
			cols[i] = num_width(tx[i]);
	}
	if (level > 1 && num_width(carrier_changes) > cols[5])
		cols[5] = num_width(carrier_changes);

	fn_buf_printf(out, "    RX: %*s %*s %*s %*s %*s %*s %*s\n    ", cols[0] - 4, "bytes",
		      cols[1], "packets", cols[2], "errors", cols[3], "dropped", cols[4], "missed",
		      cols[5], "mcast", cols[6], "");
	put_num(out, cols[0], s->rx_bytes);
	put_num(out, cols[1], s->rx_packets);
	for (int i = 2; i < 6; i++)
		put_num(out, cols[i], 0);
	if (level > 1) {
		fn_buf_printf(out, "\n    RX errors: %*s %*s %*s %*s %*s\n    %*s ", cols[1],
			      "length", cols[2], "crc", cols[3], "frame", cols[4], "fifo", cols[5],
			      "overrun", cols[0], "");
		for (int i = 1; i < 6; i++)
			put_num(out, cols[i], 0);
	}
	fn_buf_printf(out, "\n    TX: %*s %*s %*s %*s %*s %*s %*s\n    ", cols[0] - 4, "bytes",
		      cols[1], "packets", cols[2], "errors", cols[3], "dropped", cols[4], "carrier",
		      cols[5], "collsns", cols[6], "");
	put_num(out, cols[0], s->tx_bytes);
	put_num(out, cols[1], s->tx_packets);
	for (int i = 2; i < 6; i++)
		put_num(out, cols[i], 0);
	if (level > 1) {
		fn_buf_printf(out, "\n    TX errors: %*s %*s %*s %*s %*s\n    %*s ", cols[1],
			      "aborted", cols[2], "fifo", cols[3], "window", cols[4], "heartbt",
			      cols[5], "transns", cols[0], "");
		for (int i = 1; i < 5; i++)
			put_num(out, cols[i], 0);
		put_num(out, cols[5], carrier_changes);
	}
}

/* Ends a record: with -o its inner line breaks become '\', as ip's _SL_ does. */
static void end_record(struct fn_buf *out, size_t start, bool oneline)
{
	if (oneline)
		for (size_t i = start; i < out->len; i++)
			if (out->data[i] == '\n')
				out->data[i] = '\\';
	fn_buf_puts(out, "\n");
}

static void put_brief_name(const struct fn_iface *iface, bool inet6_dump, struct fn_buf *out)
{
	struct fn_buf name;

	fn_buf_init(&name);
	put_ifname(iface, inet6_dump, &name);
	fn_buf_printf(out, "%-16s ", name.data);
	fn_buf_free(&name);
}

static void put_brief_state(const struct fn_iface *iface, struct fn_buf *out)
{
	struct fn_buf state;

	fn_buf_init(&state);
	put_operstate(iface, &state);
	fn_buf_printf(out, "%-14s ", state.data);
	fn_buf_free(&state);
}

static void render_link_one(const struct fn_iface *iface, const struct fn_ip_opts *o,
			    struct fn_buf *out)
{
	size_t start = out->len;
	char mac[FN_MAC_STRLEN];

	if (o->brief) {
		put_brief_name(iface, false, out);
		put_brief_state(iface, out);
		fn_buf_printf(out, "%s ", fn_mac_format(&iface->mac, false, mac));
		put_link_flags(iface, out);
		fn_buf_puts(out, " \n");
		return;
	}
	put_link_head(iface, true, false, out);
	fn_buf_puts(out, "\n");
	put_link_address(iface, out);
	if (o->details)
		put_link_details(iface, true, out);
	if (o->stats) {
		fn_buf_puts(out, "\n");
		put_link_stats(iface, o->stats, out);
	}
	end_record(out, start, o->oneline);
}

void render_ip_link(const struct fn_identity *id, const struct fn_ip_opts *o,
		    const struct fn_iface *dev, struct fn_buf *out)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (fn_ip_link_selected(o, dev, &id->ifaces[i]))
			render_link_one(&id->ifaces[i], o, out);
}

/* One address as `ip addr` prints it: "inet A/P brd B scope S [secondary] LABEL" (IPv4) or
 * "inet6 A/P scope S [nodad] " (IPv6), without the leading indentation. */
static void put_addr_words(const struct fn_iface *iface, const struct fn_cidr *a,
			   struct fn_buf *out)
{
	char ip[FN_IP_STRLEN];

	fn_buf_printf(out, "%s %s/%u ", a->ip.family == AF_INET ? "inet" : "inet6",
		      fn_ip_format(&a->ip, ip), a->prefix);
	if (fn_iface_addr_has_broadcast(iface, a)) {
		struct fn_ip brd = fn_cidr_broadcast(a);

		fn_buf_printf(out, "brd %s ", fn_ip_format(&brd, ip));
	}
	fn_buf_printf(out, "scope %s ", fn_ip_scope_name(fn_addr_scope(a)));
	if (a->ip.family == AF_INET) {
		if (fn_iface_addr_secondary(iface, a))
			fn_buf_puts(out, "secondary ");
		fn_buf_puts(out, iface->name);
		return;
	}
	if (fn_iface_addr_nodad(iface, a))
		fn_buf_puts(out, "nodad ");
	if (fn_iface_addr_tentative(iface, a))
		fn_buf_puts(out, "tentative ");
}

static const char lifetime_line[] = "       valid_lft forever preferred_lft forever";

size_t fn_ip_addrs_of(const struct fn_iface *iface, int family, struct fn_cidr *out)
{
	size_t n = 0, n6;

	if (family != AF_INET6)
		n = iface_addrs(iface, AF_INET, out);
	if (family != AF_INET) {
		n6 = fn_iface_addrs(iface, AF_INET6, out + n, MAX_ADDRS - n);
		n += n6 < MAX_ADDRS - n ? n6 : MAX_ADDRS - n;
	}
	return n;
}

static void render_addr_brief(const struct fn_iface *iface, const struct fn_ip_opts *o,
			      const struct fn_cidr *addrs, size_t n, bool inet6_dump,
			      struct fn_buf *out)
{
	char ip[FN_IP_STRLEN];

	put_brief_name(iface, inet6_dump, out);
	put_brief_state(iface, out);
	for (size_t i = 0; i < n; i++)
		if (fn_ip_addr_selected(o, &addrs[i]))
			fn_buf_printf(out, "%s/%u ", fn_ip_format(&addrs[i].ip, ip),
				      addrs[i].prefix);
	fn_buf_puts(out, "\n");
}

static void render_addr_oneline(const struct fn_iface *iface, const struct fn_ip_opts *o,
				const struct fn_cidr *addrs, size_t n, struct fn_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!fn_ip_addr_selected(o, &addrs[i]))
			continue;
		fn_buf_printf(out, "%d: %s    ", iface->ifindex, iface->name);
		put_addr_words(iface, &addrs[i], out);
		fn_buf_printf(out, "\\%s\n", lifetime_line);
	}
}

/* `ip -6 addr` without a device lists links from the IPv6 link dump, whose header is short;
 * with a device (or -4) ip asks for the full link. */
static void render_addr_one(const struct fn_iface *iface, const struct fn_ip_opts *o,
			    bool inet6_dump, struct fn_buf *out)
{
	struct fn_cidr addrs[MAX_ADDRS];
	size_t n = fn_ip_addrs_of(iface, o->family, addrs);

	/* With a family or scope filter, ip hides interfaces that have no address passing it. */
	if ((o->family != AF_UNSPEC || o->scope_given) && fn_ip_addrs_selected(o, addrs, n) == 0)
		return;
	if (o->brief) {
		render_addr_brief(iface, o, addrs, n, inet6_dump, out);
		return;
	}
	if (o->oneline) {
		render_addr_oneline(iface, o, addrs, n, out);
		return;
	}
	put_link_head(iface, false, inet6_dump, out);
	if (o->family == AF_UNSPEC) {
		fn_buf_puts(out, "\n");
		put_link_address(iface, out);
		if (o->details)
			put_link_details(iface, false, out);
	} else if (!inet6_dump && is_veth(iface)) {
		/* Without the link/ether line, the peer's namespace id ends the first line. */
		fn_buf_puts(out, " link-netnsid 0");
	}
	fn_buf_puts(out, "\n");
	for (size_t i = 0; i < n; i++) {
		if (!fn_ip_addr_selected(o, &addrs[i]))
			continue;
		fn_buf_puts(out, "    ");
		put_addr_words(iface, &addrs[i], out);
		fn_buf_printf(out, "\n%s\n", lifetime_line);
	}
	if (o->stats) {
		put_link_stats(iface, o->stats, out);
		fn_buf_puts(out, "\n");
	}
}

void render_ip_addr(const struct fn_identity *id, const struct fn_ip_opts *o,
		    const struct fn_iface *dev, struct fn_buf *out)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (fn_ip_link_selected(o, dev, &id->ifaces[i]))
			render_addr_one(&id->ifaces[i], o, !dev && o->family == AF_INET6, out);
}

const char *fn_ip_iface_name(const struct fn_identity *id, int ifindex)
{
	const struct fn_iface *iface = fn_identity_iface_by_index(id, ifindex);

	return iface ? iface->name : "?";
}

const char *fn_ip_proto_name(enum fn_rt_proto proto)
{
	switch (proto) {
	case FN_PROTO_KERNEL:
		return "kernel";
	case FN_PROTO_BOOT:
	default:
		return "boot";
	}
}

const char *fn_ip_route_type_name(enum fn_rt_type type)
{
	switch (type) {
	case FN_RT_LOCAL:
		return "local";
	case FN_RT_BROADCAST:
		return "broadcast";
	case FN_RT_MULTICAST:
		return "multicast";
	case FN_RT_UNREACHABLE:
		return "unreachable";
	case FN_RT_UNICAST:
	default:
		return "unicast";
	}
}

/* One `ip route` line (ip/iproute.c: print_route). IPv4 words each end with a space; IPv6
 * lines end with "pref medium" and no space. */
static void put_route(const struct fn_identity *id, const struct fn_rt *rt,
		      const struct fn_ip_opts *o, const struct fn_iface *dev, struct fn_buf *out)
{
	char ip[FN_IP_STRLEN];
	bool v6 = rt->dst.ip.family == AF_INET6;
	unsigned host_len = v6 ? 128 : 32;

	if (o->details || rt->type != FN_RT_UNICAST)
		fn_buf_printf(out, "%s ", fn_ip_route_type_name(rt->type));
	if (rt->dst.prefix == 0)
		fn_buf_puts(out, "default ");
	else if (rt->dst.prefix == host_len)
		fn_buf_printf(out, "%s ", fn_ip_format(&rt->dst.ip, ip));
	else
		fn_buf_printf(out, "%s/%u ", fn_ip_format(&rt->dst.ip, ip), rt->dst.prefix);
	if (rt->has_gw)
		fn_buf_printf(out, "via %s ", fn_ip_format(&rt->gw, ip));
	if (!dev)
		fn_buf_printf(out, "dev %s ", fn_ip_iface_name(id, rt->ifindex));
	if (rt->proto != FN_PROTO_BOOT || o->details)
		fn_buf_printf(out, "proto %s ", fn_ip_proto_name(rt->proto));
	if (rt->scope != FN_SCOPE_UNIVERSE || o->details)
		fn_buf_printf(out, "scope %s ", fn_ip_scope_name(rt->scope));
	if (rt->has_src && !v6)
		fn_buf_printf(out, "src %s ", fn_ip_format(&rt->src, ip));
	if (v6) {
		fn_buf_printf(out, "metric %u pref medium\n", rt->metric);
		return;
	}
	if (rt->metric)
		fn_buf_printf(out, "metric %u ", rt->metric);
	fn_buf_puts(out, "\n");
}

bool fn_ip_route_selected(const struct fn_rt *rt, bool default_only, const struct fn_iface *dev)
{
	/* The IPv6 null entry shows in /proc/net/ipv6_route but never in a dump. */
	if (rt->local_table || rt->type == FN_RT_UNREACHABLE)
		return false;
	if (default_only && rt->dst.prefix != 0)
		return false;
	return !dev || rt->ifindex == dev->ifindex;
}

void render_ip_route(const struct fn_identity *id, const struct fn_ip_opts *o, bool default_only,
		     const struct fn_iface *dev, struct fn_buf *out)
{
	struct fn_rtable t = {0};

	if (o->family == AF_INET6)
		fn_routes_ipv6(id, &t);
	else
		fn_routes_ipv4(id, &t);
	for (size_t i = 0; i < t.n; i++)
		if (fn_ip_route_selected(&t.v[i], default_only, dev))
			put_route(id, &t.v[i], o, dev, out);
	fn_rtable_free(&t);
}

bool fn_ip_nud_has_lladdr(enum fn_nud state)
{
	return state != FN_NUD_INCOMPLETE && state != FN_NUD_FAILED;
}

unsigned fn_ip_neigh_refcnt(enum fn_nud state)
{
	return state == FN_NUD_REACHABLE || state == FN_NUD_DELAY || state == FN_NUD_PROBE ||
	       state == FN_NUD_INCOMPLETE;
}

bool fn_ip_neigh_selected(const struct fn_ip_opts *o, const struct fn_neighbor *nb,
			  const struct fn_iface *dev)
{
	if (o->family != AF_UNSPEC && nb->ip.family != o->family)
		return false;
	if (dev && nb->ifindex != dev->ifindex)
		return false;
	if (o->to_given && !fn_cidr_contains(&o->to, &nb->ip))
		return false;
	return o->nud < 0 || nb->state == (enum fn_nud)o->nud;
}

void render_ip_neigh(const struct fn_identity *id, const struct fn_ip_opts *o,
		     const struct fn_iface *dev, struct fn_buf *out)
{
	struct fn_neighbor *table = NULL;
	size_t n = fn_neighbor_table(id, &table);
	char ip[FN_IP_STRLEN], mac[FN_MAC_STRLEN];

	for (size_t i = 0; i < n; i++) {
		const struct fn_neighbor *nb = &table[i];

		if (!fn_ip_neigh_selected(o, nb, dev))
			continue;
		fn_buf_printf(out, "%s ", fn_ip_format(&nb->ip, ip));
		if (!dev)
			fn_buf_printf(out, "dev %s ", fn_ip_iface_name(id, nb->ifindex));
		if (fn_ip_nud_has_lladdr(nb->state))
			fn_buf_printf(out, "lladdr %s ", fn_mac_format(&nb->mac, false, mac));
		/* A fake table never ages: every timer reads zero. */
		if (o->stats && fn_ip_neigh_refcnt(nb->state))
			fn_buf_printf(out, " ref %u", fn_ip_neigh_refcnt(nb->state));
		if (o->stats)
			fn_buf_puts(out, " used 0/0/0probes 0 ");
		fn_buf_printf(out, "%s \n", fn_nud_name(nb->state));
	}
	free(table);
}

/* The kernel answers for its own addresses from table local, through lo. */
bool fn_ip_is_local_address(const struct fn_identity *id, const struct fn_ip *dst)
{
	struct fn_cidr addrs[MAX_ADDRS];

	if (dst->family == AF_INET && dst->bytes[0] == 127)
		return true;
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		size_t n;

		if (!iface->up)
			continue;
		n = iface_addrs(iface, dst->family, addrs);
		for (size_t j = 0; j < n; j++)
			if (fn_ip_equal(&addrs[j].ip, dst))
				return true;
	}
	return false;
}

static bool route_get_local(const struct fn_identity *id, const struct fn_ip *dst, uid_t uid,
			    struct fn_buf *out)
{
	char ip[FN_IP_STRLEN];

	fn_ip_format(dst, ip);
	if (dst->family == AF_INET6) {
		fn_buf_printf(out,
			      "local %s from :: dev lo proto kernel src %s metric 0 pref medium\n",
			      ip, ip);
		return true;
	}
	fn_buf_printf(out, "local %s dev lo src %s uid %u \n    cache <local> \n", ip, ip,
		      (unsigned)uid);
	return true;
}

bool render_ip_route_get(const struct fn_identity *id, const struct fn_ip *dst, uid_t uid,
			 struct fn_buf *out)
{
	struct fn_rt rt;
	struct fn_ip src;
	char ip[FN_IP_STRLEN];

	if (fn_ip_is_local_address(id, dst))
		return route_get_local(id, dst, uid, out);
	if (!fn_route_lookup(id, dst, &rt, &src))
		return false;
	fn_buf_printf(out, "%s ", fn_ip_format(dst, ip));
	if (dst->family == AF_INET6) {
		fn_buf_puts(out, "from :: ");
		if (rt.has_gw)
			fn_buf_printf(out, "via %s ", fn_ip_format(&rt.gw, ip));
		fn_buf_printf(out, "dev %s proto %s src %s metric %u pref medium\n",
			      fn_ip_iface_name(id, rt.ifindex), fn_ip_proto_name(rt.proto),
			      fn_ip_format(&src, ip), rt.metric);
		return true;
	}
	if (rt.has_gw)
		fn_buf_printf(out, "via %s ", fn_ip_format(&rt.gw, ip));
	fn_buf_printf(out, "dev %s src %s uid %u \n    cache \n", fn_ip_iface_name(id, rt.ifindex),
		      fn_ip_format(&src, ip), (unsigned)uid);
	return true;
}
