/* The runner's end of the audit event channel. The socket is created in a private tmpfs that is
 * never attached, and cloned as a detached mount for the init to bind onto a hidden node of the
 * view: nothing reaches it but that bind. A thread accepts connections, reads one
 * event per connection to its end, looks up the sender's pid in the run's pid namespace while the
 * sender still waits for the answer, writes the event and answers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "auditsock.h"
#include "buf.h"
#include "jsonl.h"
#include "jsonread.h"
#include "procinfo.h"
#include "util.h"

struct fn_auditsock_client {
	int fd;
	struct ucred cred; /* the kernel's word, taken at accept */
	struct fn_buf buf;
	bool too_long;
};

static bool reserved(const char *key)
{
	return strcmp(key, "time") == 0 || strcmp(key, "event") == 0 || strcmp(key, "pid") == 0 ||
	       strcmp(key, "uid") == 0;
}

static void put_member(struct fn_jsonl *j, const struct fn_json_member *m)
{
	switch (m->type) {
	case FN_JSON_STRING:
		fn_jsonl_str(j, m->key, m->text);
		break;
	case FN_JSON_NUMBER:
		fn_jsonl_raw(j, m->key, m->text);
		break;
	case FN_JSON_TRUE:
		fn_jsonl_raw(j, m->key, "true");
		break;
	case FN_JSON_FALSE:
		fn_jsonl_raw(j, m->key, "false");
		break;
	case FN_JSON_NULL:
		fn_jsonl_null(j, m->key);
		break;
	case FN_JSON_STRV:
		fn_jsonl_strv(j, m->key, (const char *const *)m->strv, m->n_strv);
		break;
	case FN_JSON_OTHER:
		break;
	}
}

static void record_error(int log_fd, pid_t pid, uid_t uid, const char *error)
{
	struct fn_jsonl j;

	fn_jsonl_event(&j, "shim", pid);
	fn_jsonl_int(&j, "uid", (long long)uid);
	fn_jsonl_str(&j, "error", error);
	(void)fn_jsonl_write(&j, log_fd);
}

void fn_auditsock_record(int log_fd, pid_t pid, uid_t uid, const char *payload, size_t len)
{
	struct fn_json_object obj;
	const char *error = NULL;
	size_t offset = 0;
	struct fn_jsonl j;

	if (fn_json_read_object(payload, len, &obj, &error, &offset) < 0) {
		char *text = xasprintf("unreadable event: %s at byte %zu", error, offset);

		record_error(log_fd, pid, uid, text);
		free(text);
		return;
	}
	fn_jsonl_event(&j, "shim", pid);
	fn_jsonl_int(&j, "uid", (long long)uid);
	/* Every key once: a second copy would let a reader pick the sender's. */
	for (size_t i = 0; i < obj.n; i++)
		if (!reserved(obj.members[i].key) &&
		    fn_json_member(&obj, obj.members[i].key) == &obj.members[i])
			put_member(&j, &obj.members[i]);
	(void)fn_jsonl_write(&j, log_fd);
	fn_json_object_free(&obj);
}

/* A private tmpfs, never attached anywhere: the socket's name exists only in it, so no directory
 * of the host ever holds it and nothing is left behind, even when the runner is killed. */
static int private_tmpfs(struct fn_report *rep)
{
	int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC), mnt;

	if (fsfd < 0)
		return fn_fail_errno(rep, "fsopen(\"tmpfs\") for the audit socket");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOEXEC)) < 0) {
		mnt = fn_fail_errno(rep, "creating a tmpfs for the audit socket");
	}
	close(fsfd);
	return mnt;
}

/* The socket bound in the private tmpfs (reached through its descriptor), open to every uid, and
 * cloned as a mount of that one file for the init to bind. */
