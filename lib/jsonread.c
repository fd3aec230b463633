/* The bounded JSON reader: a recursive-descent parser over a (pointer, end) cursor, so every read
 * is checked against the end of the text, and a depth counter, so hostile nesting cannot exhaust
 * the stack. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonread.h"
#include "util.h"

struct cursor {
	const char *start, *p, *end;
	const char *error; /* the first error; reading stops there */
	int depth;
};

static bool fail(struct cursor *c, const char *error)
{
	if (!c->error)
		c->error = error;
	return false;
}

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool at(const struct cursor *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

size_t fn_utf8_len(const unsigned char *s, size_t avail)
{
	uint32_t cp;
	size_t n;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A code point (already checked: no surrogate, at most U+10FFFF) as UTF-8. */
static void put_utf8(struct fn_buf *b, uint32_t cp)
{
	char out[4];
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};

	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		out[i] = (char)(0x80 | (cp & 0x3f));
	out[0] = (char)(lead[n] | cp);
	fn_buf_append(b, out, n);
}

/* Exactly four hex digits after "\u". */
static bool hex4(struct cursor *c, uint32_t *out)
{
	*out = 0;
	if (c->end - c->p < 4)
		return fail(c, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char h = *c->p++;
		uint32_t v;

		if (h >= '0' && h <= '9')
			v = (uint32_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			v = (uint32_t)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			v = (uint32_t)(h - 'A' + 10);
		else
			return fail(c, "bad hex digit in a \\u escape");
		*out = *out << 4 | v;
	}
	return true;
}

/* After "\u": one code point, a surrogate pair read as one. */
static bool unicode_escape(struct cursor *c, struct fn_buf *b)
{
	uint32_t hi, lo;

	if (!hex4(c, &hi))
		return false;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(c, "lone low surrogate");
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
			return fail(c, "high surrogate without its low half");
		c->p += 2;
		if (!hex4(c, &lo))
			return false;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(c, "high surrogate without its low half");
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (hi == 0)
		return fail(c, "\\u0000 in a string");
	put_utf8(b, hi);
	return true;
}

static bool escape(struct cursor *c, struct fn_buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	if (c->p >= c->end)
		return fail(c, "truncated escape");
	if (*c->p == 'u') {
		c->p++;
		return unicode_escape(c, b);
	}
	hit = memchr(from, *c->p, sizeof(from) - 1);
	if (!hit)
		return fail(c, "unknown escape");
	fn_buf_append(b, &to[hit - from], 1);
	c->p++;
	return true;
}

/* A string at the cursor (which is on its quote); *out gets the decoded text when `out`. */
static bool read_string(struct cursor *c, char **out)
{
	struct fn_buf b;

	if (!at(c, '"'))
		return fail(c, "expected a string");
	c->p++;
	fn_buf_init(&b);
	while (c->p < c->end && *c->p != '"') {
		const unsigned char *u = (const unsigned char *)c->p;
		size_t n;

		if (*u == '\\') {
			c->p++;
			if (!escape(c, &b))
				goto bad;
			continue;
		}
		if (*u >= 0x20 && *u < 0x80) {
			/* A run of plain ASCII in one append. */
			const char *from = c->p;

			while (c->p < c->end && (unsigned char)*c->p >= 0x20 &&
			       (unsigned char)*c->p < 0x80 && *c->p != '"' && *c->p != '\\')
				c->p++;
			fn_buf_append(&b, from, (size_t)(c->p - from));
			continue;
		}
		if (*u < 0x20) {
			fail(c, "control character in a string");
			goto bad;
		}
		n = fn_utf8_len(u, (size_t)(c->end - c->p));
		if (!n) {
			fail(c, "invalid UTF-8 in a string");
			goto bad;
		}
		fn_buf_append(&b, c->p, n);
		c->p += n;
	}
	if (!at(c, '"')) {
		fail(c, "unterminated string");
		goto bad;
	}
	c->p++;
	if (out)
		*out = xstrdup(b.data ? b.data : "");
	fn_buf_free(&b);
	return true;
bad:
	fn_buf_free(&b);
	return false;
}

static bool digits(struct cursor *c)
{
	const char *from = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > from;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool read_number(struct cursor *c, char **out)
{
	const char *from = c->p;

	if (at(c, '-'))
		c->p++;
	if (at(c, '0'))
		c->p++;
	else if (!digits(c))
		return fail(c, "bad number");
	if (at(c, '.')) {
		c->p++;
		if (!digits(c))
			return fail(c, "bad number");
	}
	if (at(c, 'e') || at(c, 'E')) {
		c->p++;
		if (at(c, '+') || at(c, '-'))
			c->p++;
		if (!digits(c))
			return fail(c, "bad number");
	}
	*out = xstrndup(from, (size_t)(c->p - from));
	return true;
}

static bool literal(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return fail(c, "unexpected character");
	c->p += n;
	return true;
}

static bool skip_value(struct cursor *c);

/* An object or array not kept: checked all the same, within the depth limit. */
static bool skip_container(struct cursor *c, char close)
{
	bool object = close == '}';

	if (++c->depth > FN_JSON_MAX_DEPTH)
		return fail(c, "nested too deeply");
	c->p++;
	skip_ws(c);
	if (at(c, close)) {
		c->p++;
		c->depth--;
		return true;
	}
	for (;;) {
		if (object) {
			if (!read_string(c, NULL))
				return false;
			skip_ws(c);
			if (!at(c, ':'))
				return fail(c, "expected ':'");
			c->p++;
			skip_ws(c);
		}
		if (!skip_value(c))
			return false;
		skip_ws(c);
		if (at(c, close)) {
			c->p++;
			c->depth--;
			return true;
		}
		if (!at(c, ','))
			return fail(c, object ? "expected ',' or '}'" : "expected ',' or ']'");
		c->p++;
		skip_ws(c);
	}
}

static bool skip_value(struct cursor *c)
{
	char *text = NULL;
	bool ok;

	if (c->p >= c->end)
		return fail(c, "missing value");
	switch (*c->p) {
	case '{':
		return skip_container(c, '}');
	case '[':
		return skip_container(c, ']');
	case '"':
		return read_string(c, NULL);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	}
	ok = read_number(c, &text);
	free(text);
	return ok;
}

static void member_clear(struct fn_json_member *m)
{
	free(m->key);
	free(m->text);
	for (size_t i = 0; i < m->n_strv; i++)
		free(m->strv[i]);
	free(m->strv);
	memset(m, 0, sizeof(*m));
}

/* An array: kept as strv when it holds strings only; otherwise rewound and skipped. */
static bool read_array(struct cursor *c, struct fn_json_member *m)
{
	const char *from = c->p;
	size_t cap = 0;

	m->type = FN_JSON_STRV;
	c->p++;
	skip_ws(c);
	while (!at(c, ']')) {
		char *s;

		if (!at(c, '"'))
			goto other;
		if (m->n_strv == FN_JSON_MAX_ITEMS)
			return fail(c, "too many items in an array");
		if (!read_string(c, &s))
			return false;
		if (m->n_strv == cap) {
			cap = cap ? 2 * cap : 8;
			m->strv = xreallocarray(m->strv, cap, sizeof(char *));
		}
		m->strv[m->n_strv++] = s;
		skip_ws(c);
		if (at(c, ',')) {
			c->p++;
			skip_ws(c);
			if (at(c, ']'))
				return fail(c, "expected a value");
		} else if (!at(c, ']')) {
			return fail(c, "expected ',' or ']'");
		}
	}
	c->p++;
	return true;
other:
	for (size_t i = 0; i < m->n_strv; i++)
		free(m->strv[i]);
	free(m->strv);
	m->strv = NULL;
	m->n_strv = 0;
	m->type = FN_JSON_OTHER;
	c->p = from;
	return skip_container(c, ']');
}

static bool read_value(struct cursor *c, struct fn_json_member *m)
{
	if (c->p >= c->end)
		return fail(c, "missing value");
	switch (*c->p) {
	case '"':
		m->type = FN_JSON_STRING;
		return read_string(c, &m->text);
	case '[':
		return read_array(c, m);
	case '{':
		m->type = FN_JSON_OTHER;
		return skip_container(c, '}');
	case 't':
		m->type = FN_JSON_TRUE;
		return literal(c, "true");
	case 'f':
		m->type = FN_JSON_FALSE;
		return literal(c, "false");
	case 'n':
		m->type = FN_JSON_NULL;
		return literal(c, "null");
	}
	m->type = FN_JSON_NUMBER;
	return read_number(c, &m->text);
}

static bool read_member(struct cursor *c, struct fn_json_object *obj)
{
	struct fn_json_member m = {0};

	if (obj->n == FN_JSON_MAX_MEMBERS)
		return fail(c, "too many members");
	if (!read_string(c, &m.key))
		goto bad;
	skip_ws(c);
	if (!at(c, ':')) {
		fail(c, "expected ':'");
		goto bad;
	}
	c->p++;
	skip_ws(c);
	if (!read_value(c, &m))
		goto bad;
	obj->members = xreallocarray(obj->members, obj->n + 1, sizeof(m));
	obj->members[obj->n++] = m;
	return true;
bad:
	member_clear(&m);
	return false;
}

static bool read_object(struct cursor *c, struct fn_json_object *obj)
{
	skip_ws(c);
	if (!at(c, '{'))
		return fail(c, "expected '{'");
	c->p++;
	c->depth = 1;
	skip_ws(c);
	if (at(c, '}')) {
		c->p++;
		return true;
	}
	for (;;) {
		if (!read_member(c, obj))
			return false;
		skip_ws(c);
		if (at(c, '}')) {
			c->p++;
			return true;
		}
		if (!at(c, ','))
			return fail(c, "expected ',' or '}'");
		c->p++;
		skip_ws(c);
	}
}

int fn_json_read_object(const char *text, size_t len, struct fn_json_object *obj,
			const char **error, size_t *offset)
{
	struct cursor c = {.start = text, .p = text, .end = text + len};

	obj->members = NULL;
	obj->n = 0;
	if (read_object(&c, obj)) {
		skip_ws(&c);
		if (c.p == c.end)
			return 0;
		fail(&c, "text after the object");
	}
	fn_json_object_free(obj);
	if (error)
		*error = c.error;
	if (offset)
		*offset = (size_t)(c.p - c.start);
	return -1;
}

void fn_json_object_free(struct fn_json_object *obj)
{
	for (size_t i = 0; i < obj->n; i++)
		member_clear(&obj->members[i]);
	free(obj->members);
	obj->members = NULL;
	obj->n = 0;
}

const struct fn_json_member *fn_json_member(const struct fn_json_object *obj, const char *key)
{
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->members[i].key, key) == 0)
			return &obj->members[i];
	return NULL;
}

const char *fn_json_scalar(const struct fn_json_object *obj, const char *key)
{
	const struct fn_json_member *m = fn_json_member(obj, key);

	if (!m || (m->type != FN_JSON_STRING && m->type != FN_JSON_NUMBER))
		return NULL;
	return m->text;
}
