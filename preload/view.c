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
#include "util.h"
#include "view.h"

#define MAX_COMPONENTS 64
#define MAX_LINKS      40
#define MAX_FDS	       4096

static char *fd_paths[MAX_FDS];
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;

struct comps {
	char *v[MAX_COMPONENTS];
	size_t n;
	char buf[PATH_MAX * 2];
};

/* Splits an absolute path into components, dropping "." and applying ".." lexically. */
static int split(const char *path, struct comps *c)
{
	char *save = NULL;

	c->n = 0;
	if (strlen(path) >= sizeof(c->buf))
		return -ENAMETOOLONG;
	strcpy(c->buf, path);
	for (char *p = strtok_r(c->buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (c->n)
				c->n--;
			continue;
		}
		if (c->n == MAX_COMPONENTS)
			return -ENAMETOOLONG;
		c->v[c->n++] = p;
	}
	return 0;
}

static void join(const struct comps *c, size_t from, size_t to, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = from; i < to && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "/%s", c->v[i]);
	if (from >= to)
		snprintf(out, len, "/");
}

static bool is_own_pid(const char *s)
{
	char *end;
	long pid = strtol(s, &end, 10);

	return *s && !*end && pid == (long)getpid();
}

/* /proc/self/net, /proc/thread-self/net and /proc/PID/net are the target's own /proc/net. The
 * index of the component after ".../net" is returned, or 0 when the path is no such alias. */
static size_t proc_net_alias(const struct comps *c)
{
	if (c->n < 2 || strcmp(c->v[0], "proc") != 0)
		return 0;
	if (strcmp(c->v[1], "net") == 0)
		return 2;
	if (c->n >= 3 && strcmp(c->v[2], "net") == 0 &&
	    (strcmp(c->v[1], "self") == 0 || strcmp(c->v[1], "thread-self") == 0 ||
	     is_own_pid(c->v[1])))
		return 3;
	return 0;
}

static bool hostname_file(const struct comps *c)
{
	return c->n == 4 && strcmp(c->v[0], "proc") == 0 && strcmp(c->v[1], "sys") == 0 &&
	       strcmp(c->v[2], "kernel") == 0 && strcmp(c->v[3], "hostname") == 0;
}

/* How many leading components name a mount of the view (lib/view.c), or 0. */
static size_t owned_root(const struct comps *c, const char **root)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		struct comps r;

		split(fn_view_mounts[i].path, &r);
		if (r.n > c->n)
			continue;
		size_t k = 0;

		while (k < r.n && strcmp(r.v[k], c->v[k]) == 0)
			k++;
		if (k == r.n) {
			*root = fn_view_mounts[i].path;
			return k;
		}
	}
	return 0;
}

/* The real directory a passthrough pattern names for this process ("/proc/%d/net"). */
static void passthrough_dir(const struct fn_node *dir, char *out, size_t len)
{
	if (strstr(dir->passthrough, "%d"))
		snprintf(out, len, "/proc/self/net");
	else
		snprintf(out, len, "%s", dir->passthrough);
}

static void set_error(struct fn_view *v, int err)
{
	v->kind = FN_VIEW_ERROR;
	v->err = err;
}

static void set_real(struct fn_view *v, const char *dir, const struct comps *c, size_t from)
{
	size_t len = strlen(dir);

	v->kind = FN_VIEW_REAL;
	if (len >= sizeof(v->real)) {
		set_error(v, ENAMETOOLONG);
		return;
	}
	memcpy(v->real, dir, len + 1);
	if (from < c->n)
		join(c, from, c->n, v->real + len, sizeof(v->real) - len);
}

static void lookup_abs(const struct fn_preload *st, const char *path, bool follow, int depth,
		       struct fn_view *v);

/* Continues the lookup at a link's target, with the components after the link appended. */
static void follow_link(const struct fn_preload *st, const struct fn_node *link,
			const struct comps *c, size_t next, bool follow, int depth,
			struct fn_view *v)
{
	char *dir = fn_vfs_path(link->parent), rest[PATH_MAX], target[PATH_MAX * 2];

	if (depth >= MAX_LINKS) {
		free(dir);
		set_error(v, ELOOP);
		return;
	}
	join(c, next, c->n, rest, sizeof(rest));
	if (link->content[0] == '/')
		snprintf(target, sizeof(target), "%s%s", link->content, next < c->n ? rest : "");
	else
		snprintf(target, sizeof(target), "%s/%s%s", dir, link->content,
			 next < c->n ? rest : "");
	free(dir);
	lookup_abs(st, target, follow, depth + 1, v);
}

/* Walks the components below an owned root through the tree. */
static void walk(const struct fn_preload *st, struct fn_node *n, const struct comps *c, size_t i,
		 bool follow, int depth, struct fn_view *v)
{
	for (; i < c->n; i++) {
		struct fn_node *child;
		char dir[PATH_MAX];

		if (n->type == FN_NODE_LINK) {
			follow_link(st, n, c, i, follow, depth, v);
			return;
		}
		if (n->type != FN_NODE_DIR) {
			set_error(v, ENOTDIR);
			return;
		}
		child = fn_vfs_child(n, c->v[i]);
		if (!child) {
			if (!n->passthrough) {
				set_error(v, ENOENT);
				return;
			}
			passthrough_dir(n, dir, sizeof(dir));
			set_real(v, dir, c, i);
			return;
		}
		n = child;
	}
	if (n->type == FN_NODE_LINK && follow) {
		follow_link(st, n, c, c->n, follow, depth, v);
		return;
	}
	v->kind = FN_VIEW_NODE;
	v->node = n;
}

