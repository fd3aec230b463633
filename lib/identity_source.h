/* Which identity a command uses (identity_source.c): the one lookup of the runner, the shims and
 * the preload library, and the embedded copies of the shipped files. */
#pragma once

#include <stddef.h>

#include "diag.h"
#include "identity.h"

/* Where `fakenet install` puts an image's identity. */
#define FN_INSTALLED_IDENTITY "/etc/fakenet/identity.yaml"

/* Inside `fakenet run`, the run's identity text, served by the view to the shims alone. It lives
 * in the DMI device's directory, a view of every identity in every mode (the kernel of a network
 * namespace shows /proc/net and /sys/class/net itself), which readers reach through the
 * /sys/class/dmi/id link and nobody lists, and which container runtimes leave unmasked (unlike
 * /sys/firmware). */
#define FN_RUN_IDENTITY_DIR  "/sys/devices/virtual/dmi"
#define FN_RUN_IDENTITY_NAME ".identity.yaml"
#define FN_RUN_IDENTITY	     FN_RUN_IDENTITY_DIR "/" FN_RUN_IDENTITY_NAME
/* Inside `fakenet run`, where the shims find the real tools they cover (also only for them). */
#define FN_RUN_REAL_NAME ".real"
#define FN_RUN_REAL_DIR	 FN_RUN_IDENTITY_DIR "/" FN_RUN_REAL_NAME

/* The identity a command uses: --identity FILE, else $FAKENET_IDENTITY, else the run's identity
 * (inside `fakenet run`), else the installed identity when the file exists, else the embedded
 * docker.yaml. `explicit_path` may be NULL. */
struct fn_identity *fn_identity_resolve(const char *explicit_path, struct fn_diags *diags);
/* The same for a command: prints the diagnostics on stderr when it cannot be loaded. With `text`,
 * also returns the YAML text the model came from (NULL if it could not be read again; the caller
 * frees it), so that the shims inside a run read the very same identity. */
struct fn_identity *fn_identity_lookup(const char *explicit_path, char **text, size_t *len);

/* The shipped identities compiled into the binary, by file name ("docker.yaml"). */
const char *fn_embedded_identity(const char *name, size_t *len);
