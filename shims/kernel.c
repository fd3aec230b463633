/* A kernel mode's links are real: the kernel counts their traffic and its driver (veth) reports
 * their speed. Where the kernel holds the identity, the shims take those facts from it, as the
 * real tools, /proc/net/dev and sysfs do, instead of the identity's fixed values. */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel.h"

/* The kernel's own answer, by the system call itself: a shim that is not linked statically (a
 * sanitizer build) loads the preload library under `--net host`, and its ioctl() answers with the
 * identity, which would make every host look as though it held the identity. */
static int kernel_ioctl(int fd, unsigned long req, struct ifreq *ifr)
{
	return (int)syscall(SYS_ioctl, fd, req, ifr);
}

static bool kernel_has(int fd, const struct fn_iface *iface)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface->name);
	if (kernel_ioctl(fd, SIOCGIFINDEX, &ifr) < 0 || ifr.ifr_ifindex != iface->ifindex)
		return false;
	if (kernel_ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return false;
	return memcmp(ifr.ifr_hwaddr.sa_data, iface->mac.b, sizeof(iface->mac.b)) == 0;
}

bool fn_shim_kernel_holds(const struct fn_identity *id)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool all = fd >= 0;

	for (size_t i = 1; all && i < id->n_ifaces; i++)
		all = kernel_has(fd, &id->ifaces[i]);
	if (fd >= 0)
		close(fd);
	return all;
}

static void adopt_counters(struct fn_identity *id)
{
	FILE *f = fopen("/proc/net/dev", "re");
	char line[512], name[IFNAMSIZ + 1];
	unsigned long long v[16];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		struct fn_iface *iface;

		if (!colon || sscanf(line, " %16[^:]", name) != 1)
			continue;
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) != 10)
			continue;
		iface = (struct fn_iface *)fn_identity_iface_by_name(id, name);
		if (!iface)
			continue;
		iface->stats.rx_bytes = v[0];
		iface->stats.rx_packets = v[1];
		iface->stats.tx_bytes = v[8];
		iface->stats.tx_packets = v[9];
	}
	fclose(f);
}

/* The speed the kernel's driver reports; lo and drivers without link settings keep theirs. */
static void adopt_speed(int fd, struct fn_iface *iface)
{
	struct ethtool_cmd cmd = {.cmd = ETHTOOL_GSET};
	struct ifreq ifr;
	unsigned speed;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface->name);
	ifr.ifr_data = (char *)&cmd;
	if (kernel_ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return;
	/* Not the header's ethtool_cmd_speed(): it shifts speed_hi as an int, which overflows for
	 * SPEED_UNKNOWN (0xffffffff), what a link that is down reports. */
	speed = (unsigned)cmd.speed_hi << 16 | cmd.speed;
	iface->speed = speed == 0 || speed == (unsigned)SPEED_UNKNOWN ? -1 : (int)speed;
}

void fn_shim_adopt_kernel_links(struct fn_identity *id)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	adopt_counters(id);
	for (size_t i = 1; fd >= 0 && i < id->n_ifaces; i++)
		if (id->ifaces[i].kind != FN_KIND_WIRELESS)
			adopt_speed(fd, &id->ifaces[i]);
	if (fd >= 0)
		close(fd);
}
