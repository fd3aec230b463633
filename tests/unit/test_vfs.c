/* The tree primitives of lib/vfs.c: building, lookups that do not follow links, resolution that
 * follows them the way the kernel would (relative to the link's directory, "..", chains, loops),
 * node paths and inode numbering. The trees are built by hand, so no identity is involved. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "vfs.h"
#include "view_walk.h"

static struct fn_node *add_text(struct fn_vfs *vfs, const char *dir, const char *name,
				const char *text)
{
	return fn_vfs_add_file(vfs, fn_vfs_mkdir_p(vfs, dir), name, 0444, FN_FILE_SYSFS,
			       xstrdup(text), strlen(text));
}

/* The shape of /sys/class/net: relative links into /sys/devices. */
static int setup(void **state)
{
	struct fn_vfs *vfs = fn_vfs_new();
	struct fn_node *class = fn_vfs_mkdir_p(vfs, "/sys/class/net");

	add_text(vfs, "/sys/devices/virtual/net/eth0", "address", "02:42:ac:12:00:02\n");
	fn_vfs_add_link(vfs, class, "eth0", "../../devices/virtual/net/eth0");
	fn_vfs_add_link(vfs, fn_vfs_lookup(vfs, "/sys/devices/virtual/net/eth0"), "subsystem",
			"../../../../class/net");
	fn_vfs_add_link(vfs, class, "abs", "/sys/devices/virtual/net/eth0/address");
	fn_vfs_add_link(vfs, class, "chain", "abs");
	fn_vfs_add_link(vfs, class, "loop1", "loop2");
	fn_vfs_add_link(vfs, class, "loop2", "loop1");
	fn_vfs_add_link(vfs, class, "outside", "../../../../../../etc/hosts");
	add_text(vfs, "/etc", "hosts", "127.0.0.1\tlocalhost\n");
	*state = vfs;
	return 0;
}

static int teardown(void **state)
{
	fn_vfs_free(*state);
	return 0;
}

static void test_mkdir_p_reuses_directories(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *a = fn_vfs_mkdir_p(vfs, "/sys/class/net");
	struct fn_node *b = fn_vfs_mkdir_p(vfs, "//sys/class//net/");

	assert_ptr_equal(a, b);
	assert_int_equal(a->type, FN_NODE_DIR);
	assert_ptr_equal(fn_vfs_add_dir(vfs, a->parent, "net", 0555), a);
	assert_string_equal(a->parent->name, "class");
}

static void test_lookup_does_not_follow_links(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *n = fn_vfs_lookup(vfs, "/sys/class/net/eth0");

	assert_non_null(n);
	assert_int_equal(n->type, FN_NODE_LINK);
	assert_string_equal(n->content, "../../devices/virtual/net/eth0");
	assert_null(fn_vfs_lookup(vfs, "/sys/class/net/eth0/address"));
	assert_null(fn_vfs_lookup(vfs, "/sys/class/net/missing"));
	/* A file has no children. */
	assert_null(fn_vfs_lookup(vfs, "/etc/hosts/x"));
	assert_ptr_equal(fn_vfs_lookup(vfs, "/"), vfs->root);
}

static void test_resolve_relative_link(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *dir = fn_view_resolve(vfs, "/sys/class/net/eth0");
	struct fn_node *addr = fn_view_resolve(vfs, "/sys/class/net/eth0/address");

	assert_ptr_equal(dir, fn_vfs_lookup(vfs, "/sys/devices/virtual/net/eth0"));
	assert_ptr_equal(addr, fn_vfs_lookup(vfs, "/sys/devices/virtual/net/eth0/address"));
	assert_string_equal(addr->content, "02:42:ac:12:00:02\n");
	/* Back up through a link into the class directory: subsystem/eth0/address. */
	assert_ptr_equal(fn_view_resolve(vfs, "/sys/class/net/eth0/subsystem/eth0/address"), addr);
}

static void test_resolve_absolute_and_chained_links(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *addr = fn_vfs_lookup(vfs, "/sys/devices/virtual/net/eth0/address");

	assert_ptr_equal(fn_view_resolve(vfs, "/sys/class/net/abs"), addr);
	assert_ptr_equal(fn_view_resolve(vfs, "/sys/class/net/chain"), addr);
}

static void test_resolve_dots(void **state)
{
	struct fn_vfs *vfs = *state;

	assert_ptr_equal(fn_view_resolve(vfs, "/sys/./class/../class/net/./eth0/address"),
			 fn_vfs_lookup(vfs, "/sys/devices/virtual/net/eth0/address"));
	/* ".." at the root stays at the root, as in the kernel. */
	assert_ptr_equal(fn_view_resolve(vfs, "/../../etc/hosts"),
			 fn_vfs_lookup(vfs, "/etc/hosts"));
	assert_ptr_equal(fn_view_resolve(vfs, "/sys/class/net/outside"),
			 fn_vfs_lookup(vfs, "/etc/hosts"));
}

