/* The resolver of the namespace modes: answers on the identity's nameserver addresses from the
 * identity's /etc/hosts (hosts entries, the machine's own name, blocked names as 127.0.0.1, exactly
 * what a program reading /etc/hosts gets). Every other name gets NXDOMAIN at once under isolated
 * and filtered, so nothing waits for a resolver timeout; under nat it goes to the host's own
 * resolver (its /etc/resolv.conf), from the runner's namespace, and the answer comes back. */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <time.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "derive.h"
#include "asker.h"
#include "jsonl.h"
#include "netaddr.h"
#include "dns.h"

#define DNS_HDR	       12
#define DNS_TYPE_A     1
#define DNS_TYPE_AAAA  28
#define DNS_CLASS_IN   1
#define DNS_TTL	       60
#define RCODE_NOERROR  0
#define RCODE_FORMERR  1
#define RCODE_NXDOMAIN 3
#define RCODE_NOTIMP   4

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The question's name as dotted text (lower case as written); returns the offset after QNAME, or
 * 0 when the name is malformed or compressed (a question never needs compression). */
static size_t read_qname(const uint8_t *q, size_t qlen, char *name, size_t len)
{
	size_t off = DNS_HDR, n = 0;

	for (;;) {
		unsigned label;

		if (off >= qlen)
			return 0;
		label = q[off++];
		if (label == 0)
			break;
		if (label > 63 || off + label > qlen || n + label + 2 > len)
			return 0;
		if (n)
			name[n++] = '.';
		memcpy(name + n, q + off, label);
		n += label;
		off += label;
	}
	name[n] = '\0';
	return off;
}

/* Header of the answer: the query's id and RD, QR and AA and RA set, one question. */
static void put_header(uint8_t *out, const uint8_t *q, unsigned rcode, unsigned answers)
{
	memset(out, 0, DNS_HDR);
	out[0] = q[0];
	out[1] = q[1];
	out[2] = (uint8_t)(0x84 | (q[2] & 0x01)); /* QR, AA, RD as asked */
	out[3] = (uint8_t)(0x80 | rcode);	  /* RA */
	put16(out + 4, 1);
	put16(out + 6, answers);
}

/* Answers one query from the identity into `out`; returns its length, 0 to stay silent. */
static size_t dns_answer(const struct fn_identity *id, const uint8_t *q, size_t qlen, uint8_t *out,
			 size_t outlen)
{
	char name[256];
	size_t end, n;
	unsigned qtype, rcode = RCODE_NOERROR, answers = 0;
	struct fn_ip ip, other;
	int family;

	if (qlen < DNS_HDR || (q[2] & 0x80) || outlen < 512)
		return 0; /* not a query: never answer an answer */
	end = read_qname(q, qlen, name, sizeof(name));
	if ((q[2] & 0x78) != 0 || get16(q + 4) != 1 || !end || end + 4 > qlen) {
		if (end && end + 4 <= qlen && end + 4 <= outlen) {
			memcpy(out, q, end + 4);
			put_header(out, q, (q[2] & 0x78) ? RCODE_NOTIMP : RCODE_FORMERR, 0);
			return end + 4;
		}
		put_header(out, q, RCODE_FORMERR, 0);
		put16(out + 4, 0);
		return DNS_HDR;
	}
	qtype = get16(q + end);
	n = end + 4;
	memcpy(out + DNS_HDR, q + DNS_HDR, n - DNS_HDR);
	family = qtype == DNS_TYPE_AAAA ? AF_INET6 : AF_INET;
	if (name[0] && name[strlen(name) - 1] == '.')
		name[strlen(name) - 1] = '\0';
	if ((qtype == DNS_TYPE_A || qtype == DNS_TYPE_AAAA) && get16(q + end + 2) == DNS_CLASS_IN &&
	    fn_hosts_addr_for(id, name, family, &ip)) {
		unsigned len = family == AF_INET ? 4 : 16;

		put16(out + n, 0xc000 | DNS_HDR); /* the question's name */
		put16(out + n + 2, qtype);
		put16(out + n + 4, DNS_CLASS_IN);
		put16(out + n + 6, 0);
		put16(out + n + 8, DNS_TTL);
		put16(out + n + 10, len);
		memcpy(out + n + 12, ip.bytes, len);
		n += 12 + len;
		answers = 1;
	} else if (!fn_hosts_addr_for(id, name, AF_INET, &other) &&
		   !fn_hosts_addr_for(id, name, AF_INET6, &other)) {
		rcode = RCODE_NXDOMAIN; /* a known name of another type gets an empty NOERROR */
	}
	put_header(out, q, rcode, answers);
	return n;
}

