/* Allocation, messages and file reading used across the tree. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char *fn_progname = "fakenet";

static void out_of_memory(void)
{
	static const char msg[] = "fakenet: out of memory\n";

	/* Inside the preload library (no program name) the stderr is the target's: say nothing. */
	if (fn_progname)
		(void)!write(2, msg, sizeof(msg) - 1);
	_exit(FN_EXIT_OWN);
}

int fn_exec_status(int err)
{
	return err == ENOENT || err == ENOTDIR ? FN_EXIT_NOTFOUND : FN_EXIT_NOEXEC;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n ? n : 1, size ? size : 1);

	if (!q)
		out_of_memory();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		out_of_memory();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		out_of_memory();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void vmessage(int err, const char *fmt, va_list ap)
{
	if (!fn_progname)
		return;
	fprintf(stderr, "%s: ", fn_progname);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void fn_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, fmt, ap);
	va_end(ap);
}

void fn_warn_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, fmt, ap);
	va_end(ap);
}

void fn_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void fn_die_errno(int status, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, fmt, ap);
	va_end(ap);
	exit(status);
}

int fn_read_file(const char *path, char **out, size_t *len, size_t max_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, used = 0;
	char *buf;

	if (fd < 0)
		return -errno;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;

		if (used == cap) {
			if (cap >= max_len) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(buf);
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (used > max_len) {
		free(buf);
		return -EFBIG;
	}
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return 0;
}

char *fn_shipped_locate(const char *name, int mode)
{
	static const char *const rel[] = {"", "../libexec/fakenet/"};
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	slash[1] = '\0';
	for (size_t i = 0; i < N_ELEMENTS(rel); i++) {
		char *path = xasprintf("%s%s%s", exe, rel[i], name);
		char *real = realpath(path, NULL);

		free(path);
		if (real && access(real, mode) == 0)
			return real;
		free(real);
	}
	return NULL;
}

double fn_env_seconds_ms(const char *name, double default_ms, const char *cmd)
{
	const char *v = getenv(name);
	char *end;
	double s;

	if (!v || !*v)
		return default_ms;
	s = strtod(v, &end);
	if (*end || !(s > 0 && s <= 86400)) {
		fn_warn("%s%s%s=%s is not a number of seconds; using %g", cmd ? cmd : "",
			cmd ? ": " : "", name, v, default_ms / 1000);
		return default_ms;
	}
	return s * 1000;
}

void fn_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
