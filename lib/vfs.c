/* The virtual tree's nodes and lookups; the per-area builders fill it (vfs_proc.c, vfs_sys.c,
 * vfs_etc.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vfs.h"

/* The kernel gives up after 40 nested links; the tree never needs more than a few. */
#define FN_VFS_MAX_LINKS 40

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

/* Walks `path` from `start`, following links in the tree; `depth` counts links followed. */
static struct fn_node *resolve_from(const struct fn_vfs *vfs, struct fn_node *start,
				    const char *path, int *depth)
{
	char *copy = xstrdup(path), *save = NULL;
	struct fn_node *n = path[0] == '/' ? vfs->root : start;

	for (char *part = strtok_r(copy, "/", &save); part && n;
	     part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			n = n->parent ? n->parent : n;
			continue;
		}
		n = fn_vfs_child(n, part);
		while (n && n->type == FN_NODE_LINK) {
			if (++*depth > FN_VFS_MAX_LINKS) {
				n = NULL;
				break;
			}
			n = resolve_from(vfs, n->parent, n->content, depth);
		}
	}
	free(copy);
	return n;
}

struct fn_node *fn_vfs_resolve(const struct fn_vfs *vfs, const char *path)
{
	int depth = 0;

	return resolve_from(vfs, vfs->root, path, &depth);
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

/* Whether the node belongs to /proc. */
static bool in_proc(const struct fn_node *n)
{
	while (n->parent && n->parent->parent)
		n = n->parent;
	return n->parent && strcmp(n->name, "proc") == 0;
}

void fn_vfs_node_size(const struct fn_node *n, struct fn_node_size *out)
{
	*out = (struct fn_node_size){.blksize = in_proc(n) ? 1024 : 4096};
	if (n->type == FN_NODE_LINK && n->style != FN_FILE_SYSFS)
		out->size = (off_t)n->len; /* kernfs links report 0, other links their length */
	if (n->type != FN_NODE_FILE)
		return;
	switch (n->style) {
	case FN_FILE_PROCFS:
		break;
	case FN_FILE_SYSFS:
		out->size = 4096;
		break;
	default:
		out->size = (off_t)n->len;
		out->blocks = (long long)((n->len + 4095) / 4096 * 8);
	}
}
