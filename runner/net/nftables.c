/* The gateway namespace's nftables tables, each built as one nfnetlink batch: the kernel applies
 * a batch whole or not at all, so a failure never leaves half a filter. The target's namespace
 * holds none: the policy sits where the target's links lead, out of its reach. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "nftables.h"
#include "rtnl.h"

#define NFT_TYPE(msg)	  ((uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | (msg)))
#define ANSWER_TIMEOUT_S  2
#define LOOPBACK_IFINDEX  1
#define IPV6_DADDR_OFFSET 24
#define IPV4_DADDR_OFFSET 16
#define L4_DPORT_OFFSET	  2
#define ARP_OP_OFFSET	  6

/* A growing batch of requests, sent in one sendmsg. */
struct batch {
	char *buf;
	size_t len, cap;
	uint32_t seq;
	int failed;	    /* -ENOMEM once an append failed */
	const char *chain;  /* where rule_begin appends */
	int family;	    /* NFPROTO_INET or NFPROTO_NETDEV */
	const char *egress; /* pasta's tap: the one way out of a forward chain; NULL: none */
};

static void batch_append(struct batch *b, struct fn_nlmsg *m)
{
	size_t n = NLMSG_ALIGN(m->hdr.nlmsg_len);

	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		char *p;

		while (cap < b->len + n)
			cap *= 2;
		if (!(p = realloc(b->buf, cap))) {
			b->failed = -ENOMEM;
			return;
		}
		b->buf = p;
		b->cap = cap;
	}
	m->hdr.nlmsg_seq = b->seq;
	memcpy(b->buf + b->len, m->buf, n);
	b->len += n;
}

/* Requests inside a batch ask for no ack: the kernel still reports every error. */
static struct nfgenmsg *nft_start(struct fn_nlmsg *m, uint16_t type, uint16_t flags, int family)
{
	struct nfgenmsg *g = fn_nl_start(m, type, flags, sizeof(*g));

	m->hdr.nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	g->nfgen_family = (uint8_t)family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(NFNL_SUBSYS_NFTABLES);
	return g;
}

static void put_be32(struct fn_nlmsg *m, uint16_t type, uint32_t v)
{
	fn_nl_put_u32(m, type, htonl(v));
}

static struct rtattr *nest(struct fn_nlmsg *m, uint16_t type)
{
	return fn_nl_nest_start(m, type | NLA_F_NESTED);
}

struct expr {
	struct rtattr *elem, *data;
};

static struct expr expr_begin(struct fn_nlmsg *m, const char *name)
{
	struct expr e;

	e.elem = nest(m, NFTA_LIST_ELEM);
	fn_nl_put_str(m, NFTA_EXPR_NAME, name);
	e.data = nest(m, NFTA_EXPR_DATA);
	return e;
}

static void expr_end(struct fn_nlmsg *m, struct expr e)
{
	fn_nl_nest_end(m, e.data);
	fn_nl_nest_end(m, e.elem);
}

static void load_meta(struct fn_nlmsg *m, uint32_t key)
{
	struct expr e = expr_begin(m, "meta");

	put_be32(m, NFTA_META_DREG, NFT_REG_1);
	put_be32(m, NFTA_META_KEY, key);
	expr_end(m, e);
}

static void load_payload(struct fn_nlmsg *m, uint32_t base, uint32_t offset, uint32_t len)
{
	struct expr e = expr_begin(m, "payload");

	put_be32(m, NFTA_PAYLOAD_DREG, NFT_REG_1);
	put_be32(m, NFTA_PAYLOAD_BASE, base);
	put_be32(m, NFTA_PAYLOAD_OFFSET, offset);
	put_be32(m, NFTA_PAYLOAD_LEN, len);
	expr_end(m, e);
}

static void cmp_op(struct fn_nlmsg *m, uint32_t op, const void *value, size_t len)
{
	struct expr e = expr_begin(m, "cmp");
	struct rtattr *data;

	put_be32(m, NFTA_CMP_SREG, NFT_REG_1);
	put_be32(m, NFTA_CMP_OP, op);
	data = nest(m, NFTA_CMP_DATA);
	fn_nl_put(m, NFTA_DATA_VALUE, value, len);
	fn_nl_nest_end(m, data);
	expr_end(m, e);
}

static void cmp_eq(struct fn_nlmsg *m, const void *value, size_t len)
{
	cmp_op(m, NFT_CMP_EQ, value, len);
}

