/* Paths through the view: which real paths the tree answers (the same places fakefs is mounted
 * over), how links inside it resolve, and what a virtual node looks like to stat and open. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "preload.h"
#include "view.h"
#include "view_walk.h"

#define MAX_FDS 4096

static char *fd_paths[MAX_FDS];
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;

/* Whether `p` begins with `lit`, compared a byte at a time so a short path is never read past
 * its end; cheaper than strncmp for the few bytes compared on every open. */
static inline bool begins(const char *p, const char *lit, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != lit[i])
			return false;
	return true;
}

#define BEGINS(p, lit) begins(p, lit, sizeof(lit) - 1)

/* Whether `p` starts with the components of `prefix` (followed by '/' or the end). */
static inline bool under(const char *p, const char *prefix, size_t len)
{
	return begins(p, prefix, len) && (p[len] == '/' || p[len] == '\0');
}

#define UNDER(p, lit) under(p, lit, sizeof(lit) - 1)

/* Whether a relative path from this directory (with a '/' appended) may reach the view: the
 * directory shares its first component with a mount of the view. */
static bool maybe_in_view(const char *dir)
{
	const char *slash = strchr(dir + 1, '/');
	size_t top = slash ? (size_t)(slash - dir) : strlen(dir);

	for (size_t i = 0; i < fn_n_view_mounts; i++)
		if (under(fn_view_mounts[i].path, dir, top))
			return true;
	return false;
}

/* /proc/self/net, /proc/thread-self/net and /proc/PID/net: names of the target's /proc/net. */
static bool proc_net_alias_path(const char *q)
{
	if (BEGINS(q, "self/"))
		q += 5;
	else if (BEGINS(q, "thread-self/"))
		q += 12;
	else if (*q >= '0' && *q <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
		q += *q == '/';
	}
	return UNDER(q, "net");
}

/* Whether an absolute path may reach the tree. Every program opens paths that cannot (/etc/passwd,
 * /proc/self/maps, libraries), and those must not pay for the walk: the view's mounts are matched
 * here byte by byte, and only a path with "//", "/." or "/.." after a first component one of them
 * shares is left to the walk to normalise. */
static bool may_reach_tree(const char *p)
{
	bool same_top = false;

	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const char *m = fn_view_mounts[i].path;
		size_t k = 1;

		/* Most paths part from most mounts at their first letter. */
		if (p[1] != m[1])
			continue;
		while (m[k] && p[k] == m[k])
			k++;
		if (!m[k] && (p[k] == '/' || p[k] == '\0'))
			return true;
		same_top |= memchr(m + 1, '/', k - 1) != NULL;
	}
	if (BEGINS(p, "/proc/")) {
		if (proc_net_alias_path(p + 6))
			return true;
		same_top = true;
	}
	if (!same_top)
		return false;
	for (const char *q = strchr(p + 1, '/'); q && *q; q++)
		if (q[0] == '/' && (q[1] == '/' || q[1] == '.'))
			return true;
	return false;
}

/* An absolute form of a path relative to dirfd, when that can be in the view. */
static bool absolute(int dirfd, const char *path, char *out, size_t len)
{
	const char *base;
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		snprintf(out, len, "%s", path);
		return true;
	}
	if (dirfd == AT_FDCWD) {
		/* Programs rarely sit in /proc, /sys or /etc; the cheap test keeps the others
		 * from paying for a getcwd on every relative open. */
		if (!getcwd(cwd, sizeof(cwd)) || !maybe_in_view(strcat(cwd, "/")))
			return false;
		base = cwd;
	} else {
		base = fn_view_fd_path(dirfd);
		if (!base)
			return false;
	}
	/* Too long to be a path of the view: the real call says what it is. */
	return (size_t)snprintf(out, len, "%s/%s", base, path) < len;
}

static bool cwd_may_be_in_view = true;

void fn_view_lookup(int dirfd, const char *path, bool follow, struct fn_view *v)
{
	const struct fn_preload *st;
	char abs[PATH_MAX];
	struct fn_walk w;

	v->kind = FN_WALK_NONE;
	if (!path || !*path)
		return;
	if (path[0] != '/' && dirfd == AT_FDCWD && !cwd_may_be_in_view)
		return;
	if (path[0] == '/' && !may_reach_tree(path))
		return;
	if (!absolute(dirfd, path, abs, sizeof(abs)))
		return;
	st = fn_preload_state();
	if (!st)
		return;
	w.real = v->real;
	w.real_size = sizeof(v->real);
	fn_view_walk(st->vfs, abs, FN_WALK_MOUNTS | (follow ? FN_WALK_FOLLOW : 0), getpid(), &w);
	v->kind = w.kind;
	v->node = w.node;
	v->err = w.err;
}

