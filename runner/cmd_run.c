/* fakenet run: build the view from the identity, serve it over FUSE from a thread, and run the
 * command as the child of a pid-1 init in fresh pid, mount and UTS namespaces. Everything that can
 * fail because of the identity happens before any namespace is touched. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "child.h"
#include "init.h"
#include "userns.h"
#include "cli.h"
#include "auditsock.h"
#include "hostpreload.h"
#include "netmode.h"
#include "connlog.h"
#include "netns.h"
#include "pid1.h"
#include "plan.h"
#include "staging.h"
#include "fakefs.h"
#include "shim_tools.h"
#include "util.h"
#include "vfs_build.h"

#define HINT_FUSE "run as root, or in Docker add --device /dev/fuse --cap-add SYS_ADMIN"
#define HINT_CAPS "needs CAP_SYS_ADMIN: run as root, or in Docker add --cap-add SYS_ADMIN"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

struct run_opts {
	const char *identity;
	const char *log;
	const char *shims; /* none | all | a,b,c */
	const char *net;   /* --net as given; NULL: the identity's `network:` */
	bool isolated;	   /* isolated, filtered or nat: a namespace of its own */
	char **argv;
};

/* The state of one run, released in one place. */
struct run {
	struct run_opts opts;
	struct fn_identity *id;
	char *identity_text;
	size_t identity_len;
	struct fn_vfs *vfs;
	struct fn_fakefs *fs;
	int log_fd;
	char *log_path;		   /* absolute: the file the init covers (NULL: not covered) */
	struct fn_auditsock audit; /* where the shims' events arrive */
	char *shim_path;
	char *path_env;
	struct fn_tool_plan tools;	 /* the shim's tools and the real ones it covers */
	struct fn_overlay_plan overlays; /* what the overlays keep: staged files, device roots */
	struct fn_staging staging;
	struct fn_host_preload host_preload; /* --net host: the library for dynamic targets */
	struct fn_child_plan plan;
	struct fn_net net;	 /* --net isolated, filtered, nat */
	struct fn_filter filter; /* --net filtered: --allow, --allow-host; nat: open */
	/* What spawning the init holds for a while, closed in release whatever failed: */
	int report[2]; /* the init's report pipe */
	int sigfd;     /* the forwarded signals and SIGCHLD */
	int own_pidns; /* the runner's own pid namespace, to return to after the fork */
};

static void usage(FILE *out)
{
	fputs(
	    "usage: fakenet run [--identity FILE] [--net nat|host|isolated|filtered]\n"
	    "                   [--backend auto|fuse|preload] [--log FILE] [--shims "
	    "none|all|LIST]\n"
	    "                   [--] COMMAND [ARG...]\n"
	    "Runs COMMAND where the view's paths (/proc/net, /sys/class/net, /etc/hosts, ...:\n"
	    "`fakenet show --mounts` lists them) and the hostname show the identity, with the\n"
	    "shims bound over the real tools.\n"
	    "  --identity FILE  the identity (default $FAKENET_IDENTITY, else\n"
	    "                   /etc/fakenet/identity.yaml if it exists, else built-in "
	    "docker.yaml)\n"
	    "  --net MODE       nat: a namespace holding the identity in the kernel, connected\n"
	    "                   through its gateway (pasta), ports it listens on reachable on the\n"
	    "                   host's 127.0.0.1; isolated: the same with no way out; filtered:\n"
	    "                   nat for what --allow and --allow-host permit only; host: the\n"
	    "                   host's network; auto: nat where possible, else host, saying why\n"
	    "                   (default: the identity's network:, else auto)\n"
	    "  --allow PROTO/PORT  with filtered: let tcp/PORT or udp/PORT out (repeatable)\n"
	    "  --allow-host PATTERN  with filtered: let out to the addresses of the identity's\n"
	    "                   hosts entries whose name matches the glob (repeatable)\n"
	    "  --publish [ADDR:]PORT[:TARGET_PORT]  not with host: ADDR:PORT (127.0.0.1) on the\n"
	    "                   host reaches TARGET_PORT inside\n"
	    "  --backend B      auto (default): fuse where it can be set up, else preload,\n"
	    "                   saying why; fuse: namespaces and FUSE, or fail; preload: no\n"
	    "                   privilege, an LD_PRELOAD library and the shims on PATH\n"
	    "  --log FILE       append JSON Lines: every file opened in the view, every shim call\n"
	    "  --shims SPEC     none, all (default), or a comma list of tools (route,arp,...)\n"
	    "Exits with COMMAND's status, 128+N if it died of signal N, 125 if fakenet failed,\n"
	    "126 if COMMAND could not be executed, 127 if it was not found.\n",
	    out);
}

