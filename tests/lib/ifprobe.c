/* What a program asking the kernel directly learns of the machine's network, one line per fact,
 * so tests can compare two network namespaces: if_nameindex, then per interface the ioctls
 * SIOCGIFHWADDR, SIOCGIFADDR, SIOCGIFMTU and ETHTOOL_GPERMADDR, then the UDP "connect and
 * getsockname" idiom (connect sends nothing) and uname's nodename. Built dynamic and -static. */
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

static void print_mac(const char *what, const unsigned char *b)
{
	printf("%s %02x:%02x:%02x:%02x:%02x:%02x\n", what, b[0], b[1], b[2], b[3], b[4], b[5]);
}

static void one_interface(int sk, const char *name)
{
	struct {
		struct ethtool_perm_addr h;
		unsigned char data[32];
	} perm = {.h = {.cmd = ETHTOOL_GPERMADDR, .size = 32}};
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	printf("## %s\n", name);
	if (ioctl(sk, SIOCGIFHWADDR, &ifr) == 0)
		print_mac("hwaddr", (unsigned char *)ifr.ifr_hwaddr.sa_data);
	if (ioctl(sk, SIOCGIFADDR, &ifr) == 0)
		printf("addr %s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr));
	else
		printf("addr none\n");
	if (ioctl(sk, SIOCGIFMTU, &ifr) == 0)
		printf("mtu %d\n", ifr.ifr_mtu);
	ifr.ifr_data = (void *)&perm;
	if (ioctl(sk, SIOCETHTOOL, &ifr) == 0 && perm.h.size == 6)
		print_mac("permaddr", perm.data);
}

/* The source address the kernel would pick to reach `dst`. */
static void udp_source(const char *dst)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, dst, &sa.sin_addr);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		printf("udp-source %s none\n", dst);
	else
		printf("udp-source %s %s\n", dst, inet_ntoa(sa.sin_addr));
	close(s);
}

int main(int argc, char **argv)
{
	struct if_nameindex *all = if_nameindex(), *i;
	int sk = socket(AF_INET, SOCK_DGRAM, 0);
	struct utsname u;

	for (i = all; i && i->if_index; i++)
		printf("if_nameindex %u %s\n", i->if_index, i->if_name);
	for (i = all; i && i->if_index; i++)
		one_interface(sk, i->if_name);
	if_freenameindex(all);
	for (int k = 1; k < argc; k++)
		udp_source(argv[k]);
	uname(&u);
	printf("nodename %s\n", u.nodename);
	return 0;
}
