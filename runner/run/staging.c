/* The staging tmpfs: a detached tmpfs the runner fills before the init is forked, holding what the
 * target's view runs from: the shim, once per path it covers (hard links of one file), pid 1's
 * executable as /sbin/docker-init, and the static /etc files. Binds from it show in mountinfo as
 * tmpfs paths that are the covered paths themselves, and /proc/1/exe reads /sbin/docker-init:
 * nothing names fakenet. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"
#include "pid1.h"
#include "staging.h"
#include "util.h"

/* Creates the directories of `rel` ("usr/sbin/route": usr and usr/sbin) under `dir`. */
static int make_parents(int dir, const char *rel)
{
	char path[PATH_MAX];

	if (strlen(rel) >= sizeof(path))
		return -ENAMETOOLONG;
	strcpy(path, rel);
	for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdirat(dir, path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

/* Writes `len` bytes at the file position of `out`. */
static int write_all(int out, const char *bytes, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(out, bytes + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* The head of a staged file: the kernel copies the pages, the patches go over them. */
static int copy_source(int out, const struct fn_staged_source *s)
{
	off_t off = 0;

	while ((size_t)off < s->len) {
		ssize_t n = sendfile(out, s->fd, &off, s->len - (size_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
	}
	for (size_t i = 0; i < s->n_patches; i++) {
		const struct fn_patch *p = &s->patches[i];

		if (pwrite(out, p->bytes, p->len, (off_t)p->offset) != (ssize_t)p->len)
			return -EIO;
	}
	return 0;
}

/* Copies the executable `src_path` to `rel` under `dir`: what its loader maps, where it is an
 * ELF file that can lose the rest (elf.h), else all of it. */
static int copy_path(int dir, const char *rel, const char *src_path)
{
	struct fn_staged_source src = {.fd = open(src_path, O_RDONLY | O_CLOEXEC)};
	struct fn_elf_strip strip;
	struct stat st;
	int out, err;

	if (src.fd < 0)
		return -errno;
	if (fstat(src.fd, &st) < 0) {
		err = -errno;
		close(src.fd);
		return err;
	}
	src.len = (size_t)st.st_size;
	if (fn_elf_strip_plan(src.fd, src.len, &strip)) {
		src.len = strip.len;
		src.patches = strip.clear;
		src.n_patches = N_ELEMENTS(strip.clear);
	}
	if ((err = make_parents(dir, rel)) ||
	    (out = openat(dir, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755)) < 0) {
		err = err ? err : -errno;
		close(src.fd);
		return err;
	}
	err = copy_source(out, &src);
	close(out);
	close(src.fd);
	return err;
}

static int write_file(int dir, const struct fn_staged_file *f)
{
	const char *rel = f->path + 1;
	int out, err;

	if ((err = make_parents(dir, rel)))
		return err;
	out = openat(dir, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	/* Not through openat's mode, which the umask would cut. */
	if (fchmod(out, f->mode) < 0)
		err = -errno;
	if (!err && f->src)
		err = copy_source(out, f->src);
	if (!err)
		err = write_all(out, f->content, f->len);
	close(out);
	return err;
}

static int make_tmpfs(void)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), mnt = -1;

	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		mnt = -errno;
	else if ((mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)) < 0)
		mnt = -errno;
	close(fs);
	return mnt;
}

static int build(struct fn_staging *st, const char *shim, const char *const *covered,
		 size_t n_covered, const struct fn_staged_file *files, size_t n_files,
		 const char **what)
{
	const char *first = NULL;
	struct stat sb;
	int err;

	*st = (struct fn_staging){.mnt_fd = -1, .init_fd = -1};
	*what = "creating the staging tmpfs";
	st->mnt_fd = make_tmpfs();
	if (st->mnt_fd < 0)
		return st->mnt_fd;
	*what = "copying the shim";
	for (size_t i = 0; shim && i < n_covered; i++) {
		const char *rel = covered[i] + 1; /* covered paths are absolute */

		if (!first)
			err = copy_path(st->mnt_fd, rel, shim);
		else if (!(err = make_parents(st->mnt_fd, rel)) &&
			 linkat(st->mnt_fd, first, st->mnt_fd, rel, 0) < 0)
			err = -errno;
		if (err)
			return err;
		first = first ? first : rel;
	}
	if (first && fstatat(st->mnt_fd, first, &sb, 0) == 0) {
		st->shim_dev = sb.st_dev;
		st->shim_ino = sb.st_ino;
	}
	*what = "placing pid 1's executable";
	if (first && !(err = make_parents(st->mnt_fd, FN_PID1_PATH + 1)) &&
	    linkat(st->mnt_fd, first, st->mnt_fd, FN_PID1_PATH + 1, 0) < 0)
		err = -errno;
	else if (!first)
		err = copy_path(st->mnt_fd, FN_PID1_PATH + 1, "/proc/self/exe");
	if (err)
		return err;
	st->init_fd = openat(st->mnt_fd, FN_PID1_PATH + 1, O_PATH | O_CLOEXEC);
	if (st->init_fd < 0)
		return -errno;
	*what = "writing the view's /etc files";
	for (size_t i = 0; i < n_files; i++)
		if ((err = write_file(st->mnt_fd, &files[i])))
			return err;
	return 0;
}

void fn_staging_release(struct fn_staging *st)
{
	if (st->init_fd >= 0)
		close(st->init_fd);
	if (st->mnt_fd >= 0)
		close(st->mnt_fd);
	st->init_fd = st->mnt_fd = -1;
}

int fn_staging_build(struct fn_staging *st, const char *shim, const char *const *covered,
		     size_t n_covered, const struct fn_staged_file *files, size_t n_files,
		     struct fn_report *rep)
{
	const char *step = NULL;
	int err = build(st, shim, covered, n_covered, files, n_files, &step);

	return err ? fn_fail(rep, err, "%s", step) : 0;
}
