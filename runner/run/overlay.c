/* Mounting the views inside the init's private mount namespace. Every view is a clone of a subtree
 * of the detached FUSE mount (open_tree) moved onto the real path (move_mount), so no directory is
 * created anywhere and nothing propagates back to the host. */
#include <errno.h>
#include <linux/openat2.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "overlay.h"
#include "fakefs.h"
#include "util.h"

/* A real path that is a symlink (resolv.conf -> /run/systemd/resolve/stub-resolv.conf): mount on
 * what it points to when that exists, so readers following the link see the view too. */
static const char *mount_point(const struct fn_overlay *o, char *buf)
{
	struct stat st;

	if (o->nofollow || lstat(o->target, &st) < 0 || !S_ISLNK(st.st_mode))
		return o->target;
	if (realpath(o->target, buf) && stat(buf, &st) == 0)
		return buf;
	return o->target; /* a dangling link: cover the link itself */
}

/* `path` (absolute) opened as the container resolves it, from the root it was chrooted to: its
 * symlinks stay inside that root and no magic link of its /proc leads out (the runtime's init
 * still has the host's root before pivot_root, and this process is root). */
static int open_in_root(const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	const char *rel = path + strspn(path, "/");
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	if (root < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	close(root);
	return fd;
}

/* The directory holding the last component of `path`, opened in the root; *name: that component. */
static int open_parent_in_root(const char *path, const char **name)
{
	char parent[PATH_MAX];

	*name = strrchr(path, '/') + 1;
	snprintf(parent, sizeof(parent), "%.*s", (int)(*name - path), path);
	return open_in_root(parent, O_PATH | O_DIRECTORY);
}

/* Makes the last component of `path`, resolved in the root: a directory, or an empty file. */
static int make_in_root(const char *path, bool dir)
{
	const char *name;
	int pfd = open_parent_in_root(path, &name), fd, err = 0;

	if (pfd < 0)
		return pfd;
	if (dir) {
		err = mkdirat(pfd, name, 0755) < 0 ? -errno : 0;
	} else {
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			err = -errno;
		else
			close(fd);
	}
	close(pfd);
	return err;
}

/* Removes a directory make_in_root made (rmdir: only while it is still empty). */
static void remove_in_root(const char *path)
{
	const char *name;
	int pfd = open_parent_in_root(path, &name);

	if (pfd < 0)
		return;
	unlinkat(pfd, name, AT_REMOVEDIR);
	close(pfd);
}

/* A missing destination made as runc makes its mounts' (directories 0755, an empty file), in the
 * container's own root: it stays in the container's writable layer, as the runtime's do. On
 * failure the directories it made are removed again. */
static int make_mount_point(const char *target)
{
	char path[PATH_MAX];
	size_t made[16], n_made = 0;
	int err = 0, fd;

	if (target[0] != '/' || snprintf(path, sizeof(path), "%s", target) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (char *slash = strchr(path + 1, '/'); slash && !err; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		fd = open_in_root(path, O_PATH | O_DIRECTORY);
		if (fd >= 0)
			close(fd);
		else if (fd != -ENOENT || n_made == N_ELEMENTS(made))
			err = fd;
		else if (!(err = make_in_root(path, true)))
			made[n_made++] = (size_t)(slash - path);
		*slash = '/';
	}
	if (!err)
		err = make_in_root(path, false);
	while (err && n_made > 0) {
		path[made[--n_made]] = '\0';
		remove_in_root(path);
	}
	return err;
}

static int make_read_only(int tree)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	return mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

static int apply_one(int mnt_fd, int staging_fd, const struct fn_overlay *o, struct fn_report *rep)
{
	unsigned flags =
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->nofollow ? AT_SYMLINK_NOFOLLOW : 0);
	char resolved[PATH_MAX];
	const char *where = mount_point(o, resolved);
	struct stat st;
	int tree, err = 0;

	if (fstatat(AT_FDCWD, where, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		bool made = false;

		err = -errno;
		if (err == -ENOENT && o->create)
			made = !(err = make_mount_point(where));
		if (!made && o->optional) {
			if (err == -ENOENT)
				dprintf(
				    2,
				    "fakenet: warning: %s does not exist; its view is not shown\n",
				    o->target);
			else
				dprintf(
				    2,
				    "fakenet: warning: cannot make the mount point %s (%s); its "
				    "view is not shown\n",
				    o->target, strerror(-err));
			return 0;
		}
		if (!made) {
			fn_fail(rep, err, "cannot overlay %s", o->target);
			return err;
		}
	}
	tree = o->staged ? open_tree(staging_fd, o->target + 1, flags)
			 : open_tree(mnt_fd, o->tree_path, flags);
	if (tree < 0) {
		err = -errno;
		fn_fail(rep, err, "open_tree of the FUSE view %s", o->tree_path);
	} else if (o->read_only && (err = make_read_only(tree))) {
		fn_fail(rep, err, "making the view of %s read-only", o->target);
	} else if (move_mount(tree, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		err = -errno;
		fn_fail(rep, err, "mounting the view over %s", where);
	}
	if (tree >= 0)
		close(tree);
	return err;
}

/* Clones of plan->keep's mounts, taken before the overlays; -1 where there is none. */
static void clone_kept(const struct fn_child_plan *plan, int *fds)
{
	for (int i = 0; i < plan->n_keep; i++)
		fds[i] = open_tree(AT_FDCWD, plan->keep[i],
				   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

/* Puts the clones back on top of the overlays; closes them all. */
static int restore_kept(const struct fn_child_plan *plan, int *fds, int err, struct fn_report *rep)
{
	for (int i = 0; i < plan->n_keep; i++) {
		if (fds[i] < 0)
			continue;
		if (!err &&
		    move_mount(fds[i], "", AT_FDCWD, plan->keep[i], MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			err = -errno;
			fn_fail(rep, err, "keeping %s over the view", plan->keep[i]);
		}
		close(fds[i]);
	}
	return err;
}

int fn_overlay_apply(const struct fn_child_plan *plan, struct fn_report *rep)
{
	int kept[FN_MAX_KEEP], err = 0;

	clone_kept(plan, kept);
	for (int i = 0; i < plan->n_overlays && !err; i++)
		err = apply_one(plan->mnt_fd, plan->staging_fd, &plan->overlays[i], rep);
	return restore_kept(plan, kept, err, rep);
}

/* The shim copy at the same path in the staging tmpfs goes over the real file, read-only: mountinfo
 * names the covered path and a tmpfs, and the real file stays reachable to the shims only through
 * the view's hidden node, which no mount shows. */
static int bind_shim(int staging, const char *where)
{
	struct mount_attr attr = {.attr_set =
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	int tree = open_tree(staging, where + 1, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int err = 0;

	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
	    move_mount(tree, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		err = -errno;
	close(tree);
	return err;
}

/* The hidden FUSE node FN_FAKEFS_LOG_MASK, read-only, over the log file. */
static int mask_log(const struct fn_child_plan *plan, struct fn_report *rep)
{
	/* Relative to the FUSE mount's root: the path without its leading slash. */
	int tree = open_tree(plan->mnt_fd, FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_LOG_MASK + 1,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int err = 0;

	if (tree < 0)
		err = -errno;
	else if (!(err = make_read_only(tree)) &&
		 move_mount(tree, "", AT_FDCWD, plan->log_mask, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		err = -errno;
	if (tree >= 0)
		close(tree);
	if (err)
		fn_fail(rep, err, "covering the log file %s", plan->log_mask);
	return err;
}

int fn_auditlog_apply(const struct fn_child_plan *plan, struct fn_report *rep)
{
	const char *node = FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_LOG;
	int err;

	if (plan->log_mask && (err = mask_log(plan, rep)))
		return err;
	if (plan->log_sock_tree < 0)
		return 0;
	err = move_mount(plan->log_sock_tree, "", AT_FDCWD, node, MOVE_MOUNT_F_EMPTY_PATH) < 0
		  ? -errno
		  : 0;
	close(plan->log_sock_tree);
	if (err)
		fn_fail(rep, err, "binding the audit socket onto %s", node);
	return err;
}

int fn_tools_apply(const struct fn_child_plan *plan, struct fn_report *rep)
{
	for (int i = 0; plan->staging_fd >= 0 && i < plan->n_tool_binds; i++) {
		const struct fn_tool_bind *b = &plan->tool_binds[i];
		int err = bind_shim(plan->staging_fd, b->target);

		if (err) {
			fn_fail(rep, err, "binding the shim over %s", b->target);
			return err;
		}
	}
	return 0;
}
