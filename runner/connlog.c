/* The connection audit of --net isolated --log: every connect(), and every sendto() with an
 * address, made by anything in the namespace is stopped for a moment by a seccomp filter the init
 * installs (SECCOMP_RET_USER_NOTIF); a thread of the runner reads the destination from the
 * caller's memory, lets the call go on unchanged, and writes one JSON line with what the kernel
 * will answer. Nothing is decided here: the namespace's routing does that. sendmsg() and
 * sendmmsg() are not watched (a connected socket's datagrams are logged at its connect()). */
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
#include "netns.h"

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

/* connect(fd, addr, len) and sendto(fd, buf, n, flags, addr, len) with addr != NULL. */
static int install_filter(void)
{
#ifdef AUDIT_ARCH_SELF
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 6, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(4)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(4)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int send_fd(int sock, int fd)
{
	char data = 'L';
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c = {0};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) < 0 ? -errno : 0;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int fn_connlog_install(int sock, struct fn_report *rep)
{
	int listener = install_filter(), err;

	if (listener < 0) {
		fn_report_set(rep, FN_REPORT_SETUP, errno, "installing the connection audit filter",
			      NULL);
		return -errno;
	}
	err = send_fd(sock, listener);
	close(listener);
	close(sock);
	if (err)
		fn_report_set(rep, FN_REPORT_SETUP, -err,
			      "handing the connection audit to the runner", NULL);
	return err;
}

struct connlog {
	const struct fn_identity *id;
	const struct fn_filter *filter; /* --net filtered: what else its rules let out */
	int sock;			/* where the init sends the listener */
	int log_fd;
};

/* The pid as the command sees it: the last NSpid of /proc/PID/status. */
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

static void log_attempt(const struct connlog *c, pid_t pid, const char *call, const char *proto,
			const struct fn_ip *ip, unsigned port)
{
	struct fn_jsonl j;
	char comm[32], text[FN_IP_STRLEN];

	fn_proc_comm(pid, comm, sizeof(comm));
	fn_jsonl_event(&j, "connect", fn_proc_inner_pid(pid));
	fn_jsonl_str(&j, "command", comm);
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
	int fd = recv_fd(c->sock);

	close(c->sock);
	if (fd < 0 || syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return NULL;
	req = calloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
	resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp
								  : sizeof(*resp));
	for (;;) {
		struct fn_ip ip;
		unsigned port = 0;
		bool is_connect, seen;
		const char *proto = NULL;

		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break; /* every process of the namespace has gone */
		}
		is_connect = req->data.nr == __NR_connect;
		seen = read_address(req->pid, req->data.args[is_connect ? 1 : 4],
				    req->data.args[is_connect ? 2 : 5], &ip, &port);
		if (seen)
			proto = socket_protocol(req->pid, (int)req->data.args[0]);
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		/* What was read belongs to the call only if it is still waiting. */
		if (seen && ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
			seen = false;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
		if (seen)
			log_attempt(c, req->pid, is_connect ? "connect" : "sendto", proto, &ip,
				    port);
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
	pthread_attr_t attr;
	pthread_t t;
	int err;

	c = (struct connlog){.id = id, .filter = filter, .sock = sock, .log_fd = log_fd};
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	err = pthread_create(&t, &attr, connlog_loop, &c);
	pthread_attr_destroy(&attr);
	return -err;
}
