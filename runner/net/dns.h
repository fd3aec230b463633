/* The resolver (dns.c): answers from the identity inside the namespace modes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "net.h"

/* Opens UDP sockets on the identity's nameserver addresses that `want` takes, in the calling
 * thread's namespace; returns how many, or -errno. */
typedef bool fn_dns_want_fn(const struct fn_ip *ns, void *arg);
int fn_dns_open(const struct fn_identity *id, fn_dns_want_fn *want, void *arg, int *fds,
		size_t max);
/* Serves net->dns_fds on a thread; under nat, names the identity does not know go to the host's
 * resolver. With net->log_fd >= 0 writes a "dns" event per query, naming the asking process
 * through net->diag_fd (fn_asker_open in the namespace; -1: unnamed). */
int fn_dns_start(const struct fn_identity *id, struct fn_net *net);
