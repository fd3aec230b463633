/* ioctl() on sockets for the interface requests programs use to fingerprint the network
 * (SIOCGIF*, SIOCETHTOOL, SIOCGARP, the wireless extensions' SIOCGIW*), answered from the
 * identity; other requests go to libc. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "derive.h"
#include "ethtool_link.h"
#include "preload.h"
#include "wext.h"

static bool is_ours(unsigned long req)
{
	switch (req) {
	case SIOCGIFCONF:
	case SIOCGIFFLAGS:
	case SIOCGIFHWADDR:
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
	case SIOCGIFMTU:
	case SIOCGIFINDEX:
	case SIOCGIFNAME:
	case SIOCGIFTXQLEN:
	case SIOCGIFMETRIC:
	case SIOCGIFMAP:
	case SIOCETHTOOL:
	case SIOCGARP:
		return true;
	}
	return fn_preload_is_wext(req);
}

static bool is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static const struct fn_iface *iface_named(const struct fn_identity *id, const struct ifreq *ifr)
{
	char name[IFNAMSIZ];

	memcpy(name, ifr->ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return fn_identity_iface_by_name(id, name);
}

static void set_inet(struct sockaddr *sa, const struct fn_ip *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (ip)
		memcpy(&sin->sin_addr, ip->bytes, 4);
}

static struct fn_ip ipv4_netmask(unsigned prefix)
{
	struct fn_ip m = {.family = AF_INET};
	uint32_t v = prefix ? htonl(~0u << (32 - prefix)) : 0;

	memcpy(m.bytes, &v, 4);
	return m;
}

/* SIOCGIFCONF: one entry per IPv4 address of every interface, up or down, as the kernel lists
 * them; with no buffer, the length needed. */
static int ifconf(const struct fn_identity *id, struct ifconf *ifc)
{
	int used = 0;

	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		struct fn_cidr addrs[64];
		size_t n = fn_iface_addrs(iface, AF_INET, addrs, 64);

		for (size_t k = 0; k < n && k < 64; k++) {
			struct ifreq ifr;

			if (ifc->ifc_req) {
				if (used + (int)sizeof(ifr) > ifc->ifc_len)
					goto done;
				memset(&ifr, 0, sizeof(ifr));
				snprintf(ifr.ifr_name, IFNAMSIZ, "%s", iface->name);
				set_inet(&ifr.ifr_addr, &addrs[k].ip);
				memcpy((char *)ifc->ifc_req + used, &ifr, sizeof(ifr));
			}
			used += (int)sizeof(ifr);
		}
	}
done:
	ifc->ifc_len = used;
	return 0;
}

/* A string into a fixed kernel field, cut to fit as the kernel's strscpy does. */
static void copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int ethtool(const struct fn_iface *iface, void *data)
{
	uint32_t cmd;

	memcpy(&cmd, data, sizeof(cmd));
	switch (cmd) {
	case ETHTOOL_GPERMADDR: {
		struct ethtool_perm_addr *pa = data;

		if (pa->size < sizeof(iface->permanent_mac.b)) {
			pa->size = sizeof(iface->permanent_mac.b);
			return fail(E2BIG);
		}
		pa->size = sizeof(iface->permanent_mac.b);
		memcpy(pa->data, iface->permanent_mac.b, pa->size);
		return 0;
	}
	case ETHTOOL_GDRVINFO: {
		struct ethtool_drvinfo *di = data;
		struct fn_drvinfo info;

		if (!fn_iface_drvinfo(iface, &info))
			return fail(EOPNOTSUPP);
		memset(di, 0, sizeof(*di));
		di->cmd = cmd;
		copy_field(di->driver, sizeof(di->driver), info.driver);
		copy_field(di->version, sizeof(di->version), info.version);
		copy_field(di->fw_version, sizeof(di->fw_version), info.fw_version);
		copy_field(di->bus_info, sizeof(di->bus_info), info.bus_info);
		di->n_stats = info.n_stats;
		return 0;
	}
	case ETHTOOL_GLINK: {
		struct ethtool_value *v = data;

		v->data = fn_iface_has_carrier(iface);
		return 0;
	}
	}
	return fn_preload_ethtool_link(iface, cmd, data);
}

/* SIOCGARP: the neighbour table entry for an IPv4 address on the named device (the kernel
 * wants one: ENODEV without), or ENXIO. */
