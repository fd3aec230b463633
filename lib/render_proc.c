/* The /proc/net files, byte for byte as the kernel prints them for a network namespace configured
 * like the identity (formats of net/ipv4/fib_trie.c, arp.c, net/core/net-procfs.c, addrconf.c). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"
#include "render.h"
#include "util.h"

#define FN_MAX_ADDRS 64

static const char *iface_name(const struct fn_identity *id, int ifindex)
{
	const struct fn_iface *iface = fn_identity_iface_by_index(id, ifindex);

	return iface ? iface->name : "*";
}

/* %08X of a __be32 read as a host integer on a little-endian machine: 172.18.0.1 -> 010012AC. */
static uint32_t be32_as_le(const struct fn_ip *ip)
{
	const uint8_t *b = ip->bytes;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put_hex(struct fn_buf *out, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fn_buf_printf(out, "%02x", bytes[i]);
}

/* ---- /proc/net/route ---- */

void render_proc_net_route(const struct fn_identity *id, struct fn_buf *out)
{
	struct fn_rtable t;

	fn_buf_printf(
	    out, "%-127s\n",
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
	fn_routes_ipv4(id, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct fn_rt *rt = &t.v[i];
		struct fn_ip mask = fn_prefix_mask(AF_INET, rt->dst.prefix);
		unsigned flags = fn_rt_rtf_flags(rt);
		size_t start = out->len;

		if (!fn_rt_in_proc_route(rt))
			continue;
		fn_buf_printf(out,
			      "%s\t%08" PRIX32 "\t%08" PRIX32 "\t%04X\t%d\t%u\t%d\t%08" PRIX32
			      "\t%d\t%u\t%u",
			      iface_name(id, rt->ifindex), be32_as_le(&rt->dst.ip),
			      rt->has_gw ? be32_as_le(&rt->gw) : 0, flags, 0, 0u, (int)rt->metric,
			      be32_as_le(&mask), 0, 0u, 0u);
		fn_buf_pad_line(out, start, 127);
		fn_buf_puts(out, "\n");
	}
	fn_rtable_free(&t);
}

/* ---- /proc/net/arp ---- */

void render_proc_net_arp(const struct fn_identity *id, struct fn_buf *out)
{
	struct fn_neighbor *nb;
	size_t n = fn_neighbor_table(id, &nb);

	fn_buf_puts(out, "IP address       HW type     Flags       HW address            Mask     "
			 "Device\n");
	for (size_t i = 0; i < n; i++) {
		const struct fn_iface *iface = fn_identity_iface_by_index(id, nb[i].ifindex);
		unsigned flags = fn_nud_arp_flags(nb[i].state);
		struct fn_mac zero = {{0}};
		char ip[FN_IP_STRLEN], mac[FN_MAC_STRLEN];

		/* arp_seq_start skips NOARP entries (NEIGH_SEQ_SKIP_NOARP). */
		if (nb[i].ip.family != AF_INET || nb[i].state == FN_NUD_NOARP || !iface)
			continue;
		/* An unresolved entry has no hardware address yet. */
		fn_mac_format(flags ? &nb[i].mac : &zero, false, mac);
		fn_buf_printf(out, "%-16s 0x%-10x0x%-10x%-17s     *        %s\n",
			      fn_ip_format(&nb[i].ip, ip), (unsigned)fn_iface_arphrd(iface), flags,
			      mac, iface->name);
	}
	free(nb);
}

/* ---- /proc/net/dev ---- */

void render_proc_net_dev(const struct fn_identity *id, struct fn_buf *out)
{
	fn_buf_puts(out,
		    "Inter-|   Receive                                                |  Transmit\n"
		    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
		    "packets errs drop fifo colls carrier compressed\n");
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		const struct fn_iface_stats *s = &iface->stats;

		fn_buf_printf(out,
			      "%6s: %7" PRIu64 " %7" PRIu64 " %4u %4u %4u %5u %10u %9u %8" PRIu64
			      " %7" PRIu64 " %4u %4u %4u %5u %7u %10u\n",
			      iface->name, s->rx_bytes, s->rx_packets, 0u, 0u, 0u, 0u, 0u, 0u,
			      s->tx_bytes, s->tx_packets, 0u, 0u, 0u, 0u, 0u, 0u);
	}
}

/* ---- /proc/net/if_inet6 ---- */

static unsigned ifa_scope(const struct fn_cidr *addr)
{
	switch (fn_addr_scope(addr)) {
	case FN_SCOPE_HOST:
		return 0x10; /* IFA_HOST */
	case FN_SCOPE_LINK:
		return 0x20; /* IFA_LINK */
	default:
		return 0x00;
	}
}

static unsigned ifa_flags(const struct fn_iface *iface, const struct fn_cidr *addr)
{
	unsigned flags = 0x80; /* IFA_F_PERMANENT */

	if (fn_iface_addr_nodad(iface, addr))
		flags |= 0x02; /* IFA_F_NODAD */
	if (fn_iface_addr_tentative(iface, addr))
		flags |= 0x40; /* IFA_F_TENTATIVE */
	return flags;
}

/* The kernel lists addresses in the order of a per-namespace salted hash; any order is real,
 * so this one is interface by interface. */
void render_proc_net_if_inet6(const struct fn_identity *id, struct fn_buf *out)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		struct fn_cidr a[FN_MAX_ADDRS];
		size_t n = fn_iface_addrs(iface, AF_INET6, a, FN_MAX_ADDRS);

		for (size_t j = 0; j < n && j < FN_MAX_ADDRS; j++) {
			put_hex(out, a[j].ip.bytes, 16);
			fn_buf_printf(out, " %02x %02x %02x %02x %8s\n", (unsigned)iface->ifindex,
				      a[j].prefix, ifa_scope(&a[j]), ifa_flags(iface, &a[j]),
				      iface->name);
		}
	}
}

