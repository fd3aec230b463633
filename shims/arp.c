/* arp: the identity's IPv4 neighbour table, as net-tools arp prints it. Changes (-s, -d, -f)
 * succeed without changing anything: the identity is fixed. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "derive.h"
#include "render_nettools.h"
#include "shim.h"

/* The texts of net-tools 2.10's arp: usage, then the hardware type list (always on stderr). */
static const char arp_usage[] =
    "Usage:\n"
    "  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache\n"
    "  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry\n"
    "  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file\n"
    "  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry\n"
    "  arp [-v]   [<HW>] [-i <if>] -Ds <host> <if> [netmask <nm>] pub          <-''-\n"
    "\n"
    "        -a                       display (all) hosts in alternative (BSD) style\n"
    "        -e                       display (all) hosts in default (Linux) style\n"
    "        -s, --set                set a new ARP entry\n"
    "        -d, --delete             delete a specified entry\n"
    "        -v, --verbose            be verbose\n"
    "        -n, --numeric            don't resolve names\n"
    "        -i, --device             specify network interface (e.g. eth0)\n"
    "        -D, --use-device         read <hwaddr> from given device\n"
    "        -A, -p, --protocol       specify protocol family\n"
    "        -f, --file               read new entries from file or from /etc/ethers\n"
    "\n"
    "  <HW>=Use '-H <hw>' to specify hardware address type. Default: ether\n"
    "  List of possible hardware types (which support ARP):\n";
static const char arp_hwtypes[] =
    "    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) \n"
    "    netrom (AMPR NET/ROM) rose (AMPR ROSE) arcnet (ARCnet) \n"
    "    dlci (Frame Relay DLCI) fddi (Fiber Distributed Data Interface) hippi (HIPPI) \n"
    "    irda (IrLAP) x25 (generic X.25) eui64 (Generic EUI-64) \n";
static const char arp_version[] =
    "net-tools 2.10\n"
    "+I18N +SELINUX\n"
    "AF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH\n"
    "HW: (ether) +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI "
    "+HIPPI +HDLC/LAPB +EUI64 \n";

/* Hardware types and address families arp knows but the kernel's ARP table never holds. */
static const char *const other_hwtypes[] = {"ash",  "ax25",  "netrom", "rose", "arcnet", "dlci",
					    "fddi", "hippi", "irda",   "x25",  "eui64",	 NULL};
static const char *const other_families[] = {"unix", "inet6", "ax25", "netrom", "rose", "ipx",
					     "ddp",  "ec",    "ash",  "x25",	NULL};

static bool listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static int usage(FILE *fp, int status)
{
	fputs(arp_usage, fp);
	fflush(fp);
	fputs(arp_hwtypes, stderr);
	return status;
}

/* HOST as arp takes it: dotted (inet_aton, so "10.1" works too) or a name of /etc/hosts. */
static bool resolve_host(const struct fn_identity *id, const char *text, struct fn_ip *ip)
{
	struct in_addr a;

	if (inet_aton(text, &a)) {
		memset(ip, 0, sizeof(*ip));
		ip->family = AF_INET;
		memcpy(ip->bytes, &a, 4);
		return true;
	}
	return fn_hosts_addr_for(id, text, AF_INET, ip);
}

static int arp_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"verbose", no_argument, NULL, 'v'},       {"version", no_argument, NULL, 'V'},
	    {"all", no_argument, NULL, 'a'},	       {"delete", no_argument, NULL, 'd'},
	    {"file", no_argument, NULL, 'f'},	       {"numeric", no_argument, NULL, 'n'},
	    {"set", no_argument, NULL, 's'},	       {"protocol", required_argument, NULL, 'A'},
	    {"hw-type", required_argument, NULL, 'H'}, {"device", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},	       {"use-device", no_argument, NULL, 'D'},
	    {"symbolic", no_argument, NULL, 'N'},      {NULL, 0, NULL, 0},
	};
	struct fn_arp_query q = {.style = FN_ARP_LINUX};
	bool bsd = false, linux_style = false, change = false;
	struct fn_buf out;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "A:H:adfp:nsei:t:vh?DNV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			bsd = true;
			break;
		case 'e':
			linux_style = true;
			break;
		case 'n':
			q.numeric = true;
			break;
		case 'v':
			q.verbose = true;
			break;
		case 'i':
			q.dev = optarg;
			break;
		case 'd':
		case 's':
		case 'f':
			change = true;
			break;
		case 'D':
		case 'N':
		case 't':
			break;
		case 'H':
			if (strcmp(optarg, "ether") == 0)
				break;
			if (!listed(other_hwtypes, optarg)) {
				fprintf(stderr, "arp: %s: unknown hardware type.\n", optarg);
				return 255;
			}
			q.other_hwtype = true;
			break;
		case 'A':
		case 'p':
			if (strcmp(optarg, "inet") == 0)
				break;
			fprintf(stderr,
				listed(other_families, optarg)
				    ? "arp: %s: kernel only supports 'inet'.\n"
				    : "arp: %s: unknown address family.\n",
				optarg);
			return 255;
		case 'V':
			fputs(arp_version, stdout);
			return 0;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 3);
		}
	}
	if (change)
		return 0;
	q.style = bsd && !linux_style ? FN_ARP_BSD : FN_ARP_LINUX;
	if (optind < argc) {
		q.host_text = argv[optind];
		q.has_host = true;
		if (!resolve_host(ctx->id, q.host_text, &q.host)) {
			fprintf(stderr, "%s: Host name lookup failure\n", q.host_text);
			return 255;
		}
	}
	fn_buf_init(&out);
	status = render_arp(ctx->id, &q, &out);
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	fn_buf_free(&out);
	return status;
}

FN_SHIM_TOOL(arp_tool,
	     {.name = "arp", .main = arp_main, .needs_identity = true, .shows_links = true});
