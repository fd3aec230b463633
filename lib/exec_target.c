/* What a program file an exec starts is to the preload library (exec_target.h): a dynamic
 * program of its machine (loads it), a static one or no program at all, one the kernel runs with
 * raised privileges (set-user-ID, file capabilities; the loader ignores LD_PRELOAD), or another
 * machine's (i386 under qemu; its loader would say on stderr that it cannot load the library).
 * The library's exec wrappers and `fakenet run --backend preload` both ask it, so the first exec
 * follows the rule as every later one does. No allocation and no stdio: a vfork child asks. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "exec_target.h"
#include "elf_head.h"
#include "util.h"

/* The header is read through a second open of the file, after stat said it is a regular one:
 * a FIFO must not block it, and a program its caller may run but not read (a 4711 set-user-ID
 * one) is judged by its stat and attributes alone, which need no read permission. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/* The kernel runs a chain of five "#!" scripts and refuses a sixth (search_binary_handler's
 * depth): the program at the end of five is still started. */
#define MAX_DEPTH 5

/* Whether `id` has a mapping in the user namespace's map `map` (/proc/self/uid_map): a file
 * owner without one is shown as the overflow id, and the kernel ignores its set-ID bits. Read
 * without stdio or allocation (a vfork child may ask). */
static bool mapped(const struct fn_exec_calls *c, unsigned long id, const char *map)
{
	char buf[4096], *p = buf, *end;
	int fd = c->openat(AT_FDCWD, map, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return true; /* no /proc: the initial namespace's map, which has every id */
	n = read(fd, buf, sizeof(buf) - 1);
	c->close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	for (;;) {
		unsigned long inside = strtoul(p, &end, 10), count;

		if (end == p)
			return false;
		strtoul(end, &p, 10);
		count = strtoul(p, &end, 10);
		if (id >= inside && id - inside < count)
			return true;
		p = end;
	}
}

/* Whether `gid` is one of the caller's supplementary groups (the kernel's in_group_p). */
static bool in_groups(gid_t gid)
{
	gid_t list[64];
	int n = getgroups(N_ELEMENTS(list), list);

	for (int i = 0; i < n; i++)
		if (list[i] == gid)
			return true;
	return false;
}

/* Whether the kernel runs the program `st` (open at `fd`, O_PATH will do) with AT_SECURE, where
 * the loader ignores LD_PRELOAD: the new effective ids differ from the real ones (or from the old
 * effective ones); set-ID bits count unless the mount is nosuid, no_new_privs is set, or the
 * file's owner or group has no mapping in the user namespace, and set-group-ID only with group
 * execute; file capabilities count for a caller whose real uid is not 0, on the same terms. */
static bool raises(const struct fn_exec_calls *c, int fd, const struct stat *st)
{
	struct statfs fs;
	char self[32];
	uid_t euid = geteuid();
	gid_t egid = getegid();
	bool may = (c->fstatfs(fd, &fs) != 0 || !(fs.f_flags & ST_NOSUID)) &&
		   prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1;

	if (may && st->st_mode & (S_ISUID | S_ISGID) &&
	    mapped(c, st->st_uid, "/proc/self/uid_map") &&
	    mapped(c, st->st_gid, "/proc/self/gid_map")) {
		if (st->st_mode & S_ISUID)
			euid = st->st_uid;
		if ((st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			egid = st->st_gid;
	}
	if (euid != getuid() || euid != geteuid() || egid != getgid() ||
	    (egid != getegid() && !in_groups(egid)))
		return true;
	if (!may || getuid() == 0)
		return false;
	/* libc's, never the library's own getxattr: that one looks the path up in the view, which
	 * would load the identity here, in what may be a vfork child on its way to exec. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	return c->getxattr(self, "security.capability", NULL, 0) > 0;
}

static enum fn_exec_target target_at(const struct fn_exec_calls *c, int dirfd, const char *path,
				     bool empty, int depth);

/* A script's interpreter, from its "#!" line in `head` (`n` bytes). */
static enum fn_exec_target interpreter(const struct fn_exec_calls *c, char *head, size_t n,
				       int depth)
{
	char *p = head + 2, *end;

	head[n < 256 ? n : 255] = '\0';
	p += strspn(p, " \t");
	end = p + strcspn(p, " \t\n");
	*end = '\0';
	if (!*p || depth >= MAX_DEPTH)
		return FN_EXEC_PLAIN;
	return target_at(c, AT_FDCWD, p, false, depth + 1);
}

/* What the regular file `st`, open at `fd` (O_PATH), is: its headers read through a second open,
 * in one pread. */
static enum fn_exec_target target_of(const struct fn_exec_calls *c, int fd, const struct stat *st,
				     int depth)
{
	unsigned char head[FN_ELF_HEAD_MAX];
	struct fn_elf_head h;
	char self[32];
	bool secure = raises(c, fd, st);
	enum fn_exec_target t = secure ? FN_EXEC_SECURE : FN_EXEC_PLAIN;
	int rfd;
	ssize_t n;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	rfd = c->openat(AT_FDCWD, self, OPEN_FLAGS);
	if (rfd < 0)
		return t;
	n = pread(rfd, head, sizeof(head), 0);
	c->close(rfd);
	if (n >= 2 && head[0] == '#' && head[1] == '!')
		return interpreter(c, (char *)head, (size_t)n, depth);
	if (secure || n < 0 || !fn_elf_head_parse(head, (size_t)n, &h))
		return t;
	if (!fn_elf_head_native(&h))
		return FN_EXEC_FOREIGN;
	return h.phdrs && h.interp ? FN_EXEC_LOADS : FN_EXEC_PLAIN;
}

static enum fn_exec_target target_at(const struct fn_exec_calls *c, int dirfd, const char *path,
				     bool empty, int depth)
{
	struct stat st;
	enum fn_exec_target t = FN_EXEC_PLAIN;
	int fd = dirfd;

	if (!(empty && (!path || !*path)) &&
	    (!path || (fd = c->openat(dirfd, path, O_PATH | O_CLOEXEC)) < 0))
		return FN_EXEC_PLAIN;
	if (c->fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		t = target_of(c, fd, &st, depth);
	if (fd != dirfd)
		c->close(fd);
	return t;
}

enum fn_exec_target fn_exec_target_at(const struct fn_exec_calls *c, int dirfd, const char *path,
				      bool empty)
{
	int saved = errno;
	enum fn_exec_target t = target_at(c, dirfd, path, empty, 0);

	errno = saved;
	return t;
}

/* The first file of $PATH (else the default glibc's execvp uses, confstr's _CS_PATH) that exec
 * can start: executable and regular (execvp goes on past a directory, whose exec fails). */
enum fn_exec_target fn_exec_target_search(const struct fn_exec_calls *c, const char *file,
					  const char *dirs)
{
	char path[PATH_MAX], fallback[256];
	struct stat st;

	if (!file || strchr(file, '/'))
		return fn_exec_target_at(c, AT_FDCWD, file, false);
	if (!dirs) {
		size_t n = confstr(_CS_PATH, fallback, sizeof(fallback));

		dirs = n > 0 && n <= sizeof(fallback) ? fallback : "/bin:/usr/bin";
	}
	while (*dirs) {
		size_t n = strcspn(dirs, ":");

		if ((size_t)snprintf(path, sizeof(path), "%.*s%s%s", (int)n, dirs, n ? "/" : "",
				     file) < sizeof(path) &&
		    c->faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 &&
		    c->fstatat(AT_FDCWD, path, &st, 0) == 0 && S_ISREG(st.st_mode))
			return fn_exec_target_at(c, AT_FDCWD, path, false);
		dirs += n + (dirs[n] == ':');
	}
	return FN_EXEC_PLAIN;
}

const struct fn_exec_calls fn_exec_libc = {
    .openat = openat,
    .close = close,
    .fstat = fstat,
    .fstatat = fstatat,
    .fstatfs = fstatfs,
    .faccessat = faccessat,
    .getxattr = getxattr,
};