/* ---- /proc/net/ipv6_route ---- */

void render_proc_net_ipv6_route(const struct fn_identity *id, struct fn_buf *out)
{
	static const uint8_t zero[16];
	struct fn_rtable t;

	fn_routes_ipv6(id, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct fn_rt *rt = &t.v[i];

		put_hex(out, rt->dst.ip.bytes, 16);
		fn_buf_printf(out, " %02x ", rt->dst.prefix);
		put_hex(out, zero, 16);
		fn_buf_puts(out, " 00 ");
		put_hex(out, rt->has_gw ? rt->gw.bytes : zero, 16);
		fn_buf_printf(out, " %08x %08x %08x %08x %8s\n", rt->metric, fn_rt_ipv6_refcnt(rt),
			      0u, fn_rt_rtf_flags(rt), iface_name(id, rt->ifindex));
	}
	fn_rtable_free(&t);
}

/* ---- /proc/net/fib_trie ----
 * The kernel prints its LC-trie (net/ipv4/fib_trie.c) node by node, so the shape has to be the
 * kernel's: the same insertions, in the same order, through the same resize rules (inflate at 50%
 * fill, 30% at the root; halve under 25%, 15% at the root; collapse single children). */

struct trie_node {
	uint32_t key;
	unsigned pos, bits; /* a leaf has both 0; the root holder has pos 32 */
	bool leaf;
	unsigned full, empty;
	struct trie_node *parent;
	struct trie_node **child;
	size_t *alias; /* a leaf's routes, as indexes into the route table */
	size_t n_alias;
};

struct trie {
	struct trie_node root; /* pos 32, one child slot */
	struct trie_node *root_slot[1];
	struct trie_node **all; /* every node ever made, freed at the end */
	size_t n_all;
};

#define TRIE_KEYLEN   32
#define TRIE_MAX_WORK 10

static bool is_root(const struct trie_node *n)
{
	return n->pos >= TRIE_KEYLEN;
}

static unsigned long child_len(const struct trie_node *n)
{
	return 1ul << n->bits;
}

static unsigned long get_index(uint32_t key, const struct trie_node *n)
{
	if (is_root(n))
		return 0;
	return (unsigned long)((key ^ n->key) >> n->pos);
}

static struct trie_node *track(struct trie *t, struct trie_node *n)
{
	t->all = xreallocarray(t->all, t->n_all + 1, sizeof(*t->all));
	t->all[t->n_all++] = n;
	return n;
}

static struct trie_node *tnode_new(struct trie *t, uint32_t key, unsigned pos, unsigned bits)
{
	struct trie_node *n = track(t, xcalloc(1, sizeof(*n)));
	unsigned shift = pos + bits;

	n->key = shift < TRIE_KEYLEN ? (key >> shift) << shift : 0;
	n->pos = pos;
	n->bits = bits;
	n->empty = 1u << bits;
	n->child = xcalloc(child_len(n), sizeof(*n->child));
	return n;
}

static struct trie_node *leaf_new(struct trie *t, uint32_t key)
{
	struct trie_node *n = track(t, xcalloc(1, sizeof(*n)));

	n->key = key;
	n->leaf = true;
	return n;
}

static bool tnode_full(const struct trie_node *tn, const struct trie_node *n)
{
	return n && !n->leaf && n->pos + n->bits == tn->pos;
}

