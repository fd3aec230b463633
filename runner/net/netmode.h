/* Which network mode a run gets, decided in one place: --net, else the identity's `network:`,
 * and for auto (the default) the kernel's nat mode wherever this machine can give it, else the
 * host's network, said once on stderr. */
#pragma once

#include <stdbool.h>

#include "identity.h"

/* Parses a --net value; false when it names no mode. */
bool fn_net_mode_parse(const char *s, enum fn_net_mode *out);
/* Why nat and filtered cannot run here (no namespaces, no /dev/net/tun, no pasta), or NULL. */
const char *fn_net_egress_missing(void);
/* Why the kernel cannot hold the identity (more learned neighbours than its tables keep), written
 * into `why`, or NULL: auto then falls back to host, and a kernel mode given by name fails. */
const char *fn_net_kernel_cannot_hold(const struct fn_identity *id, char *why, size_t len);
/* The mode a run of `id` gets for `mode`: auto becomes nat; isolated for an identity without an
 * IPv4 gateway (nat would have no way out); host where nat cannot run. A fallback says so in one
 * line on stderr unless `quiet`. */
enum fn_net_mode fn_net_mode_resolve(enum fn_net_mode mode, const struct fn_identity *id,
				     bool quiet);
