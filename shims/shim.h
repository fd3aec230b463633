/* The multi-call shim: one static binary, one source file per tool, dispatched on argv[0].
 * A tool registers itself with FN_SHIM_TOOL in its own file; main.c finds every registered tool. */
#pragma once

#include "http_rules.h"
#include "identity.h"

struct fn_shim_ctx {
	const struct fn_identity *id; /* NULL for tools that do not need it (sudo) */
	const char *tool;	      /* the name it was called by */
	bool kernel_mode; /* the kernel holds the identity (kernel.h): unknown options go to the
			     real tool */
};

struct fn_shim_tool {
	const char *name;
	/* Returns the exit status; writes to stdout/stderr exactly as the real tool would. */
	int (*main)(const struct fn_shim_ctx *ctx, int argc, char **argv);
	bool needs_identity;
	/* Shows links (counters, speed): asks the kernel whether it holds them. curl and wget never
	 * open a socket, so they do not. */
	bool shows_links;
};

#define FN_SHIM_TOOL(var, ...)                                                                     \
	static const struct fn_shim_tool var = __VA_ARGS__;                                        \
	__attribute__((                                                                            \
	    used, section("fn_shim_tools"))) static const struct fn_shim_tool *const var##_entry = \
	    &var

/* Runs the real `tool` kept reachable by `fakenet run` ($FAKENET_REAL_DIR/tool) with `argv`;
 * returns only when there is none or it cannot be run. */
void fn_shim_exec_real(const char *tool, char **argv);
