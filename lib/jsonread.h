/* A bounded JSON reader for the one shape fakenet writes: an object per line whose members are
 * strings, numbers, literals or arrays of strings. It reads the audit log (`fakenet log summarize`)
 * and the events shims hand to the runner, both written by a process that may be hostile: it
 * never reads past the given length, caps nesting, member count and sizes, and says where a text
 * went wrong. Deeper values (objects, mixed arrays) are checked and skipped. */
#pragma once

#include <stddef.h>

#define FN_JSON_MAX_DEPTH   32	      /* nested arrays/objects, the outer object included */
#define FN_JSON_MAX_MEMBERS 64	      /* members kept; more is an error */
#define FN_JSON_MAX_ITEMS   (1 << 20) /* strings kept in one array (an argv); more is an error */

enum fn_json_type {
	FN_JSON_STRING, /* text: the decoded UTF-8 */
	FN_JSON_NUMBER, /* text: the number as written (valid JSON grammar) */
	FN_JSON_TRUE,
	FN_JSON_FALSE,
	FN_JSON_NULL,
	FN_JSON_STRV,  /* strv/n_strv: an array of strings only */
	FN_JSON_OTHER, /* an object, or an array holding anything but strings: not kept */
};

struct fn_json_member {
	char *key;
	enum fn_json_type type;
	char *text;
	char **strv;
	size_t n_strv;
};

struct fn_json_object {
	struct fn_json_member *members;
	size_t n;
};

/* Reads exactly one object (surrounding whitespace allowed) from text[0..len); the text need not
 * be NUL-terminated. Returns 0, or -1 with `obj` empty, *error a static description and *offset
 * the byte where reading stopped. Strings must be valid UTF-8 with valid escapes (surrogates in
 * pairs, no \u0000). */
int fn_json_read_object(const char *text, size_t len, struct fn_json_object *obj,
			const char **error, size_t *offset);
void fn_json_object_free(struct fn_json_object *obj);
/* The first member named `key`, or NULL. */
const struct fn_json_member *fn_json_member(const struct fn_json_object *obj, const char *key);
/* Its text when it is a string or a number, else NULL. */
const char *fn_json_scalar(const struct fn_json_object *obj, const char *key);

/* The length of the valid UTF-8 sequence at s (at most `avail` bytes are read), or 0 when there is
 * none: overlong forms, surrogates and values past U+10FFFF are invalid too. */
size_t fn_utf8_len(const unsigned char *s, size_t avail);
