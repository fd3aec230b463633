/* What the preload backend adds to the environment, LD_PRELOAD with this library,
 * FAKENET_IDENTITY, FAKENET_SHIMS and (from a directory only the view has) FAKENET_CWD, is taken
 * out of the target's sight at load: out of `environ` (getenv, env, os.environ) and out of the
 * kernel's copy that /proc/PID/environ shows, where the runner placed them last so that zeroing
 * them leaves the other variables where they were. Every exec and spawn puts them back into the
 * child's environment only, so the whole process tree keeps the library, and sends a covered tool
 * (route, or a shell's /usr/sbin/route) to the shim in FAKENET_SHIMS, so PATH stays the caller's.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "early.h"
#include "exec_target.h"
#include "preload.h"
#include "shim_tools.h"

#define MAX_EXEC_ARGS 4096

extern char **environ;

static char *own_preload;  /* "LD_PRELOAD=..." as the runner set it */
static char *own_identity; /* "FAKENET_IDENTITY=..." as the runner set it; NULL: none */
static char *own_shims;	   /* "FAKENET_SHIMS=..." as the runner set it; NULL: none */
static char *own_cwd;	   /* "FAKENET_CWD=..." as the parent set it (cwd.c); NULL: none */

const char *fn_preload_inherited_cwd(void)
{
	return own_cwd ? strchr(own_cwd, '=') + 1 : NULL;
}

const char *fn_preload_identity_path(void)
{
	return own_identity ? strchr(own_identity, '=') + 1 : NULL;
}

/* The kernel's copy of the environment: [start, end) of the process's memory. */
static bool environ_block(unsigned long *start, unsigned long *end)
{
	char buf[4096];
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	char *p;
	int field = 2;

	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p)
		return false;
	/* env_start and env_end are fields 50 and 51. */
	for (p++; *p && field < 50; p++)
		field += *p == ' ';
	return sscanf(p, "%lu %lu", start, end) == 2 && *start < *end;
}

/* Takes NAME=... out of `environ`, keeps a copy and zeroes the kernel's bytes of it. */
static char *take(const char *name, unsigned long start, unsigned long end)
{
	size_t len = strlen(name);
	char *copy = NULL;

	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, name, len) != 0 || (*e)[len] != '=')
			continue;
		copy = strdup(*e);
		if ((unsigned long)*e >= start && (unsigned long)*e < end)
			memset(*e, 0, strnlen(*e, end - (unsigned long)*e));
		break;
	}
	if (copy)
		unsetenv(name);
	return copy;
}

/* NAME=... as it stands in `environ`, copied; NULL when unset. */
static char *keep(const char *name)
{
	size_t len = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return strdup(*e);
	return NULL;
}

/* fakenet's own shim finds the identity by FAKENET_IDENTITY. It is static as shipped, so the
 * library never loads into it; a dynamic one (a sanitizer build, `make SHIM_STATIC=`) must see
 * the variable as the static one does, or it shows the built-in identity instead of the run's. */
static bool is_own_shim(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *base;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	base = strrchr(exe, '/');
	return strcmp(base ? base + 1 : exe, "fakenet-shim") == 0;
}

/* Only a library loaded by LD_PRELOAD hides: a stamped copy (--net host) was never named in the
 * environment. The caller's own LD_PRELOAD entries, after this library's, stay the caller's. */
__attribute__((constructor(101))) static void hide_environment(void)
{
	const char *ld = getenv("LD_PRELOAD");
	unsigned long start = 0, end = 0;
	Dl_info self;
	char *rest;

	if (!ld || !dladdr((void *)hide_environment, &self) || !self.dli_fname ||
	    !strstr(ld, self.dli_fname))
		return;
	if (is_own_shim()) {
		own_shims = keep("FAKENET_SHIMS");
		own_identity = keep("FAKENET_IDENTITY");
		own_preload = keep("LD_PRELOAD");
		return;
	}
	environ_block(&start, &end);
	own_cwd = take("FAKENET_CWD", start, end);
	own_shims = take("FAKENET_SHIMS", start, end);
	own_identity = take("FAKENET_IDENTITY", start, end);
	own_preload = take("LD_PRELOAD", start, end);
	if (!own_preload)
		return;
	rest = strstr(own_preload, self.dli_fname) + strlen(self.dli_fname);
	rest += strspn(rest, ": ");
	if (*rest)
		setenv("LD_PRELOAD", rest, 1);
}

/* How many entries a copy of an environment may have on the stack (512 KB): a vfork child
 * (Python's subprocess) must not allocate in its parent's heap, where nothing would free it. Past
 * that (an environment larger than most kernels' ARG_MAX admits), the heap; a vfork child passes
 * its environment as it is. */
#define STACK_ENV_MAX 65536

static size_t env_count(char *const envp[])
{
	size_t n = 0;

	while (envp && envp[n])
		n++;
	return n;
}

/* The entries a copy of an environment of `n` needs on the stack: its own and the library's four
 * and the end; one (unused) where the copy goes to the heap. */
