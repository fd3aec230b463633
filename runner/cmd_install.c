/* `fakenet install --root DIR` and `fakenet uninstall --root DIR`: puts the identity into an image
 * tree for boot (WebVM has no FUSE and no namespaces), dpkg-divert style, and takes it out again
 * leaving the tree as it was. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "rootpath.h"
#include "shim_tools.h"
#include "util.h"
#include "vfs_build.h"
#include "view.h"

#define ORIG_SUFFIX ".fakenet-orig"
#define NEW_SUFFIX  ".fakenet-new"
#define MANIFEST    "etc/fakenet/installed"
#define MANIFEST_V  "# fakenet install manifest 1"
#define SHIM_PATH   "/usr/local/sbin/fakenet-shim"
#define PRELOAD_LIB "/usr/local/lib/fakenet/libfakenet-preload.so"
#define MAX_ITEMS   128

/* Where images keep the real tools (the shim's are lib/shim_tools.c's). */
static const char *const tool_dirs[] = {"bin", "sbin", "usr/bin", "usr/sbin"};
/* Directories install may have to create, parents first; uninstall removes the ones it made. */
static const char *const own_dirs[] = {
    "etc", "etc/fakenet", "usr", "usr/local", "usr/local/bin", "usr/local/sbin", "usr/local/lib",
    "usr/local/lib/fakenet",
    /* D-Bus's copy of the machine id, which an image without D-Bus lacks the place for */
    "var", "var/lib", "var/lib/dbus"};

/* The shims and the library find /etc/fakenet/identity.yaml themselves (the one identity lookup),
 * so the launcher puts nothing naming fakenet in the environment. */
static const char launcher[] = "#!/bin/sh\n"
			       "# fakenet-launch: runs a command with the installed identity and "
			       "the fakenet tools first on PATH.\n"
			       "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
			       "export PATH\n"
			       "exec \"$@\"\n";

enum item_kind { ITEM_FILE, ITEM_LINK };

/* One path install puts in place: a file with content, or a symlink. */
struct item {
	char *rel; /* relative to the root: "etc/hosts" */
	enum item_kind kind;
	char *content; /* file text, or the link target */
	size_t len;
	mode_t mode;
	bool existed; /* the original is moved aside to rel.fakenet-orig */
	char sum[32]; /* the original's checksum */
	/* progress, for undo */
	bool staged, moved, placed;
};

struct plan {
	int root; /* O_PATH fd of DIR */
	const char *root_path;
	struct item items[MAX_ITEMS];
	size_t n;
	bool made_dir[N_ELEMENTS(own_dirs)];
	/* own_dirs and the manifest, resolved inside the tree (rootpath.h) */
	char *own_rel[N_ELEMENTS(own_dirs)];
	char *manifest_rel;
	/* The existing directories install changes, with their mtimes, which uninstall puts back
	 * once their entries are as they were. */
	char *dirs[MAX_ITEMS];
	struct timespec dir_mtime[MAX_ITEMS];
	size_t n_dirs;
};

/* FNV-1a, 64 bits: enough to tell that an original aside is the one install moved there. */
static void checksum(const char *data, size_t len, char *out, size_t outlen)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, outlen, "fnv1a64:%016" PRIx64, h);
}

