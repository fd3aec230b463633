/* The working directory inside the view. The kernel cannot enter a directory only the tree has
 * (/sys/class/dmi/id on a host without DMI) nor one it shows otherwise (/sys/class/net/eth0 leads
 * to the host's device): chdir and fchdir into a directory of the tree keep its path here and
 * enter a real stand-in (the real directory of that name, else an empty one), so relative paths,
 * getcwd and opendir(".") answer as they would with FUSE mounted. Programs started from there
 * inherit it through FAKENET_CWD, which the library adds at exec and takes out of sight at load, as
 * it does its other variables (environ.c), and which is believed only while the cwd is still its
 * stand-in. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "early.h"
#include "preload.h"
#include "util.h"

/* The tree's directory the process is in; NULL: the real cwd. It is `owner`'s: a child of vfork
 * (Python's subprocess starts its children so) runs in its parent's memory until it execs, and
 * its chdir(cwd=...) must not move the parent. Such a child keeps its own in a slot of
 * `borrowed`, claimed under its pid (the parent's threads may have several children at once),
 * with atomic operations alone; fork's child owns its copy (owned_by_child). */
static char *view_cwd;
static pid_t owner;
#define MAX_BORROWED 16
static struct {
	pid_t pid; /* 0: free */
	bool set;
	char path[PATH_MAX];
} borrowed[MAX_BORROWED];
static unsigned n_borrowed; /* slots in use: none, the common case, costs one load */
static pthread_mutex_t cwd_lock = PTHREAD_MUTEX_INITIALIZER;

static void owned_by_child(void)
{
	owner = getpid();
	for (size_t i = 0; i < MAX_BORROWED; i++)
		borrowed[i].pid = 0;
	n_borrowed = 0;
}

/* Before view.c adopts the directory a parent left. */
__attribute__((constructor(102))) static void own_cwd(void)
{
	owned_by_child();
	pthread_atfork(NULL, NULL, owned_by_child);
}

bool fn_view_cwd_borrowed(void)
{
	return getpid() != owner;
}

/* The slot the vfork child `self` holds; NULL: none. */
static int slot_of(pid_t self)
{
	if (!__atomic_load_n(&n_borrowed, __ATOMIC_ACQUIRE))
		return -1;
	for (int i = 0; i < MAX_BORROWED; i++)
		if (__atomic_load_n(&borrowed[i].pid, __ATOMIC_ACQUIRE) == self)
			return i;
	return -1;
}

/* The slot of the vfork child `self`, claimed if it has none; -1 where all are taken (the
 * child then sees its parent's directory). */