#define STACK_ENV_SIZE(n) ((n) + 5 <= STACK_ENV_MAX ? (n) + 5 : 1)

/* `envp` (`n` entries) with the library's variables (again) at its end: theirs first, then ours;
 * FAKENET_CWD only for a program that loads the library and takes it out of sight
 * (exec_target.c). A program run with raised privileges, or one of another machine (whose loader
 * would complain of the library on stderr), gets `envp` as it is. The copy goes in `stack`
 * (STACK_ENV_SIZE(n) entries) where it fits, else on the heap. */
static char **with_own(char *const envp[], size_t n, enum fn_exec_target target, char **stack)
{
	static __thread char cwd[PATH_MAX + 16];
	const char *here;
	size_t k = 0;
	char **v = stack;

	if (target == FN_EXEC_SECURE || target == FN_EXEC_FOREIGN)
		return (char **)envp;
	here = target == FN_EXEC_LOADS ? fn_view_cwd_env(cwd, sizeof(cwd)) : NULL;
	if (STACK_ENV_SIZE(n) < n + 5 &&
	    (fn_view_cwd_borrowed() || !(v = malloc((n + 5) * sizeof(*v)))))
		return (char **)envp;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], "LD_PRELOAD=", 11) != 0 &&
		    strncmp(envp[i], "FAKENET_IDENTITY=", 17) != 0 &&
		    strncmp(envp[i], "FAKENET_SHIMS=", 14) != 0 &&
		    strncmp(envp[i], "FAKENET_CWD=", 12) != 0)
			v[k++] = envp[i];
	if (here)
		v[k++] = (char *)here;
	if (own_shims)
		v[k++] = own_shims;
	if (own_identity)
		v[k++] = own_identity;
	v[k++] = own_preload;
	v[k] = NULL;
	return v;
}

static void release(char **v, char *const envp[], char **stack)
{
	if (v != (char **)envp && v != stack)
		free(v);
}

/* Calls the real `fn` with the arguments, in which `env_` stands for `envp` with the library's
 * variables added for the program `target` says (envp itself before the library saw any). */
#define CALL_WITH_OWN(type, fn, envp, target, ...)                                                 \
	({                                                                                         \
		size_t n_ = env_count(envp);                                                       \
		char *stack_[STACK_ENV_SIZE(n_)];                                                  \
		char **env_ = own_preload ? with_own(envp, n_, target, stack_) : (char **)(envp);  \
		struct fn_cwd_loan loan_;                                                          \
		bool lent_ = fn_view_cwd_release(&loan_);                                          \
		type r_ = FN_EARLY(fn)(__VA_ARGS__);                                               \
		int err_ = errno;                                                                  \
		if (lent_)                                                                         \
			fn_view_cwd_return(&loan_);                                                \
		errno = err_;                                                                      \
		release(env_, envp, stack_);                                                       \
		r_;                                                                                \
	})

/* libc's calls for the exec-target rule, never the library's own wrappers (early.h). */
#define EXEC_CALLS                                                                                 \
	{                                                                                          \
		.openat = FN_EARLY(openat), .close = FN_EARLY(close), .fstat = FN_EARLY(fstat),    \
		.fstatat = FN_EARLY(fstatat), .fstatfs = FN_EARLY(fstatfs),                        \
		.faccessat = FN_EARLY(faccessat), .getxattr = FN_EARLY(getxattr),                  \
	}

/* What the program started for `path` does with the library; asked only where the library has
 * variables to hand on. */
static enum fn_exec_target exec_target(int dirfd, const char *path, bool empty)
{
	const struct fn_exec_calls c = EXEC_CALLS;

	return own_preload ? fn_exec_target_at(&c, dirfd, path, empty) : FN_EXEC_PLAIN;
}

static enum fn_exec_target exec_target_search(const char *file)
{
	const struct fn_exec_calls c = EXEC_CALLS;

	return own_preload ? fn_exec_target_search(&c, file, getenv("PATH")) : FN_EXEC_PLAIN;
}

/* The shell system and popen run (glibc's _PATH_BSHELL). */
#define SHELL_PATH "/bin/sh"

/* Where an exec of `file` goes: the shim, for a tool it covers (fn_shim_redirect), else `file`.
 */
static const char *exec_file(const char *file, bool search, char *buf, size_t size)
{
	const char *shim;

	if (!own_shims || !file)
		return file;
	shim =
	    fn_shim_redirect(strchr(own_shims, '=') + 1, file, search, getenv("PATH"), buf, size);
	return shim ? shim : file;
}

/* The directory where the FUSE backend adds the tools the machine lacks (runner/cmd_run.c). */
#define MISSING_TOOL_DIR "/usr/local/sbin/"

/* Whether a directory of the standard PATH has the tool. */
static bool tool_installed(const char *tool)
{
	char path[PATH_MAX];
	const char *d = FN_DEFAULT_PATH;

	while (*d) {
		size_t n = strcspn(d, ":");
		struct stat st;

		snprintf(path, sizeof(path), "%.*s/%s", (int)n, d, tool);
		if (FN_REAL(fstatat)(AT_FDCWD, path, &st, 0) == 0)
			return true;
		d += n + (d[n] == ':');
	}
	return false;
}