static int bind_nameserver(const struct fn_ip *ip)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa = {0};
	int one = 1, fd = socket(ip->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len;

	if (fd < 0)
		return -errno;
	/* A nameserver that is another host's address is local only through the runner's table:
	 * binding it, and answering from it, takes a transparent socket (freebind would bind, but
	 * its answers find no route from an address outside table local). */
	if (ip->family == AF_INET) {
		setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one));
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(53);
		memcpy(&sa.v4.sin_addr, ip->bytes, 4);
		len = sizeof(sa.v4);
	} else {
		setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one));
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(53);
		memcpy(&sa.v6.sin6_addr, ip->bytes, 16);
		len = sizeof(sa.v6);
	}
	if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int fn_dns_open(const struct fn_identity *id, fn_dns_want_fn *want, void *arg, int *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < id->n_nameservers && n < max; i++) {
		int fd;

		if (!want(&id->nameservers[i], arg))
			continue;
		fd = bind_nameserver(&id->nameservers[i]);

		if (fd == -EADDRINUSE)
			continue; /* the same address twice */
		if (fd < 0) {
			while (n)
				close(fds[--n]);
			return fd;
		}
		fds[n++] = fd;
	}
	return (int)n;
}

#define MAX_PENDING	   64
#define FORWARD_TIMEOUT_MS 5000

/* A question sent on to the host's resolver under a new id, until its answer comes back. With
 * --log it keeps the question and who asked, for the event written when the answer comes (or
 * does not: then SERVFAIL, as the asker's resolver will conclude). */
struct pending {
	bool used;
	uint16_t id, client_id;
	int fd; /* the nameserver socket it came in on */
	struct sockaddr_storage from;
	socklen_t flen;
	long deadline;
	pid_t pid;
	char comm[32];
	uint8_t q[512]; /* the question as asked (cut to this size: only its first name counts) */
	size_t qlen;
};

struct dns_server {
	const struct fn_identity *id;
	int log_fd;
	int diag_fd; /* sock_diag in the namespace: who asked, for the log */
	struct pollfd p[FN_NET_MAX_DNS + 1];
	size_t n;
	int upstream; /* connected to the host's resolver; -1: nothing is forwarded */
	uint16_t next_id;
	struct pending pending[MAX_PENDING];
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first nameserver of the runner's /etc/resolv.conf, as a connected UDP socket; -1 if none. */
static int open_upstream(void)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[256], addr[64];
	int fd = -1;

	if (!f)
		return -1;
	while (fd < 0 && fgets(line, sizeof(line), f)) {
		union {
			struct sockaddr_in v4;
			struct sockaddr_in6 v6;
		} sa = {0};
		socklen_t len;

		if (sscanf(line, " nameserver %63s", addr) != 1)
			continue;
		if (inet_pton(AF_INET, addr, &sa.v4.sin_addr) == 1) {
			sa.v4.sin_family = AF_INET;
			sa.v4.sin_port = htons(53);
			len = sizeof(sa.v4);
		} else if (inet_pton(AF_INET6, addr, &sa.v6.sin6_addr) == 1) {
			sa.v6.sin6_family = AF_INET6;
			sa.v6.sin6_port = htons(53);
			len = sizeof(sa.v6);
		} else {
			continue;
		}
		fd = socket(sa.v4.sin_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, len) < 0) {
			close(fd);
			fd = -1;
		}
	}
	fclose(f);
	return fd;
}

static void log_query(const struct dns_server *s, pid_t pid, const char *comm, const uint8_t *q,
		      size_t qlen, const uint8_t *a, size_t alen);

