/* `ip` (iproute2 6.1): the read-only listings of addr, link, route, neigh and rule from the
 * identity. Changes (add, del, set, ...) succeed silently for root and change nothing, since the
 * identity is fixed; other users get the kernel's "Operation not permitted", as with real ip. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netaddr.h"
#include "render_iproute.h"
#include "render_iproute_json.h"
#include "shim.h"
#include "util.h"

/* iproute2's matches(): `arg` is a non-empty prefix of `word`. */
static bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n > 0 && n <= strlen(word) && strncmp(arg, word, n) == 0;
}

static bool matches_any(const char *arg, const char *const *words)
{
	for (; *words; words++)
		if (matches(arg, *words))
			return true;
	return false;
}

static void print(struct fn_buf *b)
{
	if (b->len)
		fwrite(b->data, 1, b->len, stdout);
	fn_buf_free(b);
}

/* A change the identity does not allow: root "succeeds", others are refused as by the kernel. */
static int refuse_change(void)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "RTNETLINK answers: Operation not permitted\n");
	return 2;
}

static bool is_show(const char *arg)
{
	static const char *const show[] = {"show", "list", "lst", NULL};

	return matches_any(arg, show);
}

static bool is_change(const char *arg)
{
	static const char *const change[] = {"add",	"change", "chg",    "replace", "delete",
					     "set",	"flush",  "append", "prepend", "test",
					     "restore", "save",	  NULL};

	return matches_any(arg, change);
}

static int unknown_command(const char *arg, const char *object)
{
	fprintf(stderr, "Command \"%s\" is unknown, try \"ip %s help\".\n", arg, object);
	return 255;
}

static int incomplete(void)
{
	fprintf(stderr, "Command line is not complete. Try option \"help\"\n");
	return 255;
}

/* rtnl_rtscope_a2n with Debian's /etc/iproute2/rt_scopes: a name or a number. */
static bool parse_scope(const char *arg, unsigned *scope)
{
	static const struct {
		const char *name;
		unsigned value;
	} names[] = {{"global", 0}, {"nowhere", 255}, {"host", 254}, {"link", 253}, {"site", 200}};
	char *end;
	unsigned long v;

	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (strcmp(arg, names[i].name) == 0) {
			*scope = names[i].value;
			return true;
		}
	v = strtoul(arg, &end, 0);
	if (!*arg || *end || v > 255)
		return false;
	*scope = (unsigned)v;
	return true;
}

/* `scope S` and `type T` among the selectors of addr/link show; returns -1 when argv[*i] is
 * neither, else 0 or the exit status of a usage error. */
static int parse_link_selector(int argc, char **argv, int *i, struct fn_ip_opts *o)
{
	bool scope = strcmp(argv[*i], "scope") == 0, type = strcmp(argv[*i], "type") == 0;

	if (!scope && !type)
		return -1;
	if (++*i >= argc)
		return incomplete();
	if (type) {
		o->kind = argv[*i];
		return 0;
	}
	/* "all" lifts the filter; nowhere (255) is what it leaves behind. */
	if (strcmp(argv[*i], "all") == 0)
		return 0;
	if (!parse_scope(argv[*i], &o->scope)) {
		fprintf(stderr, "Error: argument \"%s\" is wrong: invalid \"scope\"\n\n", argv[*i]);
		return 255;
	}
	o->scope_given = true;
	return 0;
}

/* `[dev] IFNAME [up] [scope S] [type T]` after `show`: the one device named, or NULL for all. */
static int parse_dev_filter(const struct fn_identity *id, int argc, char **argv,
			    const struct fn_iface **dev, struct fn_ip_opts *o)
{
	const char *name = NULL;

	for (int i = 0; i < argc; i++) {
		int rc = parse_link_selector(argc, argv, &i, o);

		if (rc >= 0) {
			if (rc)
				return rc;
			continue;
		}
		if (strcmp(argv[i], "up") == 0) {
			o->up_only = true;
			continue;
		}
		if (strcmp(argv[i], "dev") == 0) {
			if (++i >= argc) {
				fprintf(stderr,
					"Command line is not complete. Try option \"help\"\n");
				return 255;
			}
		}
		if (name) {
			fprintf(stderr,
				"Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n",
				argv[i]);
			return 255;
		}
		name = argv[i];
	}
	if (!name)
		return 0;
	*dev = fn_identity_iface_by_name(id, name);
	if (!*dev) {
		fprintf(stderr, "Device \"%s\" does not exist.\n", name);
		return 1;
	}
	return 0;
}

