/* The connection audit of --net isolated --log: every connect(), every sendto() with an address
 * and every sendmsg() and sendmmsg() made by anything in the namespace is stopped for a moment by
 * a seccomp filter the init installs (SECCOMP_RET_USER_NOTIF); a thread of the runner reads the
 * destinations from the caller's memory, lets the call go on unchanged, and writes one JSON line
 * per destination with what the kernel will answer. Nothing is decided here: the gateway
 * namespace's policy does that. A message without an address (a connected socket's) is logged at
 * the socket's connect(). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "jsonl.h"
#include "procinfo.h"
#include "netaddr.h"
#include "connlog.h"
#include "net.h"
#include "util.h"

#if defined(__x86_64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#endif

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HI(n) (ARG_LO(n) + 4)

bool fn_connlog_supported(void)
{
#ifdef AUDIT_ARCH_SELF
	return true;
#else
	return false;
#endif
}

/* connect(fd, addr, len), sendto(fd, buf, n, flags, addr, len) with addr != NULL, and every
 * sendmsg() and sendmmsg(), whose addresses sit in memory the filter cannot read. */
static int install_filter(void)
{
#ifdef AUDIT_ARCH_SELF
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 8, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 7, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmmsg, 6, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(4)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(4)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = N_ELEMENTS(code), .filter = code};

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* The listener cannot travel by SCM_RIGHTS: that is a sendmsg(), which the new filter holds until
 * the listener is read, by the runner, which waits for it. The init writes the descriptor's number
 * instead, the runner takes the descriptor with pidfd_getfd(2) and answers, and only then does
 * the init close its copy. */
int fn_connlog_install(int sock, struct fn_report *rep)
{
	int listener = install_filter(), err = 0;
	char ack;

	if (listener < 0) {
		err = fn_fail_errno(rep, "installing the connection audit filter");
		close(sock);
		return err;
	}
	if (write(sock, &listener, sizeof(listener)) != (ssize_t)sizeof(listener) ||
	    read(sock, &ack, 1) != 1)
		err = errno ? -errno : -EPIPE;
	close(listener);
	close(sock);
	if (err)
		fn_fail(rep, err, "handing the connection audit to the runner");
	return err;
}

/* The init's pid, which the runner learns from fork() after the audit thread has started. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t init_known = PTHREAD_COND_INITIALIZER;
static pid_t init_pid;

void fn_connlog_set_init(pid_t pid)
{
	pthread_mutex_lock(&init_lock);
	init_pid = pid;
	pthread_cond_broadcast(&init_known);
	pthread_mutex_unlock(&init_lock);
}

/* The listener, taken from the init's descriptors; -1 when the init is gone. */
static int take_listener(int sock)
{
	int remote, pidfd, fd;
	pid_t pid;

	if (read(sock, &remote, sizeof(remote)) != (ssize_t)sizeof(remote))
		return -1;
	pthread_mutex_lock(&init_lock);
	while (!init_pid)
		pthread_cond_wait(&init_known, &init_lock);
	pid = init_pid;
	pthread_mutex_unlock(&init_lock);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -1;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, remote, 0);
	close(pidfd);
	if (write(sock, "k", 1) != 1 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

struct connlog {
	const struct fn_identity *id;
	const struct fn_filter *filter; /* --net filtered: what else its rules let out */
	int sock;			/* where the init sends the listener */
	int log_fd;
};

/* The socket's protocol, from a copy of the caller's descriptor. */
static const char *socket_protocol(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), copy, proto = -1;
	socklen_t len = sizeof(proto);

	if (pidfd < 0)
		return NULL;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (copy < 0)
		return NULL;
	if (getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0)
		proto = -1;
	close(copy);
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return "icmp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return NULL;
	}
}

/* What the namespace does with a destination: only loopback, the identity's own addresses and
 * its resolver are reachable, and under --net filtered what the allowlist lets out. */
static const char *verdict(const struct connlog *c, const char *proto, const struct fn_ip *ip,
			   unsigned port)
{
	const struct fn_identity *id = c->id;

	static const uint8_t v6_loopback[16] = {[15] = 1};

	for (size_t i = 0; i < id->n_nameservers; i++)
		if (fn_ip_equal(&id->nameservers[i], ip) && port == 53)
			return "resolver";
	if ((ip->family == AF_INET && ip->bytes[0] == 127) ||
	    (ip->family == AF_INET6 && memcmp(ip->bytes, v6_loopback, 16) == 0))
		return "allowed";
	for (size_t i = 1; i < id->n_ifaces; i++)
		for (size_t k = 0; k < id->ifaces[i].n_addrs; k++)
			if (fn_ip_equal(&id->ifaces[i].addrs[k].ip, ip))
				return "allowed";
	if (c->filter && fn_filter_allows(c->filter, proto, ip, port))
		return "allowed";
	return "refused";
}

