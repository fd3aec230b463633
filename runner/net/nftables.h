/* The isolated namespace's packet filter: one nftables table, written over nfnetlink (no `nft`
 * needed on the machine), that refuses every packet leaving for anything but loopback. */
#pragma once

#include <stdbool.h>

#include "filtered.h"

#define FN_NFT_TABLE "fakenet"
#define FN_NFT_CHAIN "egress"
/* The gateway namespace's chains (--net nat and filtered). */
#define FN_NFT_GW_INPUT	  "gateway-input"
#define FN_NFT_GW_FORWARD "gateway-forward"

/* In the calling thread's network namespace, in one transaction (all or nothing): table inet
 * fakenet with an output chain that accepts loopback, link-local IPv6 multicast (neighbour
 * discovery), udp/53 to each of `resolvers` (IPv4 nameservers the gateway namespace answers for)
 * and, with `filter`, its allowlist; TCP is answered with a reset, the rest with host
 * unreachable, so nothing waits. Returns 0 or -errno. */
int fn_nft_install(const struct fn_filter *filter, const struct fn_ip *resolvers,
		   size_t n_resolvers);

/* In the gateway namespace (calling thread), in one transaction: the same table with a forward
 * chain that lets through what comes back in on `egress` (pasta's tap) and what `filter` lets
 * out, rejecting the rest, and an input chain that takes nothing from the identity's links: a
 * target that rewrites its own namespace finds the policy here, out of its reach. */
int fn_nft_install_gateway(const struct fn_filter *filter, const char *egress);

/* Whether the calling thread's namespace has that chain, hooked on output with policy drop.
 * Returns 1, 0, or -errno when nftables cannot be asked. */
int fn_nft_present(void);
/* The same for another chain of the table and hook (NF_INET_*): the gateway's forward chain. */
int fn_nft_chain_present(const char *chain, unsigned hook);
