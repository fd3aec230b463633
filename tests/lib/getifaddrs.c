/* Prints what getifaddrs() returns, one line per entry, so tests can compare it between two
 * network namespaces: name, flags, family and the addresses it carries. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/socket.h>

static const char *addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	if (!sa)
		return "-";
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, len);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, len);
	if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;

		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0],
			 ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4],
			 ll->sll_addr[5]);
		return buf;
	}
	return "?";
}

int main(void)
{
	struct ifaddrs *all;

	if (getifaddrs(&all) < 0) {
		perror("getifaddrs");
		return 1;
	}
	for (struct ifaddrs *a = all; a; a = a->ifa_next) {
		char x[64], y[64], z[64];
		int family = a->ifa_addr ? a->ifa_addr->sa_family : -1;

		printf("%s flags=%#x family=%d addr=%s mask=%s brd=%s\n", a->ifa_name, a->ifa_flags,
		       family, addr_text(a->ifa_addr, x, sizeof(x)),
		       addr_text(a->ifa_netmask, y, sizeof(y)),
		       addr_text(a->ifa_broadaddr, z, sizeof(z)));
	}
	freeifaddrs(all);
	return 0;
}
