/* Prints what libc and the kernel say about the network: getifaddrs(), if_nameindex() and every
 * interface ioctl fingerprinting software uses. Run once under the preload library and once in a
 * network namespace configured like the identity; the two outputs must agree.
 * Usage: ifprobe [[DEV:]IPV4...]   (each is looked up with SIOCGARP, on DEV if given) */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	if (!sa)
		return "-";
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, len);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "%s%%%u", a, s6->sin6_scope_id);
		return buf;
	}
	if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
		const unsigned char *m = ll->sll_addr;

		snprintf(buf, len, "ll idx=%d hatype=%u halen=%u %02x:%02x:%02x:%02x:%02x:%02x",
			 ll->sll_ifindex, ll->sll_hatype, ll->sll_halen, m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		return buf;
	}
	snprintf(buf, len, "family=%d", sa->sa_family);
	return buf;
}

static void print_ifaddrs(void)
{
	struct ifaddrs *list;
	char a[128], m[128], b[128];

	if (getifaddrs(&list) < 0) {
		printf("getifaddrs: %s\n", strerror(errno));
		return;
	}
	for (struct ifaddrs *i = list; i; i = i->ifa_next)
		printf("ifaddr %s flags=%#x addr=%s mask=%s brd=%s data=%s\n", i->ifa_name,
		       i->ifa_flags, addr_text(i->ifa_addr, a, sizeof(a)),
		       addr_text(i->ifa_netmask, m, sizeof(m)),
		       addr_text(i->ifa_broadaddr, b, sizeof(b)), i->ifa_data ? "yes" : "no");
	freeifaddrs(list);
}

static void request(int s, const char *name, unsigned long req, const char *what)
{
	struct ifreq ifr;
	char buf[128];
	const unsigned char *hw = (const unsigned char *)ifr.ifr_hwaddr.sa_data;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s, req, &ifr) < 0) {
		printf("%s %s: %s\n", name, what, strerror(errno));
		return;
	}
	switch (req) {
	case SIOCGIFFLAGS:
		printf("%s %s: %#x\n", name, what, (unsigned short)ifr.ifr_flags);
		break;
	case SIOCGIFHWADDR:
		printf("%s %s: family=%u %02x:%02x:%02x:%02x:%02x:%02x\n", name, what,
		       ifr.ifr_hwaddr.sa_family, hw[0], hw[1], hw[2], hw[3], hw[4], hw[5]);
		break;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		printf("%s %s: %s\n", name, what, addr_text(&ifr.ifr_addr, buf, sizeof(buf)));
		break;
	case SIOCGIFMTU:
		printf("%s %s: %d\n", name, what, ifr.ifr_mtu);
		break;
	case SIOCGIFINDEX:
		printf("%s %s: %d\n", name, what, ifr.ifr_ifindex);
		break;
	case SIOCGIFTXQLEN:
		printf("%s %s: %d\n", name, what, ifr.ifr_qlen);
		break;
	}
}

static void ethtool(int s, const char *name)
{
	struct {
		struct ethtool_perm_addr pa;
		unsigned char data[32];
	} perm = {.pa = {.cmd = ETHTOOL_GPERMADDR, .size = 32}};
	struct ethtool_drvinfo di = {.cmd = ETHTOOL_GDRVINFO};
	struct ethtool_value link = {.cmd = ETHTOOL_GLINK};
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_data = (void *)&perm;
	if (ioctl(s, SIOCETHTOOL, &ifr) < 0) {
		printf("%s ETHTOOL_GPERMADDR: %s\n", name, strerror(errno));
	} else {
		printf("%s ETHTOOL_GPERMADDR: size=%u", name, perm.pa.size);
		for (unsigned i = 0; i < perm.pa.size && i < 32; i++)
			printf("%s%02x", i ? ":" : " ", perm.pa.data[i]);
		printf("\n");
	}
	ifr.ifr_data = (void *)&di;
	if (ioctl(s, SIOCETHTOOL, &ifr) < 0)
		printf("%s ETHTOOL_GDRVINFO: %s\n", name, strerror(errno));
	else
		printf("%s ETHTOOL_GDRVINFO: driver=%s version=%s fw=%s bus=%s n_stats=%u\n", name,
		       di.driver, di.version, di.fw_version, di.bus_info, di.n_stats);
	ifr.ifr_data = (void *)&link;
	if (ioctl(s, SIOCETHTOOL, &ifr) < 0)
		printf("%s ETHTOOL_GLINK: %s\n", name, strerror(errno));
	else
		printf("%s ETHTOOL_GLINK: %u\n", name, link.data);
}

