/* The namespace modes: a network namespace that holds the identity in the kernel itself, so
 * netlink, ioctl, /proc/net and a fresh sysfs all agree with it; a resolver answers from the
 * identity. Under isolated nothing in it reaches beyond loopback and the identity's own addresses;
 * under nat (and filtered, for its allowlist) the identity's gateway leads out through pasta. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "filtered.h"
#include "identity.h"

#define FN_NET_MAX_DNS	   8
#define FN_NET_MAX_PUBLISH 8
#define FN_NET_MAX_HELD	   (2 * FN_NET_MAX_DNS + FN_NET_MAX_PUBLISH + 12)

/* --publish [ADDR:]PORT[:TARGET_PORT]: host ADDR:PORT -> 127.0.0.1:TARGET_PORT in the namespace. */
struct fn_publish {
	char addr[64]; /* "127.0.0.1" unless given */
	uint16_t port, target_port;
};

struct fn_net {
	int peer_fd;   /* the namespace the veth peers live in, silent and unreachable */
	int target_fd; /* the identity's namespace, joined by the init */
	int dns_fds[FN_NET_MAX_DNS];
	size_t n_dns;
	struct fn_publish publish[FN_NET_MAX_PUBLISH];
	size_t n_publish;
	int log_fd;	     /* --log: connection attempts and DNS queries go there; -1: none */
	int diag_fd;	     /* --log: sock_diag in the identity's namespace, for the resolver */
	int connlog_sock[2]; /* [1] goes to the init, which sends the audit filter's listener */
	struct fn_filter *filter; /* --net filtered and nat; NULL: isolated */
	int follow_diag_fd; /* nat: sock_diag in the identity's namespace, for the port follower */
	/* Descriptors only the runner may hold (namespaces, resolver and forwarder sockets): the
	 * init closes its copies, so nothing inside reaches them through /proc/1/fd. */
	int held[FN_NET_MAX_HELD];
	size_t n_held;
	bool nat; /* --net nat: the target's ports follow onto the host's 127.0.0.1; names the
		     identity does not know go to the host's resolver */
};

/* Routing table that holds the resolver's addresses when they are not the identity's own. */
#define FN_NET_DNS_TABLE 2048
/* Priority of the rule that makes every destination outside table local unreachable. */
#define FN_NET_EGRESS_PRIO 32000

void fn_net_init(struct fn_net *net);
/* Parses a --publish argument; returns false when it is malformed. */
bool fn_net_parse_publish(struct fn_net *net, const char *arg);
/* Builds both namespaces from the identity (on a passing thread: the caller's namespace never
 * changes). Returns 0, or -errno with `what` describing the failing step. */
int fn_net_isolate(struct fn_net *net, const struct fn_identity *id, struct fn_report *rep);
/* Starts the resolver and the forwarders on threads of the runner. Returns 0 or -errno. */
int fn_net_serve(struct fn_net *net, const struct fn_identity *id, struct fn_report *rep);
void fn_net_release(struct fn_net *net);

/* In the init: join the namespace, mount the kernel's view of its links over
 * /sys/devices/virtual/net and, with a log, install the connection audit. Returns 0, or -errno with
 * `rep` filled. */
int fn_netns_join(const struct fn_child_plan *plan, struct fn_report *rep);

/* The connection audit (connlog.c). In the init: installs the filter and sends its listener over
 * `sock` (then closed). */
int fn_connlog_install(int sock, struct fn_report *rep);
/* In the runner: a thread that takes the listener announced on `sock` and logs every attempt. */
int fn_connlog_start(const struct fn_identity *id, int sock, int log_fd,
		     const struct fn_filter *filter);
bool fn_connlog_supported(void);
/* In the runner, right after forking the init: whose descriptor the audit thread takes. */
void fn_connlog_set_init(pid_t pid);

/* The resolver (dns.c). Opens UDP sockets on the identity's nameserver addresses that `want`
 * takes, in the calling thread's namespace; returns how many, or -errno. */
typedef bool fn_dns_want_fn(const struct fn_ip *ns, void *arg);
int fn_dns_open(const struct fn_identity *id, fn_dns_want_fn *want, void *arg, int *fds,
		size_t max);
/* Answers one query from the identity into `out`; returns its length, 0 to stay silent. */
size_t fn_dns_answer(const struct fn_identity *id, const uint8_t *q, size_t qlen, uint8_t *out,
		     size_t outlen);
/* Serves net->dns_fds on a thread; under nat, names the identity does not know go to the host's
 * resolver. With net->log_fd >= 0 writes a "dns" event per query, naming the asking process
 * through net->diag_fd (fn_asker_open in the namespace; -1: unnamed). */
int fn_dns_start(const struct fn_identity *id, struct fn_net *net);

/* The forwarders (publish.c): net->publish listen in the runner's namespace and connect inside
 * net->target_fd; under nat, also on 127.0.0.1 for every port the target listens on. */
int fn_publish_start(struct fn_net *net, struct fn_report *rep);
/* Records a descriptor only the runner may hold (see `held`). */
void fn_net_hold(struct fn_net *net, int fd);

/* `fakenet verify [--pid PID]` (verify.c). */
int fn_cmd_verify(int argc, char **argv);
/* `fakenet log summarize FILE` (logsum.c). */
int fn_cmd_log(int argc, char **argv);
