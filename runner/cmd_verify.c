/* fakenet verify [--pid PID]: does a running --net isolated, filtered or nat environment still
 * hold? Checks, from inside its network namespace, that the egress rule is in place with nothing
 * before it but table local, the resolver's own rules and a filtered run's allowlist (or nat's
 * one way out through the identity's gateway), that the nftables chain is hooked, that no
 * destination outside is routable (under nat: no IPv6 one), and that every nameserver of its
 * resolv.conf answers at once. With --pid, where pasta serves the gateway namespace (nat,
 * filtered): that pasta runs there, outside the target's namespace, that the gateway's forward
 * chain is hooked and that its default route leads out. TAP on stdout; exit 0 when all hold. */
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
	bool egress;	  /* the unreachable rule at FN_NET_EGRESS_PRIO */
	bool nat;	  /* nat's rule: every IPv4 destination through the identity's gateway */
	bool leak;	  /* some rule before it could route elsewhere */
	unsigned allowed; /* --net filtered: its allowlist's rules, each with a selector */
	char leak_text[96];
};

/* An allowlist rule of --net filtered leads to table main only for one port or one host. */
static bool is_allowlist_rule(const struct fib_rule_hdr *fr, struct rtattr **tb, unsigned prio,
			      unsigned table)
{
	return prio == FN_FILTER_PRIO && fr->action == FR_ACT_TO_TBL && table == RT_TABLE_MAIN &&
	       fr->family == AF_INET && (fr->dst_len == 32 || tb[FRA_DPORT_RANGE]);
}

/* nat's open allowlist: one IPv4 rule to table main with no selector, at the allowlist's place. */
static bool is_nat_rule(const struct fib_rule_hdr *fr, struct rtattr **tb, unsigned prio,
			unsigned table)
{
	return prio == FN_FILTER_PRIO && fr->action == FR_ACT_TO_TBL && table == RT_TABLE_MAIN &&
	       fr->family == AF_INET && fr->dst_len == 0 && fr->src_len == 0 &&
	       !tb[FRA_DPORT_RANGE] && !tb[FRA_IFNAME] && !tb[FRA_FWMARK];
}

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
	if (prio == FN_NET_EGRESS_PRIO && fr->action == FR_ACT_UNREACHABLE)
		s->egress = true;
	if (prio >= FN_NET_EGRESS_PRIO)
		return;
	/* Before the egress rule only table local, and single resolver addresses in ours. */
	if (fr->action == FR_ACT_TO_TBL && table == RT_TABLE_LOCAL)
		return;
	if (fr->action == FR_ACT_TO_TBL && table == FN_NET_DNS_TABLE &&
	    fr->dst_len == (fr->family == AF_INET ? 32 : 128))
		return;
	if (is_allowlist_rule(fr, tb, prio, table)) {
		s->allowed++;
		return;
	}
	if (is_nat_rule(fr, tb, prio, table)) {
		s->nat = true;
		return;
	}
	s->leak = true;
	snprintf(s->leak_text, sizeof(s->leak_text), "rule %u (action %u, table %u) comes first",
		 prio, fr->action, table);
}

/* Returns whether the family leads out through the identity's gateway (nat). */
static bool check_rules(struct tap *t, struct fn_rtnl *nl, int family, const char *name)
{
	struct rule_scan s = {0};
	struct fn_nlmsg m;
	struct fib_rule_hdr *fr = fn_nl_start(&m, RTM_GETRULE, 0, sizeof(*fr));
	char what[128];
	int err;

	fr->family = (uint8_t)family;
	err = fn_rtnl_dump(nl, &m, saw_rule, &s);
	if (s.nat)
		snprintf(what, sizeof(what),
			 "%s: everything outside table local is unreachable but through the "
			 "identity's gateway (nat)",
			 name);
	else if (s.allowed)
		snprintf(
		    what, sizeof(what),
		    "%s: everything outside table local is unreachable but %u allowlist rule%s",
		    name, s.allowed, s.allowed == 1 ? "" : "s");
	else
		snprintf(what, sizeof(what), "%s: everything outside table local is unreachable",
			 name);
	if (err)
		report(t, false, what, strerror(-err));
	else if (!s.egress)
		report(t, false, what, "no egress rule");
	else
		report(t, !s.leak, what, s.leak_text);
	return s.nat;
}

static void check_nftables(struct tap *t)
{
	static const char what[] =
	    "nftables: table inet " FN_NFT_TABLE " drops what leaves by any link but lo";
	int found = fn_nft_present();

	if (found < 0)
		report(t, false, what, strerror(-found));
	else
		report(t, found, what, "no such chain hooked on output with policy drop");
}

