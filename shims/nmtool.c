/* nm-tool (NetworkManager 0.9): the device report, rendered from the identity by lib/render_nm.c.
 */
#include <stdio.h>

#include "render_nm.h"
#include "shim.h"

static int nmtool_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct fn_buf out;

	/* nm-tool 0.9 has no options; it prints the same report whatever it is given. */
	fn_buf_init(&out);
	render_nm_tool(ctx->id, &out);
	fwrite(out.data, 1, out.len, stdout);
	fn_buf_free(&out);
	return 0;
}

FN_SHIM_TOOL(nmtool_tool,
	     {.name = "nm-tool", .main = nmtool_main, .needs_identity = true, .shows_links = true});
