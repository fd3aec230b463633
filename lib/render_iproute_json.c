/* `ip -j`: the same facts as the text listings (render_iproute.c), in the members and order
 * iproute2 6.1 prints (ip/ipaddress.c, iproute.c, ipneigh.c in JSON context). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "netaddr.h"
#include "render_iproute_json.h"
#include "util.h"

#define LIFETIME_FOREVER 4294967295u

static bool is_veth(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_VETH;
}

static void put_ip(struct fn_jw *w, const char *name, const struct fn_ip *ip)
{
	char text[FN_IP_STRLEN];

	fn_jw_kv_str(w, name, fn_ip_format(ip, text));
}

static void put_mac(struct fn_jw *w, const char *name, const struct fn_mac *mac)
{
	char text[FN_MAC_STRLEN];

	fn_jw_kv_str(w, name, fn_mac_format(mac, false, text));
}

static void put_words(struct fn_jw *w, const char *name, const char *const *words, size_t n)
{
	fn_jw_kv_array(w, name);
	for (size_t i = 0; i < n; i++)
		fn_jw_string(w, words[i]);
	fn_jw_end_array(w);
}

static void put_flags(struct fn_jw *w, const struct fn_iface *iface)
{
	const char *words[FN_LINK_FLAG_WORDS_MAX];

	put_words(w, "flags", words, fn_iface_link_flag_words(iface, words));
}

static void put_operstate(struct fn_jw *w, const struct fn_iface *iface)
{
	char state[16];

	fn_jw_kv_str(w, "operstate", fn_ip_operstate(iface, state, sizeof(state)));
}

/* A veth's peer index ("eth0@if2" in text); the IPv6 link dump carries it only when it differs. */
static void put_link_index(struct fn_jw *w, const struct fn_iface *iface, bool inet6_dump)
{
	if (is_veth(iface) && (!inet6_dump || iface->iflink != iface->ifindex))
		fn_jw_kv_int(w, "link_index", iface->iflink);
}

static void put_link_address(struct fn_jw *w, const struct fn_iface *iface)
{
	struct fn_mac brd = fn_iface_hw_broadcast(iface);

	fn_jw_kv_str(w, "link_type", iface->kind == FN_KIND_LOOPBACK ? "loopback" : "ether");
	put_mac(w, "address", iface->kind == FN_KIND_LOOPBACK ? &brd : &iface->mac);
	put_mac(w, "broadcast", &brd);
	if (is_veth(iface))
		fn_jw_kv_int(w, "link_netnsid", 0);
}

static void put_details(struct fn_jw *w, const struct fn_iface *iface, bool with_addrgenmode)
{
	unsigned min_mtu, max_mtu, queues = fn_iface_num_queues(iface);
	bool eui64 = iface->kind == FN_KIND_LOOPBACK || iface->ipv6_link_local;

	fn_iface_mtu_range(iface, &min_mtu, &max_mtu);
	fn_jw_kv_uint(w, "promiscuity", 0);
	fn_jw_kv_uint(w, "allmulti", 0);
	fn_jw_kv_uint(w, "min_mtu", min_mtu);
	fn_jw_kv_uint(w, "max_mtu", max_mtu);
	if (is_veth(iface)) {
		fn_jw_kv_object(w, "linkinfo");
		fn_jw_kv_str(w, "info_kind", "veth");
		fn_jw_end_object(w);
	}
	if (with_addrgenmode)
		fn_jw_kv_str(w, "inet6_addr_gen_mode", eui64 ? "eui64" : "none");
	fn_jw_kv_uint(w, "num_tx_queues", queues);
	fn_jw_kv_uint(w, "num_rx_queues", queues);
	fn_jw_kv_uint(w, "gso_max_size", 65536);
	fn_jw_kv_uint(w, "gso_max_segs", 65535);
	fn_jw_kv_uint(w, "tso_max_size", iface->kind == FN_KIND_ETHERNET ? 65536 : 524280);
	fn_jw_kv_uint(w, "tso_max_segs", 65535);
	fn_jw_kv_uint(w, "gro_max_size", 65536);
	if (iface->kind == FN_KIND_ETHERNET || iface->kind == FN_KIND_WIRELESS) {
		fn_jw_kv_str(w, "parentbus", "pci");
		fn_jw_kv_str(w, "parentdev", iface->pci_slot);
	}
}

