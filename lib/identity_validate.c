/* Identity reader, cross-field checks: what no single value shows on its own. Next hops and
 * neighbours resolve to an interface, names, addresses and routes are unique, limits hold. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "derive.h"
#include "identity_internal.h"
#include "netaddr.h"
#include "util.h"

/* PCI device numbers given to ethernet/wireless NICs, in file order: 00:19.0 up to 00:1f.0. */
#define FIRST_PCI_DEVICE 0x19
#define LAST_PCI_DEVICE	 0x1f

/* What a route repeats (occurrence tags of c->routes). */
enum route_origin { ROUTE_ENTRY, ROUTE_GATEWAY, ROUTE_CONNECTED };

/* ---------------------------------------------------------------- duplicate finding */

static int occurrence_cmp(const void *a, const void *b, void *arg)
{
	const struct occurrence *x = a, *y = b;
	const struct occurrences *o = arg;
	int r = o->cmp(x->key, y->key);

	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct occurrence *ident_note(struct occurrences *o, const void *key, const struct ynode *node,
			      const char *path)
{
	struct occurrence *e;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	e = &o->v[o->n];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->node = node;
	e->order = o->n++;
	snprintf(e->path, sizeof(e->path), "%s", path);
	return e;
}

/* Calls `repeat` for every occurrence after the first of its key, with that first one; then
 * forgets them all. */
static void occurrences_check(struct ctx *c, struct occurrences *o,
			      int (*cmp)(const void *a, const void *b),
			      void (*repeat)(struct ctx *c, const struct occurrence *again,
					     const struct occurrence *first))
{
	size_t start = 0;

	o->cmp = cmp;
	if (o->n > 1)
		qsort_r(o->v, o->n, sizeof(*o->v), occurrence_cmp, o);
	for (size_t i = 1; i < o->n; i++) {
		if (o->cmp(o->v[start].key, o->v[i].key) != 0)
			start = i;
		else
			repeat(c, &o->v[i], &o->v[start]);
	}
	free(o->v);
	o->v = NULL;
	o->n = o->cap = 0;
}

static int cmp_string(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int cmp_string_nocase(const void *a, const void *b)
{
	return strcasecmp(a, b);
}

static int cmp_ip(const void *a, const void *b)
{
	return fn_ip_compare(a, b);
}

static void where(const struct occurrence *o, char *buf, size_t size)
{
	if (o->node)
		snprintf(buf, size, "line %u", o->node->line);
	else
		snprintf(buf, size, "built in");
}

/* ---------------------------------------------------------------- limits */

void ident_assign_pci_slot(struct ctx *c, const struct ynode *kind, const char *path,
			   struct fn_iface *iface)
{
	unsigned device = FIRST_PCI_DEVICE + c->pci_slots_used;

	if (device > LAST_PCI_DEVICE) {
		err(c, kind, "%s: too many PCI interfaces (at most %d ethernet or wireless)", path,
		    LAST_PCI_DEVICE - FIRST_PCI_DEVICE + 1);
		return;
	}
	c->pci_slots_used++;
	snprintf(iface->pci_slot, sizeof(iface->pci_slot), "0000:00:%02x.0", device);
}

static bool has_ipv6_address(const struct fn_iface *iface)
{
	for (size_t i = 0; i < iface->n_addrs; i++)
		if (iface->addrs[i].ip.family == AF_INET6)
			return true;
	return false;
}

void ident_check_ipv6_mtu(struct ctx *c, const struct ynode *mtu, const char *path,
			  const struct fn_iface *iface)
{
	if (iface->mtu < 1280 && has_ipv6_address(iface))
		err(c, mtu,
		    "%s: %u is below 1280, the minimum MTU for IPv6 (the interface has IPv6 "
		    "addresses)",
		    path, iface->mtu);
}

/* ---------------------------------------------------------------- interfaces */

static void repeated_ifname(struct ctx *c, const struct occurrence *again,
			    const struct occurrence *first)
{
	err(c, again->node, "%s: duplicate interface name '%s' (first at line %u)", again->path,
	    (const char *)again->key, first->node->line);
}

static void repeated_address(struct ctx *c, const struct occurrence *again,
			     const struct occurrence *first)
{
	char text[FN_IP_STRLEN], at[32];

	where(first, at, sizeof(at));
	err(c, again->node, "%s: duplicate address %s (already on %s, %s)", again->path,
	    fn_ip_format(again->key, text), first->owner[0] ? first->owner : "another interface",
	    at);
}

/* The kernel refuses an address twice, and lo's are there from the start. */
void ident_check_interfaces_unique(struct ctx *c)
{
	occurrences_check(c, &c->ifnames, cmp_string, repeated_ifname);
	occurrences_check(c, &c->addresses, cmp_ip, repeated_address);
}

static void repeated_disk(struct ctx *c, const struct occurrence *again,
			  const struct occurrence *first)
{
	err(c, again->node, "%s: duplicate disk name '%s' (first at line %u)", again->path,
	    (const char *)again->key, first->node->line);
}

void ident_check_disks_unique(struct ctx *c)
{
	occurrences_check(c, &c->disks, cmp_string, repeated_disk);
}

/* ---------------------------------------------------------------- on-link resolution */

static bool ip_is_link_local6(const struct fn_ip *ip)
{
	return ip->family == AF_INET6 && ip->bytes[0] == 0xfe && (ip->bytes[1] & 0xc0) == 0x80;
}

static bool on_link(const struct fn_iface *iface, const struct fn_ip *ip)
{
	if (iface->kind == FN_KIND_LOOPBACK)
		return false;
	if (ip_is_link_local6(ip) && iface->ipv6_link_local)
		return true;
	for (size_t j = 0; j < iface->n_addrs; j++)
		if (fn_cidr_contains(&iface->addrs[j], ip))
			return true;
	return false;
}

/* The interface whose connected subnet holds `ip`, an up one first (as the kernel prefers). */
static const struct fn_iface *iface_on_link(const struct fn_identity *id, const struct fn_ip *ip)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 1; i < id->n_ifaces; i++)
			if (id->ifaces[i].up == (pass == 0) && on_link(&id->ifaces[i], ip))
				return &id->ifaces[i];
	return NULL;
}

