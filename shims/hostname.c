/* `hostname` (hostname 3.23): the identity's host name and the answers derived from it. Setting
 * the name changes nothing (the identity is fixed): root is told nothing, others get the real
 * tool's refusal. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "render_hostname.h"
#include "shim.h"
#include "util.h"

static const char usage_text[] =
    "Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n"
    "       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n"
    "       hostname                                 display host name\n"
    "\n"
    "       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)\n"
    "       {yp,nis,}domainname                      display NIS domain name\n"
    "\n"
    "       dnsdomainname                            display dns domain name\n"
    "\n"
    "       hostname -V|--version|-h|--help          print info and exit\n"
    "\n"
    "Program name:\n"
    "       {yp,nis,}domainname=hostname -y\n"
    "       dnsdomainname=hostname -d\n"
    "\n"
    "Program options:\n"
    "    -a, --alias            alias names\n"
    "    -A, --all-fqdns        all long host names (FQDNs)\n"
    "    -b, --boot             set default hostname if none available\n"
    "    -d, --domain           DNS domain name\n"
    "    -f, --fqdn, --long     long host name (FQDN)\n"
    "    -F, --file             read host name or NIS domain name from given file\n"
    "    -i, --ip-address       addresses for the host name\n"
    "    -I, --all-ip-addresses all addresses for the host\n"
    "    -s, --short            short host name\n"
    "    -y, --yp, --nis        NIS/YP domain name\n"
    "\n"
    "Description:\n"
    "   This command can get or set the host name or the NIS domain name. You can\n"
    "   also get the DNS domain or the FQDN (fully qualified domain name).\n"
    "   Unless you are using bind or NIS for host lookups you can change the\n"
    "   FQDN (Fully Qualified Domain Name) and the DNS domain name (which is\n"
    "   part of the FQDN) in the /etc/hosts file.\n";

/* hostname 3.23 prints its usage on stdout even after a bad option (on stderr only for too
 * many names), and exits with -1. */
static int usage(FILE *out)
{
	fputs(usage_text, out);
	return 255;
}

static int set_name(const char *name)
{
	if (!*name) {
		fn_warn("the specified hostname is invalid");
		return 1;
	}
	if (geteuid() != 0) {
		fn_warn("you must be root to change the host name");
		return 1;
	}
	return 0;
}

static int show(struct fn_buf *b, bool ok)
{
	if (!ok) {
		fn_buf_free(b);
		fn_warn("Temporary failure in name resolution");
		return 1;
	}
	if (b->len) /* -d without a domain prints nothing at all */
		fwrite(b->data, 1, b->len, stdout);
	fn_buf_free(b);
	return 0;
}

/* The host name up to its first dot, as -s prints it without any lookup. */
static int show_short(const char *name)
{
	printf("%.*s\n", (int)strcspn(name, "."), name);
	return 0;
}

static int display(const struct fn_identity *id, int mode)
{
	struct fn_buf b;

	fn_buf_init(&b);
	switch (mode) {
	case 's':
		return show_short(id->hostname);
	case 'f':
		return show(&b, render_hostname_fqdn(id, &b));
	case 'd':
		return show(&b, render_hostname_domain(id, &b));
	case 'i':
		return show(&b, render_hostname_ips(id, &b));
	case 'a':
		return show(&b, render_hostname_aliases(id, &b));
	case 'I':
		render_hostname_all_ips(id, &b);
		return show(&b, true);
	case 'A':
		render_hostname_all_fqdns(id, &b);
		return show(&b, true);
	case 'y':
		/* getdomainname() of a namespace nobody gave an NIS domain is "(none)"; the tool
		 * says so on stdout. */
		printf("%s: Local domain name not set\n", fn_progname);
		return 1;
	default:
		printf("%s\n", id->hostname);
		return 0;
	}
}

static int hostname_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"domain", no_argument, NULL, 'd'},
	    {"boot", no_argument, NULL, 'b'},
	    {"file", required_argument, NULL, 'F'},
	    {"fqdn", no_argument, NULL, 'f'},
	    {"all-fqdns", no_argument, NULL, 'A'},
	    {"help", no_argument, NULL, 'h'},
	    {"long", no_argument, NULL, 'f'},
	    {"short", no_argument, NULL, 's'},
	    {"version", no_argument, NULL, 'V'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"alias", no_argument, NULL, 'a'},
	    {"ip-address", no_argument, NULL, 'i'},
	    {"all-ip-addresses", no_argument, NULL, 'I'},
	    {"nis", no_argument, NULL, 'y'},
	    {"yp", no_argument, NULL, 'y'},
	    {NULL, 0, NULL, 0},
	};
	int mode = 0, c;
	const char *file = NULL;

	while ((c = getopt_long(argc, argv, "aAdfbF:h?iIsVvyn", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
		case 'A':
		case 'd':
		case 'f':
		case 'i':
		case 'I':
		case 's':
		case 'y':
			mode = c;
			break;
		case 'F':
			file = optarg;
			break;
		case 'b':
		case 'v':
		case 'n':
			break;
		case 'V':
			printf("hostname 3.23\n");
			return 0;
		case 'h':
			return usage(stdout);
		default:
			return usage(stdout);
		}
	}
	if (optind + 1 < argc)
		return usage(stderr);
	if (optind < argc)
		return set_name(argv[optind]);
	if (file)
		return set_name(file);
	return display(ctx->id, mode);
}

FN_SHIM_TOOL(hostname_tool, {.name = "hostname", .main = hostname_main, .needs_identity = true});
