/* Minimal rtnetlink client for building the isolated namespace: fixed-size requests, one ack per
 * request, and dumps walked with a callback. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtnl.h"
#include "util.h"

int fn_rtnl_open(struct fn_rtnl *nl)
{
	return fn_netlink_open(nl, NETLINK_ROUTE);
}

int fn_netlink_open(struct fn_rtnl *nl, int protocol)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	nl->seq = 1;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(nl->fd);
		nl->fd = -1;
		return err;
	}
	return 0;
}

void fn_rtnl_close(struct fn_rtnl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

static void *tail(struct fn_nlmsg *m)
{
	return m->buf + NLMSG_ALIGN(m->hdr.nlmsg_len);
}

void *fn_nl_start(struct fn_nlmsg *m, uint16_t type, uint16_t flags, size_t hdr_len)
{
	memset(m, 0, sizeof(*m));
	m->hdr.nlmsg_type = type;
	m->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->hdr.nlmsg_len = NLMSG_LENGTH(hdr_len);
	return NLMSG_DATA(&m->hdr);
}

void *fn_nl_reserve(struct fn_nlmsg *m, size_t len)
{
	void *p = tail(m);

	if (NLMSG_ALIGN(m->hdr.nlmsg_len) + RTA_ALIGN(len) > sizeof(m->buf))
		fn_die(FN_EXIT_OWN, "netlink request too large");
	memset(p, 0, RTA_ALIGN(len));
	m->hdr.nlmsg_len = NLMSG_ALIGN(m->hdr.nlmsg_len) + RTA_ALIGN(len);
	return p;
}

void fn_nl_put(struct fn_nlmsg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = fn_nl_reserve(m, RTA_LENGTH(len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
}

void fn_nl_put_u8(struct fn_nlmsg *m, uint16_t type, uint8_t v)
{
	fn_nl_put(m, type, &v, sizeof(v));
}

void fn_nl_put_u32(struct fn_nlmsg *m, uint16_t type, uint32_t v)
{
	fn_nl_put(m, type, &v, sizeof(v));
}

void fn_nl_put_str(struct fn_nlmsg *m, uint16_t type, const char *s)
{
	fn_nl_put(m, type, s, strlen(s) + 1);
}

struct rtattr *fn_nl_nest_start(struct fn_nlmsg *m, uint16_t type)
{
	struct rtattr *a = fn_nl_reserve(m, RTA_LENGTH(0));

	a->rta_type = type;
	return a;
}

void fn_nl_nest_end(struct fn_nlmsg *m, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)tail(m) - (char *)nest);
}

static int send_msg(struct fn_rtnl *nl, struct fn_nlmsg *m)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	m->hdr.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, m->buf, m->hdr.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Reads answers to the last request until its ack (or the end of a dump). */
static int receive(struct fn_rtnl *nl, void (*each)(const struct nlmsghdr *h, void *arg), void *arg)
{
	static __thread char buf[32768];

	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (each)
				each(h, arg);
		}
	}
}

int fn_rtnl_talk(struct fn_rtnl *nl, struct fn_nlmsg *m)
{
	int err = send_msg(nl, m);

	return err ? err : receive(nl, NULL, NULL);
}

int fn_rtnl_dump(struct fn_rtnl *nl, struct fn_nlmsg *m,
		 void (*each)(const struct nlmsghdr *h, void *arg), void *arg)
{
	int err;

	m->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	err = send_msg(nl, m);
	return err ? err : receive(nl, each, arg);
}

void fn_nl_parse(const struct nlmsghdr *h, size_t hdr_len, struct rtattr **tb, int max)
{
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(hdr_len);

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	for (struct rtattr *a = (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdr_len));
	     RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= max)
			tb[a->rta_type] = a;
}
