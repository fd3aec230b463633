/* Loading the identity for a command, together with the YAML text it came from (the target gets
 * that text so the shims inside read the very same identity). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "diag.h"

struct fn_identity *fn_cli_load_identity(const char *explicit_path, char **text, size_t *len)
{
	struct fn_identity *id;
	struct fn_diags diags;

	fn_diags_init(&diags, explicit_path);
	id = fn_identity_resolve_text(explicit_path, &diags, text, len);
	if (!id)
		fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	return id;
}
