/* `fakenet oci-hook`: the OCI runtime hook (createRuntime and poststop, told apart by the state's
 * status) and `--hooks-json`, the hooks.d file that has Podman and CRI-O run it for containers
 * with the io.fakenet.identity annotation; io.fakenet.net chooses the container's network.
 * Everything that can fail because of the annotations or the identity fails before the server
 * starts, so a bad annotation leaves nothing behind. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakefs.h"
#include "cli.h"
#include "diag.h"
#include "identity_parse.h"
#include "jsonl.h"
#include "netmode.h"
#include "oci.h"
#include "plan.h"
#include "shim_tools.h"
#include "util.h"
#include "vfs_build.h"

#define IDENTITY_MAX (1u << 20)

/* One container's hook run, released in one place. */
struct hook {
	struct fn_oci_container c;
	struct fn_identity *id;
	char *text;
	size_t len;
	struct fn_vfs *vfs;
	struct fn_fakefs *fs;
	struct fn_child_plan plan;
	struct fn_overlay_plan overlays;
	struct fn_tool_plan tools;
	struct fn_staging staging;
	struct fn_oci_net net;
	char *shim_path;
	char *bin_dir; /* the image's PATH directory where the tools it lacks appear */
	char *bin_src; /* the server's name of it */
	int fds[FN_MAX_SHIM_TOOLS + 1]; /* the image's files the server reads, opened in its root */
	size_t n_fds;
};

static void usage(FILE *out)
{
	fputs("usage: fakenet oci-hook               (run by the container runtime)\n"
	      "       fakenet oci-hook --hooks-json [--path FILE]\n"
	      "The OCI hook that gives a container the identity its annotation\n"
	      "io.fakenet.identity=FILE names (a host path, or a shipped identity: docker,\n"
	      "desktop, multi-nic). Register it for the createRuntime and poststop stages; it\n"
	      "reads the container's state on stdin. A container without the annotation is\n"
	      "left alone. io.fakenet.net=isolated|nat|host|auto chooses its network (default:\n"
	      "the identity's network:); under isolated and nat its own network namespace\n"
	      "holds the identity.\n"
	      "  --hooks-json  print the hooks.d file (schema 1.0.0) for Podman and CRI-O\n"
	      "  --path FILE   the fakenet that file runs (default: this one)\n",
	      out);
}

static int print_hooks_json(const char *path)
{
	char self[PATH_MAX];
	ssize_t n;

	if (!path) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0) {
			fn_warn_errno("oci-hook: cannot tell where this fakenet is");
			return FN_EXIT_OWN;
		}
		self[n] = '\0';
		path = self;
	}
	fputs("{\n  \"version\": \"1.0.0\",\n  \"hook\": {\n    \"path\": ", stdout);
	fn_json_fput_string(stdout, path);
	fputs(",\n    \"args\": [\"fakenet\", \"oci-hook\"]\n  },\n"
	      "  \"when\": {\n    \"annotations\": {\n"
	      "      \"^io\\\\.fakenet\\\\.identity$\": \".+\"\n    }\n  },\n"
	      "  \"stages\": [\"createRuntime\", \"poststop\"]\n}\n",
	      stdout);
	return ferror(stdout) ? FN_EXIT_OWN : 0;
}

/* Messages about an annotation name where it is: the value's place in config.json. */
static void annotation_error(const struct hook *h, const struct fn_oci_annotation *a,
			     const char *name, const char *fmt, const char *arg)
{
	fprintf(stderr, "fakenet: %s:%d:%d: error: annotation %s: ", h->c.config_path, a->line,
		a->column, name);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

static void identity_error(const struct hook *h, const char *fmt, const char *arg)
{
	annotation_error(h, &h->c.identity, FN_OCI_ANNOTATION, fmt, arg);
}

static int load_from_file(struct hook *h)
{
	const char *value = h->c.identity.value;
	char *path = value[0] == '/' ? xstrdup(value) : xasprintf("%s/%s", h->c.bundle, value);
	struct fn_diags diags;
	int err = fn_read_file(path, &h->text, &h->len, IDENTITY_MAX);

	if (err) {
		char *msg = strchr(value, '/')
				? xasprintf("%s: %s", path, strerror(-err))
				: xasprintf("%s: %s, and no shipped identity "
					    "(docker, desktop, multi-nic) has that name",
					    path, strerror(-err));

		identity_error(h, "%s", msg);
		free(msg);
		free(path);
		return -1;
	}
	fn_diags_init(&diags, path);
	h->id = fn_identity_load_buffer(path, h->text, h->len, &diags);
	if (!h->id) {
		fn_diags_print(&diags, stderr);
		identity_error(h, "%s is not a valid identity", path);
	}
	fn_diags_free(&diags);
	free(path);
	return h->id ? 0 : -1;
}

/* A shipped identity's name (docker, docker.yaml, ...), else a file, relative to the bundle. */
static int load_identity(struct hook *h)
{
	const char *value = h->c.identity.value;
	struct fn_diags diags;
	const char *text = strchr(value, '/') ? NULL : fn_embedded_identity(value, &h->len);

	if (!value[0]) {
		identity_error(h, "%s",
			       "empty: name a file or a shipped identity (docker, desktop, "
			       "multi-nic)");
		return -1;
	}
	if (!text)
		return load_from_file(h);
	h->text = xstrndup(text, h->len);
	fn_diags_init(&diags, value);
	h->id = fn_identity_load_buffer(value, h->text, h->len, &diags);
	if (!h->id)
		fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	return h->id ? 0 : -1;
}

/* The first directory of the standard PATH the image has: absent tools appear there. */
static char *find_bin_dir(void)
{
	char *dirs = xstrdup(FN_DEFAULT_PATH), *save = NULL, *found = NULL;

	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		struct stat st;

		if (stat(d, &st) == 0 && S_ISDIR(st.st_mode))
			found = realpath(d, NULL);
	}
	free(dirs);
	return found;
}

