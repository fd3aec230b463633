/* The tree for an identity (vfs_build.c): each area's builder fills its part of an empty tree
 * (vfs.c) through the node calls; nothing in vfs.c calls back up here. */
#pragma once

#include "identity.h"
#include "vfs.h"

/* Builds the whole tree for the identity. */
struct fn_vfs *fn_vfs_build(const struct fn_identity *id);

/* Per-area builders, called by fn_vfs_build (vfs_proc.c, vfs_sys.c, vfs_etc.c). */
void fn_vfs_build_proc(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_sys(struct fn_vfs *vfs, const struct fn_identity *id);
void fn_vfs_build_etc(struct fn_vfs *vfs, const struct fn_identity *id);
