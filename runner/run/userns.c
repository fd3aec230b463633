/* The user namespace a non-root caller needs for mounting: the caller becomes root inside it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userns.h"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

int fn_userns_enter(struct fn_report *rep)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int err;

	if (unshare(CLONE_NEWUSER) < 0) {
		err = fn_fail_errno(rep, "cannot create a user namespace");
		fn_report_hint(rep,
			       "user namespaces are disabled: enable them with sysctl "
			       "kernel.unprivileged_userns_clone=1 or user.max_user_namespaces, "
			       "or run as root");
		return err;
	}
	/* An unprivileged process may map only itself, and only after giving up setgroups. */
	err = write_file("/proc/self/setgroups", "deny");
	if (err && err != -ENOENT)
		return fn_fail(rep, err, "writing /proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	err = write_file("/proc/self/uid_map", map);
	if (err)
		return fn_fail(rep, err, "writing /proc/self/uid_map");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	err = write_file("/proc/self/gid_map", map);
	if (err)
		return fn_fail(rep, err, "writing /proc/self/gid_map");
	return 0;
}