/* print_stats64: level 2 (-s -s) adds the error breakdown and the carrier changes. */
static void put_stats(struct fn_jw *w, const struct fn_iface *iface, int level)
{
	static const char *const rx_more[] = {"length_errors", "crc_errors", "frame_errors",
					      "fifo_errors", "missed_errors"};
	static const char *const tx_more[] = {"aborted_errors", "fifo_errors", "window_errors",
					      "heartbeat_errors"};
	const struct fn_iface_stats *s = &iface->stats;

	fn_jw_kv_object(w, "stats64");
	fn_jw_kv_object(w, "rx");
	fn_jw_kv_uint(w, "bytes", s->rx_bytes);
	fn_jw_kv_uint(w, "packets", s->rx_packets);
	fn_jw_kv_uint(w, "errors", 0);
	fn_jw_kv_uint(w, "dropped", 0);
	fn_jw_kv_uint(w, "over_errors", 0);
	fn_jw_kv_uint(w, "multicast", 0);
	for (size_t i = 0; level > 1 && i < N_ELEMENTS(rx_more); i++)
		fn_jw_kv_uint(w, rx_more[i], 0);
	fn_jw_end_object(w);
	fn_jw_kv_object(w, "tx");
	fn_jw_kv_uint(w, "bytes", s->tx_bytes);
	fn_jw_kv_uint(w, "packets", s->tx_packets);
	fn_jw_kv_uint(w, "errors", 0);
	fn_jw_kv_uint(w, "dropped", 0);
	fn_jw_kv_uint(w, "carrier_errors", 0);
	fn_jw_kv_uint(w, "collisions", 0);
	for (size_t i = 0; level > 1 && i < N_ELEMENTS(tx_more); i++)
		fn_jw_kv_uint(w, tx_more[i], 0);
	if (level > 1)
		fn_jw_kv_uint(w, "carrier_changes", fn_iface_carrier_changes(iface));
	fn_jw_end_object(w);
	fn_jw_end_object(w);
}

/* The members before the addresses. The IPv6 link dump (ip -6 addr, all links) has no qdisc,
 * group or link address; a family filter drops the link address. */
static void put_link_head(struct fn_jw *w, const struct fn_iface *iface, const struct fn_ip_opts *o,
			  bool link_cmd, bool inet6_dump)
{
	fn_jw_kv_int(w, "ifindex", iface->ifindex);
	put_link_index(w, iface, inet6_dump);
	fn_jw_kv_str(w, "ifname", iface->name);
	put_flags(w, iface);
	fn_jw_kv_uint(w, "mtu", iface->mtu);
	if (inet6_dump) {
		put_operstate(w, iface);
		fn_jw_kv_uint(w, "txqlen", fn_iface_txqueuelen(iface));
		return;
	}
	fn_jw_kv_str(w, "qdisc", fn_iface_qdisc(iface));
	put_operstate(w, iface);
	if (link_cmd)
		fn_jw_kv_str(w, "linkmode", fn_iface_link_mode(iface) ? "DORMANT" : "DEFAULT");
	fn_jw_kv_str(w, "group", "default");
	fn_jw_kv_uint(w, "txqlen", fn_iface_txqueuelen(iface));
	if (link_cmd || o->family == AF_UNSPEC) {
		put_link_address(w, iface);
		if (o->details)
			put_details(w, iface, link_cmd);
	} else if (is_veth(iface)) {
		fn_jw_kv_int(w, "link_netnsid", 0);
	}
}

static void begin(struct fn_jw *w, const struct fn_ip_opts *o, struct fn_buf *out)
{
	fn_jw_init(w, out, o->pretty);
	fn_jw_start_array(w);
}

static void finish(struct fn_jw *w)
{
	fn_jw_end_array(w);
	fn_jw_finish(w);
}

static void link_brief(struct fn_jw *w, const struct fn_iface *iface)
{
	put_link_index(w, iface, false);
	fn_jw_kv_str(w, "ifname", iface->name);
	put_operstate(w, iface);
	put_mac(w, "address", &iface->mac);
	put_flags(w, iface);
}