/* A forwarded question whose answer never came is logged when its slot is next looked at. */
static void expire(struct dns_server *s, long now)
{
	for (size_t i = 0; i < MAX_PENDING; i++) {
		struct pending *p = &s->pending[i];

		if (!p->used || p->deadline >= now)
			continue;
		if (s->log_fd >= 0)
			log_query(s, p->pid, p->comm, p->q, p->qlen, NULL, 0);
		p->used = false;
	}
}

static bool any_pending(const struct dns_server *s)
{
	for (size_t i = 0; i < MAX_PENDING; i++)
		if (s->pending[i].used)
			return true;
	return false;
}

/* Sends the question on under an id of its own; false when it cannot (then NXDOMAIN stands).
 * `pid` and `comm` are who asked, for the log. */
static bool forward(struct dns_server *s, int fd, uint8_t *q, size_t qlen,
		    const struct sockaddr_storage *from, socklen_t flen, pid_t pid,
		    const char *comm)
{
	struct pending *slot = NULL;
	long now = now_ms();

	expire(s, now);
	for (size_t i = 0; i < MAX_PENDING && !slot; i++)
		if (!s->pending[i].used)
			slot = &s->pending[i];
	if (!slot)
		return false;
	*slot = (struct pending){.used = true,
				 .id = s->next_id++,
				 .client_id = get16(q),
				 .fd = fd,
				 .from = *from,
				 .flen = flen,
				 .deadline = now + FORWARD_TIMEOUT_MS,
				 .pid = pid,
				 .qlen = qlen < sizeof(slot->q) ? qlen : sizeof(slot->q)};
	snprintf(slot->comm, sizeof(slot->comm), "%s", comm);
	memcpy(slot->q, q, slot->qlen);
	put16(q, slot->id);
	if (send(s->upstream, q, qlen, MSG_DONTWAIT) < 0) {
		slot->used = false;
		put16(q, slot->client_id);
		return false;
	}
	return true;
}

/* An answer of the host's resolver goes back to who asked, under the id they used. */
static void relay_answer(struct dns_server *s)
{
	uint8_t a[4096];
	ssize_t n = recv(s->upstream, a, sizeof(a), MSG_DONTWAIT);

	if (n < DNS_HDR || !(a[2] & 0x80))
		return;
	for (size_t i = 0; i < MAX_PENDING; i++) {
		struct pending *p = &s->pending[i];

		if (!p->used || p->id != get16(a))
			continue;
		put16(a, p->client_id);
		sendto(p->fd, a, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&p->from, p->flen);
		p->used = false;
		if (s->log_fd >= 0)
			log_query(s, p->pid, p->comm, p->q, p->qlen, a, (size_t)n);
		return;
	}
}

