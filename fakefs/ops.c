/* The FUSE low-level operations: the tree is immutable, so inodes are the tree's own numbers and
 * answers can be cached by the kernel for a day; only real (passthrough) entries are looked up
 * afresh, because they belong to whichever process reads them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"
#include "jsonl.h"
#include "procinfo.h"
#include "util.h"

/* The tree never changes while mounted. */
#define TTL_TREE 86400.0
/* Real entries differ between readers (each has its own /proc/PID/net); keep them short-lived. */
#define TTL_REAL 1.0
/* The largest real file a passthrough open will snapshot (/proc/net/unix on a busy host). */
#define PT_MAX_FILE (16u << 20)

/* One open real file: its content read whole at open time, so one fd sees one consistent copy. */
struct pt_snapshot {
	char *data;
	size_t len;
	int err; /* the read failed with this; reported by read(), as the real file would */
	int fd;	 /* >= 0: an executable read in place (it may be large, and is mapped) */
};

struct dir_entry {
	unsigned long ino;
	mode_t type;
	char *name;
};

/* A directory listing taken at opendir, so offsets stay valid across readdir calls. */
struct dir_list {
	struct dir_entry *v;
	size_t n;
};

static struct fn_fakefs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static struct fn_node *node_of(const struct fn_fakefs *fs, fuse_ino_t ino)
{
	return ino < fs->n_ino ? fs->by_ino[ino] : NULL;
}

/* A file node whose bytes are a host file's (a real tool behind its shim). */
static bool is_backed(const struct fn_node *n)
{
	return fn_vfs_node_backed(n);
}

/* A node's attributes (lib/vfs.c), dated when the tree was served; a backed file keeps its host
 * file's dates. */
static int any_node_stat(const struct fn_fakefs *fs, fuse_req_t req, const struct fn_node *n,
			 struct stat *st)
{
	int err = fn_vfs_stat(n, fuse_req_ctx(req)->pid, lstat, stat, st);

	if (!err && !is_backed(n))
		st->st_atim = st->st_mtim = st->st_ctim = fs->stamp;
	return err;
}

/* Attributes of a real entry, taken from the real file as the reader would see it. */
static int real_stat(struct fn_fakefs *fs, fuse_req_t req, fuse_ino_t ino, struct stat *st)
{
	char path[PATH_MAX];
	int err = fn_pt_real_path(fs, ino, fuse_req_ctx(req)->pid, path, sizeof(path));

	if (err)
		return err;
	if (lstat(path, st) < 0)
		return -errno;
	st->st_ino = ino;
	st->st_dev = 0;
	return 0;
}

static void reply_entry(fuse_req_t req, const struct stat *st, double ttl)
{
	struct fuse_entry_param e = {.ino = st->st_ino, .attr = *st};

	e.attr_timeout = ttl;
	e.entry_timeout = ttl;
	fuse_reply_entry(req, &e);
}

/* An absent name in a directory of the tree stays absent: the kernel may remember that, which
 * spares a round trip for every PATH search that passes the shims' directory. */
static void reply_absent(fuse_req_t req)
{
	struct fuse_entry_param e = {.ino = 0, .entry_timeout = TTL_TREE};

	fuse_reply_entry(req, &e);
}

static const struct fn_hidden *hidden_child(const struct fn_fakefs *fs, fuse_ino_t parent,
					    const char *name)
{
	for (size_t i = 0; i < fs->n_hidden; i++)
		if (fs->hidden[i].parent == parent && strcmp(fs->hidden[i].name, name) == 0)
			return &fs->hidden[i];
	return NULL;
}

/* Whether the node is a shims-only hidden node or inside one. */
static bool shim_only(const struct fn_fakefs *fs, const struct fn_node *n)
{
	for (size_t i = 0; i < fs->n_hidden; i++)
		if (fs->hidden[i].shim_only &&
		    (fs->hidden[i].node == n || fs->hidden[i].node == n->parent))
			return true;
	return false;
}

/* Whether the request comes from a process running the shim (FUSE gives its pid in our pid
 * namespace, the runner's, where its executable can be looked at). */
