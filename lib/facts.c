/* Identity facts by name, computed from the model and lib/derive.h only. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "derive.h"
#include "facts.h"
#include "http_rules.h"
#include "netaddr.h"
#include "util.h"

#define MAX_ADDRS 64

void fn_strv_push(struct fn_strv *s, const char *value)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(value);
}

void fn_strv_free(struct fn_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

char *fn_strv_join(const struct fn_strv *s, const char *sep)
{
	struct fn_buf b;

	if (s->n == 0)
		return xstrdup("(none)");
	fn_buf_init(&b);
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			fn_buf_puts(&b, sep);
		fn_buf_puts(&b, s->v[i]);
	}
	return fn_buf_steal(&b, NULL);
}

static void push_ip(struct fn_strv *out, const struct fn_ip *ip)
{
	char buf[FN_IP_STRLEN];

	fn_strv_push(out, fn_ip_format(ip, buf));
}

static void push_mac(struct fn_strv *out, const struct fn_mac *mac)
{
	char buf[FN_MAC_STRLEN];

	fn_strv_push(out, fn_mac_format(mac, false, buf));
}

static void push_uint(struct fn_strv *out, unsigned long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", v);
	fn_strv_push(out, buf);
}

/* Addresses of one family; `what` selects the plain address, the CIDR, netmask or broadcast. */
enum addr_view { ADDR_PLAIN, ADDR_CIDR, ADDR_NETMASK, ADDR_BROADCAST };

static void push_addrs(struct fn_strv *out, const struct fn_iface *iface, int family,
		       enum addr_view what)
{
	struct fn_cidr addrs[MAX_ADDRS];
	size_t n = fn_iface_addrs(iface, family, addrs, MAX_ADDRS);
	char ip[FN_IP_STRLEN], cidr[FN_IP_STRLEN + 8];

	for (size_t i = 0; i < n && i < MAX_ADDRS; i++) {
		struct fn_ip v = addrs[i].ip;

		if (what == ADDR_CIDR) {
			snprintf(cidr, sizeof(cidr), "%s/%u", fn_ip_format(&v, ip),
				 addrs[i].prefix);
			fn_strv_push(out, cidr);
			continue;
		}
		if (what == ADDR_NETMASK)
			v = fn_prefix_mask(family, addrs[i].prefix);
		if (what == ADDR_BROADCAST) {
			if (addrs[i].prefix >= 31)
				continue;
			v = fn_cidr_broadcast(&addrs[i]);
		}
		push_ip(out, &v);
	}
}

static int iface_fact(const struct fn_iface *iface, const char *attr, struct fn_strv *out)
{
	static const char *const state_names[] = {"down", "up"};
	char buf[32];

	if (strcmp(attr, "mac") == 0)
		push_mac(out, &iface->mac);
	else if (strcmp(attr, "permanent_mac") == 0)
		push_mac(out, &iface->permanent_mac);
	else if (strcmp(attr, "mtu") == 0)
		push_uint(out, iface->mtu);
	else if (strcmp(attr, "state") == 0)
		fn_strv_push(out, state_names[iface->up]);
	else if (strcmp(attr, "operstate") == 0)
		fn_strv_push(out, fn_iface_operstate(iface));
	else if (strcmp(attr, "ifindex") == 0)
		push_uint(out, (unsigned long)iface->ifindex);
	else if (strcmp(attr, "flags") == 0) {
		snprintf(buf, sizeof(buf), "%u", fn_iface_ioctl_flags(iface) & 0xffff);
		fn_strv_push(out, buf);
	} else if (strcmp(attr, "ipv4") == 0)
		push_addrs(out, iface, AF_INET, ADDR_PLAIN);
	else if (strcmp(attr, "ipv4_cidr") == 0)
		push_addrs(out, iface, AF_INET, ADDR_CIDR);
	else if (strcmp(attr, "netmask") == 0)
		push_addrs(out, iface, AF_INET, ADDR_NETMASK);
	else if (strcmp(attr, "broadcast") == 0)
		push_addrs(out, iface, AF_INET, ADDR_BROADCAST);
	else if (strcmp(attr, "ipv6") == 0)
		push_addrs(out, iface, AF_INET6, ADDR_PLAIN);
	else if (strcmp(attr, "ipv6_cidr") == 0)
		push_addrs(out, iface, AF_INET6, ADDR_CIDR);
	else
		return -1;
	return 0;
}

