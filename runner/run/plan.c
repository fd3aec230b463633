/* The view's plan (plan.h): overlays of the tree over the real paths, and the shim over the real
 * tools. Only computed here; the init (run) or the hook's mounter (oci) applies it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fakefs.h"
#include "layers.h"
#include "plan.h"
#include "shim_tools.h"
#include "util.h"
#include "vfs_build.h"
#include "view.h"
#include "view_walk.h"

static bool real_tool_exists(const char *name)
{
	char *path = xstrdup(FN_DEFAULT_PATH), *save = NULL;
	bool found = false;

	for (char *dir = strtok_r(path, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *candidate = xasprintf("%s/%s", dir, name);

		found = access(candidate, X_OK) == 0;
		free(candidate);
	}
	free(path);
	return found;
}

int fn_plan_select_tools(struct fn_tool_plan *tp, char *spec)
{
	char *save = NULL;

	if (strcmp(spec, "none") == 0)
		return 0;
	if (strcmp(spec, "all") == 0) {
		/* A real sudo keeps its own policy; where there is none, the shim lets scripts
		 * that say `sudo nm-tool` work. */
		for (const char *const *t = fn_shim_tools; *t; t++)
			if (strcmp(*t, "sudo") != 0 || !real_tool_exists("sudo"))
				tp->tools[tp->n_tools++] = *t;
		return 0;
	}
	for (char *t = strtok_r(spec, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!fn_shim_tool_known(t)) {
			fn_warn("run: --shims: no shim for '%s'", t);
			return -1;
		}
		if (tp->n_tools < FN_MAX_SHIM_TOOLS)
			tp->tools[tp->n_tools++] = t;
	}
	return 0;
}

/* Returns false when the plan is full (never with the mounts the view has). */
static bool add_overlay(struct fn_child_plan *plan, const char *tree_path, const char *target,
			bool nofollow, bool read_only, bool optional)
{
	if (plan->n_overlays == FN_MAX_OVERLAYS)
		return false;
	plan->overlays[plan->n_overlays++] = (struct fn_overlay){
	    .tree_path = tree_path,
	    .target = target,
	    .nofollow = nofollow,
	    .read_only = read_only,
	    .optional = optional,
	};
	return true;
}

static bool has_overlay(const struct fn_child_plan *plan, const char *target)
{
	for (int i = 0; i < plan->n_overlays; i++)
		if (strcmp(plan->overlays[i].target, target) == 0)
			return true;
	return false;
}

/* The tree's directory at `path` (made if missing) passes the real one's entries through; the
 * plan keeps `path` (allocated), which its overlay names. */
static void pass_real_dir(struct fn_overlay_plan *op, struct fn_vfs *vfs, char *path)
{
	struct fn_node *dir = fn_vfs_mkdir_p(vfs, path);

	if (!dir->passthrough)
		dir->passthrough = xstrdup(path);
	op->device_roots =
	    xreallocarray(op->device_roots, op->n_device_roots + 1, sizeof(*op->device_roots));
	op->device_roots[op->n_device_roots++] = path;
}

/* Overlays /sys/devices/TOP with a view that passes the real devices through: the tree's own
 * devices (a fake PCI NIC) appear there, and the host's network devices below it (their net/
 * and ieee80211/ directories, with the host's MACs) do not (fakefs/passthrough.c). */
static void overlay_device_root(struct fn_child_plan *plan, struct fn_overlay_plan *op,
				struct fn_vfs *vfs, const char *top)
{
	char *path = xasprintf("/sys/devices/%s", top);
	struct stat st;

	if (has_overlay(plan, path) || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(path);
		return;
	}
	pass_real_dir(op, vfs, path);
	add_overlay(plan, path + 1, path, false, false, true);
}

/* The top directory under /sys/devices of each of the host's non-virtual network devices, read
 * from where /sys/class/net links ("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"). */
static void hide_host_devices(struct fn_child_plan *plan, struct fn_overlay_plan *op,
			      struct fn_vfs *vfs)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char link[PATH_MAX], target[PATH_MAX], *top, *end;
		ssize_t n;

		snprintf(link, sizeof(link), "/sys/class/net/%s", e->d_name);
		n = e->d_name[0] == '.' ? -1 : readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		top = strstr(target, "devices/");
		if (!top)
			continue;
		top += strlen("devices/");
		end = strchr(top, '/');
		if (end)
			*end = '\0';
		if (strcmp(top, "virtual") != 0)
			overlay_device_root(plan, op, vfs, top);
	}
	if (d)
		closedir(d);
}

