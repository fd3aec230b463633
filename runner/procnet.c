/* The fast /proc/net: a read-only tmpfs holding the rendered files, with every other entry a link
 * to the reader's own /proc/self/net/NAME. Page-cache reads of a tmpfs beat procfs itself, where a
 * FUSE round trip per open costs ten times more; the price is that opens are not seen (and so
 * not logged), which is why `--log` keeps /proc/net on FUSE. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "child.h"
#include "vfs.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int add_rendered(int dir, const struct fn_node *file)
{
	int fd = openat(dir, file->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	int err;

	if (fd < 0)
		return -errno;
	err = write_all(fd, file->content, file->len);
	close(fd);
	return err;
}

/* Links every real entry the identity does not define to the reader's own namespace view. */
static int add_real_links(int dir, const struct fn_node *proc_net)
{
	DIR *real = opendir("/proc/self/net");
	struct dirent *e;
	char target[300];
	int err = 0;

	if (!real)
		return -errno;
	while (!err && (e = readdir(real))) {
		if (e->d_name[0] == '.' || fn_vfs_child(proc_net, e->d_name))
			continue;
		snprintf(target, sizeof(target), "/proc/self/net/%s", e->d_name);
		if (symlinkat(target, dir, e->d_name) < 0)
			err = -errno;
	}
	closedir(real);
	return err;
}

static int populate(int dir, const struct fn_node *proc_net)
{
	int err = 0;

	for (size_t i = 0; !err && i < proc_net->n_children; i++)
		if (proc_net->children[i]->type == FN_NODE_FILE)
			err = add_rendered(dir, proc_net->children[i]);
	return err ? err : add_real_links(dir, proc_net);
}

/* What the rendered files take on a tmpfs, which counts whole pages, plus a few for the directory:
 * the mount is sized to what the identity renders, so whatever validates fits. */
static size_t tmpfs_bytes(const struct fn_node *proc_net)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t bytes = 16 * page;

	for (size_t i = 0; i < proc_net->n_children; i++)
		if (proc_net->children[i]->type == FN_NODE_FILE)
			bytes += (proc_net->children[i]->len + page - 1) / page * page;
	return bytes;
}

/* A detached tmpfs: built through its fd, made read-only, then put where /proc/net points. */
static int make_tmpfs(size_t bytes, int *mnt)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), err = 0;
	char size[32];

	if (fs < 0)
		return -errno;
	snprintf(size, sizeof(size), "%zu", bytes);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", size, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		err = -errno;
	else if ((*mnt = fsmount(fs, FSMOUNT_CLOEXEC,
				 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0)
		err = -errno;
	close(fs);
	return err;
}

int fn_procnet_mount(const struct fn_child_plan *plan, struct fn_report *rep)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	int mnt = -1, err;

	if (!plan->proc_net || !plan->proc_net_dir)
		return 0;
	err = make_tmpfs(tmpfs_bytes(plan->proc_net), &mnt);
	if (!err)
		err = populate(mnt, plan->proc_net);
	if (!err && mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		err = -errno;
	if (!err && move_mount(mnt, "", AT_FDCWD, plan->proc_net_dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		err = -errno;
	if (mnt >= 0)
		close(mnt);
	if (err)
		fn_report_setf(rep, FN_REPORT_SETUP, -err, "building /proc/net at %s",
			       plan->proc_net_dir);
	return err;
}
