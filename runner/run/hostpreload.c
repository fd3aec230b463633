/* The preload library under `--net host` (hostpreload.h). A process finds nothing of fakenet in
 * its environment: the loader reads /etc/ld.so.preload, which exists only in the run's mount
 * namespace (an overlay of the real /etc with the staged list on top), and the library's copy at
 * FN_HOST_PRELOAD_LIB (an overlay of /usr/local/lib) carries the identity at its end
 * (preload_stamp.h). What stays visible, an /etc/ld.so.preload, the library in /proc/self/maps
 * and the two overlays in mountinfo, is reported by `fakenet check`'s tells battery. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostpreload.h"
#include "preload_stamp.h"
#include "util.h"

#define MAX_LIBRARY (64u << 20)

static const char *const layered[] = {"/etc", "/usr/local/lib"};

/* The library's own messages and fallback paths name fakenet; a stamped copy never reaches them
 * (the identity is its own, the paths are the views'), so the name is overwritten, letter for
 * letter, and a reader of the mapped file finds it nowhere. */
static void scrub_name(char *bytes, size_t n)
{
	static const char name[] = "fakenet", cover[] = "sysconf";
	const size_t len = sizeof(name) - 1;

	for (size_t i = 0; i + len <= n; i++) {
		if (strncasecmp(bytes + i, name, len) != 0)
			continue;
		for (size_t k = 0; k < len; k++)
			bytes[i + k] =
			    bytes[i + k] >= 'a' ? cover[k] : (char)(cover[k] - 'a' + 'A');
		i += len - 1;
	}
}

/* The library followed by the identity's text, its length and the magic. */
static bool stamp_library(struct fn_host_preload *hp, const char *identity, size_t len)
{
	char *path = fn_shipped_locate("libfakenet-preload.so", R_OK);
	char *bytes = NULL;
	size_t n = 0;

	if (!path || fn_read_file(path, &bytes, &n, MAX_LIBRARY) != 0) {
		free(path);
		return false;
	}
	free(path);
	scrub_name(bytes, n);
	hp->lib_len = n + len + FN_PRELOAD_STAMP_TAIL;
	hp->lib = xreallocarray(bytes, hp->lib_len, 1);
	memcpy(hp->lib + n, identity, len);
	for (int i = 0; i < 8; i++)
		hp->lib[n + len + (size_t)i] = (char)((unsigned long long)len >> (8 * i));
	memcpy(hp->lib + n + len + 8, FN_PRELOAD_STAMP_MAGIC, FN_PRELOAD_STAMP_MAGIC_LEN);
	return true;
}

/* The host's own list stays in force (each line as it was), the library comes last. */
static void preload_list(struct fn_host_preload *hp)
{
	char *own = NULL;
	size_t n = 0;

	if (fn_read_file("/etc/ld.so.preload", &own, &n, 1u << 16) != 0 || !own)
		n = 0;
	hp->list = xasprintf("%.*s%s%s\n", (int)n, own ? own : "",
			     n && own[n - 1] != '\n' ? "\n" : "", FN_HOST_PRELOAD_LIB);
	hp->list_len = strlen(hp->list);
	free(own);
}

static void add_staged(struct fn_overlay_plan *op, const char *path, const char *content,
		       size_t len)
{
	op->staged = xreallocarray(op->staged, op->n_staged + 1, sizeof(*op->staged));
	op->staged[op->n_staged++] =
	    (struct fn_staged_file){.path = path, .content = content, .len = len};
}

bool fn_host_preload_plan(struct fn_host_preload *hp, struct fn_overlay_plan *op,
			  struct fn_child_plan *plan, const char *identity, size_t identity_len)
{
	struct stat st;

	if (stat(layered[1], &st) < 0 || !S_ISDIR(st.st_mode)) {
		fn_warn("warning: %s does not exist: dynamic programs ask the host's kernel",
			layered[1]);
		return false;
	}
	if (!identity || !stamp_library(hp, identity, identity_len)) {
		fn_warn("warning: the preload library was not found next to fakenet (or the "
			"identity's text could not be read): dynamic programs ask the host's "
			"kernel");
		return false;
	}
	preload_list(hp);
	add_staged(op, FN_HOST_PRELOAD_LIB, hp->lib, hp->lib_len);
	add_staged(op, "/etc/ld.so.preload", hp->list, hp->list_len);
	plan->host_preload = true;
	return true;
}

void fn_host_preload_free(struct fn_host_preload *hp)
{
	free(hp->lib);
	free(hp->list);
	memset(hp, 0, sizeof(*hp));
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

/* A read-only overlay (no upper layer) of `dir` with the staged directory of that name above it.
 * The staged layer is named by a descriptor, so no path of the staging tmpfs appears anywhere. */
static int layer(int staging_fd, const char *dir)
{
	int top = openat(staging_fd, dir + 1, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char opts[96];
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

int fn_host_preload_apply(const struct fn_child_plan *plan, struct fn_report *rep)
{
	if (!plan->host_preload || plan->staging_fd < 0)
		return 0;
	for (size_t i = 0; i < sizeof(layered) / sizeof(layered[0]); i++) {
		int err = layer(plan->staging_fd, layered[i]);

		if (err) {
			fn_report_setf(rep, FN_REPORT_SETUP, -err,
				       "overlaying %s for the preload library", layered[i]);
			return err;
		}
	}
	return 0;
}
