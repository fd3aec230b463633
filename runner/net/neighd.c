/* ARP and neighbour-solicitation answers from the gateway namespace (neighd.h). The kernel answers
 * only for its own addresses (proxy ARP needs a route per destination, proxy NDP an entry per
 * address), so a packet socket answers for the hosts the identity has on each link: its
 * neighbours (the gateway among them) and its routes' next hops. Any other address stays
 * unanswered, as on a real network, where the kernel gives up on it (EHOSTUNREACH): answering
 * every address would make a sweep of the subnet find all of it alive, behind one MAC. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "derive.h"
#include "neighd.h"
#include "net.h"
#include "netaddr.h"
#include "render_iproute.h"

#define ETH_HLEN	  14
#define ARP_LEN		  28
#define IP6_HLEN	  40
#define NA_LEN		  32 /* header, target, one target link-layer address option */
#define ICMP6_NS	  135
#define ICMP6_NA	  136
#define NA_SOLICITED_OVER 0x60

struct neighd {
	const struct fn_identity *id;
	struct fn_neighbor *neigh;
	size_t n_neigh;
	int fd;
};

/* Only requests another host sent: ARP requests and neighbour solicitations, not outgoing. */
static int attach_filter(int fd)
{
	static struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 8, 0),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_ARP, 0, 2),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, ETH_HLEN + 6), /* the operation */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 3, 4),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IPV6, 0, 3),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, ETH_HLEN + 6), /* next header, hop limit */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (IPPROTO_ICMPV6 << 8) | 255, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

int fn_neighd_open(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)), err;

	if (fd < 0)
		return -errno;
	if ((err = attach_filter(fd))) {
		close(fd);
		return err;
	}
	return fd;
}

/* The identity's iface whose peer is `peer`, or NULL for a link of someone else's (pasta's). */
static const struct fn_iface *iface_of_peer(const struct fn_identity *id, int peer)
{
	for (size_t i = 1; i < id->n_ifaces; i++)
		if (id->ifaces[i].iflink == peer)
			return &id->ifaces[i];
	return NULL;
}

/* Whether `ip` is a host the gateway namespace stands for on the link without a MAC of its own
 * in the identity: a next hop of one of its routes there, or a nameserver (which the gateway
 * namespace answers; its ingress leaves ARP requests to this socket). */
static bool stands_for(const struct fn_identity *id, const struct fn_iface *f,
		       const struct fn_ip *ip)
{
	for (size_t i = 0; i < id->n_routes; i++)
		if (id->routes[i].has_via && id->routes[i].ifindex == f->ifindex &&
		    fn_ip_equal(&id->routes[i].via, ip))
			return true;
	for (size_t i = 0; i < id->n_nameservers; i++)
		if (fn_ip_equal(&id->nameservers[i], ip))
			return true;
	return false;
}

/* The MAC a host of the identity's on the link answers with: its neighbour entry's (none for one
 * the identity says does not answer), else, for a next hop without one, the peer's own; false
 * for any other address. */
static bool answer_mac(const struct neighd *d, const struct fn_iface *f, int peer,
		       const struct fn_ip *ip, uint8_t mac[6])
{
	struct ifreq ifr = {.ifr_ifindex = peer};

	for (size_t i = 0; i < d->n_neigh; i++)
		if (d->neigh[i].ifindex == f->ifindex && fn_ip_equal(&d->neigh[i].ip, ip)) {
			if (d->neigh[i].state == FN_NUD_INCOMPLETE ||
			    d->neigh[i].state == FN_NUD_FAILED)
				return false;
			memcpy(mac, d->neigh[i].mac.b, 6);
			return true;
		}
	if (!stands_for(d->id, f, ip) || ioctl(d->fd, SIOCGIFNAME, &ifr) < 0 ||
	    ioctl(d->fd, SIOCGIFHWADDR, &ifr) < 0)
		return false;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return true;
}

static void send_frame(const struct neighd *d, int peer, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = peer, .sll_halen = 6};

	memcpy(to.sll_addr, frame, 6);
	sendto(d->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to));
}