/* `show up` filters a link after ip has opened its object: a link that is down stays as {}. */
static bool empty_when_down(struct fn_jw *w, const struct fn_ip_opts *o, const struct fn_iface *dev,
			    const struct fn_iface *iface)
{
	struct fn_ip_opts any_state = *o;

	any_state.up_only = false;
	if (!o->up_only || iface->up || !fn_ip_link_selected(&any_state, dev, iface))
		return false;
	fn_jw_start_object(w);
	fn_jw_end_object(w);
	return true;
}

void render_ip_link_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			 const struct fn_iface *dev, struct fn_buf *out)
{
	struct fn_jw w;

	begin(&w, o, out);
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];

		if (empty_when_down(&w, o, dev, iface) || !fn_ip_link_selected(o, dev, iface))
			continue;
		fn_jw_start_object(&w);
		if (o->brief) {
			link_brief(&w, iface);
		} else {
			put_link_head(&w, iface, o, true, false);
			if (o->stats)
				put_stats(&w, iface, o->stats);
		}
		fn_jw_end_object(&w);
	}
	finish(&w);
}

/* One member of addr_info (print_addrinfo); one left out by `scope` stays as an empty object, as
 * iproute2 opens it before it filters. */
static void put_addr(struct fn_jw *w, const struct fn_iface *iface, const struct fn_ip_opts *o,
		     const struct fn_cidr *a)
{
	fn_jw_start_object(w);
	if (!fn_ip_addr_selected(o, a)) {
		fn_jw_end_object(w);
		return;
	}
	fn_jw_kv_str(w, "family", a->ip.family == AF_INET ? "inet" : "inet6");
	put_ip(w, "local", &a->ip);
	fn_jw_kv_uint(w, "prefixlen", a->prefix);
	if (fn_iface_addr_has_broadcast(iface, a)) {
		struct fn_ip brd = fn_cidr_broadcast(a);

		put_ip(w, "broadcast", &brd);
	}
	fn_jw_kv_str(w, "scope", fn_ip_scope_name(fn_addr_scope(a)));
	if (fn_iface_addr_secondary(iface, a))
		fn_jw_kv_true(w, "secondary");
	if (fn_iface_addr_nodad(iface, a))
		fn_jw_kv_true(w, "nodad");
	if (fn_iface_addr_tentative(iface, a))
		fn_jw_kv_true(w, "tentative");
	if (a->ip.family == AF_INET)
		fn_jw_kv_str(w, "label", iface->name);
	fn_jw_kv_uint(w, "valid_life_time", LIFETIME_FOREVER);
	fn_jw_kv_uint(w, "preferred_life_time", LIFETIME_FOREVER);
	fn_jw_end_object(w);
}

static void addr_brief(struct fn_jw *w, const struct fn_iface *iface, const struct fn_ip_opts *o,
		       const struct fn_cidr *addrs, size_t n, bool inet6_dump)
{
	put_link_index(w, iface, inet6_dump);
	fn_jw_kv_str(w, "ifname", iface->name);
	put_operstate(w, iface);
	fn_jw_kv_array(w, "addr_info");
	for (size_t i = 0; i < n; i++) {
		if (!fn_ip_addr_selected(o, &addrs[i]))
			continue;
		fn_jw_start_object(w);
		put_ip(w, "local", &addrs[i].ip);
		fn_jw_kv_uint(w, "prefixlen", addrs[i].prefix);
		fn_jw_end_object(w);
	}
	fn_jw_end_array(w);
}

static void addr_one(struct fn_jw *w, const struct fn_iface *iface, const struct fn_ip_opts *o,
		     bool inet6_dump)
{
	struct fn_cidr addrs[FN_IP_MAX_ADDRS];
	size_t n = fn_ip_addrs_of(iface, o->family, addrs);

	if ((o->family != AF_UNSPEC || o->scope_given) && fn_ip_addrs_selected(o, addrs, n) == 0)
		return;
	fn_jw_start_object(w);
	if (o->brief) {
		addr_brief(w, iface, o, addrs, n, inet6_dump);
		fn_jw_end_object(w);
		return;
	}
	put_link_head(w, iface, o, false, inet6_dump);
	fn_jw_kv_array(w, "addr_info");
	for (size_t i = 0; i < n; i++)
		put_addr(w, iface, o, &addrs[i]);
	fn_jw_end_array(w);
	if (o->stats)
		put_stats(w, iface, o->stats);
	fn_jw_end_object(w);
}

