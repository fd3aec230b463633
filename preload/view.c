/* Paths through the view: which real paths the tree answers (the same places fakefs is mounted
 * over), how links inside it resolve, and what a virtual node looks like to stat and open. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "preload.h"
#include "util.h"
#include "view.h"
#include "view_walk.h"

/* What the library knows of an fd: the path of a virtual directory (fn_view_fd_register), and
 * the file the view opened (note_opened). Kept in blocks of FD_BLOCK fds made on first use, so
 * any fd number a process may have (up to FD_BLOCKS * FD_BLOCK, twice the kernel's default
 * limit of fs.nr_open) costs memory only where fds are. */
struct fd_entry {
	char *dir; /* a virtual directory's path; NULL: none */
	/* The file the view opened: the node's path, the memfd's inode and the process that opened
	 * it (whose /proc/PID/net the kernel names), so fstat and the kernel's /proc/self/fd/N name
	 * the node rather than the memfd (fn_view_fd_node). Checked at each use: an fd fclose
	 * closed (with libc's own close) is reused without the library seeing it. */
	char *path;
	dev_t dev;
	ino_t ino;
	pid_t opener;
};

#define FD_BLOCK  1024
#define FD_BLOCKS 2048

static struct fd_entry *fd_blocks[FD_BLOCKS];
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;

/* The fd's entry where its block exists; NULL for any other fd. */
FN_HOT static inline struct fd_entry *fd_entry(int fd)
{
	struct fd_entry *block;

	if (fd < 0 || (unsigned)fd / FD_BLOCK >= FD_BLOCKS)
		return NULL;
	block = __atomic_load_n(&fd_blocks[(unsigned)fd / FD_BLOCK], __ATOMIC_ACQUIRE);
	return block ? &block[(unsigned)fd % FD_BLOCK] : NULL;
}

/* The fd's entry, its block made if need be; called with fd_lock held. NULL where the fd is out
 * of range or memory ran out (the fd is then as any other). */
static struct fd_entry *fd_entry_made(int fd)
{
	struct fd_entry *block;

	if (fd < 0 || (unsigned)fd / FD_BLOCK >= FD_BLOCKS)
		return NULL;
	block = fd_blocks[(unsigned)fd / FD_BLOCK];
	if (!block) {
		if (!(block = calloc(FD_BLOCK, sizeof(*block))))
			return NULL;
		__atomic_store_n(&fd_blocks[(unsigned)fd / FD_BLOCK], block, __ATOMIC_RELEASE);
	}
	return &block[(unsigned)fd % FD_BLOCK];
}

/* Whether `p` begins with `lit`, compared a byte at a time so a short path is never read past
 * its end; cheaper than strncmp for the few bytes compared on every open. */
static inline bool begins(const char *p, const char *lit, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != lit[i])
			return false;
	return true;
}

#define BEGINS(p, lit) begins(p, lit, sizeof(lit) - 1)

/* Whether `p` starts with the components of `prefix` (followed by '/' or the end). */
static inline bool under(const char *p, const char *prefix, size_t len)
{
	return begins(p, prefix, len) && (p[len] == '/' || p[len] == '\0');
}

#define UNDER(p, lit) under(p, lit, sizeof(lit) - 1)

/* Whether a relative path from this directory (with a '/' appended) may reach the view: the
 * directory is the root, or shares its first component with a mount of the view. */
static bool maybe_in_view(const char *dir)
{
	const char *slash = strchr(dir + 1, '/');
	size_t top = slash ? (size_t)(slash - dir) : strlen(dir);

	if (top <= 1)
		return true; /* "/": "proc/net/route" is as much the view as "/proc/net/route" */
	for (size_t i = 0; i < fn_n_view_mounts; i++)
		if (under(fn_view_mounts[i].path, dir, top))
			return true;
	return false;
}

/* Whether `p` is in the kernel link's directory ("/proc/..."). */
static inline bool in_link_dir(const char *p)
{
	return fn_view_kernel_link.dir_len &&
	       begins(p, fn_view_kernel_link.path, fn_view_kernel_link.dir_len);
}

/* /proc/self/net, /proc/thread-self/net and /proc/PID/net (after "/proc/"): names of the
 * target's /proc/net. */
FN_HOT static bool proc_net_alias_path(const char *q)
{
	if (BEGINS(q, "self/"))
		q += 5;
	else if (BEGINS(q, "thread-self/"))
		q += 12;
	else if (*q >= '0' && *q <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
		q += *q == '/';
	}
	return fn_view_kernel_link.name_len &&
	       under(q, fn_view_kernel_link.name, fn_view_kernel_link.name_len);
}

/* The view's mounts grouped by their first component ("sys", "proc", "etc", ...). Every path
 * call asks about its path, right after a system call has pushed the library's data out of the
 * cache: the groups and their mounts' paths are packed into a few cache lines, and most paths
 * share their first component with no mount (/usr, /home, /tmp) or with a few (/etc). */
