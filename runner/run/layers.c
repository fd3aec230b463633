/* Layered directories (layers.h): a read-only overlayfs (no upper layer, so nothing is ever
 * written anywhere) of the real directory with the staging tmpfs's directory of that name above
 * it, and the mounts that were below the directory carried over on top (submounts.h). The staged
 * layer is named by a descriptor, so no path of the staging tmpfs appears in mountinfo. */
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
#include "submounts.h"

bool fn_plan_layer(struct fn_child_plan *plan, const char *dir, bool required)
{
	for (int i = 0; i < plan->n_layers; i++)
		if (strcmp(plan->layers[i].dir, dir) == 0) {
			plan->layers[i].required |= required;
			return true;
		}
	if (plan->n_layers == FN_MAX_LAYERS)
		return false;
	plan->layers[plan->n_layers++] = (struct fn_layer){.dir = dir, .required = required};
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

/* The overlay on `dir`, the mounts below it put back on top; on any failure none of it is left. */
static int layer(int staging_fd, const char *dir, struct fn_report *rep)
{
	int top = openat(staging_fd, dir + 1, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct fn_submounts below;
	char opts[PATH_MAX + 40];
	int err;

	if (top < 0)
		return fn_fail_errno(rep, "cannot overlay %s: its staged layer", dir);
	copy_attributes(staging_fd, dir);
	err = fn_submounts_clone(dir, top, &below, rep);
	snprintf(opts, sizeof(opts), "lowerdir=/proc/self/fd/%d:%s", top, dir);
	if (!err && mount("overlay", dir, "overlay", MS_RDONLY, opts) < 0)
		err = fn_fail_errno(rep, "cannot overlay %s", dir);
	else if (!err && (err = fn_submounts_restore(&below, rep)))
		umount2(dir, MNT_DETACH);
	fn_submounts_free(&below);
	close(top);
	return err;
}

/* A parent's overlay would hide one made below it before: shorter paths go first. */
static int by_length(const void *a, const void *b)
{
	size_t la = strlen(((const struct fn_layer *)a)->dir),
	       lb = strlen(((const struct fn_layer *)b)->dir);

	return (la > lb) - (la < lb);
}

int fn_layers_apply(const struct fn_child_plan *plan, struct fn_report *rep)
{
	struct fn_layer layers[FN_MAX_LAYERS];
	size_t n = (size_t)plan->n_layers;

	if (plan->staging_fd < 0 || n == 0)
		return 0;
	memcpy(layers, plan->layers, n * sizeof(*layers));
	qsort(layers, n, sizeof(*layers), by_length);
	for (size_t i = 0; i < n; i++) {
		int err = layer(plan->staging_fd, layers[i].dir, rep);

		if (!err)
			continue;
		/* Without it a dynamic target would see the host's network, saying nothing. */
		if (layers[i].required) {
			fn_report_hint(rep, "--net host needs it to preload the library; --net nat "
					    "and isolated do not");
			return err;
		}
		/* One that only adds a file the host lacks (overlays stacked to the kernel's depth
		 * limit there already) costs only that file: the run goes on and says so. */
		dprintf(2, "fakenet: warning: %s (%s); what the view adds there is not shown\n",
			rep->what, strerror(-err));
	}
	return 0;
}
