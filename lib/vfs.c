/* The virtual tree's nodes and lookups; the per-area builders fill it (vfs_proc.c, vfs_sys.c,
 * vfs_etc.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "vfs.h"

static struct fn_node *new_node(struct fn_vfs *vfs, const char *name, enum fn_node_type type,
				mode_t mode)
{
	struct fn_node *n = xcalloc(1, sizeof(*n));

	n->name = xstrdup(name);
	n->type = type;
	n->mode = mode;
	n->ino = vfs->next_ino++;
	return n;
}

static void attach(struct fn_node *dir, struct fn_node *child)
{
	dir->children = xreallocarray(dir->children, dir->n_children + 1, sizeof(*dir->children));
	dir->children[dir->n_children++] = child;
	child->parent = dir;
}

struct fn_node *fn_vfs_child(const struct fn_node *dir, const char *name)
{
	if (!dir || dir->type != FN_NODE_DIR)
		return NULL;
	for (size_t i = 0; i < dir->n_children; i++)
		if (strcmp(dir->children[i]->name, name) == 0)
			return dir->children[i];
	return NULL;
}

struct fn_node *fn_vfs_add_dir(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
			       mode_t mode)
{
	struct fn_node *n = fn_vfs_child(dir, name);

	if (n)
		return n;
	n = new_node(vfs, name, FN_NODE_DIR, mode);
	attach(dir, n);
	return n;
}

struct fn_node *fn_vfs_add_file(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				mode_t mode, enum fn_file_style style, char *content, size_t len)
{
	struct fn_node *n = new_node(vfs, name, FN_NODE_FILE, mode);

	n->style = style;
	n->content = content ? content : xstrdup("");
	n->len = content ? len : 0;
	attach(dir, n);
	return n;
}

struct fn_node *fn_vfs_add_link(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				const char *target)
{
	struct fn_node *n = new_node(vfs, name, FN_NODE_LINK, 0777);

	/* Every link the tree holds is a sysfs one; callers may say otherwise. */
	n->style = FN_FILE_SYSFS;
	n->content = xstrdup(target);
	n->len = strlen(target);
	attach(dir, n);
	return n;
}

void fn_vfs_read_real(struct fn_node *file, const char *tmpl)
{
	free(file->passthrough);
	file->passthrough = xstrdup(tmpl);
	if (file->style == FN_FILE_STATIC)
		file->style = FN_FILE_SYSFS;
	file->read_errno = 0;
}

bool fn_vfs_reads_real(const struct fn_node *n)
{
	return n->type == FN_NODE_FILE && n->passthrough && n->style != FN_FILE_STATIC;
}

struct fn_node *fn_vfs_mkdir_p(struct fn_vfs *vfs, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	struct fn_node *dir = vfs->root;

	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
		dir = fn_vfs_add_dir(vfs, dir, part, 0755);
	free(copy);
	return dir;
}

struct fn_node *fn_vfs_lookup(const struct fn_vfs *vfs, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	struct fn_node *n = vfs->root;

	for (char *part = strtok_r(copy, "/", &save); part && n; part = strtok_r(NULL, "/", &save))
		n = fn_vfs_child(n, part);
	free(copy);
	return n;
}

char *fn_vfs_path(const struct fn_node *node)
{
	size_t len = 0;
	char *path, *p;

	if (!node->parent)
		return xstrdup("/");
	for (const struct fn_node *n = node; n->parent; n = n->parent)
		len += strlen(n->name) + 1;
	path = xmalloc(len + 1);
	p = path + len;
	*p = '\0';
	for (const struct fn_node *n = node; n->parent; n = n->parent) {
		size_t l = strlen(n->name);

		p -= l;
		memcpy(p, n->name, l);
		*--p = '/';
	}
	return path;
}

static void free_node(struct fn_node *n)
{
	for (size_t i = 0; i < n->n_children; i++)
		free_node(n->children[i]);
	free(n->children);
	free(n->name);
	free(n->content);
	free(n->passthrough);
	free(n->live_arg);
	free(n);
}

struct fn_vfs *fn_vfs_new(void)
{
	struct fn_vfs *vfs = xcalloc(1, sizeof(*vfs));

	/* FUSE reserves inode 1 for its root; numbering from 1 keeps the two in step. */
	vfs->next_ino = 1;
	vfs->root = new_node(vfs, "", FN_NODE_DIR, 0755);
	return vfs;
}

void fn_vfs_free(struct fn_vfs *vfs)
{
	if (!vfs)
		return;
	free_node(vfs->root);
	free(vfs);
}

/* The largest real file a node reads (/proc/cpuinfo of a large host). */
#define FN_VFS_REAL_MAX (16u << 20)

void fn_vfs_node_rewrite(const struct fn_node *n, const char *real, size_t len, struct fn_buf *out)
{
	if (n->live)
		n->live(n->live_arg, real, len, out);
	else
		fn_buf_append(out, real, len);
}

int fn_vfs_node_text(const struct fn_node *n, pid_t reader, char **text, size_t *len)
{
	char path[PATH_MAX], *real;
	struct fn_buf b;
	size_t real_len;
	int err;

	if (!fn_vfs_reads_real(n)) {
		*text = xmalloc(n->len + 1);
		memcpy(*text, n->content, n->len);
		(*text)[n->len] = '\0';
		*len = n->len;
		return 0;
	}
	err = fn_vfs_passthrough_path(n, reader, path, sizeof(path));
	if (!err)
		err = fn_read_file(path, &real, &real_len, FN_VFS_REAL_MAX);
	if (err)
		return err;
	if (!n->live) {
		*text = real;
		*len = real_len;
		return 0;
	}
	fn_buf_init(&b);
	fn_vfs_node_rewrite(n, real, real_len, &b);
	free(real);
	*text = fn_buf_steal(&b, len);
	return 0;
}

