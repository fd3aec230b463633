/* The path calls (open, fopen, access, readlink, realpath and their variants): a path in the view
 * is answered from the tree, any other goes to libc untouched. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "early.h"
#include "preload.h"

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

/* Returns the fd for a path in the view, or -2 when the real call must run with `*path`. */
FN_HOT static int view_open(int dirfd, const char **path, int flags)
{
	static __thread struct fn_view v;

	if (fn_view_passes(dirfd, *path))
		return -2;
	switch (fn_view_route(dirfd, path, !(flags & O_NOFOLLOW), &v)) {
	case 0:
		return -2;
	case -1:
		return -1;
	}
	return fn_view_open(&v, flags);
}

/* The real open's result, its fd remembered when it is a directory above the view's mounts. */
FN_HOT static int noted(int dirfd, const char *path, int fd)
{
	fn_view_note_real_open(dirfd, path, fd);
	return fd;
}

FN_HOT static mode_t mode_arg(int flags, va_list ap)
{
	return flags & (O_CREAT | __O_TMPFILE) ? (mode_t)va_arg(ap, int) : 0;
}

FN_HOT FN_EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd = view_open(AT_FDCWD, &path, flags);

	if (fd != -2)
		return fd;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return noted(AT_FDCWD, path, FN_REAL(open)(path, flags, mode));
}

FN_HOT FN_EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd = view_open(AT_FDCWD, &path, flags);

	if (fd != -2)
		return fd;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return noted(AT_FDCWD, path, FN_REAL(open64)(path, flags, mode));
}

FN_HOT FN_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd = view_open(dirfd, &path, flags);

	if (fd != -2)
		return fd;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return noted(dirfd, path, FN_REAL(openat)(dirfd, path, flags, mode));
}

FN_HOT FN_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd = view_open(dirfd, &path, flags);

	if (fd != -2)
		return fd;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return noted(dirfd, path, FN_REAL(openat64)(dirfd, path, flags, mode));
}

/* The fortified entry points (-D_FORTIFY_SOURCE) a target may call instead of open(). */
FN_EXPORT int __open_2(const char *path, int flags)
{
	int fd = view_open(AT_FDCWD, &path, flags);

	return fd != -2 ? fd : noted(AT_FDCWD, path, FN_REAL(__open_2)(path, flags));
}

FN_EXPORT int __open64_2(const char *path, int flags)
{
	int fd = view_open(AT_FDCWD, &path, flags);

	return fd != -2 ? fd : noted(AT_FDCWD, path, FN_REAL(__open64_2)(path, flags));
}

FN_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	int fd = view_open(dirfd, &path, flags);

	return fd != -2 ? fd : noted(dirfd, path, FN_REAL(__openat_2)(dirfd, path, flags));
}

FN_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	int fd = view_open(dirfd, &path, flags);

	return fd != -2 ? fd : noted(dirfd, path, FN_REAL(__openat64_2)(dirfd, path, flags));
}

/* fopen's mode string as open flags: only what decides between the view and an error. */
static int fopen_flags(const char *mode)
{
	int flags = strchr(mode, '+') ? O_RDWR : O_RDONLY;

	if (mode[0] == 'w' || mode[0] == 'a')
		flags = (flags == O_RDWR ? O_RDWR : O_WRONLY) | O_CREAT;
	if (strchr(mode, 'e'))
		flags |= O_CLOEXEC;
	return flags;
}

static FILE *view_fopen(const char **path, const char *mode, bool *handled)
{
	int fd = view_open(AT_FDCWD, path, fopen_flags(mode));
	FILE *f;

	*handled = fd != -2;
	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (!f)
		close(fd);
	return f;
}

FN_EXPORT FILE *fopen(const char *path, const char *mode)
{
	bool handled;
	FILE *f = view_fopen(&path, mode, &handled);

	return handled ? f : FN_REAL(fopen)(path, mode);
}

FN_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	bool handled;
	FILE *f = view_fopen(&path, mode, &handled);

	return handled ? f : FN_REAL(fopen64)(path, mode);
}

