/* The mounts below a directory that an overlay of it would hide (submounts.c): a bind mount or a
 * volume under /etc or /var/lib. They are cloned before the overlay goes on and moved back onto
 * the same paths after it, so nothing that was a mount there disappears or changes. */
#pragma once

#include <stddef.h>

#include "report.h"

struct fn_submounts {
	const char *dir; /* the layered directory, for the messages */
	char **paths;	 /* the mount points, as mountinfo names them (unescaped) */
	int *trees;	 /* a recursive clone of each (open_tree), -1 once moved back */
	int *originals;	 /* O_PATH of each original's root, to let it go once hidden */
	size_t n;
};

/* From the text of a mountinfo, the mount points of the mounts on mount `parent_id` strictly
 * below `dir` (a real path, without a trailing '/'), each once, in mountinfo order; a mount point
 * below another of them (hidden by it) is left out. Returns how many, the paths allocated in
 * `*paths` (NULL for none). */
size_t fn_submounts_pick(const char *mountinfo, int parent_id, const char *dir, char ***paths);
/* Clones every mount below `dir` in this mount namespace (/proc/self/mountinfo) but one on a path
 * where the directory `top` (a descriptor) holds a file, which the overlay shows instead. Returns
 * 0 or a negative errno with `rep` filled (nothing is left open then). */
int fn_submounts_clone(const char *dir, int top, struct fn_submounts *s, struct fn_report *rep);
/* Moves the clones back onto their paths (the overlay on), then lets go of the originals under
 * it. Returns 0 or a negative errno with `rep` filled. */
int fn_submounts_restore(struct fn_submounts *s, struct fn_report *rep);
void fn_submounts_free(struct fn_submounts *s);
