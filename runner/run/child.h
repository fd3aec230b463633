/* What the runner hands to the processes it forks inside the new namespaces, and how they report
 * a failure back: everything is computed before the fork, so the children only make syscalls. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct fn_node;

/* The views mounted over the target's paths: FUSE subtree -> real path. */
struct fn_overlay {
	const char *tree_path; /* relative to the FUSE root: "sys/class/net" */
	const char *target;    /* "/sys/class/net" */
	bool nofollow;	       /* replace a symlink itself (/proc/net) */
	bool read_only;	       /* files a root target could otherwise write (/etc/hosts) */
	bool optional;	       /* skip with a warning when the real path is missing */
	/* Bound from the same path in the staging tmpfs rather than from the FUSE mount: a static
	 * file, which then looks like the bind of a container runtime's file (/etc/hosts). */
	bool staged;
};

#define FN_MAX_OVERLAYS 48
#define FN_MAX_KEEP	4

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
	/* --net host: the preload library for dynamic targets (hostpreload.h), staged */
	bool host_preload;
	int netns_fd;
	int connlog_fd; /* isolated with --log: where the audit filter's listener goes; -1: none */
	struct fn_overlay overlays[FN_MAX_OVERLAYS];
	int n_overlays;
	/* Real mounts an overlay of their parent would hide but the target must keep seeing (the
	 * network namespace's own /sys/devices/virtual/net below a covered /sys/devices/virtual):
	 * put back on top once the overlays are on. */
	const char *keep[FN_MAX_KEEP];
	int n_keep;
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

enum fn_report_stage {
	FN_REPORT_SETUP = 1, /* building the view failed: the runner exits 125 */
	FN_REPORT_EXEC = 2,  /* execvp failed: 126 or 127 */
};

/* One message over the report pipe; small enough to be written atomically. */
struct fn_report {
	int stage;
	int err;
	char what[200];
	char hint[160];
};

/* The pid-1 process of the new pid namespace: builds the view, runs and reaps. Never returns. */
__attribute__((noreturn)) void fn_init_main(const struct fn_child_plan *plan);
/* Mounts the views into the current (private) mount namespace. On failure fills `rep`. */
int fn_overlay_apply(const struct fn_child_plan *plan, struct fn_report *rep);
/* The audit log's binds: the empty read-only mask over the log file and the runner's socket onto
 * its hidden node. */
int fn_auditlog_apply(const struct fn_child_plan *plan, struct fn_report *rep);
/* Binds the shim read-only over each real tool, from the staging tmpfs. */
int fn_tools_apply(const struct fn_child_plan *plan, struct fn_report *rep);
/* Sends `rep` to the runner (best effort: the runner also sees the exit status). */
void fn_report_send(int fd, const struct fn_report *rep);
/* Fills `rep` for a failed step; `hint` may be NULL. */
void fn_report_set(struct fn_report *rep, int stage, int err, const char *what, const char *hint);
/* The same with a formatted description (cut to fit) and no hint. */
void fn_report_setf(struct fn_report *rep, int stage, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Enters a user namespace where the caller is root (for non-root callers). */
int fn_userns_enter(const char **what, const char **hint);
/* Locates fakenet-shim next to the running executable; NULL if absent (caller frees). */
char *fn_shim_locate(void);
