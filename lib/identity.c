/* The identity model's lifetime and lookups: which identity a command uses (flag, environment,
 * built-in), the embedded copies of the shipped files, freeing, and `fakenet validate`. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_rules.h"
#include "identity.h"
#include "util.h"

const char *const fn_net_mode_names[FN_NET_N_MODES + 1] = {
    [FN_NET_HOST] = "host", [FN_NET_ISOLATED] = "isolated", [FN_NET_FILTERED] = "filtered",
    [FN_NET_NAT] = "nat",   [FN_NET_AUTO] = "auto",	    [FN_NET_N_MODES] = NULL};

extern const char fn_embedded_docker_yaml[], fn_embedded_docker_yaml_end[];
extern const char fn_embedded_desktop_yaml[], fn_embedded_desktop_yaml_end[];
extern const char fn_embedded_multi_nic_yaml[], fn_embedded_multi_nic_yaml_end[];

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void fn_identity_free(struct fn_identity *id)
{
	if (!id)
		return;
	for (size_t i = 0; i < id->n_ifaces; i++)
		free(id->ifaces[i].addrs);
	free(id->ifaces);
	free(id->routes);
	free(id->neighbors);
	free(id->nameservers);
	free_strings(id->dns_search, id->n_dns_search);
	free_strings(id->dns_options, id->n_dns_options);
	for (size_t i = 0; i < id->n_hosts; i++)
		free_strings(id->hosts[i].names, id->hosts[i].n_names);
	free(id->hosts);
	free_strings(id->blocked, id->n_blocked);
	for (size_t i = 0; i < id->n_http; i++) {
		free(id->http[i].url_pattern);
		free(id->http[i].body);
		free_strings(id->http[i].headers, id->http[i].n_headers);
	}
	free(id->http);
	free(id->source);
	free(id);
}

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

struct fn_identity *fn_identity_resolve_text(const char *explicit_path, struct fn_diags *diags,
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
	return fn_identity_resolve_text(explicit_path, diags, NULL, NULL);
}

const struct fn_iface *fn_identity_iface_by_name(const struct fn_identity *id, const char *name)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (strcmp(id->ifaces[i].name, name) == 0)
			return &id->ifaces[i];
	return NULL;
}

const struct fn_iface *fn_identity_iface_by_index(const struct fn_identity *id, int ifindex)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (id->ifaces[i].ifindex == ifindex)
			return &id->ifaces[i];
	return NULL;
}

int fn_identity_validate_files(char **paths, size_t n, FILE *err)
{
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		struct fn_diags diags;
		struct fn_identity *id;

		fn_diags_init(&diags, paths[i]);
		id = fn_identity_load_file(paths[i], &diags);
		if (!id)
			status = 1;
		fn_diags_print(&diags, err);
		/* Only validate pays for trying the patterns; loading an identity never does. */
		if (id)
			fn_http_warn_budget(id, paths[i], err);
		fn_diags_free(&diags);
		fn_identity_free(id);
	}
	return status;
}
