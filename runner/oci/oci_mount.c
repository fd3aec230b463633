/* Placing the view in a container, from a child of the hook's server: the container's init is
 * waiting before pivot_root, so its mount namespace already has the rootfs with its /proc and
 * /sys. The child enters that namespace, chroots into the rootfs and applies the same plan the
 * init of `fakenet run` applies (overlay.c): the views, among them the directory of the image's
 * PATH where the tools it lacks appear, then the shim's copies from the staging tmpfs over each
 * real tool of the image. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fakefs.h"
#include "oci.h"
#include "overlay.h"

static int enter_container(const struct fn_oci_place *p, struct fn_report *rep)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (!err && (chroot(p->rootfs) < 0 || chdir("/") < 0))
		err = -errno;
	if (err)
		fn_fail(rep, err, "entering the mount namespace and root of container pid %d",
			(int)p->pid);
	return err;
}

/* The container's own UTS namespace gets the identity's hostname (a runtime that names one in
 * config.json sets its own afterwards: runc does so after the createRuntime hooks). */
static int set_hostname(const struct fn_oci_place *p, struct fn_report *rep)
{
	char path[64];
	int fd, err = 0;

	if (!p->hostname)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWUTS) < 0 ||
	    sethostname(p->hostname, strlen(p->hostname)) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		fn_fail(rep, err, "setting the hostname of container pid %d", (int)p->pid);
	return err;
}

int fn_oci_place_view(const struct fn_oci_place *p, struct fn_report *rep)
{
	int err = set_hostname(p, rep);

	if (!err)
		err = enter_container(p, rep);

	if (!err)
		err = fn_overlay_apply(p->plan, rep);
	if (!err)
		err = fn_tools_apply(p->plan, rep);
	return err;
}