static bool read_address(pid_t pid, uint64_t addr, uint64_t len, struct fn_ip *ip, unsigned *port)
{
	struct sockaddr_storage ss = {0};
	struct iovec local = {.iov_base = &ss, .iov_len = len < sizeof(ss) ? len : sizeof(ss)};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = local.iov_len};

	if (!addr || process_vm_readv(pid, &local, 1, &remote, 1, 0) < (ssize_t)sizeof(sa_family_t))
		return false;
	memset(ip, 0, sizeof(*ip));
	if (ss.ss_family == AF_INET && local.iov_len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		ip->family = AF_INET;
		memcpy(ip->bytes, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return true;
	}
	if (ss.ss_family == AF_INET6 && local.iov_len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		ip->family = AF_INET6;
		memcpy(ip->bytes, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
		return true;
	}
	return false; /* AF_UNIX and the rest: not the network */
}

#define MAX_DESTINATIONS 16 /* of one sendmmsg(); more are not read */

struct destination {
	struct fn_ip ip;
	unsigned port;
};

static bool read_memory(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};

	return addr && process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* The destinations of one call, read from the caller's memory: none for an unconnected
 * family, a message without an address, or memory that cannot be read. */
static size_t read_destinations(const struct seccomp_notif *req, struct destination *d)
{
	const __u64 *a = req->data.args;
	size_t n = 0;

	switch (req->data.nr) {
	case __NR_connect:
		return read_address(req->pid, a[1], a[2], &d->ip, &d->port) ? 1 : 0;
	case __NR_sendto:
		return read_address(req->pid, a[4], a[5], &d->ip, &d->port) ? 1 : 0;
	case __NR_sendmsg: {
		struct msghdr m;

		return read_memory(req->pid, a[1], &m, sizeof(m)) &&
			       read_address(req->pid, (uintptr_t)m.msg_name, m.msg_namelen, &d->ip,
					    &d->port)
			   ? 1
			   : 0;
	}
	case __NR_sendmmsg:
		for (__u64 i = 0; i < a[2] && i < MAX_DESTINATIONS; i++) {
			struct mmsghdr m;

			if (!read_memory(req->pid, a[1] + i * sizeof(m), &m, sizeof(m)))
				break;
			if (read_address(req->pid, (uintptr_t)m.msg_hdr.msg_name,
					 m.msg_hdr.msg_namelen, &d[n].ip, &d[n].port))
				n++;
		}
		return n;
	}
	return 0;
}

static const char *call_name(int nr)
{
	switch (nr) {
	case __NR_connect:
		return "connect";
	case __NR_sendto:
		return "sendto";
	case __NR_sendmsg:
		return "sendmsg";
	default:
		return "sendmmsg";
	}
}

/* Who made a call, read while the call is held: once it goes on, the process may be gone. */
struct caller {
	pid_t pid; /* as the target's pid namespace numbers it */
	char comm[32];
	const char *proto;
};

static void log_attempt(const struct connlog *c, const struct caller *who, const char *call,
			const struct fn_ip *ip, unsigned port)
{
	const char *proto = who->proto;
	struct fn_jsonl j;
	char text[FN_IP_STRLEN];

	fn_jsonl_event(&j, "connect", who->pid);
	fn_jsonl_str(&j, "command", who->comm);
	fn_jsonl_str(&j, "call", call);
	fn_jsonl_str(&j, "protocol", proto);
	fn_jsonl_str(&j, "address", fn_ip_format(ip, text));
	fn_jsonl_int(&j, "port", port);
	fn_jsonl_str(&j, "verdict", verdict(c, proto, ip, port));
	fn_jsonl_write(&j, c->log_fd);
}

static void *connlog_loop(void *arg)
{
	struct connlog *c = arg;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int fd = take_listener(c->sock);

	close(c->sock);
	if (fd < 0 || syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return NULL;
	req = calloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
	resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp
								  : sizeof(*resp));
	for (;;) {
		struct destination d[MAX_DESTINATIONS];
		struct caller who = {0};
		size_t n;

		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break; /* every process of the namespace has gone */
		}
		n = read_destinations(req, d);
		if (n) {
			who.proto = socket_protocol(req->pid, (int)req->data.args[0]);
			who.pid = fn_proc_inner_pid(req->pid);
			fn_proc_comm(req->pid, who.comm, sizeof(who.comm));
		}
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		/* What was read belongs to the call only if it is still waiting. It is written
		 * before the call goes on: a caller that then exits, and the run with it, loses no
		 * line. */
		if (n && ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
			n = 0;
		for (size_t i = 0; i < n; i++)
			log_attempt(c, &who, call_name(req->data.nr), &d[i].ip, d[i].port);
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	free(req);
	free(resp);
	close(fd);
	return NULL;
}

int fn_connlog_start(const struct fn_identity *id, int sock, int log_fd,
		     const struct fn_filter *filter)
{
	static struct connlog c;

	c = (struct connlog){.id = id, .filter = filter, .sock = sock, .log_fd = log_fd};
	return fn_net_start_thread(connlog_loop, &c, 256 * 1024);
}
