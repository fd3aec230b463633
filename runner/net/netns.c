/* --net isolated, nat and filtered: builds the identity's network namespace over rtnetlink (no `ip`
 * needed on the target machine). Links are veth pairs whose peers sit in a second namespace only
 * the runner holds (the gateway namespace), so both disappear with the runner. The target's
 * namespace holds the identity and nothing else: no policy rule, no nftables table. Every policy
 * is the gateway namespace's, out of the target's reach: it answers the target's neighbour
 * requests (neighd.c), refuses at once on ingress what may not go on (nftables.c), serves the
 * resolver's addresses, and under nat and filtered forwards the allowlist to pasta (filtered.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/sockios.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/veth.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asker.h"
#include "derive.h"
#include "netaddr.h"
#include "connlog.h"
#include "dns.h"
#include "neighd.h"
#include "netns.h"
#include "publish.h"
#include "nftables.h"
#include "rtnl.h"
#include "util.h"

#define LINK_SETTLE_WAIT_MS 8000

static int write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int set_iface_sysctl(const char *iface, const char *key, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", iface, key);
	return write_sysctl(path, value);
}

static int open_netns_self(void)
{
	return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

/* A new namespace for the calling thread, returned as an fd, or -errno. */
static int new_netns(void)
{
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	fd = open_netns_self();
	return fd < 0 ? -errno : fd;
}

/* The calling thread joins an existing namespace, returned as a descriptor of its own. */
static int join_netns(int ns_fd)
{
	int fd;

	if (setns(ns_fd, CLONE_NEWNET) < 0)
		return -errno;
	fd = open_netns_self();
	return fd < 0 ? -errno : fd;
}

static int ip_len(const struct fn_ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}

/* The identity's link and its peer in the gateway namespace; the peer of the gateway's link has
 * the gateway's MAC (`peer_mac`), so what the gateway namespace sends there (a refusal, a
 * neighbour answer) comes from the MAC the target knows the gateway by. */
static int link_create(struct fn_rtnl *nl, const struct fn_iface *iface, int peer_ns,
		       const struct fn_mac *peer_mac)
{
	struct fn_nlmsg m;
	struct ifinfomsg *ifi, *peer;
	struct rtattr *info, *data, *pa;
	char peer_name[IFNAMSIZ];

	ifi = fn_nl_start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = iface->ifindex;
	fn_nl_put_str(&m, IFLA_IFNAME, iface->name);
	fn_nl_put(&m, IFLA_ADDRESS, iface->mac.b, sizeof(iface->mac.b));
	fn_nl_put_u32(&m, IFLA_MTU, iface->mtu);
	info = fn_nl_nest_start(&m, IFLA_LINKINFO);
	fn_nl_put_str(&m, IFLA_INFO_KIND, "veth");
	data = fn_nl_nest_start(&m, IFLA_INFO_DATA);
	pa = fn_nl_nest_start(&m, VETH_INFO_PEER);
	peer = fn_nl_reserve(&m, sizeof(*peer));
	peer->ifi_family = AF_UNSPEC;
	peer->ifi_index = iface->iflink; /* what `ip link` shows after the @if */
	snprintf(peer_name, sizeof(peer_name), "p%d", iface->ifindex);
	fn_nl_put_str(&m, IFLA_IFNAME, peer_name);
	if (peer_mac)
		fn_nl_put(&m, IFLA_ADDRESS, peer_mac->b, sizeof(peer_mac->b));
	fn_nl_put_u32(&m, IFLA_MTU, iface->mtu);
	fn_nl_put_u32(&m, IFLA_NET_NS_FD, (uint32_t)peer_ns);
	fn_nl_nest_end(&m, pa);
	fn_nl_nest_end(&m, data);
	fn_nl_nest_end(&m, info);
	return fn_rtnl_talk(nl, &m);
}

/* No generated link-local address; must happen before the link first comes up. */
static int link_addrgen_none(struct fn_rtnl *nl, int ifindex)
{
	struct fn_nlmsg m;
	struct ifinfomsg *ifi = fn_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifi));
	struct rtattr *spec, *inet6;

	ifi->ifi_index = ifindex;
	spec = fn_nl_nest_start(&m, IFLA_AF_SPEC);
	inet6 = fn_nl_nest_start(&m, AF_INET6);
	fn_nl_put_u8(&m, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	fn_nl_nest_end(&m, inet6);
	fn_nl_nest_end(&m, spec);
	return fn_rtnl_talk(nl, &m);
}

static int link_up(struct fn_rtnl *nl, int ifindex)
{
	struct fn_nlmsg m;
	struct ifinfomsg *ifi = fn_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return fn_rtnl_talk(nl, &m);
}

