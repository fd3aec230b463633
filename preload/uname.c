/* uname() and gethostname(): the identity's hostname as the UTS nodename. glibc's gethostname
 * calls its own uname internally, so both are interposed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "preload.h"

FN_EXPORT int uname(struct utsname *u)
{
	const char *host;
	int r = FN_REAL(uname)(u);

	if (r == 0 && (host = fn_preload_hostname()))
		snprintf(u->nodename, sizeof(u->nodename), "%s", host);
	return r;
}

FN_EXPORT int gethostname(char *name, size_t len)
{
	const char *host = fn_preload_hostname();
	size_t n;

	if (!host)
		return FN_REAL(gethostname)(name, len);
	n = strlen(host);
	if (n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, host, n + 1);
	return 0;
}
