/* The fakenet subcommands and what they share: each returns the process exit status. */
#pragma once

#include <stddef.h>

#include "identity_source.h"
#include "util.h"

#define FAKENET_VERSION "0.1.0"

int fn_cmd_run(int argc, char **argv);
int fn_cmd_show(int argc, char **argv);
int fn_cmd_validate(int argc, char **argv);
int fn_cmd_install(int argc, char **argv);
int fn_cmd_uninstall(int argc, char **argv);
int fn_cmd_oci_hook(int argc, char **argv);
/* `fakenet check`: the fingerprint-consistency battery; 0, 1 or 2. */
int fn_cmd_check(int argc, char **argv);
/* `fakenet verify [--pid PID]`. */
int fn_cmd_verify(int argc, char **argv);
/* `fakenet log summarize FILE`. */
int fn_cmd_log(int argc, char **argv);