static void ifconf(int s)
{
	struct ifreq reqs[64];
	struct ifconf ifc = {.ifc_len = 0, .ifc_req = NULL};
	char buf[128];

	if (ioctl(s, SIOCGIFCONF, &ifc) < 0) {
		printf("SIOCGIFCONF: %s\n", strerror(errno));
		return;
	}
	printf("SIOCGIFCONF needs %d bytes\n", ifc.ifc_len);
	ifc.ifc_len = sizeof(reqs);
	ifc.ifc_req = reqs;
	if (ioctl(s, SIOCGIFCONF, &ifc) < 0)
		return;
	for (size_t i = 0; i < ifc.ifc_len / sizeof(reqs[0]); i++)
		printf("SIOCGIFCONF %s %s\n", reqs[i].ifr_name,
		       addr_text(&reqs[i].ifr_addr, buf, sizeof(buf)));
}

static void arp(int s, const char *arg)
{
	const char *colon = strchr(arg, ':'), *ip = colon ? colon + 1 : arg;
	struct arpreq req;
	struct sockaddr_in *pa = (struct sockaddr_in *)&req.arp_pa;
	const unsigned char *m = (const unsigned char *)req.arp_ha.sa_data;

	memset(&req, 0, sizeof(req));
	if (colon)
		snprintf(req.arp_dev, sizeof(req.arp_dev), "%.*s", (int)(colon - arg), arg);
	pa->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &pa->sin_addr);
	if (ioctl(s, SIOCGARP, &req) < 0) {
		printf("SIOCGARP %s: %s\n", arg, strerror(errno));
		return;
	}
	printf("SIOCGARP %s: dev=%s family=%u %02x:%02x:%02x:%02x:%02x:%02x flags=%#x\n", arg,
	       req.arp_dev, req.arp_ha.sa_family, m[0], m[1], m[2], m[3], m[4], m[5],
	       req.arp_flags);
}

int main(int argc, char **argv)
{
	static const struct {
		unsigned long req;
		const char *name;
	} reqs[] = {
	    {SIOCGIFFLAGS, "SIOCGIFFLAGS"},	{SIOCGIFHWADDR, "SIOCGIFHWADDR"},
	    {SIOCGIFADDR, "SIOCGIFADDR"},	{SIOCGIFNETMASK, "SIOCGIFNETMASK"},
	    {SIOCGIFBRDADDR, "SIOCGIFBRDADDR"}, {SIOCGIFMTU, "SIOCGIFMTU"},
	    {SIOCGIFINDEX, "SIOCGIFINDEX"},	{SIOCGIFTXQLEN, "SIOCGIFTXQLEN"},
	};
	struct if_nameindex *names = if_nameindex();
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char name[IF_NAMESIZE];

	print_ifaddrs();
	ifconf(s);
	for (struct if_nameindex *n = names; n && n->if_name; n++) {
		struct ifreq ifr = {.ifr_ifindex = n->if_index};

		printf("if_nameindex %u %s nametoindex=%u indextoname=%s\n", n->if_index,
		       n->if_name, if_nametoindex(n->if_name),
		       if_indextoname(n->if_index, name) ? name : "-");
		if (ioctl(s, SIOCGIFNAME, &ifr) == 0)
			printf("%u SIOCGIFNAME: %s\n", n->if_index, ifr.ifr_name);
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
			request(s, n->if_name, reqs[i].req, reqs[i].name);
		ethtool(s, n->if_name);
	}
	if_freenameindex(names);
	request(s, "nosuch0", SIOCGIFFLAGS, "SIOCGIFFLAGS");
	for (int i = 1; i < argc; i++)
		arp(s, argv[i]);
	close(s);
	return 0;
}
