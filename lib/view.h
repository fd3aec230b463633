/* The view's mounts: every real path the view covers, each named once. The FUSE backend (run's
 * mount plan, the OCI hook), the preload library and `fakenet install` all loop over this one
 * table, so adding a view is adding one entry to lib/view.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "vfs.h"

/* At the FUSE root: a link to the tree's /proc/net, mounted over the kernel's /proc/net link
 * (a directory cannot be mounted over a link). */
#define FN_VIEW_PROC_NET_LINK "proc-net-link"
/* Where FUSE mounts the tree's /proc/net for that link to lead to: pid 1's own /proc/1/net. The
 * run's pid 1 (its init, or a container's) lives as long as the run, so its process directory is
 * there when the views are placed and stays; the link then reads "1/net", shaped like the
 * kernel's "self/net". The kernel's own target cannot be kept: a link leads where readlink says,
 * and self/net leads to each reader's /proc/PID/net, a directory procfs makes per process, which
 * no mount placed in advance covers. */
#define FN_VIEW_PROC_NET_HOME "/proc/1/net"

enum fn_mount_kind {
	FN_MOUNT_DIR,  /* a directory, covered whole: only the tree's entries show */
	FN_MOUNT_FILE, /* a single file */
	FN_MOUNT_LINK, /* a single link of the tree's, over the real path's (which must be no
			* directory): readlink gives the tree's target */
	/* A link the kernel keeps to a directory the tree has (/proc/net -> self/net): what lies
	 * below it is the tree's, the link itself stays the kernel's where a backend can keep it
	 * (FUSE mounts a link of its own, `tree_path`, which leads to the tree's directory, mounted
	 * at FN_VIEW_PROC_NET_HOME). */
	FN_MOUNT_KERNEL_LINK,
};

struct fn_view_mount {
	const char *path;      /* the real path, as the target names it: "/sys/class/net" */
	const char *tree_path; /* the node mounted there, relative to the FUSE root; NULL: `path`
				* without its leading '/' */
	enum fn_mount_kind kind;
	/* A real path that is a link (/etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf)
	 * is covered where it leads, so readers that follow it see the view too. */
	bool follow;
	bool read_only; /* a file a root target could otherwise write (/etc/hosts) */
	/* Only some identities have it (a PCI NIC, a `system:` section): where the tree lacks the
	 * node nothing is mounted, and a real path that is missing is a warning, not an error. */
	bool optional;
	/* Under a kernel network mode the run's own network namespace shows it: not mounted then,
	 * unless the tree's directory holds something of the identity's own (a file that does not
	 * read the kernel's, a link that leads out of the kernel's views). */
	bool kernel_net;
	/* The run's UTS namespace shows it (the kernel's hostname): never mounted. */
	bool kernel_uts;
	/* A static file: staged on a tmpfs (as a container runtime binds /etc/hosts) and written
	 * by `fakenet install`. Where the host lacks it, run layers its directory, or the one that
	 * would hold that (FN_VIEW_ADD_DEPTH; a read-only overlay with the staged file on top) so
	 * that it shows all the same. */
	bool staged;
	/* The real directory's entries show beside the tree's (the host's PCI devices next to a
	 * fake NIC): the tree's directory passes the real one through. */
	bool pass_real;
	/* Many hosts lack it (udev's /run/udev/data and /dev/disk on a machine without udev): where
	 * the real path is missing (and, for a static file, cannot be added), nothing is mounted
	 * there and nothing said. */
	bool host_may_lack;
	/* FUSE cannot hand out a device, so only the preload library answers it (the disks'
	 * /dev nodes, for their drive ioctls); every other name below it is the real one. */
	bool preload_only;
	/* The host may lack the real path altogether (a machine without DMI): then run covers its
	 * parent instead, passing the parent's real entries through. Such a mount comes before
	 * every other one below the same parent, which then goes on top of it. */
	bool cover_parent;
};

extern const struct fn_view_mount fn_view_mounts[];
extern const size_t fn_n_view_mounts;

/* The table's one FN_MOUNT_KERNEL_LINK entry (/proc/net): its path, its directory's length with
 * the '/' ("/proc/"), and its name ("net"), which /proc/self, /proc/thread-self and every
 * /proc/PID have too, each the link's target for its process. */
struct fn_view_kernel_link {
	const char *path, *name;
	size_t len, dir_len, name_len;
};
extern const struct fn_view_kernel_link fn_view_kernel_link;

/* The node a mount puts at its path: `m->tree_path` or `m->path` without its leading '/'. */
const char *fn_view_mount_tree_path(const struct fn_view_mount *m);
/* The mount whose path is `path` or an ancestor of it (path absolute, without "." or ".."
 * components); NULL: the view does not cover it. */
const struct fn_view_mount *fn_view_mount_covering(const char *path);
/* Whether the tree holds the view of this mount (an optional one may be absent). */
bool fn_view_mount_in_tree(const struct fn_vfs *vfs, const struct fn_view_mount *m);
/* How many levels below a directory the host has run adds a static file the host lacks: it
 * layers the file's directory or, where the host lacks that too, the one that would hold it
 * (/var/lib for /var/lib/dbus/machine-id), never higher (the layer is read-only). */
#define FN_VIEW_ADD_DEPTH 2
/* Whether `m` is a static file of the view the tree holds (a staged mount, which run adds where
 * the host lacks it) strictly below the directory `dir`, of which the first `len` bytes count
 * (absolute, normalised, without a trailing '/'; 0 for the root), and no deeper than run adds
 * it from there (FN_VIEW_ADD_DEPTH). */
bool fn_view_static_below(const struct fn_vfs *vfs, const struct fn_view_mount *m, const char *dir,
			  size_t len);
/* Lets the tree's pass_real directories show their real directory's entries; returns how many
 * the tree holds. */
size_t fn_view_pass_real(struct fn_vfs *vfs);
