/* The staging tmpfs (staging.c): the shim copies the view binds over the real tools, and pid 1's
 * executable. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "report.h"

/* Bytes written over a copied file's at `offset`. */
struct fn_patch {
	size_t offset;
	size_t len;
	unsigned char bytes[8];
};

/* The head of a staged file copied from another file by the kernel (no page of it is mapped or
 * read here), with the few bytes that differ written over it. */
struct fn_staged_source {
	int fd;
	size_t len;
	const struct fn_patch *patches;
	size_t n_patches;
};

/* A static file put in the staging tmpfs at `path` (absolute, as the target sees it): `src`'s
 * bytes (NULL: none), then `content`. */
struct fn_staged_file {
	const char *path;
	const char *content;
	size_t len;
	mode_t mode; /* the view's (0444 for /etc/machine-id) */
	const struct fn_staged_source *src;
};

struct fn_staging {
	int mnt_fd;	/* the detached tmpfs; -1: none */
	int init_fd;	/* O_PATH of pid 1's executable (FN_PID1_PATH) inside it */
	dev_t shim_dev; /* the shim copy's identity (0: no shim) */
	ino_t shim_ino;
};

/* Fills a new detached tmpfs: at each of the `covered` absolute paths a hard link of one copy of
 * `shim` (NULL: none), pid 1's executable at FN_PID1_PATH (another link of the shim, else a copy
 * of the running executable: both can be pid 1), and the `files`. On
 * failure returns -errno and fills `rep`; the caller releases `st` either way. */
int fn_staging_build(struct fn_staging *st, const char *shim, const char *const *covered,
		     size_t n_covered, const struct fn_staged_file *files, size_t n_files,
		     struct fn_report *rep);
void fn_staging_release(struct fn_staging *st);