static void lookup_abs(const struct fn_preload *st, const char *path, bool follow, int depth,
		       struct fn_view *v)
{
	struct comps c;
	const char *root = NULL;
	size_t alias, k;
	struct fn_node *n;
	int err = split(path, &c);

	if (err) {
		set_error(v, -err);
		return;
	}
	alias = proc_net_alias(&c);
	if (alias) {
		/* Rewritten to /proc/net/...: the tree's name for every alias. */
		c.v[1] = "net";
		memmove(&c.v[2], &c.v[alias], (c.n - alias) * sizeof(c.v[0]));
		c.n -= alias - 2;
	}
	if (hostname_file(&c)) {
		v->kind = FN_VIEW_HOSTNAME;
		return;
	}
	k = owned_root(&c, &root);
	n = k ? fn_vfs_lookup(st->vfs, root) : NULL;
	if (!n) {
		/* Reached through a link of the tree: the real path it stands for. */
		if (depth > 0) {
			v->kind = FN_VIEW_REAL;
			join(&c, 0, c.n, v->real, sizeof(v->real));
		}
		return;
	}
	walk(st, n, &c, k, follow, depth, v);
}

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
 * /proc/self/maps, libraries), and those must not pay for lookup_abs: the view's mounts are
 * matched here byte by byte, and only a path with "//", "/." or "/.." after a first component one
 * of them shares is left to lookup_abs to normalise. */
static bool may_reach_tree(const char *p)
{
	bool same_top = false;

	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const char *m = fn_view_mounts[i].path;
		const char *slash = strchr(m + 1, '/');
		size_t k = 0;

		while (m[k] && p[k] == m[k])
			k++;
		if (!m[k] && (p[k] == '/' || p[k] == '\0'))
			return true;
		same_top |= slash && k > (size_t)(slash - m);
	}
	if (BEGINS(p, "/proc/")) {
		if (UNDER(p + 6, "sys/kernel/hostname") || proc_net_alias_path(p + 6))
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

/* A mount of the link kind (/proc/net): the link itself is the kernel's; only what lies below it
 * is ours. */
static bool kernel_link(const char *path)
{
	const struct fn_view_mount *m = fn_view_mount_covering(path);

	return m && m->kind == FN_MOUNT_LINK && strcmp(m->path, path) == 0;
}

static bool cwd_may_be_in_view = true;

void fn_view_lookup(int dirfd, const char *path, bool follow, struct fn_view *v)
{
	const struct fn_preload *st;
	char abs[PATH_MAX];

	v->kind = FN_VIEW_NONE;
	if (!path || !*path)
		return;
	if (path[0] != '/' && dirfd == AT_FDCWD && !cwd_may_be_in_view)
		return;
	if (path[0] == '/' && !may_reach_tree(path))
		return;
	if (!absolute(dirfd, path, abs, sizeof(abs)))
		return;
	st = fn_preload_view_state();
	if (!st)
		return;
	if (!follow && kernel_link(abs))
		return;
	lookup_abs(st, abs, follow, 0, v);
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

void fn_view_stat(const struct fn_preload *st, const struct fn_node *node, struct stat *out)
{
	struct fn_node_size sz;

	memset(out, 0, sizeof(*out));
	out->st_dev = makedev(0, 0x6e); /* one anonymous device for the whole view */
	out->st_blksize = 4096;
	out->st_atim.tv_sec = out->st_mtim.tv_sec = out->st_ctim.tv_sec = st->loaded_at;
	if (!node) {
		out->st_mode = S_IFREG | 0644;
		out->st_nlink = 1;
		return;
	}
	fn_vfs_node_size(node, &sz);
	out->st_ino = node->ino;
	out->st_nlink = 1;
	out->st_size = sz.size;
	out->st_blocks = (blkcnt_t)sz.blocks;
	out->st_blksize = (blksize_t)sz.blksize;
	switch (node->type) {
	case FN_NODE_DIR:
		out->st_mode = S_IFDIR | node->mode;
		out->st_nlink = 2;
		for (size_t i = 0; i < node->n_children; i++)
			out->st_nlink += node->children[i]->type == FN_NODE_DIR;
		break;
	case FN_NODE_LINK:
		out->st_mode = S_IFLNK | 0777;
		break;
	case FN_NODE_FILE:
		out->st_mode = S_IFREG | node->mode;
		break;
	}
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
	char *path = fn_vfs_path(node);
	const char *real = strcmp(path, "/proc/net") == 0 ? "/proc/self/net" : path;
	int dflags = O_RDONLY | O_DIRECTORY | (flags & O_CLOEXEC);
	int fd = FN_REAL(openat)(AT_FDCWD, real, dflags);

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
	const char *host = fn_preload_hostname();
	char text[80];

	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
		errno = v->kind == FN_VIEW_NODE && v->node->type == FN_NODE_DIR ? EISDIR : EROFS;
		return -1;
	}
	if (v->kind == FN_VIEW_HOSTNAME) {
		snprintf(text, sizeof(text), "%s\n", host ? host : "");
		return content_fd("fakenet:hostname", text, strlen(text), 0644, flags);
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
	case FN_VIEW_NONE:
		return 0;
	case FN_VIEW_REAL:
		*path = v->real;
		return 0;
	case FN_VIEW_ERROR:
		errno = v->err;
		return -1;
	case FN_VIEW_HOSTNAME:
	case FN_VIEW_NODE:
		break;
	}
	return 1;
}