typedef void (*link_renderer)(const struct fn_identity *, const struct fn_ip_opts *,
			      const struct fn_iface *, struct fn_buf *);

static int show_links(const struct fn_identity *id, struct fn_ip_opts *o, int argc, char **argv,
		      link_renderer render)
{
	const struct fn_iface *dev = NULL;
	struct fn_buf b;
	int rc = parse_dev_filter(id, argc, argv, &dev, o);

	if (rc)
		return rc;
	fn_buf_init(&b);
	render(id, o, dev, &b);
	print(&b);
	return 0;
}

static int do_links(const struct fn_identity *id, struct fn_ip_opts *o, int argc, char **argv,
		    const char *object, link_renderer render)
{
	if (argc == 0 || is_show(argv[0]))
		return show_links(id, o, argc ? argc - 1 : 0, argv + 1, render);
	if (is_change(argv[0]))
		return refuse_change();
	return unknown_command(argv[0], object);
}

/* `dev IF` among route/neigh selectors; other selectors (table main, proto, scope) are taken
 * as given. */
static int find_dev_arg(const struct fn_identity *id, int argc, char **argv,
			const struct fn_iface **dev)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "dev") != 0)
			continue;
		if (i + 1 >= argc) {
			fprintf(stderr, "Command line is not complete. Try option \"help\"\n");
			return 255;
		}
		*dev = fn_identity_iface_by_name(id, argv[i + 1]);
		if (!*dev) {
			fprintf(stderr, "Cannot find device \"%s\"\n", argv[i + 1]);
			return 1;
		}
	}
	return 0;
}

static int route_get(const struct fn_identity *id, const struct fn_ip_opts *o, int argc,
		     char **argv)
{
	struct fn_ip dst;
	struct fn_buf b;

	if (argc < 1) {
		fprintf(stderr, "need at least a destination address\n");
		return 1;
	}
	if (!fn_ip_parse(argv[0], &dst)) {
		fprintf(stderr, "Error: any valid prefix is expected rather than \"%s\".\n",
			argv[0]);
		return 1;
	}
	if (o->family != AF_UNSPEC && dst.family != o->family) {
		fprintf(stderr, "Error: %s prefix is expected rather than \"%s\".\n",
			o->family == AF_INET ? "inet" : "inet6", argv[0]);
		return 1;
	}
	fn_buf_init(&b);
	if (!(o->json ? render_ip_route_get_json(id, o, &dst, getuid(), &b)
		      : render_ip_route_get(id, &dst, getuid(), &b))) {
		fn_buf_free(&b);
		fprintf(stderr, "RTNETLINK answers: Network is unreachable\n");
		return 2;
	}
	print(&b);
	return 0;
}

static int do_route(const struct fn_identity *id, const struct fn_ip_opts *o, int argc, char **argv)
{
	const struct fn_iface *dev = NULL;
	bool default_only = false;
	struct fn_buf b;
	int rc;

	if (argc > 0 && matches(argv[0], "get"))
		return route_get(id, o, argc - 1, argv + 1);
	if (argc > 0 && is_change(argv[0]))
		return refuse_change();
	if (argc > 0 && !is_show(argv[0]))
		return unknown_command(argv[0], "route");
	if (argc > 0) {
		argc--;
		argv++;
	}
	rc = find_dev_arg(id, argc, argv, &dev);
	if (rc)
		return rc;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "default") == 0)
			default_only = true;
	fn_buf_init(&b);
	if (o->json)
		render_ip_route_json(id, o, default_only, dev, &b);
	else
		render_ip_route(id, o, default_only, dev, &b);
	print(&b);
	return 0;
}

/* get_prefix(): an address, ADDR/LEN, or default/all/any; of the -4/-6 family when one is set. */
static int parse_neigh_prefix(const char *arg, const struct fn_ip_opts *o, struct fn_cidr *to)
{
	bool any =
	    strcmp(arg, "default") == 0 || strcmp(arg, "all") == 0 || strcmp(arg, "any") == 0;

	if (any) {
		memset(to, 0, sizeof(*to));
		to->ip.family = o->family;
	} else if (strchr(arg, '/') ? !fn_cidr_parse(arg, to) : !fn_ip_parse(arg, &to->ip)) {
		fprintf(stderr, "Error: %s prefix is expected rather than \"%s\".\n",
			o->family == AF_INET	? "inet"
			: o->family == AF_INET6 ? "inet6"
						: "any valid",
			arg);
		return 1;
	} else if (!strchr(arg, '/')) {
		to->prefix = to->ip.family == AF_INET ? 32 : 128;
	}
	if (o->family != AF_UNSPEC && to->ip.family != AF_UNSPEC && to->ip.family != o->family) {
		fprintf(stderr, "Error: %s prefix is expected rather than \"%s\".\n",
			o->family == AF_INET ? "inet" : "inet6", arg);
		return 1;
	}
	return 0;
}

