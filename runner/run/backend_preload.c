/* The preload backend of `fakenet run`: no namespace and no mount, just the target exec'd with
 * the preload library, the identity and the shims' directory, to which the library sends every
 * exec of a covered tool (PATH stays the caller's). `--backend auto`, the default,
 * picks it when what the FUSE backend needs cannot be set up, and says why. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "exec_target.h"
#include "shim_tools.h"
#include "util.h"

enum backend { BACKEND_AUTO, BACKEND_FUSE, BACKEND_PRELOAD };

/* Options of run that take an argument, so the scan skips their values. */
static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {
	    "--identity",   "--net",	 "--log", "--shims", "--backend", "--allow",
	    "--allow-host", "--publish", "-i",	  "-n",	     "-l",	  "-s"};

	for (size_t i = 0; i < N_ELEMENTS(with_value); i++)
		if (strcmp(opt, with_value[i]) == 0)
			return true;
	return false;
}

static int parse_backend(const char *v, enum backend *out)
{
	if (strcmp(v, "auto") == 0)
		*out = BACKEND_AUTO;
	else if (strcmp(v, "fuse") == 0)
		*out = BACKEND_FUSE;
	else if (strcmp(v, "preload") == 0)
		*out = BACKEND_PRELOAD;
	else
		return -1;
	return 0;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
		i += takes_value(argv[i]);
	}
	return false;
}

/* Removes --backend VALUE / --backend=VALUE from the options (not from COMMAND's arguments). */
static int take_option(int *argc, char **argv, enum backend *out)
{
	for (int i = 1; i < *argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		const char *value = NULL;
		int drop = 0;

		if (strncmp(argv[i], "--backend=", 10) == 0) {
			value = argv[i] + 10;
			drop = 1;
		} else if (strcmp(argv[i], "--backend") == 0 && i + 1 < *argc) {
			value = argv[i + 1];
			drop = 2;
		} else if (strcmp(argv[i], "--backend") == 0) {
			return -1;
		} else {
			i += takes_value(argv[i]);
			continue;
		}
		if (parse_backend(value, out) < 0)
			return -1;
		memmove(&argv[i], &argv[i + drop], (size_t)(*argc - i - drop + 1) * sizeof(*argv));
		*argc -= drop;
		i--;
	}
	return 0;
}

/* What the FUSE backend needs, tried in a child that then exits: a mount namespace (through a
 * user namespace where needed), a private /, /dev/fuse, and the mount API it mounts with (absent
 * before Linux 5.2 and in syscall emulators such as qemu-user). */
static void probe_child(int fd)
{
	const char *what = "/dev/fuse";
	int err = 0, fs;

	if (geteuid() != 0 ? unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0
			   : unshare(CLONE_NEWNS) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		what = "cannot create a mount namespace", err = errno;
	else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		what = "cannot make / private", err = errno;
	else if (open("/dev/fuse", O_RDWR | O_CLOEXEC) < 0)
		what = "cannot open /dev/fuse", err = errno;
	else if ((fs = fsopen("fuse", FSOPEN_CLOEXEC)) < 0)
		what = "cannot use fsopen", err = errno;
	dprintf(fd, "%d %s", err, what);
	_exit(0);
}

/* The common case needs no child: CAP_SYS_ADMIN, no seccomp filter that could refuse unshare or
 * mount, /dev/fuse open and the mount API there. Anything else (a filter, a user namespace to
 * make, an emulator) is tried for real in the child. */
static bool fuse_surely_usable(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	int fd;

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		return false;
	if (syscall(SYS_capget, &hdr, data) < 0 ||
	    !(data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))))
		return false;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	fd = fsopen("fuse", FSOPEN_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool fuse_usable(char *why, size_t len)
{
	int p[2], status, err = EIO;
	char buf[160] = "";
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return true;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		probe_child(p[1]);
	}
	close(p[1]);
	n = pid > 0 ? read(p[0], buf, sizeof(buf) - 1) : -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (n <= 0)
		return true; /* no answer: let the FUSE backend say what is wrong */
	buf[n] = '\0';
	err = atoi(buf);
	snprintf(why, len, "%s: %s", strchr(buf, ' ') ? strchr(buf, ' ') + 1 : buf, strerror(err));
	return err == 0;
}

