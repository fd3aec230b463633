/* ifconfig: the identity's interfaces, as net-tools ifconfig prints them (2.10 or 1.60 style, by
 * the identity's tools.net_tools). Changes (ifconfig IF up, IF ADDR ...) succeed without changing
 * anything: the identity is fixed. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "render_nettools.h"
#include "shim.h"

/* The texts of net-tools 2.10's ifconfig: usage on stdout, the type lists on stderr. */
static const char ifconfig_usage[] =
    "Usage:\n"
    "  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n"
    "  [add <address>[/<prefixlen>]]\n"
    "  [del <address>[/<prefixlen>]]\n"
    "  [[-]broadcast [<address>]]  [[-]pointopoint [<address>]]\n"
    "  [netmask <address>]  [dstaddr <address>]  [tunnel <address>]\n"
    "  [outfill <NN>] [keepalive <NN>]\n"
    "  [hw <HW> <address>]  [mtu <NN>]\n"
    "  [[-]trailers]  [[-]arp]  [[-]allmulti]\n"
    "  [multicast]  [[-]promisc]\n"
    "  [mem_start <NN>]  [io_addr <NN>]  [irq <NN>]  [media <type>]\n"
    "  [txqueuelen <NN>]\n"
    "  [name <newname>]\n"
    "  [[-]dynamic]\n"
    "  [up|down] ...\n"
    "\n"
    "  <HW>=Hardware Type.\n"
    "  List of possible hardware types:\n"
    "  <AF>=Address family. Default: inet\n"
    "  List of possible address families:\n";
static const char ifconfig_types[] =
    "    loop (Local Loopback) slip (Serial Line IP) cslip (VJ Serial Line IP) \n"
    "    slip6 (6-bit Serial Line IP) cslip6 (VJ 6-bit Serial Line IP) adaptive (Adaptive Serial "
    "Line IP) \n"
    "    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) \n"
    "    netrom (AMPR NET/ROM) rose (AMPR ROSE) tunnel (IPIP Tunnel) \n"
    "    ppp (Point-to-Point Protocol) hdlc ((Cisco)-HDLC) lapb (LAPB) \n"
    "    arcnet (ARCnet) dlci (Frame Relay DLCI) frad (Frame Relay Access Device) \n"
    "    sit (IPv6-in-IPv4) fddi (Fiber Distributed Data Interface) hippi (HIPPI) \n"
    "    irda (IrLAP) ec (Econet) x25 (generic X.25) \n"
    "    eui64 (Generic EUI-64) \n"
    "    unix (UNIX Domain) inet (DARPA Internet) inet6 (IPv6) \n"
    "    ax25 (AMPR AX.25) netrom (AMPR NET/ROM) rose (AMPR ROSE) \n"
    "    ipx (Novell IPX) ddp (Appletalk DDP) ec (Econet) \n"
    "    ash (Ash) x25 (CCITT X.25) \n";

struct ifconfig_opts {
	bool all;
	bool short_form;
};

static void emit(struct fn_buf *out)
{
	if (out->len)
		fwrite(out->data, 1, out->len, stdout);
	fn_buf_free(out);
}

static int show_one(const struct fn_identity *id, const struct ifconfig_opts *o, const char *name)
{
	const struct fn_iface *iface = fn_identity_iface_by_name(id, name);
	struct fn_buf out;

	fn_buf_init(&out);
	/* The -s header comes first, even when the interface then turns out not to exist. */
	if (o->short_form)
		render_iface_table_header(id, false, &out);
	if (iface && o->short_form)
		render_iface_table_row(id, iface, &out);
	else if (iface)
		render_ifconfig_iface(id, iface, &out);
	emit(&out);
	if (!iface) {
		fflush(stdout);
		fprintf(stderr, "%s: error fetching interface information: Device not found\n",
			name);
		return 1;
	}
	return 0;
}

static int ifconfig_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct ifconfig_opts o = {0};
	struct fn_buf out;
	int i = 1;

	/* Like the real one: whole words only, no bundling (-as is "not recognised"). */
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-a") == 0) {
			o.all = true;
		} else if (strcmp(a, "-s") == 0) {
			o.short_form = true;
		} else if (strcmp(a, "-v") == 0) {
			continue;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			fputs("net-tools 2.10\n", stdout);
			return 0;
		} else if (strcmp(a, "-?") == 0 || strcmp(a, "-h") == 0 ||
			   strcmp(a, "--help") == 0) {
			fputs(ifconfig_usage, stdout);
			fflush(stdout);
			fputs(ifconfig_types, stderr);
			return 0;
		} else {
			fprintf(stderr,
				"ifconfig: option `%s' not recognised.\n"
				"ifconfig: `--help' gives usage information.\n",
				a);
			return 1;
		}
	}
	if (i == argc) {
		fn_buf_init(&out);
		if (o.short_form)
			render_iface_table(ctx->id, o.all, false, &out);
		else
			render_ifconfig(ctx->id, o.all, &out);
		emit(&out);
		return 0;
	}
	if (i + 1 == argc)
		return show_one(ctx->id, &o, argv[i]);
	/* A change to an interface: accepted and ignored, as long as the interface exists. */
	if (!fn_identity_iface_by_name(ctx->id, argv[i])) {
		fprintf(stderr, "%s: ERROR while getting interface flags: No such device\n",
			argv[i]);
		return 255;
	}
	return 0;
}

FN_SHIM_TOOL(ifconfig_tool, {.name = "ifconfig",
			     .main = ifconfig_main,
			     .needs_identity = true,
			     .shows_links = true});
