/* How `fakenet run` builds the view: FUSE overlays in namespaces, or the preload library where
 * those cannot be had (WebVM, locked-down containers). */
#pragma once

#include <stdbool.h>

/* Takes `--backend auto|fuse|preload` out of run's options and, when the preload backend is the
 * one to use, runs the command with it (never returns on success). Returns -1 to go on with the
 * FUSE backend, or an exit status. */
int fn_backend_dispatch(int *argc, char **argv);
/* Whether `fakenet run --backend BACKEND` (NULL: the default, auto) runs with the preload
 * backend here, which is always --net host: the check judges its probes by that. */
bool fn_backend_is_preload(const char *backend);
/* Whether the FUSE backend surely works here without a user namespace of its own: CAP_SYS_ADMIN,
 * no seccomp filter, /dev/fuse and the mount API (false: it may still, tried in a child). */
bool fn_backend_fuse_surely_usable(void);
