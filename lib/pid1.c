/* Pid 1 of `fakenet run`'s pid namespace once the view is built, running as /sbin/docker-init: it
 * starts the command, relays signals and reaps every process of the namespace, and exits only when
 * nothing is left, with the command's status. Shared by fakenet and the shim, either of which may
 * be the file pid 1 runs from. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pid1.h"
#include "util.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

bool fn_pid1_requested(int argc, char **argv)
{
	return getpid() == 1 && argc >= 3 && strcmp(argv[0], FN_PID1_PATH) == 0 &&
	       strcmp(argv[1], "--") == 0;
}

/* Runs in a vfork child, sharing the init's memory until the exec: system calls, and a report
 * built on this stack, nothing that allocates or locks. */
/* Set by the vfork child when the exec fails; the parent reads it once the child is gone. */
static volatile int exec_errno;

__attribute__((noreturn)) static void exec_target(char **argv)
{
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != 1)
		_exit(FN_EXIT_OWN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	exec_errno = errno;
	_exit(fn_exec_status(errno));
}

/* vfork: no copy of the init's memory for a child that only execs. */
static pid_t spawn_target(char **argv)
{
	pid_t pid = vfork();

	if (pid == 0)
		exec_target(argv);
	return pid;
}

static int encode_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Reaps what has exited; returns false once no process is left in the namespace. */
static bool reap(pid_t target, int *target_status, bool *target_alive)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid == 0)
			return true;
		if (pid < 0)
			return errno != ECHILD;
		if (pid == target) {
			*target_status = encode_status(status);
			*target_alive = false;
		}
	}
}

/* Signals typed at the terminal reach the target directly (same process group); only signals
 * sent with kill() are relayed, so none arrives twice. */
static void relay(const siginfo_t *si, pid_t target, bool target_alive)
{
	if (si->si_code == SI_KERNEL)
		return;
	kill(target_alive ? target : -1, si->si_signo);
}

/* Runs the command, relays signals and reaps until nothing is left; exits with its status. */
void fn_pid1_supervise(char **argv)
{
	int target_status = FN_EXIT_OWN;
	sigset_t set;
	pid_t target;

	exec_errno = 0;
	target = spawn_target(argv);
	if (target < 0 || exec_errno) {
		int err = target < 0 ? errno : exec_errno;

		dprintf(2, "fakenet: %s: %s\n", target < 0 ? "vfork" : argv[0], strerror(err));
		_exit(target < 0 ? FN_EXIT_OWN : fn_exec_status(err));
	}
	/* The runner blocked these before forking, so none is lost before sigwaitinfo. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < N_ELEMENTS(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	for (bool target_alive = true;;) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			relay(&si, target, target_alive);
			continue;
		}
		if (!reap(target, &target_status, &target_alive))
			_exit(target_status);
	}
}
