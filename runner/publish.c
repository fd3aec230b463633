/* --publish: a port the target listens on inside the isolated namespace, reachable from the host.
 * One thread of the runner accepts on the host side and relays each connection to the same port
 * on the namespace's loopback; it joins the namespace itself, so every socket it connects is in
 * there. One poll loop, no thread per connection (threads cannot be made once the runner sits in
 * a user namespace whose pid namespace it cannot rejoin). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

#define MAX_CONNS 64
#define HALF_BUF  16384

/* One direction of a relayed connection. */
struct half {
	int from, to;
	size_t len, off;
	bool eof;
	char buf[HALF_BUF];
};

struct conn {
	bool used;
	struct half up, down; /* client -> target, target -> client */
};

struct forwarder {
	int target_ns;
	int listen_fds[FN_NET_MAX_PUBLISH];
	uint16_t target_ports[FN_NET_MAX_PUBLISH];
	size_t n;
	struct conn conns[MAX_CONNS];
};

static int listen_on(const struct fn_publish *p)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa = {0};
	int one = 1, family, fd;
	socklen_t len;

	if (inet_pton(AF_INET, p->addr, &sa.v4.sin_addr) == 1) {
		family = sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(p->port);
		len = sizeof(sa.v4);
	} else if (inet_pton(AF_INET6, p->addr, &sa.v6.sin6_addr) == 1) {
		family = sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(p->port);
		len = sizeof(sa.v6);
	} else {
		return -EINVAL;
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 64) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The target's side: its port on the namespace's loopback (this thread is in the namespace). */
static int connect_target(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static void accept_one(struct forwarder *f, size_t i)
{
	int client = accept4(f->listen_fds[i], NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), target;
	struct conn *c = NULL;

	if (client < 0)
		return;
	for (size_t k = 0; k < MAX_CONNS && !c; k++)
		if (!f->conns[k].used)
			c = &f->conns[k];
	target = c ? connect_target(f->target_ports[i]) : -1;
	if (target < 0) {
		close(client); /* the client sees the connection reset, as with nothing listening */
		return;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->up.from = c->down.to = client;
	c->up.to = c->down.from = target;
}

static void close_conn(struct conn *c)
{
	close(c->up.from);
	close(c->up.to);
	c->used = false;
}

/* Moves what it can; returns false when the connection is broken. */
static bool pump(struct half *h, short from_ev, short to_ev)
{
	if (h->len == 0 && !h->eof && (from_ev & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = read(h->from, h->buf, sizeof(h->buf));

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n == 0) {
			h->eof = true;
			shutdown(h->to, SHUT_WR);
		} else if (n > 0) {
			h->len = (size_t)n;
			h->off = 0;
		}
	}
	if (h->len && (to_ev & POLLOUT)) {
		ssize_t n = write(h->to, h->buf + h->off, h->len);

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n > 0) {
			h->off += (size_t)n;
			h->len -= (size_t)n;
		}
	}
	return true;
}

static short wants(const struct half *h, int fd)
{
	short ev = 0;

	if (fd == h->from && h->len == 0 && !h->eof)
		ev |= POLLIN;
	if (fd == h->to && h->len)
		ev |= POLLOUT;
	return ev;
}

static void *forward_loop(void *arg)
{
	struct forwarder *f = arg;
	struct pollfd p[FN_NET_MAX_PUBLISH + 2 * MAX_CONNS];
	int slot[MAX_CONNS];

	/* Only this thread moves: the runner's other threads stay where they are. */
	if (setns(f->target_ns, CLONE_NEWNET) < 0)
		return NULL;
	for (;;) {
		size_t n = 0;

		for (size_t i = 0; i < f->n; i++)
			p[n++] = (struct pollfd){.fd = f->listen_fds[i], .events = POLLIN};
		for (size_t k = 0; k < MAX_CONNS; k++) {
			struct conn *c = &f->conns[k];

			slot[k] = -1;
			if (!c->used)
				continue;
			slot[k] = (int)n;
			p[n++] = (struct pollfd){.fd = c->up.from,
						 .events = (short)(wants(&c->up, c->up.from) |
								   wants(&c->down, c->up.from))};
			p[n++] = (struct pollfd){
			    .fd = c->up.to,
			    .events = (short)(wants(&c->up, c->up.to) | wants(&c->down, c->up.to))};
		}
		if (poll(p, n, -1) < 0)
			continue;
		for (size_t k = 0; k < MAX_CONNS; k++) {
			struct conn *c = &f->conns[k];
			short client_ev, target_ev;

			if (slot[k] < 0)
				continue;
			client_ev = p[slot[k]].revents;
			target_ev = p[slot[k] + 1].revents;
			if (!pump(&c->up, client_ev, target_ev) ||
			    !pump(&c->down, target_ev, client_ev) ||
			    (c->up.eof && c->down.eof && !c->up.len && !c->down.len))
				close_conn(c);
		}
		for (size_t i = 0; i < f->n; i++)
			if (p[i].revents & POLLIN)
				accept_one(f, i);
	}
	return NULL;
}

int fn_publish_start(const struct fn_publish *pub, size_t n, int target_fd, char *what, size_t len)
{
	static struct forwarder f;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (n == 0)
		return 0;
	f.target_ns = target_fd;
	for (size_t i = 0; i < n; i++) {
		int fd = listen_on(&pub[i]);

		if (fd < 0) {
			snprintf(what, len, "--publish: listening on %s port %u", pub[i].addr,
				 pub[i].port);
			return fd;
		}
		f.listen_fds[f.n] = fd;
		f.target_ports[f.n++] = pub[i].target_port;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &attr, forward_loop, &f);
	pthread_attr_destroy(&attr);
	if (err)
		snprintf(what, len, "starting the --publish forwarder");
	return -err;
}