static int claim(pid_t self)
{
	int i = slot_of(self);

	for (int j = 0; i < 0 && j < MAX_BORROWED; j++) {
		pid_t free_ = 0;

		if (__atomic_compare_exchange_n(&borrowed[j].pid, &free_, self, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			__atomic_add_fetch(&n_borrowed, 1, __ATOMIC_RELEASE);
			i = j;
		}
	}
	return i;
}

/* `path` (NULL: the real cwd) for the calling process; no allocation and no lock in a vfork
 * child. */
static void set_view_cwd(const char *path)
{
	pid_t self = getpid();
	char *copy;
	int i;

	if (self != owner) {
		if ((i = claim(self)) >= 0)
			borrowed[i].set =
			    path && snprintf(borrowed[i].path, sizeof(borrowed[i].path), "%s",
					     path) < (int)sizeof(borrowed[i].path);
		return;
	}
	copy = path ? strdup(path) : NULL;
	pthread_mutex_lock(&cwd_lock);
	free(view_cwd);
	view_cwd = copy;
	pthread_mutex_unlock(&cwd_lock);
}

bool fn_view_cwd_release(struct fn_cwd_loan *keep)
{
	int i;

	if (!fn_view_cwd_borrowed() || (i = slot_of(getpid())) < 0)
		return false;
	if (keep)
		keep->set = borrowed[i].set &&
			    snprintf(keep->path, sizeof(keep->path), "%s", borrowed[i].path) > 0;
	borrowed[i].set = false;
	__atomic_store_n(&borrowed[i].pid, 0, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&n_borrowed, 1, __ATOMIC_RELEASE);
	return true;
}

void fn_view_cwd_return(const struct fn_cwd_loan *keep)
{
	set_view_cwd(keep->set ? keep->path : NULL);
}

/* A vfork child that could not exec ends here (Python's subprocess does). */
FN_EXPORT void _exit(int status)
{
	fn_view_cwd_release(NULL);
	FN_EARLY(_exit)(status);
	__builtin_unreachable();
}

bool fn_view_cwd(char *buf, size_t size)
{
	bool set;
	int i;

	if (!__atomic_load_n(&view_cwd, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&n_borrowed, __ATOMIC_RELAXED))
		return false;
	if (fn_view_cwd_borrowed() && (i = slot_of(getpid())) >= 0)
		return borrowed[i].set &&
		       (size_t)snprintf(buf, size, "%s", borrowed[i].path) < size;
	pthread_mutex_lock(&cwd_lock);
	set = view_cwd && (size_t)snprintf(buf, size, "%s", view_cwd) < size;
	pthread_mutex_unlock(&cwd_lock);
	return set;
}

/* Empty directories of sysfs that refuse every name made in them (ENOENT, as FUSE's view answers
 * a relative "tmp/x" from a directory without "tmp"): the stand-in for a directory only the tree
 * has. "/" would let a relative mkdir, rename or symlink the library does not interpose land in
 * the real root. Each is a mount point left empty where its filesystem is not mounted. */
static const char *const empty_dirs[] = {"/sys/fs/pstore", "/sys/kernel/debug",
					 "/sys/kernel/config", "/proc/sys/fs/binfmt_misc"};

/* Whether `path` is a directory with no entry but "." and "..". */
static bool empty_dir(const char *path)
{
	union {
		struct dirent64 first;
		char bytes[1024];
	} buf;
	int fd = FN_EARLY(openat)(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n, off;
	bool empty = fd >= 0;

	while (empty && (n = syscall(SYS_getdents64, fd, &buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += ((struct dirent64 *)(buf.bytes + off))->d_reclen) {
			const char *name = ((struct dirent64 *)(buf.bytes + off))->d_name;

			empty = empty && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0);
		}
	if (fd >= 0)
		FN_EARLY(close)(fd);
	return empty;
}

const char *fn_view_empty_dir(void)
{
	static const char *chosen;
	const char *dir = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);

	for (size_t i = 0; !dir && i < N_ELEMENTS(empty_dirs); i++)
		if (empty_dir(empty_dirs[i]))
			dir = empty_dirs[i];
	if (!dir)
		dir = "/";
	__atomic_store_n(&chosen, dir, __ATOMIC_RELEASE);
	return dir;
}

/* The real directory the process sits in for a directory of the tree: the one it passes through,
 * else the real directory of the same name, else an empty one (open_dir in view.c does the
 * same). */
static void stand_in(const struct fn_node *dir, char *out, size_t size)
{
	char *path = fn_vfs_path(dir);
	struct stat st;

	if (!dir->passthrough || fn_vfs_passthrough_path(dir, getpid(), out, size) != 0)
		snprintf(out, size, "%s", path);
	if (FN_REAL(stat)(out, &st) != 0 || !S_ISDIR(st.st_mode))
		snprintf(out, size, "%s", fn_view_empty_dir());
	free(path);
}

/* Enters a directory of the tree: its stand-in, keeping its path. */
static int enter(const struct fn_node *dir)
{
	char real[PATH_MAX], path[PATH_MAX];
	int saved = errno;

	if (dir->type != FN_NODE_DIR) {
		errno = ENOTDIR;
		return -1;
	}
	stand_in(dir, real, sizeof(real));
	if (FN_EARLY(chdir)(real) < 0)
		return -1;
	fn_view_node_path(dir, path, sizeof(path));
	set_view_cwd(path);
	errno = saved;
	return 0;
}

FN_EXPORT int chdir(const char *path)
{
	static __thread struct fn_view v;
	int r = -1;

	fn_view_lookup(AT_FDCWD, path, true, &v);
	switch (v.kind) {
	case FN_WALK_ERROR:
		errno = v.err;
		return -1;
	case FN_WALK_NODE:
		r = enter(v.node);
		break;
	case FN_WALK_REAL:
		r = FN_EARLY(chdir)(v.real);
		break;
	case FN_WALK_NONE:
		r = FN_EARLY(chdir)(path);
		break;
	}
	if (r == 0 && v.kind != FN_WALK_NODE)
		set_view_cwd(NULL);
	fn_view_note_chdir();
	return r;
}

/* An fd of a directory of the tree (opendir's, or open's with O_DIRECTORY) is its stand-in. */
FN_EXPORT int fchdir(int fd)
{
	static __thread struct fn_view v;
	const char *path = fn_view_fd_path(fd);
	int r;

	if (path)
		fn_view_lookup(AT_FDCWD, path, true, &v);
	if (path && v.kind == FN_WALK_NODE && v.node->type == FN_NODE_DIR) {
		char canon[PATH_MAX];

		if ((r = FN_EARLY(fchdir)(fd)) == 0) {
			fn_view_node_path(v.node, canon, sizeof(canon));
			set_view_cwd(canon);
		}
	} else if ((r = FN_EARLY(fchdir)(fd)) == 0)
		set_view_cwd(NULL);
	fn_view_note_chdir();
	return r;
}

FN_EXPORT char *getcwd(char *buf, size_t size)
{
	char path[PATH_MAX];
	size_t len;

	if (!fn_view_cwd(path, sizeof(path)))
		return FN_REAL(getcwd)(buf, size);
	len = strlen(path) + 1;
	/* glibc's extension: no buffer, and a size of 0 means as large as needed. */
	if (!buf && size == 0)
		size = len;
	if (size < len) {
		errno = size == 0 ? EINVAL : ERANGE;
		return NULL;
	}
	if (!buf && !(buf = malloc(size)))
		return NULL;
	memcpy(buf, path, len);
	return buf;
}

const char *fn_view_cwd_env(char *buf, size_t size)
{
	char path[PATH_MAX];

	if (!fn_view_cwd(path, sizeof(path)) ||
	    (size_t)snprintf(buf, size, "FAKENET_CWD=%s", path) >= size)
		return NULL;
	return buf;
}

void fn_view_adopt_cwd(const char *path)
{
	struct fn_view v;
	char real[PATH_MAX];
	struct stat here, there;

	if (!path || path[0] != '/')
		return;
	fn_view_lookup(AT_FDCWD, path, true, &v);
	if (v.kind != FN_WALK_NODE || v.node->type != FN_NODE_DIR)
		return;
	stand_in(v.node, real, sizeof(real));
	/* A parent that moved on (a chdir the library did not see) leaves a stale name. */
	if (FN_REAL(stat)(".", &here) != 0 || FN_REAL(stat)(real, &there) != 0 ||
	    here.st_dev != there.st_dev || here.st_ino != there.st_ino)
		return;
	fn_view_node_path(v.node, real, sizeof(real));
	set_view_cwd(real);
}

/* glibc's asks its own getcwd, which the library cannot answer; $PWD where it is the same
 * directory, as glibc prefers it. */
FN_EXPORT char *get_current_dir_name(void)
{
	const char *pwd = getenv("PWD");
	char path[PATH_MAX];
	struct stat here, there;

	if (!fn_view_cwd(path, sizeof(path)))
		return FN_REAL(get_current_dir_name)();
	if (pwd && stat(pwd, &there) == 0 && stat(".", &here) == 0 && here.st_dev == there.st_dev &&
	    here.st_ino == there.st_ino)
		return strdup(pwd);
	return getcwd(NULL, 0);
}