static int addr_add(struct fn_rtnl *nl, const struct fn_iface *iface, const struct fn_cidr *a)
{
	struct fn_nlmsg m;
	struct ifaddrmsg *ifa =
	    fn_nl_start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	int len = ip_len(&a->ip);

	ifa->ifa_family = (uint8_t)a->ip.family;
	ifa->ifa_prefixlen = (uint8_t)a->prefix;
	ifa->ifa_index = (uint32_t)iface->ifindex;
	ifa->ifa_scope = (uint8_t)fn_addr_scope(a);
	if (fn_iface_addr_nodad(iface, a))
		ifa->ifa_flags = IFA_F_NODAD;
	fn_nl_put(&m, IFA_LOCAL, a->ip.bytes, (size_t)len);
	fn_nl_put(&m, IFA_ADDRESS, a->ip.bytes, (size_t)len);
	if (fn_iface_addr_has_broadcast(iface, a)) {
		struct fn_ip brd = fn_cidr_broadcast(a);

		fn_nl_put(&m, IFA_BROADCAST, brd.bytes, 4);
	}
	return fn_rtnl_talk(nl, &m);
}

struct route_spec {
	const struct fn_cidr *dst;
	const struct fn_ip *gw; /* NULL: on link */
	int ifindex;		/* 0: none */
	unsigned metric;
	unsigned table;
	unsigned char type;	 /* RTN_* */
	const struct fn_ip *src; /* preferred source; NULL: the kernel's choice */
};

/* As `ip route add` makes it: proto boot, scope link without a gateway. */
static int route_add(struct fn_rtnl *nl, const struct route_spec *r)
{
	struct fn_nlmsg m;
	struct rtmsg *rt = fn_nl_start(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rt));
	int len = ip_len(&r->dst->ip);

	rt->rtm_family = (uint8_t)r->dst->ip.family;
	rt->rtm_dst_len = (uint8_t)r->dst->prefix;
	rt->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_type = r->type;
	rt->rtm_scope = r->type == RTN_LOCAL ? RT_SCOPE_HOST
			: r->gw		     ? RT_SCOPE_UNIVERSE
					     : RT_SCOPE_LINK;
	if (r->table >= 256)
		fn_nl_put_u32(&m, RTA_TABLE, r->table);
	if (r->dst->prefix)
		fn_nl_put(&m, RTA_DST, r->dst->ip.bytes, (size_t)len);
	if (r->gw)
		fn_nl_put(&m, RTA_GATEWAY, r->gw->bytes, (size_t)len);
	if (r->ifindex)
		fn_nl_put_u32(&m, RTA_OIF, (uint32_t)r->ifindex);
	if (r->metric)
		fn_nl_put_u32(&m, RTA_PRIORITY, r->metric);
	if (r->src)
		fn_nl_put(&m, RTA_PREFSRC, r->src->bytes, (size_t)len);
	return fn_rtnl_talk(nl, &m);
}

static uint16_t nud_state(enum fn_nud s)
{
	static const uint16_t map[] = {
	    [FN_NUD_PERMANENT] = NUD_PERMANENT, [FN_NUD_REACHABLE] = NUD_REACHABLE,
	    [FN_NUD_STALE] = NUD_STALE,		[FN_NUD_DELAY] = NUD_DELAY,
	    [FN_NUD_PROBE] = NUD_PROBE,		[FN_NUD_INCOMPLETE] = NUD_INCOMPLETE,
	    [FN_NUD_FAILED] = NUD_FAILED,	[FN_NUD_NOARP] = NUD_NOARP,
	};
	return map[s];
}

static int neigh_add(struct fn_rtnl *nl, const struct fn_neighbor *n)
{
	struct fn_nlmsg m;
	struct ndmsg *nd = fn_nl_start(&m, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*nd));

	nd->ndm_family = (uint8_t)n->ip.family;
	nd->ndm_ifindex = n->ifindex;
	nd->ndm_state = nud_state(n->state);
	fn_nl_put(&m, NDA_DST, n->ip.bytes, (size_t)ip_len(&n->ip));
	/* The kernel keeps no address for entries still (or again) unresolved. */
	if (n->state != FN_NUD_INCOMPLETE && n->state != FN_NUD_FAILED)
		fn_nl_put(&m, NDA_LLADDR, n->mac.b, sizeof(n->mac.b));
	return fn_rtnl_talk(nl, &m);
}

