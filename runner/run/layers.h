/* Directories shown in the run's mount namespace as read-only overlays of the real ones with the
 * staged directory of the same name on top (layers.c): the way to add a file the host lacks
 * without creating anything on the host. --net host adds /etc/ld.so.preload and the preload
 * library this way; a view's static file the host lacks (a minimal system's /etc/machine-id) gets
 * a place to be mounted on. */
#pragma once

#include <stdbool.h>

#include "child.h"
#include "report.h"

/* Marks `dir` (absolute; kept, not copied) to be layered, `required` for one --net host's
 * preload library depends on; a directory already marked is kept once, required if either is.
 * Returns false when the plan is full (never with the directories the view has). */
bool fn_plan_layer(struct fn_child_plan *plan, const char *dir, bool required);
/* In the init's mount namespace, before the views: the overlays, parents before children, each
 * with the mounts that were below its directory carried over on top. A required directory that
 * cannot be layered fails the run: returns a negative errno with `rep` filled. Any other is
 * only a warning on stderr (what it would have added is not shown; each such file then warns
 * that it does not exist). */
int fn_layers_apply(const struct fn_child_plan *plan, struct fn_report *rep);