static const struct fn_iface *iface_named(const struct fn_identity *id, const char *name)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (id->ifaces[i].name[0] && strcmp(id->ifaces[i].name, name) == 0)
			return &id->ifaces[i];
	return NULL;
}

const struct fn_iface *ident_find_dev(struct ctx *c, const struct ynode *n, const char *path,
				      const char *name)
{
	const struct fn_iface *iface = iface_named(c->id, name);

	if (!iface && !c->links_unknown)
		err(c, n, "%s: there is no interface named %s", path, SHOWN(name));
	return iface;
}

int ident_resolve_on_link(struct ctx *c, const struct ynode *n, const char *path,
			  const struct fn_ip *ip, const struct fn_iface *dev, bool dev_given)
{
	const struct fn_iface *iface;
	char text[FN_IP_STRLEN];

	fn_ip_format(ip, text);
	if (dev_given && !dev)
		return 0;
	if (ip_is_link_local6(ip) && !dev) {
		err(c, n, "%s: %s is a link-local address; say which interface with 'dev'", path,
		    text);
		return 0;
	}
	if (dev && on_link(dev, ip))
		return dev->ifindex;
	iface = dev ? NULL : iface_on_link(c->id, ip);
	if (iface)
		return iface->ifindex;
	if (c->links_unknown)
		return 0;
	if (dev)
		err(c, n, "%s: %s is not in a connected subnet of %s", path, text, dev->name);
	else
		err(c, n, "%s: %s is not in the connected subnet of any interface", path, text);
	return 0;
}

/* ---------------------------------------------------------------- gateway and routes */

static bool is_own_address(const struct fn_identity *id, const struct fn_ip *ip)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		for (size_t j = 0; j < id->ifaces[i].n_addrs; j++)
			if (fn_ip_equal(&id->ifaces[i].addrs[j].ip, ip))
				return true;
	return false;
}

