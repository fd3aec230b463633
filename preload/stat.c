/* The stat family (stat, lstat, fstatat, statx, their 64-bit and old __xstat forms): a node of
 * the view gets the attributes its kind has in procfs, sysfs or /etc. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "preload.h"

int __xstat(int ver, const char *path, struct stat *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf, int flags);
int __xstat64(int ver, const char *path, struct stat64 *buf);
int __lxstat64(int ver, const char *path, struct stat64 *buf);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf, int flags);

/* Fills `st` for a path in the view and returns 0/-1, or returns -2 for the real call with
 * `*path`. */
static int view_stat(int dirfd, const char **path, int flags, struct stat *st)
{
	static __thread struct fn_view v;
	const struct fn_preload *state;
	const struct fn_node *own;

	if (fn_view_passes(dirfd, *path))
		return -2;
	/* An fd the view made is its node, not the memfd or stand-in behind it. */
	if (!**path && (flags & AT_EMPTY_PATH) && (own = fn_view_fd_node(dirfd)))
		return fn_view_stat(fn_preload_state(), own, st);
	switch (fn_view_route(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), &v)) {
	case 0:
		return -2;
	case -1:
		return -1;
	}
	state = fn_preload_state();
	return fn_view_stat(state, v.node, st);
}

static void to_stat64(const struct stat *in, struct stat64 *out)
{
	memset(out, 0, sizeof(*out));
	out->st_dev = in->st_dev;
	out->st_ino = in->st_ino;
	out->st_mode = in->st_mode;
	out->st_nlink = in->st_nlink;
	out->st_uid = in->st_uid;
	out->st_gid = in->st_gid;
	out->st_rdev = in->st_rdev;
	out->st_size = in->st_size;
	out->st_blksize = in->st_blksize;
	out->st_blocks = in->st_blocks;
	out->st_atim = in->st_atim;
	out->st_mtim = in->st_mtim;
	out->st_ctim = in->st_ctim;
}

static int view_stat64(int dirfd, const char **path, int flags, struct stat64 *out)
{
	struct stat st;
	int r = view_stat(dirfd, path, flags, &st);

	if (r == 0)
		to_stat64(&st, out);
	return r;
}

/* A real directory's link count, with the subdirectories the view adds to it (a covered parent,
 * fn_view_covered_links), as the kernel would count them. `r` is the real call's result. */
#define REAL_STAT(r, dirfd, path, buf)                                                             \
	({                                                                                         \
		int r_ = (r);                                                                      \
		if (r_ == 0 && S_ISDIR((buf)->st_mode))                                            \
			(buf)->st_nlink += fn_view_covered_links(dirfd, path);                     \
		r_;                                                                                \
	})

/* fstat of an fd the view made (a file's memfd, a directory's stand-in, a link opened itself)
 * answers for its node (view_stat); any other fd is the real one's. glibc's fstat does not go
 * through fstatat's symbol, so both are here. */
FN_EXPORT int fstat(int fd, struct stat *buf)
{
	const char *empty = "";
	int r = fn_view_fd_known(fd) ? view_stat(fd, &empty, AT_EMPTY_PATH, buf) : -2;

	return r != -2 ? r : REAL_STAT(FN_REAL(fstat)(fd, buf), fd, empty, buf);
}

FN_EXPORT int fstat64(int fd, struct stat64 *buf)
{
	const char *empty = "";
	int r = fn_view_fd_known(fd) ? view_stat64(fd, &empty, AT_EMPTY_PATH, buf) : -2;

	return r != -2 ? r : REAL_STAT(FN_REAL(fstat64)(fd, buf), fd, empty, buf);
}

/* A directory only the tree has is held by a stand-in fd: its filesystem is the one of the tree
 * it lies in (/sys: sysfs, /proc: procfs), as systemd's device lookup checks. */
static const char *fs_root_of(int fd)
{
	const char *path = fn_view_fd_path(fd);

	if (!path)
		return NULL;
	if (strncmp(path, "/sys/", 5) == 0)
		return "/sys";
	if (strncmp(path, "/proc/", 6) == 0)
		return "/proc";
	return NULL;
}

FN_EXPORT int fstatfs(int fd, struct statfs *buf)
{
	const char *root = fs_root_of(fd);

	return root ? FN_REAL(statfs)(root, buf) : FN_REAL(fstatfs)(fd, buf);
}