struct fn_staged_file *fn_plan_add_staged(struct fn_overlay_plan *op, const char *path,
					  const char *content, size_t len, mode_t mode)
{
	op->staged = xreallocarray(op->staged, op->n_staged + 1, sizeof(*op->staged));
	op->staged[op->n_staged] =
	    (struct fn_staged_file){.path = path, .content = content, .len = len, .mode = mode};
	return &op->staged[op->n_staged++];
}

/* A static file of the view, staged: a file of the staging tmpfs at its own path, bound
 * read-only as a container runtime binds its /etc/hosts: tmpfs in mountinfo, blocks as on a
 * disk, and no FUSE round trip. */
static void stage_file(struct fn_child_plan *plan, struct fn_overlay_plan *op,
		       const struct fn_node *n, const char *path)
{
	if (n->type != FN_NODE_FILE)
		return;
	plan->overlays[plan->n_overlays - 1].staged = true;
	fn_plan_add_staged(op, path, n->content, n->len, n->mode);
}

/* Where a mount of the table goes: its path, or, when the host lacks that path and the mount may
 * cover the parent instead (lib/view.h), the parent, whose real entries then pass through. */
static const char *mount_target(struct fn_overlay_plan *op, struct fn_vfs *vfs,
				const struct fn_view_mount *m)
{
	struct stat st;
	char *parent;

	if (!m->cover_parent || lstat(m->path, &st) == 0)
		return m->path;
	parent = xstrndup(m->path, (size_t)(strrchr(m->path, '/') - m->path));
	pass_real_dir(op, vfs, parent);
	return parent;
}

/* Whether a link of the tree leads into a view that the kernel shows under a kernel mode
 * (/sys/class/net/eth0 -> ../../devices/virtual/net/eth0), not to a device of the tree's own. */
static bool leads_to_kernel(const struct fn_vfs *vfs, const struct fn_node *link)
{
	char *path = fn_vfs_path(link), *to;
	const struct fn_node *target = fn_view_resolve(vfs, path);
	const struct fn_view_mount *m = NULL;

	free(path);
	if (!target)
		return false;
	to = fn_vfs_path(target);
	m = fn_view_mount_covering(to);
	free(to);
	return m && m->kernel_net;
}

/* Whether a view the kernel shows under a kernel mode still holds something of the identity's
 * own: a file that does not read the reader's real one (fn_vfs_follow_kernel), as a wireless
 * link's /proc/net/wireless, which no veth has, or a link to a device the kernel lacks (a PCI
 * NIC's /sys/class/net entry). A file cannot be added to every process's /proc/PID/net, so the
 * whole directory is then the tree's, passing the reader's own through. */
static bool holds_own(const struct fn_vfs *vfs, const struct fn_node *dir)
{
	for (size_t i = 0; dir->type == FN_NODE_DIR && i < dir->n_children; i++) {
		const struct fn_node *n = dir->children[i];

		if (n->type == FN_NODE_FILE && (!fn_vfs_reads_real(n) || n->live))
			return true;
		if (n->type == FN_NODE_LINK && !leads_to_kernel(vfs, n))
			return true;
	}
	return false;
}

/* Under a kernel mode: the run's network namespace shows this view itself. */
static bool kernel_shows(const struct fn_vfs *vfs, const struct fn_view_mount *m)
{
	const struct fn_node *n = fn_vfs_lookup(vfs, m->path);

	return m->kernel_net && (!n || !holds_own(vfs, n));
}

/* Under a kernel mode, the kernel's own views below a covered parent stay on top of it. */
static void keep_kernel_net(struct fn_child_plan *plan, const struct fn_vfs *vfs,
			    const char *parent)
{
	size_t len = strlen(parent);

	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];

		if (kernel_shows(vfs, m) && strncmp(m->path, parent, len) == 0 &&
		    m->path[len] == '/' && plan->n_keep < FN_MAX_KEEP)
			plan->keep[plan->n_keep++] = m->path;
	}
}

/* The directory to layer for a file the host lacks: the one it goes in or, where the host lacks
 * that one too, the one that would hold it (/var/lib for /var/lib/dbus/machine-id), and never
 * higher (FN_VIEW_ADD_DEPTH): the layer is read-only, and /var would take all of it along. NULL
 * where neither exists as a directory, or the one found is "/" (an overlay there would hide
 * every other mount). */
static char *layered_parent(const char *path)
{
	char *dir = xstrdup(path), *slash;
	struct stat st;

	for (int up = 0; up < FN_VIEW_ADD_DEPTH && (slash = strrchr(dir, '/')) && slash != dir;
	     up++) {
		*slash = '\0';
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return dir;
		if (stat(dir, &st) == 0 || errno != ENOENT)
			break;
	}
	free(dir);
	return NULL;
}

/* A static file of the view that the host lacks gets a place to be mounted on: the staging tmpfs
 * holds it (or, where the view serves it, an empty file of its mode) and its directory, or the
 * one that would hold that (layered_parent), is layered with the staged one. Returns false where
 * there is none to layer. */
