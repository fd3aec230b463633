/* The one path walk through the view: a path component by component, through the tree's links
 * and passthrough directories, the way the kernel walks a mounted view. The preload library walks
 * every path a target names with it; `fakenet show` and the tests resolve tree paths with it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vfs.h"

enum fn_walk_kind {
	FN_WALK_NONE,  /* never reached the view: the real path as given */
	FN_WALK_NODE,  /* a node of the tree */
	FN_WALK_REAL,  /* a real file reached through the view (a passthrough, a link): `real` */
	FN_WALK_ERROR, /* fails with `err` (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG) */
};

enum {
	FN_WALK_FOLLOW = 1 << 0, /* a link in the last component is followed */
	/* Only the table's mounts are the tree's (lib/view.c), the rest is the real filesystem,
	 * as for a target with the view mounted; without it every path is the tree's. */
	FN_WALK_MOUNTS = 1 << 1,
};

struct fn_walk {
	enum fn_walk_kind kind;
	struct fn_node *node;
	int err;
	char *real; /* the caller's buffer for FN_WALK_REAL */
	size_t real_size;
	/* The caller's: under FN_WALK_MOUNTS, how the host is asked whether it has a directory on
	 * the way to a static file of the view; where it lacks one (/var/lib/dbus on a minimal
	 * system) run adds it (lib/view.h, staged), so that directory is the tree's. NULL: never
	 * asked, every such directory is the host's. */
	fn_vfs_lstat_fn real_stat;
};

/* Walks absolute `path`. `self`: the walking process, whose /proc/self/net, /proc/thread-self/net
 * and /proc/PID/net are names of /proc/net and whose pid fills passthrough patterns
 * ("/proc/%d/net"); 0: neither. */
void fn_view_walk(const struct fn_vfs *vfs, const char *path, unsigned flags, pid_t self,
		  struct fn_walk *out);
/* Whether the host lacks `path` (asked with `real_stat`), which run then adds as the tree's where
 * it is on the way to a static file (lib/view.h, staged) or a mount whose parent FUSE covers;
 * errno is left as it was. */
bool fn_view_host_lacks(fn_vfs_lstat_fn real_stat, const char *path);
/* The node an absolute path leads to in the whole tree, following links; NULL when it leads
 * nowhere in the tree. */
struct fn_node *fn_view_resolve(const struct fn_vfs *vfs, const char *path);
