/* fakenet run: build the view from the identity, serve it over FUSE from a thread, and run the
 * command as the child of a pid-1 init in fresh pid, mount and UTS namespaces. Everything that can
 * fail because of the identity happens before any namespace is touched. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "child.h"
#include "cli.h"
#include "auditsock.h"
#include "netns.h"
#include "pid1.h"
#include "staging.h"
#include "../fakefs/fakefs.h"
#include "util.h"

#define HINT_FUSE    "run as root, or in Docker add --device /dev/fuse --cap-add SYS_ADMIN"
#define HINT_CAPS    "needs CAP_SYS_ADMIN: run as root, or in Docker add --cap-add SYS_ADMIN"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The tools the shim answers to by default; sudo only when asked for by name. */
static const char *const default_tools[] = {"route",   "arp",	   "ifconfig", "netstat",
					    "ip",      "hostname", "nm-tool",  "nmcli",
					    "ethtool", "curl",	   "wget"};

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

struct run_opts {
	const char *identity;
	const char *log;
	const char *shims; /* none | all | a,b,c */
	const char *net;   /* --net as given; NULL: the identity's `network:` */
	bool isolated;	   /* isolated or filtered: a namespace of its own */
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
	const char *tools[sizeof(default_tools) / sizeof(default_tools[0]) + 1];
	size_t n_tools;
	char *path_env;
	/* Placement: the real tool files the shim covers, and the tools whose real binary stays
	 * reachable to the shims under FN_FAKEFS_REAL (name and the host's file). */
	struct fn_tool_bind *binds;
	size_t n_binds;
	const char **real_tools;
	const char **real_paths;
	size_t n_real_tools;
	/* Tools the host lacks: the shim answers for them in /usr/local/sbin. */
	struct fn_node **added_tools;
	size_t n_added_tools;
	struct fn_staging staging;
	struct fn_staged_file *staged; /* the /etc files put in the staging tmpfs */
	size_t n_staged;
	char **device_roots; /* the /sys/devices/TOP paths overlaid (their tree paths point in) */
	size_t n_device_roots;
	struct fn_child_plan plan;
	struct fn_net net;	 /* --net isolated */
	struct fn_filter filter; /* --net filtered: --allow, --allow-host */
};

