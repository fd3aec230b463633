/* The filesystems' sysfs directories (/sys/fs/ext4, xfs, f2fs) for an identity with disks: each
 * names the block device of every mounted filesystem of its type, which would show the host's
 * disks (vda) beside the identity's. The root filesystem's directory is shown under the
 * identity's first disk's name, passing the host's statistics through; the host's other devices
 * are left out, and the type's own entries (features, stats) stay. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

/* The types whose per-filesystem directory is named after its block device. */
static const char *const fs_types[] = {"ext4", "xfs", "f2fs"};

/* The name of the block device the root filesystem is on ("vda"), or "" when it is on none (an
 * overlay, a tmpfs). */
static void root_device(char *name, size_t size)
{
	char link[64], target[PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t n;

	name[0] = '\0';
	if (stat("/", &st) != 0)
		return;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < size)
		memcpy(name, base, strlen(base) + 1);
}

static bool host_block_device(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	return lstat(path, &st) == 0;
}

static void add_passthrough_dir(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				const char *real)
{
	struct fn_node *n = fn_vfs_add_dir(vfs, dir, name, 0755);

	n->passthrough = xstrdup(real);
}

static void build_type(struct fn_vfs *vfs, const char *type, const char *root, const char *disk)
{
	char path[64], real[PATH_MAX];
	struct fn_node *dir = NULL;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/fs/%s", type);
	d = opendir(path);
	if (!d)
		return; /* the host's kernel has no such filesystem: nor does the view */
	dir = fn_vfs_mkdir_p(vfs, path);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		snprintf(real, sizeof(real), "%s/%s", path, e->d_name);
		if (!host_block_device(e->d_name))
			add_passthrough_dir(vfs, dir, e->d_name, real);
		else if (root[0] && strcmp(e->d_name, root) == 0)
			add_passthrough_dir(vfs, dir, disk, real);
	}
	closedir(d);
}

void fn_vfs_build_fs(struct fn_vfs *vfs, const struct fn_identity *id)
{
	char root[NAME_MAX + 1];

	if (!id->system.n_disks)
		return; /* the host's disks stay: the identity says nothing of them */
	root_device(root, sizeof(root));
	for (size_t i = 0; i < N_ELEMENTS(fs_types); i++)
		build_type(vfs, fs_types[i], root, id->system.disks[0].name);
}
