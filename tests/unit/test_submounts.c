/* Which mounts below a layered directory run carries over its overlay (runner/run/submounts.c),
 * picked from mountinfo text in the kernel's format (proc(5), show_mountinfo): the mounts on the
 * directory's own mount strictly below it, mount points unescaped, and none hidden by another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "submounts.h"

/* Picks from `info` and checks the result is exactly the NULL-terminated `want`, in order. */
static void expect_pick(const char *info, int parent, const char *dir, const char *const *want)
{
	char **paths;
	size_t n = fn_submounts_pick(info, parent, dir, &paths), i;

	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(paths[i], want[i]);
	}
	assert_int_equal(n, i);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* The root filesystem holds /var/lib; a volume, a tmpfs and a bind of a file are on it below
 * /var/lib, a nested mount is on the volume, and /proc and /var/libx are elsewhere. */
static void picks_the_mounts_directly_below(void **state)
{
	(void)state;
	expect_pick("22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		    "23 22 0:5 / /proc rw,nosuid - proc proc rw\n"
		    "30 22 254:1 / /var/lib/docker rw - ext4 /dev/vdb rw\n"
		    "31 30 0:40 / /var/lib/docker/overlay2/x/merged rw - overlay overlay rw\n"
		    "32 22 0:41 / /var/lib/foo rw - tmpfs tmpfs rw\n"
		    "33 22 254:0 /srv/conf /var/lib/app.conf rw - ext4 /dev/vda rw\n"
		    "34 22 0:42 / /var/libx rw - tmpfs tmpfs rw\n"
		    "35 22 0:43 / /var/lib rw - tmpfs tmpfs rw\n",
		    22, "/var/lib",
		    (const char *[]){"/var/lib/docker", "/var/lib/foo", "/var/lib/app.conf", NULL});
}

/* A mount whose mount point another mount covered later is hidden: it is not carried over. */
static void leaves_out_hidden_mounts(void **state)
{
	(void)state;
	expect_pick("40 1 0:50 / /etc rw - overlay overlay rw\n"
		    "45 40 0:55 / /etc/z rw - tmpfs tmpfs rw\n"
		    "41 40 0:51 / /etc/a/b rw - tmpfs tmpfs rw\n"
		    "46 40 0:56 / /etc/y rw - tmpfs tmpfs rw\n"
		    "42 40 0:52 / /etc/a rw - tmpfs tmpfs rw\n"
		    "43 40 0:53 / /etc/a/b/c rw - tmpfs tmpfs rw\n"
		    "44 40 0:54 / /etc/ab rw - tmpfs tmpfs rw\n",
		    40, "/etc", (const char *[]){"/etc/z", "/etc/y", "/etc/a", "/etc/ab", NULL});
}

/* Space, tab, newline and backslash in a mount point are \040, \011, \012 and \134. */
static void unescapes_mount_points(void **state)
{
	(void)state;
	expect_pick("50 1 0:60 / /etc rw - ext4 /dev/vda rw\n"
		    "51 50 0:61 / /etc/my\\040dir\\011x\\134y rw - tmpfs tmpfs rw\n"
		    "52 50 0:62 / /etc/new\\012line rw - tmpfs tmpfs rw",
		    50, "/etc", (const char *[]){"/etc/my dir\tx\\y", "/etc/new\nline", NULL});
}

/* No mount below, or text that is no mountinfo: nothing to carry. */
static void nothing_below(void **state)
{
	char **paths = (char **)1;

	(void)state;
	assert_int_equal(
	    fn_submounts_pick("60 1 0:70 / /etc rw - ext4 /dev/vda rw\n", 60, "/etc", &paths), 0);
	assert_null(paths);
	assert_int_equal(fn_submounts_pick("garbage\n\n61 60\n", 60, "/etc", &paths), 0);
	assert_null(paths);
	assert_int_equal(fn_submounts_pick("", 60, "/etc", &paths), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(picks_the_mounts_directly_below),
	    cmocka_unit_test(leaves_out_hidden_mounts),
	    cmocka_unit_test(unescapes_mount_points),
	    cmocka_unit_test(nothing_below),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
