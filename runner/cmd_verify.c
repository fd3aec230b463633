/* fakenet verify [--pid PID]: does a running --net isolated, filtered or nat environment still
 * hold? From inside its network namespace: that the namespace's routing rules are the kernel's own
 * (fakenet's policy is the gateway namespace's, where the links lead), that a connection to the
 * identity's IPv4 gateway and one outside over IPv6 are refused at once, and that every nameserver
 * of its resolv.conf answers at once. With --pid, from outside: that the runner holds a gateway
 * namespace other than the target's, whose ingress chain is hooked on the target's links and,
 * where pasta serves it (nat, filtered), whose forward chain is hooked and whose default route
 * leads out. TAP on stdout; exit 0 when all hold. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fib_rules.h>
#include <poll.h>
#include <dirent.h>
#include <linux/netfilter.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "filtered.h"
#include "netaddr.h"
#include "netns.h"
#include "nftables.h"
#include "rtnl.h"
#include "util.h"

#define RESOLVER_WAIT_MS 300

struct tap {
	int n, failed;
};

static void report(struct tap *t, bool ok, const char *what, const char *why)
{
	t->n++;
	if (!ok)
		t->failed++;
	printf("%s %d - %s%s%s\n", ok ? "ok" : "not ok", t->n, what, ok || !why ? "" : " # ",
	       ok || !why ? "" : why);
}

struct rule_scan {
	bool leak; /* a rule other than the kernel's own and the resolver's */
	char leak_text[96];
};

/* The kernel's default rules (local, main, default) and the resolver's single addresses. */
static void saw_rule(const struct nlmsghdr *h, void *arg)
{
	struct rule_scan *s = arg;
	const struct fib_rule_hdr *fr = NLMSG_DATA(h);
	struct rtattr *tb[FRA_MAX + 1];
	unsigned prio = 0, table = fr->table;

	fn_nl_parse(h, sizeof(*fr), tb, FRA_MAX);
	if (tb[FRA_PRIORITY])
		prio = *(unsigned *)RTA_DATA(tb[FRA_PRIORITY]);
	if (tb[FRA_TABLE])
		table = *(unsigned *)RTA_DATA(tb[FRA_TABLE]);
	if (fr->action == FR_ACT_TO_TBL && fr->dst_len == 0 && fr->src_len == 0 &&
	    ((prio == 0 && table == RT_TABLE_LOCAL) || (prio == 32766 && table == RT_TABLE_MAIN) ||
	     (prio == 32767 && table == RT_TABLE_DEFAULT)))
		return;
	if (fr->action == FR_ACT_TO_TBL && table == FN_NET_DNS_TABLE && prio == FN_NET_DNS_PRIO &&
	    fr->dst_len == (fr->family == AF_INET ? 32 : 128))
		return;
	s->leak = true;
	snprintf(s->leak_text, sizeof(s->leak_text), "rule %u (action %u, table %u)", prio,
		 fr->action, table);
}

static void check_rules(struct tap *t, struct fn_rtnl *nl, int family, const char *name)
{
	struct rule_scan s = {0};
	struct fn_nlmsg m;
	struct fib_rule_hdr *fr = fn_nl_start(&m, RTM_GETRULE, 0, sizeof(*fr));
	char what[128];
	int err;

	fr->family = (uint8_t)family;
	err = fn_rtnl_dump(nl, &m, saw_rule, &s);
	snprintf(what, sizeof(what), "%s: the routing rules are the kernel's own", name);
	if (err && !(family == AF_INET6 && err == -EAFNOSUPPORT))
		report(t, false, what, strerror(-err));
	else
		report(t, !s.leak, what, s.leak_text);
}

/* A TCP connection to `ip` port 9 must fail at once: refused by the gateway namespace, or
 * unroutable. Nothing leaves the gateway namespace for it (nat's egress is IPv4, and the gateway's
 * own address is no way out). */