/* A policy rule: `to` (NULL: all) looked up in `table`, or `action` (FR_ACT_*) for everything. */
static int rule_add(struct fn_rtnl *nl, int family, unsigned prio, const struct fn_ip *to,
		    unsigned table, unsigned char action)
{
	struct fn_nlmsg m;
	struct fib_rule_hdr *fr =
	    fn_nl_start(&m, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*fr));

	fr->family = (uint8_t)family;
	fr->action = action;
	fn_nl_put_u32(&m, FRA_PRIORITY, prio);
	if (to) {
		fr->dst_len = (uint8_t)(ip_len(to) * 8);
		fn_nl_put(&m, FRA_DST, to->bytes, (size_t)ip_len(to));
	}
	if (table) {
		fr->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
		fn_nl_put_u32(&m, FRA_TABLE, table);
	}
	return fn_rtnl_talk(nl, &m);
}

struct settle_probe {
	int ifindex;
	bool multicast_route; /* ff00::/8 on the link: IPv6 has started there */
	bool oper_up;	      /* the link watcher has set the operational state */
};

static void saw_route(const struct nlmsghdr *h, void *arg)
{
	struct settle_probe *p = arg;
	const struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];

	fn_nl_parse(h, sizeof(*rt), tb, RTA_MAX);
	if (rt->rtm_dst_len != 8 || !tb[RTA_DST] || !tb[RTA_OIF])
		return;
	if (((uint8_t *)RTA_DATA(tb[RTA_DST]))[0] == 0xff &&
	    *(int *)RTA_DATA(tb[RTA_OIF]) == p->ifindex)
		p->multicast_route = true;
}

static void saw_link(const struct nlmsghdr *h, void *arg)
{
	struct settle_probe *p = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *tb[IFLA_MAX + 1];

	fn_nl_parse(h, sizeof(*ifi), tb, IFLA_MAX);
	if (ifi->ifi_index == p->ifindex && tb[IFLA_OPERSTATE] &&
	    *(uint8_t *)RTA_DATA(tb[IFLA_OPERSTATE]) == IF_OPER_UP)
		p->oper_up = true;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool link_settled(struct fn_rtnl *nl, int ifindex, bool ipv6)
{
	struct settle_probe p = {.ifindex = ifindex};
	struct fn_nlmsg m;
	struct ifinfomsg *ifi = fn_nl_start(&m, RTM_GETLINK, 0, sizeof(*ifi));
	struct rtmsg *rt;

	ifi->ifi_family = AF_UNSPEC;
	if (fn_rtnl_dump(nl, &m, saw_link, &p) < 0)
		return true;
	if (!ipv6)
		return p.oper_up;
	rt = fn_nl_start(&m, RTM_GETROUTE, 0, sizeof(*rt));
	rt->rtm_family = AF_INET6;
	if (fn_rtnl_dump(nl, &m, saw_route, &p) < 0)
		return true;
	return p.oper_up && p.multicast_route;
}

/* The kernel's link watcher applies a carrier change (operational state, qdisc, the start of IPv6)
 * at once only for a link whose ifindex differs from its iflink, and batches the others for up to
 * a second. Asking a veth for its link state over ethtool makes the watcher apply that link's
 * pending change now (linkwatch_sync_dev), whatever the indexes. `sk` is a socket in the link's
 * namespace. */
static void link_sync(int sk, int ifindex)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_GLINK};
	struct ifreq ifr = {.ifr_ifindex = ifindex};

	if (ioctl(sk, SIOCGIFNAME, &ifr) < 0)
		return;
	ifr.ifr_data = (void *)&ev;
	ioctl(sk, SIOCETHTOOL, &ifr);
}

/* A link comes up in steps the kernel's link watcher takes asynchronously, at most once a second
 * and in no promised order: the operational state (`state UP`, not UNKNOWN) and the start of IPv6
 * on it (ff00::/8, its link-local address). One link at a time keeps the kernel's lists in ifindex
 * order, as on a machine that brought its links up at boot; the target starts only after. */
static void wait_link_settled(struct fn_rtnl *nl, int ifindex)
{
	long deadline = now_ms() + LINK_SETTLE_WAIT_MS;
	bool ipv6 = access("/proc/sys/net/ipv6", F_OK) == 0;

	while (!link_settled(nl, ifindex, ipv6) && now_ms() < deadline)
		usleep(10000);
}

/* The gateway namespace as seen from the target's thread: its rtnetlink and a socket for ioctls. */
struct gateway {
	struct fn_rtnl nl;
	int sk;
	int ready; /* the runner's cue to start pasta; -1 once given */
};

/* pasta's tap takes the gateway namespace's next free ifindex, and each peer asks for the index
 * the identity gives its @ifN: pasta starts only once every peer holds its index. */
