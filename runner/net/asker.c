/* The audit log's answer to "who asked the resolver": sock_diag lists the namespace's UDP
 * sockets with their inode, and the process is the one with a descriptor on that inode. Costs a
 * walk of /proc per query, which only --log pays. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asker.h"
#include "procinfo.h"
#include "rtnl.h"

int fn_asker_open(void)
{
	struct fn_rtnl nl;
	int err = fn_netlink_open(&nl, NETLINK_SOCK_DIAG);

	return err ? err : nl.fd;
}

struct socket_match {
	const struct sockaddr_storage *from;
	unsigned long inode;
};

static bool same_source(const struct inet_diag_msg *m, const struct sockaddr_storage *from)
{
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)from;

		return m->id.idiag_sport == in->sin_port &&
		       (m->id.idiag_src[0] == in->sin_addr.s_addr || m->id.idiag_src[0] == 0);
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)from;
	static const uint32_t any[4];

	return m->id.idiag_sport == in6->sin6_port &&
	       (memcmp(m->id.idiag_src, &in6->sin6_addr, 16) == 0 ||
		memcmp(m->id.idiag_src, any, 16) == 0);
}

static void saw_socket(const struct nlmsghdr *h, void *arg)
{
	struct socket_match *s = arg;
	const struct inet_diag_msg *m = NLMSG_DATA(h);

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || s->inode)
		return;
	if (same_source(m, s->from))
		s->inode = m->idiag_inode;
}

static unsigned long socket_inode(int diag_fd, const struct sockaddr_storage *from)
{
	struct fn_rtnl nl = {.fd = diag_fd, .seq = 1};
	struct socket_match s = {.from = from};
	struct fn_nlmsg m;
	struct inet_diag_req_v2 *req = fn_nl_start(&m, SOCK_DIAG_BY_FAMILY, 0, sizeof(*req));

	req->sdiag_family = (uint8_t)from->ss_family;
	req->sdiag_protocol = IPPROTO_UDP;
	req->idiag_states = ~0u;
	if (fn_rtnl_dump(&nl, &m, saw_socket, &s) < 0)
		return 0;
	return s.inode;
}

static bool holds_socket(pid_t pid, const char *want)
{
	char dir[32], link[64];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(dir)))
		return false;
	while (!found && (e = readdir(d))) {
		ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);

		if (n > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(d);
	return found;
}

static pid_t socket_owner(unsigned long inode)
{
	char want[48];
	struct dirent *e;
	pid_t pid = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (!pid && (e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    holds_socket(atoi(e->d_name), want))
			pid = (pid_t)atoi(e->d_name);
	closedir(d);
	return pid;
}

pid_t fn_asker_find(int diag_fd, const struct sockaddr_storage *from, char *comm, size_t len)
{
	unsigned long inode;
	pid_t pid;

	comm[0] = '\0';
	if (diag_fd < 0 || (from->ss_family != AF_INET && from->ss_family != AF_INET6))
		return 0;
	if (!(inode = socket_inode(diag_fd, from)) || !(pid = socket_owner(inode)))
		return 0;
	fn_proc_comm(pid, comm, len);
	return fn_proc_inner_pid(pid);
}