bool fn_vfs_hidden_real(const struct fn_vfs *vfs, const char *real_dir, const char *name)
{
	if (strncmp(real_dir, "/sys/devices/", strlen("/sys/devices/")) != 0)
		return false;
	if (strcmp(name, "block") == 0)
		return fn_vfs_lookup(vfs, "/sys/block") != NULL;
	return strcmp(name, "net") == 0 || strcmp(name, "ieee80211") == 0;
}

bool fn_vfs_node_backed(const struct fn_node *n)
{
	return n->type == FN_NODE_FILE && n->passthrough && n->style == FN_FILE_STATIC;
}

/* Whether the node belongs to /proc. */
static bool in_proc(const struct fn_node *n)
{
	while (n->parent && n->parent->parent)
		n = n->parent;
	return n->parent && strcmp(n->name, "proc") == 0;
}

int fn_vfs_passthrough_path(const struct fn_node *dir, pid_t reader, char *buf, size_t size)
{
	size_t used = 0;

	for (const char *p = dir->passthrough; p && *p; p++) {
		int n;

		if (p[0] == '%' && p[1] == 'd') {
			if (reader <= 0)
				return -ENOENT; /* the reader cannot be told */
			n = snprintf(buf + used, size - used, "%d", (int)reader);
			p++;
		} else {
			n = snprintf(buf + used, size - used, "%c", *p);
		}
		if (n < 0 || (size_t)n >= size - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	if (used == 0)
		return -ENOENT;
	buf[used] = '\0';
	return 0;
}

/* Whether the real directory `dir` has a subdirectory `name`. */
static bool real_has_dir(const char *dir, const char *name, fn_vfs_lstat_fn real_lstat)
{
	char path[PATH_MAX];
	struct stat st;

	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path) &&
	       real_lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A directory's link count as the kernel keeps it: two, and one per subdirectory, the real
 * directory's among them where it passes one through. */
static nlink_t dir_nlink(const struct fn_node *n, pid_t reader, fn_vfs_lstat_fn real_lstat)
{
	char real[PATH_MAX];
	struct stat st;
	bool pass = n->passthrough && fn_vfs_passthrough_path(n, reader, real, sizeof(real)) == 0 &&
		    real_lstat(real, &st) == 0 && S_ISDIR(st.st_mode);
	nlink_t links = pass ? st.st_nlink : 2;

	for (size_t i = 0; i < n->n_children; i++) {
		const struct fn_node *c = n->children[i];

		if (c->type == FN_NODE_DIR && (!pass || !real_has_dir(real, c->name, real_lstat)))
			links++;
	}
	return links;
}

/* A file whose bytes are a host file's (a real tool behind its shim) looks like that file, under
 * its own inode and mode. The backing path may be a link to the file (the OCI hook reads the
 * image's tools through /proc/self/fd/N), whose own attributes (a magic link's size 64) would cut
 * every read, and every exec, short: it is followed. */
static int backed_stat(const struct fn_node *n, struct stat *st, fn_vfs_lstat_fn real_stat)
{
	if (real_stat(n->passthrough, st) < 0)
		return -errno;
	st->st_ino = n->ino;
	st->st_dev = 0;
	st->st_mode = S_IFREG | (n->mode & 07777);
	return 0;
}

/* Debian's group "disk" (base-passwd), which owns block devices. */
#define FN_DISK_GID 6

mode_t fn_vfs_type_bits(const struct fn_node *n)
{
	switch (n->type) {
	case FN_NODE_DIR:
		return S_IFDIR;
	case FN_NODE_LINK:
		return S_IFLNK;
	default:
		return n->rdev ? S_IFBLK : S_IFREG;
	}
}

int fn_vfs_stat(const struct fn_node *n, pid_t reader, fn_vfs_lstat_fn real_lstat,
		fn_vfs_lstat_fn real_stat, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (fn_vfs_node_backed(n))
		return backed_stat(n, st, real_stat);
	st->st_ino = n->ino;
	st->st_mode = fn_vfs_type_bits(n) | (n->mode & 07777);
	st->st_rdev = n->rdev;
	st->st_gid = n->rdev ? FN_DISK_GID : 0;
	st->st_nlink = n->type == FN_NODE_DIR ? dir_nlink(n, reader, real_lstat) : 1;
	st->st_blksize = in_proc(n) || n->style == FN_FILE_PROCFS ? 1024 : 4096;
	/* kernfs links report 0, other links their length */
	if (n->type == FN_NODE_LINK && n->style != FN_FILE_SYSFS)
		st->st_size = (off_t)n->len;
	if (n->type != FN_NODE_FILE)
		return 0;
	switch (n->style) {
	case FN_FILE_PROCFS:
		break;
	case FN_FILE_SYSFS:
		st->st_size = 4096;
		break;
	case FN_FILE_SYSFS_BIN:
		st->st_size = (off_t)n->len;
		break;
	default:
		/* whole 4 KiB blocks, counted in 512-byte units, as a disk file has them */
		st->st_size = (off_t)n->len;
		st->st_blocks = (blkcnt_t)((n->len + 4095) / 4096 * 8);
	}
	return 0;
}
