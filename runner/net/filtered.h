/* --net nat and --net filtered: the isolated namespace plus an egress through pasta (Debian's
 * passt) from a gateway namespace of fakenet's own, which under filtered only an allowlist of
 * protocol/port and of the identity's hosts entries may use (nat: an open allowlist). */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "identity.h"
#include "report.h"
#include "rtnl.h"

#define FN_FILTER_MAX 16

/* --allow PROTO/PORT */
struct fn_allow {
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;
};

struct fn_filter {
	struct fn_allow allow[FN_FILTER_MAX];
	size_t n_allow;
	const char *host_patterns[FN_FILTER_MAX]; /* --allow-host, as given */
	size_t n_host_patterns;
	struct fn_ip host_addrs[FN_FILTER_MAX]; /* what the identity's hosts entries give them */
	size_t n_host_addrs;
	bool open; /* --net nat: every IPv4 destination */
	/* pasta, for its whole life through its pidfd (pasta_fd, valid while pasta > 0): no signal
	 * or wait can reach a process that took its pid after it was reaped. 0: not running. */
	pid_t pasta;
	int pasta_fd;
	/* Opened in the gateway namespace (valid while watching): where pasta's route shows. */
	bool watching;
	struct fn_rtnl gw_nl;
	int route_events; /* its IPv4 route changes */
	long deadline;	  /* CLOCK_MONOTONIC ms by which the route must be up; 0: not waiting yet */
};

/* pasta's tap in the gateway namespace. */
#define FN_FILTER_EGRESS_IFNAME "fnegress"

bool fn_filter_parse_allow(struct fn_filter *f, const char *arg);
bool fn_filter_add_host(struct fn_filter *f, const char *pattern);
/* Resolves the host patterns through the identity's hosts entries; false (with a warning) when a
 * pattern names none. */
bool fn_filter_resolve(struct fn_filter *f, const struct fn_identity *id);
/* Whether the allowlist lets `proto` ("tcp", "udp", NULL) to ip:port out. */
bool fn_filter_allows(const struct fn_filter *f, const char *proto, const struct fn_ip *ip,
		      unsigned port);

/* In the peer namespace (calling thread), before its links exist: forwarding on. */
int fn_filter_peer_sysctls(void);
/* Over the peer namespace's rtnetlink: its side of the gateway's link becomes the gateway. */
int fn_filter_peer_gateway(struct fn_rtnl *peer, const struct fn_identity *id,
			   struct fn_report *rep);
/* Calls `each` for every (port, host) pair the allowlist lets out: a NULL port or host means any.
 * No pair at all without --allow and --allow-host. Stops at, and returns, the first non-zero. */
typedef int fn_filter_pair_fn(const struct fn_allow *port, const struct fn_ip *host, void *arg);
int fn_filter_each_pair(const struct fn_filter *f, fn_filter_pair_fn *each, void *arg);
/* In the gateway namespace (calling thread), before pasta starts: what the wait for pasta's route
 * looks at, from whichever thread. Returns 0 or -errno. */
int fn_filter_watch_open(struct fn_filter *f);
/* Starts pasta on the gateway namespace (from the thread that stays: pasta dies with it). Returns
 * 0 or -errno. */
int fn_filter_spawn_pasta(struct fn_filter *f, int peer_fd, struct fn_report *rep);
/* The descriptors of the watch and of pasta, which only the runner may hold: fills `fds` and
 * returns how many. */
int fn_filter_watch_fds(const struct fn_filter *f, int fds[3]);
/* Waits for pasta's route in the gateway namespace, pasta's exit or the time out, and meanwhile
 * for any of `also` (at most 4; their revents are set). Returns 0 once the route is up, 1 when one
 * of `also` is ready (handle it, then call again: the time out stays), or -errno with `rep`. */
int fn_filter_wait_egress(struct fn_filter *f, struct pollfd *also, size_t n_also,
			  struct fn_report *rep);
/* Closes the watch, kills and reaps pasta. */
void fn_filter_stop(struct fn_filter *f);
