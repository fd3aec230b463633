/* `fakenet oci-hook`: the identity for containers that engines (runc, Podman, CRI-O, Docker,
 * containerd) start. The createRuntime stage serves the view from a process of its own, bound to
 * the container's lifetime, and places it in the container's mount namespace before pivot_root;
 * under a kernel mode that process also builds the identity in the container's network namespace
 * and serves its resolver. poststop ends that process. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "child.h"
#include "filtered.h"
#include "jsondoc.h"
#include "netns.h"
#include "plan.h"
#include "rtnl.h"

#define FN_OCI_ANNOTATION "io.fakenet.identity"
/* The network mode: isolated, nat, host or auto (default: the identity's `network:`). */
#define FN_OCI_NET_ANNOTATION "io.fakenet.net"

/* An annotation's value and where it is in config.json (line 0: not located). */
struct fn_oci_annotation {
	char *value; /* NULL: absent */
	int line, column;
};

/* What a hook knows of its container: the OCI state on stdin and the bundle's config.json. */
struct fn_oci_container {
	char *id;
	char *status; /* "creating" at createRuntime, "stopped" at poststop */
	pid_t pid;    /* the container's init, 0 once stopped */
	char *bundle;
	char *config_path;		   /* BUNDLE/config.json */
	char *rootfs;			   /* absolute, as the runtime namespace sees it */
	struct fn_oci_annotation identity; /* NULL value: not asked for */
	struct fn_oci_annotation net;
};

/* Reads the state from `fd` and the bundle's config; returns 0, or -1 having said why (and `c`
 * then holds nothing to free). */
int fn_oci_container_read(int fd, struct fn_oci_container *c);
void fn_oci_container_free(struct fn_oci_container *c);

/* The abstract socket the container's server listens on (named for its id and bundle); poststop
 * connects to it. */
void fn_oci_socket_name(const struct fn_oci_container *c, char *buf, size_t size, size_t *len);

/* The container's own network namespace holding the identity (oci_net.c), in the server. */
struct fn_oci_net {
	const struct fn_identity *id;
	struct fn_net net;
	struct fn_filter filter; /* nat: the open egress through pasta */
	int container_fd;	 /* the container's network namespace */
	int park_fd;		 /* where the engine's links wait meanwhile */
	struct fn_rtnl target_nl, park_nl;
	bool parked; /* the parking namespace may hold the engine's links */
	bool built;  /* all of them are there: the container's links are the identity's */
};

void fn_oci_net_init(struct fn_oci_net *on);
/* Parks the engine's links and builds the identity in the network namespace of `pid`, with its
 * resolver (and under nat pasta) served by the calling process. 0, or -errno with `rep` filled. */
int fn_oci_net_up(struct fn_oci_net *on, pid_t pid, struct fn_report *rep);
/* Takes the identity's links out and gives the engine's back; ends pasta. */
void fn_oci_net_down(struct fn_oci_net *on);

/* What the server needs to place the view in the container. */
struct fn_oci_place {
	struct fn_child_plan *plan;	  /* overlays and tool binds, paths inside the rootfs; the
					   * server sets its mnt_fd */
	const struct fn_tool_plan *tools; /* the shims the view adds, allowed once it is mounted */
	pid_t pid;			  /* the container's init: its mount namespace */
	const char *rootfs;		  /* as the container's mount namespace sees it */
	struct fn_oci_net *net;		  /* NULL: the engine's network, the views alone */
	const char *hostname;		  /* the UTS namespace's; NULL: it is the host's */
};

/* In a child of the server: enters the container's mount namespace and root, mounts the view
 * there. On failure fills `rep`. */
int fn_oci_place_view(const struct fn_oci_place *p, struct fn_report *rep);

struct fn_fakefs;
/* Starts the server process for the container (detached from the hook) and waits until the view
 * is in place; returns 0, or the hook's exit status having said why. */
int fn_oci_serve(struct fn_fakefs *fs, const struct fn_oci_place *place,
		 const struct fn_oci_container *c);
/* poststop: ends the container's server, if any, and waits for it to be gone. */
int fn_oci_stop(const struct fn_oci_container *c);
