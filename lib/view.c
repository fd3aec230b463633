/* The table of the view's mounts (view.h) and the questions every backend asks of it. */
#include <string.h>

#include "util.h"
#include "view.h"

/* The kernel's link the view covers (/proc/net -> self/net), spelled once: its directory (with
 * the '/') and its name, which every process's own directory has too (/proc/PID/net). */
#define KERNEL_LINK_DIR	 "/proc/"
#define KERNEL_LINK_NAME "net"

const struct fn_view_kernel_link fn_view_kernel_link = {
    .path = KERNEL_LINK_DIR KERNEL_LINK_NAME,
    .name = KERNEL_LINK_NAME,
    .len = sizeof(KERNEL_LINK_DIR KERNEL_LINK_NAME) - 1,
    .dir_len = sizeof(KERNEL_LINK_DIR) - 1,
    .name_len = sizeof(KERNEL_LINK_NAME) - 1,
};

/* One line per real path the view covers. Order is the order run mounts them in. */
const struct fn_view_mount fn_view_mounts[] = {
    /* The machine's firmware identity (system.dmi), which every identity has. /sys/class/dmi/id
     * is a link into /sys/devices/virtual/dmi; dmidecode reads /sys/firmware/dmi/tables. */
    {"/sys/class/dmi", .kind = FN_MOUNT_DIR, .optional = true, .cover_parent = true},
    {"/sys/devices/virtual/dmi", .kind = FN_MOUNT_DIR, .optional = true, .cover_parent = true},
    {"/sys/firmware/dmi", .kind = FN_MOUNT_DIR, .optional = true, .cover_parent = true},
    /* A wireless identity's phy (/sys/class/ieee80211/phy0 -> its PCI device), which hosts
     * without a wireless card lack. */
    {"/sys/class/ieee80211", .kind = FN_MOUNT_DIR, .follow = true, .optional = true,
     .cover_parent = true},
    {"/sys/devices/virtual/net", .kind = FN_MOUNT_DIR, .follow = true, .optional = true,
     .kernel_net = true},
    /* A fake PCI NIC lives under /sys/devices/pci0000:00/SLOT, with links in
     * /sys/bus/pci/devices and /sys/bus/pci/drivers/DRV; binding just those entries would need
     * real ones of that name, so the directories are covered whole, passing the real devices
     * and drivers through. */
    {"/sys/devices/pci0000:00", .kind = FN_MOUNT_DIR, .follow = true, .optional = true,
     .pass_real = true},
    {"/sys/bus/pci/devices", .kind = FN_MOUNT_DIR, .follow = true, .optional = true,
     .pass_real = true},
    {"/sys/bus/pci/drivers", .kind = FN_MOUNT_DIR, .follow = true, .optional = true,
     .pass_real = true},
    /* Under a kernel mode only where a link leads to what the kernel cannot show (a PCI NIC):
     * with veths alone it is the namespace's own sysfs. */
    {"/sys/class/net", .kind = FN_MOUNT_DIR, .follow = true, .optional = true, .kernel_net = true},
    /* Served by FUSE, whose files are sized as procfs sizes them (0); a tmpfs copy would give
     * them sizes and blocks, which the kernel's never have. */
    {KERNEL_LINK_DIR KERNEL_LINK_NAME, FN_VIEW_PROC_NET_LINK, .kind = FN_MOUNT_KERNEL_LINK,
     .kernel_net = true},
    /* run sets the hostname in its UTS namespace; the preload library answers with the file. */
    {"/proc/sys/kernel/hostname", .kind = FN_MOUNT_FILE, .optional = true, .kernel_uts = true},
    /* The identity's processor (system.cpu): the host's file, rewritten at each read. */
    {"/proc/cpuinfo", .kind = FN_MOUNT_FILE, .optional = true},
    /* The identity's disks (system.disks), and none of the host's. */
    {"/proc/partitions", .kind = FN_MOUNT_FILE, .optional = true},
    {"/sys/block", .kind = FN_MOUNT_DIR, .follow = true, .optional = true},
    {"/sys/class/block", .kind = FN_MOUNT_DIR, .follow = true, .optional = true},
    {"/sys/dev/block", .kind = FN_MOUNT_DIR, .follow = true, .optional = true},
    {"/sys/devices/virtual/block", .kind = FN_MOUNT_DIR, .follow = true, .optional = true},
    /* The filesystems' directories, named after the host's devices (/sys/fs/ext4/vda). */
    {"/sys/fs/ext4", .kind = FN_MOUNT_DIR, .optional = true, .host_may_lack = true},
    {"/sys/fs/xfs", .kind = FN_MOUNT_DIR, .optional = true, .host_may_lack = true},
    {"/sys/fs/f2fs", .kind = FN_MOUNT_DIR, .optional = true, .host_may_lack = true},
    {"/run/udev/data", .kind = FN_MOUNT_DIR, .follow = true, .optional = true,
     .host_may_lack = true},
    {"/dev/disk", .kind = FN_MOUNT_DIR, .follow = true, .optional = true, .host_may_lack = true},
    {"/dev", .kind = FN_MOUNT_DIR, .optional = true, .pass_real = true, .preload_only = true},
    {"/etc/hosts", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true},
    {"/etc/hostname", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true},
    {"/etc/resolv.conf", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true},
    /* The machine id (system.machine_id), and D-Bus's copy of it. A minimal system (a debootstrap
     * tree, a container without systemd) has neither: run adds them as it adds every static
     * file the host lacks (runner/run/layers.h); the OCI hook makes their mount points in the
     * container's root as runc makes its own; the preload library answers either way. */
    {"/etc/machine-id", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true, .host_may_lack = true},
    {"/var/lib/dbus/machine-id", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true,
     .optional = true, .staged = true, .host_may_lack = true},
};

const size_t fn_n_view_mounts = N_ELEMENTS(fn_view_mounts);

const char *fn_view_mount_tree_path(const struct fn_view_mount *m)
{
	return m->tree_path ? m->tree_path : m->path + 1;
}

const struct fn_view_mount *fn_view_mount_covering(const char *path)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];
		size_t len = strlen(m->path);

		if (strncmp(path, m->path, len) == 0 && (path[len] == '/' || path[len] == '\0'))
			return m;
	}
	return NULL;
}

bool fn_view_mount_in_tree(const struct fn_vfs *vfs, const struct fn_view_mount *m)
{
	return fn_vfs_lookup(vfs, m->path) != NULL;
}

/* How many levels below its directory `rest` (a relative path) is. */
static int levels(const char *rest)
{
	int n = 1;

	while ((rest = strchr(rest, '/')))
		n++, rest++;
	return n;
}

bool fn_view_static_below(const struct fn_vfs *vfs, const struct fn_view_mount *m, const char *dir,
			  size_t len)
{
	return m->staged && strncmp(m->path, dir, len) == 0 && m->path[len] == '/' &&
	       levels(m->path + len + 1) <= FN_VIEW_ADD_DEPTH && fn_view_mount_in_tree(vfs, m);
}

size_t fn_view_pass_real(struct fn_vfs *vfs)
{
	size_t n = 0;

	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];
		struct fn_node *dir = m->pass_real ? fn_vfs_lookup(vfs, m->path) : NULL;

		if (!dir || dir->type != FN_NODE_DIR)
			continue;
		if (!dir->passthrough)
			dir->passthrough = xstrdup(m->path);
		n++;
	}
	return n;
}
