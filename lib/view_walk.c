/* The path walk through the view (view_walk.h): "." and ".." as the kernel takes them, links of
 * the tree followed from their own directory, names a passthrough directory lacks handed to the
 * real directory (but for the host's devices the view hides, fn_vfs_hidden_real), and under
 * FN_WALK_MOUNTS the tree entered only at the table's mounts and at the directories on the way to
 * a static file of the view that the host lacks. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "procinfo.h"
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

/* One walk: what it was asked, where it is (`path` canonical, links resolved, "" for the root;
 * `node` the tree's node there, NULL in the real filesystem), and the next path when a link
 * restarts it. */
struct walker {
	const struct fn_vfs *vfs;
	unsigned flags;
	pid_t self;
	struct fn_walk *out;
	char path[PATH_MAX];
	size_t len;
	struct fn_node *node;
	bool in_view; /* the walk has been through the view: a real end is FN_WALK_REAL */
	char next[PATH_MAX];
};

/* The outcome of one step of a pass: go on, `out` holds the answer, or a link restarts it. */
enum step { STEP_ON, STEP_END, STEP_RESTART };

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

/* Appends "/NAME" for components [from, to); -ENAMETOOLONG when it does not fit. */
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

static enum step fail(struct walker *w, int err)
{
	w->out->kind = FN_WALK_ERROR;
	w->out->err = err;
	return STEP_END;
}

/* FN_WALK_REAL: `dir` followed by the components from `from` on. */
static enum step end_real(struct walker *w, const char *dir, const struct comps *c, size_t from)
{
	struct fn_walk *out = w->out;
	size_t len = strlen(dir);

	if (len >= out->real_size)
		return fail(w, ENAMETOOLONG);
	memcpy(out->real, dir, len + 1);
	if (append(out->real, out->real_size, &len, c, from, c->n))
		return fail(w, ENAMETOOLONG);
	if (len == 0)
		snprintf(out->real, out->real_size, "/");
	out->kind = FN_WALK_REAL;
	return STEP_END;
}

static bool is_pid(const char *s, pid_t pid)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v == (long)pid;
}

/* /proc/self/net, /proc/thread-self/net and /proc/SELF/net are the walker's /proc/net, and so is
 * /proc/PID/net of any process in the walker's network namespace: the view stands for that
 * namespace's network, which the kernel shows alike at every such name (a child reading its
 * parent's /proc/PPID/net, a shell's cwd /proc/PID/net inherited by what it runs). */
static bool proc_net_alias(const struct walker *w)
{
	const struct fn_view_kernel_link *k = &fn_view_kernel_link;
	char who[24];
	size_t n =
	    w->len > k->dir_len + 1 + k->name_len ? w->len - k->dir_len - 1 - k->name_len : 0;

	if (!w->self || n == 0 || n >= sizeof(who) || strncmp(w->path, k->path, k->dir_len) != 0 ||
	    w->path[w->len - k->name_len - 1] != '/' ||
	    strcmp(w->path + w->len - k->name_len, k->name) != 0)
		return false;
	memcpy(who, w->path + k->dir_len, n);
	who[n] = '\0';
	if (strcmp(who, "self") == 0 || strcmp(who, "thread-self") == 0 || is_pid(who, w->self))
		return true;
	return strspn(who, "0123456789") == n && fn_proc_same_netns((pid_t)atol(who), w->self);
}

/* Whether run shows the mount `m` on this host: a static file the host lacks it adds from no
 * higher than FN_VIEW_ADD_DEPTH levels above (lib/view.h), so where that directory is missing
 * too, neither does the walk (/var/lib/dbus/machine-id on a host without /var/lib). */
static bool shown_here(const struct walker *w, const struct fn_view_mount *m)
{
	size_t len = strlen(m->path);
	char up[PATH_MAX];
	struct stat st;

	for (int i = 0; i < FN_VIEW_ADD_DEPTH; i++)
		while (len > 0 && m->path[--len] != '/')
			;
	if (!m->staged || !w->out->real_stat || len == 0 || len >= sizeof(up))
		return true;
	memcpy(up, m->path, len);
	up[len] = '\0';
	return w->out->real_stat(up, &st) == 0;
}

/* A real position reached a mount of the table: the walk enters the tree there. A link the kernel
 * holds (/proc/net) stays the kernel's when it is the last component and not followed. */
static void enter_mount(struct walker *w, bool last)
{
	const struct fn_view_mount *m;
	bool alias = proc_net_alias(w);

	if (alias)
		w->len = (size_t)snprintf(w->path, sizeof(w->path), "%s", fn_view_kernel_link.path);
	m = fn_view_mount_covering(w->path);
	if (!m || strcmp(m->path, w->path) != 0)
		return;
	if ((m->kind == FN_MOUNT_KERNEL_LINK && last && !(w->flags & FN_WALK_FOLLOW) && !alias) ||
	    !shown_here(w, m))
		return;
	w->node = fn_vfs_lookup(w->vfs, m->path);
	w->in_view |= w->node != NULL;
}

