/* The gateway namespace's packet filter: nftables tables written over nfnetlink (no `nft` needed on
 * the machine). The target's namespace holds none: its links lead into the gateway namespace,
 * where this policy refuses at once what may not go on, out of the target's reach. */
#pragma once

#include <stdbool.h>

#include "filtered.h"

#define FN_NFT_TABLE "fakenet"
/* The gateway namespace's chains: ingress on the peers of the identity's links (every mode),
 * input and forward (nat and filtered). */
#define FN_NFT_GW_INGRESS "gateway-ingress"
#define FN_NFT_GW_INPUT	  "gateway-input"
#define FN_NFT_GW_FORWARD "gateway-forward"

/* What the ingress chain lets through to the gateway namespace's kernel. */
struct fn_nft_ingress {
	const char *const *devices; /* the peers of the identity's links */
	size_t n_devices;
	const struct fn_ip *resolvers; /* IPv4 nameservers the gateway namespace answers for */
	size_t n_resolvers;
	int gateway_peer; /* nat, filtered: the gateway's link, whose IPv4 to the gateway's MAC goes
			     on to the inet chains; 0: none (isolated) */
};

/* In the calling thread's namespace (the gateway's), in one transaction (all or nothing): table
 * netdev fakenet with a chain on ingress of `devices` that drops ARP requests (the neighbour
 * answerer's), broadcast, multicast and informational ICMPv6, accepts ARP replies, udp/53 to each
 * resolver and (nat, filtered) IPv4 to the gateway, and refuses the rest as a firewall would: TCP
 * with a reset, anything else with port unreachable, so nothing waits. Returns 0 or -errno. */
int fn_nft_install_ingress(const struct fn_nft_ingress *in);

/* nat and filtered, in the gateway namespace (calling thread), in one transaction: table inet
 * fakenet with a forward chain that lets through what comes back in on `egress` (pasta's tap)
 * and what `filter` lets out through it, and an input chain that takes from the identity's links
 * only the resolver; both refuse the rest as the ingress chain does. */
int fn_nft_install_gateway(const struct fn_filter *filter, const char *egress);

/* Whether the calling thread's namespace has that chain of table fakenet in `family`
 * (NFPROTO_*), hooked on `hook` with policy drop. Returns 1, 0, or -errno when nftables cannot be
 * asked. */
int fn_nft_chain_present(int family, const char *chain, unsigned hook);
