/* fakefs lifecycle: index the tree, add the runner's hidden nodes, create the detached FUSE mount
 * with the new mount API (no directory anywhere is needed), and run the request loop in a thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

/* The loop only copies in-memory content; a small stack keeps the runner's footprint small. */
#define FAKEFS_STACK (256 * 1024)

static void index_node(struct fn_fakefs *fs, struct fn_node *n)
{
	if (n->ino < fs->n_ino)
		fs->by_ino[n->ino] = n;
	for (size_t i = 0; i < n->n_children; i++)
		index_node(fs, n->children[i]);
}

/* A node outside the tree's child lists: reachable only through a hidden name. */
static struct fn_node *extra_node(struct fn_fakefs *fs, struct fn_node *parent, const char *name,
				  enum fn_node_type type, mode_t mode)
{
	struct fn_node *n = xcalloc(1, sizeof(*n));

	n->name = xstrdup(name);
	n->type = type;
	n->mode = mode;
	n->parent = parent;
	n->ino = fs->vfs->next_ino++;
	fs->extra = xreallocarray(fs->extra, fs->n_extra + 1, sizeof(*fs->extra));
	fs->extra[fs->n_extra++] = n;
	return n;
}

static void add_hidden(struct fn_fakefs *fs, struct fn_node *parent, const char *name,
		       struct fn_node *node, bool shim_only)
{
	if (fs->n_hidden == FN_FAKEFS_MAX_HIDDEN)
		return;
	fs->hidden[fs->n_hidden++] = (struct fn_hidden){
	    .parent = parent->ino, .name = name, .node = node, .shim_only = shim_only};
}

/* The real tools: files whose bytes are the host's binary (a passthrough file node), for the
 * shims that hand a call on. */
static void add_real_dir(struct fn_fakefs *fs, struct fn_node *hdir,
			 const struct fn_fakefs_opts *opts)
{
	struct fn_node *real = extra_node(fs, hdir, FN_FAKEFS_REAL, FN_NODE_DIR, 0555);

	add_hidden(fs, hdir, FN_FAKEFS_REAL, real, true);
	for (size_t i = 0; i < opts->n_real_tools; i++) {
		struct fn_node *n = fn_vfs_add_file(fs->vfs, real, opts->real_tools[i], 0555,
						    FN_FILE_STATIC, NULL, 0);

		n->passthrough = xstrdup(opts->real_paths[i]);
	}
}

/* Empty files, only ever covered by the runner's binds. */
static void add_log_nodes(struct fn_fakefs *fs, struct fn_node *hdir)
{
	struct fn_node *n = extra_node(fs, hdir, FN_FAKEFS_LOG, FN_NODE_FILE, 0666);

	n->content = xstrdup("");
	add_hidden(fs, hdir, FN_FAKEFS_LOG, n, false);
	n = extra_node(fs, hdir, FN_FAKEFS_LOG_MASK, FN_NODE_FILE, 0444);
	n->content = xstrdup("");
	add_hidden(fs, hdir, FN_FAKEFS_LOG_MASK, n, false);
}

/* The hidden nodes: the identity text, the real tools, the log's mount points, and at the root
 * the link that is mounted over the target's /proc/net. */
static void add_runner_nodes(struct fn_fakefs *fs, const struct fn_fakefs_opts *opts)
{
	struct fn_node *hdir = fn_vfs_lookup(fs->vfs, FN_FAKEFS_HIDDEN_DIR);
	struct fn_node *proc_net = fn_vfs_lookup(fs->vfs, "/proc/net");
	struct fn_node *n;

	if (!hdir || hdir->type != FN_NODE_DIR)
		return;
	if (proc_net && proc_net->type == FN_NODE_DIR) {
		n = extra_node(fs, fs->vfs->root, FN_FAKEFS_PROC_NET_LINK, FN_NODE_LINK, 0777);
		n->content = xstrdup(FN_VIEW_PROC_NET_HOME + strlen("/proc/"));
		n->len = strlen(n->content);
		n->style = FN_FILE_PROCFS; /* it stands where procfs's own link was */
		add_hidden(fs, fs->vfs->root, FN_FAKEFS_PROC_NET_LINK, n, false);
	}
	if (opts->identity_text) {
		n = extra_node(fs, hdir, FN_FAKEFS_IDENTITY, FN_NODE_FILE, 0444);
		n->content = xstrndup(opts->identity_text, opts->identity_len);
		n->len = opts->identity_len;
		add_hidden(fs, hdir, FN_FAKEFS_IDENTITY, n, true);
	}
	if (opts->n_real_tools)
		add_real_dir(fs, hdir, opts);
	if (opts->log_nodes)
		add_log_nodes(fs, hdir);
}

