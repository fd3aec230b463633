/* --publish, and under --net nat every port the target listens on: reachable from the host.
 * One thread of the runner accepts on the host side and relays each connection to the same port
 * on the namespace's loopback; it joins the namespace itself, so every socket it connects is in
 * there. One poll loop, no thread per connection (threads cannot be made once the runner sits in
 * a user namespace whose pid namespace it cannot rejoin). To follow the target's ports, it lists
 * the namespace's listening TCP sockets over sock_diag a few times a second, as pasta does for
 * its own namespace, and a second thread, which stays in the runner's namespace, opens the
 * matching listeners on the host's 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asker.h"
#include "publish.h"
#include "rtnl.h"
#include "util.h"

#define MAX_CONNS     64
#define HALF_BUF      16384
#define MAX_LISTENERS (FN_NET_MAX_PUBLISH + 32)
#define FOLLOW_MS     100

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
	int listen_fds[MAX_LISTENERS];
	uint16_t target_ports[MAX_LISTENERS];
	bool followed[MAX_LISTENERS]; /* opened because the target listens there */
	size_t n;
	struct conn conns[MAX_CONNS];
	bool follow;
	int diag_fd;	      /* sock_diag in the namespace */
	int maker[2];	      /* [0]: this thread's end of the listener maker's socketpair */
	uint16_t refused[32]; /* ports the host had taken already: tried once */
	size_t n_refused;
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

/* The listening TCP ports of the namespace that 127.0.0.1 reaches: bound to a loopback or
 * wildcard address. */
struct listen_scan {
	uint16_t ports[MAX_LISTENERS];
	size_t n;
};

static void saw_listener(const struct nlmsghdr *h, void *arg)
{
	struct listen_scan *s = arg;
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	static const uint32_t any[4];
	uint32_t lo4 = htonl(INADDR_LOOPBACK) & htonl(0xff000000);
	uint16_t port = ntohs(m->id.idiag_sport);
	bool reachable;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || s->n == MAX_LISTENERS)
		return;
	if (m->idiag_family == AF_INET)
		reachable =
		    m->id.idiag_src[0] == 0 || (m->id.idiag_src[0] & htonl(0xff000000)) == lo4;
	else
		reachable = memcmp(m->id.idiag_src, any, 16) == 0;
	for (size_t i = 0; i < s->n && reachable; i++)
		if (s->ports[i] == port)
			reachable = false;
	if (reachable)
		s->ports[s->n++] = port;
}

static void scan_listeners(int diag_fd, struct listen_scan *s)
{
	static const uint8_t families[] = {AF_INET, AF_INET6};

	for (size_t i = 0; i < 2; i++) {
		struct fn_rtnl nl = {.fd = diag_fd, .seq = 1};
		struct fn_nlmsg m;
		struct inet_diag_req_v2 *req =
		    fn_nl_start(&m, SOCK_DIAG_BY_FAMILY, 0, sizeof(*req));

		req->sdiag_family = families[i];
		req->sdiag_protocol = IPPROTO_TCP;
		req->idiag_states = 1u << 10; /* TCP_LISTEN */
		fn_rtnl_dump(&nl, &m, saw_listener, s);
	}
}

/* Asks the maker thread for a listener on the host's 127.0.0.1:port; -errno when none. */
static int make_listener(struct forwarder *f, uint16_t port)
{
	int fd;

	if (write(f->maker[0], &port, sizeof(port)) != sizeof(port) ||
	    read(f->maker[0], &fd, sizeof(fd)) != sizeof(fd))
		return -EIO;
	return fd;
}

static bool listed(const uint16_t *ports, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static void drop_listener(struct forwarder *f, size_t i)
{
	close(f->listen_fds[i]);
	f->n--;
	f->listen_fds[i] = f->listen_fds[f->n];
	f->target_ports[i] = f->target_ports[f->n];
	f->followed[i] = f->followed[f->n];
}

/* New listening ports get a host listener, gone ones lose theirs; --publish's stay. */
static void follow_ports(struct forwarder *f)
{
	struct listen_scan s = {0};

	scan_listeners(f->diag_fd, &s);
	for (size_t i = f->n; i-- > 0;)
		if (f->followed[i] && !listed(s.ports, s.n, f->target_ports[i]))
			drop_listener(f, i);
	for (size_t k = 0; k < s.n && f->n < MAX_LISTENERS; k++) {
		int fd;

		if (listed(f->target_ports, f->n, s.ports[k]) ||
		    listed(f->refused, f->n_refused, s.ports[k]))
			continue;
		if ((fd = make_listener(f, s.ports[k])) < 0) {
			if (f->n_refused < N_ELEMENTS(f->refused))
				f->refused[f->n_refused++] = s.ports[k];
			continue;
		}
		f->listen_fds[f->n] = fd;
		f->target_ports[f->n] = s.ports[k];
		f->followed[f->n++] = true;
	}
}

static void *forward_loop(void *arg)
{
	struct forwarder *f = arg;
	struct pollfd p[MAX_LISTENERS + 2 * MAX_CONNS];
	int slot[MAX_CONNS];

	/* Only this thread moves: the runner's other threads stay where they are. */
	if (setns(f->target_ns, CLONE_NEWNET) < 0)
		return NULL;
	for (;;) {
		if (f->follow && f->diag_fd >= 0)
			follow_ports(f);
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
		if (poll(p, n, f->follow ? FOLLOW_MS : -1) < 0)
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
		for (size_t i = 0; i < f->n && i < MAX_LISTENERS; i++)
			if (p[i].revents & POLLIN)
				accept_one(f, i);
	}
	return NULL;
}

/* Stays in the runner's namespace: opens a listener on 127.0.0.1 for each port asked. */
static void *maker_loop(void *arg)
{
	int sock = *(int *)arg;
	uint16_t port;

	while (read(sock, &port, sizeof(port)) == sizeof(port)) {
		struct fn_publish pub = {.addr = "127.0.0.1", .port = port};
		int fd = listen_on(&pub);

		if (write(sock, &fd, sizeof(fd)) != sizeof(fd))
			break;
	}
	return NULL;
}

int fn_publish_start(struct fn_net *net, struct fn_report *rep)
{
	static struct forwarder f;
	const struct fn_publish *pub = net->publish;
	size_t n = net->n_publish;
	bool follow = net->nat && net->follow_diag_fd >= 0;
	int err;

	if (n == 0 && !follow)
		return 0;
	f.target_ns = net->target_fd;
	f.follow = follow;
	f.diag_fd = net->follow_diag_fd;
	if (follow && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f.maker) < 0) {
		return fn_fail(rep, -errno, "socketpair");
	}
	if (follow) {
		fn_net_hold(net, f.maker[0]);
		fn_net_hold(net, f.maker[1]);
	}
	if (follow && (err = fn_net_start_thread(maker_loop, &f.maker[1], 0))) {
		return fn_fail(rep, err, "starting the port follower");
	}
	for (size_t i = 0; i < n; i++) {
		int fd = listen_on(&pub[i]);

		if (fd < 0) {
			return fn_fail(rep, fd, "--publish: listening on %s port %u", pub[i].addr,
				       pub[i].port);
		}
		fn_net_hold(net, fd);
		f.listen_fds[f.n] = fd;
		f.target_ports[f.n++] = pub[i].target_port;
	}
	if ((err = fn_net_start_thread(forward_loop, &f, 0)))
		return fn_fail(rep, err, "starting the --publish forwarder");
	return 0;
}
