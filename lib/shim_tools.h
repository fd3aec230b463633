/* The tools fakenet-shim answers to (shim_tools.c): the one list from which the Makefile makes
 * the links (SHIM_TOOLS), `fakenet run` covers the real tools and `fakenet install` places them.
 * Adding a tool is its shims/TOOL.c and one line of that list. */
#pragma once

#include <stdbool.h>

/* Every tool, NULL-terminated. sudo is one of them, but run and install put it only where the
 * machine has no sudo of its own, which keeps its policy. */
extern const char *const fn_shim_tools[];

/* Whether fakenet-shim answers to `name`. */
bool fn_shim_tool_known(const char *name);

/* Locates fakenet-shim beside the running executable (build/fakenet-shim, or
 * libexec/fakenet/fakenet-shim of an install); NULL if absent (caller frees). */
char *fn_shim_locate(void);