void fn_fakefs_allow_exe(struct fn_fakefs *fs, dev_t dev, ino_t ino)
{
	if (fs->n_shim_exe < FN_FAKEFS_MAX_EXE)
		fs->shim_exe[fs->n_shim_exe++] = (struct fn_exe_id){.dev = dev, .ino = ino};
}

struct fn_fakefs *fn_fakefs_new(struct fn_vfs *vfs, const struct fn_fakefs_opts *opts)
{
	struct fn_fakefs *fs = xcalloc(1, sizeof(*fs));

	fs->vfs = vfs;
	fs->log_fd = opts->log_fd;
	fs->dev_fd = fs->mnt_fd = -1;
	clock_gettime(CLOCK_REALTIME, &fs->stamp);
	fs->runner_ino = vfs->next_ino;
	add_runner_nodes(fs, opts);
	fs->n_ino = vfs->next_ino;
	fs->by_ino = xcalloc(fs->n_ino, sizeof(*fs->by_ino));
	index_node(fs, vfs->root);
	for (size_t i = 0; i < fs->n_extra; i++)
		index_node(fs, fs->extra[i]);
	fs->pt_base = fs->n_ino;
	return fs;
}

static int config_string(int fsfd, const char *key, const char *value)
{
	return fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0 ? -errno : 0;
}

static int config_flag(int fsfd, const char *key)
{
	return fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0) < 0 ? -errno : 0;
}

/* allow_other: the target may switch to another uid. default_permissions: the kernel checks the
 * mode bits, as it does for procfs and sysfs. */
static int configure(int fsfd, int dev_fd)
{
	char fd_str[16];
	int err;

	snprintf(fd_str, sizeof(fd_str), "%d", dev_fd);
	/* No subtype and an anonymous source: mountinfo shows "fuse none", which no tool name. */
	if ((err = config_string(fsfd, "source", "none")) ||
	    (err = config_string(fsfd, "fd", fd_str)) ||
	    (err = config_string(fsfd, "rootmode", "40000")) ||
	    (err = config_string(fsfd, "user_id", "0")) ||
	    (err = config_string(fsfd, "group_id", "0")) ||
	    (err = config_flag(fsfd, "allow_other")) ||
	    (err = config_flag(fsfd, "default_permissions")))
		return err;
	return fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ? -errno : 0;
}

static int create_mount(struct fn_fakefs *fs, const char **what)
{
	int fsfd = fsopen("fuse", FSOPEN_CLOEXEC);
	int err;

	if (fsfd < 0) {
		*what = "fsopen(\"fuse\")";
		return -errno;
	}
	err = configure(fsfd, fs->dev_fd);
	if (err) {
		*what = "configuring the FUSE mount";
		close(fsfd);
		return err;
	}
	fs->mnt_fd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	err = fs->mnt_fd < 0 ? -errno : 0;
	close(fsfd);
	if (err)
		*what = "fsmount";
	return err;
}