/* The server, in the host's root, reaches a file of the image through a descriptor opened while
 * the hook looks into it, by the name /proc/self/fd/N: no path of the image, and before the shim
 * covers it. NULL where it cannot be opened. */
static char *server_name(struct hook *h, const char *path, int flags)
{
	int fd;

	if (h->n_fds == N_ELEMENTS(h->fds) || (fd = open(path, flags | O_PATH | O_CLOEXEC)) < 0)
		return NULL;
	h->fds[h->n_fds++] = fd;
	return xasprintf("/proc/self/fd/%d", fd);
}

/* The real tools are read by the server from the image's files. */
static int rename_real_tools(struct hook *h)
{
	for (size_t i = 0; i < h->tools.n_real_tools; i++) {
		char *name = server_name(h, h->tools.real_paths[i], 0);

		if (!name) {
			fn_warn_errno("oci-hook: cannot open %s in the container's root",
				      h->tools.real_paths[i]);
			return -1;
		}
		free(h->tools.real_paths[i]);
		h->tools.real_paths[i] = name;
	}
	return 0;
}

/* Looking from inside the image: its tools, the directory for those it lacks. */
static int plan_inside(struct hook *h, const struct stat *shim)
{
	struct fn_tool_where where = {.shim = h->shim_path, .self = shim};

	h->bin_dir = find_bin_dir();
	if (h->bin_dir)
		h->bin_src = server_name(h, h->bin_dir, O_DIRECTORY);
	where.missing_dir = h->bin_dir;
	where.missing_src = h->bin_src;
	fn_plan_select_tools(&h->tools, (char *)"all");
	fn_plan_tool_binds(&h->tools, &h->plan, h->vfs, &where);
	return rename_real_tools(h);
}

/* The tools are planned inside the image as the container will see it: chrooted into the rootfs
 * through the init's root, then back. */
static int plan_tools(struct hook *h)
{
	char *inside = xasprintf("/proc/%d/root%s", (int)h->c.pid, h->c.rootfs);
	int host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), err = 0;
	struct stat shim;

	if (host_root < 0 || stat(h->shim_path, &shim) < 0 || chroot(inside) < 0 ||
	    chdir("/") < 0) {
		fn_warn_errno("oci-hook: cannot look into the container's root %s", h->c.rootfs);
		err = -1;
	} else {
		err = plan_inside(h, &shim);
		if (fchdir(host_root) < 0 || chroot(".") < 0) {
			fn_warn_errno("oci-hook: cannot return to the host's root");
			err = -1;
		}
	}
	if (host_root >= 0)
		close(host_root);
	free(inside);
	return err;
}

/* The shim's copies over the image's tools and the static /etc files, in a staging tmpfs as in
 * `fakenet run`: mountinfo shows tmpfs binds of the covered paths, nothing that names fakenet. */
static int stage(struct hook *h)
{
	struct fn_report rep;

	if (fn_plan_stage(&h->tools, &h->overlays, h->shim_path, &h->staging, h->fs, &rep)) {
		fn_report_print("oci-hook", &rep);
		return -1;
	}
	h->plan.staging_fd = h->staging.mnt_fd;
	return 0;
}

/* Whether the container's namespace of `kind` (net, uts) is its own, not the hook's. */
static bool own_namespace(pid_t pid, const char *kind)
{
	char path[64];
	struct stat mine, its;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, kind);
	if (stat(path, &its) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	return stat(path, &mine) == 0 && (mine.st_ino != its.st_ino || mine.st_dev != its.st_dev);
}

/* io.fakenet.net, else the identity's `network:`, resolved as for `fakenet run`; a container in
 * the host's network namespace keeps the views alone. Returns -1 to go on, or the exit status. */