static void check_refused(struct tap *t, const char *what, const struct fn_ip *ip)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa = {0};
	socklen_t len, elen = sizeof(int);
	struct pollfd p;
	int fd, err = 0;

	if (ip->family == AF_INET) {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(9);
		memcpy(&sa.v4.sin_addr, ip->bytes, 4);
		len = sizeof(sa.v4);
	} else {
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(9);
		memcpy(&sa.v6.sin6_addr, ip->bytes, 16);
		len = sizeof(sa.v6);
	}
	fd = socket(ip->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(t, errno == EAFNOSUPPORT, what, strerror(errno));
		return;
	}
	p = (struct pollfd){.fd = fd, .events = POLLOUT};
	if (connect(fd, (struct sockaddr *)&sa, len) < 0 && errno != EINPROGRESS)
		err = errno;
	else if (poll(&p, 1, RESOLVER_WAIT_MS) <= 0)
		err = ETIMEDOUT;
	else
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	close(fd);
	report(t, err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH, what,
	       err == ETIMEDOUT ? "no answer at once"
	       : err		? strerror(err)
				: "connected");
}

/* The IPv4 gateway of the namespace's default route. */
static void saw_gateway(const struct nlmsghdr *h, void *arg)
{
	const struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	struct fn_ip *gw = arg;

	fn_nl_parse(h, sizeof(*rt), tb, RTA_MAX);
	if (rt->rtm_family != AF_INET || rt->rtm_dst_len || rt->rtm_table != RT_TABLE_MAIN ||
	    !tb[RTA_GATEWAY] || gw->family)
		return;
	gw->family = AF_INET;
	memcpy(gw->bytes, RTA_DATA(tb[RTA_GATEWAY]), 4);
}

static void check_outside(struct tap *t, struct fn_rtnl *nl)
{
	struct fn_ip gw = {0}, v6;
	struct fn_nlmsg m;
	struct rtmsg *rt = fn_nl_start(&m, RTM_GETROUTE, 0, sizeof(*rt));
	char what[96], ip[FN_IP_STRLEN];

	rt->rtm_family = AF_INET;
	fn_rtnl_dump(nl, &m, saw_gateway, &gw);
	if (gw.family) {
		snprintf(what, sizeof(what), "a connection to the gateway %s is refused at once",
			 fn_ip_format(&gw, ip));
		check_refused(t, what, &gw);
	} else {
		report(t, true, "a connection to the gateway # SKIP no IPv4 default route", NULL);
	}
	fn_ip_parse("2001:db8::1", &v6);
	check_refused(t, "a connection to 2001:db8::1 (IPv6, outside) fails at once", &v6);
}

/* One query for a name under .invalid; any answer (NXDOMAIN included) in time will do. */
static bool resolver_answers(const struct fn_ip *ip, char *why, size_t len)
{
	static const uint8_t query[] = {0x66, 0x6e, 0x01, 0x00, 0,   1,	  0,   0,   0,	 0, 0,
					0,    6,    'f',  'a',	'k', 'e', 'n', 'e', 't', 7, 'i',
					'n',  'v',  'a',  'l',	'i', 'd', 0,   0,   1,	 0, 1};
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa = {0};
	uint8_t answer[512];
	struct pollfd p;
	int fd = socket(ip->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0) {
		snprintf(why, len, "%s", strerror(errno));
		return false;
	}
	if (ip->family == AF_INET) {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(53);
		memcpy(&sa.v4.sin_addr, ip->bytes, 4);
	} else {
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(53);
		memcpy(&sa.v6.sin6_addr, ip->bytes, 16);
	}
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (connect(fd, (struct sockaddr *)&sa,
		    ip->family == AF_INET ? sizeof(sa.v4) : sizeof(sa.v6)) < 0 ||
	    send(fd, query, sizeof(query), 0) < 0)
		snprintf(why, len, "%s", strerror(errno));
	else if (poll(&p, 1, RESOLVER_WAIT_MS) <= 0)
		snprintf(why, len, "no answer in %d ms", RESOLVER_WAIT_MS);
	else if (recv(fd, answer, sizeof(answer), 0) < 4 || answer[0] != query[0] ||
		 answer[1] != query[1] || !(answer[2] & 0x80))
		snprintf(why, len, "%s", "not an answer");
	else
		ok = true;
	close(fd);
	return ok;
}