/* nud_state_a2n(), plus "all". */
static int parse_nud(const char *arg, struct fn_ip_opts *o)
{
	static const char *const names[] = {"permanent",  "reachable", "stale", "delay", "probe",
					    "incomplete", "failed",    "noarp", NULL};

	if (strcmp(arg, "all") == 0)
		return 0;
	for (int i = 0; names[i]; i++)
		if (strcmp(arg, names[i]) == 0) {
			o->nud = i;
			return 0;
		}
	fprintf(stderr, "Error: argument \"%s\" is wrong: nud state is bad\n", arg);
	return 255;
}

/* The selectors of `ip neigh show`: dev IF, [to] PREFIX, nud STATE. */
static int parse_neigh_selectors(const struct fn_identity *id, int argc, char **argv,
				 struct fn_ip_opts *o, const struct fn_iface **dev)
{
	int rc = find_dev_arg(id, argc, argv, dev);

	for (int i = 0; !rc && i < argc; i++) {
		const char *word = argv[i];

		if (strcmp(word, "dev") == 0 || strcmp(word, "to") == 0 ||
		    strcmp(word, "nud") == 0) {
			if (++i >= argc)
				return incomplete();
		}
		if (strcmp(word, "dev") == 0)
			continue;
		if (strcmp(word, "nud") == 0) {
			rc = parse_nud(argv[i], o);
			continue;
		}
		rc = parse_neigh_prefix(argv[i], o, &o->to);
		o->to_given = o->to.ip.family != AF_UNSPEC;
	}
	return rc;
}

static int do_neigh(const struct fn_identity *id, struct fn_ip_opts *o, int argc, char **argv)
{
	const struct fn_iface *dev = NULL;
	struct fn_buf b;
	int rc;

	if (argc > 0 && is_change(argv[0]))
		return refuse_change();
	if (argc > 0 && !is_show(argv[0]))
		return unknown_command(argv[0], "neigh");
	if (argc > 0) {
		argc--;
		argv++;
	}
	rc = parse_neigh_selectors(id, argc, argv, o, &dev);
	if (rc)
		return rc;
	fn_buf_init(&b);
	if (o->json)
		render_ip_neigh_json(id, o, dev, &b);
	else
		render_ip_neigh(id, o, dev, &b);
	print(&b);
	return 0;
}

/* The policy rules every fresh namespace has. */
static int do_rule(const struct fn_ip_opts *o, int argc, char **argv)
{
	if (argc > 0 && is_change(argv[0]))
		return refuse_change();
	if (argc > 0 && !is_show(argv[0]))
		return unknown_command(argv[0], "rule");
	if (o->json) {
		struct fn_buf b;

		fn_buf_init(&b);
		render_ip_rule_json(o, &b);
		print(&b);
		return 0;
	}
	printf("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n");
	if (o->family != AF_INET6)
		printf("32767:\tfrom all lookup default\n");
	return 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
	    "       ip [ -force ] -batch filename\n"
	    "where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |\n"
	    "                   link | macsec | maddress | monitor | mptcp | mroute | mrule |\n"
	    "                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n"
	    "                   ntbl | route | rule | sr | tap | tcpmetrics |\n"
	    "                   token | tunnel | tuntap | vrf | xfrm }\n"
	    "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n"
	    "                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n"
	    "                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n"
	    "                    -4 | -6 | -M | -B | -0 |\n"
	    "                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n"
	    "                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n"
	    "                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n"
	    "                    -c[olor]}\n");
}

static int set_family(const char *name, struct fn_ip_opts *o)
{
	if (strcmp(name, "inet") == 0)
		o->family = AF_INET;
	else if (strcmp(name, "inet6") == 0)
		o->family = AF_INET6;
	else if (strcmp(name, "link") == 0 || strcmp(name, "help") == 0)
		o->family = AF_UNSPEC;
	else {
		fprintf(stderr, "Error: argument \"%s\" is wrong: invalid protocol family\n", name);
		return 255;
	}
	return 0;
}

#define UNKNOWN_OPTION (-2)

/* Global options, as ip.c tests them (first prefix match wins). Returns -1 to go on,
 * UNKNOWN_OPTION, else the exit status. */