static void put_child(struct trie_node *tn, unsigned long i, struct trie_node *n)
{
	struct trie_node *chi = tn->child[i];
	bool wasfull = tnode_full(tn, chi), isfull = tnode_full(tn, n);

	if (!n && chi)
		tn->empty++;
	if (n && !chi)
		tn->empty--;
	if (wasfull && !isfull)
		tn->full--;
	else if (!wasfull && isfull)
		tn->full++;
	tn->child[i] = n;
}

static void put_child_root(struct trie_node *tp, uint32_t key, struct trie_node *n)
{
	if (is_root(tp))
		tp->child[0] = n;
	else
		put_child(tp, get_index(key, tp), n);
}

static void update_children(struct trie_node *tn)
{
	for (unsigned long i = child_len(tn); i;) {
		struct trie_node *c = tn->child[--i];

		if (!c)
			continue;
		if (c->parent == tn)
			update_children(c);
		else
			c->parent = tn;
	}
}

static struct trie_node *resize(struct trie *t, struct trie_node *tn);

static struct trie_node *replace(struct trie *t, struct trie_node *old, struct trie_node *tn)
{
	struct trie_node *tp = old->parent;

	tn->parent = tp;
	put_child_root(tp, tn->key, tn);
	update_children(tn);
	for (unsigned long i = child_len(tn); i;) {
		struct trie_node *c = tn->child[--i];

		if (tnode_full(tn, c))
			tn = resize(t, c);
	}
	return tp;
}

static struct trie_node *inflate(struct trie *t, struct trie_node *old)
{
	struct trie_node *tn = tnode_new(t, old->key, old->pos - 1, old->bits + 1);
	uint32_t m = 1u << tn->pos;

	for (unsigned long i = child_len(old); i;) {
		struct trie_node *in = old->child[--i], *n0, *n1;

		if (!in)
			continue;
		if (!tnode_full(old, in)) {
			put_child(tn, get_index(in->key, tn), in);
			continue;
		}
		if (in->bits == 1) {
			put_child(tn, 2 * i + 1, in->child[1]);
			put_child(tn, 2 * i, in->child[0]);
			continue;
		}
		n1 = tnode_new(t, in->key | m, in->pos, in->bits - 1);
		n0 = tnode_new(t, in->key, in->pos, in->bits - 1);
		for (unsigned long k = child_len(in), j = k / 2; j;) {
			put_child(n1, --j, in->child[--k]);
			put_child(n0, j, in->child[j]);
			put_child(n1, --j, in->child[--k]);
			put_child(n0, j, in->child[j]);
		}
		n1->parent = tn;
		n0->parent = tn;
		put_child(tn, 2 * i + 1, n1);
		put_child(tn, 2 * i, n0);
	}
	return replace(t, old, tn);
}

static struct trie_node *halve(struct trie *t, struct trie_node *old)
{
	struct trie_node *tn = tnode_new(t, old->key, old->pos + 1, old->bits - 1);

	for (unsigned long i = child_len(old); i;) {
		struct trie_node *n1 = old->child[--i];
		struct trie_node *n0 = old->child[--i];
		struct trie_node *in;

		if (!n1 || !n0) {
			put_child(tn, i / 2, n1 ? n1 : n0);
			continue;
		}
		in = tnode_new(t, n0->key, old->pos, 1);
		put_child(in, 1, n1);
		put_child(in, 0, n0);
		in->parent = tn;
		put_child(tn, i / 2, in);
	}
	return replace(t, old, tn);
}

static struct trie_node *collapse(struct trie_node *old)
{
	struct trie_node *n = NULL, *tp = old->parent;

	for (unsigned long i = child_len(old); !n && i;)
		n = old->child[--i];
	put_child_root(tp, old->key, n);
	if (n)
		n->parent = tp;
	return tp;
}

static bool should_inflate(const struct trie_node *tp, const struct trie_node *tn)
{
	unsigned long used = child_len(tn);
	unsigned long threshold = used * (is_root(tp) ? 30 : 50);

	used -= tn->empty;
	used += tn->full;
	return used > 1 && tn->pos && 50 * used >= threshold;
}

static bool should_halve(const struct trie_node *tp, const struct trie_node *tn)
{
	unsigned long used = child_len(tn);
	unsigned long threshold = used * (is_root(tp) ? 15 : 25);

	used -= tn->empty;
	return used > 1 && tn->bits > 1 && 100 * used < threshold;
}

static bool should_collapse(const struct trie_node *tn)
{
	return child_len(tn) - tn->empty < 2;
}