static void prepend_env(const char *name, const char *value, const char *sep, const char *fallback)
{
	const char *old = getenv(name);
	char *v;

	if (!old || !*old)
		old = fallback;
	v = old ? xasprintf("%s%s%s", value, sep, old) : xstrdup(value);
	setenv(name, v, 1);
	free(v);
}

/* The variables the library reads, moved to the end of the target's environment. */
static const char *const moved_last[] = {"FAKENET_SHIMS", "FAKENET_IDENTITY", "LD_PRELOAD"};

static bool is_moved(const char *entry)
{
	for (size_t i = 0; i < N_ELEMENTS(moved_last); i++) {
		size_t len = strlen(moved_last[i]);

		if (strncmp(entry, moved_last[i], len) == 0 && entry[len] == '=')
			return true;
	}
	return false;
}

/* The environment for the target: the caller's, with FAKENET_SHIMS, FAKENET_IDENTITY and
 * LD_PRELOAD moved to its end, where the library, having read them, zeroes them in the kernel's
 * copy without moving any other variable (preload/environ.c). */
static char **target_environment(void)
{
	size_t n = 0, k = 0;
	char **v;

	while (environ[n])
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	/* As the FUSE backend's pid 1 (run/init.c): no other FAKENET* variable, and no "_" (the
	 * path of fakenet, which the shell that started it set). */
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "FAKENET", 7) != 0 && strncmp(environ[i], "_=", 2) != 0 &&
		    !is_moved(environ[i]))
			v[k++] = environ[i];
	for (size_t i = 0; i < N_ELEMENTS(moved_last); i++) {
		const char *value = getenv(moved_last[i]);

		if (value)
			v[k++] = xasprintf("%s=%s", moved_last[i], value);
	}
	return v;
}

/* What target_environment() allocated: the vector and the moved entries at its end, its own
 * strings (the caller's entries before them are environ's). */
static void free_target_environment(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	for (size_t i = n; i-- > 0 && is_moved(v[i]);)
		free(v[i]);
	free(v);
}

struct preload_opts {
	const char *identity, *shims;
	char **argv;
};

static int parse_run_options(int argc, char **argv, struct preload_opts *o)
{
	static const struct option opts[] = {{"identity", required_argument, NULL, 'i'},
					     {"net", required_argument, NULL, 'n'},
					     {"log", required_argument, NULL, 'l'},
					     {"shims", required_argument, NULL, 's'},
					     {"allow", required_argument, NULL, 'a'},
					     {"allow-host", required_argument, NULL, 'a'},
					     {"publish", required_argument, NULL, 'a'},
					     {0}};
	int c;

	o->shims = "all";
	optind = 1;
	while ((c = getopt_long(argc, argv, "+i:n:l:s:", opts, NULL)) != -1) {
		if (c == 'i')
			o->identity = optarg;
		else if (c == 's')
			o->shims = optarg;
		else if (c == 'l')
			fn_warn("run: --log is not available with the preload backend; ignored");
		else if ((c == 'n' && strcmp(optarg, "host") != 0) || c == 'a') {
			/* The network modes build namespaces, which this backend has none of. */
			fn_warn("run: --net, --allow, --allow-host and --publish need the FUSE "
				"backend (--backend fuse)");
			return -2;
		} else if (c == '?')
			return -1;
	}
	if (optind >= argc)
		return -1;
	o->argv = argv + optind;
	return 0;
}