/* The end of the (possibly compressed) name at `off`, or 0 when it runs past `len`. */
static size_t skip_name(const uint8_t *a, size_t len, size_t off)
{
	while (off < len) {
		if ((a[off] & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if (a[off] == 0)
			return off + 1;
		off += (size_t)a[off] + 1;
	}
	return 0;
}

/* The first A or AAAA record among the answers that start at `off` (after the question): ours
 * have one, the host resolver's may lead with CNAMEs. */
static bool first_address(const uint8_t *a, size_t alen, size_t off, struct fn_ip *ip)
{
	unsigned count = alen >= DNS_HDR ? get16(a + 6) : 0;

	for (unsigned i = 0; i < count; i++) {
		size_t rr = skip_name(a, alen, off);
		unsigned type, rdlen;

		if (!rr || rr + 10 > alen)
			return false;
		type = get16(a + rr);
		rdlen = get16(a + rr + 8);
		off = rr + 10 + rdlen;
		if (off > alen)
			return false;
		if ((type == DNS_TYPE_A && rdlen == 4) || (type == DNS_TYPE_AAAA && rdlen == 16)) {
			*ip = (struct fn_ip){.family = type == DNS_TYPE_A ? AF_INET : AF_INET6};
			memcpy(ip->bytes, a + rr + 10, rdlen);
			return true;
		}
	}
	return false;
}

/* One "dns" event: who asked (`pid` and `comm`, 0 when unknown), the question and what it got. */
static void log_query(const struct dns_server *s, pid_t pid, const char *comm, const uint8_t *q,
		      size_t qlen, const uint8_t *a, size_t alen)
{
	static const char *const rcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP"};
	char name[256], ip[FN_IP_STRLEN];
	size_t end = read_qname(q, qlen, name, sizeof(name));
	struct fn_ip answer;
	struct fn_jsonl j;
	unsigned rcode = alen >= DNS_HDR ? a[3] & 0xf : 2;

	if (!end || end + 4 > qlen)
		return;
	fn_jsonl_event(&j, "dns", pid);
	if (pid)
		fn_jsonl_str(&j, "command", comm);
	else
		fn_jsonl_null(&j, "command");
	fn_jsonl_str(&j, "name", name);
	fn_jsonl_int(&j, "type", get16(q + end));
	fn_jsonl_str(&j, "rcode", rcode < 5 ? rcodes[rcode] : "SERVFAIL");
	if (first_address(a, alen, end + 4, &answer))
		fn_jsonl_str(&j, "answer", fn_ip_format(&answer, ip));
	else
		fn_jsonl_null(&j, "answer");
	fn_jsonl_write(&j, s->log_fd);
}

static void serve_one(struct dns_server *s, int fd)
{
	uint8_t q[1500], out[1500];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, q, sizeof(q), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	char comm[32] = "";
	pid_t pid = 0;
	size_t len;

	if (n <= 0)
		return;
	len = dns_answer(s->id, q, (size_t)n, out, sizeof(out));
	/* Before the answer, while the asker still waits on its socket: a resolver closes it as
	 * soon as it has the reply. Only --log pays this walk of /proc. */
	if (len && s->log_fd >= 0)
		pid = fn_asker_find(s->diag_fd, &from, comm, sizeof(comm));
	/* A name the identity does not know is the host resolver's to answer. */
	if (len >= DNS_HDR && (out[3] & 0xf) == RCODE_NXDOMAIN && s->upstream >= 0 &&
	    forward(s, fd, q, (size_t)n, &from, flen, pid, comm))
		return;
	if (len)
		sendto(fd, out, len, MSG_DONTWAIT, (struct sockaddr *)&from, flen);
	if (len && s->log_fd >= 0)
		log_query(s, pid, comm, q, (size_t)n, out, len);
}

static void *dns_loop(void *arg)
{
	struct dns_server *s = arg;

	for (;;) {
		size_t n = s->n + (s->upstream >= 0);

		/* Questions still out are looked at once a second, so one that never gets its
		 * answer is logged too. */
		int ready = poll(s->p, n, any_pending(s) ? 1000 : -1);

		expire(s, now_ms());
		if (ready <= 0)
			continue;
		for (size_t i = 0; i < s->n; i++)
			if (s->p[i].revents & POLLIN)
				serve_one(s, s->p[i].fd);
		/* An error (the resolver's port unreachable) is read off like an answer. */
		if (n > s->n && (s->p[s->n].revents & (POLLIN | POLLERR)))
			relay_answer(s);
	}
	return NULL;
}

int fn_dns_start(const struct fn_identity *id, struct fn_net *net)
{
	static struct dns_server s;
	size_t n = net->n_dns;

	if (n == 0)
		return 0;
	s.id = id;
	s.log_fd = net->log_fd;
	s.diag_fd = net->diag_fd;
	s.n = n;
	for (size_t i = 0; i < n; i++)
		s.p[i] = (struct pollfd){.fd = net->dns_fds[i], .events = POLLIN};
	/* This thread is in the runner's namespace: the host's resolver is reachable from here. */
	s.upstream = net->nat ? open_upstream() : -1;
	s.next_id = (uint16_t)now_ms();
	if (s.upstream >= 0) {
		s.p[n] = (struct pollfd){.fd = s.upstream, .events = POLLIN};
		fn_net_hold(net, s.upstream);
	}
	return fn_net_start_thread(dns_loop, &s, 256 * 1024);
}
