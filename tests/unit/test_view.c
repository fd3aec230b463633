/* The table of the view's mounts (lib/view.c): well-formed entries that never overlap, the mount
 * covering a path, and which of them a tree holds or passes through. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "util.h"
#include "view.h"
#include "view_walk.h"

/* Absolute, no trailing '/', no "." or ".." or "//", and no mount inside another: each real path
 * is covered by exactly one entry. A preload-only entry (/dev, for the disks' nodes) is never
 * mounted, so it may hold mounts of its own, listed before it so that they cover their paths. */
static void test_entries_are_absolute_and_disjoint(void **state)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const char *p = fn_view_mounts[i].path;
		size_t len = strlen(p);

		assert_true(len > 1 && p[0] == '/' && p[len - 1] != '/');
		assert_null(strstr(p, "//"));
		assert_null(strstr(p, "/."));
		assert_ptr_equal(fn_view_mount_covering(p), &fn_view_mounts[i]);
		for (size_t k = 0; k < fn_n_view_mounts; k++) {
			const char *q = fn_view_mounts[k].path;
			size_t qlen = strlen(q);

			if (k == i || (fn_view_mounts[k].preload_only && k > i))
				continue;
			assert_false(strncmp(p, q, qlen) == 0 && (p[qlen] == '/' || !p[qlen]));
		}
	}
}

/* A staged entry is a file, a link entry never follows, and only directories pass real ones. */
static void test_kinds_and_flags_agree(void **state)
{
	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];

		if (m->staged)
			assert_int_equal(m->kind, FN_MOUNT_FILE);
		if (m->kind == FN_MOUNT_LINK || m->kind == FN_MOUNT_KERNEL_LINK)
			assert_false(m->follow);
		/* Only the kernel's links need a node of their own to mount. */
		if (m->tree_path)
			assert_int_equal(m->kind, FN_MOUNT_KERNEL_LINK);
		if (m->pass_real)
			assert_int_equal(m->kind, FN_MOUNT_DIR);
		assert_non_null(fn_view_mount_tree_path(m));
		assert_true(fn_view_mount_tree_path(m)[0] != '/');
	}
}

static void test_covering(void **state)
{
	const struct fn_view_mount *m = fn_view_mount_covering("/sys/class/net/eth0/address");

	assert_non_null(m);
	assert_string_equal(m->path, "/sys/class/net");
	assert_string_equal(fn_view_mount_tree_path(m), "sys/class/net");
	assert_string_equal(fn_view_mount_covering("/etc/hosts")->path, "/etc/hosts");
	/* Look-alike names and parents are not covered. */
	assert_null(fn_view_mount_covering("/sys/class/network"));
	assert_null(fn_view_mount_covering("/etc/hosts.allow"));
	assert_null(fn_view_mount_covering("/sys/class"));
	assert_null(fn_view_mount_covering("/etc/passwd"));
	/* /proc/net is a link of the kernel's; its node is the FUSE root's link. */
	m = fn_view_mount_covering("/proc/net/route");
	assert_int_equal(m->kind, FN_MOUNT_KERNEL_LINK);
	assert_string_equal(fn_view_mount_tree_path(m), FN_VIEW_PROC_NET_LINK);
}

/* Only the pass_real directories the tree holds pass their real directory through. */
static void test_pass_real(void **state)
{
	struct fn_vfs *vfs = fn_vfs_new();
	struct fn_node *devices = fn_vfs_mkdir_p(vfs, "/sys/bus/pci/devices");
	struct fn_node *class = fn_vfs_mkdir_p(vfs, "/sys/class/net");

	assert_int_equal(fn_view_pass_real(vfs), 1);
	assert_string_equal(devices->passthrough, "/sys/bus/pci/devices");
	assert_null(class->passthrough);
	assert_null(fn_vfs_lookup(vfs, "/sys/bus/pci/drivers"));
	assert_true(fn_view_mount_in_tree(vfs, fn_view_mount_covering("/sys/class/net")));
	assert_false(fn_view_mount_in_tree(vfs, fn_view_mount_covering("/etc/hosts")));
	fn_vfs_free(vfs);
}

/* A tree shaped like the view's: /sys/class/net/eth0 links into /sys/devices/virtual/net, /proc/net
 * passes the reader's real one through, and a link loops. */
static struct fn_vfs *view_tree(void)
{
	struct fn_vfs *vfs = fn_vfs_new();
	struct fn_node *class = fn_vfs_mkdir_p(vfs, "/sys/class/net");
	struct fn_node *dev = fn_vfs_mkdir_p(vfs, "/sys/devices/virtual/net/eth0");
	struct fn_node *net = fn_vfs_mkdir_p(vfs, "/proc/net");

	fn_vfs_add_file(vfs, dev, "address", 0444, FN_FILE_SYSFS, xstrdup("x\n"), 2);
	fn_vfs_add_link(vfs, class, "eth0", "../../devices/virtual/net/eth0");
	fn_vfs_add_link(vfs, class, "loop", "loop");
	fn_vfs_add_link(vfs, class, "out", "../../kernel");
	fn_vfs_add_file(vfs, net, "route", 0444, FN_FILE_PROCFS, xstrdup("r"), 1);
	net->passthrough = xstrdup("/proc/%d/net");
	return vfs;
}

