/* The JSON document reader: recursive descent over RFC 8259, bounded in depth, every value's span
 * kept; strings (UTF-8 and escapes checked) and numbers are read by jsonread.c's scanner. */
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "jsonread.h"
#include "util.h"

struct reader {
	const char *s;
	size_t len, pos;
	const char *error;
};

static int fail(struct reader *r, const char *what)
{
	if (!r->error)
		r->error = what;
	return -1;
}

static void skip_space(struct reader *r)
{
	while (r->pos < r->len && strchr(" \t\r\n", r->s[r->pos]) && r->s[r->pos])
		r->pos++;
}

static bool peek(struct reader *r, char c)
{
	return r->pos < r->len && r->s[r->pos] == c;
}

/* Strings and numbers are read as the audit log's reader reads them (jsonread.c). */
static int string(struct reader *r, char **out)
{
	const char *error = NULL;

	if (fn_json_scan_string(r->s, r->len, &r->pos, out, &error))
		return fail(r, error);
	return 0;
}

static int number(struct reader *r)
{
	const char *error = NULL;

	if (fn_json_scan_number(r->s, r->len, &r->pos, &error))
		return fail(r, error);
	return 0;
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
		return fail(r, "unexpected character");
	r->pos += n;
	return 0;
}

static int value(struct reader *r, struct fn_jdoc *v, int depth);

static struct fn_jdoc *add_item(struct fn_jdoc *v)
{
	v->items = xreallocarray(v->items, v->n + 1, sizeof(*v->items));
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	return &v->items[v->n++];
}

static int array(struct reader *r, struct fn_jdoc *v, int depth)
{
	v->type = FN_JDOC_ARRAY;
	r->pos++;
	skip_space(r);
	if (peek(r, ']')) {
		r->pos++;
		return 0;
	}
	for (;;) {
		if (value(r, add_item(v), depth + 1))
			return -1;
		skip_space(r);
		if (peek(r, ']')) {
			r->pos++;
			return 0;
		}
		if (!peek(r, ','))
			return fail(r, "expected ',' or ']'");
		r->pos++;
	}
}

static int member(struct reader *r, struct fn_jdoc *v, int depth)
{
	char *key = NULL;

	skip_space(r);
	if (!peek(r, '"'))
		return fail(r, "expected a string key");
	if (string(r, &key))
		return -1;
	v->keys = xreallocarray(v->keys, v->n + 1, sizeof(*v->keys));
	v->keys[v->n] = key;
	skip_space(r);
	if (!peek(r, ':')) {
		add_item(v);
		return fail(r, "expected ':'");
	}
	r->pos++;
	return value(r, add_item(v), depth + 1);
}

static int object(struct reader *r, struct fn_jdoc *v, int depth)
{
	v->type = FN_JDOC_OBJECT;
	r->pos++;
	skip_space(r);
	if (peek(r, '}')) {
		r->pos++;
		return 0;
	}
	for (;;) {
		if (member(r, v, depth))
			return -1;
		skip_space(r);
		if (peek(r, '}')) {
			r->pos++;
			return 0;
		}
		if (!peek(r, ','))
			return fail(r, "expected ',' or '}'");
		r->pos++;
	}
}

static int value(struct reader *r, struct fn_jdoc *v, int depth)
{
	int err;

	if (depth > FN_JDOC_MAX_DEPTH)
		return fail(r, "nested too deeply");
	skip_space(r);
	v->start = r->pos;
	if (r->pos >= r->len)
		return fail(r, "unexpected end of text");
	switch (r->s[r->pos]) {
	case '{':
		err = object(r, v, depth);
		break;
	case '[':
		err = array(r, v, depth);
		break;
	case '"':
		v->type = FN_JDOC_STRING;
		err = string(r, &v->str);
		break;
	case 't':
	case 'f':
		v->type = FN_JDOC_BOOL;
		v->boolean = r->s[r->pos] == 't';
		err = literal(r, v->boolean ? "true" : "false");
		break;
	case 'n':
		v->type = FN_JDOC_NULL;
		err = literal(r, "null");
		break;
	default:
		v->type = FN_JDOC_NUMBER;
		err = number(r);
	}
	v->end = r->pos;
	return err;
}

int fn_jdoc_parse(const char *text, size_t len, struct fn_jdoc *doc, const char **error,
		  size_t *offset)
{
	struct reader r = {.s = text, .len = len};

	memset(doc, 0, sizeof(*doc));
	if (value(&r, doc, 0) == 0) {
		skip_space(&r);
		if (r.pos == len)
			return 0;
		fail(&r, "text after the value");
	}
	fn_jdoc_free(doc);
	*error = r.error;
	*offset = r.pos;
	return -1;
}

void fn_jdoc_free(struct fn_jdoc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		fn_jdoc_free(&doc->items[i]);
		if (doc->keys)
			free(doc->keys[i]);
	}
	free(doc->items);
	free(doc->keys);
	free(doc->str);
	memset(doc, 0, sizeof(*doc));
}

const struct fn_jdoc *fn_jdoc_get(const struct fn_jdoc *obj, const char *key)
{
	if (!obj || obj->type != FN_JDOC_OBJECT)
		return NULL;
	for (size_t i = obj->n; i-- > 0;)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

const char *fn_jdoc_str(const struct fn_jdoc *obj, const char *key)
{
	const struct fn_jdoc *v = fn_jdoc_get(obj, key);

	return v && v->type == FN_JDOC_STRING ? v->str : NULL;
}

void fn_jdoc_locate(const char *text, size_t offset, int *line, int *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}
