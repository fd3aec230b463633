/* libFuzzer target: the probe loader of `fakenet check` (YAML, foreach expansion, placeholders),
 * against the default identity. */
#include <stdint.h>
#include <stdlib.h>

#include "diag.h"
#include "identity.h"
#include "identity_parse.h"
#include "identity_source.h"
#include "probes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fn_identity *default_identity(void)
{
	static struct fn_identity *id;
	struct fn_diags diags;
	const char *text;
	size_t len;

	if (id)
		return id;
	text = fn_embedded_identity("docker", &len);
	fn_diags_init(&diags, "docker.yaml");
	if (!text || !(id = fn_identity_load_buffer("docker.yaml", text, len, &diags)))
		abort();
	fn_diags_free(&diags);
	return id;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fn_probe_list list = {0};
	struct fn_diags diags;

	fn_diags_init(&diags, "fuzz-probes.yaml");
	(void)fn_probes_load("fuzz-probes.yaml", (const char *)data, size, default_identity(),
			     &list, &diags);
	fn_probes_free(&list);
	fn_diags_free(&diags);
	return 0;
}