/* The last "]." of s: interface names may hold "]." themselves, attribute names never do. */
static const char *last_close(const char *s)
{
	const char *found = NULL;

	for (const char *p = strstr(s, "]."); p; p = strstr(p + 1, "]."))
		found = p;
	return found;
}

/* "interfaces[eth0].mac" -> iface eth0, attr "mac". */
static int indexed_iface_fact(const struct fn_identity *id, const char *name, struct fn_strv *out,
			      char **why)
{
	const char *open = name + strlen("interfaces["), *close = last_close(open);
	const struct fn_iface *iface;
	char ifname[FN_IFNAMSIZ];

	if (!close || (size_t)(close - open) >= sizeof(ifname)) {
		*why = xasprintf("'%s': expected interfaces[NAME].ATTRIBUTE", name);
		return -1;
	}
	memcpy(ifname, open, (size_t)(close - open));
	ifname[close - open] = '\0';
	iface = fn_identity_iface_by_name(id, ifname);
	if (!iface) {
		*why = xasprintf("'%s': the identity has no interface '%s'", name, ifname);
		return -1;
	}
	if (iface_fact(iface, close + 2, out) < 0) {
		*why = xasprintf("'%s': unknown interface attribute '%s'", name, close + 2);
		return -1;
	}
	return 0;
}

/* all.ATTR: the attribute over every interface but lo (MACs of down interfaces too, addresses only
 * of up ones, as plain ifconfig lists them); all.ATTR_and_lo adds lo's. */
static int all_of(const struct fn_identity *id, const char *attr, bool with_down,
		  struct fn_strv *out)
{
	static const char *const known[] = {"ipv4", "ipv6", "mac", "ipv4_cidr", "ipv6_cidr"};
	size_t len = strlen(attr);
	bool with_lo = len > 7 && strcmp(attr + len - 7, "_and_lo") == 0;
	char base[32];
	bool ok = false;

	if (with_lo)
		len -= 7;
	if (len >= sizeof(base))
		return -1;
	memcpy(base, attr, len);
	base[len] = '\0';
	for (size_t i = 0; i < N_ELEMENTS(known); i++)
		ok |= strcmp(base, known[i]) == 0;
	if (!ok)
		return -1;
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];

		if (iface->kind == FN_KIND_LOOPBACK && !with_lo)
			continue;
		if (strcmp(base, "mac") == 0 || iface->up || with_down)
			iface_fact(iface, base, out);
	}
	return 0;
}

/* What hostname -I prints: every address of the up interfaces but loopback and link-local ones. */
static void all_global_addresses(const struct fn_identity *id, struct fn_strv *out)
{
	struct fn_cidr addrs[MAX_ADDRS];

	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		size_t n;

		if (iface->kind == FN_KIND_LOOPBACK || !iface->up)
			continue;
		iface_fact(iface, "ipv4", out);
		n = fn_iface_addrs(iface, AF_INET6, addrs, MAX_ADDRS);
		for (size_t j = 0; j < n && j < MAX_ADDRS; j++)
			if (!(addrs[j].ip.bytes[0] == 0xfe &&
			      (addrs[j].ip.bytes[1] & 0xc0) == 0x80))
				push_ip(out, &addrs[j].ip);
	}
}

static void interface_names(const struct fn_identity *id, bool with_lo, bool only_up,
			    struct fn_strv *out)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];

		if (!with_lo && iface->kind == FN_KIND_LOOPBACK)
			continue;
		if (only_up && !iface->up)
			continue;
		fn_strv_push(out, iface->name);
	}
}

static void neighbor_fact(const struct fn_identity *id, bool mac, int family, struct fn_strv *out)
{
	struct fn_neighbor *table = NULL;
	size_t n = fn_neighbor_table(id, &table);

	for (size_t i = 0; i < n; i++) {
		if (family && table[i].ip.family != family)
			continue;
		if (mac)
			push_mac(out, &table[i].mac);
		else
			push_ip(out, &table[i].ip);
	}
	free(table);
}

