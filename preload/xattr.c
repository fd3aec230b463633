/* Extended attributes of the view's nodes: sysfs and procfs files carry none, and `ls -l` asks
 * every entry for its ACL and security label, so a node answers "no such attribute" and an empty
 * list where the real call would fail to find the path at all. */
#include <errno.h>
#include <fcntl.h>
#include <sys/xattr.h>

#include "preload.h"

/* 1 when `*path` is a node of the view (errno set for the caller's answer), 0 for the real call
 * with `*path`, -1 on an error of the walk. */
static int route(const char **path, bool follow)
{
	static __thread struct fn_view v;

	return fn_view_route(AT_FDCWD, path, follow, &v);
}

static ssize_t get(const char *path, bool follow, const char *name, void *value, size_t size)
{
	switch (route(&path, follow)) {
	case 0:
		return follow ? FN_REAL(getxattr)(path, name, value, size)
			      : FN_REAL(lgetxattr)(path, name, value, size);
	case 1:
		errno = ENODATA;
		return -1;
	default:
		return -1;
	}
}

static ssize_t list(const char *path, bool follow, char *names, size_t size)
{
	switch (route(&path, follow)) {
	case 0:
		return follow ? FN_REAL(listxattr)(path, names, size)
			      : FN_REAL(llistxattr)(path, names, size);
	case 1:
		return 0;
	default:
		return -1;
	}
}

FN_EXPORT ssize_t getxattr(const char *path, const char *name, void *value, size_t size)
{
	return get(path, true, name, value, size);
}

FN_EXPORT ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	return get(path, false, name, value, size);
}

FN_EXPORT ssize_t listxattr(const char *path, char *names, size_t size)
{
	return list(path, true, names, size);
}

FN_EXPORT ssize_t llistxattr(const char *path, char *names, size_t size)
{
	return list(path, false, names, size);
}
