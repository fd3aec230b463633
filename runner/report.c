/* The runner's one error shape (report.h): fill a report where a step fails, print it where the
 * runner gives up, or send it from a forked process. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

static int vfail(struct fn_report *rep, int err, const char *fmt, va_list ap)
{
	memset(rep, 0, sizeof(*rep));
	rep->err = -err;
	vsnprintf(rep->what, sizeof(rep->what), fmt, ap);
	return err;
}

int fn_fail(struct fn_report *rep, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(rep, err, fmt, ap);
	va_end(ap);
	return err;
}

int fn_fail_errno(struct fn_report *rep, const char *fmt, ...)
{
	int err = -errno;
	va_list ap;

	va_start(ap, fmt);
	vfail(rep, err, fmt, ap);
	va_end(ap);
	return err;
}

void fn_report_hint(struct fn_report *rep, const char *hint)
{
	snprintf(rep->hint, sizeof(rep->hint), "%s", hint ? hint : "");
}

int fn_report_print(const char *cmd, const struct fn_report *rep)
{
	fn_warn("%s%s%s: %s%s%s%s", cmd ? cmd : "", cmd ? ": " : "", rep->what, strerror(rep->err),
		rep->hint[0] ? " (" : "", rep->hint, rep->hint[0] ? ")" : "");
	return FN_EXIT_OWN;
}

int fn_report_errno(const char *hint, const char *fmt, ...)
{
	struct fn_report rep;
	int err = -errno;
	va_list ap;

	va_start(ap, fmt);
	vfail(&rep, err, fmt, ap);
	va_end(ap);
	fn_report_hint(&rep, hint);
	return fn_report_print(NULL, &rep);
}

void fn_report_send(int fd, const struct fn_report *rep)
{
	(void)!write(fd, rep, sizeof(*rep));
}

__attribute__((noreturn)) void fn_report_die(int fd, const struct fn_report *rep)
{
	fn_report_send(fd, rep);
	_exit(FN_EXIT_OWN);
}

bool fn_report_recv(int fd, struct fn_report *rep)
{
	if (read(fd, rep, sizeof(*rep)) != (ssize_t)sizeof(*rep))
		return false;
	rep->what[sizeof(rep->what) - 1] = rep->hint[sizeof(rep->hint) - 1] = '\0';
	return true;
}
