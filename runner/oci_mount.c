/* Placing the view in a container, from a child of the hook's server: the container's init is
 * waiting before pivot_root, so its mount namespace already has the rootfs with its /proc and
 * /sys. The child enters that namespace, chroots into the rootfs and applies the same plan the
 * init of `fakenet run` applies (overlay.c), then makes the shim reachable: bound onto a node of
 * the view, over each real tool of the image, and for the tools the image lacks, as a read-only
 * overlay of one directory of the image's PATH. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../fakefs/fakefs.h"
#include "oci.h"

#define SHIM_NODE FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_SHIM
#define BIN_NODE  FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_BIN

static int enter_container(const struct fn_oci_place *p, struct fn_report *rep)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (!err && (chroot(p->rootfs) < 0 || chdir("/") < 0))
		err = -errno;
	if (err)
		fn_report_setf(rep, FN_REPORT_SETUP, -err,
			       "entering the mount namespace and root of container pid %d",
			       (int)p->pid);
	return err;
}

/* The shim file, cloned while the host's tree is still reachable. */
static int clone_shim(const struct fn_oci_place *p, struct fn_report *rep)
{
	struct mount_attr attr = {.attr_set =
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	int tree = open_tree(AT_FDCWD, p->shim_host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		fn_report_setf(rep, FN_REPORT_SETUP, errno, "cloning the shim %s",
			       p->shim_host_path);
		if (tree >= 0)
			close(tree);
		return -1;
	}
	return tree;
}

static int place_shim(int tree, struct fn_report *rep)
{
	int err = 0;

	if (move_mount(tree, "", AT_FDCWD, SHIM_NODE, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		err = -errno;
		fn_report_setf(rep, FN_REPORT_SETUP, -err, "binding the shim onto %s", SHIM_NODE);
	}
	close(tree);
	return err;
}

/* The view's shim links over `dir`, the image's own entries beneath them: read-only, without an
 * upper layer, so nothing is ever written to the image. */
static int overlay_bin_dir(const char *dir, struct fn_report *rep)
{
	char lower[4200];
	int fs, mnt = -1, err = 0;

	snprintf(lower, sizeof(lower), "%s:%s", BIN_NODE, dir);
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV)) < 0 ||
	    move_mount(mnt, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		err = -errno;
	if (fs >= 0)
		close(fs);
	if (mnt >= 0)
		close(mnt);
	if (err)
		fn_report_setf(rep, FN_REPORT_SETUP, -err, "overlaying the shims on %s", dir);
	return err;
}

int fn_oci_place_view(const struct fn_oci_place *p, struct fn_report *rep)
{
	int shim = -1, err;

	if (p->shim_host_path && (shim = clone_shim(p, rep)) < 0)
		return -1;
	err = enter_container(p, rep);
	if (!err)
		err = fn_overlay_apply(p->plan, rep);
	if (!err && shim >= 0) {
		err = place_shim(shim, rep);
		shim = -1;
	}
	if (!err)
		err = fn_tools_apply(p->plan, rep);
	if (!err && p->bin_dir)
		err = overlay_bin_dir(p->bin_dir, rep);
	if (shim >= 0)
		close(shim);
	return err;
}