static void gateway_ready(struct gateway *gw)
{
	if (gw->ready < 0)
		return;
	if (write(gw->ready, "", 1) < 0)
		fn_warn("starting the egress: %s", strerror(errno));
	gw->ready = -1;
}

static int build_links(struct fn_rtnl *nl, int sk, struct gateway *gw, const struct fn_identity *id,
		       int peer_ns, struct fn_report *rep)
{
	int err;

	if ((err = link_up(nl, 1)))
		return fn_fail(rep, err, "bringing up %s", "lo");
	for (size_t i = 1; i < id->n_ifaces; i++) {
		const struct fn_iface *f = &id->ifaces[i];

		bool gw_link = id->has_gateway && id->gateway_ifindex == f->ifindex;

		if ((err = link_create(nl, f, peer_ns, gw_link ? &id->gateway_mac : NULL)))
			return fn_fail(rep, err, "creating the veth link %s", f->name);
		if (!f->ipv6_link_local && (err = link_addrgen_none(nl, f->ifindex)))
			return fn_fail(rep, err, "turning off the link-local address of %s",
				       f->name);
		/* An up link's addresses would finish duplicate address detection in a second
		 * or two anyway; a down link's stay tentative, as the identity says. */
		if (f->up)
			set_iface_sysctl(f->name, "accept_dad", "0");
		for (size_t k = 0; k < f->n_addrs; k++) {
			char ip[FN_IP_STRLEN];

			if ((err = addr_add(nl, f, &f->addrs[k])))
				return fn_fail(rep, err, "adding the address %s",
					       fn_ip_format(&f->addrs[k].ip, ip));
		}
	}
	gateway_ready(gw);
	for (size_t i = 1; i < id->n_ifaces; i++) {
		const struct fn_iface *f = &id->ifaces[i];

		if ((err = link_up(&gw->nl, f->iflink)))
			return fn_fail(rep, err, "bringing up the peer of %s", f->name);
		if (!f->up)
			continue;
		if ((err = link_up(nl, f->ifindex)))
			return fn_fail(rep, err, "bringing up %s", f->name);
		link_sync(sk, f->ifindex);
		link_sync(gw->sk, f->iflink);
		wait_link_settled(nl, f->ifindex);
	}
	return 0;
}

static int build_routes(struct fn_rtnl *nl, const struct fn_identity *id, struct fn_report *rep)
{
	struct fn_neighbor *neigh;
	size_t n;
	int err = 0;

	if (id->has_gateway) {
		struct fn_cidr any = {.ip.family = id->gateway_ip.family};
		struct route_spec r = {.dst = &any,
				       .gw = &id->gateway_ip,
				       .ifindex = id->gateway_ifindex,
				       .table = RT_TABLE_MAIN,
				       .type = RTN_UNICAST};

		if ((err = route_add(nl, &r)))
			return fn_fail(rep, err, "adding the default route");
	}
	for (size_t i = 0; i < id->n_routes; i++) {
		const struct fn_route *rt = &id->routes[i];
		struct route_spec r = {.dst = &rt->to,
				       .gw = rt->has_via ? &rt->via : NULL,
				       .ifindex = rt->ifindex,
				       .metric = rt->metric,
				       .table = RT_TABLE_MAIN,
				       .type = RTN_UNICAST};
		char ip[FN_IP_STRLEN];

		if ((err = route_add(nl, &r)))
			return fn_fail(rep, err, "adding the route to %s",
				       fn_ip_format(&rt->to.ip, ip));
	}
	n = fn_neighbor_table(id, &neigh);
	for (size_t i = 0; i < n && !err; i++) {
		char ip[FN_IP_STRLEN];

		if ((err = neigh_add(nl, &neigh[i])))
			fn_fail(rep, err, "adding the neighbour %s",
				fn_ip_format(&neigh[i].ip, ip));
	}
	free(neigh);
	return err;
}

/* Loopback or an address of the identity's: local in any namespace without rules. */
static bool is_own_address(const struct fn_identity *id, const struct fn_ip *ip)
{
	static const uint8_t v6_loopback[16] = {[15] = 1};

	if ((ip->family == AF_INET && ip->bytes[0] == 127) ||
	    (ip->family == AF_INET6 && !memcmp(ip->bytes, v6_loopback, 16)))
		return true;
	for (size_t i = 1; i < id->n_ifaces; i++)
		for (size_t k = 0; k < id->ifaces[i].n_addrs; k++)
			if (fn_ip_equal(&id->ifaces[i].addrs[k].ip, ip))
				return true;
	return false;
}

/* Which run a nameserver filter is asked about. */
struct isolate_ctx {
	const struct fn_net *net;
	const struct fn_identity *id;
};