/* A connected UDP socket asks the kernel for a route without sending anything. */
static void check_no_route(struct tap *t, const char *dest)
{
	struct fn_ip ip;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa = {0};
	socklen_t len;
	char what[96];
	int fd, err = 0;

	if (!fn_ip_parse(dest, &ip))
		return;
	if (ip.family == AF_INET) {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(9);
		memcpy(&sa.v4.sin_addr, ip.bytes, 4);
		len = sizeof(sa.v4);
	} else {
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(9);
		memcpy(&sa.v6.sin6_addr, ip.bytes, 16);
		len = sizeof(sa.v6);
	}
	snprintf(what, sizeof(what), "no route to %s", dest);
	fd = socket(ip.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(t, errno == EAFNOSUPPORT, what, strerror(errno));
		return;
	}
	if (connect(fd, (struct sockaddr *)&sa, len) < 0)
		err = errno;
	close(fd);
	report(t, err == ENETUNREACH || err == EHOSTUNREACH || err == EACCES, what,
	       err ? strerror(err) : "routable");
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

/* In the gateway namespace (the caller's from now on): its filter and its way out. */
static void check_gateway_inside(struct tap *t)
{
	struct fn_nlmsg m;
	struct fn_rtnl nl;
	struct rtmsg *rt;
	bool route = false;
	int found = fn_nft_chain_present(FN_NFT_GW_FORWARD, NF_INET_FORWARD);

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

/* The gateway namespace: the one pasta holds by descriptor (it serves its tap there from the
 * runner's own network), which is neither pasta's own nor the target's. -1 if none. */
static int gateway_ns_of(pid_t pasta, int target_ns)
{
	char dir[64], path[340];
	struct stat own, target, st;
	struct dirent *e;
	int found = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pasta);
	if (stat(path, &own) < 0 || fstat(target_ns, &target) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pasta);
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

/* nat and filtered lead out through pasta, from a gateway namespace the target cannot reach. */
static void check_gateway(struct tap *t, pid_t pid, int target_ns, bool nat)
{
	pid_t runner = runner_of(pid), pasta = runner ? pasta_of(runner) : 0;
	char what[96];
	int fd;

	if (!pasta) {
		if (nat)
			report(t, false, "gateway: pasta serves the gateway namespace",
			       runner ? "no pasta among the runner's children" : "no runner found");
		return;
	}
	snprintf(what, sizeof(what),
		 "gateway: pasta (pid %d) serves a gateway namespace other than the target's",
		 pasta);
	fd = gateway_ns_of(pasta, target_ns);
	report(t, fd >= 0, what, "pasta holds no other network namespace");
	if (fd < 0)
		return;
	if (setns(fd, CLONE_NEWNET) < 0)
		report(t, false, "gateway: entering its namespace", strerror(errno));
	else
		check_gateway_inside(t);
	close(fd);
}

static void usage(FILE *out)
{
	fputs(
	    "usage: fakenet verify [--pid PID]\n"
	    "Checks that a --net isolated, filtered or nat environment holds: the egress rules\n"
	    "are in place, no destination outside is routable (nat: none but through the\n"
	    "identity's gateway), the resolver answers at once, and (with --pid) pasta serves a\n"
	    "gateway namespace of its own whose filter is hooked. PID is any process inside\n"
	    "(root needed to enter its namespace); without it, the caller's own network.\n"
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
	static const char *const outside[] = {"1.1.1.1", "8.8.8.8", "198.18.0.1",
					      "2001:4860:4860::8888", "2606:4700::1111"};
	char resolv_conf[64] = "/etc/resolv.conf";
	struct tap t = {0};
	struct fn_rtnl nl;
	pid_t pid = 0;
	int c, target_ns = -1;
	bool nat;

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
	nat = check_rules(&t, &nl, AF_INET, "IPv4");
	check_rules(&t, &nl, AF_INET6, "IPv6");
	fn_rtnl_close(&nl);
	check_nftables(&t);
	/* Under nat every IPv4 destination is routed, to the identity's gateway. */
	for (size_t i = 0; i < N_ELEMENTS(outside); i++)
		if (!nat || strchr(outside[i], ':'))
			check_no_route(&t, outside[i]);
	check_resolvers(&t, resolv_conf);
	if (target_ns >= 0) {
		check_gateway(&t, pid, target_ns, nat);
		close(target_ns);
	}
	printf("1..%d\n", t.n);
	return t.failed ? 1 : 0;
}
