/* --net filtered: the isolated namespace, whose gateway becomes the peer namespace's side of the
 * link, forwarding to a tap that pasta (Debian's passt) serves from the runner's own network.
 * Only the allowlist goes on (the gateway's forward chain, nftables.c); the rest is refused at
 * once there, out of the target's reach. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/fib_rules.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "filtered.h"
#include "netaddr.h"
#include "util.h"

#define EGRESS_WAIT_MS 3000
#define EGRESS_POLL_US 10000

bool fn_filter_parse_allow(struct fn_filter *f, const char *arg)
{
	const char *slash = strchr(arg, '/');
	unsigned long port;
	char *end;
	uint8_t proto;

	if (!slash || f->n_allow == FN_FILTER_MAX)
		return false;
	if (slash - arg == 3 && strncmp(arg, "tcp", 3) == 0)
		proto = IPPROTO_TCP;
	else if (slash - arg == 3 && strncmp(arg, "udp", 3) == 0)
		proto = IPPROTO_UDP;
	else
		return false;
	errno = 0;
	port = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || port == 0 || port > 65535)
		return false;
	f->allow[f->n_allow++] = (struct fn_allow){.proto = proto, .port = (uint16_t)port};
	return true;
}

bool fn_filter_add_host(struct fn_filter *f, const char *pattern)
{
	if (!*pattern || f->n_host_patterns == FN_FILTER_MAX)
		return false;
	f->host_patterns[f->n_host_patterns++] = pattern;
	return true;
}

static void add_host_addr(struct fn_filter *f, const struct fn_ip *ip)
{
	for (size_t i = 0; i < f->n_host_addrs; i++)
		if (fn_ip_equal(&f->host_addrs[i], ip))
			return;
	if (f->n_host_addrs < FN_FILTER_MAX)
		f->host_addrs[f->n_host_addrs++] = *ip;
}

/* The egress is IPv4 only (pasta -4): only IPv4 entries can be allowed. */
static bool resolve_pattern(struct fn_filter *f, const struct fn_identity *id, const char *pattern)
{
	bool found = false;

	for (size_t i = 0; i < id->n_hosts; i++) {
		const struct fn_host_entry *h = &id->hosts[i];

		if (h->ip.family != AF_INET)
			continue;
		for (size_t k = 0; k < h->n_names; k++)
			if (fnmatch(pattern, h->names[k], FNM_CASEFOLD) == 0) {
				add_host_addr(f, &h->ip);
				found = true;
			}
	}
	return found;
}

bool fn_filter_resolve(struct fn_filter *f, const struct fn_identity *id)
{
	for (size_t i = 0; i < f->n_host_patterns; i++)
		if (!resolve_pattern(f, id, f->host_patterns[i])) {
			fn_warn("run: --allow-host %s: no IPv4 hosts entry of the identity matches",
				f->host_patterns[i]);
			return false;
		}
	return true;
}