/* Returns 0/-1 for a path in the view, or -2 for the real call with `*path`. */
static int view_access(int dirfd, const char **path, int how, int flags)
{
	static __thread struct fn_view v;

	if (fn_view_passes(dirfd, *path))
		return -2;
	switch (fn_view_route(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), &v)) {
	case 0:
		return -2;
	case -1:
		return -1;
	}
	if (how & W_OK) {
		errno = EROFS;
		return -1;
	}
	if ((how & X_OK) && v.kind == FN_WALK_NODE && v.node->type == FN_NODE_FILE &&
	    !(v.node->mode & 0111)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

FN_EXPORT int access(const char *path, int how)
{
	int r = view_access(AT_FDCWD, &path, how, 0);

	return r != -2 ? r : FN_REAL(access)(path, how);
}

FN_EXPORT int faccessat(int dirfd, const char *path, int how, int flags)
{
	int r = view_access(dirfd, &path, how, flags);

	return r != -2 ? r : FN_REAL(faccessat)(dirfd, path, how, flags);
}

/* Returns the length for a link in the view, -1 on error, or -2 for the real call. */
static ssize_t view_readlink(int dirfd, const char **path, char *buf, size_t len)
{
	static __thread struct fn_view v;
	ssize_t own;
	size_t n;

	if (fn_view_passes(dirfd, *path))
		return -2;
	if ((own = fn_view_own_readlink(dirfd, *path, buf, len)) != -2)
		return own;
	switch (fn_view_route(dirfd, path, false, &v)) {
	case 0:
		return -2;
	case -1:
		return -1;
	}
	if (v.kind != FN_WALK_NODE || v.node->type != FN_NODE_LINK) {
		errno = EINVAL;
		return -1;
	}
	n = v.node->len < len ? v.node->len : len;
	memcpy(buf, v.node->content, n);
	return (ssize_t)n;
}

FN_EXPORT ssize_t readlink(const char *path, char *buf, size_t len)
{
	ssize_t r = view_readlink(AT_FDCWD, &path, buf, len);

	return r != -2 ? r : FN_REAL(readlink)(path, buf, len);
}

FN_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t r = view_readlink(dirfd, &path, buf, len);

	return r != -2 ? r : FN_REAL(readlinkat)(dirfd, path, buf, len);
}

/* The canonical name of a node: resolved_path, else allocated as glibc's realpath does. */
static char *node_realpath(const struct fn_node *node, char *resolved)
{
	char *out = resolved ? resolved : malloc(PATH_MAX);

	if (out)
		fn_view_node_path(node, out, PATH_MAX);
	return out;
}

FN_EXPORT char *realpath(const char *path, char *resolved)
{
	static __thread struct fn_view v;

	fn_view_lookup(AT_FDCWD, path, true, &v);
	switch (v.kind) {
	case FN_WALK_NONE:
		return FN_REAL(realpath)(path, resolved);
	case FN_WALK_REAL:
		return FN_REAL(realpath)(v.real, resolved);
	case FN_WALK_ERROR:
		errno = v.err;
		return NULL;
	case FN_WALK_NODE:
		break;
	}
	return node_realpath(v.node, resolved);
}

FN_EXPORT char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

FN_HOT FN_EXPORT int close(int fd)
{
	fn_view_fd_forget(fd);
	return FN_EARLY(close)(fd);
}

/* close_range(2) and closefrom(3) close without close(): the fds' numbers are free again. */
FN_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	int r = FN_EARLY(close_range)(first, last, flags);

	if (r == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		fn_view_fd_forget_range(first, last);
	return r;
}

FN_EXPORT void closefrom(int first)
{
	FN_EARLY(closefrom)(first);
	if (first >= 0)
		fn_view_fd_forget_range((unsigned int)first, ~0u);
}

/* Duplicates keep what the view remembers of the fd (util-linux reads directories through a
 * dup of the fd it opened). */
FN_EXPORT int dup(int fd)
{
	int r = FN_REAL(dup)(fd);

	if (r >= 0)
		fn_view_fd_copy(fd, r);
	return r;
}

FN_EXPORT int dup2(int fd, int to)
{
	int r = FN_REAL(dup2)(fd, to);

	if (r >= 0 && r != fd)
		fn_view_fd_copy(fd, r);
	return r;
}

FN_EXPORT int dup3(int fd, int to, int flags)
{
	int r = FN_REAL(dup3)(fd, to, flags);

	if (r >= 0)
		fn_view_fd_copy(fd, r);
	return r;
}

static int fcntl_noted(int fd, int cmd, int r)
{
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		fn_view_fd_copy(fd, r);
	return r;
}

/* Every fcntl command takes one argument word or none; passing it on as a pointer is how libc's
 * own wrapper forwards it. */
FN_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_noted(fd, cmd, FN_REAL(fcntl)(fd, cmd, arg));
}

int fcntl64(int fd, int cmd, ...);
FN_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_noted(fd, cmd, FN_REAL(fcntl64)(fd, cmd, arg));
}
