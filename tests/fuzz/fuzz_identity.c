/* libFuzzer target: the identity loader (YAML, validation), then everything the runner builds from
 * an identity that loads: the view tree (every node's path looked up and resolved again, as FUSE
 * lookups and readlink would) and the http: rules with a few URLs looked up. */
#include <stdint.h>
#include <stdlib.h>

#include "diag.h"
#include "http_rules.h"
#include "identity.h"
#include "identity_parse.h"
#include "vfs.h"
#include "util.h"
#include "vfs_build.h"
#include "view_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct fn_vfs *vfs, const struct fn_node *n)
{
	char *path = fn_vfs_path(n);

	if (path) {
		if (fn_vfs_lookup(vfs, path) != n)
			abort();
		(void)fn_view_resolve(vfs, path);
		free(path);
	}
	for (size_t i = 0; i < n->n_children; i++)
		walk(vfs, n->children[i]);
}

static void lookup_urls(const struct fn_identity *id)
{
	static const char *const urls[] = {"ipinfo.io/ip", "https://api.ipify.org",
					   "http://status.example.com/x?y#z", "ftp.example.org",
					   "http://[::1]:8080/a/../b"};
	struct fn_http_rules *rules = fn_http_rules_new(id);

	for (size_t i = 0; i < N_ELEMENTS(urls); i++) {
		struct fn_http_answer a;
		struct fn_url u;

		if (!fn_url_parse(urls[i], &u))
			continue;
		fn_http_lookup(rules, &u, &a);
		fn_url_free(&u);
	}
	fn_http_rules_free(rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fn_identity *id;
	struct fn_diags diags;

	fn_diags_init(&diags, "fuzz.yaml");
	id = fn_identity_load_buffer("fuzz.yaml", (const char *)data, size, &diags);
	if (id) {
		struct fn_vfs *vfs = fn_vfs_build(id);

		walk(vfs, vfs->root);
		fn_vfs_free(vfs);
		lookup_urls(id);
		fn_identity_free(id);
	}
	fn_diags_free(&diags);
	return 0;
}
