/* iw (5.19): `iw dev`, `iw dev IF info` and `iw dev IF link` for the identity's wireless
 * interfaces, rendered by lib/render_iw.c. Under a kernel mode anything else goes to the real iw
 * (whose nl80211 finds no wireless device); otherwise it is refused as iw refuses a command it
 * does not know. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "shim.h"

/* iw's answer when nl80211 fails a request: the negative errno, which main() also returns. */
static int command_failed(int err)
{
	fprintf(stderr, "command failed: %s (%d)\n", strerror(err), -err);
	return -err & 0xff;
}

static int unknown(const struct fn_shim_ctx *ctx, char **argv)
{
	if (ctx->kernel_mode)
		fn_shim_exec_real("iw", argv);
	/* iw's usage text is long; the first line names the problem as iw's own does. */
	fprintf(stderr, "Usage:\tiw [options] command\n");
	return 1;
}

static int device(const struct fn_shim_ctx *ctx, const char *name, const char *cmd, char **argv)
{
	const struct fn_iface *iface = fn_identity_iface_by_name(ctx->id, name);
	struct fn_buf out;

	if (strcmp(cmd, "info") != 0 && strcmp(cmd, "link") != 0)
		return unknown(ctx, argv);
	/* if_nametoindex fails first for a name nothing has; nl80211 has no wireless device
	 * behind a link without one. */
	if (!iface || iface->kind != FN_KIND_WIRELESS)
		return command_failed(ENODEV);
	fn_buf_init(&out);
	if (strcmp(cmd, "info") == 0)
		render_iw_info(ctx->id, iface, &out);
	else
		render_iw_link(iface, &out);
	fwrite(out.data, 1, out.len, stdout);
	fn_buf_free(&out);
	return 0;
}

static int iw_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct fn_buf out;

	if (argc == 2 && strcmp(argv[1], "dev") == 0) {
		fn_buf_init(&out);
		render_iw_dev(ctx->id, &out);
		fwrite(out.data, 1, out.len, stdout);
		fn_buf_free(&out);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "dev") == 0)
		return device(ctx, argv[2], argv[3], argv);
	return unknown(ctx, argv);
}

FN_SHIM_TOOL(iw_tool, {.name = "iw", .main = iw_main, .needs_identity = true, .shows_links = true});