FN_HOT bool fn_preload_may_be_missing_tool(const char *path)
{
	return own_shims && strncmp(path, MISSING_TOOL_DIR, strlen(MISSING_TOOL_DIR)) == 0;
}

const char *fn_preload_missing_tool(const char *path, char *buf, size_t size)
{
	const char *tool = path + strlen(MISSING_TOOL_DIR);
	int n;

	if (!own_shims || strncmp(path, MISSING_TOOL_DIR, strlen(MISSING_TOOL_DIR)) != 0 ||
	    !fn_shim_tool_known(tool) || tool_installed(tool))
		return NULL;
	n = snprintf(buf, size, "%s/%s", strchr(own_shims, '=') + 1, tool);
	return n > 0 && (size_t)n < size ? buf : NULL;
}

FN_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	char shim[PATH_MAX];

	path = exec_file(path, false, shim, sizeof(shim));
	return CALL_WITH_OWN(int, execve, envp, exec_target(AT_FDCWD, path, false), path, argv,
			     env_);
}

FN_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	char shim[PATH_MAX];

	file = exec_file(file, true, shim, sizeof(shim));
	return CALL_WITH_OWN(int, execvpe, envp, exec_target_search(file), file, argv, env_);
}

FN_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
		       int flags)
{
	char shim[PATH_MAX];

	if (path[0] == '/' || dirfd == AT_FDCWD)
		path = exec_file(path, false, shim, sizeof(shim));
	return CALL_WITH_OWN(int, execveat, envp, exec_target(dirfd, path, flags & AT_EMPTY_PATH),
			     dirfd, path, argv, env_, flags);
}

FN_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	return CALL_WITH_OWN(int, fexecve, envp, exec_target(fd, "", true), fd, argv, env_);
}

FN_EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

FN_EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* The variadic forms: the arguments up to NULL (and, for execle, the environment after it). */
static int gather(const char *first, va_list ap, char **argv)
{
	int n = 0;

	argv[n++] = (char *)first;
	while (argv[n - 1] && n < MAX_EXEC_ARGS)
		argv[n++] = va_arg(ap, char *);
	return argv[n - 1] ? -1 : 0;
}

enum exec_form { EXEC_PATH, EXEC_SEARCH, EXEC_ENV };

/* execl, execlp and execle: the list gathered, then the array form of the same call. */
static int exec_list(enum exec_form form, const char *file, const char *arg, va_list ap)
{
	char *argv[MAX_EXEC_ARGS];
	char *const *envp = environ;

	if (gather(arg, ap, argv) < 0) {
		errno = E2BIG;
		return -1;
	}
	if (form == EXEC_ENV)
		envp = va_arg(ap, char *const *);
	return form == EXEC_SEARCH ? execvpe(file, argv, envp) : execve(file, argv, envp);
}

FN_EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(EXEC_PATH, path, arg, ap);
	va_end(ap);
	return r;
}

FN_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(EXEC_SEARCH, file, arg, ap);
	va_end(ap);
	return r;
}

FN_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(EXEC_ENV, path, arg, ap);
	va_end(ap);
	return r;
}

FN_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
			  const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	char shim[PATH_MAX];

	path = exec_file(path, false, shim, sizeof(shim));
	return CALL_WITH_OWN(int, posix_spawn, envp, exec_target(AT_FDCWD, path, false), pid, path,
			     fa, attr, argv, env_);
}

FN_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			   const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	char shim[PATH_MAX];

	file = exec_file(file, true, shim, sizeof(shim));
	return CALL_WITH_OWN(int, posix_spawnp, envp, exec_target_search(file), pid, file, fa, attr,
			     argv, env_);
}

/* system and popen spawn with `environ` inside libc: it holds the variables for the call. Not
 * thread-safe against a concurrent setenv, as neither is setenv itself. */
FN_EXPORT int system(const char *command)
{
	char **saved = environ, **v;
	size_t n = env_count(saved);
	char *stack[STACK_ENV_SIZE(n)];
	int r;

	if (!own_preload || !command)
		return FN_REAL(system)(command);
	v = with_own(saved, n, exec_target(AT_FDCWD, SHELL_PATH, false), stack);
	environ = v;
	r = FN_REAL(system)(command);
	environ = saved;
	release(v, saved, stack);
	return r;
}

FN_EXPORT FILE *popen(const char *command, const char *mode)
{
	char **saved = environ, **v;
	size_t n = env_count(saved);
	char *stack[STACK_ENV_SIZE(n)];
	FILE *f;

	if (!own_preload)
		return FN_REAL(popen)(command, mode);
	v = with_own(saved, n, exec_target(AT_FDCWD, SHELL_PATH, false), stack);
	environ = v;
	f = FN_REAL(popen)(command, mode);
	environ = saved;
	release(v, saved, stack);
	return f;
}