static int arp(const struct fn_identity *id, struct arpreq *req)
{
	const struct sockaddr_in *pa = (const struct sockaddr_in *)&req->arp_pa;
	struct fn_neighbor *tab;
	size_t n = fn_neighbor_table(id, &tab);
	int r = fail(ENXIO);

	if (pa->sin_family != AF_INET || !req->arp_dev[0] ||
	    !fn_identity_iface_by_name(id, req->arp_dev)) {
		free(tab);
		return fail(pa->sin_family != AF_INET ? EINVAL : ENODEV);
	}
	for (size_t i = 0; i < n; i++) {
		const struct fn_iface *dev = fn_identity_iface_by_index(id, tab[i].ifindex);

		if (tab[i].ip.family != AF_INET || memcmp(tab[i].ip.bytes, &pa->sin_addr, 4))
			continue;
		if (!dev || strncmp(req->arp_dev, dev->name, sizeof(req->arp_dev)))
			continue;
		req->arp_ha.sa_family = ARPHRD_ETHER;
		memset(req->arp_ha.sa_data, 0, sizeof(req->arp_ha.sa_data));
		memcpy(req->arp_ha.sa_data, tab[i].mac.b, 6);
		req->arp_flags = (int)fn_nud_arp_flags(tab[i].state);
		r = 0;
		break;
	}
	free(tab);
	return r;
}

static int ipv4_request(const struct fn_iface *iface, unsigned long req, struct ifreq *ifr)
{
	const struct fn_cidr *a = fn_iface_primary_ipv4(iface);
	struct fn_ip v;

	if (!a)
		return fail(EADDRNOTAVAIL);
	if (req == SIOCGIFADDR) {
		set_inet(&ifr->ifr_addr, &a->ip);
	} else if (req == SIOCGIFNETMASK) {
		v = ipv4_netmask(a->prefix);
		set_inet(&ifr->ifr_netmask, &v);
	} else {
		v = fn_cidr_broadcast(a);
		set_inet(&ifr->ifr_broadaddr, fn_iface_addr_has_broadcast(iface, a) ? &v : NULL);
	}
	return 0;
}

/* The requests that name an interface in an ifreq. */
static int iface_request(const struct fn_identity *id, unsigned long req, struct ifreq *ifr)
{
	const struct fn_iface *iface;
	struct fn_mac hw;

	if (req == SIOCGIFNAME) {
		iface = fn_identity_iface_by_index(id, ifr->ifr_ifindex);
		if (!iface)
			return fail(ENODEV);
		snprintf(ifr->ifr_name, IFNAMSIZ, "%s", iface->name);
		return 0;
	}
	iface = iface_named(id, ifr);
	if (!iface)
		return fail(ENODEV);
	switch (req) {
	case SIOCGIFFLAGS:
		ifr->ifr_flags = (short)fn_iface_ioctl_flags(iface);
		return 0;
	case SIOCGIFHWADDR:
		hw = iface->kind == FN_KIND_LOOPBACK ? (struct fn_mac){{0}} : iface->mac;
		memset(&ifr->ifr_hwaddr, 0, sizeof(ifr->ifr_hwaddr));
		ifr->ifr_hwaddr.sa_family = (unsigned short)fn_iface_arphrd(iface);
		memcpy(ifr->ifr_hwaddr.sa_data, hw.b, 6);
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		return ipv4_request(iface, req, ifr);
	case SIOCGIFMTU:
		ifr->ifr_mtu = (int)iface->mtu;
		return 0;
	case SIOCGIFINDEX:
		ifr->ifr_ifindex = iface->ifindex;
		return 0;
	case SIOCGIFTXQLEN:
		ifr->ifr_qlen = (int)fn_iface_txqueuelen(iface);
		return 0;
	case SIOCGIFMETRIC:
		ifr->ifr_metric = 0;
		return 0;
	case SIOCGIFMAP:
		memset(&ifr->ifr_map, 0, sizeof(ifr->ifr_map));
		return 0;
	case SIOCETHTOOL:
		return ethtool(iface, ifr->ifr_data);
	}
	return -2;
}

static int answer(const struct fn_identity *id, unsigned long req, void *arg)
{
	if (!arg)
		return fail(EFAULT);
	if (req == SIOCGIFCONF)
		return ifconf(id, arg);
	if (req == SIOCGARP)
		return arp(id, arg);
	if (fn_preload_is_wext(req))
		return fn_preload_wext(id, req, arg);
	return iface_request(id, req, arg);
}

FN_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	const struct fn_preload *st;
	va_list ap;
	void *arg;
	int r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!is_ours(req) || !is_socket(fd) || !(st = fn_preload_state()))
		return FN_REAL(ioctl)(fd, req, arg);
	r = answer(st->id, req, arg);
	return r != -2 ? r : FN_REAL(ioctl)(fd, req, arg);
}