static int bind_and_clone(struct fn_auditsock *a, struct fn_report *rep)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int mnt = private_tmpfs(rep), err = 0;

	if (mnt < 0)
		return mnt;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/log", mnt);
	if (bind(a->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = fn_fail_errno(rep, "binding the audit socket");
	} else if (fchmodat(mnt, "log", 0666, 0) < 0) {
		err = fn_fail_errno(rep, "opening the audit socket to every user");
	} else if (listen(a->listen_fd, 128) < 0) {
		err = fn_fail_errno(rep, "listening on the audit socket");
	} else if ((a->tree_fd = open_tree(mnt, "log", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0) {
		err = fn_fail_errno(rep, "cloning the audit socket");
	}
	close(mnt);
	return err;
}

void fn_auditsock_init(struct fn_auditsock *a)
{
	memset(a, 0, sizeof(*a));
	a->listen_fd = a->tree_fd = a->wake[0] = a->wake[1] = a->log_fd = -1;
}

int fn_auditsock_open(struct fn_auditsock *a, int log_fd, struct fn_report *rep)
{
	int err;

	a->log_fd = log_fd;
	a->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->listen_fd < 0)
		return fn_fail_errno(rep, "creating the audit socket");
	if ((err = bind_and_clone(a, rep)))
		return err;
	if (pipe2(a->wake, O_CLOEXEC) < 0)
		return fn_fail_errno(rep, "pipe");
	return 0;
}

static void client_close(struct fn_auditsock *a, size_t i)
{
	close(a->clients[i].fd);
	fn_buf_free(&a->clients[i].buf);
	a->clients[i] = a->clients[--a->n_clients];
}

/* The sender is still waiting for the answer, so its pid can be looked up in its namespace. */
static void client_done(struct fn_auditsock *a, size_t i)
{
	struct fn_auditsock_client *c = &a->clients[i];
	pid_t pid = fn_proc_inner_pid(c->cred.pid);

	if (c->too_long)
		record_error(a->log_fd, pid, c->cred.uid, "event too long");
	else if (c->buf.len)
		fn_auditsock_record(a->log_fd, pid, c->cred.uid, c->buf.data, c->buf.len);
	(void)!send(c->fd, "k", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	client_close(a, i);
}

/* Reads what client i has sent; true when it is finished and was closed. */
static bool client_read(struct fn_auditsock *a, size_t i)
{
	struct fn_auditsock_client *c = &a->clients[i];
	char chunk[65536];

	for (;;) {
		ssize_t n = read(c->fd, chunk, sizeof(chunk));

		if (n == 0) {
			client_done(a, i);
			return true;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return false;
			client_close(a, i);
			return true;
		}
		if (c->buf.len + (size_t)n > FN_AUDITSOCK_MAX_EVENT)
			c->too_long = true;
		if (!c->too_long)
			fn_buf_append(&c->buf, chunk, (size_t)n);
	}
}

/* The longest-standing connection makes room (the table keeps arrival order but for closes, which
 * move the last entry): senders that never finish cannot hold the log. */
static void evict_oldest(struct fn_auditsock *a)
{
	struct fn_auditsock_client *c = &a->clients[0];

	record_error(a->log_fd, fn_proc_inner_pid(c->cred.pid), c->cred.uid,
		     "dropped: too many connections open at once");
	close(c->fd);
	fn_buf_free(&c->buf);
	memmove(a->clients, a->clients + 1, --a->n_clients * sizeof(*a->clients));
}

static void accept_all(struct fn_auditsock *a)
{
	for (;;) {
		socklen_t len = sizeof(struct ucred);
		struct fn_auditsock_client c = {0};

		c.fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c.fd < 0)
			return;
		if (getsockopt(c.fd, SOL_SOCKET, SO_PEERCRED, &c.cred, &len) < 0) {
			close(c.fd);
			continue;
		}
		if (a->n_clients == FN_AUDITSOCK_MAX_CLIENTS)
			evict_oldest(a);
		fn_buf_init(&c.buf);
		a->clients[a->n_clients++] = c;
	}
}

/* One round of poll; false once stopped and nothing is left to read. */
static bool serve_once(struct fn_auditsock *a, struct pollfd *p)
{
	size_t n = 0;
	bool stopping;

	p[n++] = (struct pollfd){.fd = a->wake[0], .events = POLLIN};
	p[n++] = (struct pollfd){.fd = a->listen_fd, .events = POLLIN};
	for (size_t i = 0; i < a->n_clients; i++)
		p[n++] = (struct pollfd){.fd = a->clients[i].fd, .events = POLLIN};
	if (poll(p, n, -1) < 0)
		return errno == EINTR;
	stopping = p[0].revents != 0;
	/* From the last, so closing (which moves the last entry into the hole) skips nothing. */
	for (size_t i = a->n_clients; i-- > 0;)
		if (p[2 + i].revents || stopping)
			client_read(a, i);
	if (p[1].revents || stopping)
		accept_all(a);
	if (!stopping)
		return true;
	/* Every sender has exited: what they wrote is queued, so read it all, then stop. */
	for (size_t i = a->n_clients; i-- > 0;)
		if (!client_read(a, i))
			client_close(a, i);
	return false;
}

static void *serve(void *arg)
{
	struct fn_auditsock *a = arg;
	struct pollfd *p = xcalloc(FN_AUDITSOCK_MAX_CLIENTS + 2, sizeof(*p));

	while (serve_once(a, p))
		;
	free(p);
	return NULL;
}

int fn_auditsock_start(struct fn_auditsock *a, struct fn_report *rep)
{
	int err;

	a->clients = xcalloc(FN_AUDITSOCK_MAX_CLIENTS, sizeof(*a->clients));
	err = pthread_create(&a->thread, NULL, serve, a);
	if (err)
		return fn_fail(rep, -err, "starting the audit thread");
	a->running = true;
	return 0;
}

void fn_auditsock_stop(struct fn_auditsock *a)
{
	if (a->running) {
		(void)!write(a->wake[1], "x", 1);
		pthread_join(a->thread, NULL);
		a->running = false;
	}
	while (a->n_clients)
		client_close(a, a->n_clients - 1);
	free(a->clients);
	a->clients = NULL;
	fn_close_fd(&a->listen_fd);
	fn_close_fd(&a->tree_fd);
	fn_close_fd(&a->wake[0]);
	fn_close_fd(&a->wake[1]);
}
