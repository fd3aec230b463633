/* /sys/fs/TYPE under an identity with disks, built from a host sysfs of either shape: the root
 * filesystem on a partition (vda1, as on most hosts) or on a whole disk (vda). Either way the
 * root's directory shows under the identity's device for it, as the kernel names it after the
 * device the filesystem is on: the first disk's root partition (sda1, the largest of several), or
 * the disk when it has none; the host's devices are gone and the type's own entries stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "diag.h"
#include "identity.h"
#include "identity_parse.h"
#include "vfs.h"
#include "vfs_build.h"

#define HEAD                                                                                       \
	"version: 1\nhostname: box\ninterfaces:\n"                                                 \
	"  - {name: eth0, mac: 02:42:ac:12:00:02, addresses: [172.18.0.2/16]}\n"                   \
	"system:\n  disks:\n"                                                                      \
	"    - {name: sda, model: M, serial: S, size: 500107862016, firmware: F"

static struct fn_identity *load(const char *yaml)
{
	struct fn_diags diags;
	struct fn_identity *id;

	fn_diags_init(&diags, "test.yaml");
	id = fn_identity_load_buffer("test.yaml", yaml, strlen(yaml), &diags);
	fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	assert_non_null(id);
	return id;
}

static void run(const char *fmt, const char *dir)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
}

/* A host sysfs in a temporary directory: ext4 mounted from `root` (the root filesystem, dev
 * 254:`minor`, a partition of vda or vda itself) and from vdb, which is no root. */
static char *host_sysfs(const char *root, unsigned minor)
{
	char *dir = strdup("/tmp/fn-vfs-fs-XXXXXX"), cmd[512];

	assert_non_null(mkdtemp(dir));
	run("mkdir -p %s/fs/ext4/features %s/fs/ext4/vdb %s/class/block %s/dev/block", dir);
	snprintf(
	    cmd, sizeof(cmd),
	    "cd %s && mkdir fs/ext4/%s && touch class/block/vda class/block/vdb "
	    "class/block/%s && ln -s ../../devices/pci0000:00/virtio1/block/%s dev/block/254:%u",
	    dir, root, root, minor ? "vda/vda1" : "vda", minor);
	assert_int_equal(system(cmd), 0);
	return dir;
}

static void remove_tree(char *dir)
{
	run("rm -rf %s", dir);
	free(dir);
}

/* /sys/fs/ext4 holds the type's features and `shown`, which passes the host's root's directory
 * through, and nothing of the host's. */
static void expect(const char *yaml, const char *root, unsigned minor, const char *shown)
{
	struct fn_identity *id = load(yaml);
	char *sys = host_sysfs(root, minor), real[512];
	struct fn_vfs *vfs = fn_vfs_new();
	const struct fn_node *dir, *n;

	fn_vfs_build_fs_from(vfs, id, sys, makedev(254, minor));
	dir = fn_vfs_lookup(vfs, "/sys/fs/ext4");
	assert_non_null(dir);
	assert_non_null(fn_vfs_child(dir, "features"));
	assert_null(fn_vfs_child(dir, "vdb"));
	assert_null(fn_vfs_child(dir, root));
	n = fn_vfs_child(dir, shown);
	assert_non_null(n);
	snprintf(real, sizeof(real), "%s/fs/ext4/%s", sys, root);
	assert_string_equal(n->passthrough, real);
	/* Nothing else: the type's own entry and the root's. */
	assert_int_equal(dir->n_children, 2);
	fn_vfs_free(vfs);
	fn_identity_free(id);
	remove_tree(sys);
}

/* A disk without `partitions:` has one: the root is on sda1, whichever shape the host's is. */
static void test_root_on_partition(void **state)
{
	(void)state;
	expect(HEAD "}\n", "vda1", 1, "sda1");
}

static void test_root_on_whole_disk(void **state)
{
	(void)state;
	expect(HEAD "}\n", "vda", 0, "sda1");
}

/* An EFI partition then the root: the root is the larger, sda2. */
static void test_root_beside_efi(void **state)
{
	(void)state;
	expect(HEAD ", partitions: [{size: 536870912, type: efi}, {}]}\n", "vda1", 1, "sda2");
	expect(HEAD ", partitions: [{size: 536870912, type: efi}, {}]}\n", "vda", 0, "sda2");
}

/* A disk left bare: the filesystem is on the disk itself. */
static void test_bare_disk(void **state)
{
	(void)state;
	expect(HEAD ", partitions: []}\n", "vda1", 1, "sda");
	expect(HEAD ", partitions: []}\n", "vda", 0, "sda");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_on_partition),
	    cmocka_unit_test(test_root_on_whole_disk),
	    cmocka_unit_test(test_root_beside_efi),
	    cmocka_unit_test(test_bare_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