static bool port_allowed(const struct fn_filter *f, const char *proto, unsigned port)
{
	uint8_t p;

	if (f->n_allow == 0)
		return true;
	if (!proto || (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0))
		return false;
	p = proto[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	for (size_t i = 0; i < f->n_allow; i++)
		if (f->allow[i].proto == p && f->allow[i].port == port)
			return true;
	return false;
}

static bool host_allowed(const struct fn_filter *f, const struct fn_ip *ip)
{
	if (f->n_host_patterns == 0)
		return true;
	for (size_t i = 0; i < f->n_host_addrs; i++)
		if (fn_ip_equal(&f->host_addrs[i], ip))
			return true;
	return false;
}

/* Mirrors fn_filter_each_pair: both lists must agree, an empty one agrees with everything, and with
 * neither list nothing goes out. */
bool fn_filter_allows(const struct fn_filter *f, const char *proto, const struct fn_ip *ip,
		      unsigned port)
{
	if (ip->family == AF_INET && f->open)
		return true;
	if (ip->family != AF_INET || (f->n_allow == 0 && f->n_host_patterns == 0))
		return false;
	return port_allowed(f, proto, port) && host_allowed(f, ip);
}

int fn_filter_peer_sysctls(void)
{
	static const char *const paths[] = {"/proc/sys/net/ipv4/ip_forward",
					    "/proc/sys/net/ipv4/conf/all/forwarding"};

	for (size_t i = 0; i < 2; i++) {
		int fd = open(paths[i], O_WRONLY | O_CLOEXEC), err = 0;

		if (fd < 0)
			return -errno;
		if (write(fd, "1", 1) < 0)
			err = -errno;
		close(fd);
		if (err)
			return err;
	}
	return 0;
}

/* The identity's IPv4 address on the gateway's link whose subnet holds the gateway. */
static const struct fn_cidr *gateway_subnet(const struct fn_identity *id,
					    const struct fn_iface **on)
{
	for (size_t i = 1; i < id->n_ifaces; i++) {
		const struct fn_iface *f = &id->ifaces[i];

		if (f->ifindex != id->gateway_ifindex)
			continue;
		*on = f;
		for (size_t k = 0; k < f->n_addrs; k++)
			if (f->addrs[k].ip.family == AF_INET)
				return &f->addrs[k];
	}
	return NULL;
}

int fn_filter_peer_gateway(struct fn_rtnl *peer, const struct fn_identity *id,
			   struct fn_report *rep)
{
	const struct fn_iface *f = NULL;
	const struct fn_cidr *sub;
	struct fn_nlmsg m;
	struct ifinfomsg *ifi;
	struct ifaddrmsg *ifa;
	int err;

	if (!id->has_gateway || id->gateway_ip.family != AF_INET ||
	    !(sub = gateway_subnet(id, &f))) {
		return fn_fail(rep, -EINVAL,
			       "--net nat and filtered need an IPv4 gateway in the identity");
	}
	/* The identity's neighbour entry names the gateway's MAC: frames must be for this link. */
	ifi = fn_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_index = f->iflink;
	fn_nl_put(&m, IFLA_ADDRESS, id->gateway_mac.b, sizeof(id->gateway_mac.b));
	if ((err = fn_rtnl_talk(peer, &m))) {
		return fn_fail(rep, err, "giving the peer of %s the gateway's MAC", f->name);
	}
	ifa = fn_nl_start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)sub->prefix;
	ifa->ifa_index = (uint32_t)f->iflink;
	fn_nl_put(&m, IFA_LOCAL, id->gateway_ip.bytes, 4);
	fn_nl_put(&m, IFA_ADDRESS, id->gateway_ip.bytes, 4);
	if ((err = fn_rtnl_talk(peer, &m)))
		return fn_fail(rep, err, "giving the peer of %s the gateway's address", f->name);
	return 0;
}

int fn_filter_each_pair(const struct fn_filter *f, fn_filter_pair_fn *each, void *arg)
{
	size_t n_ports = f->n_allow ? f->n_allow : 1,
	       n_hosts = f->n_host_patterns ? f->n_host_addrs : 1;

	if (f->open)
		return each(NULL, NULL, arg);
	if (f->n_allow == 0 && f->n_host_patterns == 0)
		return 0;
	for (size_t i = 0; i < n_ports; i++)
		for (size_t k = 0; k < n_hosts; k++) {
			int err = each(f->n_allow ? &f->allow[i] : NULL,
				       f->n_host_patterns ? &f->host_addrs[k] : NULL, arg);

			if (err)
				return err;
		}
	return 0;
}

/* pasta joins the peer namespace through the descriptor it inherits; as root it would otherwise
 * drop to nobody and then fail to join. It dies with the runner (even a killed one). */
static __attribute__((noreturn)) void exec_pasta(int peer_fd, pid_t runner)
{
	char ns[64];
	int fd = dup(peer_fd); /* without O_CLOEXEC */

	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* the runner's blocked set is not pasta's */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != runner)
		_exit(1);
	snprintf(ns, sizeof(ns), "/proc/self/fd/%d", fd);
	execlp("pasta", "pasta", "-f", "-q", "-4", "--config-net", "--no-map-gw", "--netns-only",
	       "--runas", "0", "-t", "none", "-u", "none", "-T", "none", "-U", "none", "-I",
	       FN_FILTER_EGRESS_IFNAME, "--netns", ns, (char *)NULL);
	_exit(errno == ENOENT ? FN_EXIT_NOTFOUND : FN_EXIT_NOEXEC);
}

struct route_probe {
	bool found;
};

static void saw_default(const struct nlmsghdr *h, void *arg)
{
	const struct rtmsg *rt = NLMSG_DATA(h);

	if (rt->rtm_family == AF_INET && rt->rtm_dst_len == 0 && rt->rtm_table == RT_TABLE_MAIN)
		((struct route_probe *)arg)->found = true;
}

