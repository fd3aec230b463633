/* The text of route, arp, ifconfig and netstat -r/-i as net-tools 2.10 (or 1.60) prints it for a
 * machine configured like the identity. Formats: lib/inet_gr.c, inet6_gr.c, arp.c, interface.c. */
#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"
#include "render_nettools.h"
#include "util.h"

#define MAX_ADDRS 64
#define NAME_LEN  256

#define RTF_UP_BIT	0x0001u
#define RTF_GATEWAY_BIT 0x0002u
#define RTF_HOST_BIT	0x0004u
#define RTF_REJECT_BIT	0x0200u
#define RTF6_NONEXTHOP	0x00200000u

#define ATF_COM_BIT  0x02u
#define ATF_PERM_BIT 0x04u
#define ATF_PUBL_BIT 0x08u

/* ifconfig reads the flags with SIOCGIFFLAGS, whose ifr_flags is a short. */
static unsigned short_flags(const struct fn_iface *iface)
{
	return fn_iface_ioctl_flags(iface) & 0xffffu;
}

/* ---- units, names, flags ---- */

const char *fn_nt_format_bytes(uint64_t bytes, enum fn_nt_units units, char *buf, size_t len)
{
	static const char *const iec[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	static const char *const pristine[] = {"b", "Kb", "Mb"};
	const char *const *names = units == FN_NT_UNITS_IEC ? iec : pristine;
	size_t steps = units == FN_NT_UNITS_IEC ? 6 : 2;
	uint64_t unit = 1;
	size_t i = 0;

	while (i < steps && bytes > (unit << 10)) {
		unit <<= 10;
		i++;
	}
	/* (bytes * 10 / unit) split as the tools do, without overflowing for huge counts. */
	snprintf(buf, len, "%llu.%llu %s", (unsigned long long)(bytes / unit),
		 (unsigned long long)((bytes % unit) * 10 / unit), names[i]);
	return buf;
}

static size_t digit_run(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

int fn_nt_name_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t na = digit_run(a), nb = digit_run(b);
			const char *da = a, *db = b;
			int c;

			while (na > 1 && *da == '0')
				da++, na--;
			while (nb > 1 && *db == '0')
				db++, nb--;
			if (na != nb)
				return na < nb ? -1 : 1;
			c = strncmp(da, db, na);
			if (c)
				return c;
			a = da + na;
			b = db + nb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static const struct {
	unsigned bit;
	const char *word;
} flag_words[] = {
    {IFF_UP, "UP"},
    {IFF_BROADCAST, "BROADCAST"},
    {IFF_DEBUG, "DEBUG"},
    {IFF_LOOPBACK, "LOOPBACK"},
    {IFF_POINTOPOINT, "POINTOPOINT"},
    {IFF_NOTRAILERS, "NOTRAILERS"},
    {IFF_RUNNING, "RUNNING"},
    {IFF_NOARP, "NOARP"},
    {IFF_PROMISC, "PROMISC"},
    {IFF_ALLMULTI, "ALLMULTI"},
    {IFF_SLAVE, "SLAVE"},
    {IFF_MASTER, "MASTER"},
    {IFF_MULTICAST, "MULTICAST"},
    {IFF_DYNAMIC, "DYNAMIC"},
};

void fn_nt_flag_words(unsigned flags, enum fn_nettools_style style, struct fn_buf *out)
{
	bool first = true;

	if (flags == 0 && style == FN_NETTOOLS_1_60)
		fn_buf_puts(out, "[NO FLAGS] ");
	for (size_t i = 0; i < N_ELEMENTS(flag_words); i++) {
		if (!(flags & flag_words[i].bit))
			continue;
		if (style == FN_NETTOOLS_1_60) {
			fn_buf_printf(out, "%s ", flag_words[i].word);
			continue;
		}
		fn_buf_printf(out, "%s%s", first ? "" : ",", flag_words[i].word);
		first = false;
	}
}

static const struct {
	unsigned bit;
	char letter;
} flag_letters[] = {
    {IFF_ALLMULTI, 'A'},  {IFF_BROADCAST, 'B'},	  {IFF_DEBUG, 'D'},   {IFF_LOOPBACK, 'L'},
    {IFF_MULTICAST, 'M'}, {IFF_DYNAMIC, 'd'},	  {IFF_PROMISC, 'P'}, {IFF_NOTRAILERS, 'N'},
    {IFF_NOARP, 'O'},	  {IFF_POINTOPOINT, 'P'}, {IFF_SLAVE, 's'},   {IFF_MASTER, 'm'},
    {IFF_RUNNING, 'R'},	  {IFF_UP, 'U'},
};

void fn_nt_flag_letters(unsigned flags, struct fn_buf *out)
{
	if (flags == 0)
		fn_buf_puts(out, "[NO FLAGS]");
	for (size_t i = 0; i < N_ELEMENTS(flag_letters); i++)
		if (flags & flag_letters[i].bit)
			fn_buf_printf(out, "%c", flag_letters[i].letter);
}

/* ---- name lookups, as lib/inet.c and inet6.c do them ---- */

enum lookup_kind {
	LOOKUP_DEST, /* a route destination: 0.0.0.0 is "default", a network is named by networks */
	LOOKUP_GATEWAY, /* always a host */
	LOOKUP_ARP,	/* INET_sprint: a host unless the last octet is 0 */
};

static const char *inet_name(const struct fn_identity *id, const struct fn_ip *ip, uint32_t netmask,
			     enum lookup_kind kind, bool numeric, char *buf, size_t len)
{
	uint32_t a = fn_ip4_host(ip);
	const char *net;
	char text[FN_IP_STRLEN];

	if (a == 0 && !numeric) {
		/* 2.10 prints an unset gateway as 0.0.0.0; 1.60 printed "*". */
		if (kind == LOOKUP_DEST)
			snprintf(buf, len, "default");
		else
			snprintf(buf, len, "%s",
				 id->nettools == FN_NETTOOLS_1_60 ? "*" : "0.0.0.0");
		return buf;
	}
	snprintf(buf, len, "%s", fn_ip_format(ip, text));
	if (numeric)
		return buf;
	if ((a & ~netmask) != 0 || kind == LOOKUP_GATEWAY) {
		fn_hosts_name_for(id, ip, buf, len);
		return buf;
	}
	net = fn_networks_name_for(ip);
	if (net)
		snprintf(buf, len, "%s", net);
	return buf;
}

static const char *inet6_name(const struct fn_identity *id, const struct fn_ip *ip, bool numeric,
			      char *buf, size_t len)
{
	char text[FN_IP_STRLEN];

	if (numeric) {
		snprintf(buf, len, "%s", fn_ip_format(ip, text));
		return buf;
	}
	if (fn_ip_is_zero(ip)) {
		snprintf(buf, len, "[::]");
		return buf;
	}
	snprintf(buf, len, "%s", fn_ip_format(ip, text));
	fn_hosts_name_for(id, ip, buf, len);
	return buf;
}

static const char *iface_name(const struct fn_identity *id, int ifindex)
{
	const struct fn_iface *iface = fn_identity_iface_by_index(id, ifindex);

	return iface ? iface->name : "*";
}

/* ---- route ---- */

/* The Flags column: one letter per set bit, in the order each net-tools printer tests them. */
struct flag_letter {
	unsigned bit;
	char letter;
};

static void flag_text(unsigned bits, const struct flag_letter *v, char *buf)
{
	for (; v->bit; v++)
		if (bits & v->bit)
			*buf++ = v->letter;
	*buf = '\0';
}

static const struct flag_letter route_letters[] = {
    {RTF_UP_BIT, 'U'}, {RTF_GATEWAY_BIT, 'G'}, {RTF_REJECT_BIT, '!'}, {RTF_HOST_BIT, 'H'}, {0}};

static const char *const route_titles[] = {
    [1] = "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n",
    [2] = "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n",
    [3] = "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   "
	  "Window irtt\n",
};

static void route_row(const struct fn_identity *id, const struct fn_rt *rt, int ext, bool numeric,
		      struct fn_buf *out)
{
	struct fn_ip mask = fn_prefix_mask(AF_INET, rt->dst.prefix);
	char dst[NAME_LEN], gw[NAME_LEN], msk[FN_IP_STRLEN], flags[8];
	const struct fn_ip zero = fn_ip4_from_host(0);
	const char *dev = iface_name(id, rt->ifindex);

	inet_name(id, &rt->dst.ip, fn_ip4_host(&mask), LOOKUP_DEST, numeric, dst, sizeof(dst));
	inet_name(id, rt->has_gw ? &rt->gw : &zero, 0xffffffffu, LOOKUP_GATEWAY, numeric, gw,
		  sizeof(gw));
	fn_ip_format(&mask, msk);
	flag_text(fn_rt_rtf_flags(rt), route_letters, flags);
	if (ext == 1)
		fn_buf_printf(out, "%-15.15s %-15.15s %-15s %-5s %-6d %-2d %7d %s\n", dst, gw, msk,
			      flags, (int)rt->metric, 0, 0, dev);
	else if (ext == 2)
		fn_buf_printf(out, "%-15.15s %-15.15s %-15s %-5s %5d %-5d %6d %s\n", dst, gw, msk,
			      flags, 0, 0, 0, dev);
	else
		fn_buf_printf(out,
			      "%-15.15s %-15.15s %-15s %-5s %-6d %-3d %6d %-6.6s   %-5d %-6d %d\n",
			      dst, gw, msk, flags, (int)rt->metric, 0, 0, dev, 0, 0, 0);
}

void render_route_ipv4(const struct fn_identity *id, int ext, bool numeric, struct fn_buf *out)
{
	struct fn_rtable t;

	fn_buf_puts(out, "Kernel IP routing table\n");
	if (ext < 1 || ext > 3)
		return;
	fn_buf_puts(out, route_titles[ext]);
	fn_routes_ipv4(id, &t);
	for (size_t i = 0; i < t.n; i++)
		if (fn_rt_in_proc_route(&t.v[i]) && (fn_rt_rtf_flags(&t.v[i]) & RTF_UP_BIT))
			route_row(id, &t.v[i], ext, numeric, out);
	fn_rtable_free(&t);
}

void render_route_cache(int ext, struct fn_buf *out)
{
	fn_buf_puts(out, "Kernel IP routing cache\n");
	if (ext == 1)
		fn_buf_puts(out,
			    "Source          Destination     Gateway         Flags Metric Ref    "
			    "Use Iface\n");
	else if (ext == 2)
		fn_buf_puts(out,
			    "Source          Destination     Gateway         Flags   MSS Window  "
			    "irtt Iface\n");
	else if (ext == 3)
		fn_buf_puts(out,
			    "Source          Destination     Gateway         Flags Metric Ref    "
			    "Use Iface    MSS   Window irtt  TOS HHRef HHUptod     SpecDst\n");
}

static const struct flag_letter route6_letters[] = {
    {RTF_UP_BIT, 'U'},	 {RTF_REJECT_BIT, '!'}, {RTF_GATEWAY_BIT, 'G'},
    {RTF_HOST_BIT, 'H'}, {RTF6_NONEXTHOP, 'n'}, {0},
};

void render_route_ipv6(const struct fn_identity *id, bool numeric, struct fn_buf *out)
{
	const struct fn_ip unspec = {.family = AF_INET6};
	struct fn_rtable t;

	fn_buf_puts(out,
		    "Kernel IPv6 routing table\n"
		    "Destination                    Next Hop                   Flag Met Ref  Use "
		    "If\n");
	fn_routes_ipv6(id, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct fn_rt *rt = &t.v[i];
		char dst[NAME_LEN], dstp[NAME_LEN + 8], gw[NAME_LEN], flags[12];

		inet6_name(id, &rt->dst.ip, numeric, dst, sizeof(dst));
		snprintf(dstp, sizeof(dstp), "%s/%u", dst, rt->dst.prefix);
		inet6_name(id, rt->has_gw ? &rt->gw : &unspec, numeric, gw, sizeof(gw));
		flag_text(fn_rt_rtf_flags(rt), route6_letters, flags);
		fn_buf_printf(out, "%-30s %-26s %-4s %-3d %-1d %6d %s\n", dstp, gw, flags,
			      (int)rt->metric, (int)fn_rt_ipv6_refcnt(rt), 0,
			      iface_name(id, rt->ifindex));
	}
	fn_rtable_free(&t);
}

/* ---- arp ---- */

static const struct flag_letter arp_letters[] = {
    {ATF_COM_BIT, 'C'}, {ATF_PERM_BIT, 'M'}, {ATF_PUBL_BIT, 'P'}, {0}};

static void arp_row_linux(const char *name, const char *mac, unsigned atf, const char *dev,
			  bool *header, struct fn_buf *out)
{
	char flags[8];

	if (!*header)
		fn_buf_puts(out,
			    "Address                  HWtype  HWaddress           Flags Mask     "
			    "       Iface\n");
	*header = true;
	flag_text(atf, arp_letters, flags);
	fn_buf_printf(out, "%-23.23s  ", name);
	if (atf & ATF_COM_BIT)
		fn_buf_printf(out, "%-8.8s%-20.20s", "ether", mac);
	else
		fn_buf_printf(out, "%-8.8s%-20.20s", "", "(incomplete)");
	fn_buf_printf(out, "%-6.6s%-15.15s %s\n", flags, "", dev);
}

static void arp_row_bsd(const char *name, const char *ip, const char *mac, unsigned atf,
			const char *dev, struct fn_buf *out)
{
	fn_buf_printf(out, "%s (%s) at ", name, ip);
	if (atf & ATF_COM_BIT)
		fn_buf_printf(out, "%s [%s] ", mac, "ether");
	else
		fn_buf_puts(out, "<incomplete> ");
	if (atf & ATF_PERM_BIT)
		fn_buf_puts(out, "PERM ");
	if (atf & ATF_PUBL_BIT)
		fn_buf_puts(out, "PUB ");
	fn_buf_printf(out, "on %s\n", dev);
}

int render_arp(const struct fn_identity *id, const struct fn_arp_query *q, struct fn_buf *out)
{
	struct fn_neighbor *nb;
	size_t n = fn_neighbor_table(id, &nb), entries = 0, found = 0;
	char hostip[FN_IP_STRLEN];
	bool header = false;

	for (size_t i = 0; i < n; i++) {
		const struct fn_iface *iface = fn_identity_iface_by_index(id, nb[i].ifindex);
		unsigned atf = fn_nud_arp_flags(nb[i].state);
		char ip[FN_IP_STRLEN], mac[FN_MAC_STRLEN], name[NAME_LEN];

		if (nb[i].ip.family != AF_INET || !iface)
			continue;
		entries++;
		if (q->has_host && !fn_ip_equal(&nb[i].ip, &q->host))
			continue;
		if ((q->dev && strcmp(q->dev, iface->name) != 0) || q->other_hwtype)
			continue;
		found++;
		fn_ip_format(&nb[i].ip, ip);
		fn_mac_format(&nb[i].mac, false, mac);
		inet_name(id, &nb[i].ip, 0xffffff00u, LOOKUP_ARP, q->numeric, name, sizeof(name));
		if (q->style == FN_ARP_BSD)
			arp_row_bsd(q->numeric || strcmp(name, ip) == 0 ? "?" : name, ip, mac, atf,
				    iface->name, out);
		else
			arp_row_linux(name, mac, atf, iface->name, &header, out);
	}
	free(nb);
	if (q->verbose)
		fn_buf_printf(out, "Entries: %zu\tSkipped: %zu\tFound: %zu\n", entries,
			      entries - found, found);
	if (found > 0)
		return 0;
	/* The Linux style names the missing host; the BSD style only counts. */
	if (q->has_host && q->style == FN_ARP_LINUX)
		fn_buf_printf(out, "%s (%s) -- no entry\n", q->host_text,
			      fn_ip_format(&q->host, hostip));
	else if (q->has_host || q->dev || q->other_hwtype)
		fn_buf_printf(out, "arp: in %zu entries no match found.\n", entries);
	return 0;
}

/* ---- ifconfig ---- */

static unsigned if_inet6_scope(const struct fn_cidr *addr)
{
	switch (fn_addr_scope(addr)) {
	case FN_SCOPE_HOST:
		return 0x10;
	case FN_SCOPE_LINK:
		return 0x20;
	default:
		return 0x00;
	}
}

static const char *scope_word(unsigned scope, enum fn_nettools_style style)
{
	bool old = style == FN_NETTOOLS_1_60;

	switch (scope) {
	case 0x00:
		return old ? "Global" : "global";
	case 0x10:
		return old ? "Host" : "host";
	case 0x20:
		return old ? "Link" : "link";
	case 0x40:
		return old ? "Site" : "site";
	case 0x80:
		return old ? "Compat" : "compat";
	default:
		return old ? "Unknown" : "unknown";
	}
}

static void ipv4_line(const struct fn_iface *iface, unsigned flags, enum fn_nettools_style style,
		      struct fn_buf *out)
{
	const struct fn_cidr *a = fn_iface_primary_ipv4(iface);
	struct fn_ip mask, bcast;
	char ip[FN_IP_STRLEN], m[FN_IP_STRLEN], b[FN_IP_STRLEN];

	if (!a)
		return;
	mask = fn_prefix_mask(AF_INET, a->prefix);
	bcast = fn_cidr_broadcast(a);
	fn_ip_format(&a->ip, ip);
	fn_ip_format(&mask, m);
	fn_ip_format(&bcast, b);
	if (style == FN_NETTOOLS_1_60) {
		fn_buf_printf(out, "          inet addr:%s ", ip);
		if (flags & IFF_BROADCAST)
			fn_buf_printf(out, " Bcast:%s ", b);
		fn_buf_printf(out, " Mask:%s\n", m);
		return;
	}
	fn_buf_printf(out, "        inet %s  netmask %s", ip, m);
	if (flags & IFF_BROADCAST)
		fn_buf_printf(out, "  broadcast %s", b);
	fn_buf_puts(out, "\n");
}

static void ipv6_lines(const struct fn_iface *iface, enum fn_nettools_style style,
		       struct fn_buf *out)
{
	struct fn_cidr a[MAX_ADDRS];
	size_t n = fn_iface_addrs(iface, AF_INET6, a, MAX_ADDRS);

	for (size_t i = 0; i < n && i < MAX_ADDRS; i++) {
		unsigned scope = if_inet6_scope(&a[i]);
		char ip[FN_IP_STRLEN];

		fn_ip_format(&a[i].ip, ip);
		if (style == FN_NETTOOLS_1_60)
			fn_buf_printf(out, "          inet6 addr: %s/%u Scope:%s\n", ip,
				      a[i].prefix, scope_word(scope, style));
		else
			fn_buf_printf(out, "        inet6 %s  prefixlen %u  scopeid 0x%x<%s>\n", ip,
				      a[i].prefix, scope, scope_word(scope, style));
	}
}

static void block_2_10(const struct fn_iface *iface, struct fn_buf *out)
{
	const struct fn_iface_stats *s = &iface->stats;
	unsigned flags = short_flags(iface);
	char mac[FN_MAC_STRLEN], rx[32], tx[32];

	fn_buf_printf(out, "%s: flags=%u<", iface->name, flags);
	fn_nt_flag_words(flags, FN_NETTOOLS_2_10, out);
	fn_buf_printf(out, ">  mtu %u\n", iface->mtu);
	ipv4_line(iface, flags, FN_NETTOOLS_2_10, out);
	ipv6_lines(iface, FN_NETTOOLS_2_10, out);
	if (iface->kind == FN_KIND_LOOPBACK)
		fn_buf_printf(out, "        loop  txqueuelen %u  (Local Loopback)\n",
			      fn_iface_txqueuelen(iface));
	else
		fn_buf_printf(out, "        ether %s  txqueuelen %u  (Ethernet)\n",
			      fn_mac_format(&iface->mac, false, mac), fn_iface_txqueuelen(iface));
	fn_nt_format_bytes(s->rx_bytes, FN_NT_UNITS_IEC, rx, sizeof(rx));
	fn_nt_format_bytes(s->tx_bytes, FN_NT_UNITS_IEC, tx, sizeof(tx));
	fn_buf_printf(out,
		      "        RX packets %llu  bytes %llu (%s)\n"
		      "        RX errors 0  dropped 0  overruns 0  frame 0\n"
		      "        TX packets %llu  bytes %llu (%s)\n"
		      "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n\n",
		      (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes, rx,
		      (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes, tx);
}

static void block_1_60(const struct fn_iface *iface, struct fn_buf *out)
{
	const struct fn_iface_stats *s = &iface->stats;
	unsigned flags = short_flags(iface);
	char mac[FN_MAC_STRLEN], rx[32], tx[32];

	if (iface->kind == FN_KIND_LOOPBACK)
		fn_buf_printf(out, "%-9.9s Link encap:Local Loopback  \n", iface->name);
	else
		fn_buf_printf(out, "%-9.9s Link encap:Ethernet  HWaddr %s  \n", iface->name,
			      fn_mac_format(&iface->mac, true, mac));
	ipv4_line(iface, flags, FN_NETTOOLS_1_60, out);
	ipv6_lines(iface, FN_NETTOOLS_1_60, out);
	fn_buf_puts(out, "          ");
	fn_nt_flag_words(flags, FN_NETTOOLS_1_60, out);
	fn_buf_printf(out, " MTU:%u  Metric:1\n", iface->mtu);
	fn_nt_format_bytes(s->rx_bytes, FN_NT_UNITS_PRISTINE, rx, sizeof(rx));
	fn_nt_format_bytes(s->tx_bytes, FN_NT_UNITS_PRISTINE, tx, sizeof(tx));
	fn_buf_printf(out,
		      "          RX packets:%llu errors:0 dropped:0 overruns:0 frame:0\n"
		      "          TX packets:%llu errors:0 dropped:0 overruns:0 carrier:0\n"
		      "          collisions:0 txqueuelen:%u \n"
		      "          RX bytes:%llu (%s)  TX bytes:%llu (%s)\n\n",
		      (unsigned long long)s->rx_packets, (unsigned long long)s->tx_packets,
		      fn_iface_txqueuelen(iface), (unsigned long long)s->rx_bytes, rx,
		      (unsigned long long)s->tx_bytes, tx);
}

void render_ifconfig_iface(const struct fn_identity *id, const struct fn_iface *iface,
			   struct fn_buf *out)
{
	if (id->nettools == FN_NETTOOLS_1_60)
		block_1_60(iface, out);
	else
		block_2_10(iface, out);
}

static int iface_ptr_cmp(const void *a, const void *b)
{
	const struct fn_iface *const *x = a, *const *y = b;

	return fn_nt_name_cmp((*x)->name, (*y)->name);
}

/* The interfaces ifconfig lists, in its order; the caller frees the array. */
static size_t listed_ifaces(const struct fn_identity *id, bool all, const struct fn_iface ***out)
{
	const struct fn_iface **v = xcalloc(id->n_ifaces ? id->n_ifaces : 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < id->n_ifaces; i++)
		if (all || (short_flags(&id->ifaces[i]) & IFF_UP))
			v[n++] = &id->ifaces[i];
	qsort(v, n, sizeof(*v), iface_ptr_cmp);
	*out = v;
	return n;
}

void render_ifconfig(const struct fn_identity *id, bool all, struct fn_buf *out)
{
	const struct fn_iface **v;
	size_t n = listed_ifaces(id, all, &v);

	for (size_t i = 0; i < n; i++)
		render_ifconfig_iface(id, v[i], out);
	free(v);
}

void render_iface_table_row(const struct fn_identity *id, const struct fn_iface *iface,
			    struct fn_buf *out)
{
	const struct fn_iface_stats *s = &iface->stats;

	if (id->nettools == FN_NETTOOLS_1_60)
		fn_buf_printf(out, "%-5.5s %5u %3d %7llu %6lu %6lu %6lu %7llu %6lu %6lu %6lu ",
			      iface->name, iface->mtu, 0, (unsigned long long)s->rx_packets, 0ul,
			      0ul, 0ul, (unsigned long long)s->tx_packets, 0ul, 0ul, 0ul);
	else
		fn_buf_printf(out, "%-15.15s %5u %8llu %6lu %6lu %-6lu %8llu %6lu %6lu %6lu ",
			      iface->name, iface->mtu, (unsigned long long)s->rx_packets, 0ul, 0ul,
			      0ul, (unsigned long long)s->tx_packets, 0ul, 0ul, 0ul);
	fn_nt_flag_letters(short_flags(iface), out);
	fn_buf_puts(out, "\n");
}

void render_iface_table_header(const struct fn_identity *id, bool netstat_header,
			       struct fn_buf *out)
{
	if (netstat_header)
		fn_buf_puts(out, "Kernel Interface table\n");
	if (id->nettools == FN_NETTOOLS_1_60)
		fn_buf_puts(out, netstat_header
				     ? "Iface   MTU Met   RX-OK RX-ERR RX-DRP RX-OVR   TX-OK "
				       "TX-ERR TX-DRP TX-OVR Flg\n"
				     : "Iface   MTU Met    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK "
				       "TX-ERR TX-DRP TX-OVR Flg\n");
	else
		fn_buf_puts(out, netstat_header
				     ? "Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR  "
				       "  TX-OK TX-ERR TX-DRP TX-OVR Flg\n"
				     : "Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK "
				       "TX-ERR TX-DRP TX-OVR Flg\n");
}

void render_iface_table(const struct fn_identity *id, bool all, bool netstat_header,
			struct fn_buf *out)
{
	const struct fn_iface **v;
	size_t n = listed_ifaces(id, all, &v);

	render_iface_table_header(id, netstat_header, out);
	for (size_t i = 0; i < n; i++)
		render_iface_table_row(id, v[i], out);
	free(v);
}
