/* How `fakenet run` builds the view: FUSE overlays in namespaces, or the preload library where
 * those cannot be had (WebVM, locked-down containers). */
#pragma once

/* Takes `--backend auto|fuse|preload` out of run's options and, when the preload backend is the
 * one to use, runs the command with it (never returns on success). Returns -1 to go on with the
 * FUSE backend, or an exit status. */
int fn_backend_dispatch(int *argc, char **argv);
