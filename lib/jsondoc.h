/* A JSON document reader for the texts container engines hand over (the OCI state on a hook's
 * stdin, a bundle's config.json): the whole tree, each value with its byte span in the text, so a
 * caller can read members and splice new text in without rewriting what it did not change. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define FN_JDOC_MAX_DEPTH 64

enum fn_jdoc_type {
	FN_JDOC_NULL,
	FN_JDOC_BOOL,
	FN_JDOC_NUMBER,
	FN_JDOC_STRING,
	FN_JDOC_ARRAY,
	FN_JDOC_OBJECT,
};

struct fn_jdoc {
	enum fn_jdoc_type type;
	size_t start, end; /* the value's bytes: text[start..end) */
	char *str;	   /* STRING: the decoded UTF-8 */
	bool boolean;
	struct fn_jdoc *items; /* ARRAY, OBJECT: the values, in order */
	char **keys;	       /* OBJECT: keys[i] names items[i] */
	size_t n;
};

/* Reads one value (surrounding whitespace allowed) from text[0..len). Returns 0, or -1 with *error
 * a static description and *offset the byte where reading stopped (`doc` is then empty). */
int fn_jdoc_parse(const char *text, size_t len, struct fn_jdoc *doc, const char **error,
		  size_t *offset);
void fn_jdoc_free(struct fn_jdoc *doc);
/* The last member named `key` of an object (the one a reader keeping the last wins), or NULL. */
const struct fn_jdoc *fn_jdoc_get(const struct fn_jdoc *obj, const char *key);
/* Its decoded text when it is a string, else NULL. */
const char *fn_jdoc_str(const struct fn_jdoc *obj, const char *key);
/* 1-based line and column of byte `offset`, for located messages. */
void fn_jdoc_locate(const char *text, size_t offset, int *line, int *column);