static int choose_net_mode(struct hook *h, enum fn_net_mode *mode)
{
	const struct fn_oci_annotation *a = &h->c.net;
	char held[160];
	const char *why;

	*mode = h->id->network;
	if (a->value && (!fn_net_mode_parse(a->value, mode) || *mode == FN_NET_FILTERED)) {
		annotation_error(h, a, FN_OCI_NET_ANNOTATION,
				 "'%s' names no mode: isolated, nat, host or auto", a->value);
		return FN_EXIT_OWN;
	}
	if (*mode != FN_NET_HOST && !own_namespace(h->c.pid, "net")) {
		fn_warn("oci-hook: container %s shares the host's network namespace: its "
			"identity is in the views only",
			h->c.id);
		*mode = FN_NET_HOST;
	}
	*mode = fn_net_mode_resolve(*mode, h->id, false);
	if (*mode == FN_NET_NAT && (why = fn_net_egress_missing())) {
		fn_warn("oci-hook: nat cannot run here: %s", why);
		return FN_EXIT_OWN;
	}
	if (*mode != FN_NET_HOST && (why = fn_net_kernel_cannot_hold(h->id, held, sizeof(held)))) {
		fn_warn("oci-hook: %s cannot run this identity: %s; %s=host can",
			fn_net_mode_names[*mode], why, FN_OCI_NET_ANNOTATION);
		return FN_EXIT_OWN;
	}
	return -1;
}

/* Under a kernel mode the server builds the identity in the container's network namespace. */
static void plan_net(struct hook *h, enum fn_net_mode mode, struct fn_oci_place *place)
{
	if (mode == FN_NET_HOST)
		return;
	h->net.id = h->id;
	h->net.net.keep_ports = true;
	if (mode == FN_NET_NAT) {
		h->net.filter.open = true;
		h->net.net.filter = &h->net.filter;
		h->net.net.nat = true;
	}
	place->net = &h->net;
}

static int create_runtime(struct hook *h)
{
	struct fn_fakefs_opts fopts = {.log_fd = -1};
	struct fn_oci_place place = {0};
	enum fn_net_mode mode;
	int status;

	if (load_identity(h))
		return FN_EXIT_OWN;
	if (h->c.pid <= 0 || !h->c.rootfs) {
		fn_warn("oci-hook: the container has no pid or no root yet: register the hook "
			"for createRuntime");
		return FN_EXIT_OWN;
	}
	h->shim_path = fn_shim_locate();
	if (!h->shim_path) {
		fn_warn("oci-hook: fakenet-shim not found next to fakenet");
		return FN_EXIT_OWN;
	}
	if ((status = choose_net_mode(h, &mode)) >= 0)
		return status;
	h->vfs = fn_vfs_build(h->id);
	if (mode != FN_NET_HOST)
		fn_vfs_follow_kernel(h->vfs, h->id);
	h->plan.log_sock_tree = -1; /* no audit log in a container */
	fn_plan_overlays(&h->plan, &h->overlays, h->vfs,
			 &(struct fn_plan_opts){.isolated = mode != FN_NET_HOST,
						.stage_etc = true,
						.create_missing = true});
	if (plan_tools(h))
		return FN_EXIT_OWN;
	fopts.identity_text = h->text;
	fopts.identity_len = h->len;
	fopts.real_tools = h->tools.real_tools;
	fopts.real_paths = (const char *const *)h->tools.real_paths;
	fopts.n_real_tools = h->tools.n_real_tools;
	h->fs = fn_fakefs_new(h->vfs, &fopts);
	if (stage(h))
		return FN_EXIT_OWN;
	place.plan = &h->plan;
	place.tools = &h->tools;
	place.pid = h->c.pid;
	place.rootfs = h->c.rootfs;
	place.hostname = own_namespace(h->c.pid, "uts") ? h->id->hostname : NULL;
	plan_net(h, mode, &place);
	return fn_oci_serve(h->fs, &place, &h->c);
}

static void release(struct hook *h)
{
	fn_fakefs_free(h->fs);
	fn_vfs_free(h->vfs);
	fn_identity_free(h->id);
	free(h->text);
	fn_staging_release(&h->staging);
	for (size_t i = 0; i < h->n_fds; i++)
		close(h->fds[i]);
	free(h->shim_path);
	free(h->bin_dir);
	free(h->bin_src);
	fn_tool_plan_free(&h->tools);
	fn_overlay_plan_free(&h->overlays);
	fn_oci_container_free(&h->c);
}

static int run_hook(void)
{
	struct hook h = {.plan = {.staging_fd = -1, .init_fd = -1},
			 .staging = {.mnt_fd = -1, .init_fd = -1}};
	int status = 0;

	fn_oci_net_init(&h.net);
	if (fn_oci_container_read(0, &h.c))
		return FN_EXIT_OWN;
	if (strcmp(h.c.status, "stopped") == 0)
		status = fn_oci_stop(&h.c);
	else if (h.c.identity.value)
		status = create_runtime(&h);
	release(&h);
	return status;
}

int fn_cmd_oci_hook(int argc, char **argv)
{
	static const struct option opts[] = {{"hooks-json", no_argument, NULL, 'j'},
					     {"path", required_argument, NULL, 'p'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *path = NULL;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return FN_EXIT_USAGE;
		}
	}
	if (optind < argc || (path && !json)) {
		usage(stderr);
		return FN_EXIT_USAGE;
	}
	if (path && path[0] != '/') {
		fn_warn("oci-hook: --path must be absolute");
		return FN_EXIT_USAGE;
	}
	return json ? print_hooks_json(path) : run_hook();
}
