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

/* How long pasta's route may take, unless FAKENET_PASTA_WAIT_S says otherwise. */
#define EGRESS_WAIT_MS 3000

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

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
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

int fn_filter_watch_open(struct fn_filter *f)
{
	int err;

	/* The events first: no change made after the first look goes unseen. */
	f->route_events = open_route_events();
	if (f->route_events < 0)
		return f->route_events;
	if ((err = fn_rtnl_open(&f->gw_nl))) {
		close(f->route_events);
		return err;
	}
	f->watching = true;
	return 0;
}

int fn_filter_watch_fds(const struct fn_filter *f, int fds[3])
{
	if (!f->watching || f->pasta <= 0)
		return 0;
	fds[0] = f->gw_nl.fd;
	fds[1] = f->route_events;
	fds[2] = f->pasta_fd;
	return 3;
}

int fn_filter_spawn_pasta(struct fn_filter *f, int peer_fd, struct fn_report *rep)
{
	pid_t runner = getpid(), pid = fork();
	int err;

	if (pid < 0)
		return fn_fail(rep, -errno, "fork");
	if (pid == 0)
		exec_pasta(peer_fd, runner);
	/* Not reaped before this (no one else waits for it): the pidfd is the very child, and every
	 * signal and wait goes through it, so none can reach a process that took its pid later. */
	f->pasta_fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (f->pasta_fd < 0) {
		err = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return fn_fail(rep, err, "pidfd_open(pasta)");
	}
	f->pasta = pid;
	return 0;
}

/* Reaps pasta if it has exited: true, with its report. */
static bool pasta_exited(struct fn_filter *f, struct fn_report *rep, int *err)
{
	siginfo_t si = {0};
	int code;

	if (waitid((idtype_t)P_PIDFD, (id_t)f->pasta_fd, &si, WEXITED | WNOHANG) < 0 ||
	    si.si_pid == 0)
		return false;
	close(f->pasta_fd);
	f->pasta = 0;
	if (si.si_code == CLD_EXITED && si.si_status == FN_EXIT_NOTFOUND) {
		*err = fn_fail(rep, -ENOENT, "--net %s needs pasta (Debian package passt)",
			       f->open ? "nat" : "filtered");
		return true;
	}
	code = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	*err = fn_fail(rep, -EIO, "pasta exited (status %d) before its tap was up", code);
	return true;
}

/* FAKENET_PASTA_WAIT_S, for a machine where pasta is slower, in ms; the default without it. */
static long egress_wait_ms(void)
{
	/* Read by run and by the OCI hook: the warning names no command. */
	return (long)fn_env_seconds_ms("FAKENET_PASTA_WAIT_S", EGRESS_WAIT_MS, NULL);
}

#define MAX_ALSO 4

int fn_filter_wait_egress(struct fn_filter *f, struct pollfd *also, size_t n_also,
			  struct fn_report *rep)
{
	struct pollfd p[2 + MAX_ALSO];
	char drain[4096];
	int err;

	if (!f->watching || f->pasta <= 0 || n_also > MAX_ALSO)
		return fn_fail(rep, -ECHILD, "waiting for pasta's route: no pasta started");
	if (!f->deadline)
		f->deadline = now_ms() + egress_wait_ms();
	for (;;) {
		long left = f->deadline - now_ms();
		bool woken = false;

		if (has_default_route(&f->gw_nl))
			return 0;
		if (pasta_exited(f, rep, &err))
			return err;
		if (left <= 0)
			return fn_fail(rep, -ETIMEDOUT,
				       "waiting for pasta's route in the peer namespace");
		p[0] = (struct pollfd){.fd = f->route_events, .events = POLLIN};
		p[1] = (struct pollfd){.fd = f->pasta_fd, .events = POLLIN};
		for (size_t i = 0; i < n_also; i++)
			p[2 + i] = (struct pollfd){.fd = also[i].fd, .events = also[i].events};
		if (poll(p, 2 + n_also, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return fn_fail_errno(rep, "waiting for pasta's route");
		}
		while (recv(f->route_events, drain, sizeof(drain), MSG_DONTWAIT) > 0)
			;
		for (size_t i = 0; i < n_also; i++) {
			also[i].revents = p[2 + i].revents;
			woken |= also[i].revents != 0;
		}
		if (woken)
			return 1;
	}
}

void fn_filter_stop(struct fn_filter *f)
{
	if (f->watching) {
		fn_rtnl_close(&f->gw_nl);
		close(f->route_events);
		f->watching = false;
	}
	if (f->pasta <= 0)
		return;
	/* Through the pidfd: pasta is still this process's unreaped child, whatever it did. */
	syscall(SYS_pidfd_send_signal, f->pasta_fd, SIGKILL, NULL, 0);
	waitid((idtype_t)P_PIDFD, (id_t)f->pasta_fd, &(siginfo_t){0}, WEXITED);
	close(f->pasta_fd);
	f->pasta = 0;
}
