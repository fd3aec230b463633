/* The view's plan, shared by `fakenet run` and the OCI hook: which parts of the FUSE tree go over
 * which real paths, and which real tools the shim covers (found on the standard PATH of whatever
 * root the caller is in, so the hook plans inside a container's tree by chrooting into it). */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "child.h"
#include "shim_tools.h"
#include "staging.h"
#include "vfs.h"

#define FN_MAX_SHIM_TOOLS 16

/* What the overlays of the tree need kept: the static /etc files of the staging tmpfs, and the
 * paths overlaid that the table does not name (their tree paths point in): /sys/devices/TOP, and
 * the parents of DMI directories the host lacks. */
struct fn_overlay_plan {
	struct fn_staged_file *staged;
	size_t n_staged;
	char **device_roots;
	size_t n_device_roots;
	/* The directories layered for the static files the host lacks (layers.h) */
	char **layer_dirs;
	size_t n_layer_dirs;
};

/* The shim's tools and where they go. */
struct fn_tool_plan {
	const char *tools[FN_MAX_SHIM_TOOLS];
	size_t n_tools;
	/* The real tool files the shim covers, and the tools whose real binary stays reachable to
	 * the shims under FN_FAKEFS_REAL (name and the file the server reads it from). */
	struct fn_tool_bind *binds;
	size_t n_binds;
	const char **real_tools;
	char **real_paths;
	size_t n_real_tools;
	/* Tools the root lacks: the shim answers for them in `missing_dir` of the view. */
	struct fn_node **added_tools;
	size_t n_added_tools;
};

/* The shim, and where the tools the root lacks are added: `missing_dir`, a directory of the
 * standard PATH, becomes a passthrough of `missing_src` (the server's name of that directory,
 * NULL: none) with the shim added. */
struct fn_tool_where {
	const char *shim;	 /* the shim binary as the server reads it */
	const struct stat *self; /* the shim's own file, never covered */
	const char *missing_dir;
	const char *missing_src;
};

/* Fills tp->tools from a --shims SPEC (none, all, or a comma list, which is cut up in place);
 * returns -1, having said so, for an unknown tool name. */
int fn_plan_select_tools(struct fn_tool_plan *tp, char *spec);
/* Adds a file to be put in the staging tmpfs at `path` (absolute; kept, as `content` is), and
 * returns it, for a caller that gives it a source file to copy first. */
struct fn_staged_file *fn_plan_add_staged(struct fn_overlay_plan *op, const char *path,
					  const char *content, size_t len, mode_t mode);
/* How the view goes over the real paths. */
struct fn_plan_opts {
	bool isolated;	/* the kernel shows the links itself */
	bool stage_etc; /* the /etc files as static files of the staging tmpfs (all but --log,
			 * which must see every open) */
	/* A static file of the view that the host lacks (a minimal system's /etc/machine-id) is
	 * added by layering its directory or the one above (layers.h). */
	bool add_missing;
	/* The same file missing in a container's root is made there, empty, and covered, as the
	 * runtime makes the destinations of its own mounts (the OCI hook: the image, not the host,
	 * decides what is missing, and the container's root is its own to write). */
	bool create_missing;
};

/* Which real paths get which part of the tree. */
void fn_plan_overlays(struct fn_child_plan *plan, struct fn_overlay_plan *op, struct fn_vfs *vfs,
		      const struct fn_plan_opts *o);
void fn_overlay_plan_free(struct fn_overlay_plan *op);
/* Every real file of each tool on the standard PATH and the binds that cover them with the
 * shim's copy; the tools that have none are added in w->missing_dir, which is overlaid. Fills the
 * plan's tool_binds. tp->real_paths are the files as found: a caller in another root renames
 * them for the server. */
void fn_plan_tool_binds(struct fn_tool_plan *tp, struct fn_child_plan *plan, struct fn_vfs *vfs,
			const struct fn_tool_where *w);
struct fn_fakefs;
/* Fills a new staging tmpfs (staging.h) with the shim's copy at each covered path (`shim`: NULL,
 * none) and the staged /etc files, and lets that copy see the view's hidden nodes. On failure
 * returns -errno and fills `rep`; the caller releases `st` either way. */
int fn_plan_stage(const struct fn_tool_plan *tp, const struct fn_overlay_plan *op, const char *shim,
		  struct fn_staging *st, struct fn_fakefs *fs, struct fn_report *rep);
/* The shims the view itself serves for the tools the root lacks run as files of the FUSE mount,
 * whose device is known once it is mounted: they may see the hidden nodes too. */
void fn_plan_allow_added(const struct fn_tool_plan *tp, struct fn_fakefs *fs);
void fn_tool_plan_free(struct fn_tool_plan *tp);
