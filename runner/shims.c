/* Finding files shipped beside the running executable (fakenet-shim, the preload library, the
 * shims directory), so both the build tree (build/fakenet, build/NAME) and an install
 * (bin/fakenet, libexec/fakenet/NAME) work without configuration. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

char *fn_shipped_locate(const char *name, int mode)
{
	static const char *const rel[] = {"", "../libexec/fakenet/"};
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	slash[1] = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *path = xasprintf("%s%s%s", exe, rel[i], name);
		char *real = realpath(path, NULL);

		free(path);
		if (real && access(real, mode) == 0)
			return real;
		free(real);
	}
	return NULL;
}

char *fn_shim_locate(void)
{
	return fn_shipped_locate("fakenet-shim", X_OK);
}
