/* The virtual tree: every path a target may read, as the target sees it (/proc/net/route,
 * /sys/class/net/eth0/address, /etc/hosts, ...), built once from the identity. fakefs serves it,
 * `fakenet show` prints it, and any later backend reads the same tree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "identity.h"

enum fn_node_type {
	FN_NODE_DIR,
	FN_NODE_FILE,
	FN_NODE_LINK,
};

/* How a file's size and caching look to readers. */
enum fn_file_style {
	FN_FILE_STATIC, /* st_size = content length; cacheable (hosts, resolv.conf) */
	FN_FILE_PROCFS, /* st_size 0, read with direct I/O, as procfs files are */
	FN_FILE_SYSFS,	/* st_size 4096, read with direct I/O, as sysfs attributes are */
};

struct fn_node {
	char *name;
	enum fn_node_type type;
	mode_t mode; /* permission bits only */
	enum fn_file_style style;
	char *content; /* file text, or the link target */
	size_t len;
	int read_errno; /* non-zero: open succeeds, read() fails with it (sysfs speed on lo) */
	/* A directory that also lists a real directory's entries (the reader's /proc/PID/net for
	 * /proc/net: "%d" stands for the reader's pid). Synthetic children win over real ones.
	 * A file whose bytes are a real file's: a FN_FILE_STATIC one (a real tool) is that file,
	 * attributes included; a procfs or sysfs one (fn_vfs_read_real) keeps the tree's
	 * attributes and is read afresh at every open. */
	char *passthrough;
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

/* Lookups. fn_vfs_child: one name in a directory. fn_vfs_lookup: an absolute path, without
 * following links. fn_vfs_resolve: an absolute path, following links that stay inside the tree. */
struct fn_node *fn_vfs_child(const struct fn_node *dir, const char *name);
struct fn_node *fn_vfs_lookup(const struct fn_vfs *vfs, const char *path);
struct fn_node *fn_vfs_resolve(const struct fn_vfs *vfs, const char *path);
/* The absolute path of a node ("/sys/class/net/eth0"); caller frees. */
char *fn_vfs_path(const struct fn_node *node);

/* Makes a procfs or sysfs file read the real file `tmpl` names ("%d" for the reader's pid) at
 * every open, failing as that file fails, while its lstat stays the tree's. */
void fn_vfs_read_real(struct fn_node *file, const char *tmpl);
/* Whether a file's bytes come from a real file that is read at every open (fn_vfs_read_real). */
bool fn_vfs_reads_real(const struct fn_node *n);

/* What lstat gives for a node, as the kernel or a disk would: procfs files and directories size 0
 * with a 1 KiB block size, sysfs attributes 4096 and sysfs links 0, both without blocks; other
 * links their length; static files (/etc) their length in whole 4 KiB blocks, counted in 512-byte
 * units as on disk. fakefs and the preload library both answer with these. */
struct fn_node_size {
	off_t size;
	long long blocks;
	long blksize;
};
void fn_vfs_node_size(const struct fn_node *node, struct fn_node_size *out);
