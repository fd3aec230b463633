/* The filesystems' sysfs directories (/sys/fs/ext4, xfs, f2fs) for an identity with disks: each
 * names the block device of every mounted filesystem of its type, which would show the host's
 * disks (vda, vda1) beside the identity's. The root filesystem's directory is shown under the
 * name of the identity's device for it (its first disk's root partition, sda1, or the disk when it
 * has none), passing the host's statistics through, whether the host's root is on a partition or
 * a whole disk; the host's other devices are left out, and the type's own entries (features,
 * stats) stay. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "render_disks.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

/* The types whose per-filesystem directory is named after its block device. */
static const char *const fs_types[] = {"ext4", "xfs", "f2fs"};

/* The name of the block device `dev` (the root filesystem's) as sysfs under `sys` names it: the
 * kernel's own, a partition's when it is one ("vda", "vda1"); "" when it is on none (an overlay,
 * a tmpfs). */
static void root_device(const char *sys, dev_t dev, char *name, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	name[0] = '\0';
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sys, major(dev), minor(dev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < size)
		memcpy(name, base, strlen(base) + 1);
}

static bool host_block_device(const char *sys, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/class/block/%s", sys, name);
	return lstat(path, &st) == 0;
}

static void add_passthrough_dir(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				const char *real)
{
	struct fn_node *n = fn_vfs_add_dir(vfs, dir, name, 0755);

	n->passthrough = xstrdup(real);
}

static void build_type(struct fn_vfs *vfs, const char *sys, const char *type, const char *root,
		       const char *disk)
{
	char path[PATH_MAX], real[PATH_MAX + NAME_MAX + 1], shown[32];
	struct fn_node *dir = NULL;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/fs/%s", sys, type);
	d = opendir(path);
	if (!d)
		return; /* the host's kernel has no such filesystem: nor does the view */
	snprintf(shown, sizeof(shown), "/sys/fs/%s", type);
	dir = fn_vfs_mkdir_p(vfs, shown);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		snprintf(real, sizeof(real), "%s/%s", path, e->d_name);
		if (!host_block_device(sys, e->d_name))
			add_passthrough_dir(vfs, dir, e->d_name, real);
		else if (root[0] && strcmp(e->d_name, root) == 0)
			add_passthrough_dir(vfs, dir, disk, real);
	}
	closedir(d);
}

void fn_vfs_build_fs_from(struct fn_vfs *vfs, const struct fn_identity *id, const char *sys,
			  dev_t root_dev)
{
	char root[NAME_MAX + 1], shown[FN_DISK_NAMSIZ + 8];
	const struct fn_disk *d;

	if (!id->system.n_disks)
		return; /* the host's disks stay: the identity says nothing of them */
	d = &id->system.disks[0];
	root_device(sys, root_dev, root, sizeof(root));
	fn_disk_partition_name(d->name, fn_disk_root_partition(d), shown, sizeof(shown));
	for (size_t i = 0; i < N_ELEMENTS(fs_types); i++)
		build_type(vfs, sys, fs_types[i], root, shown);
}

void fn_vfs_build_fs(struct fn_vfs *vfs, const struct fn_identity *id)
{
	struct stat st;

	/* Device 0:0 is no block device: a root that cannot be stat'ed names none. */
	fn_vfs_build_fs_from(vfs, id, "/sys", stat("/", &st) == 0 ? st.st_dev : makedev(0, 0));
}