static bool caller_is_shim(const struct fn_fakefs *fs, fuse_req_t req)
{
	pid_t pid = fuse_req_ctx(req)->pid;
	char path[48];
	struct statx st;

	/* DONT_SYNC: an executable served by this very filesystem must not be asked about, as
	 * the one thread that would answer is this one. */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (pid <= 0 || statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_INO, &st) < 0)
		return false;
	for (size_t i = 0; i < fs->n_shim_exe; i++)
		if (fs->shim_exe[i].dev == makedev(st.stx_dev_major, st.stx_dev_minor) &&
		    fs->shim_exe[i].ino == st.stx_ino)
			return true;
	return false;
}

static void lookup_real(struct fn_fakefs *fs, fuse_req_t req, fuse_ino_t parent, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	size_t len;
	int err;

	if (strchr(name, '/'))
		return (void)fuse_reply_err(req, ENOENT);
	if (!fn_pt_dir_has_real(fs, parent))
		return reply_absent(req);
	err = fn_pt_real_path(fs, parent, fuse_req_ctx(req)->pid, path, sizeof(path));
	len = strlen(path);
	if (err || len + strlen(name) + 2 > sizeof(path))
		return (void)fuse_reply_err(req, err ? -err : ENAMETOOLONG);
	if (fn_pt_hidden_real(fs, path, name))
		return (void)fuse_reply_err(req, ENOENT);
	snprintf(path + len, sizeof(path) - len, "/%s", name);
	if (lstat(path, &st) < 0)
		return (void)fuse_reply_err(req, errno);
	st.st_ino = fn_pt_intern(fs, parent, name, st.st_mode & S_IFMT);
	st.st_dev = 0;
	reply_entry(req, &st, TTL_REAL);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fn_fakefs *fs = fs_of(req);
	struct fn_node *dir = node_of(fs, parent), *n = NULL;
	const struct fn_hidden *h = NULL;
	struct stat st;
	int err;

	if (dir) {
		h = hidden_child(fs, parent, name);
		n = h ? h->node : fn_vfs_child(dir, name);
	}
	if (!n)
		return lookup_real(fs, req, parent, name);
	/* Everyone else is told "no such file", never cached, so the shim's next lookup is
	 * asked again; the shim's own answer is not cached either, so nobody rides on it. */
	if (shim_only(fs, n)) {
		if (!caller_is_shim(fs, req))
			return (void)fuse_reply_err(req, ENOENT);
		if ((err = any_node_stat(fs, req, n, &st)))
			return (void)fuse_reply_err(req, -err);
		return reply_entry(req, &st, 0);
	}
	if ((err = any_node_stat(fs, req, n, &st)))
		return (void)fuse_reply_err(req, -err);
	reply_entry(req, &st, TTL_TREE);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fn_fakefs *fs = fs_of(req);
	struct fn_node *n = node_of(fs, ino);
	struct stat st;
	int err;

	if (n) {
		if ((err = any_node_stat(fs, req, n, &st)))
			return (void)fuse_reply_err(req, -err);
		fuse_reply_attr(req, &st, shim_only(fs, n) ? 0 : TTL_TREE);
		return;
	}
	err = real_stat(fs, req, ino, &st);
	if (err)
		return (void)fuse_reply_err(req, -err);
	fuse_reply_attr(req, &st, TTL_REAL);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fn_fakefs *fs = fs_of(req);
	struct fn_node *n = node_of(fs, ino);
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t len;
	int err;

	if (n) {
		if (n->type != FN_NODE_LINK)
			return (void)fuse_reply_err(req, EINVAL);
		return (void)fuse_reply_readlink(req, n->content);
	}
	err = fn_pt_real_path(fs, ino, fuse_req_ctx(req)->pid, path, sizeof(path));
	if (err)
		return (void)fuse_reply_err(req, -err);
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return (void)fuse_reply_err(req, errno);
	target[len] = '\0';
	fuse_reply_readlink(req, target);
}

static void dir_list_add(struct dir_list *l, unsigned long ino, mode_t type, const char *name)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (struct dir_entry){.ino = ino, .type = type, .name = xstrdup(name)};
}

static void dir_list_free(struct dir_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	free(l);
}

static mode_t dirent_type(unsigned char d_type)
{
	switch (d_type) {
	case DT_DIR:
		return S_IFDIR;
	case DT_LNK:
		return S_IFLNK;
	default:
		return S_IFREG;
	}
}

