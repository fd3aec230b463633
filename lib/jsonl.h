/* A tiny JSON Lines writer: one object per line, strings escaped correctly, each line handed to the
 * kernel in one write() so lines from concurrent writers on an O_APPEND file never interleave.
 * Every JSON text fakenet writes (the audit log, `fakenet check --format json`) goes through here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "buf.h"

/* Appends `s` as a JSON string, quotes included. Bytes that are not valid UTF-8 are written as
 * \u00XX (their Latin-1 reading), so every line stays valid JSON whatever a program passed. */
void fn_json_put_string(struct fn_buf *b, const char *s);
/* Appends an array of strings. */
void fn_json_put_strv(struct fn_buf *b, const char *const *v, size_t n);
/* The same, written to a stream. */
void fn_json_fput_string(FILE *out, const char *s);
void fn_json_fput_strv(FILE *out, const char *const *v, size_t n);

/* One object under construction. */
struct fn_jsonl {
	struct fn_buf buf;
	bool first; /* no member written yet */
};

/* Starts an audit-log event with the fields every event has: "time" (RFC 3339 UTC, milliseconds),
 * "event" and "pid". */
void fn_jsonl_event(struct fn_jsonl *j, const char *event, pid_t pid);
/* Starts an empty object. */
void fn_jsonl_begin(struct fn_jsonl *j);
/* Members: a NULL string is written as null. */
void fn_jsonl_str(struct fn_jsonl *j, const char *key, const char *value);
void fn_jsonl_int(struct fn_jsonl *j, const char *key, long long value);
void fn_jsonl_null(struct fn_jsonl *j, const char *key);
/* A value already in JSON form: a number or literal the caller has checked (lib/jsonread.h). */
void fn_jsonl_raw(struct fn_jsonl *j, const char *key, const char *json);
void fn_jsonl_strv(struct fn_jsonl *j, const char *key, const char *const *v, size_t n);
/* Closes the object and the line, writes it to `fd` in one write() and frees the buffer. Returns 0
 * or -errno; the object is freed either way. */
int fn_jsonl_write(struct fn_jsonl *j, int fd);
/* Closes the object and the line and hands the text over (caller frees), for a writer that
 * sends it its own way. */
char *fn_jsonl_end(struct fn_jsonl *j, size_t *len);
