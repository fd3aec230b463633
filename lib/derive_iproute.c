/* Link facts that iproute2, ethtool and sysfs report beyond addresses and routes: qdisc, link
 * mode, carrier history, MTU range, queue count, address scope and flags. */
#include <arpa/inet.h>
#include <net/if.h>

#include "derive.h"
#include "host_cpu.h"
#include "netaddr.h"
#include "util.h"

#define FN_IFF_LOWER_UP 0x10000
#define FN_IFF_DORMANT	0x20000

/* iproute2's print order for interface flags (ip/ipaddress.c: print_link_flags). */
static const struct {
	unsigned bit;
	const char *name;
} link_flag_names[] = {
    {IFF_LOOPBACK, "LOOPBACK"},	   {IFF_BROADCAST, "BROADCAST"},   {IFF_POINTOPOINT, "POINTOPOINT"},
    {IFF_MULTICAST, "MULTICAST"},  {IFF_NOARP, "NOARP"},	   {IFF_ALLMULTI, "ALLMULTI"},
    {IFF_PROMISC, "PROMISC"},	   {IFF_NOTRAILERS, "NOTRAILERS"}, {IFF_DEBUG, "DEBUG"},
    {IFF_MASTER, "MASTER"},	   {IFF_SLAVE, "SLAVE"},	   {IFF_UP, "UP"},
    {FN_IFF_LOWER_UP, "LOWER_UP"}, {FN_IFF_DORMANT, "DORMANT"},
};

size_t fn_iface_link_flag_words(const struct fn_iface *iface,
				const char *words[FN_LINK_FLAG_WORDS_MAX])
{
	unsigned flags = fn_iface_ioctl_flags(iface);
	size_t n = 0;

	/* An administratively up link without carrier. */
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING))
		words[n++] = "NO-CARRIER";
	for (size_t i = 0; i < N_ELEMENTS(link_flag_names); i++)
		if (flags & link_flag_names[i].bit)
			words[n++] = link_flag_names[i].name;
	return n;
}

const char *fn_iface_qdisc(const struct fn_iface *iface)
{
	/* A qdisc is attached when the device first comes up; until then it is the noop one. */
	if (!iface->up && iface->kind != FN_KIND_LOOPBACK)
		return "noop";
	switch (iface->kind) {
	case FN_KIND_ETHERNET:
		return "fq_codel";
	case FN_KIND_WIRELESS: /* mac80211 queues internally (iTXQ) and asks for no qdisc */
	case FN_KIND_VETH:
	case FN_KIND_LOOPBACK:
	default:
		return "noqueue";
	}
}

unsigned fn_iface_link_mode(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_WIRELESS ? 1 : 0;
}

unsigned fn_iface_carrier_changes(const struct fn_iface *iface)
{
	if (iface->kind == FN_KIND_LOOPBACK)
		return 0;
	return iface->up ? 2 : 1;
}

void fn_iface_mtu_range(const struct fn_iface *iface, unsigned *min, unsigned *max)
{
	switch (iface->kind) {
	case FN_KIND_LOOPBACK:
		*min = 0;
		*max = 0;
		break;
	case FN_KIND_ETHERNET: /* e1000e: jumbo frames up to 9000 */
		*min = 68;
		*max = 9000;
		break;
	case FN_KIND_WIRELESS: /* mac80211: 256 .. IEEE80211_MAX_DATA_LEN */
		*min = 256;
		*max = 2304;
		break;
	case FN_KIND_VETH:
	default:
		*min = 68;
		*max = 65535;
		break;
	}
}

unsigned fn_iface_num_queues(const struct fn_iface *iface)
{
	if (iface->kind != FN_KIND_VETH)
		return 1;
	/* veth sizes its queues by num_possible_cpus(); the target runs on this host's CPUs. */
	return fn_host_possible_cpus();
}

enum fn_rt_scope fn_addr_scope(const struct fn_cidr *addr)
{
	const uint8_t *b = addr->ip.bytes;

	if (addr->ip.family == AF_INET)
		return b[0] == 127 ? FN_SCOPE_HOST : FN_SCOPE_UNIVERSE;
	if (IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)b))
		return FN_SCOPE_HOST;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return FN_SCOPE_LINK;
	return FN_SCOPE_UNIVERSE;
}

bool fn_iface_addr_nodad(const struct fn_iface *iface, const struct fn_cidr *addr)
{
	return !iface->ipv6_dad && addr->ip.family == AF_INET6 &&
	       fn_addr_scope(addr) == FN_SCOPE_UNIVERSE;
}

bool fn_iface_addr_has_broadcast(const struct fn_iface *iface, const struct fn_cidr *addr)
{
	/* lo's 127.0.0.1/8 is added without "brd +"; /31 and /32 have no host bits to set. */
	if (iface->kind == FN_KIND_LOOPBACK || addr->ip.family != AF_INET)
		return false;
	return addr->prefix < 31;
}

bool fn_iface_addr_secondary(const struct fn_iface *iface, const struct fn_cidr *addr)
{
	if (addr->ip.family != AF_INET)
		return false;
	for (size_t i = 0; i < iface->n_addrs; i++) {
		const struct fn_cidr *earlier = &iface->addrs[i];

		if (earlier == addr || fn_ip_equal(&earlier->ip, &addr->ip))
			return false;
		if (earlier->ip.family == AF_INET && earlier->prefix == addr->prefix &&
		    fn_cidr_contains(earlier, &addr->ip))
			return true;
	}
	return false;
}
