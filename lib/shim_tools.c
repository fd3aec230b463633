/* The shim's tool list (shim_tools.h). The Makefile reads the names from the lines between the
 * markers, one quoted name a line: keep that shape. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim_tools.h"
#include "util.h"

/* clang-format off */
const char *const fn_shim_tools[] = {
	/* shim-tools-begin */
	"route",
	"arp",
	"ifconfig",
	"netstat",
	"ip",
	"hostname",
	"nm-tool",
	"nmcli",
	"ethtool",
	"iw",
	"curl",
	"wget",
	"sudo",
	"hdparm",
	/* shim-tools-end */
	NULL,
};
/* clang-format on */

bool fn_shim_tool_known(const char *name)
{
	for (const char *const *t = fn_shim_tools; *t; t++)
		if (strcmp(*t, name) == 0)
			return true;
	return false;
}

/* Whether the directory part of `path` (up to its last '/') is one of the ':'-separated `dirs`. */
static bool in_dirs(const char *path, size_t dir_len, const char *dirs)
{
	for (const char *d = dirs; d && *d;) {
		size_t n = strcspn(d, ":");

		if (n == dir_len && strncmp(d, path, n) == 0)
			return true;
		d += n + (d[n] == ':');
	}
	return false;
}

const char *fn_shim_redirect(const char *shims_dir, const char *file, bool search,
			     const char *path_env, char *buf, size_t size)
{
	const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
	int n;

	if (!shims_dir || !*base || !fn_shim_tool_known(base))
		return NULL;
	if (slash && !in_dirs(file, (size_t)(slash - file), path_env) &&
	    !in_dirs(file, (size_t)(slash - file), FN_DEFAULT_PATH))
		return NULL;
	if (!slash && !search)
		return NULL; /* a file of the working directory */
	n = snprintf(buf, size, "%s/%s", shims_dir, base);
	if (n < 0 || (size_t)n >= size || access(buf, X_OK) != 0)
		return NULL;
	return buf;
}

char *fn_shim_locate(void)
{
	return fn_shipped_locate("fakenet-shim", X_OK);
}