static void check_resolvers(struct tap *t, const char *resolv_conf)
{
	FILE *f = fopen(resolv_conf, "re");
	char line[256];
	int seen = 0;

	if (!f) {
		report(t, false, "the resolver answers", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char addr[64], what[128], why[64] = "";
		struct fn_ip ip;

		if (sscanf(line, "nameserver %63s", addr) != 1 || !fn_ip_parse(addr, &ip))
			continue;
		seen++;
		snprintf(what, sizeof(what), "the resolver %s answers at once", addr);
		report(t, resolver_answers(&ip, why, sizeof(why)), what, why);
	}
	fclose(f);
	if (!seen)
		report(t, false, "the resolver answers", "no nameserver in resolv.conf");
}

/* A number from a "Key:\tN ..." line of /proc/PID/status; with `last`, the line's last one
 * (NSpid: the pid in the innermost namespace). -1 when absent. */
static long status_field(pid_t pid, const char *key, bool last)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line + klen;

		if (strncmp(line, key, klen) != 0)
			continue;
		if (last && strrchr(p, '\t'))
			p = strrchr(p, '\t');
		v = strtol(p, NULL, 10);
		break;
	}
	if (f)
		fclose(f);
	return v;
}

/* The runner of the run `pid` is in: the parent of its pid 1. 0 when there is none (a process
 * of the caller's own pid namespace). */
static pid_t runner_of(pid_t pid)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		if (status_field(pid, "NSpid:", true) == 1)
			return (pid_t)status_field(pid, "PPid:", false);
		pid = (pid_t)status_field(pid, "PPid:", false);
	}
	return 0;
}

/* Debian's pasta runs as pasta.avx2 where the CPU has AVX2, and passt's build names it so too. */
static bool is_pasta(pid_t pid)
{
	char path[64], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strncmp(buf, "pasta", 5) == 0 || strncmp(buf, "passt", 5) == 0;
}