/* The checksum of a file's content, or of a symlink's target. Returns -1 with errno set. */
static int checksum_at(int root, const char *rel, char *out, size_t outlen)
{
	struct stat st;
	char *data = NULL, target[PATH_MAX];
	size_t len = 0;
	ssize_t n;
	int fd;

	if (fstatat(root, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(root, rel, target, sizeof(target));
		if (n < 0)
			return -1;
		checksum(target, (size_t)n, out, outlen);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(root, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	data = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size && (n = read(fd, data + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	close(fd);
	checksum(data, len, out, outlen);
	free(data);
	return 0;
}

static bool exists_at(int root, const char *rel)
{
	struct stat st;

	return fstatat(root, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static char *suffixed(const char *rel, const char *suffix)
{
	return xasprintf("%s%s", rel, suffix);
}

/* Every path install touches goes through here first: a link in the image, even an absolute one,
 * must lead to the image's own file, never the host's. */
static char *in_root(int root, const char *root_path, const char *rel)
{
	char *resolved = fn_root_resolve(root, rel);

	if (!resolved)
		fn_die(1, "%s/%s: %s", root_path, rel, strerror(errno));
	return resolved;
}

static struct item *add_item(struct plan *p, const char *rel, enum item_kind kind, char *content,
			     size_t len, mode_t mode)
{
	char *resolved = in_root(p->root, p->root_path, rel);
	struct item *it;

	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].rel, resolved) == 0) {
			free(resolved);
			free(content);
			return NULL;
		}
	if (p->n == MAX_ITEMS)
		fn_die(1, "install: too many paths");
	it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->rel = resolved;
	it->kind = kind;
	it->content = content;
	it->len = len;
	it->mode = mode;
	return it;
}

static char *read_whole(const char *path, size_t *len)
{
	char *data;

	if (fn_read_file(path, &data, len, 64u << 20) != 0)
		return NULL;
	return data;
}

/* The view's static files (lib/view.c: /etc/hosts, ...), with the bytes run's view serves;
 * the preload library answers for the rest of the view at run time. */
static void add_view_files(struct plan *p, const struct fn_identity *id)
{
	struct fn_vfs *vfs = fn_vfs_build(id);

	for (size_t i = 0; i < fn_n_view_mounts; i++) {
		const struct fn_view_mount *m = &fn_view_mounts[i];
		const struct fn_node *n = m->staged ? fn_vfs_lookup(vfs, m->path) : NULL;

		if (n && n->type == FN_NODE_FILE)
			add_item(p, m->path + 1, ITEM_FILE, xstrndup(n->content, n->len), n->len,
				 n->mode);
	}
	fn_vfs_free(vfs);
}

/* /etc/ld.so.preload keeps what the image had and gains our library, once. */
static void add_preload_registration(struct plan *p)
{
	struct fn_buf b;
	char *old = NULL;
	size_t len = 0;
	char *rel = in_root(p->root, p->root_path, "etc/ld.so.preload");
	int fd = openat(p->root, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	fn_buf_init(&b);
	if (fd >= 0) {
		char *path = xasprintf("/proc/self/fd/%d", fd);

		old = read_whole(path, &len);
		free(path);
		close(fd);
	}
	if (old && len) {
		fn_buf_append(&b, old, len);
		if (old[len - 1] != '\n')
			fn_buf_puts(&b, "\n");
	}
	free(old);
	fn_buf_puts(&b, PRELOAD_LIB "\n");
	old = fn_buf_steal(&b, &len);
	add_item(p, rel, ITEM_FILE, old, len, 0644);
	free(rel);
}

/* A real tool is covered where it is, unless a real sudo (the shim's sudo does not elevate) or a
 * path already reached through another (a usrmerge /sbin -> usr/sbin link). */
static void add_tool_links(struct plan *p)
{
	dev_t seen_dev[64];
	ino_t seen_ino[64];
	size_t n_seen = 0;
	bool real_sudo = false;

	for (size_t d = 0; d < N_ELEMENTS(tool_dirs); d++) {
		char *name = xasprintf("%s/sudo", tool_dirs[d]),
		     *rel = in_root(p->root, p->root_path, name);

		real_sudo |= exists_at(p->root, rel);
		free(rel);
		free(name);
	}
	for (const char *const *tool = fn_shim_tools; *tool; tool++) {
		bool is_sudo = strcmp(*tool, "sudo") == 0;
		char *rel = xasprintf("usr/local/sbin/%s", *tool);

		if (!is_sudo || !real_sudo)
			add_item(p, rel, ITEM_LINK, xstrdup("fakenet-shim"), 12, 0777);
		free(rel);
		if (is_sudo)
			continue;
		for (size_t d = 0; d < N_ELEMENTS(tool_dirs); d++) {
			struct stat st;
			bool dup = false;

			char *name = xasprintf("%s/%s", tool_dirs[d], *tool);

			rel = in_root(p->root, p->root_path, name);
			free(name);
			if (fstatat(p->root, rel, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				for (size_t i = 0; i < n_seen; i++)
					dup |= seen_dev[i] == st.st_dev && seen_ino[i] == st.st_ino;
				if (!dup && n_seen < 64) {
					seen_dev[n_seen] = st.st_dev;
					seen_ino[n_seen++] = st.st_ino;
					add_item(p, rel, ITEM_LINK, xstrdup(SHIM_PATH),
						 strlen(SHIM_PATH), 0777);
				}
			}
			free(rel);
		}
	}
}

/* The shim and the preload library that install copies: the ones beside this fakenet. */
static int add_binaries(struct plan *p)
{
	char *shim = fn_shim_locate(), *lib, *data, *slash;
	size_t len;

	if (!shim) {
		fn_warn("install: fakenet-shim not found next to fakenet");
		return -1;
	}
	data = read_whole(shim, &len);
	if (!data) {
		fn_warn("install: cannot read %s", shim);
		free(shim);
		return -1;
	}
	add_item(p, "usr/local/sbin/fakenet-shim", ITEM_FILE, data, len, 0755);
	slash = strrchr(shim, '/');
	*slash = '\0';
	lib = xasprintf("%s/libfakenet-preload.so", shim);
	free(shim);
	data = read_whole(lib, &len);
	if (!data) {
		fn_warn("install: cannot read %s (build it with make)", lib);
		free(lib);
		return -1;
	}
	free(lib);
	add_item(p, PRELOAD_LIB + 1, ITEM_FILE, data, len, 0755);
	return 0;
}

static void note_dir(struct plan *p, const char *rel)
{
	char *dir = xstrdup(rel), *slash = strrchr(dir, '/');
	struct stat st;

	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	for (size_t i = 0; i < p->n_dirs; i++)
		if (strcmp(p->dirs[i], dir) == 0) {
			free(dir);
			return;
		}
	/* Items are resolved (in_root): their directory is never a link, even where the image
	 * links sbin to usr/sbin. */
	if (p->n_dirs == MAX_ITEMS || fstatat(p->root, dir, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		free(dir);
		return;
	}
	p->dir_mtime[p->n_dirs] = st.st_mtim;
	p->dirs[p->n_dirs++] = dir;
}

static void note_dirs(struct plan *p)
{
	for (size_t i = 0; i < N_ELEMENTS(own_dirs); i++)
		note_dir(p, p->own_rel[i]);
	for (size_t i = 0; i < p->n; i++)
		note_dir(p, p->items[i].rel);
	note_dir(p, p->manifest_rel);
}

static int make_dirs(struct plan *p)
{
	for (size_t i = 0; i < N_ELEMENTS(own_dirs); i++) {
		struct stat st;

		if (fstatat(p->root, p->own_rel[i], &st, 0) == 0) {
			if (S_ISDIR(st.st_mode))
				continue;
			fn_warn("install: %s/%s is not a directory", p->root_path, p->own_rel[i]);
			return -1;
		}
		if (mkdirat(p->root, p->own_rel[i], 0755) < 0) {
			fn_warn_errno("install: cannot create %s/%s", p->root_path, p->own_rel[i]);
			return -1;
		}
		p->made_dir[i] = true;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes an item's new content under its temporary name. */
static int stage(struct plan *p, struct item *it)
{
	char *tmp = suffixed(it->rel, NEW_SUFFIX);
	int fd, rc = -1;

	unlinkat(p->root, tmp, 0);
	if (it->kind == ITEM_LINK) {
		rc = symlinkat(it->content, p->root, tmp);
	} else {
		fd = openat(p->root, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			    it->mode);
		if (fd >= 0) {
			rc = write_all(fd, it->content, it->len) | fchmod(fd, it->mode);
			rc |= close(fd);
		}
	}
	if (rc < 0)
		fn_warn_errno("install: cannot write %s/%s", p->root_path, tmp);
	else
		it->staged = true;
	free(tmp);
	return rc < 0 ? -1 : 0;
}

/* Moves the original aside and the staged file into place. */
static int place(struct plan *p, struct item *it)
{
	char *tmp = suffixed(it->rel, NEW_SUFFIX), *orig = suffixed(it->rel, ORIG_SUFFIX);
	int rc = -1;

	if (it->existed && renameat(p->root, it->rel, p->root, orig) < 0) {
		fn_warn_errno("install: cannot move %s/%s aside", p->root_path, it->rel);
		goto out;
	}
	it->moved = it->existed;
	if (renameat(p->root, tmp, p->root, it->rel) < 0) {
		fn_warn_errno("install: cannot put %s/%s in place", p->root_path, it->rel);
		goto out;
	}
	it->staged = false;
	it->placed = true;
	rc = 0;
out:
	free(tmp);
	free(orig);
	return rc;
}

/* Takes back whatever part of the install was done, newest first. */
static void undo(struct plan *p)
{
	for (size_t i = p->n; i-- > 0;) {
		struct item *it = &p->items[i];
		char *tmp = suffixed(it->rel, NEW_SUFFIX), *orig = suffixed(it->rel, ORIG_SUFFIX);

		if (it->placed)
			unlinkat(p->root, it->rel, 0);
		if (it->moved)
			renameat(p->root, orig, p->root, it->rel);
		if (it->staged)
			unlinkat(p->root, tmp, 0);
		free(tmp);
		free(orig);
	}
	for (size_t i = N_ELEMENTS(own_dirs); i-- > 0;)
		if (p->made_dir[i])
			unlinkat(p->root, p->own_rel[i], AT_REMOVEDIR);
	for (size_t i = 0; i < p->n_dirs; i++) {
		struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, p->dir_mtime[i]};

		utimensat(p->root, p->dirs[i], t, AT_SYMLINK_NOFOLLOW);
	}
}

/* The manifest: one line per path, in the order install placed them. */
static char *manifest_text(const struct plan *p, size_t *len)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_buf_puts(&b, MANIFEST_V "\n");
	for (size_t i = 0; i < N_ELEMENTS(own_dirs); i++)
		if (p->made_dir[i])
			fn_buf_printf(&b, "dir %s\n", p->own_rel[i]);
	for (size_t i = 0; i < p->n; i++) {
		const struct item *it = &p->items[i];

		if (it->existed)
			fn_buf_printf(&b, "replaced %s %s\n", it->sum, it->rel);
		else
			fn_buf_printf(&b, "created %s\n", it->rel);
	}
	for (size_t i = 0; i < p->n_dirs; i++)
		fn_buf_printf(&b, "mtime %lld.%09ld %s\n", (long long)p->dir_mtime[i].tv_sec,
			      p->dir_mtime[i].tv_nsec, p->dirs[i]);
	return fn_buf_steal(&b, len);
}

static void free_plan(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].rel);
		free(p->items[i].content);
	}
	for (size_t i = 0; i < p->n_dirs; i++)
		free(p->dirs[i]);
	for (size_t i = 0; i < N_ELEMENTS(own_dirs); i++)
		free(p->own_rel[i]);
	free(p->manifest_rel);
	if (p->root >= 0)
		close(p->root);
}

static int open_root(const char *cmd, const char *dir)
{
	struct stat st;
	int fd;

	if (stat(dir, &st) < 0) {
		fn_warn_errno("%s: %s", cmd, dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fn_warn("%s: %s: not a directory", cmd, dir);
		return -1;
	}
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fn_warn_errno("%s: %s", cmd, dir);
	return fd;
}

static int build_plan(struct plan *p, const char *identity)
{
	struct fn_identity *id;
	char *text = NULL;
	size_t len = 0;

	id = fn_identity_lookup(identity, &text, &len);
	if (!id)
		return -1;
	if (!text) {
		fn_warn("install: cannot read the identity's text");
		fn_identity_free(id);
		return -1;
	}
	add_item(p, "etc/fakenet/identity.yaml", ITEM_FILE, text, len, 0644);
	if (add_binaries(p) < 0) {
		fn_identity_free(id);
		return -1;
	}
	add_tool_links(p);
	add_view_files(p, id);
	add_preload_registration(p);
	add_item(p, "usr/local/bin/fakenet-launch", ITEM_FILE, xstrdup(launcher),
		 sizeof(launcher) - 1, 0755);
	fn_identity_free(id);
	for (size_t i = 0; i < p->n; i++) {
		struct item *it = &p->items[i];

		it->existed = exists_at(p->root, it->rel);
		if (it->existed && checksum_at(p->root, it->rel, it->sum, sizeof(it->sum)) < 0) {
			fn_warn_errno("install: cannot read %s/%s", p->root_path, it->rel);
			return -1;
		}
		if (it->existed) {
			char *orig = suffixed(it->rel, ORIG_SUFFIX);
			bool taken = exists_at(p->root, orig);

			free(orig);
			if (taken) {
				fn_warn("install: %s/%s%s already exists; not overwriting it",
					p->root_path, it->rel, ORIG_SUFFIX);
				return -1;
			}
		}
	}
	return 0;
}

/* Everything is staged under temporary names first; only then moved into place, the manifest
 * last. Any failure takes back what was done. */
static int do_install(struct plan *p)
{
	struct item *manifest;
	char *text;
	size_t len;

	note_dirs(p);
	if (make_dirs(p) < 0)
		goto fail;
	for (size_t i = 0; i < p->n; i++)
		if (stage(p, &p->items[i]) < 0)
			goto fail;
	text = manifest_text(p, &len);
	manifest = add_item(p, p->manifest_rel, ITEM_FILE, text, len, 0644);
	if (stage(p, manifest) < 0)
		goto fail;
	for (size_t i = 0; i < p->n; i++)
		if (place(p, &p->items[i]) < 0)
			goto fail;
	return 0;
fail:
	undo(p);
	return -1;
}

static void install_usage(FILE *out)
{
	fputs(
	    "usage: fakenet install --root DIR [--identity FILE]\n"
	    "Writes the identity into the image tree DIR: /etc/fakenet/identity.yaml, the shims "
	    "in\n"
	    "/usr/local/sbin and over the real tools (originals kept as PATH.fakenet-orig), the\n"
	    "view's static files rendered (/etc/hosts, /etc/hostname, /etc/resolv.conf, ...),\n"
	    "the preload library in /etc/ld.so.preload, and the launcher\n"
	    "/usr/local/bin/fakenet-launch. Every change is listed in DIR/etc/fakenet/installed;\n"
	    "`fakenet uninstall --root DIR` takes it back.\n",
	    out);
}

static int parse_root_options(const char *cmd, int argc, char **argv, const char **root,
			      const char **identity, void (*usage)(FILE *))
{
	static const struct option opts[] = {{"root", required_argument, NULL, 'r'},
					     {"identity", required_argument, NULL, 'i'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, identity ? "r:i:h" : "r:h", opts, NULL)) != -1) {
		if (c == 'r')
			*root = optarg;
		else if (c == 'i' && identity)
			*identity = optarg;
		else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return FN_EXIT_USAGE;
		}
	}
	if (optind < argc || !*root) {
		fn_warn("%s: %s", cmd,
			optind < argc ? "unexpected argument" : "--root DIR is required");
		usage(stderr);
		return FN_EXIT_USAGE;
	}
	return -1;
}

int fn_cmd_install(int argc, char **argv)
{
	struct plan p = {.root = -1};
	const char *root = NULL, *identity = NULL;
	int rc = parse_root_options("install", argc, argv, &root, &identity, install_usage);

	if (rc >= 0)
		return rc;
	p.root_path = root;
	p.root = open_root("install", root);
	if (p.root < 0)
		return 1;
	for (size_t i = 0; i < N_ELEMENTS(own_dirs); i++)
		p.own_rel[i] = in_root(p.root, root, own_dirs[i]);
	p.manifest_rel = in_root(p.root, root, MANIFEST);
	if (exists_at(p.root, p.manifest_rel)) {
		fn_warn("install: %s is already installed (%s/%s); run fakenet uninstall first",
			root, root, MANIFEST);
		free_plan(&p);
		return 1;
	}
	rc = build_plan(&p, identity) < 0 || do_install(&p) < 0 ? 1 : 0;
	free_plan(&p);
	return rc;
}

/* ---- uninstall ---- */

enum entry_kind { ENTRY_DIR, ENTRY_CREATED, ENTRY_REPLACED, ENTRY_MTIME };

struct entry {
	enum entry_kind kind;
	char *rel;
	char sum[32];
	struct timespec mtime;
};

static bool safe_rel(const char *rel)
{
	return rel[0] && rel[0] != '/' && !strstr(rel, "..") && !strchr(rel, '\n');
}

static int parse_entry(char *line, struct entry *e)
{
	char *sp;

	if (strncmp(line, "dir ", 4) == 0) {
		e->kind = ENTRY_DIR;
		e->rel = line + 4;
	} else if (strncmp(line, "created ", 8) == 0) {
		e->kind = ENTRY_CREATED;
		e->rel = line + 8;
	} else if (strncmp(line, "replaced ", 9) == 0) {
		e->kind = ENTRY_REPLACED;
		sp = strchr(line + 9, ' ');
		if (!sp || (size_t)(sp - (line + 9)) >= sizeof(e->sum))
			return -1;
		memcpy(e->sum, line + 9, (size_t)(sp - (line + 9)));
		e->sum[sp - (line + 9)] = '\0';
		e->rel = sp + 1;
	} else if (strncmp(line, "mtime ", 6) == 0) {
		long long sec;
		long nsec;
		int used = 0;

		e->kind = ENTRY_MTIME;
		if (sscanf(line + 6, "%lld.%9ld %n", &sec, &nsec, &used) != 2 || !used || nsec < 0)
			return -1;
		e->mtime.tv_sec = (time_t)sec;
		e->mtime.tv_nsec = nsec;
		e->rel = line + 6 + used;
	} else {
		return -1;
	}
	return safe_rel(e->rel) ? 0 : -1;
}

/* Every entry is checked before anything is touched: a damaged manifest changes nothing. */
/* install recorded resolved paths: one that now leads through a link was changed since, and
 * following it could leave the tree. */
static bool resolves_to_itself(int root, const char *root_path, const struct entry *e, size_t line)
{
	char *resolved = fn_root_resolve(root, e->rel);
	bool same = resolved && strcmp(resolved, e->rel) == 0;

	if (!same)
		fn_warn("uninstall: %s/%s:%zu: %s now leads through a link", root_path, MANIFEST,
			line, e->rel);
	free(resolved);
	return same;
}

static int check_entry(int root, const char *root_path, const struct entry *e, size_t line)
{
	struct stat st;
	char sum[32], *orig;
	int rc = 0;

	if (!resolves_to_itself(root, root_path, e, line))
		return -1;
	if (e->kind == ENTRY_DIR || e->kind == ENTRY_MTIME)
		return fstatat(root, e->rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)
			   ? 0
			   : -1;
	if (!exists_at(root, e->rel)) {
		fn_warn("uninstall: %s/%s:%zu: %s is missing", root_path, MANIFEST, line, e->rel);
		return -1;
	}
	if (e->kind != ENTRY_REPLACED)
		return 0;
	orig = suffixed(e->rel, ORIG_SUFFIX);
	if (checksum_at(root, orig, sum, sizeof(sum)) < 0) {
		fn_warn_errno("uninstall: %s/%s:%zu: %s", root_path, MANIFEST, line, orig);
		rc = -1;
	} else if (strcmp(sum, e->sum) != 0) {
		fn_warn("uninstall: %s/%s:%zu: %s changed since install (checksum %s, was %s)",
			root_path, MANIFEST, line, orig, sum, e->sum);
		rc = -1;
	}
	free(orig);
	return rc;
}

static int load_manifest(int root, const char *root_path, char **text, struct entry **out,
			 size_t *n)
{
	char *rel = fn_root_resolve(root, MANIFEST), *save = NULL, *line, *path;
	int fd = rel ? openat(root, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	size_t len, lineno = 1, cap = 0;
	struct entry *v = NULL;
	int err;

	free(rel);
	*n = 0;
	path = xasprintf("/proc/self/fd/%d", fd);
	err = fd < 0 ? -1 : fn_read_file(path, text, &len, 1u << 20);
	free(path);
	if (fd >= 0)
		close(fd);
	if (err != 0) {
		fn_warn("uninstall: %s is not installed (no %s/%s)", root_path, root_path,
			MANIFEST);
		return -1;
	}
	line = strtok_r(*text, "\n", &save);
	if (!line || strcmp(line, MANIFEST_V) != 0)
		goto damaged;
	while ((line = strtok_r(NULL, "\n", &save))) {
		lineno++;
		if (*n == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 32, sizeof(*v));
		if (parse_entry(line, &v[*n]) < 0 ||
		    check_entry(root, root_path, &v[*n], lineno) < 0)
			goto damaged;
		(*n)++;
	}
	*out = v;
	return 0;
damaged:
	fn_warn("uninstall: %s/%s:%zu: the manifest is damaged; nothing was changed", root_path,
		MANIFEST, lineno);
	free(v);
	return -1;
}

static void uninstall_usage(FILE *out)
{
	fputs("usage: fakenet uninstall --root DIR\n"
	      "Takes back everything `fakenet install --root DIR` did, as listed in\n"
	      "DIR/etc/fakenet/installed: the originals return under their names.\n",
	      out);
}

static int undo_entry(int root, const char *root_path, const struct entry *e)
{
	char *orig;
	int rc = 0;

	switch (e->kind) {
	case ENTRY_MTIME: {
		struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, e->mtime};

		rc = utimensat(root, e->rel, t, AT_SYMLINK_NOFOLLOW);
		break;
	}
	case ENTRY_DIR:
		rc = unlinkat(root, e->rel, AT_REMOVEDIR);
		break;
	case ENTRY_CREATED:
		rc = unlinkat(root, e->rel, 0);
		break;
	case ENTRY_REPLACED:
		/* The rename puts the original back over ours in one step, times and all. */
		orig = suffixed(e->rel, ORIG_SUFFIX);
		rc = renameat(root, orig, root, e->rel);
		free(orig);
		break;
	}
	if (rc < 0)
		fn_warn_errno("uninstall: %s/%s", root_path, e->rel);
	return rc;
}

static int entry_pass(const struct entry *e)
{
	return e->kind == ENTRY_DIR ? 1 : e->kind == ENTRY_MTIME ? 2 : 0;
}

int fn_cmd_uninstall(int argc, char **argv)
{
	const char *root_path = NULL;
	struct entry *v = NULL;
	char *text = NULL, *manifest;
	size_t n = 0;
	int root,
	    rc = parse_root_options("uninstall", argc, argv, &root_path, NULL, uninstall_usage);

	if (rc >= 0)
		return rc;
	root = open_root("uninstall", root_path);
	if (root < 0)
		return 1;
	if (load_manifest(root, root_path, &text, &v, &n) < 0) {
		free(text);
		close(root);
		return 1;
	}
	rc = 0;
	/* The manifest goes first (it lives in a directory install made), then the rest newest
	 * first, so directories empty out before they are removed. */
	manifest = fn_root_resolve(root, MANIFEST);
	if (!manifest || unlinkat(root, manifest, 0) < 0) {
		fn_warn_errno("uninstall: %s/%s", root_path, MANIFEST);
		rc = 1;
	}
	free(manifest);
	/* Files first, then the directories they were in, then those directories' times. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = n; rc == 0 && i-- > 0;)
			if (entry_pass(&v[i]) == pass && undo_entry(root, root_path, &v[i]) < 0)
				rc = 1;
	free(v);
	free(text);
	close(root);
	return rc;
}
