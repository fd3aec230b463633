/* How a step of the runner says what failed (report.c): one shape for the runner itself and for
 * the processes it forks inside the namespaces, which send it over a pipe. As bubblewrap's
 * die_with_error: the errno is kept as it was at the failure, and the message names what failed. */
#pragma once

#include <stdbool.h>

/* One failure; small enough to be written to a pipe atomically. */
struct fn_report {
	int err;	/* the errno, positive */
	char what[200]; /* what failed: "mounting the view over /etc/hosts" */
	char hint[160]; /* what the user may do about it; "" for none */
};

/* Records that `what` (formatted) failed with `err`, a negative errno as the runner's functions
 * return them; returns `err`, for `return fn_fail(rep, err, ...)`. Clears any hint. */
int fn_fail(struct fn_report *rep, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for the errno of the call that just failed (saved before anything else runs); returns
 * -errno. */
int fn_fail_errno(struct fn_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds what the user may do about the failure recorded in `rep`. */
void fn_report_hint(struct fn_report *rep, const char *hint);

/* Prints "fakenet: [CMD: ]WHAT: strerror (HINT)" and returns FN_EXIT_OWN, the status `run` and the
 * OCI hook exit with. `cmd` may be NULL (`run` names no command). */
int fn_report_print(const char *cmd, const struct fn_report *rep);
/* The runner's own step that just failed, said at once: fn_fail_errno, the hint (may be NULL),
 * fn_report_print. */
int fn_report_errno(const char *hint, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A forked process's side: sends `rep` to the runner (best effort: the runner also sees the exit
 * status), and the die form that then exits FN_EXIT_OWN. */
void fn_report_send(int fd, const struct fn_report *rep);
__attribute__((noreturn)) void fn_report_die(int fd, const struct fn_report *rep);
/* The runner's side: true when a whole report was read from `fd`. */
bool fn_report_recv(int fd, struct fn_report *rep);