#define MAX_TOPS     8
#define TOP_NAME_MAX 7

/* A group: its mounts' paths, and the directories above them that share the component (for
 * "/sys": "/sys", "/sys/class", ...), each a length byte and then the path. */
struct top {
	unsigned char len;
	char name[TOP_NAME_MAX];
	unsigned short start, end;	 /* in mounts_index.paths */
	unsigned short above, above_end; /* in mounts_index.above */
};

static struct {
	bool ready;	 /* set, with release order, once the rest is made */
	bool incomplete; /* a group did not fit: every path is left to the walk */
	unsigned char n_tops;
	struct top tops[MAX_TOPS];
	char paths[2048];
	char above[1024];
} mounts_index __attribute__((aligned(64)));
static pthread_once_t mounts_index_once = PTHREAD_ONCE_INIT;

FN_HOT static size_t top_len(const char *p)
{
	const char *end = p + 1;

	while (*end && *end != '/')
		end++;
	return (size_t)(end - p - 1);
}

/* Appends `len` bytes of `path` to a packed list (`*used` bytes of `list`, `size` in all) unless
 * the list already holds them from `from` on. */
static bool pack(char *list, size_t size, size_t from, size_t *used, const char *path, size_t len)
{
	for (size_t i = from; i < *used; i += 1 + (unsigned char)list[i])
		if ((unsigned char)list[i] == len && memcmp(list + i + 1, path, len) == 0)
			return true;
	if (len > UCHAR_MAX || *used + 1 + len > size)
		return false;
	list[(*used)++] = (char)len;
	memcpy(list + *used, path, len);
	*used += len;
	return true;
}

/* Adds the group of mount `m`'s first component, with every mount of the table that has it and
 * the directories above those. */
static bool add_top(const char *m, size_t len, size_t *used, size_t *used_above)
{
	struct top *t = &mounts_index.tops[mounts_index.n_tops];

	if (mounts_index.n_tops == MAX_TOPS || len > TOP_NAME_MAX)
		return false;
	t->len = (unsigned char)len;
	memcpy(t->name, m + 1, len);
	t->start = (unsigned short)*used;
	t->above = (unsigned short)*used_above;
	for (size_t j = 0; j < fn_n_view_mounts; j++) {
		const char *path = fn_view_mounts[j].path;
		size_t n = strlen(path);

		if (top_len(path) != len || memcmp(path + 1, m + 1, len) != 0)
			continue;
		if (!pack(mounts_index.paths, sizeof(mounts_index.paths), t->start, used, path, n))
			return false;
		for (size_t k = 1; k < n; k++)
			if (path[k] == '/' && !pack(mounts_index.above, sizeof(mounts_index.above),
						    t->above, used_above, path, k))
				return false;
	}
	t->end = (unsigned short)*used;
	t->above_end = (unsigned short)*used_above;
	mounts_index.n_tops++;
	return true;
}

static void make_index(void)
{
	size_t used = 0, used_above = 0;

	for (size_t i = 0; i < fn_n_view_mounts && !mounts_index.incomplete; i++) {
		const char *m = fn_view_mounts[i].path;
		size_t len = top_len(m), t = 0;

		while (t < mounts_index.n_tops &&
		       (mounts_index.tops[t].len != len ||
			memcmp(mounts_index.tops[t].name, m + 1, len) != 0))
			t++;
		if (t == mounts_index.n_tops && !add_top(m, len, &used, &used_above))
			mounts_index.incomplete = true;
	}
	__atomic_store_n(&mounts_index.ready, true, __ATOMIC_RELEASE);
}

/* What is known of the absolute path `p` from its first component. */
enum top_verdict { TOP_NONE, TOP_FOUND, TOP_UNKNOWN };

FN_HOT static enum top_verdict top_of(const char *p, const struct top **out)
{
	size_t len = top_len(p);

	if (!__atomic_load_n(&mounts_index.ready, __ATOMIC_ACQUIRE))
		pthread_once(&mounts_index_once, make_index);
	if (mounts_index.incomplete)
		return TOP_UNKNOWN;
	for (size_t t = 0; t < mounts_index.n_tops; t++)
		if (mounts_index.tops[t].len == len &&
		    begins(p + 1, mounts_index.tops[t].name, len)) {
			*out = &mounts_index.tops[t];
			return TOP_FOUND;
		}
	return TOP_NONE;
}

/* Whether an absolute path may reach the tree. Every program opens paths that cannot (/etc/passwd,
 * /proc/self/maps, libraries), and those must not pay for the walk: the mounts that share the
 * path's first component are matched here byte by byte, and only a path with "//", "/." or "/.."
 * after that component is left to the walk to normalise. */
