/* Adding the hook to config.json by splicing text into it at the places the JSON reader located:
 * the engine's file keeps its layout, and members fakenet does not know stay untouched. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "jsondoc.h"
#include "jsonl.h"
#include "util.h"

#define CONFIG_MAX (16u << 20)
#define ANNOTATION "io.fakenet.identity"

static const char *const stages[] = {"createRuntime", "poststop"};

/* One piece of text to put in at an offset, in place of the `cut` bytes there. */
struct splice {
	size_t at, cut;
	char *text;
};

struct edit {
	struct splice s[5];
	size_t n;
};

static void add(struct edit *e, size_t at, char *text)
{
	e->s[e->n++] = (struct splice){.at = at, .text = text};
}

/* runc sets config.json's hostname after the createRuntime hooks, over the identity's the hook
 * gave the container's UTS namespace: an empty one it leaves alone. */
static void plan_hostname(const struct fn_jdoc *config, struct edit *e)
{
	const struct fn_jdoc *name = fn_jdoc_get(config, "hostname");

	if (!name || name->type != FN_JDOC_STRING || !name->str[0])
		return;
	add(e, name->start, xstrdup("\"\""));
	e->s[e->n - 1].cut = name->end - name->start;
}

static char *hook_entry(const char *fakenet)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_buf_puts(&b, "{\"path\":");
	fn_json_put_string(&b, fakenet);
	fn_buf_puts(&b, ",\"args\":[\"fakenet\",\"oci-hook\"]}");
	return fn_buf_steal(&b, NULL);
}

static bool has_hook(const struct fn_jdoc *list, const char *fakenet)
{
	if (!list || list->type != FN_JDOC_ARRAY)
		return false;
	for (size_t i = 0; i < list->n; i++) {
		const char *path = fn_jdoc_str(&list->items[i], "path");

		if (path && strcmp(path, fakenet) == 0)
			return true;
	}
	return false;
}

/* The stages missing from an existing hooks object, or the whole object. */
static int plan_edit(const struct fn_jdoc *config, const char *fakenet, struct edit *e)
{
	const struct fn_jdoc *hooks = fn_jdoc_get(config, "hooks");
	char *entry = hook_entry(fakenet);
	struct fn_buf missing;
	bool first;

	if (hooks && hooks->type != FN_JDOC_OBJECT && hooks->type != FN_JDOC_NULL) {
		free(entry);
		fn_warn("config.json: \"hooks\" is not an object");
		return -1;
	}
	if (hooks && hooks->type == FN_JDOC_NULL)
		hooks = NULL;
	fn_buf_init(&missing);
	first = !hooks || hooks->n == 0;
	for (size_t i = 0; i < N_ELEMENTS(stages); i++) {
		const struct fn_jdoc *list = fn_jdoc_get(hooks, stages[i]);

		if (has_hook(list, fakenet))
			continue;
		if (list && list->type == FN_JDOC_ARRAY) {
			add(e, list->end - 1, xasprintf("%s%s", list->n ? "," : "", entry));
			continue;
		}
		fn_buf_printf(&missing, "%s\"%s\":[%s]", first ? "" : ",", stages[i], entry);
		first = false;
	}
	free(entry);
	if (!missing.len) {
		fn_buf_free(&missing);
		return 0;
	}
	if (hooks) {
		add(e, hooks->end - 1, fn_buf_steal(&missing, NULL));
		return 0;
	}
	add(e, config->end - 1, xasprintf("%s\"hooks\":{%s}", config->n ? "," : "", missing.data));
	fn_buf_free(&missing);
	return 0;
}

static int by_offset_desc(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

static char *apply(const char *text, size_t len, struct edit *e)
{
	struct fn_buf out;
	size_t from = 0;

	/* Ascending for the copy: sorted descending, then walked backwards. */
	qsort(e->s, e->n, sizeof(e->s[0]), by_offset_desc);
	fn_buf_init(&out);
	for (size_t i = e->n; i-- > 0;) {
		fn_buf_append(&out, text + from, e->s[i].at - from);
		fn_buf_puts(&out, e->s[i].text);
		from = e->s[i].at + e->s[i].cut;
	}
	fn_buf_append(&out, text + from, len - from);
	return fn_buf_steal(&out, NULL);
}

static int write_atomically(const char *path, const char *text, mode_t mode)
{
	char *tmp = xasprintf("%s.fakenet-new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 07777);
	size_t len = strlen(text);
	int err = 0;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		err = errno ? errno : EIO;
	if (fd >= 0 && close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err) {
		unlink(tmp);
		fn_warn("cannot rewrite %s: %s", path, strerror(err));
	}
	free(tmp);
	return err ? -1 : 0;
}

static int edit_config(const char *path, const char *text, size_t len, const char *fakenet)
{
	struct edit e = {0};
	struct fn_jdoc doc;
	const char *error = "not a JSON object";
	size_t offset = 0;
	struct stat st;
	int status = 0;

	if (fn_jdoc_parse(text, len, &doc, &error, &offset) != 0 || doc.type != FN_JDOC_OBJECT) {
		int line, column;

		fn_jdoc_locate(text, offset, &line, &column);
		fn_warn("%s:%d:%d: %s", path, line, column, error);
		fn_jdoc_free(&doc);
		return -1;
	}
	/* A container that does not ask for an identity is left exactly as it is. */
	if (fn_jdoc_str(fn_jdoc_get(&doc, "annotations"), ANNOTATION)) {
		status = plan_edit(&doc, fakenet, &e);
		plan_hostname(&doc, &e);
	}
	if (!status && e.n) {
		char *out = apply(text, len, &e);

		status = stat(path, &st) < 0 ? -1 : write_atomically(path, out, st.st_mode);
		free(out);
	}
	for (size_t i = 0; i < e.n; i++)
		free(e.s[i].text);
	fn_jdoc_free(&doc);
	return status;
}

int fn_runtime_add_hook(const char *bundle, const char *fakenet)
{
	char *path = xasprintf("%s/config.json", bundle ? bundle : ".");
	char *text;
	size_t len;
	int err = fn_read_file(path, &text, &len, CONFIG_MAX), status;

	if (err) {
		fn_warn("%s: %s", path, strerror(-err));
		free(path);
		return -1;
	}
	status = edit_config(path, text, len, fakenet);
	free(text);
	free(path);
	return status;
}
