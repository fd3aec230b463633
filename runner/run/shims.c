/* fakenet-shim, found beside the running executable (fn_shipped_locate, lib/util.c), so both the
 * build tree (build/fakenet-shim) and an install (libexec/fakenet/fakenet-shim) work without
 * configuration. */
#include <unistd.h>

#include "child.h"
#include "util.h"

char *fn_shim_locate(void)
{
	return fn_shipped_locate("fakenet-shim", X_OK);
}