static int usage_error(const char *msg)
{
	fn_warn("run: %s; try 'fakenet run --help'", msg);
	return FN_EXIT_OWN;
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(struct run *r, int argc, char **argv)
{
	static const struct option opts[] = {{"identity", required_argument, NULL, 'i'},
					     {"net", required_argument, NULL, 'n'},
					     {"log", required_argument, NULL, 'l'},
					     {"shims", required_argument, NULL, 's'},
					     {"help", no_argument, NULL, 'h'},
					     {"publish", required_argument, NULL, 'p'},
					     {"allow", required_argument, NULL, 'a'},
					     {"allow-host", required_argument, NULL, 'A'},
					     {0}};
	enum fn_net_mode mode;
	int c;

	r->opts.shims = "all";
	fn_net_init(&r->net);
	while ((c = getopt_long(argc, argv, "+i:n:l:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			r->opts.identity = optarg;
			break;
		case 'n':
			if (!fn_net_mode_parse(optarg, &mode))
				return usage_error(
				    "--net: 'nat', 'host', 'isolated', 'filtered' or 'auto'");
			r->opts.net = optarg;
			break;
		case 'a':
			if (!fn_filter_parse_allow(&r->filter, optarg))
				return usage_error("--allow: tcp/PORT or udp/PORT");
			break;
		case 'A':
			if (!fn_filter_add_host(&r->filter, optarg))
				return usage_error("--allow-host: a name or glob pattern");
			break;
		case 'p':
			if (!fn_net_parse_publish(&r->net, optarg))
				return usage_error("--publish: [ADDR:]PORT[:TARGET_PORT]");
			break;
		case 'l':
			r->opts.log = optarg;
			break;
		case 's':
			r->opts.shims = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("bad option");
		}
	}
	if (optind >= argc)
		return usage_error("no COMMAND given");
	r->opts.argv = argv + optind;
	return fn_plan_select_tools(&r->tools, (char *)r->opts.shims) ? FN_EXIT_OWN : -1;
}

static void plan_tool_binds(struct run *r)
{
	struct stat shim, dir;
	struct fn_tool_where where = {.shim = r->shim_path,
				      .self = &shim,
				      .missing_dir = "/usr/local/sbin",
				      .missing_src = "/usr/local/sbin"};

	if (!r->shim_path || stat(r->shim_path, &shim) < 0)
		return;
	if (stat(where.missing_src, &dir) < 0 || !S_ISDIR(dir.st_mode))
		where.missing_src = NULL;
	fn_plan_tool_binds(&r->tools, &r->plan, r->vfs, &where);
}

static bool path_has(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	for (const char *p = path; p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
		if (strncmp(p, dir, len) == 0 && (p[len] == ':' || p[len] == '\0'))
			return true;
	return false;
}

/* pid 1's argv, as `docker run --init` shows it: /sbin/docker-init -- COMMAND ARG... */
static char **init_argv(char **argv)
{
	size_t n = 0;
	char **v;

	while (argv[n])
		n++;
	v = xcalloc(n + 3, sizeof(*v));
	v[0] = FN_PID1_PATH;
	v[1] = "--";
	memcpy(v + 2, argv, n * sizeof(*v));
	return v;
}

static void plan_environment(struct run *r)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = FN_DEFAULT_PATH;
	/* Only where a PATH lacks the directory the missing tools are added to. */
	if (r->tools.n_added_tools && !path_has(path, "/usr/local/sbin")) {
		r->path_env = xasprintf("/usr/local/sbin:%s", path);
		r->plan.path_env = r->path_env;
	}
	r->plan.log_mask = r->log_path;
	r->plan.init_argv = init_argv(r->opts.argv);
	r->plan.hostname = r->id->hostname[0] ? r->id->hostname : NULL;
	r->plan.argv = r->opts.argv;
}

/* The audit log: created 0600 and written only by the runner (fakefs, the connection audit, the
 * shims' events through the audit socket). A file or FIFO is covered inside the run by an empty
 * read-only file; a terminal or other device stays as it is, since the target may use it too. */
static int open_log(struct run *r)
{
	struct stat st;

	r->log_fd = open(r->opts.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (r->log_fd < 0) {
		fn_warn_errno("run: cannot open the log file %s", r->opts.log);
		return -1;
	}
	if (fstat(r->log_fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)))
		return 0;
	r->log_path = realpath(r->opts.log, NULL);
	if (!r->log_path) {
		fn_warn_errno("run: cannot resolve the log file %s", r->opts.log);
		return -1;
	}
	return 0;
}

/* --net wins over the identity's `network:`; the options that need a mode are checked here, once
 * it is known. Returns -1 to go on, or the exit status. */
static int choose_net_mode(struct run *r)
{
	enum fn_net_mode mode = r->id->network;
	char held[160];
	const char *why;

	if (r->opts.net)
		fn_net_mode_parse(r->opts.net, &mode);
	if ((r->filter.n_allow || r->filter.n_host_patterns) && mode != FN_NET_FILTERED)
		return usage_error("--allow and --allow-host need --net filtered");
	mode = fn_net_mode_resolve(mode, r->id, false);
	if ((mode == FN_NET_NAT || mode == FN_NET_FILTERED) && (why = fn_net_egress_missing())) {
		fn_warn("run: --net %s cannot run here: %s", fn_net_mode_names[mode], why);
		return FN_EXIT_OWN;
	}
	if (mode != FN_NET_HOST && (why = fn_net_kernel_cannot_hold(r->id, held, sizeof(held)))) {
		fn_warn("run: --net %s cannot run this identity: %s; --net host can",
			fn_net_mode_names[mode], why);
		return FN_EXIT_OWN;
	}
	r->opts.isolated = mode != FN_NET_HOST;
	if (r->net.n_publish && !r->opts.isolated)
		return usage_error("--publish needs a network namespace (not --net host)");
	if (mode == FN_NET_NAT) {
		r->filter.open = true;
		r->net.filter = &r->filter;
		r->net.nat = true;
	}
	if (mode != FN_NET_FILTERED)
		return -1;
	if (!fn_filter_resolve(&r->filter, r->id))
		return FN_EXIT_OWN;
	r->net.filter = &r->filter;
	return -1;
}

/* Everything that depends only on the identity and the options, and can fail because of them:
 * no namespace is touched yet. */
static int prepare(struct run *r)
{
	r->id = fn_identity_lookup(r->opts.identity, &r->identity_text, &r->identity_len);
	if (!r->id)
		return FN_EXIT_OWN;
	if (choose_net_mode(r) >= 0)
		return FN_EXIT_OWN;
	if (r->opts.log && open_log(r) < 0)
		return FN_EXIT_OWN;
	return -1;
}

/* The view and the plan of its mounts, from the identity; nothing here fails. */
static void prepare_view(struct run *r)
{
	struct fn_fakefs_opts fopts = {0};

	if (r->tools.n_tools) {
		r->shim_path = fn_shim_locate();
		if (!r->shim_path)
			fn_warn("warning: fakenet-shim not found next to fakenet; running without "
				"shims");
	}
	r->vfs = fn_vfs_build(r->id);
	if (r->opts.isolated)
		fn_vfs_follow_kernel(r->vfs, r->id);
	fn_plan_overlays(&r->plan, &r->overlays, r->vfs,
			 &(struct fn_plan_opts){.isolated = r->opts.isolated,
						.stage_etc = !r->opts.log,
						.add_missing = true});
	/* The init mounts the namespace's own links after the view (init.c): nothing to keep, and
	 * no second sysfs mount for mountinfo to show. */
	r->plan.n_keep = 0;
	/* Under a namespace of its own the kernel holds the identity; on the host's network only
	 * the library can answer the kernel's questions for the identity. */
	if (!r->opts.isolated)
		fn_host_preload_plan(&r->host_preload, &r->overlays, &r->plan, r->identity_text,
				     r->identity_len);
	plan_tool_binds(r);
	plan_environment(r);
	fopts.identity_text = r->identity_text;
	fopts.identity_len = r->identity_len;
	fopts.real_tools = r->tools.real_tools;
	fopts.real_paths = (const char *const *)r->tools.real_paths;
	fopts.n_real_tools = r->tools.n_real_tools;
	fopts.log_fd = r->log_fd;
	fopts.log_nodes = r->log_fd >= 0 && fn_vfs_lookup(r->vfs, FN_FAKEFS_HIDDEN_DIR);
	if (!fopts.log_nodes) {
		free(r->log_path);
		r->log_path = NULL;
		r->plan.log_mask = NULL;
	}
	r->fs = fn_fakefs_new(r->vfs, &fopts);
}

static const char *fuse_hint(int err)
{
	return err == ENOENT || err == EACCES || err == EPERM || err == ENODEV ? HINT_FUSE : NULL;
}

/* A user namespace of the runner's own, with a mount namespace it owns, so that it may mount
 * FUSE. Nothing is ever attached there (the mount stays detached). Root lands here only for
 * want of CAP_SYS_ADMIN, which is what its message names. */
static int enter_own_namespaces(void)
{
	struct fn_report rep;

	if (fn_userns_enter(&rep)) {
		if (geteuid() == 0) {
			fn_fail(&rep, -EPERM, "cannot create a mount namespace");
			fn_report_hint(&rep, HINT_CAPS);
		}
		return fn_report_print(NULL, &rep);
	}
	if (unshare(CLONE_NEWNS) < 0)
		return fn_report_errno(HINT_CAPS, "cannot create a mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fn_report_errno(NULL, "making / private");
	return -1;
}

/* The FUSE mount is made detached, so root needs no namespace for it: every mount namespace
 * costs its copy and, at exit, its teardown, and the init makes the one the target sees. Root
 * without CAP_SYS_ADMIN (a container without --cap-add SYS_ADMIN) can still get it in a user
 * namespace of its own, if those are allowed. */
static int enter_namespaces(struct run *r)
{
	const char *what = NULL;
	int err, status;

	if (geteuid() != 0 && (status = enter_own_namespaces()) >= 0)
		return status;
	err = fn_fakefs_mount(r->fs, &what);
	/* Not once namespaces were built early (which took CAP_SYS_ADMIN, whose want is what a user
	 * namespace makes up for): they belong to this user namespace, which the init could not
	 * join them from, and the thread that built them may not yet be gone, which is enough for
	 * unshare(CLONE_NEWUSER) to refuse. */
	if (err == -EPERM && geteuid() == 0 && !r->plan.isolated) {
		if ((status = enter_own_namespaces()) >= 0)
			return status;
		err = fn_fakefs_mount(r->fs, &what);
	}
	if (err) {
		struct fn_report rep;

		fn_fail(&rep, err, "%s", what);
		fn_report_hint(&rep, fuse_hint(-err));
		return fn_report_print(NULL, &rep);
	}
	return -1;
}

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < N_ELEMENTS(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

/* The init is done with the view once the far end of the report pipe is closed (its exec of
 * docker-init closes it; a report comes first if it failed): the runner's detached FUSE mount and
 * staging tmpfs are then only the originals of what the init placed. Dropped now, while the
 * target runs, their unmounts (a grace period each) are off the way from the target's exit to
 * fakenet's; and as the filesystem then ends with the init's namespace, the FUSE thread sees its
 * connection go and leaves by itself, with no wake-up left to wait for. */
static void view_placed(struct run *r)
{
	fn_fakefs_drop_mount(r->fs);
	fn_staging_release(&r->staging);
}

/* Until view_placed ran: whether a signal is pending. Without a signalfd, the mounts stay to the
 * end (release). */
static bool signal_pending(struct run *r, struct pollfd p[2])
{
	if (p[0].fd < 0 || p[1].fd < 0)
		return true;
	if (poll(p, 2, -1) < 0)
		return false;
	if (p[1].revents) {
		view_placed(r);
		p[1].fd = -1;
	}
	return p[0].revents != 0;
}

/* Relays signals to the init until it exits; returns its wait status. */
static int wait_init(struct run *r, pid_t init)
{
	struct pollfd p[2] = {{.fd = r->sigfd, .events = POLLIN},
			      {.fd = r->report[0], .events = POLLIN}};
	sigset_t set;
	int status = 0;

	forwarded_set(&set);
	for (;;) {
		siginfo_t si;

		if (!signal_pending(r, p) || sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD) {
			if (waitpid(init, &status, WNOHANG) == init)
				break;
			continue;
		}
		/* Terminal signals already reached the whole process group. */
		if (si.si_code != SI_KERNEL)
			kill(init, si.si_signo);
	}
	return status;
}

/* The run's outcome: a report from inside wins over the init's status. */
static int outcome(int report_fd, int status)
{
	struct fn_report rep;

	if (fn_report_recv(report_fd, &rep))
		return fn_report_print(NULL, &rep);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* A signal to fakenet before the target started ends the run: the init goes, and the rest with
 * release. Returns -1 to go on waiting, or the exit status: 128+N for signal N, or the init's
 * outcome should it have ended (its report, if it failed). */
static int gate_interrupted(struct run *r, pid_t init)
{
	struct signalfd_siginfo si;
	int status;

	if (read(r->sigfd, &si, sizeof(si)) != sizeof(si))
		return -1;
	if (si.ssi_signo != SIGCHLD) {
		kill(init, SIGKILL);
		waitpid(init, NULL, 0);
		return 128 + (int)si.ssi_signo;
	}
	if (waitpid(init, &status, WNOHANG) != init)
		return -1;
	return outcome(r->report[0], status);
}

/* nat and filtered: the init builds the view while pasta comes up, and the target starts once it
 * is. Should it not come up, the init goes, and with it everything in its namespaces; should the
 * init fail or fakenet get a signal meanwhile, the run ends there. Returns -1 to go on, or the
 * exit status. */
static int open_gate(struct run *r, pid_t init)
{
	struct pollfd sig = {.fd = r->sigfd, .events = POLLIN};
	struct fn_report rep;
	int err, status;

	if (r->plan.gate_fd < 0)
		return -1;
	while ((err = fn_net_wait_egress(&r->net, &sig, 1, &rep)) > 0)
		if ((status = gate_interrupted(r, init)) >= 0)
			return status;
	if (!err && eventfd_write(r->plan.gate_fd, 1) < 0)
		err = fn_fail_errno(&rep, "starting the target");
	close(r->plan.gate_fd);
	r->plan.gate_fd = -1;
	if (!err)
		return -1;
	kill(init, SIGKILL);
	waitpid(init, NULL, 0);
	return fn_report_print(NULL, &rep);
}

/* What the init and the runner's wait need before the fork; on failure, release closes what was
 * opened. Returns -1 to go on, or the exit status. */
static int open_spawn_fds(struct run *r)
{
	sigset_t set;

	if (pipe2(r->report, O_CLOEXEC | O_NONBLOCK) < 0)
		return fn_report_errno(NULL, "pipe");
	forwarded_set(&set);
	if ((r->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return fn_report_errno(NULL, "signalfd");
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->sigfd;
	r->own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	r->plan.runner_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (r->net.filter && (r->plan.gate_fd = eventfd(0, EFD_CLOEXEC)) < 0)
		return fn_report_errno(NULL, "eventfd");
	return -1;
}

static int spawn_init(struct run *r)
{
	pid_t init;
	int status;

	if ((status = open_spawn_fds(r)) >= 0)
		return status;
	/* Threads cannot be created once the pid namespace for children differs, so this comes
	 * after the FUSE thread has started. */
	if (unshare(CLONE_NEWPID) < 0)
		return fn_report_errno(errno == EPERM ? HINT_CAPS : NULL,
				       "cannot create a pid namespace");
	init = fork();
	if (init < 0)
		return fn_report_errno(NULL, "fork");
	if (init > 0 && r->plan.isolated && r->plan.connlog_fd >= 0)
		fn_connlog_set_init(init);
	/* Back to our own pid namespace for later children: once the init is gone, its namespace
	 * takes no new processes, and sanitizers fork at exit. */
	if (init > 0 && r->own_pidns >= 0)
		setns(r->own_pidns, CLONE_NEWPID);
	fn_close_fd(&r->own_pidns);
	if (init == 0) {
		close(r->report[0]);
		r->plan.report_fd = r->report[1];
		fn_init_main(&r->plan);
	}
	fn_close_fd(&r->report[1]);
	fn_close_fd(&r->plan.runner_pidfd);
	if ((status = open_gate(r, init)) >= 0)
		return status;
	return outcome(r->report[0], wait_init(r, init));
}

/* The namespace is built while the runner has no thread, then joined by the init. */
static int start_isolated(struct run *r)
{
	struct fn_report rep;

	r->net.log_fd = r->log_fd;
	if (fn_net_isolate(&r->net, r->id, &rep))
		return fn_report_print(NULL, &rep);
	r->plan.isolated = true;
	r->plan.netns_fd = r->net.target_fd;
	r->plan.connlog_fd = r->net.connlog_sock[1];
	return -1;
}

/* Root that surely mounts FUSE where it is builds the network namespaces before the view: pasta,
 * the slowest part of nat's start, then comes up while the view is built and mounted. Anyone
 * else builds them in the user namespace it may have to mount FUSE from (enter_namespaces). */
static bool may_isolate_early(void)
{
	return geteuid() == 0 && fn_backend_fuse_surely_usable();
}

/* The staging tmpfs: made once the runner may mount (after enter_namespaces). The shims, bound
 * from it, may see the view's hidden nodes. */
static int build_staging(struct run *r)
{
	struct fn_report rep;

	if (fn_plan_stage(&r->tools, &r->overlays, r->shim_path, &r->staging, r->fs, &rep))
		return fn_report_print(NULL, &rep);
	r->plan.staging_fd = r->staging.mnt_fd;
	r->plan.init_fd = r->staging.init_fd;
	return -1;
}

/* The shims' event channel, served by a thread started before the pid namespace changes. */
static int start_audit(struct run *r)
{
	struct fn_report rep;

	if (fn_auditsock_open(&r->audit, r->log_fd, &rep) || fn_auditsock_start(&r->audit, &rep))
		return fn_report_print(NULL, &rep);
	r->plan.log_sock_tree = r->audit.tree_fd;
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->audit.listen_fd;
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->audit.wake[0];
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->audit.wake[1];
	return -1;
}

/* The namespaces' and the resolver's descriptors stay the runner's: the init closes its copies. */
static void hold_net_fds(struct run *r)
{
	size_t max = N_ELEMENTS(r->plan.runner_fds);

	for (size_t i = 0; i < r->net.n_held && (size_t)r->plan.n_runner_fds < max - 4; i++)
		r->plan.runner_fds[r->plan.n_runner_fds++] = r->net.held[i];
}

static int run_target(struct run *r)
{
	struct fn_report rep;
	int status;
	sigset_t set;

	/* Blocked before the FUSE thread exists, so it inherits the mask and only the main thread
	 * ever takes these signals. */
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (r->opts.isolated && !r->plan.isolated && (status = start_isolated(r)) >= 0)
		return status;
	if ((status = build_staging(r)) >= 0)
		return status;
	status = fn_fakefs_start(r->fs);
	if (status) {
		fn_fail(&rep, status, "starting the FUSE thread");
		return fn_report_print(NULL, &rep);
	}
	fn_plan_allow_added(&r->tools, r->fs);
	if (r->plan.log_mask && (status = start_audit(r)) >= 0)
		return status;
	if (r->opts.isolated && fn_net_serve(&r->net, r->id, &rep))
		return fn_report_print(NULL, &rep);
	hold_net_fds(r);
	r->plan.mnt_fd = fn_fakefs_mount_fd(r->fs);
	r->plan.dev_fd = fn_fakefs_dev_fd(r->fs);
	if (r->log_fd >= 0)
		r->plan.runner_fds[r->plan.n_runner_fds++] = r->log_fd;
	status = spawn_init(r);
	/* Every sender is gone with the init: write what they queued. */
	fn_auditsock_stop(&r->audit);
	return status;
}

static void release(struct run *r)
{
	int *fds[] = {&r->report[0], &r->report[1],	    &r->sigfd,
		      &r->own_pidns, &r->plan.runner_pidfd, &r->plan.gate_fd};

	for (size_t i = 0; i < N_ELEMENTS(fds); i++)
		fn_close_fd(fds[i]);
	fn_auditsock_stop(&r->audit);
	fn_net_release(&r->net);
	fn_fakefs_free(r->fs);
	fn_staging_release(&r->staging);
	fn_host_preload_free(&r->host_preload);
	free(r->plan.init_argv);
	fn_vfs_free(r->vfs);
	fn_identity_free(r->id);
	free(r->identity_text);
	free(r->shim_path);
	free(r->path_env);
	if (r->log_fd >= 0)
		close(r->log_fd);
	free(r->log_path);
	fn_tool_plan_free(&r->tools);
	fn_overlay_plan_free(&r->overlays);
}

int fn_cmd_run(int argc, char **argv)
{
	struct run r = {
	    .log_fd = -1,
	    .report = {-1, -1},
	    .sigfd = -1,
	    .own_pidns = -1,
	    .staging = {.mnt_fd = -1, .init_fd = -1},
	    .plan = {.staging_fd = -1, .init_fd = -1, .gate_fd = -1, .runner_pidfd = -1}};
	int status;

	fn_auditsock_init(&r.audit);
	fn_host_preload_init(&r.host_preload);
	r.plan.log_sock_tree = -1;

	status = fn_backend_dispatch(&argc, argv);
	if (status < 0)
		status = parse_args(&r, argc, argv);
	if (status < 0)
		status = prepare(&r);
	if (status < 0 && r.opts.isolated && may_isolate_early())
		status = start_isolated(&r);
	if (status < 0)
		prepare_view(&r);
	if (status < 0)
		status = enter_namespaces(&r);
	if (status < 0)
		status = run_target(&r);
	release(&r);
	return status;
}
