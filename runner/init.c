/* Pid 1 of the target's pid namespace. It finishes the view (hostname, a fresh /proc, the
 * overlays, the shims over the real tools), locks it, starts the target, forwards signals, and
 * reaps every process of the namespace: it exits only when nothing is left, with the target's
 * status. When it exits the kernel kills whatever remains, so nothing outlives the FUSE server. */
#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "netns.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void fn_report_set(struct fn_report *rep, int stage, int err, const char *what, const char *hint)
{
	memset(rep, 0, sizeof(*rep));
	rep->stage = stage;
	rep->err = err;
	snprintf(rep->what, sizeof(rep->what), "%s", what);
	if (hint)
		snprintf(rep->hint, sizeof(rep->hint), "%s", hint);
}

void fn_report_setf(struct fn_report *rep, int stage, int err, const char *fmt, ...)
{
	va_list ap;

	memset(rep, 0, sizeof(*rep));
	rep->stage = stage;
	rep->err = err;
	va_start(ap, fmt);
	vsnprintf(rep->what, sizeof(rep->what), fmt, ap);
	va_end(ap);
}

void fn_report_send(int fd, const struct fn_report *rep)
{
	(void)!write(fd, rep, sizeof(*rep));
}

__attribute__((noreturn)) static void fail(const struct fn_child_plan *plan, const char *what,
					   const char *hint)
{
	struct fn_report rep;

	fn_report_set(&rep, FN_REPORT_SETUP, errno, what, hint);
	fn_report_send(plan->report_fd, &rep);
	_exit(125);
}

/* PR_SET_PDEATHSIG only fires for a parent that dies after the call: check it is still alive. */
static void die_with_runner(const struct fn_child_plan *plan)
{
	struct pollfd p = {.fd = plan->runner_pidfd, .events = POLLIN};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (plan->runner_pidfd >= 0 && poll(&p, 1, 0) > 0)
		_exit(125);
}

/* The view must not be undone from inside: without CAP_SYS_ADMIN (and unable to regain it through
 * exec, as it is gone from the bounding set) the target cannot unmount or cover the overlays.
 * A nested user namespace would lock the mounts too, but it would also take away what root needs
 * on the host network namespace (binding ports below 1024, raw sockets, CAP_NET_ADMIN). */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	unsigned idx = CAP_SYS_ADMIN / 32, bit = 1u << (CAP_SYS_ADMIN % 32);

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) < 0)
		return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	data[idx].effective &= ~bit;
	data[idx].permitted &= ~bit;
	data[idx].inheritable &= ~bit;
	return (int)syscall(SYS_capset, &hdr, data);
}

static void build_view(const struct fn_child_plan *plan)
{
	struct fn_report rep;

	/* A second private namespace: the runner's FUSE thread must never see the overlays, or a
	 * lookup it makes could land in its own filesystem and wait for itself. */
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0)
		fail(plan, "unshare(CLONE_NEWNS|CLONE_NEWUTS)", NULL);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail(plan, "making / private", NULL);
	if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0)
		fail(plan, "sethostname", NULL);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail(plan, "mounting /proc for the new pid namespace", NULL);
	if (plan->isolated && fn_netns_join(plan, &rep) != 0) {
		fn_report_send(plan->report_fd, &rep);
		_exit(125);
	}
	if (fn_overlay_apply(plan, &rep) != 0 || fn_procnet_mount(plan, &rep) != 0 ||
	    fn_tools_apply(plan, &rep) != 0 || fn_auditlog_apply(plan, &rep) != 0) {
		fn_report_send(plan->report_fd, &rep);
		_exit(125);
	}
	close(plan->mnt_fd);
	close(plan->dev_fd);
	if (drop_sys_admin() < 0)
		fail(plan, "dropping CAP_SYS_ADMIN", NULL);
}

/* The init's own environment is the target's: the init runs nothing else. */
static void target_environment(const struct fn_child_plan *plan)
{
	if (plan->path_env)
		setenv("PATH", plan->path_env, 1);
	if (plan->identity_env)
		setenv("FAKENET_IDENTITY", plan->identity_env, 1);
	/* The runner owns these inside a run: a value from outside would point elsewhere. */
	if (plan->real_dir_env)
		setenv("FAKENET_REAL_DIR", plan->real_dir_env, 1);
	else
		unsetenv("FAKENET_REAL_DIR");
	/* The log is the runner's alone: no name of it reaches the target. */
	unsetenv("FAKENET_LOG");
}

/* Runs in a vfork child, sharing the init's memory until the exec: system calls, and a report
 * built on this stack, nothing that allocates or locks. */
__attribute__((noreturn)) static void exec_target(const struct fn_child_plan *plan)
{
	struct fn_report rep;
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != 1)
		_exit(125);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(plan->argv[0], plan->argv);
	fn_report_set(&rep, FN_REPORT_EXEC, errno, plan->argv[0], NULL);
	fn_report_send(plan->report_fd, &rep);
	_exit(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
}

/* vfork: no copy of the init's memory for a child that only execs. */
static pid_t spawn_target(const struct fn_child_plan *plan)
{
	pid_t pid = vfork();

	if (pid == 0)
		exec_target(plan);
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

__attribute__((noreturn)) void fn_init_main(const struct fn_child_plan *plan)
{
	int target_status = 125;
	sigset_t set;
	pid_t target;

	for (int i = 0; i < plan->n_runner_fds; i++)
		close(plan->runner_fds[i]);
	die_with_runner(plan);
	build_view(plan);
	target_environment(plan);
	target = spawn_target(plan);
	if (target < 0)
		fail(plan, "vfork", NULL);
	close(plan->report_fd);
	/* The runner blocked these before forking, so none is lost before sigwaitinfo. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
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