/* Whether the walk, at a real position above a static file of the view, goes on toward it: it
 * ends there, climbs, or names the next directory on the way. Any other name is missing whether
 * the host has the position or the tree stands for it, so the host need not be asked. */
static bool toward_static(const struct walker *w, const struct comps *c, size_t next)
{
	size_t n;

	if (next >= c->n || strcmp(c->v[next], "..") == 0)
		return true;
	n = strlen(c->v[next]);
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const char *rest = fn_view_mounts[i].path + w->len + 1;

		if (fn_view_static_below(w->vfs, &fn_view_mounts[i], w->path, w->len) &&
		    strncmp(rest, c->v[next], n) == 0 && (rest[n] == '/' || rest[n] == '\0'))
			return true;
	}
	return false;
}

/* Whether a static file of the view lies below the walk's real position and run adds it where
 * the host lacks this directory: from the one above, which it layers, no more than
 * FN_VIEW_ADD_DEPTH levels up (lib/view.h); that one's path is the first `parent` bytes. */
static bool static_added_below(const struct walker *w, size_t parent)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++)
		if (fn_view_static_below(w->vfs, &fn_view_mounts[i], w->path, w->len) &&
		    fn_view_static_below(w->vfs, &fn_view_mounts[i], w->path, parent))
			return true;
	return false;
}

/* The tree's directory at the walk's real position where that is a directory on the way to a static
 * file of the view that the host lacks, in a directory the host has (see struct fn_walk), the walk
 * going on from component `next`; NULL: the host's. */
static struct fn_node *absent_dir(const struct walker *w, const struct comps *c, size_t next)
{
	fn_vfs_lstat_fn real_stat = w->out->real_stat;
	size_t parent = w->len;
	char up[PATH_MAX];
	struct stat st;
	int saved = errno;

	while (parent > 0 && w->path[--parent] != '/')
		;
	if (!real_stat || w->len == 0 || !static_added_below(w, parent) ||
	    !toward_static(w, c, next) || !fn_view_host_lacks(real_stat, w->path))
		return NULL;
	memcpy(up, w->path, parent);
	up[parent] = '\0';
	if (parent > 0 && real_stat(up, &st) < 0) {
		errno = saved;
		return NULL;
	}
	return fn_vfs_lookup(w->vfs, w->path);
}

bool fn_view_host_lacks(fn_vfs_lstat_fn real_stat, const char *path)
{
	struct stat st;
	int saved = errno;
	bool lacks = real_stat(path, &st) < 0 && errno == ENOENT;

	errno = saved;
	return lacks;
}

/* Climbs for the ".." at component `i`. */
static void go_up(struct walker *w, const struct comps *c, size_t i)
{
	while (w->len > 0 && w->path[w->len - 1] != '/')
		w->len--;
	if (w->len > 0)
		w->len--;
	w->path[w->len] = '\0';
	if (!w->node)
		return;
	if (w->node->parent)
		w->node = w->node->parent;
	/* Above a mount's root is the real filesystem again, but for a directory the host lacks. */
	if ((w->flags & FN_WALK_MOUNTS) && !fn_view_mount_covering(w->path))
		w->node = absent_dir(w, c, i + 1);
}

/* Restarts at what a link in directory `dir` leads to, with the components after it. */
static enum step follow(struct walker *w, const char *dir, const struct fn_node *link,
			const struct comps *c, size_t next)
{
	const char *t = link->content;
	int n = t[0] == '/' ? snprintf(w->next, sizeof(w->next), "%s", t)
			    : snprintf(w->next, sizeof(w->next), "%s/%s", dir, t);
	size_t len = (size_t)n;

	if (n < 0 || len >= sizeof(w->next) ||
	    append(w->next, sizeof(w->next), &len, c, next, c->n))
		return fail(w, ENAMETOOLONG);
	return STEP_RESTART;
}

static bool follows(const struct walker *w, bool last)
{
	return !last || (w->flags & FN_WALK_FOLLOW);
}

/* Whether the real entry `name` of the real directory `dir` (`len` bytes of it) stays out of the
 * view (fn_vfs_hidden_real: the host's network devices below /sys/devices). */
static bool hidden_real(const struct walker *w, const char *dir, size_t len, const char *name)
{
	char parent[PATH_MAX];

	if (len >= sizeof(parent))
		return false;
	memcpy(parent, dir, len);
	parent[len] = '\0';
	return fn_vfs_hidden_real(w->vfs, parent, name);
}

/* Whether a real path `dir` followed by the components from `from` on goes through an entry the
 * view hides. */
