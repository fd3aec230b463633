/* Directories of the view: opendir lists the tree's children (plus, for /proc/net, the reader's
 * real entries the tree does not define, as fakefs does), and a real directory below /sys/devices
 * without the host's network devices, as fakefs hides them. The DIR handle is our own; every
 * other handle goes to libc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"
#include "util.h"
#include "view.h"

#define FAKE_DIR_MAGIC 0x666e6469u

struct entry {
	char *name;
	unsigned char type;
	ino_t ino;
};

struct fake_dir {
	uint32_t magic;
	struct entry *v;
	size_t n, pos;
	int fd; /* a real directory fd for dirfd(), registered under the virtual path */
	struct dirent d;
	struct dirent64 d64;
};

/* Open fake handles; while none is open, readdir() on real handles costs one load. */
static int n_open;

static bool is_fake(DIR *d)
{
	return __atomic_load_n(&n_open, __ATOMIC_RELAXED) > 0 && d &&
	       ((struct fake_dir *)d)->magic == FAKE_DIR_MAGIC;
}

static void add(struct fake_dir *fd, const char *name, unsigned char type, ino_t ino)
{
	for (size_t i = 0; i < fd->n; i++)
		if (strcmp(fd->v[i].name, name) == 0)
			return;
	fd->v = xreallocarray(fd->v, fd->n + 1, sizeof(*fd->v));
	fd->v[fd->n++] = (struct entry){.name = xstrdup(name), .type = type, .ino = ino};
}

static unsigned char node_dtype(const struct fn_node *n)
{
	return n->type == FN_NODE_DIR ? DT_DIR : n->type == FN_NODE_LINK ? DT_LNK : DT_REG;
}

/* The entries of the real directory `real`, but those the view hides. */
static void add_real_dir(struct fake_dir *fd, const char *real)
{
	const struct fn_preload *st = fn_preload_view_state();
	DIR *d = FN_REAL(opendir)(real);
	struct dirent64 *e;

	if (!d)
		return;
	/* The view's /dev lists its disks, not the host's block devices. */
	while ((e = FN_REAL(readdir64)(d)))
		if (!(e->d_type == DT_BLK && strcmp(real, "/dev") == 0) &&
		    !(st && fn_vfs_hidden_real(st->vfs, real, e->d_name)))
			add(fd, e->d_name, e->d_type, e->d_ino);
	FN_REAL(closedir)(d);
}

/* A handle listing the real directory `path` (its own "." and ".." included), to add to. */
static struct fake_dir *real_dir(const char *path)
{
	DIR *real = FN_REAL(opendir)(path);
	struct fake_dir *d;
	struct dirent64 *e;

	if (!real)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->magic = FAKE_DIR_MAGIC;
	d->fd = fcntl(FN_REAL(dirfd)(real), F_DUPFD_CLOEXEC, 0);
	while ((e = FN_REAL(readdir64)(real)))
		add(d, e->d_name, e->d_type, e->d_ino);
	FN_REAL(closedir)(real);
	return d;
}

/* The real entries a passthrough directory adds after the synthetic ones. */
static void add_real(struct fake_dir *fd, const struct fn_node *dir)
{
	char real[PATH_MAX];

	if (fn_vfs_passthrough_path(dir, getpid(), real, sizeof(real)) == 0)
		add_real_dir(fd, real);
}

/* Whether a real directory's listing is the library's: below /sys/devices, where the host's
 * network devices hide (fn_vfs_hidden_real), with a view loaded. */
static bool lists_real(const char *real)
{
	return real && strncmp(real, "/sys/devices/", strlen("/sys/devices/")) == 0 &&
	       fn_preload_view_state();
}

