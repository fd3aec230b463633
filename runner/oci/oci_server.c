/* The container's FUSE server. The hook must return before the container starts, so the view is
 * served by a process of its own: forked twice (no zombie, no terminal), it mounts FUSE detached,
 * has a child place the view in the container, then lives exactly as long as the container: it
 * exits when the container's init exits (a pidfd), when the view's last mount goes (the FUSE
 * connection ends) or when poststop asks (an abstract socket named for the container). It keeps
 * no mount of its own and no file: once it is gone, nothing of the container remains. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakefs.h"
#include "cli.h"
#include "oci.h"
#include "util.h"

/* How long poststop waits for the server to go before killing it. */
#define STOP_GRACE_MS 5000

struct server {
	struct fn_fakefs *fs;
	const struct fn_oci_place *place;
	const struct fn_oci_container *c;
	int report_fd;
	int pidfd;  /* the container's init */
	int listen; /* poststop's way in */
};

/* Every exit of the server: the engine gets its links back. */
__attribute__((noreturn)) static void leave(struct server *s, int status)
{
	if (s->place->net)
		fn_oci_net_down(s->place->net);
	_exit(status);
}

__attribute__((noreturn)) static void fail(struct server *s, struct fn_report *rep)
{
	fn_report_send(s->report_fd, rep);
	leave(s, FN_EXIT_OWN);
}

static int listen_socket(const struct fn_oci_container *c)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	fn_oci_socket_name(c, addr.sun_path, sizeof(addr.sun_path), &len);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0 ||
	    listen(fd, 4) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The mount namespace calls need a single-threaded process: a child of the (threaded) server. */
static int place(struct server *s, struct fn_report *rep)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fn_fail_errno(rep, "fork");
		return -1;
	}
	if (pid == 0) {
		int err = fn_oci_place_view(s->place, rep);

		if (err)
			fn_report_die(s->report_fd, rep);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		/* The child has sent its report; this one only counts if it did not. */
		fn_fail(rep, -EIO, "placing the view in the container");
		return -1;
	}
	return 0;
}

static void setup(struct server *s)
{
	struct fn_report rep = {0};
	const char *what = NULL;
	int err;

	s->pidfd = (int)syscall(SYS_pidfd_open, s->place->pid, 0);
	if (s->pidfd < 0) {
		fn_fail_errno(&rep, "pidfd_open of container pid %d", (int)s->place->pid);
		fail(s, &rep);
	}
	s->listen = listen_socket(s->c);
	if (s->listen < 0) {
		fn_fail(&rep, s->listen, "the server socket of container %s", s->c->id);
		fail(s, &rep);
	}
	if (s->place->net && fn_oci_net_up(s->place->net, s->place->pid, &rep))
		fail(s, &rep);
	if ((err = fn_fakefs_mount(s->fs, &what)) || (err = fn_fakefs_start(s->fs))) {
		fn_fail(&rep, err, "%s", what ? what : "starting the FUSE thread");
		fail(s, &rep);
	}
	s->place->plan->mnt_fd = fn_fakefs_mount_fd(s->fs);
	fn_plan_allow_added(s->place->tools, s->fs);
	if (place(s, &rep) < 0)
		fail(s, &rep);
	fn_fakefs_drop_mount(s->fs);
}

/* Only root may stop a container's server. */
static bool stop_request(int listen_fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	bool ok;

	if (conn < 0)
		return false;
	ok = getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == 0;
	if (!ok)
		close(conn);
	return ok; /* the connection closes as the server exits: poststop's sign */
}

__attribute__((noreturn)) static void live(struct server *s)
{
	struct pollfd fds[3] = {
	    {.fd = s->pidfd, .events = POLLIN},
	    {.fd = s->listen, .events = POLLIN},
	    {.fd = fn_fakefs_dev_fd(s->fs), .events = 0}, /* POLLERR once the connection ends */
	};

	for (;;) {
		if (poll(fds, 3, -1) < 0)
			continue;
		if (fds[0].revents || (fds[2].revents & (POLLERR | POLLHUP)))
			leave(s, 0);
		if ((fds[1].revents & POLLIN) && stop_request(s->listen))
			leave(s, 0);
	}
}

/* The server itself: no terminal, no standard streams (the engine reads the hook's until they
 * close, and pasta, started here, would inherit them; failures go over the report pipe), its cwd
 * not in the bundle. */
__attribute__((noreturn)) static void server_main(struct server *s)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();
	if (chdir("/") < 0)
		_exit(FN_EXIT_OWN);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	setup(s);
	close(s->report_fd);
	live(s);
}

int fn_oci_serve(struct fn_fakefs *fs, const struct fn_oci_place *place,
		 const struct fn_oci_container *c)
{
	struct server s = {.fs = fs, .place = place, .c = c, .pidfd = -1, .listen = -1};
	struct fn_report rep;
	int report[2], status;
	pid_t first;

	if (pipe2(report, O_CLOEXEC) < 0) {
		fn_warn_errno("oci-hook: pipe");
		return FN_EXIT_OWN;
	}
	first = fork();
	if (first < 0) {
		fn_warn_errno("oci-hook: fork");
		return FN_EXIT_OWN;
	}
	if (first == 0) {
		close(report[0]);
		s.report_fd = report[1];
		if (fork() == 0)
			server_main(&s);
		_exit(0);
	}
	close(report[1]);
	waitpid(first, &status, 0);
	/* A report means failure; the pipe closing without one means the view is in place. */
	if (fn_report_recv(report[0], &rep)) {
		close(report[0]);
		return fn_report_print("oci-hook", &rep);
	}
	close(report[0]);
	return 0;
}

static bool wait_gone(int pidfd, int ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	return poll(&p, 1, ms) > 0;
}

int fn_oci_stop(const struct fn_oci_container *c)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	size_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), pidfd = -1;

	fn_oci_socket_name(c, addr.sun_path, sizeof(addr.sun_path), &len);
	if (fd < 0)
		return 0;
	/* No server: the container never got the view, or its server is already gone. */
	if (connect(fd, (struct sockaddr *)&addr,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
		close(fd);
		return 0;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.uid == 0)
		pidfd = (int)syscall(SYS_pidfd_open, cred.pid, 0);
	if (pidfd >= 0 && !wait_gone(pidfd, STOP_GRACE_MS)) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_gone(pidfd, STOP_GRACE_MS);
	}
	if (pidfd >= 0)
		close(pidfd);
	close(fd);
	return 0;
}