static struct fn_walk walk(const struct fn_vfs *vfs, const char *path, unsigned flags)
{
	static char real[4096];
	struct fn_walk w = {.real = real, .real_size = sizeof(real)};

	fn_view_walk(vfs, path, FN_WALK_MOUNTS | flags, 42, &w);
	return w;
}

/* The walk of `path` ends at the real path `want`. */
static void assert_real(const struct fn_vfs *vfs, const char *path, const char *want)
{
	struct fn_walk w = walk(vfs, path, 0);

	assert_int_equal(w.kind, FN_WALK_REAL);
	assert_string_equal(w.real, want);
}

static void test_walk_mounts(void **state)
{
	struct fn_vfs *vfs = view_tree();
	struct fn_node *addr = fn_vfs_lookup(vfs, "/sys/devices/virtual/net/eth0/address");
	char long_path[5000];

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	memcpy(long_path, "/sys/class/net/", 15);
	assert_ptr_equal(walk(vfs, "/sys/class/net/eth0/address", 0).node, addr);
	assert_ptr_equal(walk(vfs, "/sys//class/./net/eth0/../eth0/address", 0).node, addr);
	/* Outside every mount, and a mount the tree lacks: the real path as given. */
	assert_int_equal(walk(vfs, "/sys/class", 0).kind, FN_WALK_NONE);
	assert_int_equal(walk(vfs, "/etc/passwd", 0).kind, FN_WALK_NONE);
	assert_int_equal(walk(vfs, "/etc/hosts", 0).kind, FN_WALK_NONE);
	/* Out of a mount through "..", or through a link of the tree: the real filesystem again. */
	assert_real(vfs, "/sys/class/net/../block", "/sys/class/block");
	assert_real(vfs, "/sys/class/net/out/x", "/sys/kernel/x");
	assert_int_equal(walk(vfs, "/sys/class/net/nope", 0).err, ENOENT);
	assert_int_equal(walk(vfs, "/sys/class/net/eth0/address/x", 0).err, ENOTDIR);
	assert_int_equal(walk(vfs, "/sys/class/net/loop", FN_WALK_FOLLOW).err, ELOOP);
	assert_int_equal(walk(vfs, long_path, 0).err, ENAMETOOLONG);
	/* A final link is the tree's node unless followed. */
	assert_int_equal(walk(vfs, "/sys/class/net/eth0", 0).node->type, FN_NODE_LINK);
	assert_int_equal(walk(vfs, "/sys/class/net/eth0", FN_WALK_FOLLOW).node->type, FN_NODE_DIR);
	fn_vfs_free(vfs);
}

/* /proc/net: the kernel's link itself stays real, its aliases are the view, and what the tree
 * lacks is the reader's own real file. */
static void test_walk_proc_net(void **state)
{
	static const char *const names[] = {"/proc/net/route", "/proc/self/net/route",
					    "/proc/thread-self/net/route", "/proc/42/net/route"};
	struct fn_vfs *vfs = view_tree();
	struct fn_node *route = fn_vfs_lookup(vfs, "/proc/net/route");

	assert_int_equal(walk(vfs, "/proc/net", 0).kind, FN_WALK_NONE);
	assert_ptr_equal(walk(vfs, "/proc/net", FN_WALK_FOLLOW).node,
			 fn_vfs_lookup(vfs, "/proc/net"));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_ptr_equal(walk(vfs, names[i], 0).node, route);
	/* Another process's is its own. */
	assert_int_equal(walk(vfs, "/proc/43/net/route", 0).kind, FN_WALK_NONE);
	assert_real(vfs, "/proc/self/net/tcp", "/proc/42/net/tcp");
	fn_vfs_free(vfs);
}

static int n_asked;

/* The host's stat for the walk: a host with /etc, /var and /var/lib, without /var/lib/dbus (or,
 * with bare_var, without /var/lib either). */
