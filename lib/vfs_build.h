/* The tree for an identity (vfs_build.c): each area's builder fills its part of an empty tree
 * (vfs.c) through the node calls; nothing in vfs.c calls back up here. */
#pragma once

#include "identity.h"
#include "vfs.h"

/* Builds the whole tree for the identity. */
struct fn_vfs *fn_vfs_build(const struct fn_identity *id);

/* Per-area builders, called by fn_vfs_build (vfs_proc.c, vfs_sys.c, vfs_etc.c, vfs_disks.c,
 * vfs_dmi.c, vfs_fs.c). */
void fn_vfs_build_proc(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_sys(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_etc(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_cpu(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_disks(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_dmi(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_fs(struct fn_vfs *vfs, const struct fn_identity *id);
/* fn_vfs_build_fs reading the host's sysfs mounted at `sys` ("/sys"), its root filesystem on
 * block device `root_dev`: a test gives it a tree of either shape, root on a partition or on a
 * whole disk. */
void fn_vfs_build_fs_from(struct fn_vfs *vfs, const struct fn_identity *id, const char *sys,
			  dev_t root_dev);

/* For a kernel mode, whose links are veths the kernel counts and times, the tree tells the
 * kernel's facts where the kernel has them. A PCI NIC's statistics files, speed and duplex read
 * the kernel's own files of the link of that name, as the reader sees them (its
 * /sys/devices/virtual/net/NAME is its namespace's), so sysfs tells what /proc/net/dev and the
 * ethtool ioctl tell, with the lstat of a sysfs attribute. Every file of /proc/net reads the
 * reader's own /proc/PID/net, but for /proc/net/wireless, which a veth's kernel cannot show. */
void fn_vfs_follow_kernel(struct fn_vfs *vfs, const struct fn_identity *id);
/* Their parts of fn_vfs_follow_kernel (vfs_sys.c, vfs_proc.c). */
void fn_vfs_sys_follow_kernel(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_proc_follow_kernel(struct fn_vfs *vfs);