static void match_meta_u8(struct fn_nlmsg *m, uint32_t key, uint8_t v)
{
	load_meta(m, key);
	cmp_eq(m, &v, sizeof(v));
}

static void counter(struct fn_nlmsg *m)
{
	struct expr e = expr_begin(m, "counter");

	expr_end(m, e);
}

static void verdict(struct fn_nlmsg *m, uint32_t code)
{
	struct expr e = expr_begin(m, "immediate");
	struct rtattr *data, *v;

	put_be32(m, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	data = nest(m, NFTA_IMMEDIATE_DATA);
	v = nest(m, NFTA_DATA_VERDICT);
	put_be32(m, NFTA_VERDICT_CODE, code);
	fn_nl_nest_end(m, v);
	fn_nl_nest_end(m, data);
	expr_end(m, e);
}

static void verdict_accept(struct fn_nlmsg *m)
{
	verdict(m, NF_ACCEPT);
}

static void reject_with(struct fn_nlmsg *m, uint32_t type, uint8_t icmpx_code)
{
	struct expr e = expr_begin(m, "reject");

	put_be32(m, NFTA_REJECT_TYPE, type);
	if (type == NFT_REJECT_ICMPX_UNREACH)
		fn_nl_put_u8(m, NFTA_REJECT_ICMP_CODE, icmpx_code);
	expr_end(m, e);
}

/* A rule is the table and chain names, then its expressions: begin, add, end. */
static struct rtattr *rule_begin(const struct batch *b, struct fn_nlmsg *m)
{
	nft_start(m, NFT_TYPE(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND, b->family);
	fn_nl_put_str(m, NFTA_RULE_TABLE, FN_NFT_TABLE);
	fn_nl_put_str(m, NFTA_RULE_CHAIN, b->chain);
	return nest(m, NFTA_RULE_EXPRESSIONS);
}

static void rule_end(struct batch *b, struct fn_nlmsg *m, struct rtattr *exprs)
{
	fn_nl_nest_end(m, exprs);
	batch_append(b, m);
}

static void add_table(struct batch *b)
{
	struct fn_nlmsg m;

	nft_start(&m, NFT_TYPE(NFT_MSG_NEWTABLE), NLM_F_CREATE, b->family);
	fn_nl_put_str(&m, NFTA_TABLE_NAME, FN_NFT_TABLE);
	batch_append(b, &m);
}

/* A base chain on `hooknum` with policy drop (on the links named in `devs`, for an ingress
 * chain); the rules that follow go there. */
static void add_chain(struct batch *b, const char *name, uint32_t hooknum, const char *const *devs,
		      size_t n_devs)
{
	struct fn_nlmsg m;
	struct rtattr *hook;

	nft_start(&m, NFT_TYPE(NFT_MSG_NEWCHAIN), NLM_F_CREATE, b->family);
	fn_nl_put_str(&m, NFTA_CHAIN_TABLE, FN_NFT_TABLE);
	fn_nl_put_str(&m, NFTA_CHAIN_NAME, name);
	hook = nest(&m, NFTA_CHAIN_HOOK);
	put_be32(&m, NFTA_HOOK_HOOKNUM, hooknum);
	put_be32(&m, NFTA_HOOK_PRIORITY, 0);
	if (n_devs) {
		struct rtattr *list = nest(&m, NFTA_HOOK_DEVS);

		for (size_t i = 0; i < n_devs; i++)
			fn_nl_put_str(&m, NFTA_DEVICE_NAME, devs[i]);
		fn_nl_nest_end(&m, list);
	}
	fn_nl_nest_end(&m, hook);
	put_be32(&m, NFTA_CHAIN_POLICY, NF_DROP);
	fn_nl_put_str(&m, NFTA_CHAIN_TYPE, "filter");
	batch_append(b, &m);
	b->chain = name;
}

/* Matches what leaves by the interface named `name` (a link made by someone else: pasta's). */
static void match_oifname(struct fn_nlmsg *m, const char *name)
{
	char padded[IFNAMSIZ] = {0};

	strncpy(padded, name, sizeof(padded) - 1);
	load_meta(m, NFT_META_OIFNAME);
	cmp_eq(m, padded, sizeof(padded));
}

/* One rule per (port, host) pair of the allowlist, out through pasta only (never back onto the
 * identity's links); IPv4 only, as the egress is. */
static int add_allow_pair(const struct fn_allow *port, const struct fn_ip *host, void *arg)
{
	struct batch *b = arg;
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	match_meta_u8(&m, NFT_META_NFPROTO, NFPROTO_IPV4);
	match_oifname(&m, b->egress);
	if (port) {
		uint16_t be_port = htons(port->port);

		match_meta_u8(&m, NFT_META_L4PROTO, port->proto);
		load_payload(&m, NFT_PAYLOAD_TRANSPORT_HEADER, L4_DPORT_OFFSET, sizeof(be_port));
		cmp_eq(&m, &be_port, sizeof(be_port));
	}
	if (host) {
		load_payload(&m, NFT_PAYLOAD_NETWORK_HEADER, IPV4_DADDR_OFFSET, 4);
		cmp_eq(&m, host->bytes, 4);
	}
	verdict_accept(&m);
	rule_end(b, &m, x);
	return 0;
}

static void add_rejects(struct batch *b)
{
	struct fn_nlmsg m;
	struct rtattr *x;

	x = rule_begin(b, &m);
	match_meta_u8(&m, NFT_META_L4PROTO, IPPROTO_TCP);
	counter(&m);
	reject_with(&m, NFT_REJECT_TCP_RST, 0);
	rule_end(b, &m, x);

	x = rule_begin(b, &m);
	counter(&m);
	reject_with(&m, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_PORT_UNREACH);
	rule_end(b, &m, x);
}

static void batch_mark(struct batch *b, uint16_t type)
{
	struct fn_nlmsg m;

	nft_start(&m, type, 0, AF_UNSPEC);
	batch_append(b, &m);
}

static int open_nfnetlink(struct fn_rtnl *nl)
{
	struct timeval tv = {.tv_sec = ANSWER_TIMEOUT_S};
	int err = fn_netlink_open(nl, NETLINK_NETFILTER);

	if (err)
		return err;
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* Reads answers until the one to `fence_seq`; the first error of `batch_seq` wins. */
static int read_until(struct fn_rtnl *nl, uint32_t batch_seq, uint32_t fence_seq,
		      void (*each)(const struct nlmsghdr *h, void *arg), void *arg)
{
	static __thread char buf[32768];
	int first_err = 0;

	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			int err = h->nlmsg_type == NLMSG_ERROR
				      ? ((struct nlmsgerr *)NLMSG_DATA(h))->error
				      : 0;

			if (h->nlmsg_seq == batch_seq && err && !first_err)
				first_err = err;
			if (h->nlmsg_seq != fence_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE)
				return first_err ? first_err : err;
			if (each)
				each(h, arg);
		}
	}
}

static int send_all(struct fn_rtnl *nl, const void *buf, size_t len)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	if (sendto(nl->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* The generation request after the batch is a fence: its answer comes after every error the
 * batch produced, which otherwise would need no answer at all. */
static int send_fence(struct fn_rtnl *nl, uint32_t seq)
{
	struct fn_nlmsg m;

	nft_start(&m, NFT_TYPE(NFT_MSG_GETGEN), 0, AF_UNSPEC);
	m.hdr.nlmsg_flags |= NLM_F_ACK;
	m.hdr.nlmsg_seq = seq;
	return send_all(nl, m.buf, m.hdr.nlmsg_len);
}

/* Sends the batch between its begin and end marks and waits for the kernel's verdict on it. */
static int commit(struct batch *b)
{
	struct fn_rtnl nl;
	int err;

	batch_mark(b, NFNL_MSG_BATCH_END);
	if ((err = b->failed)) {
		free(b->buf);
		return err;
	}
	if ((err = open_nfnetlink(&nl))) {
		free(b->buf);
		return err;
	}
	err = send_all(&nl, b->buf, b->len);
	free(b->buf);
	if (!err)
		err = send_fence(&nl, 2);
	if (!err)
		err = read_until(&nl, 1, 2, NULL, NULL);
	fn_rtnl_close(&nl);
	return err;
}

/* Accepts what comes in on the interface named `name` (a link made by someone else: pasta's). */
static void accept_iifname(struct batch *b, const char *name)
{
	char padded[IFNAMSIZ] = {0};
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	strncpy(padded, name, sizeof(padded) - 1);
	load_meta(&m, NFT_META_IIFNAME);
	cmp_eq(&m, padded, sizeof(padded));
	verdict_accept(&m);
	rule_end(b, &m, x);
}

static void accept_loopback_in(struct batch *b)
{
	const uint32_t lo = LOOPBACK_IFINDEX;
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	load_meta(&m, NFT_META_IIF);
	cmp_eq(&m, &lo, sizeof(lo));
	verdict_accept(&m);
	rule_end(b, &m, x);
}

/* The resolver on the nameservers the gateway namespace serves. */
static void accept_dns_in(struct batch *b)
{
	uint16_t be_port = htons(53);
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	match_meta_u8(&m, NFT_META_L4PROTO, IPPROTO_UDP);
	load_payload(&m, NFT_PAYLOAD_TRANSPORT_HEADER, L4_DPORT_OFFSET, sizeof(be_port));
	cmp_eq(&m, &be_port, sizeof(be_port));
	verdict_accept(&m);
	rule_end(b, &m, x);
}

int fn_nft_install_gateway(const struct fn_filter *filter, const char *egress)
{
	struct batch b = {.seq = 1, .family = NFPROTO_INET, .egress = egress};

	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	add_table(&b);
	add_chain(&b, FN_NFT_GW_INPUT, NF_INET_LOCAL_IN, NULL, 0);
	accept_loopback_in(&b);
	accept_iifname(&b, egress);
	accept_dns_in(&b);
	add_rejects(&b);
	add_chain(&b, FN_NFT_GW_FORWARD, NF_INET_FORWARD, NULL, 0);
	accept_iifname(&b, egress);
	fn_filter_each_pair(filter, add_allow_pair, &b);
	add_rejects(&b);
	return commit(&b);
}

/* The link-layer protocol of a frame on the ingress hook (meta protocol, big endian). */
static void match_ethertype(struct fn_nlmsg *m, uint16_t type)
{
	uint16_t be = htons(type);

	load_meta(m, NFT_META_PROTOCOL);
	cmp_eq(m, &be, sizeof(be));
}

/* A frame for another MAC (an identity's neighbour) is the kernel's own from now on. */
static void set_pkttype_host(struct fn_nlmsg *m)
{
	struct expr e = expr_begin(m, "immediate");
	struct rtattr *data;
	uint8_t host = PACKET_HOST;

	put_be32(m, NFTA_IMMEDIATE_DREG, NFT_REG_1);
	data = nest(m, NFTA_IMMEDIATE_DATA);
	fn_nl_put(m, NFTA_DATA_VALUE, &host, sizeof(host));
	fn_nl_nest_end(m, data);
	expr_end(m, e);
	e = expr_begin(m, "meta");
	put_be32(m, NFTA_META_KEY, NFT_META_PKTTYPE);
	put_be32(m, NFTA_META_SREG, NFT_REG_1);
	expr_end(m, e);
}

static void drop_rule(struct batch *b, void (*match)(struct fn_nlmsg *m))
{
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	match(&m);
	verdict(&m, NF_DROP);
	rule_end(b, &m, x);
}

/* ARP requests are the neighbour answerer's (neighd.c), not the kernel's. */
static void match_arp_request(struct fn_nlmsg *m)
{
	uint16_t request = htons(1);

	match_ethertype(m, ETH_P_ARP);
	load_payload(m, NFT_PAYLOAD_NETWORK_HEADER, ARP_OP_OFFSET, sizeof(request));
	cmp_eq(m, &request, sizeof(request));
}

static void match_broadcast(struct fn_nlmsg *m)
{
	match_meta_u8(m, NFT_META_PKTTYPE, PACKET_BROADCAST);
}

static void match_multicast(struct fn_nlmsg *m)
{
	match_meta_u8(m, NFT_META_PKTTYPE, PACKET_MULTICAST);
}

/* Informational ICMPv6 (echo, neighbour discovery): unanswered, as no host is there. */
static void match_icmp6_info(struct fn_nlmsg *m)
{
	uint8_t info = 128;

	match_ethertype(m, ETH_P_IPV6);
	match_meta_u8(m, NFT_META_L4PROTO, IPPROTO_ICMPV6);
	load_payload(m, NFT_PAYLOAD_TRANSPORT_HEADER, 0, sizeof(info));
	cmp_op(m, NFT_CMP_GTE, &info, sizeof(info));
}

static void accept_resolver(struct batch *b, const struct fn_ip *ns)
{
	uint16_t be_port = htons(53);
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	match_ethertype(&m, ETH_P_IP);
	load_payload(&m, NFT_PAYLOAD_NETWORK_HEADER, IPV4_DADDR_OFFSET, 4);
	cmp_eq(&m, ns->bytes, 4);
	match_meta_u8(&m, NFT_META_L4PROTO, IPPROTO_UDP);
	load_payload(&m, NFT_PAYLOAD_TRANSPORT_HEADER, L4_DPORT_OFFSET, sizeof(be_port));
	cmp_eq(&m, &be_port, sizeof(be_port));
	set_pkttype_host(&m);
	verdict_accept(&m);
	rule_end(b, &m, x);
}

/* nat, filtered: IPv4 to the gateway's MAC on its link goes on to the gateway's inet chains. */
static void accept_to_gateway(struct batch *b, int peer)
{
	const uint32_t iif = (uint32_t)peer;
	struct fn_nlmsg m;
	struct rtattr *x = rule_begin(b, &m);

	load_meta(&m, NFT_META_IIF);
	cmp_eq(&m, &iif, sizeof(iif));
	match_ethertype(&m, ETH_P_IP);
	match_meta_u8(&m, NFT_META_PKTTYPE, PACKET_HOST);
	verdict_accept(&m);
	rule_end(b, &m, x);
}

int fn_nft_install_ingress(const struct fn_nft_ingress *in)
{
	struct batch b = {.seq = 1, .family = NFPROTO_NETDEV};
	struct fn_nlmsg m;
	struct rtattr *x;

	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	add_table(&b);
	add_chain(&b, FN_NFT_GW_INGRESS, NF_NETDEV_INGRESS, in->devices, in->n_devices);
	drop_rule(&b, match_arp_request);
	x = rule_begin(&b, &m);
	match_ethertype(&m, ETH_P_ARP);
	verdict_accept(&m);
	rule_end(&b, &m, x);
	drop_rule(&b, match_broadcast);
	drop_rule(&b, match_multicast);
	drop_rule(&b, match_icmp6_info);
	for (size_t i = 0; i < in->n_resolvers; i++)
		accept_resolver(&b, &in->resolvers[i]);
	if (in->gateway_peer)
		accept_to_gateway(&b, in->gateway_peer);
	add_rejects(&b);
	return commit(&b);
}

struct chain_scan {
	const char *chain;
	unsigned hook;
	bool found;
};

static void saw_chain(const struct nlmsghdr *h, void *arg)
{
	struct chain_scan *s = arg;
	struct rtattr *tb[NFTA_CHAIN_MAX + 1], *hk[NFTA_HOOK_MAX + 1];
	struct rtattr *hook;
	int len;

	if (h->nlmsg_type != NFT_TYPE(NFT_MSG_NEWCHAIN))
		return;
	fn_nl_parse(h, sizeof(struct nfgenmsg), tb, NFTA_CHAIN_MAX);
	if (!tb[NFTA_CHAIN_TABLE] || strcmp(RTA_DATA(tb[NFTA_CHAIN_TABLE]), FN_NFT_TABLE) ||
	    !tb[NFTA_CHAIN_NAME] || strcmp(RTA_DATA(tb[NFTA_CHAIN_NAME]), s->chain) ||
	    !tb[NFTA_CHAIN_POLICY] ||
	    ntohl(*(uint32_t *)RTA_DATA(tb[NFTA_CHAIN_POLICY])) != NF_DROP ||
	    !(hook = tb[NFTA_CHAIN_HOOK]))
		return;
	memset(hk, 0, sizeof(hk));
	len = (int)RTA_PAYLOAD(hook);
	for (struct rtattr *a = RTA_DATA(hook); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if ((a->rta_type & NLA_TYPE_MASK) <= NFTA_HOOK_MAX)
			hk[a->rta_type & NLA_TYPE_MASK] = a;
	if (hk[NFTA_HOOK_HOOKNUM] && ntohl(*(uint32_t *)RTA_DATA(hk[NFTA_HOOK_HOOKNUM])) == s->hook)
		s->found = true;
}

int fn_nft_chain_present(int family, const char *chain, unsigned hook)
{
	struct chain_scan s = {.chain = chain, .hook = hook};
	struct fn_nlmsg m;
	struct fn_rtnl nl;
	int err;

	if ((err = open_nfnetlink(&nl)))
		return err;
	nft_start(&m, NFT_TYPE(NFT_MSG_GETCHAIN), NLM_F_DUMP, family);
	m.hdr.nlmsg_seq = 1;
	err = send_all(&nl, m.buf, m.hdr.nlmsg_len);
	if (!err)
		err = read_until(&nl, 0, 1, saw_chain, &s);
	fn_rtnl_close(&nl);
	return err ? err : s.found;
}
