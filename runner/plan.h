/* The view's plan, shared by `fakenet run` and the OCI hook: which parts of the FUSE tree go over
 * which real paths, and which real tools the shim covers (found on the standard PATH of whatever
 * root the caller is in, so the hook plans inside a container's tree by chrooting into it). */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "child.h"
#include "vfs.h"

#define FN_DEFAULT_PATH	  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define FN_MAX_SHIM_TOOLS 16

/* The shim's tools and where they go. */
struct fn_tool_plan {
	const char *tools[FN_MAX_SHIM_TOOLS];
	size_t n_tools;
	/* The real tool files the shim covers, and the tools whose real binary stays reachable
	 * under FN_FAKEFS_REAL. */
	struct fn_tool_bind *binds;
	size_t n_binds;
	const char **real_tools;
	size_t n_real_tools;
};

/* Fills tp->tools from a --shims SPEC (none, all, or a comma list, which is cut up in place);
 * returns -1, having said so, for an unknown tool name. */
int fn_plan_select_tools(struct fn_tool_plan *tp, char *spec);
/* Which real paths get which part of the tree. `isolated`: the kernel shows the links itself;
 * `fast_proc_net`: /proc/net as a tmpfs copy (procnet.c) rather than on FUSE. */
void fn_plan_overlays(struct fn_child_plan *plan, struct fn_vfs *vfs, bool isolated,
		      bool fast_proc_net);
/* Every real file of each tool on the standard PATH, and the binds that cover them with the shim
 * (`shim`: the shim's own file, never covered). Fills the plan's tool_binds and real_dir_env. */
void fn_plan_tool_binds(struct fn_tool_plan *tp, struct fn_child_plan *plan,
			const struct fn_vfs *vfs, const struct stat *shim);
void fn_tool_plan_free(struct fn_tool_plan *tp);
