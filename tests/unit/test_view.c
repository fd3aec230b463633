/* The table of the view's mounts (lib/view.c): well-formed entries that never overlap, the mount
 * covering a path, and which of them a tree holds or passes through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "view.h"

static struct fn_vfs *empty_tree(void)
{
	struct fn_vfs *vfs = xcalloc(1, sizeof(*vfs));

	vfs->next_ino = 1;
	vfs->root = xcalloc(1, sizeof(*vfs->root));
	vfs->root->name = xstrdup("");
	vfs->root->type = FN_NODE_DIR;
	vfs->root->mode = 0755;
	vfs->root->ino = vfs->next_ino++;
	return vfs;
}

/* Absolute, no trailing '/', no "." or ".." or "//", and no mount inside another: each real path
 * is covered by exactly one entry. */
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

			if (k == i)
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
		if (m->kind == FN_MOUNT_LINK)
			assert_false(m->follow);
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
	assert_int_equal(m->kind, FN_MOUNT_LINK);
	assert_string_equal(fn_view_mount_tree_path(m), FN_VIEW_PROC_NET_LINK);
}

/* Only the pass_real directories the tree holds pass their real directory through. */
static void test_pass_real(void **state)
{
	struct fn_vfs *vfs = empty_tree();
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries_are_absolute_and_disjoint),
	    cmocka_unit_test(test_kinds_and_flags_agree),
	    cmocka_unit_test(test_covering),
	    cmocka_unit_test(test_pass_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
