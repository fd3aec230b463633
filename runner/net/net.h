/* The state of a run under a namespace mode (net.c): the namespaces, the resolver's and the
 * forwarders' sockets, and what the runner alone may hold. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filtered.h"

#define FN_NET_MAX_DNS	   8
#define FN_NET_MAX_PUBLISH 8
#define FN_NET_MAX_HELD	   (2 * FN_NET_MAX_DNS + FN_NET_MAX_PUBLISH + 16)
#define FN_NET_MAX_LINKS   64

/* --publish [ADDR:]PORT[:TARGET_PORT]: host ADDR:PORT -> 127.0.0.1:TARGET_PORT in the namespace. */
struct fn_publish {
	char addr[64]; /* "127.0.0.1" unless given */
	uint16_t port, target_port;
};

struct fn_net {
	int peer_fd;   /* the namespace the veth peers live in, silent and unreachable */
	int target_fd; /* the identity's namespace, joined by the init */
	int adopt_fd;  /* an existing namespace to build the identity in (a container's, whose
			* links are already gone); -1: a new one */
	int dns_fds[FN_NET_MAX_DNS];
	size_t n_dns;
	struct fn_publish publish[FN_NET_MAX_PUBLISH];
	size_t n_publish;
	int log_fd;	     /* --log: connection attempts and DNS queries go there; -1: none */
	int diag_fd;	     /* --log: sock_diag in the identity's namespace, for the resolver */
	int connlog_sock[2]; /* [1] goes to the init, which sends the audit filter's listener */
	struct fn_filter *filter; /* --net filtered and nat; NULL: isolated */
	int follow_diag_fd; /* nat: sock_diag in the identity's namespace, for the port follower */
	int neighd_fd;	    /* the gateway namespace's packet socket for the neighbour answers */
	/* Descriptors only the runner may hold (namespaces, resolver and forwarder sockets): the
	 * init closes its copies, so nothing inside reaches them through /proc/1/fd. */
	int held[FN_NET_MAX_HELD];
	size_t n_held;
	bool nat; /* --net nat: the target's ports follow onto the host's 127.0.0.1; names the
		     identity does not know go to the host's resolver */
	bool keep_ports; /* a container's: its ports stay its own (the engine publishes them) */
};

void fn_net_init(struct fn_net *net);
/* Parses a --publish argument; returns false when it is malformed. */
bool fn_net_parse_publish(struct fn_net *net, const char *arg);
void fn_net_release(struct fn_net *net);
/* Records a descriptor only the runner may hold (see `held`). */
void fn_net_hold(struct fn_net *net, int fd);
/* Runs `fn(arg)` on a detached thread of the runner (a stack of `stack` bytes; 0: the default),
 * which lives as long as the runner. Returns 0 or -errno. */
int fn_net_start_thread(void *(*fn)(void *), void *arg, size_t stack);