/* The IPv4 routes route -n lists: their destinations, or the next hops of those with one. */
static void route_fact(const struct fn_identity *id, bool via, struct fn_strv *out)
{
	struct fn_rtable t = {0};

	fn_routes_ipv4(id, &t);
	for (size_t i = 0; i < t.n; i++) {
		if (!fn_rt_in_proc_route(&t.v[i]))
			continue;
		if (!via)
			push_ip(out, &t.v[i].dst.ip);
		else if (t.v[i].has_gw)
			push_ip(out, &t.v[i].gw);
	}
	fn_rtable_free(&t);
}

static int hosts_fact(const struct fn_identity *id, const char *name, struct fn_strv *out,
		      char **why)
{
	size_t len = strlen(name);
	char *host;

	if (len < 8 || name[len - 1] != ']') {
		*why = xasprintf("'%s': expected hosts[NAME]", name);
		return -1;
	}
	host = xstrndup(name + 6, len - 7);
	for (size_t i = 0; i < id->n_blocked; i++)
		if (strcmp(id->blocked[i], host) == 0)
			fn_strv_push(out, "127.0.0.1");
	for (size_t i = 0; i < id->n_hosts && out->n == 0; i++)
		for (size_t j = 0; j < id->hosts[i].n_names; j++)
			if (strcmp(id->hosts[i].names[j], host) == 0)
				push_ip(out, &id->hosts[i].ip);
	if (out->n == 0) {
		*why = xasprintf("'%s': the identity has no hosts entry for '%s'", name, host);
		free(host);
		return -1;
	}
	free(host);
	return 0;
}

static void push_strings(struct fn_strv *out, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fn_strv_push(out, v[i]);
}

static int gateway_fact(const struct fn_identity *id, const char *attr, struct fn_strv *out)
{
	const struct fn_iface *dev;

	if (!id->has_gateway)
		return 0;
	if (strcmp(attr, "ip") == 0)
		push_ip(out, &id->gateway_ip);
	else if (strcmp(attr, "mac") == 0)
		push_mac(out, &id->gateway_mac);
	else if (strcmp(attr, "dev") == 0) {
		dev = fn_identity_iface_by_index(id, id->gateway_ifindex);
		if (dev)
			fn_strv_push(out, dev->name);
	} else if (strcmp(attr, "src") == 0) {
		struct fn_rt route;
		struct fn_ip src;

		if (fn_route_lookup(id, &id->gateway_ip, &route, &src))
			push_ip(out, &src);
	} else
		return -1;
	return 0;
}

/* http[URL].body: what the fake curl prints for URL (nothing when the request fails). */
static int http_fact(const struct fn_identity *id, const char *name, struct fn_strv *out,
		     char **why)
{
	size_t len = strlen(name);
	struct fn_http_answer answer;
	struct fn_http_rules *rules;
	struct fn_url url;
	char *given, *body;

	if (len < 12 || strcmp(name + len - 6, "].body") != 0) {
		*why = xasprintf("'%s': expected http[URL].body", name);
		return -1;
	}
	given = xstrndup(name + 5, len - 11);
	if (!fn_url_parse(given, &url)) {
		*why = xasprintf("'%s': '%s' is not a URL", name, given);
		free(given);
		return -1;
	}
	rules = fn_http_rules_new(id);
	fn_http_lookup(rules, &url, &answer);
	if (answer.fail == FN_HTTP_ANSWER && answer.body_len) {
		body = xstrndup(answer.body, answer.body_len);
		/* A probe's output loses its trailing newline; so does the fact. */
		while (*body && body[strlen(body) - 1] == '\n')
			body[strlen(body) - 1] = '\0';
		if (*body)
			fn_strv_push(out, body);
		free(body);
	}
	fn_http_rules_free(rules);
	fn_url_free(&url);
	free(given);
	return 0;
}

/* system.machine_id, system.dmi.KEY (a DMI string by its /sys/class/dmi/id name, product_uuid in
 * lowercase as the kernel and dmidecode show it, chassis_type as a number). */
