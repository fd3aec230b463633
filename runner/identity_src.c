/* Loading the identity for a command, together with the YAML text it came from (the target gets
 * that text so the shims inside read the very same identity). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "util.h"

#define IDENTITY_MAX (1u << 20)

static int identity_text(const char *explicit_path, char **text, size_t *len)
{
	const char *path = explicit_path ? explicit_path : getenv("FAKENET_IDENTITY");
	const char *embedded;

	if (path && *path)
		return fn_read_file(path, text, len, IDENTITY_MAX);
	embedded = fn_embedded_identity("docker.yaml", len);
	if (!embedded)
		return -1;
	*text = xstrndup(embedded, *len);
	return 0;
}

struct fn_identity *fn_cli_load_identity(const char *explicit_path, char **text, size_t *len)
{
	struct fn_identity *id;
	struct fn_diags diags;

	fn_diags_init(&diags, explicit_path);
	id = fn_identity_resolve(explicit_path, &diags);
	if (!id)
		fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	if (!id || !text)
		return id;
	if (identity_text(explicit_path, text, len) != 0) {
		/* The model loaded, so the text was readable a moment ago; serve no text rather
		 * than fail: only the shims inside need it. */
		*text = NULL;
		*len = 0;
	}
	return id;
}
