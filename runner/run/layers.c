/* Layered directories (layers.h): a read-only overlayfs (no upper layer, so nothing is ever
 * written anywhere) of the real directory with the staging tmpfs's directory of that name above
 * it. The staged layer is named by a descriptor, so no path of the staging tmpfs appears in
 * mountinfo. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layers.h"

bool fn_plan_layer(struct fn_child_plan *plan, const char *dir)
{
	for (int i = 0; i < plan->n_layers; i++)
		if (strcmp(plan->layers[i], dir) == 0)
			return true;
	if (plan->n_layers == FN_MAX_LAYERS)
		return false;
	plan->layers[plan->n_layers++] = dir;
	return true;
}

/* The merged directory shows the top layer's owner, mode and times: the real directory's. */
static void copy_attributes(int staging_fd, const char *dir)
{
	struct timespec times[2];
	struct stat st;

	if (stat(dir, &st) < 0)
		return;
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	fchownat(staging_fd, dir + 1, st.st_uid, st.st_gid, 0);
	fchmodat(staging_fd, dir + 1, st.st_mode & 07777, 0);
	utimensat(staging_fd, dir + 1, times, 0);
}

static int layer(int staging_fd, const char *dir)
{
	int top = openat(staging_fd, dir + 1, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char opts[PATH_MAX + 40];
	int err = 0;

	if (top < 0)
		return -errno;
	copy_attributes(staging_fd, dir);
	snprintf(opts, sizeof(opts), "lowerdir=/proc/self/fd/%d:%s", top, dir);
	if (mount("overlay", dir, "overlay", MS_RDONLY, opts) < 0)
		err = -errno;
	close(top);
	return err;
}

/* A parent's overlay would hide one made below it before: shorter paths go first. */
static int by_length(const void *a, const void *b)
{
	size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);

	return (la > lb) - (la < lb);
}

void fn_layers_apply(const struct fn_child_plan *plan)
{
	const char *dirs[FN_MAX_LAYERS];
	size_t n = (size_t)plan->n_layers;

	if (plan->staging_fd < 0 || n == 0)
		return;
	memcpy(dirs, plan->layers, n * sizeof(*dirs));
	qsort(dirs, n, sizeof(*dirs), by_length);
	/* A directory that cannot be layered (overlays stacked to the kernel's depth limit there
	 * already) costs only what it would have added: the run goes on and says so. */
	for (size_t i = 0; i < n; i++) {
		int err = layer(plan->staging_fd, dirs[i]);

		if (err)
			dprintf(2,
				"fakenet: warning: cannot overlay %s (%s); what the view adds "
				"there is not shown\n",
				dirs[i], strerror(-err));
	}
}
