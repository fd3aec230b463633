/* The runner's error shape (runner/report.c): a report keeps the errno of the call that failed,
 * prints as "fakenet: [CMD: ]WHAT: strerror (HINT)", and crosses a pipe from a forked process. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../runner/report.h"
#include "util.h"

/* What fn_report_print writes to stderr. */
static char *printed(const char *cmd, const struct fn_report *rep, int *status)
{
	static char out[512];
	int p[2], saved = dup(2);
	ssize_t n;

	assert_int_equal(pipe(p), 0);
	dup2(p[1], 2);
	*status = fn_report_print(cmd, rep);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	out[n > 0 ? n : 0] = '\0';
	return out;
}

static void fail_errno_keeps_the_failing_calls_errno(void **state)
{
	struct fn_report rep;
	int err;

	assert_true(open("/nonexistent/fakenet-report", O_RDONLY) < 0);
	err = fn_fail_errno(&rep, "opening %s", "/nonexistent/fakenet-report");
	assert_int_equal(err, -ENOENT);
	assert_int_equal(rep.err, ENOENT);
	assert_string_equal(rep.what, "opening /nonexistent/fakenet-report");
	assert_string_equal(rep.hint, "");
}

static void fail_takes_a_negative_errno_and_returns_it(void **state)
{
	struct fn_report rep;

	fn_report_hint(&rep, "left over");
	assert_int_equal(fn_fail(&rep, -EPERM, "mounting %s", "/proc"), -EPERM);
	assert_int_equal(rep.err, EPERM);
	assert_string_equal(rep.what, "mounting /proc");
	assert_string_equal(rep.hint, ""); /* a new failure starts without the old hint */
}

static void print_names_what_failed_the_error_and_the_hint(void **state)
{
	struct fn_report rep;
	int status;

	fn_progname = "fakenet";
	fn_fail(&rep, -EPERM, "cannot create a mount namespace");
	assert_string_equal(printed(NULL, &rep, &status),
			    "fakenet: cannot create a mount namespace: Operation not permitted\n");
	assert_int_equal(status, FN_EXIT_OWN);
	fn_report_hint(&rep, "run as root");
	assert_string_equal(printed("oci-hook", &rep, &status),
			    "fakenet: oci-hook: cannot create a mount namespace: Operation not "
			    "permitted (run as root)\n");
}

static void die_sends_the_report_and_exits_125(void **state)
{
	struct fn_report rep, got;
	int p[2], wstatus;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		errno = EACCES;
		fn_fail_errno(&rep, "binding the shim over %s", "/usr/sbin/route");
		fn_report_die(p[1], &rep);
	}
	close(p[1]);
	assert_true(fn_report_recv(p[0], &got));
	assert_int_equal(got.err, EACCES);
	assert_string_equal(got.what, "binding the shim over /usr/sbin/route");
	assert_false(fn_report_recv(p[0], &got)); /* one report, then the pipe is closed */
	close(p[0]);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), FN_EXIT_OWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fail_errno_keeps_the_failing_calls_errno),
	    cmocka_unit_test(fail_takes_a_negative_errno_and_returns_it),
	    cmocka_unit_test(print_names_what_failed_the_error_and_the_hint),
	    cmocka_unit_test(die_sends_the_report_and_exits_125),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
