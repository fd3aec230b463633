/* The fakenet subcommands and what they share: each returns the process exit status. */
#pragma once

#include <stddef.h>

#include "identity.h"
#include "util.h"

#define FAKENET_VERSION "0.1.0"

int fn_cmd_run(int argc, char **argv);
int fn_cmd_show(int argc, char **argv);
int fn_cmd_validate(int argc, char **argv);
int fn_cmd_install(int argc, char **argv);
int fn_cmd_uninstall(int argc, char **argv);
int fn_cmd_oci_hook(int argc, char **argv);

/* Loads the identity a command uses (--identity, else $FAKENET_IDENTITY, else the embedded
 * default), printing its diagnostics on failure. With `text`, also returns the YAML text it came
 * from (caller frees). */
struct fn_identity *fn_cli_load_identity(const char *explicit_path, char **text, size_t *len);