static int system_fact(const struct fn_identity *id, const char *name, struct fn_strv *out)
{
	const struct fn_dmi *dmi = &id->system.dmi;
	char text[FN_UUID_STRLEN];

	if (strcmp(name, "machine_id") == 0) {
		fn_strv_push(out, id->system.machine_id);
		return 0;
	}
	if (strncmp(name, "dmi.", 4) != 0)
		return -1;
	name += 4;
	for (int i = 0; i < FN_DMI_N_STRINGS; i++)
		if (strcmp(name, fn_dmi_names[i]) == 0) {
			/* An empty string is SMBIOS's "no string": nothing to find. */
			if (dmi->str[i][0])
				fn_strv_push(out, dmi->str[i]);
			return 0;
		}
	if (strcmp(name, "chassis_type") == 0)
		snprintf(text, sizeof(text), "%u", dmi->chassis_type);
	else if (strcmp(name, "product_uuid") == 0)
		fn_dmi_uuid_text(dmi, text);
	else
		return -1;
	fn_strv_push(out, text);
	return 0;
}

int fn_fact_values(const struct fn_identity *id, const char *name, struct fn_strv *out, char **why)
{
	*why = NULL;
	if (strncmp(name, "const:", 6) == 0)
		fn_strv_push(out, name + 6);
	else if (strcmp(name, "hostname") == 0)
		fn_strv_push(out, id->hostname);
	else if (strcmp(name, "public_ip") == 0) {
		if (id->has_public_ip)
			push_ip(out, &id->public_ip);
	} else if (strncmp(name, "gateway.", 8) == 0) {
		if (gateway_fact(id, name + 8, out) < 0)
			goto unknown;
	} else if (strcmp(name, "interfaces") == 0)
		interface_names(id, false, false, out);
	else if (strcmp(name, "interfaces.all") == 0)
		interface_names(id, true, false, out);
	else if (strcmp(name, "interfaces.up") == 0)
		interface_names(id, false, true, out);
	else if (strcmp(name, "interfaces.all_up") == 0)
		interface_names(id, true, true, out);
	else if (strncmp(name, "interfaces[", 11) == 0)
		return indexed_iface_fact(id, name, out, why);
	else if (strcmp(name, "all.ipv4_and_global6") == 0)
		all_global_addresses(id, out);
	else if (strncmp(name, "all.", 4) == 0) {
		if (all_of(id, name + 4, false, out) < 0)
			goto unknown;
	} else if (strncmp(name, "every.", 6) == 0) {
		if (all_of(id, name + 6, true, out) < 0)
			goto unknown;
	} else if (strcmp(name, "neighbors.ip") == 0 || strcmp(name, "neighbors.mac") == 0)
		neighbor_fact(id, name[10] == 'm', 0, out);
	else if (strcmp(name, "neighbors.ipv4") == 0)
		neighbor_fact(id, false, AF_INET, out);
	else if (strcmp(name, "hostname.ip") == 0) {
		const struct fn_cidr *own = fn_identity_host_address(id);

		if (own)
			push_ip(out, &own->ip);
	} else if (strcmp(name, "routes.dst") == 0 || strcmp(name, "routes.via") == 0)
		route_fact(id, name[7] == 'v', out);
	else if (strcmp(name, "dns.nameservers") == 0)
		for (size_t i = 0; i < id->n_nameservers; i++)
			push_ip(out, &id->nameservers[i]);
	else if (strcmp(name, "dns.search") == 0)
		push_strings(out, id->dns_search, id->n_dns_search);
	else if (strcmp(name, "blocked") == 0)
		push_strings(out, id->blocked, id->n_blocked);
	else if (strncmp(name, "hosts[", 6) == 0)
		return hosts_fact(id, name, out, why);
	else if (strncmp(name, "http[", 5) == 0)
		return http_fact(id, name, out, why);
	else if (strncmp(name, "system.cpu.", 11) == 0 || strncmp(name, "system.disks", 12) == 0)
		return fn_fact_system(id, name, out, why);
	else if (strncmp(name, "system.", 7) == 0) {
		if (system_fact(id, name + 7, out) < 0)
			goto unknown;
	} else
		goto unknown;
	return 0;
unknown:
	/* The names these facts had before they took the identity's section name. */
	if (strncmp(name, "cpu.", 4) == 0 || strncmp(name, "disks", 5) == 0)
		*why =
		    xasprintf("unknown identity fact '%s' (did you mean 'system.%s'?)", name, name);
	else
		*why = xasprintf("unknown identity fact '%s'", name);
	return -1;
}