struct wait_job {
	int peer_fd;
	pid_t pasta;
	int err;
	int status;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The namespace's IPv4 route changes as they happen, so the wait below needs no polling. */
static int open_route_events(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV4_ROUTE};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static bool has_default_route(struct fn_rtnl *nl)
{
	struct route_probe p = {0};
	struct fn_nlmsg m;
	struct rtmsg *rt = fn_nl_start(&m, RTM_GETROUTE, 0, sizeof(*rt));

	rt->rtm_family = AF_INET;
	return fn_rtnl_dump(nl, &m, saw_default, &p) == 0 && p.found;
}

/* On a thread of its own, which joins the gateway namespace: pasta's default route there is the
 * sign that its tap is configured. Wakes on a route change or pasta's exit (a pidfd), else every
 * EGRESS_POLL_US where either cannot be had. */
static void *wait_egress(void *arg)
{
	struct wait_job *j = arg;
	long deadline = now_ms() + EGRESS_WAIT_MS;
	struct fn_rtnl nl;
	int events, pidfd;

	if (setns(j->peer_fd, CLONE_NEWNET) < 0 || (j->err = fn_rtnl_open(&nl))) {
		j->err = j->err ? j->err : -errno;
		return NULL;
	}
	events = open_route_events(); /* before the first look: no change goes unseen */
	pidfd = (int)syscall(SYS_pidfd_open, j->pasta, 0);
	j->err = -ETIMEDOUT;
	while (now_ms() < deadline) {
		struct pollfd p[2] = {{.fd = events, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};
		char drain[4096];

		if (has_default_route(&nl)) {
			j->err = 0;
			break;
		}
		if (waitpid(j->pasta, &j->status, WNOHANG) == j->pasta) {
			j->err = -ECHILD;
			break;
		}
		poll(p, 2,
		     events >= 0 && pidfd >= 0 ? (int)(deadline - now_ms())
					       : EGRESS_POLL_US / 1000);
		while (events >= 0 && recv(events, drain, sizeof(drain), MSG_DONTWAIT) > 0)
			;
	}
	if (events >= 0)
		close(events);
	if (pidfd >= 0)
		close(pidfd);
	fn_rtnl_close(&nl);
	return NULL;
}

int fn_filter_spawn_pasta(struct fn_filter *f, int peer_fd, struct fn_report *rep)
{
	pid_t runner = getpid();

	f->pasta = fork();
	if (f->pasta < 0) {
		f->pasta = 0;
		return fn_fail(rep, -errno, "fork");
	}
	if (f->pasta == 0)
		exec_pasta(peer_fd, runner);
	return 0;
}

int fn_filter_watch_egress(struct fn_filter *f, int peer_fd, struct fn_report *rep)
{
	struct wait_job *j = xcalloc(1, sizeof(*j));
	int err;

	j->peer_fd = peer_fd;
	j->pasta = f->pasta;
	if ((err = pthread_create(&f->watcher, NULL, wait_egress, j))) {
		free(j);
		return fn_fail(rep, -err, "starting a thread");
	}
	f->watch = j;
	return 0;
}

/* Joins the watcher; returns its job (the caller frees it), NULL when none ran. */
static struct wait_job *join_watcher(struct fn_filter *f)
{
	struct wait_job *j = f->watch;

	if (!j)
		return NULL;
	pthread_join(f->watcher, NULL);
	f->watch = NULL;
	return j;
}

int fn_filter_wait_egress(struct fn_filter *f, struct fn_report *rep)
{
	struct wait_job *j = join_watcher(f);
	int err, status;

	if (!j)
		return fn_fail(rep, -ECHILD, "waiting for pasta's route: no watch started");
	err = j->err;
	status = j->status;
	free(j);
	if (err == -ECHILD) {
		f->pasta = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == FN_EXIT_NOTFOUND) {
			return fn_fail(rep, -ENOENT, "--net %s needs pasta (Debian package passt)",
				       f->open ? "nat" : "filtered");
		}
		return fn_fail(rep, -EIO, "pasta exited (status %d) before its tap was up",
			       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	if (err)
		return fn_fail(rep, err, "waiting for pasta's route in the peer namespace");
	return 0;
}

void fn_filter_stop(struct fn_filter *f)
{
	if (f->pasta > 0)
		kill(f->pasta, SIGKILL);
	/* A watcher still running sees pasta go (its pidfd) and reaps it. */
	free(join_watcher(f));
	if (f->pasta <= 0)
		return;
	waitpid(f->pasta, NULL, 0);
	f->pasta = 0;
}