/* A real directory as our own handle; takes `fd` (for dirfd()), or opens it when fd < 0. */
static DIR *real_open(const char *real, int fd)
{
	struct fake_dir *d;

	if (fd < 0)
		fd = FN_REAL(open)(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->magic = FAKE_DIR_MAGIC;
	d->fd = fd;
	add_real_dir(d, real);
	__atomic_add_fetch(&n_open, 1, __ATOMIC_RELAXED);
	return (DIR *)d;
}

static DIR *fake_open(const struct fn_node *dir, int fd)
{
	struct fake_dir *d = xcalloc(1, sizeof(*d));

	d->magic = FAKE_DIR_MAGIC;
	d->fd = fd;
	add(d, ".", DT_DIR, dir->ino);
	add(d, "..", DT_DIR, dir->parent ? dir->parent->ino : dir->ino);
	for (size_t i = 0; i < dir->n_children; i++)
		add(d, dir->children[i]->name, node_dtype(dir->children[i]), dir->children[i]->ino);
	if (dir->passthrough)
		add_real(d, dir);
	__atomic_add_fetch(&n_open, 1, __ATOMIC_RELAXED);
	return (DIR *)d;
}

/* An absolute path without "//", "." or ".." components or a trailing '/' (lexically: the
 * mounts' parents are no links); false when it does not fit. */
static bool normalise(const char *in, char *out, size_t size)
{
	size_t len = 0;

	for (const char *p = in; *p;) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || n == 0) {
			/* nothing to add */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len && out[--len] != '/')
				;
		} else {
			if (len + 1 + n >= size)
				return false;
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n + (p[n] == '/');
	}
	if (!len)
		out[len++] = '/';
	out[len] = '\0';
	return true;
}

/* The mounts a host lacks the path of (/sys/class/dmi on a machine without DMI) whose parent is
 * `given` (an absolute path): FUSE covers that parent with the tree's entries beside the real
 * ones (lib/view.h, cover_parent), so the parent's listing and link count here are the real ones
 * plus those mounts. Calls `each` with every such mount's name and node, the real parent `path`
 * (normalised, of size PATH_MAX) and `arg`; returns how many there were. */
static size_t each_covered_mount(const char *given, char *path,
				 void (*each)(const char *name, const struct fn_node *n,
					      const char *path, void *arg),
				 void *arg)
{
	const struct fn_preload *st = NULL;
	size_t len, found = 0;
	struct stat real;

	if (given[0] != '/' || !normalise(given, path, PATH_MAX))
		return 0;
	len = strlen(path);
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];
		const char *name = strrchr(m->path, '/') + 1;
		const struct fn_node *n;

		if (!m->cover_parent || (size_t)(name - 1 - m->path) != len ||
		    strncmp(path, m->path, len) != 0)
			continue;
		if (!st && !(st = fn_preload_view_state()))
			return 0;
		if (!(n = fn_vfs_lookup(st->vfs, m->path)) || FN_REAL(lstat)(m->path, &real) == 0)
			continue;
		found++;
		if (each)
			each(name, n, path, arg);
	}
	return found;
}

/* Adds a covered mount to the listing of its parent (`arg`, made on the first). */
static void add_covered(const char *name, const struct fn_node *n, const char *path, void *arg)
{
	struct fake_dir **d = arg;

	if (!*d && !(*d = real_dir(path)))
		return;
	add(*d, name, node_dtype(n), n->ino);
}

/* Counts a covered mount that is a directory (the parent's link count has one more). */
static void count_dir(const char *name, const struct fn_node *n, const char *path, void *arg)
{
	(void)name;
	(void)path;
	*(nlink_t *)arg += n->type == FN_NODE_DIR;
}

/* The listing of a covered parent (each_covered_mount); NULL for any other directory. */
static DIR *open_covered_parent(const char *given)
{
	struct fake_dir *d = NULL;
	char path[PATH_MAX];

	each_covered_mount(given, path, add_covered, &d);
	if (d)
		__atomic_add_fetch(&n_open, 1, __ATOMIC_RELAXED);
	return (DIR *)d;
}

/* Whether an absolute path may be a covered parent: it starts as one does ("/s"), a test every
 * other stat of a directory passes cheaply. */
static bool may_be_covered_parent(const char *path)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++)
		if (fn_view_mounts[i].cover_parent && path[1] == fn_view_mounts[i].path[1])
			return true;
	return false;
}

nlink_t fn_view_covered_links(int dirfd, const char *given)
{
	char abs[PATH_MAX], path[PATH_MAX];
	nlink_t links = 0;

	if ((given[0] == '/' && !may_be_covered_parent(given)) ||
	    !fn_view_absolute(dirfd, given, abs, sizeof(abs)))
		return 0;
	each_covered_mount(abs, path, count_dir, &links);
	return links;
}

