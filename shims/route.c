/* route: the kernel routing table of the identity, as net-tools route prints it. Changes (add, del,
 * flush) succeed without changing anything: the identity is fixed. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "render_nettools.h"
#include "shim.h"

/* The texts of net-tools 2.10's route: usage on stdout, the family list on stderr. */
static const char route_usage[] =
    "Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n"
    "       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.\n"
    "\n"
    "       route {-h|--help} [<AF>]              Detailed usage syntax for specified AF.\n"
    "       route {-V|--version}                  Display version/author and exit.\n"
    "\n"
    "        -v, --verbose            be verbose\n"
    "        -n, --numeric            don't resolve names\n"
    "        -e, --extend             display other/more information\n"
    "        -F, --fib                display Forwarding Information Base (default)\n"
    "        -C, --cache              display routing cache instead of FIB\n"
    "\n"
    "  <AF>=Use -4, -6, '-A <af>' or '--<af>'; default: inet\n"
    "  List of possible address families (which support routing):\n";
static const char route_families[] =
    "    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) \n"
    "    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) \n"
    "    ddp (Appletalk DDP) x25 (CCITT X.25) \n";
static const char route_version[] =
    "net-tools 2.10\n"
    "+NEW_ADDRT +RTF_IRTT +RTF_REJECT +I18N +SELINUX\n"
    "AF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH\n"
    "HW:  +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI +HIPPI "
    "+HDLC/LAPB +EUI64 \n";

enum route_family { FAMILY_UNSET, FAMILY_INET, FAMILY_INET6 };

struct route_opts {
	int ext;
	bool numeric;
	bool cache;
	enum route_family family;
};

static int usage(void)
{
	fputs(route_usage, stdout);
	fflush(stdout);
	fputs(route_families, stderr);
	/* The real route exits 0 after its usage text, even for a bad option. */
	return 0;
}

static bool set_family(struct route_opts *o, const char *name)
{
	enum route_family f;

	if (strcmp(name, "inet") == 0)
		f = FAMILY_INET;
	else if (strcmp(name, "inet6") == 0)
		f = FAMILY_INET6;
	else
		return false;
	/* The first family named is the one shown. */
	if (o->family == FAMILY_UNSET)
		o->family = f;
	return true;
}

static bool is_change(const char *word)
{
	return strcmp(word, "add") == 0 || strcmp(word, "del") == 0 ||
	       strcmp(word, "delete") == 0 || strcmp(word, "flush") == 0;
}

static int show(const struct fn_identity *id, const struct route_opts *o)
{
	struct fn_buf out;

	fn_buf_init(&out);
	if (o->family == FAMILY_INET6)
		render_route_ipv6(id, o->numeric, &out);
	else if (o->cache)
		render_route_cache(o->ext, &out);
	else
		render_route_ipv4(id, o->ext, o->numeric, &out);
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	fn_buf_free(&out);
	return 0;
}

static int route_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"extend", no_argument, NULL, 'e'},	  {"verbose", no_argument, NULL, 'v'},
	    {"version", no_argument, NULL, 'V'},  {"numeric", no_argument, NULL, 'n'},
	    {"symbolic", no_argument, NULL, 'N'}, {"protocol", required_argument, NULL, 'A'},
	    {"cache", no_argument, NULL, 'C'},	  {"fib", no_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},	  {"inet", no_argument, NULL, '4'},
	    {"inet6", no_argument, NULL, '6'},	  {NULL, 0, NULL, 0},
	};
	struct route_opts o = {.ext = 1};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+A:eCFhnN64Vv", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			if (!set_family(&o, optarg)) {
				fprintf(stderr, "Unknown address family `%s'.\n", optarg);
				return 1;
			}
			break;
		case '4':
			set_family(&o, "inet");
			break;
		case '6':
			set_family(&o, "inet6");
			break;
		case 'e':
			o.ext++;
			break;
		case 'n':
			o.numeric = true;
			break;
		case 'C':
			o.cache = true;
			break;
		case 'F':
			o.cache = false;
			break;
		case 'N':
		case 'v':
			break;
		case 'V':
			fputs(route_version, stdout);
			return 0;
		case 'h':
		default:
			return usage();
		}
	}
	if (optind < argc) {
		if (is_change(argv[optind]))
			return 0;
		fputs(route_usage, stderr);
		fputs(route_families, stderr);
		return 3;
	}
	return show(ctx->id, &o);
}

FN_SHIM_TOOL(route_tool,
	     {.name = "route", .main = route_main, .needs_identity = true, .shows_links = true});
