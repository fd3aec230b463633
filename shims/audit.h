/* The shims' side of the audit log (audit.c). */
#pragma once

#include "http_rules.h"

/* The audit log of `fakenet run --log` (see "LOG FORMAT" in fakenet(1)), written by the runner
 * from the events shims send to its socket.
 * main.c starts the record with the call's argv and finishes it with the exit status once the
 * output is written; curl and wget note each URL they look up (the last one is logged); a shim
 * about to exec another program logs the call first, with the program's path. */
void fn_shim_audit_start(const char *tool, int argc, char **argv);
void fn_shim_audit_http(const struct fn_url *url, const struct fn_http_answer *a);
void fn_shim_audit_exec(const char *path);
void fn_shim_audit_finish(int status);
