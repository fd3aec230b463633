/* The view's mounts inside the init's mount namespace (overlay.c), also made by the OCI hook's
 * mounter in a container's. */
#pragma once

#include "child.h"
#include "report.h"

/* Mounts the views into the current (private) mount namespace. On failure fills `rep`. */
int fn_overlay_apply(const struct fn_child_plan *plan, struct fn_report *rep);
/* The audit log's binds: the empty read-only mask over the log file and the runner's socket onto
 * its hidden node. */
int fn_auditlog_apply(const struct fn_child_plan *plan, struct fn_report *rep);
/* Binds the shim read-only over each real tool, from the staging tmpfs. */
int fn_tools_apply(const struct fn_child_plan *plan, struct fn_report *rep);