FN_HOT static bool may_reach_tree(const char *p)
{
	const struct top *t = NULL;
	const char *rest;

	switch (top_of(p, &t)) {
	case TOP_NONE:
		return false;
	case TOP_UNKNOWN:
		return true;
	case TOP_FOUND:
		break;
	}
	for (size_t i = t->start; i < t->end; i += 1 + (unsigned char)mounts_index.paths[i])
		if (under(p, mounts_index.paths + i + 1, (unsigned char)mounts_index.paths[i]))
			return true;
	rest = p + 1 + t->len;
	/* /proc/net's other names, and the process's own links into the view (through_own_link). */
	if (*rest == '/' && in_link_dir(p) &&
	    (proc_net_alias_path(rest + 1) || strstr(rest, "/cwd") || strstr(rest, "/fd/")))
		return true;
	/* The host's network devices below it stay hidden (fn_vfs_hidden_real). */
	if (BEGINS(p, "/sys/devices/"))
		return true;
	for (const char *q = rest; *q; q++)
		if (q[0] == '/' && (q[1] == '/' || q[1] == '.'))
			return true;
	/* A directory above a mount may be one on the way to a static file that the host lacks,
	 * which is then the tree's (view_walk.h). */
	for (size_t i = t->above; i < t->above_end; i += 1 + (unsigned char)mounts_index.above[i]) {
		size_t len = (unsigned char)mounts_index.above[i];

		if (begins(p, mounts_index.above + i + 1, len) &&
		    (!p[len] || (p[len] == '/' && !p[len + 1])))
			return true;
	}
	return false;
}

/* An absolute form of a path relative to dirfd, when that can be in the view. */
static bool absolute(int dirfd, const char *path, char *out, size_t len)
{
	const char *base;
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		snprintf(out, len, "%s", path);
		return true;
	}
	if (dirfd == AT_FDCWD) {
		/* Programs rarely sit in /proc, /sys or /etc; the cheap test keeps the others
		 * from paying for a getcwd on every relative open. */
		if (!fn_view_cwd(cwd, sizeof(cwd)) &&
		    (!FN_REAL(getcwd)(cwd, sizeof(cwd)) || !maybe_in_view(strcat(cwd, "/"))))
			return false;
		base = cwd;
	} else {
		base = fn_view_fd_path(dirfd);
		if (!base)
			return false;
	}
	/* Too long to be a path of the view: the real call says what it is. */
	return (size_t)snprintf(out, len, "%s/%s", base, path) < len;
}

bool fn_view_absolute(int dirfd, const char *path, char *out, size_t len)
{
	return absolute(dirfd, path, out, len);
}

/* The host's own disks in /dev (vda, loop0), reached through the view's /dev, which only an
 * identity with disks has: it shows its disks and none of the host's block devices. */
