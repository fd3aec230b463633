/* Finding fakenet-shim relative to the running executable, so both the build tree
 * (build/fakenet, build/fakenet-shim) and an install (bin/fakenet, libexec/fakenet/fakenet-shim)
 * work without configuration. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

char *fn_shim_locate(void)
{
	static const char *const rel[] = {"fakenet-shim", "../libexec/fakenet/fakenet-shim"};
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
		char *path = xasprintf("%s%s", exe, rel[i]);
		char *real = realpath(path, NULL);

		free(path);
		if (real && access(real, X_OK) == 0)
			return real;
		free(real);
	}
	return NULL;
}
