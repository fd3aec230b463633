/* Small helpers shared by every part: allocation that dies on failure, and the one error style. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses: the chroot/env/docker convention for `run` and the shims, usage errors of every
 * command. */
enum {
	FN_EXIT_USAGE = 2,	/* bad options or input (show, validate, check) */
	FN_EXIT_OWN = 125,	/* fakenet itself failed */
	FN_EXIT_NOEXEC = 126,	/* the command was found but cannot be executed */
	FN_EXIT_NOTFOUND = 127, /* the command was not found */
};

/* FN_EXIT_NOTFOUND or FN_EXIT_NOEXEC, for the errno of a failed exec. */
int fn_exec_status(int err);

/* The number of elements of an array (not a pointer). */
#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* The program name used as the prefix of every message ("fakenet", "route", ...); NULL: no
 * message at all (the preload library, whose stderr is its target's). */
extern const char *fn_progname;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* "PROG: message\n" on stderr. The die variants exit with `status`; the _errno ones append
 * ": strerror(errno)" with errno captured before anything else runs. */
void fn_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fn_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fn_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
__attribute__((noreturn)) void fn_die_errno(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A time limit the environment variable `name` may set, in seconds (0 < s <= 86400), as ms:
 * `default_ms` without it; with a bad value, also a warning naming `cmd` ("check"), if any. */
double fn_env_seconds_ms(const char *name, double default_ms, const char *cmd);

/* Closes *fd if open, and marks it closed (-1). */
void fn_close_fd(int *fd);

/* Reads a whole file into a NUL-terminated buffer; returns -errno on failure. */
int fn_read_file(const char *path, char **out, size_t *len, size_t max_len);

/* Locates NAME shipped beside the running executable (build/NAME or ../libexec/fakenet/NAME),
 * accessible with access(2) `mode`; NULL if absent (caller frees). */
char *fn_shipped_locate(const char *name, int mode);