static bool host_disk_node(const char *path)
{
	struct stat st;

	return strncmp(path, "/dev/", 5) == 0 && !strchr(path + 5, '/') &&
	       FN_REAL(fstatat)(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISBLK(st.st_mode);
}

static bool cwd_may_be_in_view = true;

/* Whether a path ends in '/', "/." or "/..": the kernel then resolves a final link even for
 * lstat ("/sys/class/dmi/id/" and "/sys/class/dmi/id/." are the directory). */
static bool names_directory(const char *p)
{
	size_t len = strlen(p);

	return (len && p[len - 1] == '/') || (len >= 2 && strcmp(p + len - 2, "/.") == 0) ||
	       (len >= 3 && strcmp(p + len - 3, "/..") == 0);
}

static bool through_own_link(char *abs, size_t size, bool follow);

static void lookup(int dirfd, const char *path, bool follow, struct fn_view *v)
{
	const struct fn_preload *st;
	char abs[PATH_MAX], cwd[PATH_MAX];
	struct fn_walk w;

	v->kind = FN_WALK_NONE;
	if (!path || !*path)
		return;
	if (path[0] != '/' && dirfd == AT_FDCWD && !cwd_may_be_in_view)
		return;
	if (path[0] == '/' && !may_reach_tree(path))
		return;
	if (!absolute(dirfd, path, abs, sizeof(abs)))
		return;
	through_own_link(abs, sizeof(abs), follow);
	st = fn_preload_view_state();
	if (!st)
		return;
	w.real = v->real;
	w.real_size = sizeof(v->real);
	w.real_stat = FN_REAL(stat);
	follow |= names_directory(abs);
	fn_view_walk(st->vfs, abs, FN_WALK_MOUNTS | (follow ? FN_WALK_FOLLOW : 0), getpid(), &w);
	v->kind = w.kind;
	v->node = w.node;
	v->err = w.err;
	if (v->kind == FN_WALK_REAL && host_disk_node(v->real)) {
		v->kind = FN_WALK_ERROR;
		v->err = ENOENT;
	}
	/* From a directory of the tree the kernel's cwd is only its stand-in: a relative path the
	 * view leaves to the real call names the real path it leads to from the tree's. */
	if (v->kind == FN_WALK_NONE && path[0] != '/' && dirfd == AT_FDCWD &&
	    fn_view_cwd(cwd, sizeof(cwd)) && strlen(abs) < sizeof(v->real)) {
		strcpy(v->real, abs);
		v->kind = FN_WALK_REAL;
	}
}

/* The walk's own stats (a directory the host lacks) leave errno alone: a failure is v->err. */
void fn_view_lookup(int dirfd, const char *path, bool follow, struct fn_view *v)
{
	int saved = errno;

	lookup(dirfd, path, follow, v);
	errno = saved;
}

/* Whether the cwd is worth resolving for relative paths. */
static void check_cwd(void)
{
	char cwd[PATH_MAX];

	cwd_may_be_in_view = fn_view_cwd(cwd, sizeof(cwd)) || !FN_REAL(getcwd)(cwd, sizeof(cwd)) ||
			     maybe_in_view(strcat(cwd, "/"));
}

/* At load, after environ.c took the library's variables: the directory of the tree the parent
 * was in (cwd.c), then the check. */
__attribute__((constructor)) static void load_cwd(void)
{
	fn_view_adopt_cwd(fn_preload_inherited_cwd());
	check_cwd();
}

void fn_view_note_chdir(void)
{
	int saved = errno;

	/* A vfork child's answer would be its parent's as well: either may then be in the view. */
	if (fn_view_cwd_borrowed())
		cwd_may_be_in_view = true;
	else
		check_cwd();
	errno = saved;
}

int fn_view_stat(const struct fn_preload *st, const struct fn_node *node, struct stat *out)
{
	int err = fn_vfs_stat(node, getpid(), FN_REAL(lstat), FN_REAL(stat), out);

	if (err) {
		errno = -err;
		return -1;
	}
	out->st_dev = makedev(0, 0x6e); /* one anonymous device for the whole view */
	out->st_atim.tv_sec = out->st_mtim.tv_sec = out->st_ctim.tv_sec = st->loaded_at;
	return 0;
}

/* The node's path as process `pid` names it: /proc/net's is that process's /proc/PID/net. */
static void node_path_of(const struct fn_node *node, pid_t pid, char *out, size_t size)
{
	char *path = fn_vfs_path(node);
	size_t n = fn_view_kernel_link.len;

	if (n && strncmp(path, fn_view_kernel_link.path, n) == 0 && (path[n] == '/' || !path[n]))
		snprintf(out, size, "%.*s%d/%s%s", (int)fn_view_kernel_link.dir_len, path, (int)pid,
			 fn_view_kernel_link.name, path + n);
	else
		snprintf(out, size, "%s", path);
	free(path);
}

void fn_view_node_path(const struct fn_node *node, char *out, size_t size)
{
	node_path_of(node, getpid(), out, size);
}

/* The seals of a memfd the view made: a file of the view only reads. */
#define CONTENT_SEALS (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)
/* The longest name memfd_create takes (NAME_MAX less its "memfd:"). */
#define MEMFD_NAME_MAX 249

/* A sealed memfd holding the text: read, mmap and fstat all behave as on a file. It is named
 * for the file as the kernel names it (/proc/PID/net/route), so a program that inherits it
 * across exec knows it again by its link (fn_view_fd_adopt). */
static int content_fd(const struct fn_node *node, const char *text, size_t len, mode_t mode,
		      int flags)
{
	char name[PATH_MAX];
	int fd;
	size_t done = 0;

	node_path_of(node, getpid(), name, sizeof(name));
	if (strlen(name) > MEMFD_NAME_MAX)
		snprintf(name, sizeof(name), "%s", node->name);
	fd = memfd_create(name, MFD_ALLOW_SEALING | (flags & O_CLOEXEC ? MFD_CLOEXEC : 0));

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0) {
			close(fd);
			errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	fchmod(fd, mode);
	fcntl(fd, F_ADD_SEALS, CONTENT_SEALS);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void note_opened_by(int fd, const struct fn_node *node, pid_t opener)
{
	char *path = fn_vfs_path(node);
	struct fd_entry *e;
	struct stat st;

	if (FN_REAL(fstat)(fd, &st) != 0) {
		free(path);
		return;
	}
	pthread_mutex_lock(&fd_lock);
	if ((e = fd_entry_made(fd))) {
		free(e->path);
		e->path = path;
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		e->opener = opener;
	} else
		free(path);
	pthread_mutex_unlock(&fd_lock);
}

static void note_opened(int fd, const struct fn_node *node)
{
	note_opened_by(fd, node, getpid());
}

/* A duplicate of a file the view opened is that file too. */
static void copy_opened(int from, int to)
{
	struct fd_entry *f = fd_entry(from), *t;

	if (!f || !__atomic_load_n(&f->path, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&fd_lock);
	if ((t = fd_entry_made(to))) {
		char *copy = f->path ? strdup(f->path) : NULL;

		free(t->path);
		t->path = copy;
		t->dev = f->dev;
		t->ino = f->ino;
		t->opener = f->opener;
	}
	pthread_mutex_unlock(&fd_lock);
}

bool fn_view_fd_known(int fd)
{
	const struct fd_entry *e = fd_entry(fd);

	return e && (__atomic_load_n(&e->dir, __ATOMIC_RELAXED) ||
		     __atomic_load_n(&e->path, __ATOMIC_RELAXED));
}

/* The node's path for a file fd the view opened, in `out`, and the process that opened it in
 * `*opener`; false for any other fd. */
static bool opened_path(int fd, char *out, size_t size, pid_t *opener)
{
	struct fd_entry *e = fd_entry(fd);
	struct stat st;
	bool same;

	if (!e || !__atomic_load_n(&e->path, __ATOMIC_RELAXED) || FN_REAL(fstat)(fd, &st) != 0)
		return false;
	pthread_mutex_lock(&fd_lock);
	same = e->path && e->dev == st.st_dev && e->ino == st.st_ino &&
	       (size_t)snprintf(out, size, "%s", e->path) < size;
	*opener = e->opener;
	pthread_mutex_unlock(&fd_lock);
	return same;
}

/* The file of the view a memfd's name (content_fd) stands for, from its link
 * ("/memfd:/proc/PID/net/route (deleted)", NUL-terminated in `link`): its path in the tree and
 * its opener; false for any other form. The name is only parsed here, not trusted. */
static bool memfd_file(char *link, const char **name, char *path, size_t size, pid_t *opener)
{
	static const char prefix[] = "/memfd:", suffix[] = " (deleted)";
	size_t n = strlen(link), p = sizeof(prefix) - 1, s = sizeof(suffix) - 1;
	const char *rest;

	if (n <= p + s || !BEGINS(link, prefix) || link[p] != '/' || strcmp(link + n - s, suffix))
		return false;
	link[n - s] = '\0';
	*name = link + p;
	rest = *name + fn_view_kernel_link.dir_len;
	if (!in_link_dir(*name) || *rest < '1' || *rest > '9')
		return (size_t)snprintf(path, size, "%s", *name) < size;
	*opener = (pid_t)strtol(rest, NULL, 10);
	rest += strspn(rest, "0123456789");
	return *rest == '/' &&
	       under(rest + 1, fn_view_kernel_link.name, fn_view_kernel_link.name_len) &&
	       *opener > 0 &&
	       (size_t)snprintf(path, size, "%.*s%s", (int)fn_view_kernel_link.dir_len - 1, *name,
				rest) < size;
}

static bool adopt(int fd, mode_t mode, nlink_t nlink)
{
	static __thread bool adopting;
	static __thread struct fn_view v;
	char self[32], link[PATH_MAX], path[PATH_MAX], canon[PATH_MAX];
	const char *name;
	pid_t opener;
	ssize_t n;

	/* Most fds end here: the memfd is a regular file that no directory links. */
	if (!S_ISREG(mode) || nlink != 0 || fd < 0 || adopting || fn_view_fd_known(fd) ||
	    fcntl(fd, F_GET_SEALS) != CONTENT_SEALS || !fn_preload_view_state())
		return false;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	n = FN_REAL(readlink)(self, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	opener = getpid();
	if (!memfd_file(link, &name, path, sizeof(path), &opener))
		return false;
	/* Only a file the view has, named exactly as content_fd names it: a forged name answers
	 * no more than the view answers for that path. The walk may pass the process's own links
	 * (/proc/self/fd/N), which must not come back here. */
	adopting = true;
	fn_view_lookup(AT_FDCWD, path, false, &v);
	adopting = false;
	if (v.kind != FN_WALK_NODE || v.node->type != FN_NODE_FILE)
		return false;
	node_path_of(v.node, opener, canon, sizeof(canon));
	if (strcmp(canon, name) != 0)
		return false;
	note_opened_by(fd, v.node, opener);
	return true;
}

/* Asked after a stat that succeeded: the seals asked of any other file leave errno alone. */
bool fn_view_fd_adopt(int fd, mode_t mode, nlink_t nlink)
{
	int saved = errno;
	bool adopted = adopt(fd, mode, nlink);

	errno = saved;
	return adopted;
}

/* A file that reads a real one (/proc/cpuinfo): its text made now from the real file, read with
 * the real calls (the path is one the view answers). */
static int real_fd(const struct fn_node *node, int flags)
{
	char path[PATH_MAX], chunk[4096], *text;
	struct fn_buf real, out;
	int in, fd, err;
	ssize_t n;
	size_t len;

	if ((err = fn_vfs_passthrough_path(node, getpid(), path, sizeof(path)))) {
		errno = -err;
		return -1;
	}
	in = FN_REAL(openat)(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	fn_buf_init(&real);
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		fn_buf_append(&real, chunk, (size_t)n);
	close(in);
	fn_buf_init(&out);
	fn_vfs_node_rewrite(node, real.data ? real.data : "", real.len, &out);
	fn_buf_free(&real);
	text = fn_buf_steal(&out, &len);
	fd = content_fd(node, text, len, node->mode, flags);
	err = errno;
	free(text);
	if (fd >= 0)
		note_opened(fd, node);
	errno = err;
	return fd;
}

/* A disk's device node (/dev/sda): the fd is remembered, so its drive ioctls are answered
 * (disk_ioctl.c); so is a link opened itself (`remember`), which an empty path then names. */
static bool is_dev_node(const struct fn_node *node)
{
	return node->parent && node->parent->parent && !node->parent->parent->parent &&
	       strcmp(node->parent->name, "dev") == 0;
}

static int node_fd(const struct fn_node *node, int flags, bool remember)
{
	int fd = content_fd(node, node->content, node->len, node->mode, flags);
	char *path;

	if (fd < 0)
		return fd;
	if (!(remember || is_dev_node(node))) {
		note_opened(fd, node);
		return fd;
	}
	path = fn_vfs_path(node);
	fn_view_fd_register(fd, path);
	free(path);
	return fd;
}

static int open_dir(const struct fn_node *node, int flags)
{
	char *path = fn_vfs_path(node), real[PATH_MAX];
	int dflags = O_RDONLY | O_DIRECTORY | (flags & O_CLOEXEC);
	int fd = -1;

	/* The real directory a passthrough stands for, else the one of the same name. */
	if (!node->passthrough || fn_vfs_passthrough_path(node, getpid(), real, sizeof(real)))
		snprintf(real, sizeof(real), "%s", path);
	fd = FN_REAL(openat)(AT_FDCWD, real, dflags);

	/* A directory only the tree has still needs a real directory fd behind it. */
	if (fd < 0)
		fd = FN_REAL(openat)(AT_FDCWD, fn_view_empty_dir(), dflags);
	if (fd >= 0)
		fn_view_fd_register(fd, path);
	free(path);
	return fd;
}

static int open_node(const struct fn_view *v, int flags)
{
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
		errno = v->node->type == FN_NODE_DIR ? EISDIR : EROFS;
		return -1;
	}
	switch (v->node->type) {
	case FN_NODE_DIR:
		return open_dir(v->node, flags);
	case FN_NODE_LINK:
		/* Only reached with O_NOFOLLOW: O_PATH opens the link itself, as the kernel does.
		 */
		if (flags & O_PATH)
			return node_fd(v->node, flags & ~O_PATH, true);
		errno = ELOOP;
		return -1;
	case FN_NODE_FILE:
		break;
	}
	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	if (fn_vfs_reads_real(v->node))
		return real_fd(v->node, flags);
	return node_fd(v->node, flags, false);
}

int fn_view_open(const struct fn_view *v, int flags)
{
	int saved = errno, fd = open_node(v, flags);

	return FN_KEEP_ERRNO(saved, fd >= 0, fd);
}

void fn_view_fd_register(int fd, const char *path)
{
	char *copy;
	struct fd_entry *e;

	if (fd < 0)
		return;
	copy = strdup(path);
	pthread_mutex_lock(&fd_lock);
	if ((e = fd_entry_made(fd))) {
		free(e->dir);
		__atomic_store_n(&e->dir, copy, __ATOMIC_RELEASE);
	} else
		free(copy);
	pthread_mutex_unlock(&fd_lock);
}

FN_HOT const char *fn_view_fd_path(int fd)
{
	const struct fd_entry *e = fd_entry(fd);

	return e ? __atomic_load_n(&e->dir, __ATOMIC_ACQUIRE) : NULL;
}

const struct fn_node *fn_view_fd_node(int fd)
{
	static __thread struct fn_view v;
	static __thread char file[PATH_MAX];
	const char *path = fn_view_fd_path(fd);
	pid_t opener;

	if (!path && opened_path(fd, file, sizeof(file), &opener))
		path = file;
	if (!path)
		return NULL;
	/* A link opened itself is the link; a directory's name may be a kernel link's (/proc/net).
	 */
	fn_view_lookup(AT_FDCWD, path, false, &v);
	if (v.kind != FN_WALK_NODE)
		fn_view_lookup(AT_FDCWD, path, true, &v);
	return v.kind == FN_WALK_NODE ? v.node : NULL;
}

const char *fn_view_own_proc(const char *path)
{
	char self[24];
	int n;

	if (!BEGINS(path, "/proc/"))
		return NULL;
	path += 6;
	if (BEGINS(path, "self/"))
		return path + 5;
	if (BEGINS(path, "thread-self/"))
		return path + 12;
	n = snprintf(self, sizeof(self), "%d/", (int)getpid());
	return n > 0 && strncmp(path, self, (size_t)n) == 0 ? path + n : NULL;
}

/* The length of the process's own link at the start of `rest` (after /proc/self/): "cwd" or
 * "fd/N"; 0 for any other name. */
static size_t own_link_len(const char *rest)
{
	size_t n;

	if (BEGINS(rest, "cwd"))
		n = 3;
	else if (BEGINS(rest, "fd/") && rest[3] >= '0' && rest[3] <= '9')
		n = 3 + strspn(rest + 3, "0123456789");
	else
		return 0;
	return rest[n] == '/' || !rest[n] ? n : 0;
}

/* The name the kernel gives for where the own link `rest` (of `len` bytes) leads, where that is
 * the view's: "cwd" a directory of the tree (cwd.c), "fd/N" an fd the view made. The kernel's
 * own link names the stand-in or the memfd behind it. */
static bool own_link_target(const char *rest, size_t len, char *out, size_t size)
{
	const struct fn_node *node;
	char file[PATH_MAX];
	pid_t opener;
	struct stat st;
	long fd;

	if (len == 3 && BEGINS(rest, "cwd"))
		return fn_view_cwd(out, size);
	fd = strtol(rest + 3, NULL, 10);
	if (len == 3 || fd < 0 || fd > INT_MAX)
		return false;
	if (!fn_view_fd_known((int)fd) && FN_REAL(fstat)((int)fd, &st) == 0)
		fn_view_fd_adopt((int)fd, st.st_mode, st.st_nlink);
	if (!(node = fn_view_fd_node((int)fd)))
		return false;
	/* A file's name is its opener's (/proc/PID/net/route), in a child as well. */
	opener = getpid();
	if (!fn_view_fd_path((int)fd))
		opened_path((int)fd, file, sizeof(file), &opener);
	node_path_of(node, opener, out, size);
	return true;
}

/* Absolute `abs` (of `size` bytes) through the own link (/proc/self/cwd/address, or the link
 * itself where `follow`) continued from where the link leads in the view, in place; false where
 * it is left alone. */
static bool through_own_link(char *abs, size_t size, bool follow)
{
	char target[PATH_MAX];
	const char *rest = fn_view_own_proc(abs);
	size_t n = rest ? own_link_len(rest) : 0, t, r;

	if (!n || (!rest[n] && !follow) || !own_link_target(rest, n, target, sizeof(target)))
		return false;
	t = strlen(target);
	r = strlen(rest + n);
	if (t + r >= size)
		return false;
	memmove(abs + t, rest + n, r + 1);
	memcpy(abs, target, t);
	return true;
}

ssize_t fn_view_own_readlink(int dirfd, const char *path, char *buf, size_t len)
{
	char abs[PATH_MAX], target[PATH_MAX];
	const char *rest;
	size_t n;

	/* Every readlink passes here: the cheap tests first. */
	if ((path[0] == '/' && !BEGINS(path, "/proc/")) ||
	    (!strstr(path, "cwd") && !strstr(path, "fd/")) ||
	    !absolute(dirfd, path, abs, sizeof(abs)) || !(rest = fn_view_own_proc(abs)) ||
	    !(n = own_link_len(rest)) || rest[n] ||
	    !own_link_target(rest, n, target, sizeof(target)))
		return -2;
	n = strlen(target) < len ? strlen(target) : len;
	memcpy(buf, target, n);
	return (ssize_t)n;
}

void fn_view_fd_copy(int from, int to)
{
	const char *path;

	/* Every dup passes here: an fd neither table knows asks nothing more (no getpid). */
	if ((!fn_view_fd_known(from) && !fn_view_fd_known(to)) || fn_view_cwd_borrowed())
		return;
	path = fn_view_fd_path(from);
	/* `to` may have been another file of the view, which dup2 closed. */
	fn_view_fd_forget(to);
	if (path)
		fn_view_fd_register(to, path);
	copy_opened(from, to);
}

bool fn_view_normalise(const char *in, char *out, size_t size)
{
	size_t len = 0;

	/* The output never runs ahead of the input: `out` may be `in`. */
	for (const char *p = in, *end; *p; p = end) {
		size_t n;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[--len] != '/')
				;
			continue;
		}
		if (len + 1 + n >= size)
			return false;
		out[len++] = '/';
		memmove(out + len, p, n);
		len += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return true;
}

/* Whether the normal absolute path `abs` (`len` bytes) names a directory above a mount of the
 * view: "/" or a proper ancestor of a mount's path, which shares its first component. */
FN_HOT static bool above_a_mount(const char *abs, size_t len)
{
	const struct top *t = NULL;

	if (len == 1)
		return true;
	switch (top_of(abs, &t)) {
	case TOP_NONE:
		return false;
	case TOP_UNKNOWN:
		for (size_t i = 0; i < fn_n_view_mounts; i++)
			if (strlen(fn_view_mounts[i].path) > len &&
			    fn_view_mounts[i].path[len] == '/' &&
			    begins(fn_view_mounts[i].path, abs, len))
				return true;
		return false;
	case TOP_FOUND:
		break;
	}
	/* Most paths differ in length from every directory above a mount. */
	for (size_t i = t->above; i < t->above_end; i += 1 + (unsigned char)mounts_index.above[i])
		if ((unsigned char)mounts_index.above[i] == len &&
		    begins(mounts_index.above + i + 1, abs, len))
			return true;
	return false;
}

bool fn_view_above_mount(const char *abs)
{
	return above_a_mount(abs, strlen(abs));
}

/* Whether an absolute path is in the form fn_view_normalise gives (no "//", no '/' at its end, no
 * component starting with '.'), its length in `len`: most paths a program opens are. */
FN_HOT static bool is_normal(const char *p, size_t *len)
{
	const char *q = p + 1;

	for (; *q; q++)
		if (q[-1] == '/' && (q[0] == '/' || q[0] == '.'))
			return false;
	if (q - p > 1 && q[-1] == '/')
		return false;
	*len = (size_t)(q - p);
	return true;
}

/* A real directory opened as ".." of another: remembered where it is above a mount, as the kernel
 * names it. */
static void note_climb(int fd)
{
	char link[32], abs[PATH_MAX];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = FN_REAL(readlink)(link, abs, sizeof(abs) - 1);
	if (len <= 0 || abs[0] != '/')
		return;
	abs[len] = '\0';
	if (above_a_mount(abs, (size_t)len))
		fn_view_fd_register(fd, abs);
}

FN_HOT void fn_view_note_real_open(int dirfd, const char *path, int fd)
{
	char abs[PATH_MAX];
	const char *base;
	size_t len;

	if (fd < 0)
		return;
	/* Every open goes through here: an absolute path needs no copy to be judged. */
	if (path[0] == '/' && is_normal(path, &len)) {
		if (above_a_mount(path, len))
			fn_view_fd_register(fd, path);
		return;
	}
	base = path[0] == '/' ? "" : fn_view_fd_path(dirfd);
	if (!base && path[0] == '.' && path[1] == '.' && (!path[2] || path[2] == '/')) {
		/* Back up out of a real directory the library does not follow (fts climbs so). */
		note_climb(fd);
		return;
	}
	if (!base ||
	    (size_t)snprintf(abs, sizeof(abs), "%s%s%s", base,
			     *base && strcmp(base, "/") != 0 ? "/" : "", path) >= sizeof(abs))
		return;
	if (!fn_view_normalise(abs, abs, sizeof(abs)))
		return;
	if (above_a_mount(abs, strlen(abs)))
		fn_view_fd_register(fd, abs);
}

/* Both tables: the fd's number is free for any file once it is closed or replaced. A child of
 * vfork closes and replaces its own fds (the spawn's redirections) in its parent's memory, where
 * the parent's fds of those numbers stay open. */
FN_HOT void fn_view_fd_forget(int fd)
{
	struct fd_entry *e;

	if (!fn_view_fd_known(fd) || fn_view_cwd_borrowed())
		return;
	e = fd_entry(fd);
	pthread_mutex_lock(&fd_lock);
	free(e->dir);
	e->dir = NULL;
	free(e->path);
	e->path = NULL;
	pthread_mutex_unlock(&fd_lock);
}

/* Only the blocks that exist: close_range(3, ~0U) is common. */
void fn_view_fd_forget_range(unsigned int first, unsigned int last)
{
	for (unsigned int b = first / FD_BLOCK; b < FD_BLOCKS && b <= last / FD_BLOCK; b++) {
		unsigned int from = b * FD_BLOCK, to = from + FD_BLOCK - 1;

		if (!__atomic_load_n(&fd_blocks[b], __ATOMIC_ACQUIRE))
			continue;
		for (unsigned int fd = from < first ? first : from; fd <= to && fd <= last; fd++)
			fn_view_fd_forget((int)fd);
	}
}

FN_HOT bool fn_view_passes(int dirfd, const char *path)
{
	if (path[0] == '/')
		return !may_reach_tree(path) && !fn_preload_may_be_missing_tool(path);
	return path[0] && dirfd == AT_FDCWD && !cwd_may_be_in_view;
}

int fn_view_route(int dirfd, const char **path, bool follow, struct fn_view *v)
{
	const char *own = **path ? NULL : fn_view_fd_path(dirfd);

	/* An fd the view made for a link itself (O_PATH | O_NOFOLLOW): an empty path names the
	 * link (fstatat and readlinkat with AT_EMPTY_PATH, as systemd's path walk uses them). */
	if (own) {
		fn_view_lookup(AT_FDCWD, own, false, v);
		if (v->kind == FN_WALK_NODE && v->node->type == FN_NODE_LINK)
			return 1;
	}
	fn_view_lookup(dirfd, *path, follow, v);
	switch (v->kind) {
	case FN_WALK_NONE:
		if (fn_preload_missing_tool(*path, v->real, sizeof(v->real)))
			*path = v->real;
		return 0;
	case FN_WALK_REAL:
		*path = v->real;
		return 0;
	case FN_WALK_ERROR:
		errno = v->err;
		return -1;
	case FN_WALK_NODE:
		break;
	}
	return 1;
}
