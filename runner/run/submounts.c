/* Carrying the mounts below a layered directory over its overlay (submounts.h). An overlayfs
 * layer is one filesystem, not the mount tree above it: mounted on /etc it would show the bare
 * directory under a container engine's bind of /etc/resolv.conf. Each mount directly below is
 * cloned with everything mounted on it (OPEN_TREE_CLONE | AT_RECURSIVE: options, contents and
 * nested mounts as they were) and moved back once the overlay is on. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "submounts.h"
#include "util.h"

#define MOUNTINFO_MAX (64u << 20)

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 |
				      (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static bool below(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return strncmp(path, dir, len) == 0 && path[len] == '/' && path[len + 1];
}

/* Whether `path` is one of the first `n` paths or below one of them. */
static bool covered(char **paths, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], path) == 0 || below(path, paths[i]))
			return true;
	return false;
}

/* The mount point of a mountinfo line ("ID PARENT MAJ:MIN ROOT POINT ...") whose parent is
 * `parent_id`; NULL for any other line. */
static char *point_on(const char *line, size_t len, int parent_id)
{
	int id, parent, off = 0;
	const char *p, *end;

	if (sscanf(line, "%d %d %*s %*s %n", &id, &parent, &off) != 2 || !off ||
	    (size_t)off >= len || parent != parent_id || id == parent_id)
		return NULL;
	p = line + off;
	end = memchr(p, ' ', len - (size_t)off);
	return unescape(p, end ? (size_t)(end - p) : len - (size_t)off);
}

size_t fn_submounts_pick(const char *mountinfo, int parent_id, const char *dir, char ***paths)
{
	char **out = NULL;
	size_t n = 0;

	for (const char *line = mountinfo; *line;) {
		size_t len = strcspn(line, "\n");
		char *point = point_on(line, len, parent_id);

		line += len + (line[len] == '\n');
		if (!point || !below(point, dir) || covered(out, n, point)) {
			free(point);
			continue;
		}
		/* One picked before lies below this one: it is hidden by it, and goes. */
		for (size_t i = 0; i < n;) {
			if (below(out[i], point)) {
				free(out[i]);
				memmove(&out[i], &out[i + 1], (--n - i) * sizeof(*out));
			} else {
				i++;
			}
		}
		out = xreallocarray(out, n + 1, sizeof(*out));
		out[n++] = point;
	}
	*paths = out;
	return n;
}

/* The mount `dir` is on and where it really is (symlinks resolved), as mountinfo names both. */
static int where_is(const char *dir, int *mnt_id, char *real, struct fn_report *rep)
{
	struct statx stx;

	if (statx(AT_FDCWD, dir, 0, STATX_MNT_ID, &stx) < 0)
		return fn_fail_errno(rep, "cannot overlay %s: statx", dir);
	if (!(stx.stx_mask & STATX_MNT_ID))
		return fn_fail(rep, -ENOSYS, "cannot overlay %s: the mount it is on", dir);
	if (!realpath(dir, real))
		return fn_fail_errno(rep, "cannot overlay %s: realpath", dir);
	*mnt_id = (int)stx.stx_mnt_id;
	return 0;
}

/* Whether the layer above holds a file at `path` (below `base`, the layered directory's real
 * path, "" for "/"), which it shows there instead of the mount. */
static bool layer_has_file(int top, const char *base, const char *path)
{
	struct stat st;

	return fstatat(top, path + strlen(base) + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       !S_ISDIR(st.st_mode);
}

/* Takes the mount on the `i`th path: the original's root, by which it is let go once hidden
 * (fn_submounts_restore), and, where it is to stay shown, a clone of it and everything on it. */
static int take(struct fn_submounts *s, size_t i, bool shown, struct fn_report *rep)
{
	s->originals[i] = open(s->paths[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
	s->trees[i] = shown ? open_tree(AT_FDCWD, s->paths[i],
					OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
					    AT_SYMLINK_NOFOLLOW)
			    : -1;
	if (s->originals[i] < 0 || (shown && s->trees[i] < 0))
		return fn_fail_errno(rep, "cannot overlay %s: cloning the mount on %s", s->dir,
				     s->paths[i]);
	return 0;
}

int fn_submounts_clone(const char *dir, int top, struct fn_submounts *s, struct fn_report *rep)
{
	char real[PATH_MAX], *info = NULL;
	const char *base;
	size_t len = 0, n;
	int id = -1, err;

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	if ((err = where_is(dir, &id, real, rep)))
		return err;
	if ((err = fn_read_file("/proc/self/mountinfo", &info, &len, MOUNTINFO_MAX)))
		return fn_fail(rep, err, "cannot overlay %s: reading /proc/self/mountinfo", dir);
	base = strcmp(real, "/") == 0 ? "" : real;
	n = fn_submounts_pick(info, id, base, &s->paths);
	free(info);
	s->trees = xcalloc(n + 1, sizeof(*s->trees));
	s->originals = xcalloc(n + 1, sizeof(*s->originals));
	for (size_t i = 0; i < n; i++) {
		if ((err = take(s, s->n++, !layer_has_file(top, base, s->paths[i]), rep))) {
			for (size_t j = i + 1; j < n; j++)
				free(s->paths[j]);
			fn_submounts_free(s);
			return err;
		}
	}
	return 0;
}

int fn_submounts_restore(struct fn_submounts *s, struct fn_report *rep)
{
	char original[40];

	for (size_t i = 0; i < s->n; i++) {
		/* One the layer's own file replaces stays hidden, and goes with the others below.
		 */
		if (s->trees[i] < 0)
			continue;
		if (move_mount(s->trees[i], "", AT_FDCWD, s->paths[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return fn_fail_errno(rep,
					     "cannot overlay %s: keeping the mount on %s above it",
					     s->dir, s->paths[i]);
		close(s->trees[i]);
		s->trees[i] = -1;
	}
	/* The originals, under the overlay now, would show in mountinfo twice with their clones:
	 * they go (a mount the namespace locks stays, hidden; nothing else depends on them). */
	for (size_t i = 0; i < s->n; i++) {
		snprintf(original, sizeof(original), "/proc/self/fd/%d", s->originals[i]);
		umount2(original, MNT_DETACH);
	}
	return 0;
}

void fn_submounts_free(struct fn_submounts *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->trees[i] >= 0)
			close(s->trees[i]);
		if (s->originals[i] >= 0)
			close(s->originals[i]);
		free(s->paths[i]);
	}
	free(s->paths);
	free(s->trees);
	free(s->originals);
	memset(s, 0, sizeof(*s));
}
