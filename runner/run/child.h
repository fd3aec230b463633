/* What the runner hands to the processes it forks inside the new namespaces, and how they report
 * a failure back: everything is computed before the fork, so the children only make syscalls. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "report.h"

struct fn_node;

/* The views mounted over the target's paths: FUSE subtree -> real path. */
struct fn_overlay {
	const char *tree_path; /* relative to the FUSE root: "sys/class/net" */
	const char *target;    /* "/sys/class/net" */
	bool nofollow;	       /* replace a symlink itself (/proc/net) */
	bool read_only;	       /* files a root target could otherwise write (/etc/hosts) */
	bool optional;	       /* skip with a warning when the real path is missing */
	bool create;	       /* when missing, made as a runtime makes a mount's destination */
	/* Bound from the same path in the staging tmpfs rather than from the FUSE mount: a static
	 * file, which then looks like the bind of a container runtime's file (/etc/hosts). */
	bool staged;
};

#define FN_MAX_OVERLAYS 48
#define FN_MAX_KEEP	4
#define FN_MAX_LAYERS	8

/* A directory shown as an overlay of the real one with the staged one on top (layers.h). */
struct fn_layer {
	const char *dir;
	/* --net host's preload library depends on it (/etc/ld.so.preload, the library itself):
	 * failing to layer it ends the run, where one that only adds a file the host lacks warns.
	 */
	bool required;
};

/* A real tool the shim covers, so that absolute paths and sudo's secure_path reach the shim too. */
struct fn_tool_bind {
	const char *target; /* the real file, symlinks resolved: "/usr/sbin/route" */
	dev_t dev;	    /* the real file's identity: each one is bound once */
	ino_t ino;
};

struct fn_child_plan {
	int mnt_fd;	  /* the detached FUSE mount */
	int dev_fd;	  /* /dev/fuse: the children close it */
	int report_fd;	  /* write end of the report pipe (O_CLOEXEC) */
	int runner_pidfd; /* to notice a runner that died before PR_SET_PDEATHSIG took hold */
	const char *hostname;
	bool isolated; /* --net isolated: join netns_fd and show its links in /sys */
	/* Directories layered with the staged ones of the same name (layers.h): /etc and
	 * /usr/local/lib for --net host's preload library, the parent of a file the host lacks */
	struct fn_layer layers[FN_MAX_LAYERS];
	int n_layers;
	int netns_fd;
	/* nat and filtered: an eventfd the runner writes once pasta's egress is up, so the view is
	 * built meanwhile and the target starts only then; -1: no wait */
	int gate_fd;
	int connlog_fd; /* isolated with --log: where the audit filter's listener goes; -1: none */
	struct fn_overlay overlays[FN_MAX_OVERLAYS];
	int n_overlays;
	/* Real mounts an overlay of their parent would hide but the target must keep seeing (the
	 * network namespace's own /sys/devices/virtual/net below a covered /sys/devices/virtual):
	 * put back on top once the overlays are on. */
	const char *keep[FN_MAX_KEEP];
	int n_keep;
	/* Under a kernel mode, the /sys directories the view leaves to the kernel (lib/view.h,
	 * kernel_net): cloned from a sysfs of the network namespace once it is joined, since the
	 * host's /sys shows the host's links. */
	const char *kernel_sys[FN_MAX_KEEP];
	int n_kernel_sys;
	/* The staging tmpfs (staging.h): the shim copies bound over each tool_binds[].target, at
	 * the same path inside it, and pid 1's executable. -1: none. */
	int staging_fd;
	int init_fd;	  /* O_PATH of pid 1's executable in the staging tmpfs; -1: none */
	char **init_argv; /* pid 1's argv: FN_PID1_PATH, "--", the command */
	const struct fn_tool_bind *tool_binds;
	int n_tool_binds;
	const char *path_env; /* PATH for the target; NULL: unchanged */
	/* --log: the runner's audit socket as a detached mount, bound onto the view's hidden
	 * node for the shims (-1: none), and the log file to cover (NULL: none). */
	int log_sock_tree;
	const char *log_mask;
	/* Descriptors only the runner may hold (the log, the audit socket): the init closes its
	 * copies first, so no process inside can reach them through /proc/1/fd. */
	int runner_fds[64];
	int n_runner_fds;
	char **argv;
};