FN_EXPORT int fstatfs64(int fd, struct statfs64 *buf)
{
	const char *root = fs_root_of(fd);

	return root ? FN_REAL(statfs64)(root, buf) : FN_REAL(fstatfs64)(fd, buf);
}

FN_EXPORT int stat(const char *path, struct stat *buf)
{
	int r = view_stat(AT_FDCWD, &path, 0, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(stat)(path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int lstat(const char *path, struct stat *buf)
{
	int r = view_stat(AT_FDCWD, &path, AT_SYMLINK_NOFOLLOW, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(lstat)(path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
	int r = view_stat(dirfd, &path, flags, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(fstatat)(dirfd, path, buf, flags), dirfd, path, buf);
}

FN_EXPORT int stat64(const char *path, struct stat64 *buf)
{
	int r = view_stat64(AT_FDCWD, &path, 0, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(stat64)(path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int lstat64(const char *path, struct stat64 *buf)
{
	int r = view_stat64(AT_FDCWD, &path, AT_SYMLINK_NOFOLLOW, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(lstat64)(path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags)
{
	int r = view_stat64(dirfd, &path, flags, buf);

	return r != -2 ? r
		       : REAL_STAT(FN_REAL(fstatat64)(dirfd, path, buf, flags), dirfd, path, buf);
}

/* Programs built against glibc before 2.33 call these instead. */
FN_EXPORT int __xstat(int ver, const char *path, struct stat *buf)
{
	int r = view_stat(AT_FDCWD, &path, 0, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(__xstat)(ver, path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int __lxstat(int ver, const char *path, struct stat *buf)
{
	int r = view_stat(AT_FDCWD, &path, AT_SYMLINK_NOFOLLOW, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(__lxstat)(ver, path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf, int flags)
{
	int r = view_stat(dirfd, &path, flags, buf);

	return r != -2
		   ? r
		   : REAL_STAT(FN_REAL(__fxstatat)(ver, dirfd, path, buf, flags), dirfd, path, buf);
}

FN_EXPORT int __xstat64(int ver, const char *path, struct stat64 *buf)
{
	int r = view_stat64(AT_FDCWD, &path, 0, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(__xstat64)(ver, path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *buf)
{
	int r = view_stat64(AT_FDCWD, &path, AT_SYMLINK_NOFOLLOW, buf);

	return r != -2 ? r : REAL_STAT(FN_REAL(__lxstat64)(ver, path, buf), AT_FDCWD, path, buf);
}

FN_EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf, int flags)
{
	int r = view_stat64(dirfd, &path, flags, buf);

	return r != -2 ? r
		       : REAL_STAT(FN_REAL(__fxstatat64)(ver, dirfd, path, buf, flags), dirfd, path,
				   buf);
}

static void to_statx(const struct stat *in, struct statx *out)
{
	memset(out, 0, sizeof(*out));
	out->stx_mask = STATX_BASIC_STATS;
	out->stx_blksize = (unsigned)in->st_blksize;
	out->stx_nlink = (unsigned)in->st_nlink;
	out->stx_mode = (unsigned short)in->st_mode;
	out->stx_ino = in->st_ino;
	out->stx_size = (unsigned long long)in->st_size;
	out->stx_blocks = (unsigned long long)in->st_blocks;
	out->stx_atime.tv_sec = in->st_atim.tv_sec;
	out->stx_mtime.tv_sec = in->st_mtim.tv_sec;
	out->stx_ctime.tv_sec = in->st_ctim.tv_sec;
	out->stx_dev_major = major(in->st_dev);
	out->stx_dev_minor = minor(in->st_dev);
	out->stx_rdev_major = major(in->st_rdev);
	out->stx_rdev_minor = minor(in->st_rdev);
	out->stx_uid = in->st_uid;
	out->stx_gid = in->st_gid;
}

FN_EXPORT int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)
{
	struct stat st;
	int r = (flags & AT_EMPTY_PATH) && !*path ? -2 : view_stat(dirfd, &path, flags, &st);

	if (r == 0)
		to_statx(&st, buf);
	if (r != -2)
		return r;
	r = FN_REAL(statx)(dirfd, path, flags, mask, buf);
	if (r == 0 && (buf->stx_mask & STATX_NLINK) && S_ISDIR(buf->stx_mode))
		buf->stx_nlink += (unsigned)fn_view_covered_links(dirfd, path);
	return r;
}
