/* The shim's tool list (shim_tools.h). The Makefile reads the names from the lines between the
 * markers, one quoted name a line: keep that shape. */
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

char *fn_shim_locate(void)
{
	return fn_shipped_locate("fakenet-shim", X_OK);
}
