/* Which identity a command uses, and loading it: --identity, $FAKENET_IDENTITY, the run's copy,
 * the installed file, the embedded default. The runner, the shims and the preload library all come
 * here, so every part of one run shows the same machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity_parse.h"
#include "identity_source.h"
#include "util.h"

extern const char fn_embedded_docker_yaml[], fn_embedded_docker_yaml_end[];
extern const char fn_embedded_desktop_yaml[], fn_embedded_desktop_yaml_end[];
extern const char fn_embedded_multi_nic_yaml[], fn_embedded_multi_nic_yaml_end[];

const char *fn_embedded_identity(const char *name, size_t *len)
{
	static const struct {
		const char *name;
		const char *start, *end;
	} files[] = {
	    {"docker.yaml", fn_embedded_docker_yaml, fn_embedded_docker_yaml_end},
	    {"desktop.yaml", fn_embedded_desktop_yaml, fn_embedded_desktop_yaml_end},
	    {"multi-nic.yaml", fn_embedded_multi_nic_yaml, fn_embedded_multi_nic_yaml_end},
	};

	for (size_t i = 0; i < N_ELEMENTS(files); i++) {
		size_t stem = strlen(files[i].name) - strlen(".yaml");

		/* "docker" names the same file as "docker.yaml". */
		if (strcmp(name, files[i].name) != 0 &&
		    !(strlen(name) == stem && strncmp(name, files[i].name, stem) == 0))
			continue;
		if (len)
			*len = (size_t)(files[i].end - files[i].start);
		return files[i].start;
	}
	return NULL;
}

/* The one place that decides where the identity comes from, for the runner, the shims and the
 * preload library alike: a second lookup in another order once showed two identities in one run.
 * NULL: the embedded docker.yaml. */
static const char *identity_path(const char *explicit_path)
{
	const char *env = getenv("FAKENET_IDENTITY");

	if (explicit_path)
		return explicit_path;
	if (env && *env)
		return env;
	/* Inside `fakenet run`: the runner's copy, which only the shims can look up. */
	if (access(FN_RUN_IDENTITY, F_OK) == 0)
		return FN_RUN_IDENTITY;
	/* An image prepared by `fakenet install` has one identity for every program in it, also
	 * for those started without the launcher's environment. */
	if (access(FN_INSTALLED_IDENTITY, F_OK) == 0)
		return FN_INSTALLED_IDENTITY;
	return NULL;
}

static struct fn_identity *resolve_text(const char *explicit_path, struct fn_diags *diags,
					char **text, size_t *len)
{
	const char *path = identity_path(explicit_path);
	const char *embedded;
	struct fn_identity *id;
	size_t n;

	if (text)
		*text = NULL;
	if (!path) {
		embedded = fn_embedded_identity("docker.yaml", &n);
		id = fn_identity_load_buffer("docker.yaml (built in)", embedded, n, diags);
		if (id && text) {
			*text = xstrndup(embedded, n);
			*len = n;
		}
		return id;
	}
	id = fn_identity_load_file(path, diags);
	/* The model loaded, so the file was readable a moment ago; without its text only the
	 * shims inside go without. */
	if (id && text && fn_read_file(path, text, len, 1u << 20) != 0)
		*text = NULL;
	return id;
}

struct fn_identity *fn_identity_resolve(const char *explicit_path, struct fn_diags *diags)
{
	return resolve_text(explicit_path, diags, NULL, NULL);
}

struct fn_identity *fn_identity_lookup(const char *explicit_path, char **text, size_t *len)
{
	struct fn_identity *id;
	struct fn_diags diags;

	fn_diags_init(&diags, explicit_path);
	id = resolve_text(explicit_path, &diags, text, len);
	if (!id)
		fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	return id;
}