static int parse_option(char *opt, int *argc, char ***argv, struct fn_ip_opts *o)
{
	if (opt[1] == '-')
		opt++;
	if (matches(opt, "-family")) {
		if (*argc < 2) {
			fprintf(stderr, "Command line is not complete. Try option \"help\"\n");
			return 255;
		}
		(*argc)--;
		(*argv)++;
		return set_family((*argv)[0], o) ? 255 : -1;
	}
	if (strcmp(opt, "-4") == 0)
		o->family = AF_INET;
	else if (strcmp(opt, "-6") == 0)
		o->family = AF_INET6;
	else if (strcmp(opt, "-0") == 0)
		o->family = AF_UNSPEC;
	else if (matches(opt, "-human") || matches(opt, "-human-readable") || matches(opt, "-iec"))
		;
	else if (matches(opt, "-stats") || matches(opt, "-statistics"))
		o->stats++;
	else if (matches(opt, "-details"))
		o->details++;
	else if (matches(opt, "-resolve"))
		;
	else if (matches(opt, "-oneline"))
		o->oneline = true;
	else if (matches(opt, "-Version")) {
		printf("ip utility, iproute2-6.1.0, libbpf 1.1.2\n");
		return 0;
	} else if (matches(opt, "-force"))
		;
	else if (matches(opt, "-batch")) {
		usage();
		return 255;
	} else if (matches(opt, "-brief"))
		o->brief = true;
	else if (matches(opt, "-json"))
		o->json = true;
	else if (matches(opt, "-pretty"))
		o->pretty = true;
	else if (matches(opt, "-color") || strncmp(opt, "-color=", 7) == 0 ||
		 strncmp(opt, "-c=", 3) == 0)
		; /* colour is only for terminals; scripts read plain text */
	else if (matches(opt, "-help")) {
		usage();
		return 255;
	} else if (matches(opt, "-Numeric") || matches(opt, "-all"))
		;
	else
		return UNKNOWN_OPTION;
	return -1;
}

/* An option or object the shim does not know: where the kernel holds the identity, the real ip
 * answers it (from the same kernel); elsewhere it is refused as ip refuses what it does not know.
 */
static int not_ours(const struct fn_shim_ctx *ctx, char **all, const char *fmt, const char *arg,
		    int status)
{
	if (ctx->kernel_mode)
		fn_shim_exec_real("ip", all);
	fprintf(stderr, fmt, arg);
	return status;
}

static int ip_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	static const char *const quiet_objects[] = {
	    "addrlabel", "maddress", "ntable", "ntbl",	"l2tp",	 "fou",	       "ila",
	    "macsec",	 "tunnel",   "tuntap", "tap",	"token", "tcpmetrics", "tcp_metrics",
	    "monitor",	 "xfrm",     "mroute", "mrule", "netns", "netconf",    "vrf",
	    "sr",	 "nexthop",  "mptcp",  "ioam",	"stats", NULL};
	const struct fn_identity *id = ctx->id;
	struct fn_ip_opts o = {.family = AF_UNSPEC, .nud = -1};
	char **all = argv;
	const char *object;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-' && argv[0][1]) {
		int rc = parse_option(argv[0], &argc, &argv, &o);

		if (rc == UNKNOWN_OPTION)
			return not_ours(ctx, all, "Option \"%s\" is unknown, try \"ip -help\".\n",
					argv[0], 255);
		if (rc >= 0)
			return rc;
		argc--;
		argv++;
	}
	if (argc == 0) {
		usage();
		return 255;
	}
	object = argv[0];
	argc--;
	argv++;
	if (matches(object, "address"))
		return do_links(id, &o, argc, argv, "address",
				o.json ? render_ip_addr_json : render_ip_addr);
	if (matches(object, "route"))
		return do_route(id, &o, argc, argv);
	if (matches(object, "rule"))
		return do_rule(&o, argc, argv);
	if (matches(object, "neighbor") || matches(object, "neighbour"))
		return do_neigh(id, &o, argc, argv);
	if (matches(object, "link"))
		return do_links(id, &o, argc, argv, "link",
				o.json ? render_ip_link_json : render_ip_link);
	if (matches(object, "help")) {
		usage();
		return 255;
	}
	/* Objects the identity has nothing to say about: an empty listing, like a fresh netns. */
	if (matches_any(object, quiet_objects))
		return argc > 0 && is_change(argv[0]) ? refuse_change() : 0;
	return not_ours(ctx, all, "Object \"%s\" is unknown, try \"ip help\".\n", object, 1);
}

FN_SHIM_TOOL(ip_tool, {.name = "ip", .main = ip_main, .needs_identity = true, .shows_links = true});