/* pasta among the children of any of the runner's threads; 0 if none. */
static pid_t pasta_of(pid_t runner)
{
	char path[64];
	pid_t found = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", runner);
	d = opendir(path);
	while (d && !found && (e = readdir(d))) {
		char children[320];
		FILE *f;
		long child;

		if (e->d_name[0] == '.')
			continue;
		snprintf(children, sizeof(children), "/proc/%d/task/%s/children", runner,
			 e->d_name);
		f = fopen(children, "re");
		while (f && !found && fscanf(f, "%ld", &child) == 1)
			if (is_pasta((pid_t)child))
				found = (pid_t)child;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

static void saw_default_route(const struct nlmsghdr *h, void *arg)
{
	const struct rtmsg *rt = NLMSG_DATA(h);

	if (rt->rtm_dst_len == 0 && rt->rtm_table == RT_TABLE_MAIN && rt->rtm_type == RTN_UNICAST)
		*(bool *)arg = true;
}

/* In the gateway namespace (the caller's from now on): its filter and, with pasta, its way out. */
static void check_gateway_inside(struct tap *t, bool egress)
{
	struct fn_nlmsg m;
	struct fn_rtnl nl;
	struct rtmsg *rt;
	bool route = false;
	int found = fn_nft_chain_present(NFPROTO_NETDEV, FN_NFT_GW_INGRESS, NF_NETDEV_INGRESS);

	report(t, found == 1,
	       "gateway: table netdev " FN_NFT_TABLE " refuses what the target's links send",
	       found < 0 ? strerror(-found) : "no ingress chain hooked with policy drop");
	if (!egress)
		return;
	found = fn_nft_chain_present(NFPROTO_INET, FN_NFT_GW_FORWARD, NF_INET_FORWARD);
	report(t, found == 1,
	       "gateway: table inet " FN_NFT_TABLE " decides what the gateway forwards",
	       found < 0 ? strerror(-found) : "no forward chain hooked with policy drop");
	if (fn_rtnl_open(&nl) < 0) {
		report(t, false, "gateway: a default route leads out through pasta", "rtnetlink");
		return;
	}
	rt = fn_nl_start(&m, RTM_GETROUTE, 0, sizeof(*rt));
	rt->rtm_family = AF_INET;
	fn_rtnl_dump(&nl, &m, saw_default_route, &route);
	fn_rtnl_close(&nl);
	report(t, route, "gateway: a default route leads out through pasta", "none");
}

/* A network namespace `pid` holds by descriptor that is neither its own nor the target's: the
 * runner's gateway namespace (pasta's too: it serves its tap there from the runner's own network).
 * -1 if none. */
static int gateway_ns_of(pid_t pid, int target_ns)
{
	char dir[64], path[340];
	struct stat own, target, st;
	struct dirent *e;
	int found = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &own) < 0 || fstat(target_ns, &target) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	while (d && found < 0 && (e = readdir(d))) {
		char link[64];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0 || (link[n] = '\0', strncmp(link, "net:[", 5) != 0) ||
		    stat(path, &st) < 0 || (st.st_ino == own.st_ino && st.st_dev == own.st_dev) ||
		    (st.st_ino == target.st_ino && st.st_dev == target.st_dev))
			continue;
		found = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (d)
		closedir(d);
	return found;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return a >= 0 && b >= 0 && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* The policy lives in a gateway namespace the runner holds and the target cannot reach; under nat
 * and filtered pasta serves it. */
static void check_gateway(struct tap *t, pid_t pid, int target_ns)
{
	pid_t runner = runner_of(pid), pasta = runner ? pasta_of(runner) : 0;
	int fd = runner ? gateway_ns_of(runner, target_ns) : -1;
	char what[96];

	report(t, fd >= 0, "gateway: the runner holds a gateway namespace other than the target's",
	       runner ? "none" : "no runner found");
	if (fd < 0)
		return;
	if (pasta) {
		int pasta_fd = gateway_ns_of(pasta, target_ns);

		snprintf(what, sizeof(what), "gateway: pasta (pid %d) serves that namespace",
			 pasta);
		report(t, same_file(fd, pasta_fd), what, "pasta holds no such namespace");
		if (pasta_fd >= 0)
			close(pasta_fd);
	}
	if (setns(fd, CLONE_NEWNET) < 0)
		report(t, false, "gateway: entering its namespace", strerror(errno));
	else
		check_gateway_inside(t, pasta > 0);
	close(fd);
}

static void usage(FILE *out)
{
	fputs(
	    "usage: fakenet verify [--pid PID]\n"
	    "Checks that a --net isolated, filtered or nat environment holds: the namespace's\n"
	    "routing rules are the kernel's own, connections to the gateway and outside over\n"
	    "IPv6 are refused at once, the resolver answers at once, and (with --pid) the runner\n"
	    "holds a gateway namespace whose filter is hooked on the target's links (nat,\n"
	    "filtered: that pasta serves it). PID is any process inside (root needed to enter\n"
	    "its namespace); without it, the caller's own network.\n"
	    "Prints TAP; exits 0 when everything holds, 1 when something does not, 2 on errors.\n",
	    out);
}

/* Returns the namespace's descriptor (kept, to compare with pasta's), or -1. */
static int enter_netns_of(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fn_warn_errno("verify: entering the network namespace of %d", pid);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int fn_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pid", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {0}};
	char resolv_conf[64] = "/etc/resolv.conf";
	struct tap t = {0};
	struct fn_rtnl nl;
	pid_t pid = 0;
	int c, target_ns = -1;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c != 'p' || (pid = (pid_t)atoi(optarg)) <= 0) {
			usage(stderr);
			return FN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return FN_EXIT_USAGE;
	}
	if (pid) {
		snprintf(resolv_conf, sizeof(resolv_conf), "/proc/%d/root/etc/resolv.conf", pid);
		if ((target_ns = enter_netns_of(pid)) < 0)
			return FN_EXIT_USAGE;
	}
	if (fn_rtnl_open(&nl) < 0) {
		fn_warn_errno("verify: rtnetlink");
		return FN_EXIT_USAGE;
	}
	check_rules(&t, &nl, AF_INET, "IPv4");
	check_rules(&t, &nl, AF_INET6, "IPv6");
	check_outside(&t, &nl);
	fn_rtnl_close(&nl);
	check_resolvers(&t, resolv_conf);
	if (target_ns >= 0) {
		check_gateway(&t, pid, target_ns);
		close(target_ns);
	} else {
		/* What is seen from inside holds on an ordinary network too: without the gateway's
		 * policy nothing says this is an environment, so verify cannot say it holds. */
		report(
		    &t, false,
		    "gateway: its filter cannot be seen from inside; run fakenet verify --pid PID "
		    "from outside",
		    NULL);
	}
	printf("1..%d\n", t.n);
	if (target_ns < 0 && t.failed == 1)
		return FN_EXIT_USAGE;
	return t.failed ? 1 : 0;
}
