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
};

#define FN_MAX_OVERLAYS 12

/* A real tool the shim covers, so that absolute paths and sudo's secure_path reach the shim too. */
struct fn_tool_bind {
	const char *target; /* the real file, symlinks resolved: "/usr/sbin/route" */
	/* Where the real binary is bound first, before the shim covers it, so shims that pass a
	 * call through can still run it: a hidden file node of the FUSE tree as the target sees it
	 * ("/sys/class/net/.fakenet-real/route"). NULL when another bind of the tool exposes it. */
	const char *real_node;
	dev_t dev; /* the real file's identity: each one is bound once */
	ino_t ino;
};

struct fn_child_plan {
	int mnt_fd;	  /* the detached FUSE mount */
	int dev_fd;	  /* /dev/fuse: the children close it */
	int report_fd;	  /* write end of the report pipe (O_CLOEXEC) */
	int runner_pidfd; /* to notice a runner that died before PR_SET_PDEATHSIG took hold */
	const char *hostname;
	bool isolated; /* --net isolated: join netns_fd and show its links in /sys */
	int netns_fd;
	int connlog_fd; /* isolated with --log: where the audit filter's listener goes; -1: none */
	struct fn_overlay overlays[FN_MAX_OVERLAYS];
	int n_overlays;
	const char *shim_path; /* the shim bound over each tool_binds[].target */
	const struct fn_tool_bind *tool_binds;
	int n_tool_binds;
	const char *path_env;	  /* PATH for the target; NULL: unchanged */
	const char *identity_env; /* FAKENET_IDENTITY for the target; NULL: unchanged */
	const char *real_dir_env; /* FAKENET_REAL_DIR for the target; NULL: unset */
	/* --log: the runner's audit socket as a detached mount, bound onto the view's hidden
	 * node for the shims (-1: none), and the log file to cover (NULL: none). */
	int log_sock_tree;
	const char *log_mask;
	/* Descriptors only the runner may hold (the log, the audit socket): the init closes its
	 * copies first, so no process inside can reach them through /proc/1/fd. */
	int runner_fds[4];
	int n_runner_fds;
	/* The tree's /proc/net, and where /proc/net points in the target's view: procnet.c copies
	 * it onto a tmpfs there. NULL: /proc/net stays on FUSE (with --log, to see every open). */
	const struct fn_node *proc_net;
	const char *proc_net_dir;
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
/* Puts the fast, tmpfs-backed /proc/net in place (procnet.c); a no-op without plan->proc_net. */
int fn_procnet_mount(const struct fn_child_plan *plan, struct fn_report *rep);
/* The audit log's binds: the empty read-only mask over the log file and the runner's socket onto
 * its hidden node. */
int fn_auditlog_apply(const struct fn_child_plan *plan, struct fn_report *rep);
/* Exposes the real tools in the FUSE tree, then binds the shim read-only over each. */
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
