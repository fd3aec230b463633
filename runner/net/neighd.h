/* The gateway namespace's answers to the target's ARP requests and neighbour solicitations: every
 * next hop the identity's links lead to resolves at once, to the peer link's MAC (or the MAC the
 * identity gives that neighbour), so that what the target then sends meets the gateway's policy
 * and fails at once instead of waiting out neighbour discovery. */
#pragma once

#include "identity.h"

/* A packet socket in the calling thread's namespace (the gateway's) that sees only requests
 * arriving on a link; -errno on failure. */
int fn_neighd_open(void);
/* Answers on `fd` (now the thread's) for the identity's links until the runner exits. Returns 0
 * or -errno. */
int fn_neighd_start(const struct fn_identity *id, int fd);
