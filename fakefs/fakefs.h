/* fakefs: serves the virtual tree (lib/vfs.h) over FUSE from a thread of the runner. The mount is
 * created with the new mount API and never attached anywhere in the runner's namespace: the caller
 * gets a detached mount fd and clones subtrees of it onto the target's paths. */
#pragma once

#include <stdio.h>

#include "vfs.h"

/* Names the runner uses to reach parts of the mount that the tree itself does not have. They live
 * in the FUSE /sys/class/net directory because that directory is visible in the target's namespace;
 * lookup answers them but readdir never lists them. */
#define FN_FAKEFS_HIDDEN_DIR	 "/sys/class/net"
#define FN_FAKEFS_PROC_NET_ALIAS ".fakenet-proc-net"	  /* the tree's /proc/net directory */
#define FN_FAKEFS_IDENTITY	 ".fakenet-identity.yaml" /* the identity's YAML text */
#define FN_FAKEFS_BIN		 ".fakenet-bin"		  /* links to the shim, one per tool */
/* Empty file nodes, one per real tool the shim covers: the runner binds the real binary onto its
 * node before binding the shim over the real path, so pass-through shims can still run it. */
#define FN_FAKEFS_REAL ".fakenet-real"
/* An empty file node the OCI hook binds the shim onto in a container, whose tree has no copy of
 * it; FN_FAKEFS_BIN's links then lead there. */
#define FN_FAKEFS_SHIM ".fakenet-shim"
/* The audit log's two mount points (`fakenet run --log`): the runner's event socket is bound onto
 * FN_FAKEFS_LOG, where every shim finds it, and FN_FAKEFS_LOG_MASK (empty, read-only) is bound over
 * the log file itself, so nothing inside can read, write, truncate or remove it. */
#define FN_FAKEFS_LOG	   ".fakenet-log"
#define FN_FAKEFS_LOG_MASK ".fakenet-log-mask"
/* At the root: a link to FN_FAKEFS_HIDDEN_DIR/FN_FAKEFS_PROC_NET_ALIAS, mounted over /proc/net. */
#define FN_FAKEFS_PROC_NET_LINK "proc-net-link"

struct fn_fakefs_opts {
	const char *identity_text; /* served as FN_FAKEFS_IDENTITY */
	size_t identity_len;
	const char *shim_path; /* absolute path of fakenet-shim; NULL: no FN_FAKEFS_BIN */
	const char *const *shim_tools;
	size_t n_shim_tools;
	const char *const *real_tools; /* names of the FN_FAKEFS_REAL nodes */
	size_t n_real_tools;
	bool shim_node; /* add FN_FAKEFS_SHIM */
	int log_fd; /* audit log (O_APPEND): one "open" event per open of a served file; -1: quiet
		     */
	bool log_nodes; /* add FN_FAKEFS_LOG and FN_FAKEFS_LOG_MASK */
};

struct fn_fakefs;

/* Takes the tree (not its ownership) and adds the runner's hidden nodes. */
struct fn_fakefs *fn_fakefs_new(struct fn_vfs *vfs, const struct fn_fakefs_opts *opts);

/* Opens /dev/fuse and creates the detached mount. Must run in the namespaces the FUSE connection
 * belongs to. On failure returns -errno and points *what at the step that failed. */
int fn_fakefs_mount(struct fn_fakefs *fs, const char **what);
/* The detached mount (O_CLOEXEC); valid after fn_fakefs_mount. */
int fn_fakefs_mount_fd(const struct fn_fakefs *fs);
/* Closes the detached mount: from then on only the clones of it placed elsewhere keep the
 * filesystem alive, and when the last of them goes the connection ends. */
void fn_fakefs_drop_mount(struct fn_fakefs *fs);
/* The /dev/fuse fd, for children that must close it. */
int fn_fakefs_dev_fd(const struct fn_fakefs *fs);

/* Runs the single-threaded request loop in its own small thread. Returns -errno. */
int fn_fakefs_start(struct fn_fakefs *fs);
/* Stops the loop, joins the thread and ends the connection. */
void fn_fakefs_stop(struct fn_fakefs *fs);
void fn_fakefs_free(struct fn_fakefs *fs);