static bool add_missing(struct fn_child_plan *plan, struct fn_overlay_plan *op,
			const struct fn_node *n, const char *path, bool stage_etc)
{
	char *dir = n->type == FN_NODE_FILE ? layered_parent(path) : NULL;

	if (!dir || !fn_plan_layer(plan, dir, false)) {
		free(dir);
		return false;
	}
	op->layer_dirs = xreallocarray(op->layer_dirs, op->n_layer_dirs + 1, sizeof(char *));
	op->layer_dirs[op->n_layer_dirs++] = dir;
	if (!stage_etc)
		fn_plan_add_staged(op, path, "", 0, n->mode);
	return true;
}

/* Whether to leave out a mount whose real path the host lacks (or, for one the host may lack, a
 * link that leads nowhere): a static file is added where it can be; any other mount the host may
 * lack is left out, and the rest go on to say that their path is missing. */
static bool skip_missing(struct fn_child_plan *plan, struct fn_overlay_plan *op,
			 const struct fn_node *n, const struct fn_view_mount *m,
			 const struct fn_plan_opts *o)
{
	struct stat st;

	if (!m->host_may_lack && !m->staged)
		return false;
	if (m->staged && o->create_missing)
		return false;
	if (lstat(m->path, &st) == 0 && (!m->host_may_lack || access(m->path, F_OK) == 0))
		return false;
	if (m->staged && o->add_missing && add_missing(plan, op, n, m->path, o->stage_etc))
		return false;
	return m->host_may_lack;
}

/* Which real paths get which part of the tree: the view's table (lib/view.c), and the
 * /sys/devices directories of the host's own network devices, which stay hidden
 * (hide_host_devices). */
void fn_plan_overlays(struct fn_child_plan *plan, struct fn_overlay_plan *op, struct fn_vfs *vfs,
		      const struct fn_plan_opts *o)
{
	fn_view_pass_real(vfs);
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];
		const struct fn_node *n = fn_vfs_lookup(vfs, m->path);
		const char *target;

		if (o->isolated && kernel_shows(vfs, m) && strncmp(m->path, "/sys/", 5) == 0 &&
		    plan->n_kernel_sys < FN_MAX_KEEP)
			plan->kernel_sys[plan->n_kernel_sys++] = m->path;
		if (!n || m->kernel_uts || (o->isolated && kernel_shows(vfs, m)) ||
		    m->preload_only || has_overlay(plan, m->path) ||
		    skip_missing(plan, op, n, m, o))
			continue;
		target = mount_target(op, vfs, m);
		if (target != m->path) {
			add_overlay(plan, target + 1, target, false, false, m->optional);
			if (o->isolated)
				keep_kernel_net(plan, vfs, target);
			continue;
		}
		/* The tree's directory where the link mounted over the kernel's leads. */
		if (m->kind == FN_MOUNT_KERNEL_LINK &&
		    !add_overlay(plan, m->path + 1, FN_VIEW_PROC_NET_HOME, true, false, false))
			continue;
		if (!add_overlay(plan, fn_view_mount_tree_path(m), m->path, !m->follow,
				 m->read_only, m->optional))
			continue;
		if (m->staged && o->stage_etc)
			stage_file(plan, op, n, m->path);
		plan->overlays[plan->n_overlays - 1].create = m->staged && o->create_missing;
	}
	hide_host_devices(plan, op, vfs);
}