/* An IPv4 nameserver that is another host's address, and that the identity routes, answers in the
 * gateway namespace, out of the target's sight, as a real server on the link or behind the gateway
 * would: a route of the target's own to it would show it as a local address of the machine
 * (/proc/net/fib_trie, `ip route show table all`). */
static bool served_by_gateway(const struct fn_identity *id, const struct fn_ip *ns)
{
	struct fn_rt via;
	struct fn_ip src;

	return ns->family == AF_INET && !is_own_address(id, ns) &&
	       fn_route_lookup(id, ns, &via, &src);
}

/* The nameservers the gateway namespace answers for, into `out` (FN_NET_MAX_DNS at most). */
static size_t gateway_resolvers(const struct fn_identity *id, struct fn_ip *out)
{
	size_t n = 0;

	for (size_t i = 0; i < id->n_nameservers && n < FN_NET_MAX_DNS; i++)
		if (served_by_gateway(id, &id->nameservers[i]))
			out[n++] = id->nameservers[i];
	return n;
}

static bool want_in_target(const struct fn_ip *ns, void *arg)
{
	const struct isolate_ctx *c = arg;

	return !served_by_gateway(c->id, ns);
}

static bool want_in_gateway(const struct fn_ip *ns, void *arg)
{
	const struct isolate_ctx *c = arg;

	return served_by_gateway(c->id, ns);
}

/* A nameserver the gateway namespace cannot serve (IPv6 and not loopback, or one the identity does
 * not route) is made local in the target through a table of its own, the one piece of the target's
 * namespace that is not the identity's: a rule per such nameserver, looked up before table main. */
static int route_nameservers(struct fn_rtnl *nl, const struct fn_identity *id,
			     struct fn_report *rep)
{
	for (size_t i = 0; i < id->n_nameservers; i++) {
		const struct fn_ip *ns = &id->nameservers[i];
		struct fn_cidr host = {.ip = *ns, .prefix = (unsigned)ip_len(ns) * 8};
		struct route_spec r = {
		    .dst = &host, .ifindex = 1, .table = FN_NET_DNS_TABLE, .type = RTN_LOCAL};
		struct fn_rt via;
		struct fn_ip src;
		char ip[FN_IP_STRLEN];
		int err;

		if (is_own_address(id, ns) || served_by_gateway(id, ns))
			continue;
		/* A connected socket's source must be an address of this machine (the kernel checks
		 * it again once chosen): the one the identity would use to reach that server. */
		if (fn_route_lookup(id, ns, &via, &src))
			r.src = &src;
		if ((err = route_add(nl, &r)) && err != -EEXIST)
			return fn_fail(rep, err, "routing the resolver address %s",
				       fn_ip_format(ns, ip));
		err =
		    rule_add(nl, ns->family, FN_NET_DNS_PRIO, ns, FN_NET_DNS_TABLE, FR_ACT_TO_TBL);
		if (err && err != -EEXIST)
			return fn_fail(rep, err, "adding a rule for the resolver %s",
				       fn_ip_format(ns, ip));
	}
	return 0;
}

/* The gateway namespace's way back to the identity's IPv4 addresses, for the resolver's answers
 * on links other than the gateway's. */
static int route_back(struct gateway *gw, const struct fn_identity *id, struct fn_report *rep)
{
	for (size_t i = 1; i < id->n_ifaces; i++) {
		const struct fn_iface *f = &id->ifaces[i];

		for (size_t k = 0; f->up && k < f->n_addrs; k++) {
			struct fn_cidr host = {.ip = f->addrs[k].ip, .prefix = 32};
			struct route_spec r = {.dst = &host,
					       .ifindex = f->iflink,
					       .table = RT_TABLE_MAIN,
					       .type = RTN_UNICAST};
			char ip[FN_IP_STRLEN];
			int err;

			if (host.ip.family != AF_INET)
				continue;
			if ((err = route_add(&gw->nl, &r)) && err != -EEXIST)
				return fn_fail(rep, err, "routing the gateway back to %s",
					       fn_ip_format(&host.ip, ip));
		}
	}
	return 0;
}

static bool has_ipv4_gateway(const struct fn_identity *id)
{
	return id->has_gateway && id->gateway_ip.family == AF_INET;
}