void ident_resolve_gateway(struct ctx *c, const struct ynode *ip, bool mac_ok)
{
	struct fn_identity *id = c->id;
	const struct fn_iface *iface;
	char text[FN_IP_STRLEN];

	fn_ip_format(&id->gateway_ip, text);
	if (id->gateway_ip.family != AF_INET) {
		err(c, ip,
		    "gateway.ip: %s is not an IPv4 address (the gateway is the IPv4 default route)",
		    text);
		return;
	}
	if (is_own_address(id, &id->gateway_ip)) {
		err(c, ip, "gateway.ip: %s is an address of this machine", text);
		return;
	}
	iface = iface_on_link(id, &id->gateway_ip);
	if (!iface) {
		if (!c->links_unknown)
			err(c, ip,
			    "gateway.ip: %s is not in the connected IPv4 subnet of any interface",
			    text);
		return;
	}
	id->gateway_ifindex = iface->ifindex;
	id->has_gateway = mac_ok;
	if (!mac_ok)
		return;
	c->gateway_ip_node = ip;
	c->gateway_neighbor.ip = id->gateway_ip;
	c->gateway_neighbor.ifindex = id->gateway_ifindex;
}

bool ident_route_families_match(struct ctx *c, const struct ynode *via, const char *path,
				const struct fn_route *r)
{
	if (r->via.family == r->to.ip.family)
		return true;
	err(c, via, "%s: %s is IPv%d but 'to' is IPv%d", path, SHOWN_NODE(via),
	    r->via.family == AF_INET ? 4 : 6, r->to.ip.family == AF_INET ? 4 : 6);
	return false;
}

/* A route as the kernel keeps it: the one route derive makes of a model that holds only `r`
 * (so rules such as IPv6's metric 0 meaning 1024 stay in derive). */
static struct fn_rt kernel_route(const struct fn_route *r)
{
	struct fn_identity only = {.routes = (struct fn_route *)r, .n_routes = 1};
	struct fn_rtable t;
	struct fn_rt rt = {.dst = r->to, .metric = r->metric};

	if (r->to.ip.family == AF_INET)
		fn_routes_ipv4_fib(&only, &t);
	else
		fn_routes_ipv6(&only, &t);
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i].proto == FN_PROTO_BOOT)
			rt = t.v[i];
	fn_rtable_free(&t);
	return rt;
}

/* The kernel keys a route of table main by destination and metric: a second `ip route add` of
 * both fails with "RTNETLINK answers: File exists", whatever its next hop or device. */
static int cmp_route_key(const void *a, const void *b)
{
	const struct fn_rt *x = a, *y = b;
	int r = fn_ip_compare(&x->dst.ip, &y->dst.ip);

	if (r)
		return r;
	if (x->dst.prefix != y->dst.prefix)
		return x->dst.prefix < y->dst.prefix ? -1 : 1;
	return (x->metric > y->metric) - (x->metric < y->metric);
}

static void repeated_route(struct ctx *c, const struct occurrence *again,
			   const struct occurrence *first)
{
	const struct fn_rt *rt = again->key;
	const struct fn_iface *iface;
	char text[FN_IP_STRLEN], what[PATH_SIZE + 48];

	if (again->tag != ROUTE_ENTRY)
		return;
	if (first->tag == ROUTE_ENTRY) {
		snprintf(what, sizeof(what), "%s, line %u", first->path, first->node->line);
	} else if (first->tag == ROUTE_GATEWAY) {
		snprintf(what, sizeof(what), "the default route of gateway, line %u",
			 first->node->line);
	} else {
		iface =
		    fn_identity_iface_by_index(c->id, ((const struct fn_rt *)first->key)->ifindex);
		snprintf(what, sizeof(what), "the connected route of %s, line %u", iface->name,
			 iface->loc.line);
	}
	err(c, again->node, "%s: a route to %s/%u with metric %u already exists (%s)", again->path,
	    fn_ip_format(&rt->dst.ip, text), rt->dst.prefix, rt->metric, what);
}

/* The routes the kernel holds before `routes:` is applied: the connected ones of up interfaces
 * and the gateway's default route. */
