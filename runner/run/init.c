/* Pid 1 of the target's pid namespace. It finishes the view (hostname, a fresh /proc, the
 * overlays, the shims over the real tools), locks it, starts the target, forwards signals, and
 * reaps every process of the namespace: it exits only when nothing is left, with the target's
 * status. When it exits the kernel kills whatever remains, so nothing outlives the FUSE server. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layers.h"
#include "init.h"
#include "overlay.h"
#include "pid1.h"
#include "util.h"
#include "netns.h"

/* A step of the init failed: the runner says what, with errno as the step left it. */
__attribute__((noreturn)) static void fail(const struct fn_child_plan *plan, const char *what)
{
	struct fn_report rep;

	fn_fail_errno(&rep, "%s", what);
	fn_report_die(plan->report_fd, &rep);
}

/* PR_SET_PDEATHSIG only fires for a parent that dies after the call: check it is still alive. */
static void die_with_runner(const struct fn_child_plan *plan)
{
	struct pollfd p = {.fd = plan->runner_pidfd, .events = POLLIN};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (plan->runner_pidfd >= 0 && poll(&p, 1, 0) > 0)
		_exit(FN_EXIT_OWN);
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
		fail(plan, "unshare(CLONE_NEWNS|CLONE_NEWUTS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail(plan, "making / private");
	if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0)
		fail(plan, "sethostname");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail(plan, "mounting /proc for the new pid namespace");
	if (fn_layers_apply(plan, &rep) != 0 || fn_overlay_apply(plan, &rep) != 0 ||
	    fn_tools_apply(plan, &rep) != 0 || fn_auditlog_apply(plan, &rep) != 0)
		fn_report_die(plan->report_fd, &rep);
	/* After the views: the namespace's own links go over /sys/devices/virtual/net even where
	 * a view took its parent (the DMI directory of a host without DMI). */
	if (plan->isolated && fn_netns_join(plan, &rep) != 0)
		fn_report_die(plan->report_fd, &rep);
	close(plan->mnt_fd);
	close(plan->dev_fd);
	if (plan->staging_fd >= 0)
		close(plan->staging_fd);
	if (drop_sys_admin() < 0)
		fail(plan, "dropping CAP_SYS_ADMIN");
}

/* Removes every variable whose name starts with `prefix`. */
static void unset_prefixed(const char *prefix)
{
	size_t len = strlen(prefix);

	for (size_t i = 0; environ[i];) {
		const char *eq = strchr(environ[i], '=');
		char name[256];

		if (strncmp(environ[i], prefix, len) != 0 || !eq ||
		    (size_t)(eq - environ[i]) >= sizeof(name)) {
			i++;
			continue;
		}
		memcpy(name, environ[i], (size_t)(eq - environ[i]));
		name[eq - environ[i]] = '\0';
		unsetenv(name); /* shifts the rest down: look at index i again */
	}
}

/* The init's own environment is the target's: the init runs nothing else. No variable is named
 * FAKENET*: the shims find the identity and the real tools in the view itself, and "_" (the path
 * of the program the shell started, fakenet) goes, as a container's pid 1 has none. */
static void target_environment(const struct fn_child_plan *plan)
{
	unset_prefixed("FAKENET");
	unsetenv("_");
	if (plan->path_env)
		setenv("PATH", plan->path_env, 1);
}

/* Pid 1 shows what `docker run --init` shows: /sbin/docker-init -- COMMAND, its executable at that
 * path (a file of the staging tmpfs, which no mount shows), not fakenet and its options. Should
 * the exec fail, this process supervises as it is. */
static void become_docker_init(const struct fn_child_plan *plan)
{
	if (plan->init_fd < 0 || !plan->init_argv)
		return;
	syscall(SYS_execveat, plan->init_fd, "", plan->init_argv, environ, AT_EMPTY_PATH);
}

/* The view is built while pasta configures the gateway namespace; the target waits for the
 * runner's word that the way out is ready. A runner that cannot give it kills this process. */
static void wait_gate(const struct fn_child_plan *plan)
{
	uint64_t go;

	if (plan->gate_fd < 0)
		return;
	while (read(plan->gate_fd, &go, sizeof(go)) < 0)
		if (errno != EINTR)
			fail(plan, "waiting for the network");
	close(plan->gate_fd);
}

__attribute__((noreturn)) void fn_init_main(const struct fn_child_plan *plan)
{
	for (int i = 0; i < plan->n_runner_fds; i++)
		close(plan->runner_fds[i]);
	die_with_runner(plan);
	build_view(plan);
	target_environment(plan);
	wait_gate(plan);
	become_docker_init(plan);
	close(plan->report_fd);
	fn_pid1_supervise(plan->argv);
}