/* Everything done over the target namespace's rtnetlink, and the gateway's side of the links. */
static int build_kernel_state(struct fn_net *net, struct gateway *gw, const struct fn_identity *id,
			      struct fn_report *rep)
{
	size_t n_resolvers = gateway_resolvers(id, (struct fn_ip[FN_NET_MAX_DNS]){0});
	struct fn_rtnl nl;
	int err = fn_rtnl_open(&nl), sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (err || sk < 0) {
		if (sk >= 0)
			close(sk);
		if (!err)
			fn_rtnl_close(&nl);
		return fn_fail(rep, err ? err : -errno, "opening rtnetlink");
	}
	err = build_links(&nl, sk, gw, id, net->peer_fd, rep);
	close(sk);
	if (!err)
		err = build_routes(&nl, id, rep);
	if (!err)
		err = route_nameservers(&nl, id, rep);
	fn_rtnl_close(&nl);
	/* The gateway's own frames (its answers to the resolver's questions) come from its MAC. */
	if (!err && (net->filter || (n_resolvers && has_ipv4_gateway(id))))
		err = fn_filter_peer_gateway(&gw->nl, id, rep);
	if (!err && n_resolvers)
		err = route_back(gw, id, rep);
	return err;
}

/* Everything done inside the target namespace by the calling thread. */
static int build_target(struct fn_net *net, struct gateway *gw, const struct fn_identity *id,
			struct fn_report *rep)
{
	int err = build_kernel_state(net, gw, id, rep);

	if (err)
		return err;
	err = fn_dns_open(id, want_in_target, &(struct isolate_ctx){net, id},
			  net->dns_fds + net->n_dns, FN_NET_MAX_DNS - net->n_dns);
	if (err < 0)
		return fn_fail(rep, err, "opening the resolver's sockets");
	net->n_dns += (size_t)err;
	/* Without it the resolver's events only lack who asked. */
	if (net->log_fd >= 0)
		net->diag_fd = fn_asker_open();
	if (net->nat && !net->keep_ports)
		net->follow_diag_fd = fn_asker_open();
	return 0;
}

/* The peers' namespace says nothing unasked: no IPv6 that would send router solicitations or DAD
 * probes the identity's side would count as received, and no redirect when nat's forward chain
 * refuses what would go back onto the link it came from. Its refusals are not rate limited, so
 * none waits. */
static int quiet_peer_namespace(void)
{
	static const char *const zero[] = {
	    "/proc/sys/net/ipv4/icmp_ratelimit",
	    "/proc/sys/net/ipv4/conf/all/send_redirects",
	    "/proc/sys/net/ipv4/conf/default/send_redirects",
	};

	write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	for (size_t i = 0; i < N_ELEMENTS(zero); i++)
		write_sysctl(zero[i], "0");
	return 0;
}

struct isolate_job {
	struct fn_net *net;
	const struct fn_identity *id;
	struct fn_report *rep;
	int err;
	int ready; /* written once the gateway namespace exists (or could not be made) */
};

/* The gateway namespace's own addresses for the nameservers it serves, on its loopback (which
 * answers ARP for them on any link), and the resolver's sockets there. */
static int serve_nameservers_here(struct isolate_job *j, struct gateway *gw)
{
	struct isolate_ctx c = {j->net, j->id};
	int err;

	if ((err = link_up(&gw->nl, 1)))
		return fn_fail(j->rep, err, "bringing up %s", "lo");
	for (size_t i = 0; i < j->id->n_nameservers; i++) {
		const struct fn_ip *ns = &j->id->nameservers[i];
		struct fn_nlmsg m;
		struct ifaddrmsg *ifa;
		char ip[FN_IP_STRLEN];

		if (!served_by_gateway(j->id, ns))
			continue;
		ifa = fn_nl_start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		ifa->ifa_prefixlen = 32;
		ifa->ifa_scope = RT_SCOPE_HOST;
		ifa->ifa_index = 1;
		fn_nl_put(&m, IFA_LOCAL, ns->bytes, 4);
		if ((err = fn_rtnl_talk(&gw->nl, &m)))
			return fn_fail(j->rep, err, "giving the gateway the resolver address %s",
				       fn_ip_format(ns, ip));
	}
	err = fn_dns_open(j->id, want_in_gateway, &c, j->net->dns_fds, FN_NET_MAX_DNS);
	if (err < 0)
		return fn_fail(j->rep, err, "opening the resolver's sockets");
	j->net->n_dns = (size_t)err;
	return 0;
}

/* The gateway namespace, the calling thread's from now on: with an egress, it forwards, and its
 * own filter decides what may leave. */