static void note_kernel_routes(struct ctx *c, struct fn_rtable *t)
{
	struct fn_identity base = *c->id;
	struct fn_rtable v6;

	base.n_routes = 0;
	fn_routes_ipv4_fib(&base, t);
	fn_routes_ipv6(&base, &v6);
	for (size_t i = 0; i < v6.n; i++) {
		t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
		t->v[t->n++] = v6.v[i];
	}
	fn_rtable_free(&v6);
}

void ident_check_routes_unique(struct ctx *c)
{
	struct occurrences kernel = {0};
	struct fn_rtable t = {0};
	struct fn_rt *keys = xcalloc(c->routes.n + 1, sizeof(*keys));

	/* With an interface unread, its connected routes are unknown: only compare `routes:`. */
	if (!c->links_unknown)
		note_kernel_routes(c, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct fn_rt *rt = &t.v[i];
		bool gateway = rt->proto == FN_PROTO_BOOT;

		if (rt->local_table || rt->type != FN_RT_UNICAST)
			continue;
		ident_note(&kernel, rt, gateway ? c->gateway_ip_node : NULL, "")->tag =
		    gateway ? ROUTE_GATEWAY : ROUTE_CONNECTED;
	}
	/* Kernel routes come first: they exist before any entry of `routes:` is added. */
	for (size_t i = 0; i < c->routes.n; i++) {
		struct occurrence *o = &c->routes.v[i];

		keys[i] = kernel_route(o->key);
		ident_note(&kernel, &keys[i], o->node, o->path)->tag = ROUTE_ENTRY;
	}
	free(c->routes.v);
	c->routes = (struct occurrences){0};
	occurrences_check(c, &kernel, cmp_route_key, repeated_route);
	fn_rtable_free(&t);
	free(keys);
}

/* ---------------------------------------------------------------- neighbours */

static int cmp_neighbor(const void *a, const void *b)
{
	const struct fn_neighbor *x = a, *y = b;
	int r = fn_ip_compare(&x->ip, &y->ip);

	return r ? r : (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static void repeated_neighbor(struct ctx *c, const struct occurrence *again,
			      const struct occurrence *first)
{
	const struct fn_neighbor *nb = again->key;
	char text[FN_IP_STRLEN];

	err(c, again->node, "%s: %s already has a neighbour entry (%s, line %u)", again->path,
	    fn_ip_format(&nb->ip, text), first->tag ? "the gateway" : first->path,
	    first->node->line);
}

void ident_check_neighbors_unique(struct ctx *c)
{
	occurrences_check(c, &c->neighbors, cmp_neighbor, repeated_neighbor);
}

/* ---------------------------------------------------------------- names */

static void repeated_name(struct ctx *c, const struct occurrence *again,
			  const struct occurrence *first)
{
	/* tag 0: a hosts name (may repeat: one name, several addresses); tag 1: a blocked name. */
	if (again->tag == 0)
		return;
	if (first->tag == 1)
		err(c, again->node, "%s: '%s' is already blocked (line %u)", again->path,
		    (const char *)again->key, first->node->line);
	else
		err(c, again->node, "%s: '%s' cannot be blocked: it has a hosts entry (line %u)",
		    again->path, (const char *)again->key, first->node->line);
}

/* Host names are compared without case, as the resolver does. */
void ident_check_blocked(struct ctx *c, const struct ynode *hosts, const struct ynode *blocked)
{
	struct occurrences o = {0};
	char p[PATH_SIZE];

	for (size_t i = 0; hosts && i < ident_list_len(hosts); i++) {
		const struct ynode *names =
		    hosts->kids[i]->type == YN_MAP ? ident_map_get(hosts->kids[i], "names") : NULL;

		for (size_t j = 0; names && j < ident_list_len(names); j++)
			if (names->kids[j]->type == YN_SCALAR)
				ident_note(&o, names->kids[j]->text, names->kids[j], "");
	}
	for (size_t i = 0; blocked && i < ident_list_len(blocked); i++)
		if (blocked->kids[i]->type == YN_SCALAR)
			ident_note(&o, blocked->kids[i]->text, blocked->kids[i],
				   ident_index_path(p, sizeof(p), "blocked", i))
			    ->tag = 1;
	occurrences_check(c, &o, cmp_string_nocase, repeated_name);
}