static void answer_arp(const struct neighd *d, const struct fn_iface *f, int peer,
		       const uint8_t *in, size_t len)
{
	const uint8_t *arp = in + ETH_HLEN;
	struct fn_ip sip = {.family = AF_INET}, tip = {.family = AF_INET};
	uint8_t out[ETH_HLEN + ARP_LEN], mac[6];

	if (len < ETH_HLEN + ARP_LEN || arp[4] != 6 || arp[5] != 4)
		return;
	memcpy(sip.bytes, arp + 14, 4);
	memcpy(tip.bytes, arp + 24, 4);
	/* Not a probe or an announcement (duplicate address detection), nor the target's own. */
	if (fn_ip_is_zero(&sip) || fn_ip_equal(&sip, &tip) || fn_ip_is_local_address(d->id, &tip) ||
	    !answer_mac(d, f, peer, &tip, mac))
		return;
	memcpy(out, arp + 8, 6); /* to the sender's hardware address */
	memcpy(out + 6, mac, 6);
	memcpy(out + 12, in + 12, 2);
	memcpy(out + ETH_HLEN, arp, 6); /* hardware and protocol types and sizes */
	out[ETH_HLEN + 6] = 0;
	out[ETH_HLEN + 7] = 2; /* reply */
	memcpy(out + ETH_HLEN + 8, mac, 6);
	memcpy(out + ETH_HLEN + 14, tip.bytes, 4);
	memcpy(out + ETH_HLEN + 18, arp + 8, 10);
	send_frame(d, peer, out, sizeof(out));
}

static uint16_t icmp6_checksum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	uint32_t sum = (uint32_t)len + IPPROTO_ICMPV6;

	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(icmp[i] << 8 | icmp[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void answer_ns(const struct neighd *d, const struct fn_iface *f, int peer, const uint8_t *in,
		      size_t len)
{
	const uint8_t *ip6 = in + ETH_HLEN, *ns = ip6 + IP6_HLEN;
	struct fn_ip src = {.family = AF_INET6}, target = {.family = AF_INET6};
	uint8_t out[ETH_HLEN + IP6_HLEN + NA_LEN] = {0}, mac[6];
	uint8_t *oip = out + ETH_HLEN, *na = oip + IP6_HLEN;
	uint16_t sum;

	if (len < ETH_HLEN + IP6_HLEN + 24 || ns[0] != ICMP6_NS)
		return;
	memcpy(src.bytes, ip6 + 8, 16);
	memcpy(target.bytes, ns + 8, 16);
	if (fn_ip_is_zero(&src) || fn_ip_is_local_address(d->id, &target) ||
	    !answer_mac(d, f, peer, &target, mac))
		return;
	memcpy(out, in + 6, 6);
	memcpy(out + 6, mac, 6);
	memcpy(out + 12, in + 12, 2);
	oip[0] = 0x60;
	oip[5] = NA_LEN;
	oip[6] = IPPROTO_ICMPV6;
	oip[7] = 255;
	memcpy(oip + 8, target.bytes, 16);
	memcpy(oip + 24, src.bytes, 16);
	na[0] = ICMP6_NA;
	na[4] = NA_SOLICITED_OVER;
	memcpy(na + 8, target.bytes, 16);
	na[24] = 2; /* target link-layer address, 8 bytes */
	na[25] = 1;
	memcpy(na + 26, mac, 6);
	sum = icmp6_checksum(oip, na, NA_LEN);
	memcpy(na + 2, &sum, 2);
	send_frame(d, peer, out, sizeof(out));
}

static void *neighd_loop(void *arg)
{
	struct neighd *d = arg;
	uint8_t frame[2048];

	for (;;) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t n =
		    recvfrom(d->fd, frame, sizeof(frame), 0, (struct sockaddr *)&from, &flen);
		const struct fn_iface *f;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (n < ETH_HLEN || !(f = iface_of_peer(d->id, from.sll_ifindex)))
			continue;
		if (ntohs(from.sll_protocol) == ETHERTYPE_ARP)
			answer_arp(d, f, from.sll_ifindex, frame, (size_t)n);
		else if (ntohs(from.sll_protocol) == ETHERTYPE_IPV6)
			answer_ns(d, f, from.sll_ifindex, frame, (size_t)n);
	}
}

int fn_neighd_start(const struct fn_identity *id, int fd)
{
	static struct neighd d;

	d.id = id;
	d.fd = fd;
	d.n_neigh = fn_neighbor_table(id, &d.neigh);
	return fn_net_start_thread(neighd_loop, &d, 128 * 1024);
}