static int build_gateway(struct isolate_job *j, struct gateway *gw)
{
	int err;

	j->net->peer_fd = new_netns();
	if (j->net->peer_fd < 0)
		return fn_fail(j->rep, j->net->peer_fd, "creating a network namespace");
	quiet_peer_namespace();
	if (j->net->filter && (err = fn_filter_peer_sysctls()))
		return fn_fail(j->rep, err, "turning on forwarding for the egress");
	if (j->net->filter &&
	    (err = fn_nft_install_gateway(j->net->filter, FN_FILTER_EGRESS_IFNAME)))
		return fn_fail(j->rep, err, "installing the gateway's nftables filter%s",
			       err == -EPROTONOSUPPORT ? " (this kernel has no nf_tables)" : "");
	if (j->net->filter && (err = fn_filter_watch_open(j->net->filter)))
		return fn_fail(j->rep, err, "watching the gateway namespace's routes");
	if ((err = fn_rtnl_open(&gw->nl)))
		return fn_fail(j->rep, err, "opening rtnetlink");
	gw->sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (gw->sk < 0)
		return fn_fail(j->rep, -errno, "opening a socket");
	j->net->neighd_fd = fn_neighd_open();
	if (j->net->neighd_fd < 0)
		return fn_fail(j->rep, j->net->neighd_fd,
			       "opening a packet socket for the gateway's neighbour answers");
	return j->net->filter || gateway_resolvers(j->id, (struct fn_ip[FN_NET_MAX_DNS]){0})
		   ? serve_nameservers_here(j, gw)
		   : 0;
}

/* Back in the gateway namespace, once the peers exist: the ingress chain on them. */
static int guard_links(struct isolate_job *j)
{
	const struct fn_identity *id = j->id;
	char names[FN_NET_MAX_LINKS][IFNAMSIZ];
	const char *devs[FN_NET_MAX_LINKS];
	struct fn_ip resolvers[FN_NET_MAX_DNS];
	struct fn_nft_ingress in = {.devices = devs, .resolvers = resolvers};
	int err;

	if (setns(j->net->peer_fd, CLONE_NEWNET) < 0)
		return fn_fail_errno(j->rep, "entering the gateway namespace");
	for (size_t i = 1; i < id->n_ifaces && in.n_devices < FN_NET_MAX_LINKS; i++) {
		snprintf(names[in.n_devices], IFNAMSIZ, "p%d", id->ifaces[i].ifindex);
		devs[in.n_devices] = names[in.n_devices];
		in.n_devices++;
		if (j->net->filter && id->ifaces[i].ifindex == id->gateway_ifindex)
			in.gateway_peer = id->ifaces[i].iflink;
	}
	if (!in.n_devices)
		return 0;
	in.n_resolvers = gateway_resolvers(id, resolvers);
	if ((err = fn_nft_install_ingress(&in)))
		return fn_fail(j->rep, err, "installing the gateway's nftables filter%s",
			       err == -EPROTONOSUPPORT ? " (this kernel has no nf_tables)" : "");
	return 0;
}

/* Runs on a thread of its own: a thread's network namespace is its own, so the runner's other
 * threads never leave theirs (a runner in a user namespace could not return to the host's). */
static void *isolate_on_thread(void *arg)
{
	struct isolate_job *j = arg;
	struct gateway gw = {.nl.fd = -1, .sk = -1, .ready = j->ready};

	j->err = build_gateway(j, &gw);
	if (j->err)
		goto out;
	j->net->target_fd = j->net->adopt_fd >= 0 ? join_netns(j->net->adopt_fd) : new_netns();
	if (j->net->target_fd < 0)
		j->err = fn_fail(j->rep, j->net->target_fd, "%s a network namespace",
				 j->net->adopt_fd >= 0 ? "joining" : "creating");
	else
		j->err = build_target(j->net, &gw, j->id, j->rep);
	if (!j->err)
		j->err = guard_links(j);
out:
	/* The runner starts pasta meanwhile, on the cue build_links gives. */
	gateway_ready(&gw);
	fn_rtnl_close(&gw.nl);
	if (gw.sk >= 0)
		close(gw.sk);
	return NULL;
}

/* pasta takes about as long to start as the rest of the set-up: it starts as soon as the gateway
 * namespace exists, from this thread (it dies with the thread that forked it, the main one). */
static int spawn_egress(struct fn_net *net, int ready, struct fn_report *rep)
{
	char c;

	if (read(ready, &c, 1) != 1 || net->peer_fd < 0 || !net->filter)
		return 0;
	return fn_filter_spawn_pasta(net->filter, net->peer_fd, rep);
}

