/* fakefs: serves the virtual tree (lib/vfs.h) over FUSE from a thread of the runner. The mount is
 * created with the new mount API and never attached anywhere in the runner's namespace: the caller
 * gets a detached mount fd and clones subtrees of it onto the target's paths. */
#pragma once

#include <stdio.h>

#include "identity_source.h"
#include "vfs.h"
#include "view.h"

/* Names the runner uses to reach parts of the mount that the tree itself does not have. They live
 * in the FUSE /sys/devices/virtual/dmi directory, which every mode shows in the target's namespace
 * (not in /sys/class/net, which a kernel mode leaves to the namespace's own sysfs); lookup answers
 * them but readdir never lists them, and none names fakenet: a fingerprinter that guesses a name
 * must not find a tool's name in it. */
#define FN_FAKEFS_HIDDEN_DIR FN_RUN_IDENTITY_DIR
#define FN_FAKEFS_IDENTITY   FN_RUN_IDENTITY_NAME /* the identity's YAML text (shims only) */
/* The real tools the shim covers, one file per tool (shims only): each serves the real binary's
 * bytes from the host's file, so no mount shows where it went. */
#define FN_FAKEFS_REAL FN_RUN_REAL_NAME
/* The audit log's two mount points (`fakenet run --log`): the runner's event socket is bound onto
 * FN_FAKEFS_LOG, where every shim finds it, and FN_FAKEFS_LOG_MASK (empty, read-only) is bound over
 * the log file itself, so nothing inside can read, write, truncate or remove it. */
#define FN_FAKEFS_LOG	   ".log"
#define FN_FAKEFS_LOG_MASK ".log-mask"
/* At the root: a link to FN_VIEW_PROC_NET_HOME, relative to /proc, mounted over /proc/net. */
#define FN_FAKEFS_PROC_NET_LINK FN_VIEW_PROC_NET_LINK

struct fn_fakefs_opts {
	const char *identity_text; /* served as FN_FAKEFS_IDENTITY */
	size_t identity_len;
	const char *const *real_tools; /* names of the FN_FAKEFS_REAL nodes */
	const char *const *real_paths; /* the file the server reads for each of them */
	size_t n_real_tools;
	int log_fd; /* audit log (O_APPEND): one "open" event per open of a served file; -1: quiet
		     */
	bool log_nodes; /* add FN_FAKEFS_LOG and FN_FAKEFS_LOG_MASK */
};

struct fn_fakefs;

/* Takes the tree (not its ownership) and adds the runner's hidden nodes. */
struct fn_fakefs *fn_fakefs_new(struct fn_vfs *vfs, const struct fn_fakefs_opts *opts);

/* Lets executables with this identity (the shim, wherever it is bound) look up the hidden
 * nodes marked as the shims' own; any other reader is told they do not exist. */
void fn_fakefs_allow_exe(struct fn_fakefs *fs, dev_t dev, ino_t ino);

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
