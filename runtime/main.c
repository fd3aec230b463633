/* fakenet-runtime: a runc-compatible runtime for engines that read no hooks.d (Docker's
 * "runtimes", containerd's runtime handlers, a Kubernetes RuntimeClass). For create and run it
 * adds `fakenet oci-hook` to the bundle's config.json when the container carries the
 * io.fakenet.identity annotation (and empties its hostname, which runc would set over the
 * identity's); then, for every command, it executes the real runtime
 * ($FAKENET_RUNTIME, else runc on PATH) with the same arguments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "config.h"
#include "util.h"

static bool is_self(const char *path)
{
	struct stat self, st;

	return stat("/proc/self/exe", &self) == 0 && stat(path, &st) == 0 &&
	       self.st_dev == st.st_dev && self.st_ino == st.st_ino;
}

/* runc on PATH, skipping this program should it be installed under that name. */
static char *find_runc(void)
{
	const char *env = getenv("PATH");
	char *dirs = xstrdup(
	    env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL, *found = NULL;

	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *path = xasprintf("%s/runc", *d ? d : ".");

		if (access(path, X_OK) == 0 && !is_self(path))
			found = path;
		else
			free(path);
	}
	free(dirs);
	return found;
}

static int exec_runtime(char **argv)
{
	const char *env = getenv("FAKENET_RUNTIME");
	char *runtime = env && *env ? xstrdup(env) : find_runc();
	int err;

	if (!runtime) {
		fn_warn("no runc on PATH; set FAKENET_RUNTIME to the runtime to run");
		return FN_EXIT_NOTFOUND;
	}
	argv[0] = runtime;
	if (strchr(runtime, '/'))
		execv(runtime, argv);
	else
		execvp(runtime, argv);
	err = errno;
	fn_warn_errno("cannot run %s", runtime);
	free(runtime);
	return err == ENOENT ? FN_EXIT_NOTFOUND : FN_EXIT_NOEXEC;
}

int main(int argc, char **argv)
{
	struct fn_runtime_args a;

	fn_progname = "fakenet-runtime";
	fn_runtime_parse(argc, argv, &a);
	if (a.wants_hook) {
		char *fakenet = fn_shipped_locate("fakenet", X_OK);
		int err;

		if (!fakenet) {
			fn_warn("fakenet not found next to fakenet-runtime");
			return FN_EXIT_OWN;
		}
		err = fn_runtime_add_hook(a.bundle, fakenet);
		free(fakenet);
		if (err != 0)
			return FN_EXIT_OWN;
	}
	return exec_runtime(argv);
}
