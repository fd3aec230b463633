/* The isolated namespace's packet filter: one nftables table, written over nfnetlink (no `nft`
 * needed on the machine), that refuses every packet leaving for anything but loopback. */
#pragma once

#include <stdbool.h>

#include "filtered.h"

#define FN_NFT_TABLE "fakenet"
#define FN_NFT_CHAIN "egress"

/* In the calling thread's network namespace, in one transaction (all or nothing): table inet
 * fakenet with an output chain that accepts loopback, link-local IPv6 multicast (neighbour
 * discovery) and, with `filter`, its allowlist; TCP is answered with a reset, the rest with host
 * unreachable, so nothing waits. Returns 0 or -errno. */
int fn_nft_install(const struct fn_filter *filter);

/* Whether the calling thread's namespace has that chain, hooked on output with policy drop.
 * Returns 1, 0, or -errno when nftables cannot be asked. */
int fn_nft_present(void);