static bool bare_var;
static int minimal_host(const char *path, struct stat *st)
{
	n_asked++;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/etc") == 0 || strcmp(path, "/var") == 0 ||
	    (!bare_var && strcmp(path, "/var/lib") == 0)) {
		st->st_mode = S_IFDIR | 0755;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

/* The directories on the way to a static file the host lacks are the tree's, only where the host
 * lacks them, only on the way to one, and only where run adds it (lib/view.h, FN_VIEW_ADD_DEPTH):
 * /var/lib/dbus here, never /etc, /var or /var/lib, and nothing where the host lacks /var/lib. */
static void test_walk_absent_dirs(void **state)
{
	static char real[4096];
	struct fn_vfs *vfs = fn_vfs_new();
	struct fn_node *dbus = fn_vfs_mkdir_p(vfs, "/var/lib/dbus");
	struct fn_node *id =
	    fn_vfs_add_file(vfs, dbus, "machine-id", 0644, FN_FILE_STATIC, xstrdup("x\n"), 2);
	struct fn_walk w = {.real = real, .real_size = sizeof(real), .real_stat = minimal_host};
	const struct fn_view_mount *m = fn_view_mount_covering("/var/lib/dbus/machine-id");

	fn_vfs_add_file(vfs, fn_vfs_mkdir_p(vfs, "/etc"), "machine-id", 0444, FN_FILE_STATIC,
			xstrdup("x\n"), 2);
	assert_true(fn_view_static_below(vfs, m, "/var/lib", 8));
	assert_true(fn_view_static_below(vfs, m, "/var/lib/dbus", 13));
	/* Run layers no higher than /var/lib for it. */
	assert_false(fn_view_static_below(vfs, m, "/var", 4));
	assert_false(fn_view_static_below(vfs, m, "/", 0));
	assert_false(fn_view_static_below(vfs, m, "/var/lib/dbus/machine-id", 24));
	assert_false(fn_view_static_below(vfs, m, "/var/li", 7));
	assert_false(fn_view_static_below(vfs, m, "/sys", 4));
	/* A static file the tree lacks (/etc/hosts here) adds nothing. */
	assert_false(fn_view_static_below(vfs, fn_view_mount_covering("/etc/hosts"), "/etc", 4));
#define WALK(path, flags) (fn_view_walk(vfs, path, FN_WALK_MOUNTS | (flags), 42, &w), w)
	assert_ptr_equal(WALK("/var/lib/dbus", 0).node, dbus);
	assert_ptr_equal(WALK("/var/lib/dbus/../dbus/./machine-id", 0).node, id);
	/* Up to what the host has: its own again. */
	assert_int_equal(WALK("/var/lib/dbus/..", FN_WALK_FOLLOW).kind, FN_WALK_REAL);
	assert_string_equal(real, "/var/lib");
	assert_int_equal(WALK("/var/lib", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/var/lib/..", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/var", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/etc", 0).kind, FN_WALK_NONE);
	/* Below it, a name the tree lacks is missing either way: the host says so. */
	assert_int_equal(WALK("/var/lib/dbus/nope", 0).kind, FN_WALK_NONE);
	/* Not on the way to a static file: the host's, missing as it is. */
	assert_int_equal(WALK("/var/cache", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/var/lib/dbusx", 0).kind, FN_WALK_NONE);
	/* A name on the way to no static file is missing either way: the host is not asked. */
	n_asked = 0;
	assert_int_equal(WALK("/etc/passwd", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/var/cache/x", 0).kind, FN_WALK_NONE);
	assert_int_equal(n_asked, 0);
	assert_ptr_equal(WALK("/var/lib/dbus/machine-id", 0).node, id);
	assert_int_equal(n_asked, 2);
	/* A host without /var/lib: run would have to layer /var, and adds nothing there. */
	bare_var = true;
	assert_int_equal(WALK("/var/lib", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/var/lib/dbus", 0).kind, FN_WALK_NONE);
	assert_int_equal(WALK("/var/lib/dbus/machine-id", 0).kind, FN_WALK_NONE);
	/* /etc/machine-id is added from /etc: one question, whether /etc is the host's. */
	n_asked = 0;
	assert_non_null(WALK("/etc/machine-id", 0).node);
	assert_int_equal(n_asked, 1);
	bare_var = false;
	/* Without a stat to ask, every such directory is the host's. */
	w.real_stat = NULL;
	assert_int_equal(WALK("/var/lib/dbus", 0).kind, FN_WALK_NONE);
#undef WALK
	fn_vfs_free(vfs);
}

/* The kernel link's parts (lib/view.c) are the table's one FN_MOUNT_KERNEL_LINK entry's path:
 * its directory with the '/', then its name. */
static void test_kernel_link_is_the_tables(void **state)
{
	const struct fn_view_kernel_link *k = &fn_view_kernel_link;
	size_t links = 0;

	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		if (fn_view_mounts[i].kind != FN_MOUNT_KERNEL_LINK)
			continue;
		links++;
		assert_string_equal(fn_view_mounts[i].path, k->path);
	}
	assert_int_equal(links, 1);
	assert_int_equal(strlen(k->path), k->len);
	assert_int_equal(strlen(k->name), k->name_len);
	assert_int_equal(k->dir_len + k->name_len, k->len);
	assert_int_equal(k->path[k->dir_len - 1], '/');
	assert_string_equal(k->path + k->dir_len, k->name);
	assert_null(strchr(k->name, '/'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries_are_absolute_and_disjoint),
	    cmocka_unit_test(test_kinds_and_flags_agree),
	    cmocka_unit_test(test_covering),
	    cmocka_unit_test(test_pass_real),
	    cmocka_unit_test(test_walk_mounts),
	    cmocka_unit_test(test_walk_proc_net),
	    cmocka_unit_test(test_walk_absent_dirs),
	    cmocka_unit_test(test_kernel_link_is_the_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
