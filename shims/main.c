/* Entry point of fakenet-shim: load the identity as every part of fakenet looks it up and
 * run the tool named by argv[0], or by argv[1] when called as fakenet-shim itself. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fakefs/fakefs.h"
#include "kernel.h"
#include "pid1.h"
#include "identity_source.h"
#include "audit.h"
#include "shim.h"
#include "util.h"

extern const struct fn_shim_tool *const __start_fn_shim_tools[];
extern const struct fn_shim_tool *const __stop_fn_shim_tools[];

static const struct fn_shim_tool *find_tool(const char *name)
{
	for (const struct fn_shim_tool *const *t = __start_fn_shim_tools; t < __stop_fn_shim_tools;
	     t++)
		if (strcmp((*t)->name, name) == 0)
			return *t;
	return NULL;
}

static void list_tools(FILE *out)
{
	fprintf(out, "usage: fakenet-shim TOOL [ARG...]   (or call it through a link named TOOL)\n"
		     "tools:");
	for (const struct fn_shim_tool *const *t = __start_fn_shim_tools; t < __stop_fn_shim_tools;
	     t++)
		fprintf(out, " %s", (*t)->name);
	fputc('\n', out);
}

static bool is_self(const char *path)
{
	struct stat self, st;

	return stat("/proc/self/exe", &self) == 0 && stat(path, &st) == 0 &&
	       self.st_dev == st.st_dev && self.st_ino == st.st_ino;
}

void fn_shim_exec_real(const char *tool, char **argv)
{
	/* Inside `fakenet run` the real tools are in the view, where only a shim finds them. */
	const char *dir = getenv("FAKENET_REAL_DIR");
	char *path;

	if (!dir || !*dir)
		dir = FN_RUN_REAL_DIR;
	if (!dir || dir[0] != '/' || strchr(tool, '/'))
		return;
	path = xasprintf("%s/%s", dir, tool);
	if (access(path, X_OK) == 0 && !is_self(path)) {
		fflush(stdout);
		fn_shim_audit_exec(path);
		execv(path, argv);
	}
	free(path);
}

/* Called by a name no tool answers to: the shim is bound over a real tool that other names link
 * to (dnsdomainname -> hostname). The path it was run from names the tool it covers; the real one
 * answers, under the name it was called by. */
static void exec_covered_tool(char **argv)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *covered;

	if (len <= 0)
		return;
	exe[len] = '\0';
	covered = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	if (find_tool(covered))
		fn_shim_exec_real(covered, argv);
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const struct fn_shim_tool *tool;
	struct fn_shim_ctx ctx = {0};
	struct fn_identity *id = NULL;
	int status;

	/* The shim's copy in a run is also pid 1's executable (runner/run/staging.c). */
	if (fn_pid1_requested(argc, argv))
		fn_pid1_supervise(argv + 2);
	if (strcmp(base, "fakenet-shim") == 0) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0) {
			list_tools(argc < 2 ? stderr : stdout);
			return argc < 2 ? FN_EXIT_USAGE : 0;
		}
		argv++;
		argc--;
		base = argv[0];
	}
	fn_progname = base;
	fn_shim_audit_start(base, argc, argv);
	tool = find_tool(base);
	if (!tool)
		exec_covered_tool(argv);
	if (!tool) {
		fn_warn("fakenet-shim has no tool named '%s'", base);
		return FN_EXIT_NOTFOUND;
	}
	if (tool->needs_identity) {
		id = fn_identity_lookup(NULL, NULL, NULL);
		if (!id)
			return FN_EXIT_OWN;
		ctx.kernel_mode = tool->shows_links && fn_shim_kernel_holds(id);
		if (ctx.kernel_mode)
			fn_shim_adopt_kernel_links(id);
	}
	ctx.id = id;
	ctx.tool = base;
	status = tool->main(&ctx, argc, argv);
	fflush(stdout);
	fflush(stderr);
	fn_shim_audit_finish(status);
	fn_identity_free(id);
	return status;
}