static void test_resolve_loops_and_misses_give_null(void **state)
{
	struct fn_vfs *vfs = *state;

	assert_null(fn_view_resolve(vfs, "/sys/class/net/loop1"));
	assert_null(fn_view_resolve(vfs, "/sys/class/net/eth0/nope"));
	assert_null(fn_view_resolve(vfs, "/etc/hosts/x"));
}

static void test_path_of_node(void **state)
{
	struct fn_vfs *vfs = *state;
	char *p = fn_vfs_path(fn_view_resolve(vfs, "/sys/class/net/eth0/address"));
	char *root = fn_vfs_path(vfs->root);

	assert_string_equal(p, "/sys/devices/virtual/net/eth0/address");
	assert_string_equal(root, "/");
	free(p);
	free(root);
}

static void collect_inos(const struct fn_node *n, unsigned char *seen, unsigned long max)
{
	assert_true(n->ino >= 1 && n->ino < max);
	assert_int_equal(seen[n->ino], 0);
	seen[n->ino] = 1;
	for (size_t i = 0; i < n->n_children; i++) {
		assert_ptr_equal(n->children[i]->parent, n);
		collect_inos(n->children[i], seen, max);
	}
}

static void test_inodes_unique_and_root_is_one(void **state)
{
	struct fn_vfs *vfs = *state;
	unsigned char *seen = xcalloc(vfs->next_ino, 1);

	assert_int_equal(vfs->root->ino, 1);
	collect_inos(vfs->root, seen, vfs->next_ino);
	free(seen);
}

static void test_file_without_content_is_empty(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *f = fn_vfs_add_file(vfs, vfs->root, "empty", 0444, FN_FILE_PROCFS, NULL, 7);

	assert_non_null(f->content);
	assert_int_equal(f->len, 0);
	assert_string_equal(f->content, "");
}

/* A file backed by a host file named through a link (the OCI hook's /proc/self/fd/N) has the
 * file's attributes, not the link's: a magic link's size would cut reads and execs short. */
static void test_backed_file_follows_a_link(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *f = fn_vfs_add_file(vfs, vfs->root, "tool", 0555, FN_FILE_STATIC, NULL, 0);
	struct stat real, st;

	f->passthrough = xstrdup("/proc/self/exe");
	assert_int_equal(stat("/proc/self/exe", &real), 0);
	assert_int_equal(fn_vfs_stat(f, 0, lstat, stat, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0555);
	assert_int_equal(st.st_ino, f->ino);
	assert_true(real.st_size > 0);
	assert_int_equal(st.st_size, real.st_size);
}

/* A rewrite that upper-cases the real text (a stand-in for /proc/cpuinfo's). */
static void shout(const void *arg, const char *real, size_t len, struct fn_buf *out)
{
	for (size_t i = 0; i < len; i++)
		fn_buf_printf(out, "%c", real[i] >= 'a' && real[i] <= 'z' ? real[i] - 32 : real[i]);
}

/* A file that reads a real one is one kind, rewritten or not: its real file is the reader's
 * ("%d"), read at every open, and its attributes are the tree's (procfs: size 0, no blocks). */
static void test_reads_real_with_and_without_rewrite(void **state)
{
	struct fn_vfs *vfs = *state;
	struct fn_node *dir = fn_vfs_mkdir_p(vfs, "/proc");
	struct fn_node *plain = fn_vfs_add_file(vfs, dir, "plain", 0444, FN_FILE_PROCFS, NULL, 0);
	struct fn_node *loud = fn_vfs_add_file(vfs, dir, "loud", 0444, FN_FILE_PROCFS, NULL, 0);
	char want[64], *text;
	struct stat st;
	size_t len;
	FILE *f;

	fn_vfs_read_real(plain, "/proc/%d/comm");
	fn_vfs_read_real(loud, "/proc/%d/comm");
	loud->live = shout;
	assert_true(fn_vfs_reads_real(plain));
	assert_true(fn_vfs_reads_real(loud));
	assert_false(fn_vfs_node_backed(loud));
	f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);

	assert_int_equal(fn_vfs_node_text(plain, getpid(), &text, &len), 0);
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(fn_vfs_node_text(loud, getpid(), &text, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_string_equal(text, "TEST_VFS\n");
	free(text);
	/* No reader to fill "%d": no file. */
	assert_int_equal(fn_vfs_node_text(loud, 0, &text, &len), -ENOENT);
	assert_int_equal(fn_vfs_stat(loud, getpid(), lstat, stat, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 0);
	assert_int_equal(st.st_blocks, 0);
	assert_int_equal(st.st_ino, loud->ino);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_mkdir_p_reuses_directories, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lookup_does_not_follow_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_relative_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_absolute_and_chained_links, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_dots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_loops_and_misses_give_null, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_path_of_node, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backed_file_follows_a_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inodes_unique_and_root_is_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_without_content_is_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reads_real_with_and_without_rewrite, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