void fn_overlay_plan_free(struct fn_overlay_plan *op)
{
	for (size_t i = 0; i < op->n_device_roots; i++)
		free(op->device_roots[i]);
	free(op->device_roots);
	for (size_t i = 0; i < op->n_layer_dirs; i++)
		free(op->layer_dirs[i]);
	free(op->layer_dirs);
	free(op->staged);
	memset(op, 0, sizeof(*op));
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the real file `st` is already covered, or is the shim itself (an install that put
 * links to the shim on PATH). */
static bool already_covered(const struct fn_tool_plan *tp, const struct stat *st,
			    const struct stat *shim)
{
	if (same_inode(st, shim))
		return true;
	for (size_t i = 0; i < tp->n_binds; i++)
		if (tp->binds[i].dev == st->st_dev && tp->binds[i].ino == st->st_ino)
			return true;
	return false;
}

/* A tool the root lacks is answered in w->missing_dir, a directory on every standard PATH that
 * the view passes through with the shim added, so no PATH entry of fakenet's own is needed. */
static void add_missing_tool(struct fn_tool_plan *tp, struct fn_vfs *vfs,
			     const struct fn_tool_where *w, const char *tool)
{
	struct fn_node *dir, *n;

	if (!w->missing_dir)
		return;
	dir = fn_vfs_mkdir_p(vfs, w->missing_dir);
	if (!dir->passthrough && w->missing_src)
		dir->passthrough = xstrdup(w->missing_src);
	if (fn_vfs_child(dir, tool))
		return;
	n = fn_vfs_add_file(vfs, dir, tool, 0755, FN_FILE_STATIC, NULL, 0);
	n->passthrough = xstrdup(w->shim);
	tp->added_tools = xreallocarray(tp->added_tools, tp->n_added_tools + 1, sizeof(n));
	tp->added_tools[tp->n_added_tools++] = n;
}

/* Every executable of the tool on the standard PATH, each inode once on its resolved path (on a
 * merged-/usr system /sbin/route and /usr/sbin/route are one file). The first one found, the one
 * a search of the standard PATH would run, is the one kept reachable for pass-through. */
static void plan_tool(struct fn_tool_plan *tp, struct fn_vfs *vfs, const struct fn_tool_where *w,
		      const char *tool)
{
	char *dirs = xstrdup(FN_DEFAULT_PATH), *save = NULL;
	bool exposed = false;

	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *path = xasprintf("%s/%s", dir, tool), *real = NULL;
		struct stat st;

		/* Most directories lack most tools, and on a merged /usr the rest are files found
		 * already (/sbin/route is /usr/sbin/route): one stat says so before any resolving.
		 */
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    !already_covered(tp, &st, w->self))
			real = realpath(path, NULL);
		free(path);
		if (!real || access(real, X_OK)) {
			free(real);
			continue;
		}
		tp->binds = xreallocarray(tp->binds, tp->n_binds + 1, sizeof(*tp->binds));
		tp->binds[tp->n_binds].target = real;
		tp->binds[tp->n_binds].dev = st.st_dev;
		tp->binds[tp->n_binds].ino = st.st_ino;
		if (!exposed) {
			tp->real_tools =
			    xreallocarray(tp->real_tools, tp->n_real_tools + 1, sizeof(char *));
			tp->real_paths =
			    xreallocarray(tp->real_paths, tp->n_real_tools + 1, sizeof(char *));
			tp->real_tools[tp->n_real_tools] = tool;
			tp->real_paths[tp->n_real_tools++] = xstrdup(real);
			exposed = true;
		}
		tp->n_binds++;
	}
	free(dirs);
	if (!exposed)
		add_missing_tool(tp, vfs, w, tool);
}

void fn_plan_tool_binds(struct fn_tool_plan *tp, struct fn_child_plan *plan, struct fn_vfs *vfs,
			const struct fn_tool_where *w)
{
	for (size_t i = 0; i < tp->n_tools; i++)
		plan_tool(tp, vfs, w, tp->tools[i]);
	plan->tool_binds = tp->binds;
	plan->n_tool_binds = (int)tp->n_binds;
	if (tp->n_added_tools)
		add_overlay(plan, w->missing_dir + 1, w->missing_dir, false, true, true);
}

int fn_plan_stage(const struct fn_tool_plan *tp, const struct fn_overlay_plan *op, const char *shim,
		  struct fn_staging *st, struct fn_fakefs *fs, struct fn_report *rep)
{
	const char **covered = xcalloc(tp->n_binds + 1, sizeof(*covered));
	int err;

	for (size_t i = 0; i < tp->n_binds; i++)
		covered[i] = tp->binds[i].target;
	err = fn_staging_build(st, shim, covered, tp->n_binds, op->staged, op->n_staged, rep);
	free(covered);
	if (!err && st->shim_ino)
		fn_fakefs_allow_exe(fs, st->shim_dev, st->shim_ino);
	return err;
}

void fn_plan_allow_added(const struct fn_tool_plan *tp, struct fn_fakefs *fs)
{
	struct statx stx;
	dev_t dev;

	/* The device is the mount's superblock's: asked without a sync, no request goes to the
	 * FUSE thread, so the runner goes on to fork the init while that thread starts up. */
	if (!tp->n_added_tools ||
	    statx(fn_fakefs_mount_fd(fs), "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, 0, &stx) < 0)
		return;
	dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	for (size_t i = 0; i < tp->n_added_tools; i++)
		fn_fakefs_allow_exe(fs, dev, tp->added_tools[i]->ino);
}

void fn_tool_plan_free(struct fn_tool_plan *tp)
{
	for (size_t i = 0; i < tp->n_binds; i++)
		free((char *)tp->binds[i].target);
	for (size_t i = 0; i < tp->n_real_tools; i++)
		free(tp->real_paths[i]);
	free(tp->binds);
	free(tp->real_tools);
	free(tp->real_paths);
	free(tp->added_tools);
	memset(tp, 0, sizeof(*tp));
}