void render_ip_addr_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			 const struct fn_iface *dev, struct fn_buf *out)
{
	struct fn_jw w;

	begin(&w, o, out);
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (!empty_when_down(&w, o, dev, &id->ifaces[i]) &&
		    fn_ip_link_selected(o, dev, &id->ifaces[i]))
			addr_one(&w, &id->ifaces[i], o, !dev && o->family == AF_INET6);
	finish(&w);
}

static void put_dst(struct fn_jw *w, const struct fn_cidr *dst)
{
	char ip[FN_IP_STRLEN], text[FN_IP_STRLEN + 8];
	unsigned host_len = dst->ip.family == AF_INET6 ? 128 : 32;

	if (dst->prefix == 0) {
		fn_jw_kv_str(w, "dst", "default");
		return;
	}
	fn_ip_format(&dst->ip, ip);
	if (dst->prefix == host_len)
		snprintf(text, sizeof(text), "%s", ip);
	else
		snprintf(text, sizeof(text), "%s/%u", ip, dst->prefix);
	fn_jw_kv_str(w, "dst", text);
}

static void put_empty_array(struct fn_jw *w, const char *name)
{
	fn_jw_kv_array(w, name);
	fn_jw_end_array(w);
}

static void put_route(struct fn_jw *w, const struct fn_identity *id, const struct fn_rt *rt,
		      const struct fn_ip_opts *o, const struct fn_iface *dev)
{
	bool v6 = rt->dst.ip.family == AF_INET6;

	fn_jw_start_object(w);
	if (o->details || rt->type != FN_RT_UNICAST)
		fn_jw_kv_str(w, "type", fn_ip_route_type_name(rt->type));
	put_dst(w, &rt->dst);
	if (rt->has_gw)
		put_ip(w, "gateway", &rt->gw);
	if (!dev)
		fn_jw_kv_str(w, "dev", fn_ip_iface_name(id, rt->ifindex));
	if (rt->proto != FN_PROTO_BOOT || o->details)
		fn_jw_kv_str(w, "protocol", fn_ip_proto_name(rt->proto));
	if (rt->scope != FN_SCOPE_UNIVERSE || o->details)
		fn_jw_kv_str(w, "scope", fn_ip_scope_name(rt->scope));
	if (rt->has_src && !v6)
		put_ip(w, "prefsrc", &rt->src);
	if (v6 || rt->metric)
		fn_jw_kv_uint(w, "metric", rt->metric);
	put_empty_array(w, "flags");
	if (v6)
		fn_jw_kv_str(w, "pref", "medium");
	fn_jw_end_object(w);
}

void render_ip_route_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			  bool default_only, const struct fn_iface *dev, struct fn_buf *out)
{
	struct fn_rtable t = {0};
	struct fn_jw w;

	if (o->family == AF_INET6)
		fn_routes_ipv6(id, &t);
	else
		fn_routes_ipv4(id, &t);
	begin(&w, o, out);
	for (size_t i = 0; i < t.n; i++)
		if (fn_ip_route_selected(&t.v[i], default_only, dev))
			put_route(&w, id, &t.v[i], o, dev);
	finish(&w);
	fn_rtable_free(&t);
}