int fn_net_isolate(struct fn_net *net, const struct fn_identity *id, struct fn_report *rep)
{
	struct isolate_job job = {.net = net, .id = id, .rep = rep};
	struct fn_report pasta_rep;
	int err, ready[2], pasta_err;
	pthread_t t;

	if (net->log_fd >= 0 && fn_connlog_supported() &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, net->connlog_sock) < 0)
		return fn_fail(rep, -errno, "socketpair");
	if (pipe2(ready, O_CLOEXEC) < 0)
		return fn_fail(rep, -errno, "pipe");
	job.ready = ready[1];
	err = pthread_create(&t, NULL, isolate_on_thread, &job);
	if (err) {
		close(ready[0]);
		close(ready[1]);
		return fn_fail(rep, -err, "starting a thread");
	}
	pasta_err = spawn_egress(net, ready[0], &pasta_rep);
	pthread_join(t, NULL);
	close(ready[0]);
	close(ready[1]);
	if (!job.err && pasta_err) {
		*rep = pasta_rep;
		return pasta_err;
	}
	return job.err;
}

/* What fn_net_isolate opened for the runner; the init keeps target_fd (its netns_fd) and the
 * audit's connlog_sock[1]. */
static void hold_own(struct fn_net *net)
{
	fn_net_hold(net, net->peer_fd);
	fn_net_hold(net, net->diag_fd);
	fn_net_hold(net, net->follow_diag_fd);
	for (size_t i = 0; i < net->n_dns; i++)
		fn_net_hold(net, net->dns_fds[i]);
	if (net->filter) {
		int fds[3], n = fn_filter_watch_fds(net->filter, fds);

		for (int i = 0; i < n; i++)
			fn_net_hold(net, fds[i]);
	}
}

int fn_net_serve(struct fn_net *net, const struct fn_identity *id, struct fn_report *rep)
{
	int err = fn_dns_start(id, net);

	if (err)
		return fn_fail(rep, err, "starting the resolver");
	if (net->neighd_fd >= 0) {
		if ((err = fn_neighd_start(id, net->neighd_fd)))
			return fn_fail(rep, err, "starting the neighbour answers");
		fn_net_hold(net, net->neighd_fd);
		net->neighd_fd = -1; /* the thread's now */
	}
	if (net->connlog_sock[0] >= 0) {
		fn_net_hold(net, net->connlog_sock[0]);
		err = fn_connlog_start(id, net->connlog_sock[0], net->log_fd, net->filter);
		if (err)
			return fn_fail(rep, err, "starting the connection audit");
		net->connlog_sock[0] = -1; /* the thread's now */
	}
	if ((err = fn_publish_start(net, rep)))
		return err;
	hold_own(net);
	return 0;
}

int fn_net_wait_egress(struct fn_net *net, struct pollfd *also, size_t n_also,
		       struct fn_report *rep)
{
	if (!net->filter)
		return 0;
	return fn_filter_wait_egress(net->filter, also, n_also, rep);
}

/* The /sys directories the plan leaves to the kernel come from a sysfs mounted in this namespace
 * (sysfs shows the links of the namespace that mounted it): /sys/devices/virtual/net, and
 * /sys/class/net where no link of the identity's leads to what the kernel cannot show (a PCI
 * NIC's device), so that it is then the namespace's own directory. */
static int mount_kernel_links(const struct fn_child_plan *plan, struct fn_report *rep)
{
	int fs, mnt, err = 0;

	fs = fsopen("sysfs", FSOPEN_CLOEXEC);
	if (fs < 0) {
		return fn_fail_errno(rep, "fsopen(sysfs)");
	}
	/* Source "sysfs", as a container runtime mounts it: mountinfo says "sysfs sysfs". */
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "sysfs", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = fsmount(fs, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0) {
		err = -errno;
		close(fs);
		fn_fail(rep, err, "mounting a sysfs for the namespace");
		return err;
	}
	close(fs);
	for (int i = 0; i < plan->n_kernel_sys && !err; i++) {
		const char *path = plan->kernel_sys[i];
		int tree =
		    open_tree(mnt, path + strlen("/sys/"), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

		if (tree < 0 || move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			err = fn_fail_errno(rep, "mounting the namespace's sysfs over %s", path);
		if (tree >= 0)
			close(tree);
	}
	close(mnt);
	return err;
}

/* The host's named namespaces (`ip netns add`) are not the target's business, and their entries
 * would be dead files in a mount namespace copied before they were mounted. */
static int hide_named_netns(struct fn_report *rep)
{
	struct stat st;

	if (stat("/run/netns", &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (mount("none", "/run/netns", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
		return fn_fail_errno(rep, "hiding /run/netns");
	return 0;
}

int fn_netns_join(const struct fn_child_plan *plan, struct fn_report *rep)
{
	if (setns(plan->netns_fd, CLONE_NEWNET) < 0)
		return fn_fail_errno(rep, "joining the isolated network namespace");
	close(plan->netns_fd);
	if (mount_kernel_links(plan, rep) || hide_named_netns(rep))
		return -1;
	return plan->connlog_fd >= 0 ? fn_connlog_install(plan->connlog_fd, rep) : 0;
}