static struct trie_node *resize(struct trie *t, struct trie_node *tn)
{
	struct trie_node *tp = tn->parent;
	unsigned long cindex = get_index(tn->key, tp);
	int work = TRIE_MAX_WORK;

	while (should_inflate(tp, tn) && work) {
		tp = inflate(t, tn);
		work--;
		tn = tp->child[cindex];
	}
	tp = tn->parent;
	if (work != TRIE_MAX_WORK)
		return tp;
	while (should_halve(tp, tn) && work) {
		tp = halve(t, tn);
		work--;
		tn = tp->child[cindex];
	}
	if (should_collapse(tn))
		return collapse(tn);
	return tn->parent;
}

/* The leaf holding `key`, or NULL with *tp set to the node a new leaf hangs from. */
static struct trie_node *find_leaf(struct trie *t, uint32_t key, struct trie_node **tp)
{
	struct trie_node *pn = &t->root, *n = t->root.child[0];

	while (n) {
		if (get_index(key, n) >= child_len(n)) {
			n = NULL;
			break;
		}
		if (n->leaf)
			break;
		pn = n;
		n = n->child[get_index(key, n)];
	}
	*tp = pn;
	return n;
}

static void insert_key(struct trie *t, uint32_t key, size_t alias)
{
	struct trie_node *tp, *l = find_leaf(t, key, &tp), *n;

	if (!l) {
		l = leaf_new(t, key);
		n = tp->child[get_index(key, tp)];
		if (n) {
			/* A new node where the keys part: at their highest differing bit. */
			struct trie_node *tn =
			    tnode_new(t, key, 31 - (unsigned)__builtin_clz(key ^ n->key), 1);

			tn->parent = tp;
			put_child(tn, get_index(key, tn) ^ 1, n);
			put_child_root(tp, key, tn);
			n->parent = tn;
			tp = tn;
		}
		l->parent = tp;
		put_child_root(tp, key, l);
		while (!is_root(tp))
			tp = resize(t, tp);
	}
	l->alias = xreallocarray(l->alias, l->n_alias + 1, sizeof(*l->alias));
	l->alias[l->n_alias++] = alias;
}

static void trie_free(struct trie *t)
{
	for (size_t i = 0; i < t->n_all; i++) {
		free(t->all[i]->child);
		free(t->all[i]->alias);
		free(t->all[i]);
	}
	free(t->all);
}

static const char *scope_name(enum fn_rt_scope scope)
{
	switch (scope) {
	case FN_SCOPE_UNIVERSE:
		return "universe";
	case FN_SCOPE_LINK:
		return "link";
	case FN_SCOPE_HOST:
		return "host";
	}
	return "nowhere";
}

static const char *type_name(enum fn_rt_type type)
{
	static const char *const names[] = {
	    [FN_RT_UNICAST] = "UNICAST",	 [FN_RT_LOCAL] = "LOCAL",
	    [FN_RT_BROADCAST] = "BROADCAST",	 [FN_RT_MULTICAST] = "MULTICAST",
	    [FN_RT_UNREACHABLE] = "UNREACHABLE",
	};

	return names[type];
}

static void indent(struct fn_buf *out, unsigned depth)
{
	while (depth--)
		fn_buf_puts(out, "   ");
}

static void put_ipv4_key(struct fn_buf *out, uint32_t key)
{
	fn_buf_printf(out, "%u.%u.%u.%u", key >> 24, (key >> 16) & 0xff, (key >> 8) & 0xff,
		      key & 0xff);
}

static void print_leaf(struct fn_buf *out, const struct trie_node *l, unsigned depth,
		       const struct fn_rtable *routes)
{
	const struct fn_rt **order = xcalloc(l->n_alias, sizeof(*order));

	/* A leaf's aliases: in the kernel's list order, stable among equals. */
	for (size_t i = 0; i < l->n_alias; i++) {
		size_t j = i;

		order[i] = &routes->v[l->alias[i]];
		while (j > 0 && fn_rt_ipv4_walk_cmp(order[j - 1], order[j]) > 0) {
			const struct fn_rt *tmp = order[j - 1];

			order[j - 1] = order[j];
			order[j] = tmp;
			j--;
		}
	}
	indent(out, depth);
	fn_buf_puts(out, "  |-- ");
	put_ipv4_key(out, l->key);
	fn_buf_puts(out, "\n");
	for (size_t i = 0; i < l->n_alias; i++) {
		indent(out, depth + 1);
		fn_buf_printf(out, "  /%u %s %s\n", order[i]->dst.prefix,
			      scope_name(order[i]->scope), type_name(order[i]->type));
	}
	free(order);
}