FN_EXPORT DIR *opendir(const char *path)
{
	static __thread struct fn_view v;
	DIR *d;
	int fd;

	fn_view_lookup(AT_FDCWD, path, true, &v);
	switch (v.kind) {
	case FN_WALK_NONE:
		d = fn_view_absolute(AT_FDCWD, path, v.real, sizeof(v.real))
			? open_covered_parent(v.real)
			: NULL;
		if (d)
			return d;
		return lists_real(path) ? real_open(path, -1) : FN_REAL(opendir)(path);
	case FN_WALK_REAL:
		if ((d = open_covered_parent(v.real)))
			return d;
		return lists_real(v.real) ? real_open(v.real, -1) : FN_REAL(opendir)(v.real);
	case FN_WALK_ERROR:
		errno = v.err;
		return NULL;
	case FN_WALK_NODE:
		break;
	}
	if (v.node->type != FN_NODE_DIR) {
		errno = ENOTDIR;
		return NULL;
	}
	fd = fn_view_open(&v, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	return fake_open(v.node, fd);
}

FN_EXPORT DIR *fdopendir(int fd)
{
	const char *path = fn_view_fd_path(fd);
	const struct fn_preload *st = path ? fn_preload_view_state() : NULL;
	struct fn_node *n = st ? fn_vfs_lookup(st->vfs, path) : NULL;

	char link[32], real[PATH_MAX];
	ssize_t len;

	if (n && n->type == FN_NODE_DIR)
		return fake_open(n, fd);
	/* A real directory below /sys/devices (find(1) and fts open them this way). */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = path ? -1 : readlink(link, real, sizeof(real) - 1);
	if (len > 0) {
		real[len] = '\0';
		if (lists_real(real))
			return real_open(real, fd);
	}
	return FN_REAL(fdopendir)(fd);
}

static const struct entry *next(struct fake_dir *d)
{
	return d->pos < d->n ? &d->v[d->pos++] : NULL;
}

FN_EXPORT struct dirent *readdir(DIR *dir)
{
	struct fake_dir *d = (struct fake_dir *)dir;
	const struct entry *e;

	if (!is_fake(dir))
		return FN_REAL(readdir)(dir);
	e = next(d);
	if (!e)
		return NULL;
	memset(&d->d, 0, sizeof(d->d));
	d->d.d_ino = e->ino;
	d->d.d_off = (off_t)d->pos;
	d->d.d_reclen = sizeof(d->d);
	d->d.d_type = e->type;
	snprintf(d->d.d_name, sizeof(d->d.d_name), "%s", e->name);
	return &d->d;
}

FN_EXPORT struct dirent64 *readdir64(DIR *dir)
{
	struct fake_dir *d = (struct fake_dir *)dir;
	const struct entry *e;

	if (!is_fake(dir))
		return FN_REAL(readdir64)(dir);
	e = next(d);
	if (!e)
		return NULL;
	memset(&d->d64, 0, sizeof(d->d64));
	d->d64.d_ino = e->ino;
	d->d64.d_off = (off64_t)d->pos;
	d->d64.d_reclen = sizeof(d->d64);
	d->d64.d_type = e->type;
	snprintf(d->d64.d_name, sizeof(d->d64.d_name), "%s", e->name);
	return &d->d64;
}

FN_EXPORT int closedir(DIR *dir)
{
	struct fake_dir *d = (struct fake_dir *)dir;

	if (!is_fake(dir))
		return FN_REAL(closedir)(dir);
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	close(d->fd);
	d->magic = 0;
	free(d);
	__atomic_sub_fetch(&n_open, 1, __ATOMIC_RELAXED);
	return 0;
}

FN_EXPORT int dirfd(DIR *dir)
{
	return is_fake(dir) ? ((struct fake_dir *)dir)->fd : FN_REAL(dirfd)(dir);
}

FN_EXPORT void rewinddir(DIR *dir)
{
	if (is_fake(dir))
		((struct fake_dir *)dir)->pos = 0;
	else
		FN_REAL(rewinddir)(dir);
}

FN_EXPORT long telldir(DIR *dir)
{
	return is_fake(dir) ? (long)((struct fake_dir *)dir)->pos : FN_REAL(telldir)(dir);
}

FN_EXPORT void seekdir(DIR *dir, long pos)
{
	if (is_fake(dir))
		((struct fake_dir *)dir)->pos = (size_t)pos;
	else
		FN_REAL(seekdir)(dir, pos);
}
