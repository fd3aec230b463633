/* The path walk through the view (view_walk.h): "." and ".." as the kernel takes them, links of
 * the tree followed from their own directory, names a passthrough directory lacks handed to the
 * real directory, and under FN_WALK_MOUNTS the tree entered only at the table's mounts. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "view_walk.h"

/* The kernel gives up after 40 nested links; the tree never needs more than a few. */
#define MAX_LINKS      40
#define MAX_COMPONENTS 128

struct comps {
	const char *v[MAX_COMPONENTS];
	size_t n;
	char buf[PATH_MAX];
};

/* Where the walk is: `path` is canonical (links resolved), "" for the root; `node` is the tree's
 * node there, NULL in the real filesystem. */
struct pos {
	char path[PATH_MAX];
	size_t len;
	struct fn_node *node;
	bool in_view; /* the walk has been through the view: a real end is FN_WALK_REAL */
};

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
		if (c->n == MAX_COMPONENTS)
			return -ENAMETOOLONG;
		c->v[c->n++] = p;
	}
	return 0;
}

/* Appends "/NAME" for each component from `from` on; -ENAMETOOLONG when it does not fit. */
static int append(char *out, size_t size, size_t *len, const struct comps *c, size_t from,
		  size_t to)
{
	for (size_t i = from; i < to; i++) {
		int n = snprintf(out + *len, size - *len, "/%s", c->v[i]);

		if (n < 0 || (size_t)n >= size - *len)
			return -ENAMETOOLONG;
		*len += (size_t)n;
	}
	return 0;
}

static void set_error(struct fn_walk *out, int err)
{
	out->kind = FN_WALK_ERROR;
	out->err = err;
}

/* FN_WALK_REAL: `dir` followed by the components from `from` on. */
static void set_real(struct fn_walk *out, const char *dir, const struct comps *c, size_t from)
{
	size_t len = strlen(dir);

	if (len >= out->real_size)
		return set_error(out, ENAMETOOLONG);
	memcpy(out->real, dir, len + 1);
	if (append(out->real, out->real_size, &len, c, from, c->n))
		return set_error(out, ENAMETOOLONG);
	if (len == 0)
		snprintf(out->real, out->real_size, "/");
	out->kind = FN_WALK_REAL;
}

static bool is_pid(const char *s, pid_t pid)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v == (long)pid;
}

/* /proc/self/net, /proc/thread-self/net and /proc/SELF/net are the walker's /proc/net. */
static bool proc_net_alias(const struct pos *p, pid_t self)
{
	const char *q = p->path;

	if (!self || strncmp(q, "/proc/", 6) != 0 || p->len < 10 ||
	    strcmp(q + p->len - 4, "/net") != 0)
		return false;
	char who[24];
	size_t n = p->len - 10;

	if (n == 0 || n >= sizeof(who))
		return false;
	memcpy(who, q + 6, n);
	who[n] = '\0';
	return strcmp(who, "self") == 0 || strcmp(who, "thread-self") == 0 || is_pid(who, self);
}

/* A real position reached a mount of the table: the walk enters the tree there. A link the kernel
 * holds (/proc/net) stays the kernel's when it is the last component and not followed. */
static void enter_mount(const struct fn_vfs *vfs, struct pos *p, bool last, unsigned flags,
			pid_t self)
{
	const struct fn_view_mount *m;
	bool alias = proc_net_alias(p, self);

	if (alias) {
		strcpy(p->path, "/proc/net");
		p->len = strlen(p->path);
	}
	m = fn_view_mount_covering(p->path);
	if (!m || strcmp(m->path, p->path) != 0)
		return;
	if (m->kind == FN_MOUNT_LINK && last && !(flags & FN_WALK_FOLLOW) && !alias)
		return;
	p->node = fn_vfs_lookup(vfs, m->path);
	p->in_view |= p->node != NULL;
}

