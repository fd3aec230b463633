/* The virtual tree: every path a target may read, as the target sees it (/proc/net/route,
 * /sys/class/net/eth0/address, /etc/hosts, ...), built once from the identity. fakefs serves it,
 * `fakenet show` prints it, and any later backend reads the same tree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "buf.h"
#include "identity.h"

enum fn_node_type {
	FN_NODE_DIR,
	FN_NODE_FILE,
	FN_NODE_LINK,
};

/* How a file's size and caching look to readers. */
enum fn_file_style {
	FN_FILE_STATIC,	   /* st_size = content length; cacheable (hosts, resolv.conf) */
	FN_FILE_PROCFS,	   /* st_size 0, read with direct I/O, as procfs files are */
	FN_FILE_SYSFS,	   /* st_size 4096, read with direct I/O, as sysfs attributes are */
	FN_FILE_SYSFS_BIN, /* st_size = content length, no blocks, direct I/O: a sysfs binary
			    * attribute (the DMI tables, whose readers trust st_size) */
};

struct fn_node {
	char *name;
	enum fn_node_type type;
	mode_t mode; /* permission bits only */
	enum fn_file_style style;
	char *content; /* file text, or the link target */
	size_t len;
	int read_errno; /* non-zero: open succeeds, read() fails with it (sysfs speed on lo) */
	/* Non-zero: a file that is a block device of this number, owned by group disk (the disks'
	 * /dev nodes, which stat and udev's device lookup must see as the kernel's). */
	dev_t rdev;
	/* A directory that also lists a real directory's entries (the reader's /proc/PID/net for
	 * /proc/net: "%d" stands for the reader's pid). Synthetic children win over real ones.
	 * A file whose bytes come from the real file it names, in one of two ways that differ in
	 * what the file IS, not just in how it is read:
	 *  - a procfs or sysfs file (fn_vfs_read_real, fn_vfs_reads_real): the tree's file, with
	 *    the tree's attributes (procfs and sysfs sizes), whose text is read from the real file
	 *    afresh at every open, through `live` where set (/proc/cpuinfo keeps the host's
	 *    changing lines but the identity's processor), else unchanged (a kernel mode's
	 *    counters, the reader's own /proc/PID/net/tcp);
	 *  - a FN_FILE_STATIC one (fn_vfs_node_backed): the real file itself, attributes included,
	 *    read in place so it can be mapped and executed (a real tool behind its shim). */
	char *passthrough;
	/* How a file that reads a real file rewrites its text (fn_vfs_node_rewrite); NULL: it
	 * does not. */
	void (*live)(const void *arg, const char *real, size_t len, struct fn_buf *out);
	void *live_arg; /* owned by the node */
	struct fn_node *parent;
	struct fn_node **children;
	size_t n_children;
	unsigned long ino; /* stable inode number, unique within the tree */
};

struct fn_vfs {
	struct fn_node *root;
	unsigned long next_ino;
};

/* An empty tree: the root alone (vfs_build.c fills it for an identity). */
struct fn_vfs *fn_vfs_new(void);
void fn_vfs_free(struct fn_vfs *vfs);

/* Node construction, used by the builders of each area (vfs_proc.c, vfs_sys.c, vfs_etc.c).
 * fn_vfs_mkdir_p creates missing directories along an absolute path ("/sys/class/net"). */
struct fn_node *fn_vfs_mkdir_p(struct fn_vfs *vfs, const char *path);
struct fn_node *fn_vfs_add_file(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				mode_t mode, enum fn_file_style style, char *content, size_t len);
struct fn_node *fn_vfs_add_link(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				const char *target);
struct fn_node *fn_vfs_add_dir(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
			       mode_t mode);

/* The text reader `reader` of file node `n` gets now: for a file that reads a real file, that
 * file's text as it is now (its "%d" the reader's pid), rewritten where the node says so; for any
 * other a copy of its content. Returns 0, or -errno when the real file cannot be read; the caller
 * frees *text. */
