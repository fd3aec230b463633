/* The JSON document reader: recursive descent over RFC 8259, bounded in depth, every string
 * decoded to UTF-8 (escapes and surrogate pairs checked), every value's span kept. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsondoc.h"
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

static int hex4(struct reader *r, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, r->pos++) {
		char c = r->pos < r->len ? r->s[r->pos] : '\0';
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;

		if (d == 16)
			return fail(r, "bad \\u escape");
		*out = *out << 4 | d;
	}
	return 0;
}

static void put_utf8(struct fn_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	fn_buf_append(b, u, n);
}

/* \uXXXX, with a high surrogate taking the low one that must follow. NUL is refused: the
 * decoded text is a C string. */
static int unicode_escape(struct reader *r, struct fn_buf *b)
{
	unsigned cp, lo;

	if (hex4(r, &cp))
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->pos + 2 > r->len || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u')
			return fail(r, "high surrogate without its low half");
		r->pos += 2;
		if (hex4(r, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "high surrogate without its low half");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(r, "\\u0000 in a string");
	put_utf8(b, cp);
	return 0;
}

static int escape(struct reader *r, struct fn_buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	if (r->pos >= r->len)
		return fail(r, "unterminated string");
	if (r->s[r->pos] == 'u') {
		r->pos++;
		return unicode_escape(r, b);
	}
	hit = r->s[r->pos] ? strchr(from, r->s[r->pos]) : NULL;
	if (!hit)
		return fail(r, "bad escape");
	fn_buf_append(b, &to[hit - from], 1);
	r->pos++;
	return 0;
}

/* The string at r->pos (its opening quote); *out gets the decoded text. */
static int string(struct reader *r, char **out)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_buf_append(&b, "", 0);
	r->pos++;
	for (;;) {
		unsigned char c;

		if (r->pos >= r->len) {
			fn_buf_free(&b);
			return fail(r, "unterminated string");
		}
		c = (unsigned char)r->s[r->pos];
		if (c == '"')
			break;
		if (c < 0x20) {
			fn_buf_free(&b);
			return fail(r, "control character in a string");
		}
		r->pos++;
		if (c != '\\') {
			fn_buf_append(&b, (const char *)&c, 1);
			continue;
		}
		if (escape(r, &b)) {
			fn_buf_free(&b);
			return -1;
		}
	}
	r->pos++;
	*out = fn_buf_steal(&b, NULL);
	return 0;
}

static bool digits(struct reader *r)
{
	size_t from = r->pos;

	while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
		r->pos++;
	return r->pos > from;
}

static int number(struct reader *r)
{
	if (peek(r, '-'))
		r->pos++;
	if (peek(r, '0'))
		r->pos++;
	else if (!digits(r))
		return fail(r, "bad number");
	if (peek(r, '.')) {
		r->pos++;
		if (!digits(r))
			return fail(r, "bad number");
	}
	if (peek(r, 'e') || peek(r, 'E')) {
		r->pos++;
		if (peek(r, '+') || peek(r, '-'))
			r->pos++;
		if (!digits(r))
			return fail(r, "bad number");
	}
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