/* Everything is checked before the exec, so a bad identity fails here and not in the target. */
/* The shims' directory next to fakenet, for --shims other than none; NULL without. */
static char *shims_directory(const char *wanted)
{
	char *shims;

	if (strcmp(wanted, "none") == 0)
		return NULL;
	if (strcmp(wanted, "all") != 0)
		fn_warn("run: the preload backend covers every tool, not only '%s'", wanted);
	shims = fn_shipped_locate("shims", F_OK);
	if (!shims)
		fn_warn("warning: the shims directory was not found next to fakenet; "
			"running without shims");
	return shims;
}

/* The library's variables, for a target that is to get them: the identity, the library ahead of
 * the caller's own LD_PRELOAD, the shims. */
static void hand_on(const char *identity, const char *lib, const char *shims)
{
	char *ident;

	if (identity) {
		ident = realpath(identity, NULL);
		setenv("FAKENET_IDENTITY", ident ? ident : identity, 1);
		free(ident);
	}
	prepend_env("LD_PRELOAD", lib, ":", NULL);
	if (shims)
		setenv("FAKENET_SHIMS", shims, 1);
}

static int run_preload(int argc, char **argv)
{
	struct preload_opts o = {0};
	struct fn_identity *id;
	char *lib, *shims, shim[PATH_MAX], **env;
	const char *file;
	enum fn_exec_target target;
	int err;

	switch (parse_run_options(argc, argv, &o)) {
	case -2:
		return FN_EXIT_OWN;
	case -1:
		fn_warn("run: bad option or no COMMAND; try 'fakenet run --help'");
		return FN_EXIT_OWN;
	}
	id = fn_identity_lookup(o.identity, NULL, NULL);
	if (!id)
		return FN_EXIT_OWN;
	fn_identity_free(id);
	lib = fn_shipped_locate("libfakenet-preload.so", F_OK);
	if (!lib) {
		fn_warn("run: libfakenet-preload.so not found next to fakenet");
		return FN_EXIT_OWN;
	}
	shims = shims_directory(o.shims);
	/* The command itself may be a covered tool: the library is not loaded here yet. */
	file = fn_shim_redirect(shims, o.argv[0], true, getenv("PATH"), shim, sizeof(shim));
	/* The first exec follows the library's rule for every later one: a program run with raised
	 * privileges or of another machine gets none of the library's variables. */
	target = fn_exec_target_search(&fn_exec_libc, file ? file : o.argv[0], getenv("PATH"));
	unsetenv("FAKENET_SHIMS");
	if (target == FN_EXEC_SECURE || target == FN_EXEC_FOREIGN)
		unsetenv("FAKENET_IDENTITY");
	else
		hand_on(o.identity, lib, shims);
	free(lib);
	free(shims);
	env = target_environment();
	execvpe(file ? file : o.argv[0], o.argv, env);
	err = errno;
	free_target_environment(env);
	errno = err;
	fn_warn_errno("%s", o.argv[0]);
	return fn_exec_status(err);
}

bool fn_backend_fuse_surely_usable(void)
{
	return fuse_surely_usable();
}

bool fn_backend_is_preload(const char *backend)
{
	char why[256];

	if (!backend || strcmp(backend, "auto") == 0)
		return !fuse_surely_usable() && !fuse_usable(why, sizeof(why));
	return strcmp(backend, "preload") == 0;
}

int fn_backend_dispatch(int *argc, char **argv)
{
	/* auto is the default, so a plain `fakenet run` works in a sandbox without namespaces;
	 * --backend fuse insists, and a missing capability is then an error that names its fix. */
	enum backend b = BACKEND_AUTO;
	char why[256];

	if (take_option(argc, argv, &b) < 0) {
		fn_warn("run: --backend must be auto, fuse or preload");
		return FN_EXIT_OWN;
	}
	if (b == BACKEND_FUSE || wants_help(*argc, argv))
		return -1;
	if (b == BACKEND_AUTO) {
		if (fuse_surely_usable() || fuse_usable(why, sizeof(why)))
			return -1;
		fn_warn("using the preload backend (%s)", why);
	}
	return run_preload(*argc, argv);
}
