/* The namespace modes: a network namespace that holds the identity in the kernel itself, so
 * netlink, ioctl, /proc/net and a fresh sysfs all agree with it; a resolver answers from the
 * identity. Under isolated nothing in it reaches beyond loopback and the identity's own addresses;
 * under nat (and filtered, for its allowlist) the identity's gateway leads out through pasta. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "identity.h"
#include "net.h"
#include "report.h"

/* Routing table that makes local a nameserver the gateway namespace cannot serve (IPv6 and not
 * loopback, or not routed by the identity), and the priority of its rules. */
#define FN_NET_DNS_TABLE 2048
#define FN_NET_DNS_PRIO	 31999

/* Builds both namespaces from the identity (on a passing thread: the caller's namespace never
 * changes). Returns 0, or -errno with `rep` filled. */
int fn_net_isolate(struct fn_net *net, const struct fn_identity *id, struct fn_report *rep);
/* Starts the resolver and the forwarders on threads of the runner. Returns 0, or -errno with
 * `rep` filled. */
int fn_net_serve(struct fn_net *net, const struct fn_identity *id, struct fn_report *rep);
/* nat and filtered: waits for pasta's egress (isolated: none), while the init builds the view,
 * and meanwhile for `also` as fn_filter_wait_egress does. Returns 0, 1 when one of `also` is
 * ready, or -errno with `rep` filled. */
int fn_net_wait_egress(struct fn_net *net, struct pollfd *also, size_t n_also,
		       struct fn_report *rep);

/* In the init: join the namespace, mount the kernel's view of its links over
 * /sys/devices/virtual/net and, with a log, install the connection audit. Returns 0, or -errno with
 * `rep` filled. */
int fn_netns_join(const struct fn_child_plan *plan, struct fn_report *rep);
