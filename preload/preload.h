/* What the parts of the preload library share: the identity and the tree, loaded once, and the
 * real libc functions each interposer falls back to. */
#pragma once

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "identity.h"
#include "vfs.h"
#include "view_walk.h"

/* The symbols a target may bind to; everything else in the library stays hidden. */
#define FN_EXPORT __attribute__((visibility("default")))
/* The code every path call runs (the open family and close, and the check that a path cannot
 * reach the view): grouped in one place of the library, so the few pages of it stay in the TLB
 * and cache across the system calls between. */
#define FN_HOT __attribute__((hot))

/* `value`, with errno put back to `saved` where `ok`: what the library tried on the way to a call
 * that succeeded (a real directory that is not there, a seal asked of a file without any) must
 * not show in errno, as it would not with libc alone. */
#define FN_KEEP_ERRNO(saved, ok, value)                                                            \
	({                                                                                         \
		__typeof__(value) v_ = (value);                                                    \
		if (ok)                                                                            \
			errno = (saved);                                                           \
		v_;                                                                                \
	})

/* The next definition of a libc function, looked up on first use. */
#define FN_REAL(name)                                                                              \
	({                                                                                         \
		static __typeof__(&name) real_;                                                    \
		if (!real_)                                                                        \
			real_ = (__typeof__(&name))dlsym(RTLD_NEXT, #name);                        \
		real_;                                                                             \
	})

struct fn_preload {
	struct fn_identity *id;
	struct fn_vfs *vfs; /* NULL: the paths are not the library's to serve */
	long loaded_at;	    /* timestamps of the tree's nodes */
};

/* The loaded identity, or NULL when it could not be loaded (nothing is said: the target's stderr
 * is its own) or while it is being loaded (the loader's own file calls must reach the real files).
 */
const struct fn_preload *fn_preload_state(void);
/* The same where the library serves the paths too; NULL where only the kernel's answers are its
 * own (an identity stamped on the library: the FUSE views serve the paths). */
const struct fn_preload *fn_preload_view_state(void);

/* How a path looks through the view (view_walk.h). */
struct fn_view {
	enum fn_walk_kind kind;
	struct fn_node *node;
	int err;
	char real[4096];
};

/* Looks `path` (relative to dirfd) up through the view; `follow` says whether a final link is
 * followed. */
void fn_view_lookup(int dirfd, const char *path, bool follow, struct fn_view *v);
/* `path` made absolute against `dirfd` (or the cwd), unnormalised; false where it cannot reach
 * the view (a cwd far from every mount) or does not fit. */
bool fn_view_absolute(int dirfd, const char *path, char *out, size_t len);
/* `in` (absolute) with "." and ".." applied lexically (the mounts' parents are no links) and no
 * doubled or trailing '/', in `out` (which may be `in`); false where it does not fit. */
bool fn_view_normalise(const char *in, char *out, size_t size);
/* Whether normalised absolute `abs` is "/" or a directory above a mount of the view: the only
 * directories the view can add entries to. */
bool fn_view_above_mount(const char *abs);
/* Whether `path` (relative to dirfd) certainly goes to libc as it is: what the path calls ask
 * first, so the paths that cannot reach the view (most of them) cost a few comparisons and no
 * lookup. False: fn_view_route decides. */
bool fn_view_passes(int dirfd, const char *path);
/* fn_view_lookup for the path calls: 1 when the view answers `*path` (v->kind FN_WALK_NODE),
 * 0 when the real call must run with `*path` (redirected into the real tree where needed), -1 with
 * errno set when the view refuses it. */
int fn_view_route(int dirfd, const char **path, bool follow, struct fn_view *v);

/* The stat of a virtual node (lib/vfs.c's), on the view's device; 0, or -1 with errno set. */
int fn_view_stat(const struct fn_preload *st, const struct fn_node *node, struct stat *out);
/* The path the kernel gives for a node of the tree (realpath, getcwd): its own, links resolved,
 * and /proc/net's as the reader's /proc/PID/net, where the kernel's self/net leads. */
void fn_view_node_path(const struct fn_node *node, char *out, size_t size);
/* Opens a virtual node as the target would; returns an fd or -1 with errno set. */
int fn_view_open(const struct fn_view *v, int flags);

/* Virtual directories opened as fds, so *at calls relative to them stay in the view. */
void fn_view_fd_register(int fd, const char *path);
const char *fn_view_fd_path(int fd);
void fn_view_fd_forget(int fd);
/* fn_view_fd_forget for every fd from `first` to `last` (close_range, closefrom). */
void fn_view_fd_forget_range(unsigned int first, unsigned int last);
/* Whether the view may know the fd (fn_view_fd_path or a file it opened): a cheap test. */
bool fn_view_fd_known(int fd);
/* The node of the tree an fd stands for (a file's text, a directory's stand-in, a link opened
 * itself); NULL for any other fd. */
const struct fn_node *fn_view_fd_node(int fd);
/* An fd a parent's library opened for a file of the view, inherited across exec (`exec
 * 3</proc/net/route` in a shell, then a program): known again from its memfd's name, it joins
 * the table, so fn_view_fd_node answers for it. `mode` and `nlink` are the fd's real stat, which
 * turns away nearly every other fd before any system call. True where it joined. */
bool fn_view_fd_adopt(int fd, mode_t mode, nlink_t nlink);
/* What follows /proc/self/, /proc/thread-self/ or /proc/PID/ (the caller's own) in absolute
 * `path`; NULL for any other path. */
const char *fn_view_own_proc(const char *path);
/* readlink of the process's own /proc/self/cwd or /proc/self/fd/N where it leads into the view
 * (paths through them are fn_view_lookup's): the name the kernel would give; -2 for any other
 * path. */
ssize_t fn_view_own_readlink(int dirfd, const char *path, char *buf, size_t len);
/* A duplicate of a remembered fd (dup, fcntl F_DUPFD) is remembered too. */
void fn_view_fd_copy(int from, int to);
/* A real directory opened above a mount of the view ("/proc", "/sys", "/"): its fd is remembered,
 * so paths opened relative to it ("cpuinfo" from /proc, as util-linux's ul_path does) reach the
 * view as well. `path` is relative to dirfd; fd is the real call's result. */
void fn_view_note_real_open(int dirfd, const char *path, int fd);

/* How many subdirectories the view adds to the real directory `path` (relative to dirfd), which
 * the kernel would count in its link count: the mounts the host lacks that FUSE shows in their
 * covered parent (/sys/class/dmi in /sys/class), and the directories on the way to a static file
 * the host lacks (/var/lib/dbus in /var/lib). 0 for any other path. */
nlink_t fn_view_covered_links(int dirfd, const char *path);

/* The real directory behind a directory only the tree has (the cwd after chdir into it, an fd
 * opened for it): an empty one where names cannot be made, so what the library does not
 * interpose (mkdir, rename) finds nothing relative to it; "/" where the system has none. */
const char *fn_view_empty_dir(void);
/* The working directory where it is a directory of the tree (cwd.c): its path in `buf`; false
 * where the cwd is the kernel's own. */
bool fn_view_cwd(char *buf, size_t size);
/* Whether the process runs in another's memory (a vfork child until it execs), where what it
 * changes would change its parent's too. */
bool fn_view_cwd_borrowed(void);
/* A vfork child done with its parent's memory (at exec, at _exit): the directory it kept there
 * is forgotten, so a later child that gets the same pid does not find it. True where the calling
 * process is such a child and had one; `keep` (NULL: none) then holds it for
 * fn_view_cwd_return, where the exec failed and the child goes on (to the next directory of
 * PATH, as Python's subprocess does). */
struct fn_cwd_loan {
	bool set;
	char path[PATH_MAX];
};
bool fn_view_cwd_release(struct fn_cwd_loan *keep);
void fn_view_cwd_return(const struct fn_cwd_loan *keep);
/* "FAKENET_CWD=PATH" in `buf` for a program started now, where the cwd is the tree's; else NULL. */
const char *fn_view_cwd_env(char *buf, size_t size);
/* Takes the directory of the tree a parent left (FAKENET_CWD) for the cwd, if the cwd is still its
 * stand-in. */
void fn_view_adopt_cwd(const char *path);
/* After the cwd changed: whether relative paths may reach the view (view.c). */
void fn_view_note_chdir(void);
/* FAKENET_CWD's value as the library found it at load (environ.c); NULL: none. */
const char *fn_preload_inherited_cwd(void);

/* The identity file the runner named in FAKENET_IDENTITY, which the library took out of the
 * environment at load (environ.c); NULL when there was none. */
const char *fn_preload_identity_path(void);
/* A covered tool the machine lacks, as a shell looks for it in the first standard PATH directory
 * ("/usr/local/sbin/nm-tool"): the shim's path in `buf`, so stat, access and exec find it where
 * the FUSE backend shows it; NULL for every other path. */
const char *fn_preload_missing_tool(const char *path, char *buf, size_t size);
/* Whether fn_preload_missing_tool may answer for `path`: it is in the directory it covers. */
bool fn_preload_may_be_missing_tool(const char *path);

/* The content of /proc/sys/kernel/hostname and uname's nodename. */
const char *fn_preload_hostname(void);
