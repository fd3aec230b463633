/* Facts the net-tools views need beyond the tables: route flag bits, and the name lookups route and
 * arp do through /etc/hosts and /etc/networks, answered from the identity without any resolver. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "derive.h"
#include "netaddr.h"
#include "render.h"
#include "util.h"

#define FN_RTF_UP	  0x0001u
#define FN_RTF_GATEWAY	  0x0002u
#define FN_RTF_HOST	  0x0004u
#define FN_RTF_REJECT	  0x0200u
#define FN_RTF6_NONEXTHOP 0x00200000u
#define FN_RTF6_LOCAL	  0x80000000u

unsigned fn_rt_rtf_flags(const struct fn_rt *rt)
{
	if (rt->dst.ip.family == AF_INET6) {
		if (rt->type == FN_RT_UNREACHABLE)
			return FN_RTF6_NONEXTHOP | FN_RTF_REJECT;
		if (rt->type == FN_RT_LOCAL)
			return FN_RTF6_LOCAL | FN_RTF6_NONEXTHOP | FN_RTF_UP;
		return FN_RTF_UP | (rt->has_gw ? FN_RTF_GATEWAY : 0);
	}
	/* fib_route_seq_show: UP always, GATEWAY with a next hop, HOST for a /32, REJECT for an
	 * unreachable or prohibit route. */
	return FN_RTF_UP | (rt->type == FN_RT_UNREACHABLE ? FN_RTF_REJECT : 0) |
	       (rt->has_gw ? FN_RTF_GATEWAY : 0) | (rt->dst.prefix == 32 ? FN_RTF_HOST : 0);
}

bool fn_rt_in_proc_route(const struct fn_rt *rt)
{
	return rt->dst.ip.family == AF_INET && !rt->local_table && rt->type != FN_RT_BROADCAST &&
	       rt->type != FN_RT_MULTICAST;
}

unsigned fn_rt_ipv6_refcnt(const struct fn_rt *rt)
{
	/* A live kernel's counts move with traffic; these are a quiet namespace's. */
	return rt->type == FN_RT_LOCAL || rt->has_gw ? 2 : 1;
}

/* The next whitespace-separated word of a hosts line, or NULL at its end or at a comment. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n' || *s == '#') {
		*p = s;
		return NULL;
	}
	*len = strcspn(s, " \t\n#");
	*p = s + *len;
	return s;
}

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : NULL;
}

static bool word_to_ip(const char *w, size_t n, int family, struct fn_ip *ip)
{
	char text[FN_IP_STRLEN];

	if (n >= sizeof(text))
		return false;
	memcpy(text, w, n);
	text[n] = '\0';
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	return inet_pton(family, text, ip->bytes) == 1;
}

/* Calls `match` for each line of the identity's /etc/hosts until it returns true. */
static bool scan_hosts(const struct fn_identity *id,
		       bool (*match)(const char *line, const void *arg, char *buf, size_t len),
		       const void *arg, char *buf, size_t len)
{
	struct fn_buf hosts;
	bool found = false;

	fn_buf_init(&hosts);
	render_etc_hosts(id, &hosts);
	for (const char *line = hosts.data; line && *line && !found; line = next_line(line))
		found = match(line, arg, buf, len);
	fn_buf_free(&hosts);
	return found;
}

static bool line_names_ip(const char *line, const void *arg, char *buf, size_t len)
{
	const struct fn_ip *want = arg;
	const char *p = line, *w;
	struct fn_ip ip;
	size_t n;

	w = next_word(&p, &n);
	if (!w || !word_to_ip(w, n, want->family, &ip) || !fn_ip_equal(&ip, want))
		return false;
	w = next_word(&p, &n);
	if (!w)
		return false;
	snprintf(buf, len, "%.*s", (int)n, w);
	return true;
}

bool fn_hosts_name_for(const struct fn_identity *id, const struct fn_ip *ip, char *buf, size_t len)
{
	return scan_hosts(id, line_names_ip, ip, buf, len);
}

struct name_query {
	const char *name;
	int family;
	struct fn_ip *out;
};

static bool line_has_name(const char *line, const void *arg, char *buf, size_t len)
{
	const struct name_query *q = arg;
	const char *p = line, *w;
	struct fn_ip ip;
	size_t n;

	w = next_word(&p, &n);
	if (!w || !word_to_ip(w, n, q->family, &ip))
		return false;
	while ((w = next_word(&p, &n)))
		if (n == strlen(q->name) && strncasecmp(w, q->name, n) == 0) {
			*q->out = ip;
			return true;
		}
	return false;
}

bool fn_hosts_addr_for(const struct fn_identity *id, const char *name, int family,
		       struct fn_ip *out)
{
	struct name_query q = {.name = name, .family = family, .out = out};
	char unused[1];

	return scan_hosts(id, line_has_name, &q, unused, sizeof(unused));
}

/* /etc/networks as Debian ships it (netbase); glibc matches the whole address. */
static const struct {
	const char *name;
	uint8_t net[4];
} etc_networks[] = {
    {"default", {0, 0, 0, 0}},
    {"loopback", {127, 0, 0, 0}},
    {"link-local", {169, 254, 0, 0}},
};

const char *fn_networks_name_for(const struct fn_ip *net)
{
	if (net->family != AF_INET)
		return NULL;
	for (size_t i = 0; i < N_ELEMENTS(etc_networks); i++)
		if (memcmp(etc_networks[i].net, net->bytes, 4) == 0)
			return etc_networks[i].name;
	return NULL;
}