/* Adds the real directory's entries that the tree does not define itself. */
static void dir_list_add_real(struct fn_fakefs *fs, fuse_req_t req, fuse_ino_t ino,
			      const struct fn_node *dir, struct dir_list *l)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (fn_pt_real_path(fs, ino, fuse_req_ctx(req)->pid, path, sizeof(path)))
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		mode_t type = dirent_type(de->d_type);

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((dir && fn_vfs_child(dir, de->d_name)) ||
		    fn_pt_hidden_real(fs, path, de->d_name))
			continue;
		dir_list_add(l, fn_pt_intern(fs, ino, de->d_name, type), type, de->d_name);
	}
	closedir(d);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fn_fakefs *fs = fs_of(req);
	struct fn_node *dir = node_of(fs, ino);
	struct dir_list *l = xcalloc(1, sizeof(*l));

	if (dir && dir->type != FN_NODE_DIR) {
		free(l);
		return (void)fuse_reply_err(req, ENOTDIR);
	}
	dir_list_add(l, ino, S_IFDIR, ".");
	dir_list_add(l, dir && dir->parent ? dir->parent->ino : ino, S_IFDIR, "..");
	for (size_t i = 0; dir && i < dir->n_children; i++)
		dir_list_add(l, dir->children[i]->ino, fn_vfs_type_bits(dir->children[i]),
			     dir->children[i]->name);
	if (fn_pt_dir_has_real(fs, ino))
		dir_list_add_real(fs, req, ino, dir, l);
	fi->fh = (uint64_t)(uintptr_t)l;
	fi->cache_readdir = !fn_pt_dir_has_real(fs, ino);
	fi->keep_cache = fi->cache_readdir;
	fuse_reply_open(req, fi);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	const struct dir_list *l = (const struct dir_list *)(uintptr_t)fi->fh;
	char *buf = xmalloc(size);
	size_t used = 0;

	for (size_t i = (size_t)off; off >= 0 && i < l->n; i++) {
		struct stat st = {.st_ino = l->v[i].ino, .st_mode = l->v[i].type};
		size_t need = fuse_add_direntry(req, buf + used, size - used, l->v[i].name, &st,
						(off_t)i + 1);

		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	dir_list_free((struct dir_list *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* The path of a served entry as the target sees it: real entries are named under the tree
 * directory that shows them ("/proc/net/tcp", not "/proc/4711/net/tcp"). */
static char *view_path(const struct fn_fakefs *fs, fuse_ino_t ino)
{
	const struct fn_pt_entry *e = fn_pt_get(fs, ino);
	struct fn_node *n = node_of(fs, ino);
	char *dir, *path;

	if (n)
		return fn_vfs_path(n);
	if (!e)
		return NULL;
	dir = view_path(fs, e->parent);
	path = dir ? xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, e->name) : NULL;
	free(dir);
	return path;
}

/* One "open" event of the audit log; a log that cannot be written never fails the open. The
 * runner's own hidden files (the identity every shim reads) are fakenet's business, not the
 * target's, and are left out. */
static void log_open(struct fn_fakefs *fs, fuse_req_t req, fuse_ino_t ino)
{
	struct fn_jsonl j;
	char comm[64];
	char *path;
	pid_t pid;

	if (fs->log_fd < 0 || (ino >= fs->runner_ino && ino < fs->n_ino))
		return;
	/* The reader's pid as the target sees it (its pid namespace is the run's), so it matches
	 * the pid a shim logs for itself. */
	pid = fuse_req_ctx(req)->pid;
	fn_proc_comm(pid, comm, sizeof(comm));
	if (!comm[0])
		snprintf(comm, sizeof(comm), "?");
	pid = pid > 0 ? fn_proc_inner_pid(pid) : 0;
	path = view_path(fs, ino);
	fn_jsonl_event(&j, "open", pid);
	fn_jsonl_str(&j, "path", path ? path : "?");
	fn_jsonl_str(&j, "command", comm);
	(void)fn_jsonl_write(&j, fs->log_fd);
	free(path);
}

/* Opens a real entry, or a file of the tree that reads a real one: the whole file is read now
 * and later reads slice the copy. */
static void open_real(struct fn_fakefs *fs, fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	const struct fn_node *n = node_of(fs, ino);
	pid_t pid = fuse_req_ctx(req)->pid;
	struct pt_snapshot *snap;
	char path[PATH_MAX];
	int err = n ? 0 : fn_pt_real_path(fs, ino, pid, path, sizeof(path));

	if (err)
		return (void)fuse_reply_err(req, -err);
	snap = xcalloc(1, sizeof(*snap));
	snap->fd = -1;
	/* A file of the tree that reads a real one, rewritten where it says so. */
	if (n)
		err = fn_vfs_node_text(n, pid, &snap->data, &snap->len);
	else
		err = fn_read_file(path, &snap->data, &snap->len, PT_MAX_FILE);
	if (err == -ENOENT || err == -EACCES || err == -EPERM) {
		free(snap);
		return (void)fuse_reply_err(req, -err);
	}
	snap->err = -err; /* other failures surface at read(), as the real file's would */
	log_open(fs, req, ino);
	fi->fh = (uint64_t)(uintptr_t)snap;
	fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

/* A backed file: read in place from the host's file, through the page cache, so it can be mapped
 * and executed. */
static void open_backed(struct fn_fakefs *fs, fuse_req_t req, const struct fn_node *n,
			struct fuse_file_info *fi)
{
	struct pt_snapshot *snap;
	int fd = open(n->passthrough, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return (void)fuse_reply_err(req, errno);
	snap = xcalloc(1, sizeof(*snap));
	snap->fd = fd;
	fi->fh = (uint64_t)(uintptr_t)snap;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fn_fakefs *fs = fs_of(req);
	struct fn_node *n = node_of(fs, ino);

	/* Root passes the kernel's permission check, so refuse writers here; procfs and sysfs
	 * answer EACCES for files that cannot be written, and nothing here can be. */
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return (void)fuse_reply_err(req, EACCES);
	if (!n)
		return open_real(fs, req, ino, fi);
	if (n->type != FN_NODE_FILE)
		return (void)fuse_reply_err(req, EISDIR);
	if (is_backed(n))
		return open_backed(fs, req, n, fi);
	if (fn_vfs_reads_real(n))
		return open_real(fs, req, ino, fi);
	log_open(fs, req, ino);
	fi->fh = 0;
	/* procfs and sysfs sizes are not the content's length, so the kernel must not trust
	 * st_size: direct I/O reads until the server says EOF. */
	if (n->style == FN_FILE_STATIC)
		fi->keep_cache = 1;
	else
		fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

static void reply_slice(fuse_req_t req, const char *data, size_t len, size_t size, off_t off)
{
	if (off < 0 || (size_t)off >= len)
		return (void)fuse_reply_buf(req, NULL, 0);
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	fuse_reply_buf(req, data + off, size);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fn_fakefs *fs = fs_of(req);
	const struct pt_snapshot *snap = (const struct pt_snapshot *)(uintptr_t)fi->fh;
	struct fn_node *n = node_of(fs, ino);

	if (snap && snap->fd >= 0) {
		char *buf = xmalloc(size);
		ssize_t got = pread(snap->fd, buf, size, off);

		if (got < 0)
			fuse_reply_err(req, errno);
		else
			fuse_reply_buf(req, buf, (size_t)got);
		free(buf);
		return;
	}
	if (snap) {
		if (snap->err)
			return (void)fuse_reply_err(req, snap->err);
		return reply_slice(req, snap->data, snap->len, size, off);
	}
	if (!n)
		return (void)fuse_reply_err(req, EBADF);
	if (n->read_errno)
		return (void)fuse_reply_err(req, n->read_errno);
	reply_slice(req, n->content, n->len, size, off);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pt_snapshot *snap = (struct pt_snapshot *)(uintptr_t)fi->fh;

	if (snap) {
		if (snap->fd >= 0)
			close(snap->fd);
		free(snap->data);
		free(snap);
	}
	fuse_reply_err(req, 0);
}

/* Keeps the request buffers small: nothing here is written and no file is large. Link targets
 * never change, so the kernel may keep them: every walk through /proc/net or a sysfs link would
 * otherwise ask the server again. */
static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	conn->want &= ~(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	conn->max_write = 64 * 1024;
	conn->max_readahead = 64 * 1024;
}

const struct fuse_lowlevel_ops fn_fakefs_ops = {
    .init = op_init,
    .lookup = op_lookup,
    .getattr = op_getattr,
    .readlink = op_readlink,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .releasedir = op_releasedir,
    .open = op_open,
    .read = op_read,
    .release = op_release,
};