void render_ip_neigh_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			  const struct fn_iface *dev, struct fn_buf *out)
{
	struct fn_neighbor *table = NULL;
	size_t n = fn_neighbor_table(id, &table);
	struct fn_jw w;

	begin(&w, o, out);
	for (size_t i = 0; i < n; i++) {
		const struct fn_neighbor *nb = &table[i];
		const char *state = fn_nud_name(nb->state);

		if (!fn_ip_neigh_selected(o, nb, dev))
			continue;
		fn_jw_start_object(&w);
		put_ip(&w, "dst", &nb->ip);
		if (!dev)
			fn_jw_kv_str(&w, "dev", fn_ip_iface_name(id, nb->ifindex));
		if (fn_ip_nud_has_lladdr(nb->state))
			put_mac(&w, "lladdr", &nb->mac);
		if (o->stats) {
			/* A fake table never ages: every timer reads zero. */
			if (fn_ip_neigh_refcnt(nb->state))
				fn_jw_kv_uint(&w, "refcnt", fn_ip_neigh_refcnt(nb->state));
			fn_jw_kv_uint(&w, "used", 0);
			fn_jw_kv_uint(&w, "confirmed", 0);
			fn_jw_kv_uint(&w, "updated", 0);
			fn_jw_kv_uint(&w, "probes", 0);
		}
		put_words(&w, "state", &state, 1);
		fn_jw_end_object(&w);
	}
	finish(&w);
	free(table);
}

static void route_get_local(struct fn_jw *w, const struct fn_ip *dst, uid_t uid)
{
	static const char *const local[] = {"local"};

	fn_jw_kv_str(w, "type", "local");
	put_ip(w, "dst", dst);
	if (dst->family == AF_INET6) {
		fn_jw_kv_str(w, "from", "::");
		fn_jw_kv_str(w, "dev", "lo");
		fn_jw_kv_str(w, "table", "local");
		fn_jw_kv_str(w, "protocol", "kernel");
		put_ip(w, "prefsrc", dst);
		fn_jw_kv_uint(w, "metric", 0);
		put_empty_array(w, "flags");
		fn_jw_kv_str(w, "pref", "medium");
		return;
	}
	fn_jw_kv_str(w, "dev", "lo");
	put_ip(w, "prefsrc", dst);
	put_empty_array(w, "flags");
	fn_jw_kv_uint(w, "uid", uid);
	put_words(w, "cache", local, 1);
}

static void route_get_remote(struct fn_jw *w, const struct fn_identity *id, const struct fn_ip *dst,
			     const struct fn_rt *rt, const struct fn_ip *src, uid_t uid)
{
	put_ip(w, "dst", dst);
	if (dst->family == AF_INET6)
		fn_jw_kv_str(w, "from", "::");
	if (rt->has_gw)
		put_ip(w, "gateway", &rt->gw);
	fn_jw_kv_str(w, "dev", fn_ip_iface_name(id, rt->ifindex));
	if (dst->family == AF_INET6) {
		fn_jw_kv_str(w, "protocol", fn_ip_proto_name(rt->proto));
		put_ip(w, "prefsrc", src);
		fn_jw_kv_uint(w, "metric", rt->metric);
		put_empty_array(w, "flags");
		fn_jw_kv_str(w, "pref", "medium");
		return;
	}
	put_ip(w, "prefsrc", src);
	put_empty_array(w, "flags");
	fn_jw_kv_uint(w, "uid", uid);
	put_empty_array(w, "cache");
}

bool render_ip_route_get_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			      const struct fn_ip *dst, uid_t uid, struct fn_buf *out)
{
	bool local = fn_ip_is_local_address(id, dst);
	struct fn_rt rt;
	struct fn_ip src;
	struct fn_jw w;

	if (!local && !fn_route_lookup(id, dst, &rt, &src))
		return false;
	begin(&w, o, out);
	fn_jw_start_object(&w);
	if (local)
		route_get_local(&w, dst, uid);
	else
		route_get_remote(&w, id, dst, &rt, &src, uid);
	fn_jw_end_object(&w);
	finish(&w);
	return true;
}

void render_ip_rule_json(const struct fn_ip_opts *o, struct fn_buf *out)
{
	static const struct {
		unsigned prio;
		const char *table;
	} rules[] = {{0, "local"}, {32766, "main"}, {32767, "default"}};
	size_t n = o->family == AF_INET6 ? 2 : 3;
	struct fn_jw w;

	begin(&w, o, out);
	for (size_t i = 0; i < n; i++) {
		fn_jw_start_object(&w);
		fn_jw_kv_uint(&w, "priority", rules[i].prio);
		fn_jw_kv_str(&w, "src", "all");
		fn_jw_kv_str(&w, "table", rules[i].table);
		fn_jw_end_object(&w);
	}
	finish(&w);
}
