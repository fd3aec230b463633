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

/* A handle listing the real directory `path` (its own "." and ".." included), to add to; it takes
 * `fd` for dirfd(), or opens one when fd < 0. */
static struct fake_dir *real_dir(const char *path, int fd)
{
	DIR *real = FN_REAL(opendir)(path);
	struct fake_dir *d;
	struct dirent64 *e;

	if (!real)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->magic = FAKE_DIR_MAGIC;
	d->fd = fd >= 0 ? fd : fcntl(FN_REAL(dirfd)(real), F_DUPFD_CLOEXEC, 0);
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

/* The name a static file `m` below the directory `dir` (`len` bytes) has there, as a path, in
 * `child` (of size PATH_MAX); false where a static file before it in the table has it. */
static bool static_entry(const struct fn_vfs *vfs, const struct fn_view_mount *m, const char *dir,
			 size_t len, char *child)
{
	size_t end = (size_t)(strchrnul(m->path + len + 1, '/') - m->path);

	memcpy(child, m->path, end);
	child[end] = '\0';
	for (const struct fn_view_mount *o = fn_view_mounts; o != m; o++)
		if (fn_view_static_below(vfs, o, dir, len) && strncmp(o->path, child, end) == 0 &&
		    o->path[end] == '/')
			return false;
	return true;
}

/* The entry the mount at table index `i` adds to the real directory `dir` (normalised, `len`
 * bytes, 0 for the root) where the host lacks it: the mount itself where `dir` is the parent FUSE
 * covers (cover_parent), the first name on the way to a static file below `dir` (staged), its
 * path in `child` (of size PATH_MAX); NULL where it adds nothing there (or what a static file
 * before it adds). */
static const struct fn_node *added_entry(const struct fn_vfs *vfs, size_t i, const char *dir,
					 size_t len, char *child)
{
	const struct fn_view_mount *m = &fn_view_mounts[i];
	const struct fn_node *n;

	if (m->cover_parent && (size_t)(strrchr(m->path, '/') - m->path) == len &&
	    strncmp(dir, m->path, len) == 0)
		snprintf(child, PATH_MAX, "%s", m->path);
	else if (!fn_view_static_below(vfs, m, dir, len) || !static_entry(vfs, m, dir, len, child))
		return NULL;
	n = fn_vfs_lookup(vfs, child);
	return n && fn_view_host_lacks(FN_REAL(stat), child) ? n : NULL;
}

/* The entries the view adds to a real directory `given` (absolute), as FUSE shows them there: a
 * mount the host lacks whose parent FUSE covers, the real entries passed through (cover_parent:
 * /sys/class/dmi in /sys/class on a machine without DMI), and the first name on the way to a
 * static file the host lacks, which run layers into the nearest directory the host has (staged:
 * machine-id in /etc, dbus in /var/lib on a minimal system). So the directory's listing and link
 * count here are the real ones and those. Calls `each` with every such entry's name and node,
 * the real directory `path` (normalised, of size PATH_MAX) and `arg`; returns how many there
 * were. */
static size_t each_added_entry(const char *given, char *path,
			       void (*each)(const char *name, const struct fn_node *n,
					    const char *path, void *arg),
			       void *arg)
{
	const struct fn_preload *st;
	char child[PATH_MAX];
	size_t len, found = 0;

	if (given[0] != '/' || !fn_view_normalise(given, path, PATH_MAX) ||
	    !fn_view_above_mount(path) || !(st = fn_preload_view_state()))
		return 0;
	len = strcmp(path, "/") == 0 ? 0 : strlen(path);
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_node *n = added_entry(st->vfs, i, path, len, child);

		if (!n)
			continue;
		found++;
		if (each)
			each(child + len + 1, n, path, arg);
	}
	return found;
}

/* A real directory's listing with what the view adds, made on the first added entry. */
struct gaining {
	struct fake_dir *d;
	int fd; /* for real_dir */
};

/* Adds an entry to the listing of its real directory (`arg`, a struct gaining). */
static void add_added(const char *name, const struct fn_node *n, const char *path, void *arg)
{
	struct gaining *g = arg;

	if (!g->d && !(g->d = real_dir(path, g->fd)))
		return;
	add(g->d, name, node_dtype(n), n->ino);
}

