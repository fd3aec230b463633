/* Minimal rtnetlink: build one request in a fixed buffer, send it, and wait for the kernel's ack,
 * or walk a dump. Enough for links, addresses, routes, rules and neighbours, without libmnl. */
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>

struct fn_rtnl {
	int fd; /* NETLINK_ROUTE socket, bound to the netns it was created in */
	uint32_t seq;
};

struct fn_nlmsg {
	union {
		struct nlmsghdr hdr;
		char buf[2048];
	};
};

/* Opens a socket in the calling thread's network namespace. Returns -errno. */
int fn_rtnl_open(struct fn_rtnl *nl);
/* The same for another netlink family (NETLINK_NETFILTER). */
int fn_netlink_open(struct fn_rtnl *nl, int protocol);
void fn_rtnl_close(struct fn_rtnl *nl);

/* Starts a request of `type` with `flags` (NLM_F_REQUEST|NLM_F_ACK are added) and a zeroed family
 * header of `hdr_len` bytes, which is returned. */
void *fn_nl_start(struct fn_nlmsg *m, uint16_t type, uint16_t flags, size_t hdr_len);
void fn_nl_put(struct fn_nlmsg *m, uint16_t type, const void *data, size_t len);
void fn_nl_put_u8(struct fn_nlmsg *m, uint16_t type, uint8_t v);
void fn_nl_put_u32(struct fn_nlmsg *m, uint16_t type, uint32_t v);
void fn_nl_put_str(struct fn_nlmsg *m, uint16_t type, const char *s);
/* Opens a nested attribute; close it with fn_nl_nest_end. */
struct rtattr *fn_nl_nest_start(struct fn_nlmsg *m, uint16_t type);
void fn_nl_nest_end(struct fn_nlmsg *m, struct rtattr *nest);
/* Reserves `len` zeroed bytes inside the message (a header inside a nest) and returns them. */
void *fn_nl_reserve(struct fn_nlmsg *m, size_t len);

/* Sends the request and waits for its ack. Returns 0 or -errno from the kernel. */
int fn_rtnl_talk(struct fn_rtnl *nl, struct fn_nlmsg *m);

/* Sends a dump request and calls `each` for every message of the answer. Returns 0 or -errno. */
int fn_rtnl_dump(struct fn_rtnl *nl, struct fn_nlmsg *m,
		 void (*each)(const struct nlmsghdr *h, void *arg), void *arg);

/* The attributes of a message after its `hdr_len`-byte family header, indexed by type. */
void fn_nl_parse(const struct nlmsghdr *h, size_t hdr_len, struct rtattr **tb, int max);