static void print_tnode(struct fn_buf *out, const struct trie_node *tn, unsigned depth,
			const struct fn_rtable *routes)
{
	indent(out, depth - 1);
	fn_buf_puts(out, "  +-- ");
	put_ipv4_key(out, tn->key);
	fn_buf_printf(out, "/%u %u %u %u\n", TRIE_KEYLEN - tn->pos - tn->bits, tn->bits, tn->full,
		      tn->empty);
	for (unsigned long i = 0; i < child_len(tn); i++) {
		const struct trie_node *c = tn->child[i];

		if (!c)
			continue;
		if (c->leaf)
			print_leaf(out, c, depth, routes);
		else
			print_tnode(out, c, depth + 1, routes);
	}
}

void render_proc_net_fib_trie(const struct fn_identity *id, struct fn_buf *out)
{
	struct trie t = {0};
	struct fn_rtable routes;
	struct fn_buf tree;
	const struct trie_node *top;

	t.root.pos = TRIE_KEYLEN;
	t.root.child = t.root_slot;
	fn_routes_ipv4_fib(id, &routes);
	for (size_t i = 0; i < routes.n; i++)
		insert_key(&t, fn_ip4_host(&routes.v[i].dst.ip), i);

	fn_buf_init(&tree);
	top = t.root.child[0];
	if (top && top->leaf)
		print_leaf(&tree, top, 0, &routes);
	else if (top)
		print_tnode(&tree, top, 1, &routes);
	/* Without policy rules, main and local share one trie and both print all of it. */
	if (tree.len) {
		fn_buf_puts(out, "Main:\n");
		fn_buf_append(out, tree.data, tree.len);
		fn_buf_puts(out, "Local:\n");
		fn_buf_append(out, tree.data, tree.len);
	}
	fn_buf_free(&tree);
	fn_rtable_free(&routes);
	trie_free(&t);
}

/* ---- /proc/net/dev_mcast ---- */

struct mc_list {
	uint8_t addr[16][6];
	size_t n;
};

static void mc_add(struct mc_list *l, const uint8_t *mac)
{
	for (size_t i = 0; i < l->n; i++)
		if (memcmp(l->addr[i], mac, 6) == 0)
			return;
	if (l->n < N_ELEMENTS(l->addr))
		memcpy(l->addr[l->n++], mac, 6);
}

static void mc_add_solicited(struct mc_list *l, const struct fn_ip *ip)
{
	const uint8_t mac[6] = {0x33, 0x33, 0xff, ip->bytes[13], ip->bytes[14], ip->bytes[15]};

	mc_add(l, mac);
}

static bool is_configured(const struct fn_iface *iface, const struct fn_ip *ip)
{
	for (size_t i = 0; i < iface->n_addrs; i++)
		if (fn_ip_equal(&iface->addrs[i].ip, ip))
			return true;
	return false;
}

/* The link-layer groups of one interface, in the order the kernel joined them: IPv6 all-nodes
 * when the device registers, the solicited-node group of each configured address as it is
 * added (before the link comes up), IPv4 all-hosts when the link comes up, then the group of the
 * link-local address generated once the carrier is seen. */
static void iface_mcast(const struct fn_iface *iface, struct mc_list *l)
{
	static const uint8_t all_nodes[6] = {0x33, 0x33, 0, 0, 0, 1};
	static const uint8_t all_hosts[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
	struct fn_cidr a[FN_MAX_ADDRS];
	size_t n = fn_iface_addrs(iface, AF_INET6, a, FN_MAX_ADDRS);

	if (n > FN_MAX_ADDRS)
		n = FN_MAX_ADDRS;
	l->n = 0;
	mc_add(l, all_nodes);
	for (size_t i = 0; i < iface->n_addrs; i++)
		if (iface->addrs[i].ip.family == AF_INET6)
			mc_add_solicited(l, &iface->addrs[i].ip);
	if (!iface->up)
		return;
	mc_add(l, all_hosts);
	for (size_t i = 0; i < n; i++)
		if (!is_configured(iface, &a[i].ip))
			mc_add_solicited(l, &a[i].ip);
}

void render_proc_net_dev_mcast(const struct fn_identity *id, struct fn_buf *out)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		struct mc_list l;

		if (iface->kind == FN_KIND_LOOPBACK)
			continue;
		iface_mcast(iface, &l);
		for (size_t j = 0; j < l.n; j++) {
			fn_buf_printf(out, "%-4d %-15s %-5d %-5d ", iface->ifindex, iface->name, 1,
				      0);
			put_hex(out, l.addr[j], 6);
			fn_buf_puts(out, "\n");
		}
	}
}