static int open_session(struct fn_fakefs *fs, const char **what)
{
	char *argv[] = {"fakenet", getenv("FAKENET_FUSE_DEBUG") ? "-d" : NULL, NULL};
	struct fuse_args args = FUSE_ARGS_INIT(argv[1] ? 2 : 1, argv);
	char dev[32];

	fs->se = fuse_session_new(&args, &fn_fakefs_ops, sizeof(fn_fakefs_ops), fs);
	fuse_opt_free_args(&args); /* option parsing may have copied them */
	if (!fs->se) {
		*what = "fuse_session_new";
		return -ENOMEM;
	}
	/* libfuse takes an already mounted connection as /dev/fd/N (since 3.3). */
	snprintf(dev, sizeof(dev), "/dev/fd/%d", fs->dev_fd);
	if (fuse_session_mount(fs->se, dev) != 0) {
		*what = "fuse_session_mount";
		return -EIO;
	}
	return 0;
}

int fn_fakefs_mount(struct fn_fakefs *fs, const char **what)
{
	int err;

	fs->dev_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs->dev_fd < 0) {
		*what = "cannot open /dev/fuse";
		return -errno;
	}
	err = create_mount(fs, what);
	if (err) {
		/* The caller may try again from a user namespace. */
		close(fs->dev_fd);
		fs->dev_fd = -1;
		return err;
	}
	return open_session(fs, what);
}

int fn_fakefs_mount_fd(const struct fn_fakefs *fs)
{
	return fs->mnt_fd;
}

void fn_fakefs_drop_mount(struct fn_fakefs *fs)
{
	if (fs->mnt_fd >= 0)
		close(fs->mnt_fd);
	fs->mnt_fd = -1;
}

int fn_fakefs_dev_fd(const struct fn_fakefs *fs)
{
	return fs->dev_fd;
}

static void *loop_thread(void *arg)
{
	struct fn_fakefs *fs = arg;

	fuse_session_loop(fs->se);
	return NULL;
}

/* Interrupts the loop's read(/dev/fuse); installed without SA_RESTART so the read returns EINTR
 * and the loop sees that the session has exited. */
static void wake_handler(int sig)
{
	(void)sig;
}

static int wake_signal(void)
{
	return SIGRTMIN;
}

int fn_fakefs_start(struct fn_fakefs *fs)
{
	struct sigaction sa = {.sa_handler = wake_handler};
	pthread_attr_t attr;
	int err;

	sigemptyset(&sa.sa_mask);
	sigaction(wake_signal(), &sa, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, FAKEFS_STACK);
	err = pthread_create(&fs->thread, &attr, loop_thread, fs);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	fs->running = true;
	return 0;
}

void fn_fakefs_stop(struct fn_fakefs *fs)
{
	if (fs->running) {
		struct timespec deadline;

		fuse_session_exit(fs->se);
		/* The signal can land just before the thread enters read(); repeat until it leaves.
		 */
		for (;;) {
			pthread_kill(fs->thread, wake_signal());
			clock_gettime(CLOCK_REALTIME, &deadline);
			deadline.tv_nsec += 20 * 1000 * 1000;
			if (deadline.tv_nsec >= 1000000000L) {
				deadline.tv_sec++;
				deadline.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(fs->thread, NULL, &deadline) == 0)
				break;
		}
		fs->running = false;
	}
	if (fs->se) {
		fuse_session_unmount(fs->se);
		fuse_session_destroy(fs->se);
		fs->se = NULL;
		fs->dev_fd = -1; /* libfuse closed it */
	}
	if (fs->mnt_fd >= 0)
		close(fs->mnt_fd);
	fs->mnt_fd = -1;
	if (fs->dev_fd >= 0)
		close(fs->dev_fd);
	fs->dev_fd = -1;
}

static void free_extra(struct fn_node *n)
{
	for (size_t i = 0; i < n->n_children; i++)
		free_extra(n->children[i]);
	free(n->children);
	free(n->name);
	free(n->content);
	free(n->passthrough);
	free(n);
}

void fn_fakefs_free(struct fn_fakefs *fs)
{
	if (!fs)
		return;
	fn_fakefs_stop(fs);
	for (size_t i = 0; i < fs->n_extra; i++)
		free_extra(fs->extra[i]);
	free(fs->extra);
	fn_pt_free(fs);
	free(fs->by_ino);
	free(fs);
}
