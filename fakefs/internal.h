/* State shared by the parts of fakefs: the inode index, the hidden names, the table of real entries
 * passed through from the host, and the FUSE session. */
#pragma once

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "fakefs.h"
#include "vfs.h"

/* An entry of a real directory that a passthrough directory shows (an unknown /proc/net file). */
struct fn_pt_entry {
	unsigned long parent; /* inode of the directory it was found in */
	char *name;
	mode_t type; /* S_IFREG, S_IFDIR or S_IFLNK */
};

/* A name answered by lookup but left out of readdir. */
struct fn_hidden {
	unsigned long parent;
	const char *name;
	struct fn_node *node;
	bool shim_only; /* answered to the shims alone (fn_fakefs_allow_exe) */
};

/* An executable allowed to see the shims' hidden nodes. */
struct fn_exe_id {
	dev_t dev;
	ino_t ino;
};

#define FN_FAKEFS_MAX_EXE 4

#define FN_FAKEFS_MAX_HIDDEN 12

struct fn_fakefs {
	struct fn_vfs *vfs;
	struct fn_node **by_ino; /* tree nodes and the runner's extra nodes, by inode */
	unsigned long n_ino;
	struct fn_node **extra; /* the extra nodes fakefs owns */
	size_t n_extra;
	unsigned long runner_ino; /* the runner's hidden nodes have inodes from here to n_ino */
	struct fn_hidden hidden[FN_FAKEFS_MAX_HIDDEN];
	size_t n_hidden;
	struct fn_exe_id shim_exe[FN_FAKEFS_MAX_EXE];
	size_t n_shim_exe;

	/* Real entries get inodes from pt_base up, in the order they are first seen. Only the FUSE
	 * thread touches the table, so it needs no lock. */
	struct fn_pt_entry *pt;
	size_t n_pt;
	unsigned long pt_base;

	struct timespec stamp; /* every node's times: the tree never changes */
	int log_fd;	       /* -1: no audit log */

	struct fuse_session *se;
	int dev_fd, mnt_fd;
	pthread_t thread;
	bool running;
};

extern const struct fuse_lowlevel_ops fn_fakefs_ops;

/* Passthrough (passthrough.c). */
bool fn_pt_is_real_ino(const struct fn_fakefs *fs, unsigned long ino);
const struct fn_pt_entry *fn_pt_get(const struct fn_fakefs *fs, unsigned long ino);
/* The inode of `name` in directory `parent`, creating the entry on first sight. */
unsigned long fn_pt_intern(struct fn_fakefs *fs, unsigned long parent, const char *name,
			   mode_t type);
/* The real path behind a passthrough directory or a real entry, for reader `pid`. Returns -errno.
 */
int fn_pt_real_path(const struct fn_fakefs *fs, unsigned long ino, pid_t pid, char *buf,
		    size_t size);
/* Whether inode `ino` is a directory that lists a real directory's entries. */
bool fn_pt_dir_has_real(const struct fn_fakefs *fs, unsigned long ino);
void fn_pt_free(struct fn_fakefs *fs);
/* Whether the real entry `name` of the real directory `real_dir` stays out of the view: the host's
 * network devices below a passed-through /sys/devices directory (their net/ and ieee80211/
 * directories hold the host's MACs and names), and the host's disks (block/) when the identity
 * has disks of its own. */
bool fn_pt_hidden_real(const struct fn_fakefs *fs, const char *real_dir, const char *name);
