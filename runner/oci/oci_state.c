/* The hook's input: the OCI state JSON on stdin (id, status, pid, bundle) and the bundle's
 * config.json (root.path and the io.fakenet.identity annotation, located for messages). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci.h"
#include "util.h"

#define STATE_MAX  (1u << 20)
#define CONFIG_MAX (16u << 20)

static int read_fd(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t r;

		if (n + 1 == cap) {
			if (cap >= STATE_MAX) {
				free(buf);
				return -1;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == 0)
			break;
		if (r < 0) {
			free(buf);
			return -1;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int parse(const char *what, const char *text, size_t len, struct fn_jdoc *doc)
{
	const char *error = NULL;
	size_t offset = 0;
	int line, column;

	if (fn_jdoc_parse(text, len, doc, &error, &offset) == 0 && doc->type == FN_JDOC_OBJECT)
		return 0;
	if (!error)
		error = "not a JSON object";
	fn_jdoc_locate(text, offset, &line, &column);
	fn_warn("oci-hook: %s:%d:%d: %s", what, line, column, error);
	fn_jdoc_free(doc);
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int read_state(int fd, struct fn_oci_container *c)
{
	struct fn_jdoc doc;
	const struct fn_jdoc *pid;
	char *text;
	size_t len;

	if (read_fd(fd, &text, &len) < 0) {
		fn_warn("oci-hook: cannot read the container state on stdin");
		return -1;
	}
	if (parse("the container state on stdin", text, len, &doc)) {
		free(text);
		return -1;
	}
	c->id = dup_or_null(fn_jdoc_str(&doc, "id"));
	c->status = dup_or_null(fn_jdoc_str(&doc, "status"));
	c->bundle = dup_or_null(fn_jdoc_str(&doc, "bundle"));
	pid = fn_jdoc_get(&doc, "pid");
	if (pid && pid->type == FN_JDOC_NUMBER)
		c->pid = (pid_t)strtol(text + pid->start, NULL, 10);
	fn_jdoc_free(&doc);
	free(text);
	if (!c->id || !c->status || !c->bundle || c->bundle[0] != '/') {
		fn_warn("oci-hook: the container state lacks its id, status or absolute bundle");
		return -1;
	}
	return 0;
}

static void read_annotation(struct fn_oci_annotation *a, const struct fn_jdoc *config,
			    const char *text, const char *name)
{
	const struct fn_jdoc *v = fn_jdoc_get(fn_jdoc_get(config, "annotations"), name);

	if (!v || v->type != FN_JDOC_STRING)
		return;
	a->value = xstrdup(v->str);
	fn_jdoc_locate(text, v->start, &a->line, &a->column);
}

static int read_config(struct fn_oci_container *c)
{
	const struct fn_jdoc *root;
	const char *path;
	struct fn_jdoc doc;
	char *text;
	size_t len;
	int err;

	c->config_path = xasprintf("%s/config.json", c->bundle);
	err = fn_read_file(c->config_path, &text, &len, CONFIG_MAX);
	if (err) {
		fn_warn("oci-hook: %s: %s", c->config_path, strerror(-err));
		return -1;
	}
	if (parse(c->config_path, text, len, &doc)) {
		free(text);
		return -1;
	}
	read_annotation(&c->identity, &doc, text, FN_OCI_ANNOTATION);
	read_annotation(&c->net, &doc, text, FN_OCI_NET_ANNOTATION);
	root = fn_jdoc_get(&doc, "root");
	path = fn_jdoc_str(root, "path");
	if (path)
		c->rootfs = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", c->bundle, path);
	fn_jdoc_free(&doc);
	free(text);
	return 0;
}

int fn_oci_container_read(int fd, struct fn_oci_container *c)
{
	memset(c, 0, sizeof(*c));
	/* poststop needs only the id; the bundle may be gone by then. */
	if (read_state(fd, c) == 0 && (strcmp(c->status, "stopped") == 0 || read_config(c) == 0))
		return 0;
	/* What was read before the failure is not the caller's to free. */
	fn_oci_container_free(c);
	return -1;
}

void fn_oci_container_free(struct fn_oci_container *c)
{
	free(c->id);
	free(c->status);
	free(c->bundle);
	free(c->config_path);
	free(c->rootfs);
	free(c->identity.value);
	free(c->net.value);
	memset(c, 0, sizeof(*c));
}

/* FNV-1a: the bundle, and ids too long for a socket name, are named by their hash. */
static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

void fn_oci_socket_name(const struct fn_oci_container *c, char *buf, size_t size, size_t *len)
{
	int n;

	/* The bundle too: runtimes with separate state roots may reuse an id. */
	if (strlen(c->id) <= 64)
		n = snprintf(buf, size, "%cfakenet-oci/%s/%016llx", 0, c->id, fnv1a(c->bundle));
	else
		n = snprintf(buf, size, "%cfakenet-oci/#%016llx/%016llx", 0, fnv1a(c->id),
			     fnv1a(c->bundle));
	*len = (size_t)n;
}
