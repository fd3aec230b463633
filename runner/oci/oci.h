/* `fakenet oci-hook`: the identity for containers that engines (runc, Podman, CRI-O, Docker,
 * containerd) start. The createRuntime stage serves the view from a process of its own, bound to
 * the container's lifetime, and places it in the container's mount namespace before pivot_root;
 * poststop ends that process. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "child.h"
#include "jsondoc.h"
#include "plan.h"

#define FN_OCI_ANNOTATION "io.fakenet.identity"

/* What a hook knows of its container: the OCI state on stdin and the bundle's config.json. */
struct fn_oci_container {
	char *id;
	char *status; /* "creating" at createRuntime, "stopped" at poststop */
	pid_t pid;    /* the container's init, 0 once stopped */
	char *bundle;
	char *config_path; /* BUNDLE/config.json */
	char *rootfs;	   /* absolute, as the runtime namespace sees it */
	char *identity;	   /* the annotation's value; NULL: not asked for */
	int ann_line;	   /* where the value is in config.json (0: not located) */
	int ann_column;
};

/* Reads the state from `fd` and the bundle's config; returns 0, or -1 having said why. */
int fn_oci_container_read(int fd, struct fn_oci_container *c);
void fn_oci_container_free(struct fn_oci_container *c);

/* The abstract socket the container's server listens on (named for its id and bundle); poststop
 * connects to it. */
void fn_oci_socket_name(const struct fn_oci_container *c, char *buf, size_t size, size_t *len);

/* What the server needs to place the view in the container. */
struct fn_oci_place {
	struct fn_child_plan *plan;	  /* overlays and tool binds, paths inside the rootfs; the
					   * server sets its mnt_fd */
	const struct fn_tool_plan *tools; /* the shims the view adds, allowed once it is mounted */
	pid_t pid;			  /* the container's init: its mount namespace */
	const char *rootfs;		  /* as the container's mount namespace sees it */
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