/* Counts an added entry that is a directory (the real one's link count has one more). */
static void count_dir(const char *name, const struct fn_node *n, const char *path, void *arg)
{
	(void)name;
	(void)path;
	*(nlink_t *)arg += n->type == FN_NODE_DIR;
}

/* The listing of a real directory the view adds entries to (each_added_entry), which takes `fd`
 * (or opens one when fd < 0); NULL for any other directory. */
static DIR *open_gaining(const char *given, int fd)
{
	struct gaining g = {.fd = fd};
	char path[PATH_MAX];

	each_added_entry(given, path, add_added, &g);
	if (g.d)
		__atomic_add_fetch(&n_open, 1, __ATOMIC_RELAXED);
	return (DIR *)g.d;
}

/* Whether an absolute path may be a directory the view adds entries to: the root, or a path that
 * starts as such a mount does ("/s", "/e", "/v"), a test every other stat of a directory passes
 * cheaply. */
static bool may_gain_entries(const char *path)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++)
		if ((fn_view_mounts[i].cover_parent || fn_view_mounts[i].staged) &&
		    (path[1] == fn_view_mounts[i].path[1] || path[1] == '\0'))
			return true;
	return false;
}

/* Asked after a stat that succeeded: the lookups of the entries leave errno alone. */
nlink_t fn_view_covered_links(int dirfd, const char *given)
{
	char abs[PATH_MAX], path[PATH_MAX];
	nlink_t links = 0;
	int saved = errno;

	if ((given[0] != '/' || may_gain_entries(given)) &&
	    fn_view_absolute(dirfd, given, abs, sizeof(abs)))
		each_added_entry(abs, path, count_dir, &links);
	errno = saved;
	return links;
}

static DIR *open_path(const char *path)
{
	static __thread struct fn_view v;
	DIR *d;
	int fd;

	fn_view_lookup(AT_FDCWD, path, true, &v);
	switch (v.kind) {
	case FN_WALK_NONE:
		d = fn_view_absolute(AT_FDCWD, path, v.real, sizeof(v.real))
			? open_gaining(v.real, -1)
			: NULL;
		if (d)
			return d;
		return lists_real(path) ? real_open(path, -1) : FN_REAL(opendir)(path);
	case FN_WALK_REAL:
		if ((d = open_gaining(v.real, -1)))
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

/* fdopendir of an fd the library remembers the path of: a directory of the tree, or a real one
 * above a mount (fn_view_note_real_open), which may gain entries. */
static DIR *fdopen_known(int fd, const char *path)
{
	static __thread struct fn_view v;
	DIR *d;

	fn_view_lookup(AT_FDCWD, path, true, &v);
	switch (v.kind) {
	case FN_WALK_NODE:
		if (v.node->type == FN_NODE_DIR)
			return fake_open(v.node, fd);
		break;
	case FN_WALK_NONE:
	case FN_WALK_REAL:
		if ((d = open_gaining(v.kind == FN_WALK_REAL ? v.real : path, fd)))
			return d;
		break;
	case FN_WALK_ERROR:
		break;
	}
	return FN_REAL(fdopendir)(fd);
}

FN_EXPORT DIR *opendir(const char *path)
{
	int saved = errno;
	DIR *d = open_path(path);

	return FN_KEEP_ERRNO(saved, d != NULL, d);
}

static DIR *open_fd(int fd)
{
	const char *path = fn_view_fd_path(fd);
	char link[32], real[PATH_MAX];
	ssize_t len;
	DIR *d;

	if (path)
		return fdopen_known(fd, path);
	/* A real directory below /sys/devices (find(1) and fts open them this way), or one the
	 * view adds entries to (opened relative to the cwd). */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, real, sizeof(real) - 1);
	if (len > 0) {
		real[len] = '\0';
		if (lists_real(real))
			return real_open(real, fd);
		if (real[0] == '/' && may_gain_entries(real) && (d = open_gaining(real, fd)))
			return d;
	}
	return FN_REAL(fdopendir)(fd);
}

FN_EXPORT DIR *fdopendir(int fd)
{
	int saved = errno;
	DIR *d = open_fd(fd);

	return FN_KEEP_ERRNO(saved, d != NULL, d);
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