static bool hidden_below(const struct walker *w, const char *dir, const struct comps *c,
			 size_t from)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(path))
		return false;
	memcpy(path, dir, len + 1);
	for (size_t i = from; i < c->n; i++) {
		if (strcmp(c->v[i], "..") == 0)
			return false; /* the real call resolves it; rare below /sys/devices */
		if (hidden_real(w, path, len, c->v[i]))
			return true;
		if (append(path, sizeof(path), &len, c, i, i + 1))
			return false;
	}
	return false;
}

/* A step through the real filesystem: the name is appended; at a mount of the table the walk
 * enters the tree, and a mount that is a link of the tree's is followed from where it stands. */
static enum step real_step(struct walker *w, const struct comps *c, size_t i)
{
	bool last = i + 1 == c->n;
	size_t dir_len = w->len;

	if (append(w->path, sizeof(w->path), &w->len, c, i, i + 1))
		return fail(w, ENAMETOOLONG);
	if (w->flags & FN_WALK_MOUNTS) {
		enter_mount(w, last);
		if (!w->node && hidden_real(w, w->path, dir_len, c->v[i]))
			return fail(w, ENOENT);
		if (!w->node && (w->node = absent_dir(w, c, i + 1)))
			w->in_view = true;
	}
	if (!w->node || w->node->type != FN_NODE_LINK || !follows(w, last))
		return STEP_ON;
	w->path[dir_len] = '\0';
	return follow(w, w->path, w->node, c, i + 1);
}

/* A step inside the tree: a child, a link to follow, or a name the tree lacks, which is the
 * passthrough directory's real one or does not exist. */
static enum step tree_step(struct walker *w, const struct comps *c, size_t i)
{
	struct fn_node *child;
	char dir[PATH_MAX];
	int err;

	if (w->node->type != FN_NODE_DIR)
		return fail(w, ENOTDIR);
	child = fn_vfs_child(w->node, c->v[i]);
	if (!child && !w->node->passthrough)
		return fail(w, ENOENT);
	if (!child) {
		err = fn_vfs_passthrough_path(w->node, w->self, dir, sizeof(dir));
		if (!err && hidden_below(w, dir, c, i))
			err = -ENOENT;
		return err ? fail(w, -err) : end_real(w, dir, c, i);
	}
	if (child->type == FN_NODE_LINK && follows(w, i + 1 == c->n))
		return follow(w, w->path, child, c, i + 1);
	w->node = child;
	if (append(w->path, sizeof(w->path), &w->len, c, i, i + 1))
		return fail(w, ENAMETOOLONG);
	return STEP_ON;
}

/* One pass over `path` from the root. */
static enum step walk_once(struct walker *w, const char *path)
{
	struct comps c;
	int err = split(path, &c);

	if (err)
		return fail(w, -err);
	w->len = 0;
	w->path[0] = '\0';
	w->node = (w->flags & FN_WALK_MOUNTS) ? NULL : w->vfs->root;
	for (size_t i = 0; i < c.n; i++) {
		enum step st = STEP_ON;

		if (strcmp(c.v[i], "..") == 0)
			go_up(w, &c, i);
		else
			st = w->node ? tree_step(w, &c, i) : real_step(w, &c, i);
		if (st != STEP_ON)
			return st;
	}
	if (w->node) {
		w->out->kind = FN_WALK_NODE;
		w->out->node = w->node;
	} else if (w->in_view) {
		return end_real(w, w->path, &c, c.n);
	}
	return STEP_END;
}

void fn_view_walk(const struct fn_vfs *vfs, const char *path, unsigned flags, pid_t self,
		  struct fn_walk *out)
{
	/* Two path buffers and the components: too much for the small stacks of some threads. */
	static __thread struct walker w;
	char cur[PATH_MAX];

	w = (struct walker){.vfs = vfs, .flags = flags, .self = self, .out = out};
	w.in_view = !(flags & FN_WALK_MOUNTS);
	out->kind = FN_WALK_NONE;
	out->node = NULL;
	out->err = 0;
	if (walk_once(&w, path) != STEP_RESTART)
		return;
	for (int depth = 1; depth <= MAX_LINKS; depth++) {
		/* Whatever a link of the tree leads to was reached through the view. */
		w.in_view = true;
		memcpy(cur, w.next, sizeof(cur));
		if (walk_once(&w, cur) != STEP_RESTART)
			return;
	}
	fail(&w, ELOOP);
}

struct fn_node *fn_view_resolve(const struct fn_vfs *vfs, const char *path)
{
	char real[PATH_MAX];
	struct fn_walk w = {.real = real, .real_size = sizeof(real)};

	fn_view_walk(vfs, path, FN_WALK_FOLLOW, 0, &w);
	return w.kind == FN_WALK_NODE ? w.node : NULL;
}