int fn_vfs_node_text(const struct fn_node *n, pid_t reader, char **text, size_t *len);
/* What a file that reads a real file makes of that file's text `real`: its rewrite, or the text
 * unchanged. For callers that read the real file themselves (the preload library, with the real
 * libc calls). */
void fn_vfs_node_rewrite(const struct fn_node *n, const char *real, size_t len, struct fn_buf *out);
/* A file node whose bytes and attributes are a host file's own (a real tool behind its shim). */
bool fn_vfs_node_backed(const struct fn_node *n);

/* A sysfs attribute file of `dir`, its text printf-formatted. */
struct fn_node *fn_vfs_sys_attr(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				mode_t mode, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The directory /sys/REL, made with its parents where missing. */
struct fn_node *fn_vfs_sys_dir(struct fn_vfs *vfs, const char *rel);
/* A link named `name` in `dir` (whose path relative to /sys is `from`) to `to` (relative to /sys),
 * with the relative target kernfs writes. */
void fn_vfs_sys_link(struct fn_vfs *vfs, struct fn_node *dir, const char *name, const char *from,
		     const char *to);

/* Whether the real entry `name` of the real directory `real_dir`, passed through by a directory of
 * the tree, stays out of the view: the host's network devices below /sys/devices (their net/ and
 * ieee80211/ directories hold the host's MACs and names), and its disks (block/) when the tree has
 * disks of its own. fakefs and the preload library both ask. */
bool fn_vfs_hidden_real(const struct fn_vfs *vfs, const char *real_dir, const char *name);

/* Lookups. fn_vfs_child: one name in a directory. fn_vfs_lookup: an absolute path, without
 * following links (view_walk.h follows them). */
struct fn_node *fn_vfs_child(const struct fn_node *dir, const char *name);
struct fn_node *fn_vfs_lookup(const struct fn_vfs *vfs, const char *path);
/* The absolute path of a node ("/sys/class/net/eth0"); caller frees. */
char *fn_vfs_path(const struct fn_node *node);

/* Makes a procfs or sysfs file read the real file `tmpl` names ("%d" for the reader's pid) at
 * every open, failing as that file fails, while its lstat stays the tree's; a `live` rewrite set
 * afterwards applies to that text. */
void fn_vfs_read_real(struct fn_node *file, const char *tmpl);
/* Whether a file's bytes come from a real file that is read at every open (fn_vfs_read_real),
 * rewritten or not. */
bool fn_vfs_reads_real(const struct fn_node *n);

/* The real directory a passthrough directory stands for, for reader `reader` (its "%d");
 * -ENOENT when the pattern needs a reader and there is none, -ENAMETOOLONG. */
int fn_vfs_passthrough_path(const struct fn_node *dir, pid_t reader, char *buf, size_t size);

/* S_IFDIR, S_IFLNK or S_IFREG. */
mode_t fn_vfs_type_bits(const struct fn_node *n);
/* How the real filesystem is asked (lstat, or stat where a link is followed), bypassing whatever
 * the caller interposes (the preload library answers lstat itself). */
typedef int (*fn_vfs_lstat_fn)(const char *path, struct stat *st);
/* What lstat gives for a node, as the kernel or a disk would: procfs files and directories size 0
 * with a 1 KiB block size, sysfs attributes 4096 and sysfs links 0, both without blocks; other
 * links their length; static files (/etc) their length in whole 4 KiB blocks, counted in 512-byte
 * units as on disk; directories two links and one per subdirectory, a passthrough directory's
 * real ones included; a file backed by a host file that file's attributes. st_dev and the times
 * are the caller's (zero here). fakefs and the preload library both answer with it. `real_stat`
 * follows links: a backing file may be named by one. Returns 0 or -errno (a backing file that is
 * gone). */
int fn_vfs_stat(const struct fn_node *n, pid_t reader, fn_vfs_lstat_fn real_lstat,
		fn_vfs_lstat_fn real_stat, struct stat *st);
