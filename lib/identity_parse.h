/* Loading an identity (identity_parse.c, with identity_yaml.c, identity_validate.c and
 * identity_system.c behind it). Which identity a command uses is identity_source.h's business. */
#pragma once

#include <stddef.h>

#include "diag.h"
#include "identity.h"

/* Parse and validate an identity. On success returns the model; on failure returns NULL and every
 * problem found is in diags as "FILE:LINE:COLUMN: error: message" (all of them, in one pass).
 * `diags` must be initialised (fn_diags_init); its file name becomes the identity's source name. */
struct fn_identity *fn_identity_load_file(const char *path, struct fn_diags *diags);
struct fn_identity *fn_identity_load_buffer(const char *name, const char *buf, size_t len,
					    struct fn_diags *diags);
