/* The tools fakenet-shim answers to (shim_tools.c): the one list from which the Makefile makes
 * the links (SHIM_TOOLS), `fakenet run` covers the real tools and `fakenet install` places them.
 * Adding a tool is its shims/TOOL.c and one line of that list. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The standard PATH, whose directories hold the real tools the shim covers. */
#define FN_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Every tool, NULL-terminated. sudo is one of them, but run and install put it only where the
 * machine has no sudo of its own, which keeps its policy. */
extern const char *const fn_shim_tools[];

/* Whether fakenet-shim answers to `name`. */
bool fn_shim_tool_known(const char *name);

/* The preload backend's cover of the real tools: an exec of `file` (a name to search for when
 * `search`, else a path) that names a tool of `shims_dir` goes to the shim there: a name, or a path
 * in a directory of `path_env` or of the standard PATH (where a shell's own search of PATH puts
 * it). Returns `buf` holding the shim's path, or NULL: `file` runs as it is. */
const char *fn_shim_redirect(const char *shims_dir, const char *file, bool search,
			     const char *path_env, char *buf, size_t size);

/* Locates fakenet-shim beside the running executable (build/fakenet-shim, or
 * libexec/fakenet/fakenet-shim of an install); NULL if absent (caller frees). */
char *fn_shim_locate(void);
