/* The table of the view's mounts (view.h) and the questions every backend asks of it. */
#include <string.h>

#include "util.h"
#include "view.h"

/* One line per real path the view covers. Order is the order run mounts them in. */
const struct fn_view_mount fn_view_mounts[] = {
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
    /* Under a kernel mode too: its links lead to what the kernel cannot show (a PCI NIC). */
    {"/sys/class/net", .kind = FN_MOUNT_DIR, .follow = true, .optional = true},
    /* Served by FUSE, whose files are sized as procfs sizes them (0); a tmpfs copy would give
     * them sizes and blocks, which the kernel's never have. */
    {"/proc/net", FN_VIEW_PROC_NET_LINK, .kind = FN_MOUNT_LINK, .kernel_net = true},
    {"/etc/hosts", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true},
    {"/etc/hostname", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true},
    {"/etc/resolv.conf", .kind = FN_MOUNT_FILE, .follow = true, .read_only = true, .optional = true,
     .staged = true},
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
