/* The tree for an identity (vfs_build.h): an empty tree, then each area's builder. A new area is
 * its builder and a line here. */
#include "vfs_build.h"

struct fn_vfs *fn_vfs_build(const struct fn_identity *id)
{
	struct fn_vfs *vfs = fn_vfs_new();

	fn_vfs_build_proc(vfs, id);
	fn_vfs_build_sys(vfs, id);
	fn_vfs_build_etc(vfs, id);
	fn_vfs_build_cpu(vfs, id);
	fn_vfs_build_disks(vfs, id);
	fn_vfs_build_fs(vfs, id);
	fn_vfs_build_dmi(vfs, id);
	return vfs;
}

void fn_vfs_follow_kernel(struct fn_vfs *vfs, const struct fn_identity *id)
{
	fn_vfs_sys_follow_kernel(vfs, id);
	fn_vfs_proc_follow_kernel(vfs);
}