static void usage(FILE *out)
{
	fputs(
	    "usage: fakenet run [--identity FILE] [--net host|isolated|filtered]\n"
	    "                   [--backend auto|fuse|preload] [--log FILE] [--shims "
	    "none|all|LIST]\n"
	    "                   [--] COMMAND [ARG...]\n"
	    "Runs COMMAND where /proc/net, /sys/class/net, /etc/hosts, /etc/hostname,\n"
	    "/etc/resolv.conf and the hostname show the identity, with the shims bound over the\n"
	    "real tools.\n"
	    "  --identity FILE  the identity (default $FAKENET_IDENTITY, else\n"
	    "                   /etc/fakenet/identity.yaml if it exists, else built-in "
	    "docker.yaml)\n"
	    "  --net MODE       host (default): the host's network; isolated: a namespace holding\n"
	    "                   the identity in the kernel, no way out, a resolver of its own;\n"
	    "                   filtered: isolated, plus egress through pasta for what --allow\n"
	    "                   and --allow-host permit (default: the identity's network:)\n"
	    "  --allow PROTO/PORT  with filtered: let tcp/PORT or udp/PORT out (repeatable)\n"
	    "  --allow-host PATTERN  with filtered: let out to the addresses of the identity's\n"
	    "                   hosts entries whose name matches the glob (repeatable)\n"
	    "  --publish [ADDR:]PORT[:TARGET_PORT]  with isolated: ADDR:PORT (127.0.0.1) on the\n"
	    "                   host reaches TARGET_PORT inside\n"
	    "  --backend B      fuse (default): namespaces and FUSE; preload: no privilege, an\n"
	    "                   LD_PRELOAD library and the shims on PATH; auto: fuse where it\n"
	    "                   can be set up, else preload, saying why\n"
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

static bool known_tool(const char *name)
{
	if (strcmp(name, "sudo") == 0)
		return true;
	for (size_t i = 0; i < sizeof(default_tools) / sizeof(default_tools[0]); i++)
		if (strcmp(name, default_tools[i]) == 0)
			return true;
	return false;
}

static bool real_tool_exists(const char *name)
{
	char *path = xstrdup(DEFAULT_PATH), *save = NULL;
	bool found = false;

	for (char *dir = strtok_r(path, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *candidate = xasprintf("%s/%s", dir, name);

		found = access(candidate, X_OK) == 0;
		free(candidate);
	}
	free(path);
	return found;
}

/* Fills r->tools from --shims; returns -1 for an unknown tool name. */
static int select_tools(struct run *r, char *spec)
{
	char *save = NULL;

	if (strcmp(spec, "none") == 0)
		return 0;
	if (strcmp(spec, "all") == 0) {
		for (size_t i = 0; i < sizeof(default_tools) / sizeof(default_tools[0]); i++)
			r->tools[r->n_tools++] = default_tools[i];
		/* A real sudo keeps its own policy; where there is none, the shim lets scripts
		 * that say `sudo nm-tool` work. */
		if (!real_tool_exists("sudo"))
			r->tools[r->n_tools++] = "sudo";
		return 0;
	}
	for (char *t = strtok_r(spec, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!known_tool(t)) {
			fn_warn("run: --shims: no shim for '%s'", t);
			return -1;
		}
		if (r->n_tools < sizeof(r->tools) / sizeof(r->tools[0]))
			r->tools[r->n_tools++] = t;
	}
	return 0;
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
	int c;

	r->opts.shims = "all";
	fn_net_init(&r->net);
	while ((c = getopt_long(argc, argv, "+i:n:l:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			r->opts.identity = optarg;
			break;
		case 'n':
			if (strcmp(optarg, "host") != 0 && strcmp(optarg, "isolated") != 0 &&
			    strcmp(optarg, "filtered") != 0)
				return usage_error("--net: 'host', 'isolated' or 'filtered'");
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
	return select_tools(r, (char *)r->opts.shims) ? FN_EXIT_OWN : -1;
}

static void add_overlay(struct fn_child_plan *plan, const char *tree_path, const char *target,
			bool nofollow, bool read_only, bool optional)
{
	if (plan->n_overlays == FN_MAX_OVERLAYS)
		return;
	plan->overlays[plan->n_overlays++] = (struct fn_overlay){
	    .tree_path = tree_path,
	    .target = target,
	    .nofollow = nofollow,
	    .read_only = read_only,
	    .optional = optional,
	};
}

static bool tree_has(const struct fn_vfs *vfs, const char *path)
{
	return fn_vfs_lookup(vfs, path) != NULL;
}

static bool has_overlay(const struct fn_child_plan *plan, const char *target)
{
	for (int i = 0; i < plan->n_overlays; i++)
		if (strcmp(plan->overlays[i].target, target) == 0)
			return true;
	return false;
}

/* Overlays /sys/devices/TOP with a view that passes the real devices through: the tree's own
 * devices (a fake PCI NIC) appear there, and the host's network devices below it (their net/
 * and ieee80211/ directories, with the host's MACs) do not (fakefs/passthrough.c). */
static void overlay_device_root(struct run *r, const char *top)
{
	char *path = xasprintf("/sys/devices/%s", top);
	struct fn_node *dir;
	struct stat st;

	if (has_overlay(&r->plan, path) || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(path);
		return;
	}
	dir = fn_vfs_mkdir_p(r->vfs, path);
	if (!dir->passthrough)
		dir->passthrough = xstrdup(path);
	r->device_roots = xreallocarray(r->device_roots, r->n_device_roots + 1, sizeof(char *));
	r->device_roots[r->n_device_roots++] = path;
	add_overlay(&r->plan, path + 1, path, false, false, true);
}

/* The top directory under /sys/devices of each of the host's non-virtual network devices, read
 * from where /sys/class/net links ("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"). */
static void hide_host_devices(struct run *r)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char link[PATH_MAX], target[PATH_MAX], *top, *end;
		ssize_t n;

		snprintf(link, sizeof(link), "/sys/class/net/%s", e->d_name);
		n = e->d_name[0] == '.' ? -1 : readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		top = strstr(target, "devices/");
		if (!top)
			continue;
		top += strlen("devices/");
		end = strchr(top, '/');
		if (end)
			*end = '\0';
		if (strcmp(top, "virtual") != 0)
			overlay_device_root(r, top);
	}
	if (d)
		closedir(d);
}

/* An /etc file of the view. Without --log, which must see every open, it is a file of the staging
 * tmpfs at its own path, bound read-only as a container runtime binds its /etc/hosts: tmpfs in
 * mountinfo, blocks as on a disk, and no FUSE round trip. */
static void plan_etc_file(struct run *r, const char *tree_path, const char *target)
{
	struct fn_node *n = fn_vfs_lookup(r->vfs, target);

	if (!n)
		return;
	add_overlay(&r->plan, tree_path, target, false, true, true);
	if (r->opts.log || n->type != FN_NODE_FILE)
		return;
	r->plan.overlays[r->plan.n_overlays - 1].staged = true;
	r->staged = xreallocarray(r->staged, r->n_staged + 1, sizeof(*r->staged));
	r->staged[r->n_staged++] =
	    (struct fn_staged_file){.path = target, .content = n->content, .len = n->len};
}

/* Which real paths get which part of the tree. A fake PCI NIC lives under
 * /sys/devices/pci0000:00/SLOT; binding just SLOT needs a real directory of that name, so the
 * whole pci0000:00 directory is overlaid instead, and it passes the real devices through so
 * nothing real disappears. */
static void plan_overlays(struct run *r)
{
	struct fn_child_plan *plan = &r->plan;
	struct fn_node *pci = fn_vfs_lookup(r->vfs, "/sys/devices/pci0000:00");
	static const char *const etc[][2] = {{"etc/hosts", "/etc/hosts"},
					     {"etc/hostname", "/etc/hostname"},
					     {"etc/resolv.conf", "/etc/resolv.conf"}};

	/* Isolated, the kernel shows the links itself (netns.c); fakefs keeps /sys/class/net, whose
	 * links lead there, and what the kernel cannot show (a PCI NIC's device). */
	if (tree_has(r->vfs, "/sys/devices/virtual/net") && !r->opts.isolated)
		add_overlay(plan, "sys/devices/virtual/net", "/sys/devices/virtual/net", false,
			    false, true);
	if (pci && pci->type == FN_NODE_DIR)
		overlay_device_root(r, "pci0000:00");
	hide_host_devices(r);
	if (tree_has(r->vfs, "/sys/class/net"))
		add_overlay(plan, "sys/class/net", "/sys/class/net", false, false, true);
	/* Served by FUSE, whose files are sized as procfs sizes them (0); a faster tmpfs copy
	 * would give them sizes and blocks, which the kernel's never have. */
	if (tree_has(r->vfs, "/proc/net") && !r->opts.isolated)
		add_overlay(plan, FN_FAKEFS_PROC_NET_LINK, "/proc/net", true, false, false);
	for (size_t i = 0; i < sizeof(etc) / sizeof(etc[0]); i++)
		plan_etc_file(r, etc[i][0], etc[i][1]);
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the real file `st` is already covered, or is the shim itself (an install that put
 * links to the shim on PATH). */
static bool already_covered(const struct run *r, const struct stat *st, const struct stat *shim)
{
	if (same_inode(st, shim))
		return true;
	for (size_t i = 0; i < r->n_binds; i++)
		if (r->binds[i].dev == st->st_dev && r->binds[i].ino == st->st_ino)
			return true;
	return false;
}

/* A tool the host lacks is answered in /usr/local/sbin, a directory on every standard PATH that
 * the view passes through with the shim added, so no PATH entry of fakenet's own is needed. */
static void add_missing_tool(struct run *r, const char *tool)
{
	struct fn_node *dir = fn_vfs_mkdir_p(r->vfs, "/usr/local/sbin"), *n;
	struct stat st;

	if (!dir->passthrough && stat("/usr/local/sbin", &st) == 0 && S_ISDIR(st.st_mode))
		dir->passthrough = xstrdup("/usr/local/sbin");
	if (fn_vfs_child(dir, tool))
		return;
	n = fn_vfs_add_file(r->vfs, dir, tool, 0755, FN_FILE_STATIC, NULL, 0);
	n->passthrough = xstrdup(r->shim_path);
	r->added_tools = xreallocarray(r->added_tools, r->n_added_tools + 1, sizeof(*n));
	r->added_tools[r->n_added_tools++] = n;
}

/* Every executable of the tool on the standard PATH, each inode once on its resolved path (on a
 * merged-/usr system /sbin/route and /usr/sbin/route are one file). The first one found, the one
 * a search of the standard PATH would run, is the one kept reachable for pass-through. */
static void plan_tool(struct run *r, const char *tool, const struct stat *shim)
{
	char *dirs = xstrdup(DEFAULT_PATH), *save = NULL;
	bool exposed = false;

	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *path = xasprintf("%s/%s", dir, tool), *real = NULL;
		struct stat st;

		/* Most directories lack most tools: one stat says so before any resolving. */
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			real = realpath(path, NULL);
		free(path);
		if (!real || access(real, X_OK) || already_covered(r, &st, shim)) {
			free(real);
			continue;
		}
		r->binds = xreallocarray(r->binds, r->n_binds + 1, sizeof(*r->binds));
		r->binds[r->n_binds].target = real;
		r->binds[r->n_binds].dev = st.st_dev;
		r->binds[r->n_binds].ino = st.st_ino;
		if (!exposed) {
			r->real_tools =
			    xreallocarray(r->real_tools, r->n_real_tools + 1, sizeof(char *));
			r->real_paths =
			    xreallocarray(r->real_paths, r->n_real_tools + 1, sizeof(char *));
			r->real_tools[r->n_real_tools] = tool;
			r->real_paths[r->n_real_tools++] = real;
			exposed = true;
		}
		r->n_binds++;
	}
	free(dirs);
	if (!exposed)
		add_missing_tool(r, tool);
}

static void plan_tool_binds(struct run *r)
{
	struct stat shim;

	if (!r->shim_path || stat(r->shim_path, &shim) < 0)
		return;
	for (size_t i = 0; i < r->n_tools; i++)
		plan_tool(r, r->tools[i], &shim);
	r->plan.tool_binds = r->binds;
	r->plan.n_tool_binds = (int)r->n_binds;
	if (r->n_added_tools)
		add_overlay(&r->plan, "usr/local/sbin", "/usr/local/sbin", false, true, true);
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
		path = DEFAULT_PATH;
	/* Only where a PATH lacks the directory the missing tools are added to. */
	if (r->n_added_tools && !path_has(path, "/usr/local/sbin")) {
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

	if (r->opts.net)
		mode = strcmp(r->opts.net, "filtered") == 0   ? FN_NET_FILTERED
		       : strcmp(r->opts.net, "isolated") == 0 ? FN_NET_ISOLATED
							      : FN_NET_HOST;
	r->opts.isolated = mode != FN_NET_HOST;
	if (r->net.n_publish && !r->opts.isolated)
		return usage_error("--publish needs --net isolated or filtered");
	if ((r->filter.n_allow || r->filter.n_host_patterns) && mode != FN_NET_FILTERED)
		return usage_error("--allow and --allow-host need --net filtered");
	if (mode != FN_NET_FILTERED)
		return -1;
	if (!fn_filter_resolve(&r->filter, r->id))
		return FN_EXIT_OWN;
	r->net.filter = &r->filter;
	return -1;
}

/* Everything that depends only on the identity and the options: no namespace is touched yet. */
static int prepare(struct run *r)
{
	struct fn_fakefs_opts fopts = {0};

	r->id = fn_cli_load_identity(r->opts.identity, &r->identity_text, &r->identity_len);
	if (!r->id)
		return FN_EXIT_OWN;
	if (choose_net_mode(r) >= 0)
		return FN_EXIT_OWN;
	if (r->opts.log && open_log(r) < 0)
		return FN_EXIT_OWN;
	if (r->n_tools) {
		r->shim_path = fn_shim_locate();
		if (!r->shim_path)
			fn_warn("warning: fakenet-shim not found next to fakenet; running without "
				"shims");
	}
	r->vfs = fn_vfs_build(r->id);
	plan_overlays(r);
	plan_tool_binds(r);
	plan_environment(r);
	fopts.identity_text = r->identity_text;
	fopts.identity_len = r->identity_len;
	fopts.real_tools = r->real_tools;
	fopts.real_paths = r->real_paths;
	fopts.n_real_tools = r->n_real_tools;
	fopts.log_fd = r->log_fd;
	fopts.log_nodes = r->log_fd >= 0 && tree_has(r->vfs, FN_FAKEFS_HIDDEN_DIR);
	if (!fopts.log_nodes) {
		free(r->log_path);
		r->log_path = NULL;
		r->plan.log_mask = NULL;
	}
	r->fs = fn_fakefs_new(r->vfs, &fopts);
	return -1;
}

static int setup_failed(const char *what, int err, const char *hint)
{
	if (hint)
		fn_warn("%s: %s (%s)", what, strerror(err), hint);
	else
		fn_warn("%s: %s", what, strerror(err));
	return FN_EXIT_OWN;
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
	const char *what = NULL, *hint = NULL;
	int err;

	if ((err = fn_userns_enter(&what, &hint)))
		return geteuid() == 0
			   ? setup_failed("cannot create a mount namespace", EPERM, HINT_CAPS)
			   : setup_failed(what, -err, hint);
	if (unshare(CLONE_NEWNS) < 0)
		return setup_failed("cannot create a mount namespace", errno, HINT_CAPS);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return setup_failed("making / private", errno, NULL);
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
	if (err == -EPERM && geteuid() == 0) {
		if ((status = enter_own_namespaces()) >= 0)
			return status;
		err = fn_fakefs_mount(r->fs, &what);
	}
	if (err)
		return setup_failed(what, -err, fuse_hint(-err));
	return -1;
}

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

/* Relays signals to the init until it exits; returns its wait status. */
static int wait_init(pid_t init)
{
	sigset_t set;
	int status = 0;

	forwarded_set(&set);
	for (;;) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD) {
			if (waitpid(init, &status, WNOHANG) == init)
				return status;
			continue;
		}
		/* Terminal signals already reached the whole process group. */
		if (si.si_code != SI_KERNEL)
			kill(init, si.si_signo);
	}
}

/* The run's outcome: a report from inside wins over the init's status. */
static int outcome(int report_fd, int status)
{
	struct fn_report rep;

	if (read(report_fd, &rep, sizeof(rep)) == (ssize_t)sizeof(rep)) {
		rep.what[sizeof(rep.what) - 1] = rep.hint[sizeof(rep.hint) - 1] = '\0';
		if (rep.stage == FN_REPORT_EXEC) {
			fn_warn("%s: %s", rep.what, strerror(rep.err));
			return rep.err == ENOENT || rep.err == ENOTDIR ? FN_EXIT_NOTFOUND
								       : FN_EXIT_NOEXEC;
		}
		return setup_failed(rep.what, rep.err, rep.hint[0] ? rep.hint : NULL);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int spawn_init(struct run *r, int report[2])
{
	pid_t init;

	int own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);

	r->plan.runner_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	/* Threads cannot be created once the pid namespace for children differs, so this comes
	 * after the FUSE thread has started. */
	if (unshare(CLONE_NEWPID) < 0)
		return setup_failed("cannot create a pid namespace", errno,
				    errno == EPERM ? HINT_CAPS : NULL);
	init = fork();
	if (init < 0)
		return setup_failed("fork", errno, NULL);
	if (init > 0 && r->plan.isolated && r->plan.connlog_fd >= 0)
		fn_connlog_set_init(init);
	/* Back to our own pid namespace for later children: once the init is gone, its namespace
	 * takes no new processes, and sanitizers fork at exit. */
	if (init > 0 && own_pidns >= 0)
		setns(own_pidns, CLONE_NEWPID);
	if (own_pidns >= 0)
		close(own_pidns);
	if (init == 0) {
		close(report[0]);
		r->plan.report_fd = report[1];
		fn_init_main(&r->plan);
	}
	close(report[1]);
	if (r->plan.runner_pidfd >= 0)
		close(r->plan.runner_pidfd);
	return outcome(report[0], wait_init(init));
}

/* The namespace is built while the runner has no thread, then joined by the init. */
static int start_isolated(struct run *r)
{
	char what[160];
	int err;

	r->net.log_fd = r->log_fd;
	err = fn_net_isolate(&r->net, r->id, what, sizeof(what));
	if (err)
		return setup_failed(what, -err, NULL);
	r->plan.isolated = true;
	r->plan.netns_fd = r->net.target_fd;
	r->plan.connlog_fd = r->net.connlog_sock[1];
	return -1;
}

/* The staging tmpfs: made once the runner may mount (after enter_namespaces). The shims, bound
 * from it, may see the view's hidden nodes. */
static int build_staging(struct run *r)
{
	const char **covered = xcalloc(r->n_binds + 1, sizeof(*covered));
	const char *what = NULL;
	int err;

	for (size_t i = 0; i < r->n_binds; i++)
		covered[i] = r->binds[i].target;
	err = fn_staging_build(&r->staging, r->shim_path, covered, r->n_binds, r->staged,
			       r->n_staged, &what);
	free(covered);
	if (err)
		return setup_failed(what, -err, NULL);
	if (r->staging.shim_ino)
		fn_fakefs_allow_exe(r->fs, r->staging.shim_dev, r->staging.shim_ino);
	r->plan.staging_fd = r->staging.mnt_fd;
	r->plan.init_fd = r->staging.init_fd;
	return -1;
}

/* The shims the view itself serves in /usr/local/sbin run as files of the FUSE mount. Its device
 * is known once the server answers. */
static void allow_added_tools(struct run *r)
{
	struct stat st;

	if (!r->n_added_tools || fstat(fn_fakefs_mount_fd(r->fs), &st) < 0)
		return;
	for (size_t i = 0; i < r->n_added_tools; i++)
		fn_fakefs_allow_exe(r->fs, st.st_dev, r->added_tools[i]->ino);
}

/* The shims' event channel, served by a thread started before the pid namespace changes. */
static int start_audit(struct run *r)
{
	const char *what = NULL;
	int err = fn_auditsock_open(&r->audit, r->log_fd, &what);

	if (!err)
		err = fn_auditsock_start(&r->audit);
	if (err)
		return setup_failed(what ? what : "starting the audit thread", -err, NULL);
	r->plan.log_sock_tree = r->audit.tree_fd;
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->audit.listen_fd;
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->audit.wake[0];
	r->plan.runner_fds[r->plan.n_runner_fds++] = r->audit.wake[1];
	return -1;
}

static int run_target(struct run *r)
{
	char what[160];
	int report[2], status;
	sigset_t set;

	/* Blocked before the FUSE thread exists, so it inherits the mask and only the main thread
	 * ever takes these signals. */
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (r->opts.isolated && (status = start_isolated(r)) >= 0)
		return status;
	if ((status = build_staging(r)) >= 0)
		return status;
	status = fn_fakefs_start(r->fs);
	if (status)
		return setup_failed("starting the FUSE thread", -status, NULL);
	allow_added_tools(r);
	if (r->plan.log_mask && (status = start_audit(r)) >= 0)
		return status;
	if (r->opts.isolated && (status = fn_net_serve(&r->net, r->id, what, sizeof(what))))
		return setup_failed(what, -status, NULL);
	if (pipe2(report, O_CLOEXEC | O_NONBLOCK) < 0)
		return setup_failed("pipe", errno, NULL);
	r->plan.mnt_fd = fn_fakefs_mount_fd(r->fs);
	r->plan.dev_fd = fn_fakefs_dev_fd(r->fs);
	if (r->log_fd >= 0)
		r->plan.runner_fds[r->plan.n_runner_fds++] = r->log_fd;
	status = spawn_init(r, report);
	close(report[0]);
	/* Every sender is gone with the init: write what they queued. */
	fn_auditsock_stop(&r->audit);
	return status;
}

static void release(struct run *r)
{
	fn_auditsock_stop(&r->audit);
	fn_net_release(&r->net);
	fn_fakefs_free(r->fs);
	fn_staging_release(&r->staging);
	free(r->plan.init_argv);
	free(r->added_tools);
	free(r->staged);
	free(r->real_paths);
	for (size_t i = 0; i < r->n_device_roots; i++)
		free(r->device_roots[i]);
	free(r->device_roots);
	fn_vfs_free(r->vfs);
	fn_identity_free(r->id);
	free(r->identity_text);
	free(r->shim_path);
	free(r->path_env);
	if (r->log_fd >= 0)
		close(r->log_fd);
	free(r->log_path);
	for (size_t i = 0; i < r->n_binds; i++)
		free((char *)r->binds[i].target);
	free(r->binds);
	free(r->real_tools);
}

int fn_cmd_run(int argc, char **argv)
{
	struct run r = {.log_fd = -1,
			.staging = {.mnt_fd = -1, .init_fd = -1},
			.plan = {.staging_fd = -1, .init_fd = -1}};
	int status;

	fn_auditsock_init(&r.audit);
	r.plan.log_sock_tree = -1;

	status = fn_backend_dispatch(&argc, argv);
	if (status < 0)
		status = parse_args(&r, argc, argv);
	if (status < 0)
		status = prepare(&r);
	if (status < 0)
		status = enter_namespaces(&r);
	if (status < 0)
		status = run_target(&r);
	release(&r);
	return status;
}