static void go_up(struct pos *p, unsigned flags)
{
	while (p->len > 0 && p->path[p->len - 1] != '/')
		p->len--;
	if (p->len > 0)
		p->len--;
	p->path[p->len] = '\0';
	if (!p->node)
		return;
	if (p->node->parent)
		p->node = p->node->parent;
	/* Above a mount's root is the real filesystem again. */
	if ((flags & FN_WALK_MOUNTS) && !fn_view_mount_covering(p->path))
		p->node = NULL;
}

/* The path a link leads to, with the components after it: the next path to walk. */
static int link_target(const struct pos *p, const struct fn_node *link, const struct comps *c,
		       size_t next, char *out, size_t size)
{
	size_t len;
	int n = link->content[0] == '/' ? snprintf(out, size, "%s", link->content)
					: snprintf(out, size, "%s/%s", p->path, link->content);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	len = (size_t)n;
	return append(out, size, &len, c, next, c->n);
}

/* One pass over `path`; returns 1 with the next path in `next` when a link restarts the walk. */
static int walk_once(const struct fn_vfs *vfs, const char *path, unsigned flags, pid_t self,
		     struct pos *p, struct fn_walk *out, char *next, size_t next_size)
{
	struct comps c;
	int err = split(path, &c);

	if (err)
		return set_error(out, -err), 0;
	p->len = 0;
	p->path[0] = '\0';
	p->node = (flags & FN_WALK_MOUNTS) ? NULL : vfs->root;
	for (size_t i = 0; i < c.n; i++) {
		const char *name = c.v[i];
		bool last = i + 1 == c.n;
		struct fn_node *child;
		char dir[PATH_MAX];

		if (strcmp(name, "..") == 0) {
			go_up(p, flags);
			continue;
		}
		if (!p->node) {
			if (append(p->path, sizeof(p->path), &p->len, &c, i, i + 1))
				return set_error(out, ENAMETOOLONG), 0;
			if (flags & FN_WALK_MOUNTS)
				enter_mount(vfs, p, last, flags, self);
			continue;
		}
		if (p->node->type != FN_NODE_DIR)
			return set_error(out, ENOTDIR), 0;
		child = fn_vfs_child(p->node, name);
		if (!child) {
			if (!p->node->passthrough)
				return set_error(out, ENOENT), 0;
			err = fn_vfs_passthrough_path(p->node, self, dir, sizeof(dir));
			if (err)
				return set_error(out, -err), 0;
			return set_real(out, dir, &c, i), 0;
		}
		if (child->type == FN_NODE_LINK && (!last || (flags & FN_WALK_FOLLOW))) {
			err = link_target(p, child, &c, i + 1, next, next_size);
			if (err)
				return set_error(out, -err), 0;
			return 1;
		}
		p->node = child;
		if (append(p->path, sizeof(p->path), &p->len, &c, i, i + 1))
			return set_error(out, ENAMETOOLONG), 0;
	}
	if (p->node) {
		out->kind = FN_WALK_NODE;
		out->node = p->node;
	} else if (p->in_view) {
		set_real(out, p->path, &c, c.n);
	}
	return 0;
}

void fn_view_walk(const struct fn_vfs *vfs, const char *path, unsigned flags, pid_t self,
		  struct fn_walk *out)
{
	char bufs[2][PATH_MAX];
	struct pos p = {.in_view = !(flags & FN_WALK_MOUNTS)};
	const char *cur = path;

	out->kind = FN_WALK_NONE;
	out->node = NULL;
	out->err = 0;
	for (int depth = 0;; depth++) {
		char *next = bufs[depth & 1];

		if (!walk_once(vfs, cur, flags, self, &p, out, next, sizeof(bufs[0])))
			return;
		if (depth == MAX_LINKS)
			return set_error(out, ELOOP);
		/* Whatever a link of the tree leads to was reached through the view. */
		p.in_view = true;
		cur = next;
	}
}

struct fn_node *fn_view_resolve(const struct fn_vfs *vfs, const char *path)
{
	char real[PATH_MAX];
	struct fn_walk w = {.real = real, .real_size = sizeof(real)};

	fn_view_walk(vfs, path, FN_WALK_FOLLOW, 0, &w);
	return w.kind == FN_WALK_NODE ? w.node : NULL;
}
