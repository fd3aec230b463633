/* netstat: answers the network-identity views itself (-r routing table, -i interface table, in
 * net-tools 2.10 or 1.60 style) and hands every other use (sockets, -s, -g, ...) to the real
 * netstat, which reads /proc/net as fakefs serves it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "render_nettools.h"
#include "audit.h"
#include "shim.h"

/* Where `fakenet install` keeps the real one when the shim takes its place (first: the usual paths
 * are then the shim itself, which cannot be told by inode where /proc is missing, as in a bare
 * chroot), and where Debian, Fedora and older layouts install it. */
static const char *const real_netstat_paths[] = {"/usr/bin/netstat.fakenet-orig",
						 "/bin/netstat.fakenet-orig",
						 "/usr/sbin/netstat.fakenet-orig",
						 "/sbin/netstat.fakenet-orig",
						 "/usr/bin/netstat",
						 "/bin/netstat",
						 "/usr/sbin/netstat",
						 "/sbin/netstat",
						 NULL};

enum netstat_mode { MODE_NONE, MODE_ROUTE, MODE_IFACES };

struct netstat_opts {
	enum netstat_mode mode;
	bool conflict; /* both -r and -i: the real one explains the usage */
	bool numeric;
	bool all;
	bool inet6;
	bool family_set;
	int extend;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Runs the real netstat: the one `fakenet run` keeps reachable (the shim is bound over the usual
 * paths), else the first on the usual paths that is not this binary (a link or bind mount of the
 * shim is skipped by inode); returns only when there is none. */
static void exec_real_netstat(char **argv)
{
	struct stat self, st;

	fn_shim_exec_real("netstat", argv);
	if (stat("/proc/self/exe", &self) != 0)
		memset(&self, 0, sizeof(self));
	for (const char *const *p = real_netstat_paths; *p; p++) {
		if (stat(*p, &st) != 0 || same_file(&st, &self) || access(*p, X_OK) != 0)
			continue;
		fflush(stdout);
		fn_shim_audit_exec(*p);
		execv(*p, argv);
	}
}

static void set_mode(struct netstat_opts *o, enum netstat_mode m)
{
	if (o->mode != MODE_NONE && o->mode != m)
		o->conflict = true;
	o->mode = m;
}

static bool set_family(struct netstat_opts *o, const char *name)
{
	if (strcmp(name, "inet") != 0 && strcmp(name, "inet6") != 0)
		return false;
	/* The first family named is the one shown. */
	if (!o->family_set)
		o->inet6 = strcmp(name, "inet6") == 0;
	o->family_set = true;
	return true;
}

/* True when every argument is one this shim answers itself. */
static bool parse(int argc, char **argv, struct netstat_opts *o)
{
	static const struct option longopts[] = {
	    {"route", no_argument, NULL, 'r'},		{"interfaces", no_argument, NULL, 'i'},
	    {"numeric", no_argument, NULL, 'n'},	{"numeric-hosts", no_argument, NULL, 'n'},
	    {"extend", no_argument, NULL, 'e'},		{"all", no_argument, NULL, 'a'},
	    {"symbolic", no_argument, NULL, 'N'},	{"wide", no_argument, NULL, 'W'},
	    {"verbose", no_argument, NULL, 'v'},	{"fib", no_argument, NULL, 'F'},
	    {"protocol", required_argument, NULL, 'A'}, {"inet", no_argument, NULL, '4'},
	    {"inet6", no_argument, NULL, '6'},		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "rineaNWvFA:46", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			set_mode(o, MODE_ROUTE);
			break;
		case 'i':
			set_mode(o, MODE_IFACES);
			break;
		case 'n':
			o->numeric = true;
			break;
		case 'e':
			o->extend++;
			break;
		case 'a':
			o->all = true;
			break;
		case 'A':
			if (!set_family(o, optarg))
				return false;
			break;
		case '4':
			set_family(o, "inet");
			break;
		case '6':
			set_family(o, "inet6");
			break;
		case 'N':
		case 'W':
		case 'v':
		case 'F':
			break;
		default:
			return false;
		}
	}
	opterr = 1;
	if (optind < argc || o->mode == MODE_NONE || o->conflict)
		return false;
	/* An interface table per family is the real one's business. */
	return o->mode == MODE_ROUTE || !o->family_set;
}

/* netstat -r shows the MSS layout; each -e steps to route's Metric layout, then to both. */
static int route_layout(int extend)
{
	static const int layouts[] = {2, 1, 3};

	return extend < 3 ? layouts[extend] : 4;
}

static int netstat_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct netstat_opts o = {0};
	struct fn_buf out;

	if (!parse(argc, argv, &o)) {
		exec_real_netstat(argv);
		fprintf(stderr, "netstat: this fakenet shim only knows -r and -i (no real netstat "
				"found)\n");
		return 1;
	}
	fn_buf_init(&out);
	if (o.mode == MODE_ROUTE && o.inet6)
		render_route_ipv6(ctx->id, o.numeric, &out);
	else if (o.mode == MODE_ROUTE)
		render_route_ipv4(ctx->id, route_layout(o.extend), o.numeric, &out);
	else if (o.extend) {
		fn_buf_puts(&out, "Kernel Interface table\n");
		render_ifconfig(ctx->id, o.all, &out);
	} else {
		render_iface_table(ctx->id, o.all, true, &out);
	}
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	fn_buf_free(&out);
	return 0;
}

FN_SHIM_TOOL(netstat_tool, {.name = "netstat",
			    .main = netstat_main,
			    .needs_identity = true,
			    .shows_links = true});