/* Whether the cwd is worth resolving for relative paths; checked once at load. */
__attribute__((constructor)) static void check_cwd(void)
{
	char cwd[PATH_MAX];

	cwd_may_be_in_view = !getcwd(cwd, sizeof(cwd)) || maybe_in_view(strcat(cwd, "/"));
}

void fn_view_note_chdir(void);
void fn_view_note_chdir(void)
{
	check_cwd();
}

int fn_view_stat(const struct fn_preload *st, const struct fn_node *node, struct stat *out)
{
	int err = fn_vfs_stat(node, getpid(), FN_REAL(lstat), out);

	if (err) {
		errno = -err;
		return -1;
	}
	out->st_dev = makedev(0, 0x6e); /* one anonymous device for the whole view */
	out->st_atim.tv_sec = out->st_mtim.tv_sec = out->st_ctim.tv_sec = st->loaded_at;
	return 0;
}

/* A sealed memfd holding the text: read, mmap and fstat all behave as on a file. */
static int content_fd(const char *name, const char *text, size_t len, mode_t mode, int flags)
{
	int fd = memfd_create(name, MFD_ALLOW_SEALING | (flags & O_CLOEXEC ? MFD_CLOEXEC : 0));
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0) {
			close(fd);
			errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	fchmod(fd, mode);
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static int open_dir(const struct fn_node *node, int flags)
{
	char *path = fn_vfs_path(node), real[PATH_MAX];
	int dflags = O_RDONLY | O_DIRECTORY | (flags & O_CLOEXEC);
	int fd = -1;

	/* The real directory a passthrough stands for, else the one of the same name. */
	if (!node->passthrough || fn_vfs_passthrough_path(node, getpid(), real, sizeof(real)))
		snprintf(real, sizeof(real), "%s", path);
	fd = FN_REAL(openat)(AT_FDCWD, real, dflags);

	/* A directory only the tree has still needs a real directory fd behind it. */
	if (fd < 0)
		fd = FN_REAL(openat)(AT_FDCWD, "/", dflags);
	if (fd >= 0)
		fn_view_fd_register(fd, path);
	free(path);
	return fd;
}

int fn_view_open(const struct fn_view *v, int flags)
{
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
		errno = v->node->type == FN_NODE_DIR ? EISDIR : EROFS;
		return -1;
	}
	switch (v->node->type) {
	case FN_NODE_DIR:
		return open_dir(v->node, flags);
	case FN_NODE_LINK:
		errno = ELOOP; /* only reached with O_NOFOLLOW */
		return -1;
	case FN_NODE_FILE:
		break;
	}
	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	return content_fd(v->node->name, v->node->content, v->node->len, v->node->mode, flags);
}

void fn_view_fd_register(int fd, const char *path)
{
	char *copy;

	if (fd < 0 || fd >= MAX_FDS)
		return;
	copy = strdup(path);
	pthread_mutex_lock(&fd_lock);
	free(fd_paths[fd]);
	__atomic_store_n(&fd_paths[fd], copy, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&fd_lock);
}

const char *fn_view_fd_path(int fd)
{
	if (fd < 0 || fd >= MAX_FDS)
		return NULL;
	return __atomic_load_n(&fd_paths[fd], __ATOMIC_ACQUIRE);
}

void fn_view_fd_forget(int fd)
{
	if (fd < 0 || fd >= MAX_FDS || !__atomic_load_n(&fd_paths[fd], __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&fd_lock);
	free(fd_paths[fd]);
	fd_paths[fd] = NULL;
	pthread_mutex_unlock(&fd_lock);
}

int fn_view_route(int dirfd, const char **path, bool follow, struct fn_view *v)
{
	fn_view_lookup(dirfd, *path, follow, v);
	switch (v->kind) {
	case FN_WALK_NONE:
		return 0;
	case FN_WALK_REAL:
		*path = v->real;
		return 0;
	case FN_WALK_ERROR:
		errno = v->err;
		return -1;
	case FN_WALK_NODE:
		break;
	}
	return 1;
}
