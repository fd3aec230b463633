/* A JSON writer that lays text out as iproute2's json_writer does (ip -j, and with -p its pretty
 * form: four spaces a level, arrays opened as "[ " and closed as " ]"), so a shim's JSON is the
 * real tool's byte for byte. */
#pragma once

#include <stdbool.h>

#include "buf.h"

struct fn_jw {
	struct fn_buf *out;
	unsigned depth;
	char sep; /* what goes before the next value: ',' or nothing */
	bool pretty;
};

void fn_jw_init(struct fn_jw *w, struct fn_buf *out, bool pretty);
/* The closing line break iproute2 writes when its writer is destroyed. */
void fn_jw_finish(struct fn_jw *w);

void fn_jw_start_object(struct fn_jw *w);
void fn_jw_end_object(struct fn_jw *w);
void fn_jw_start_array(struct fn_jw *w);
void fn_jw_end_array(struct fn_jw *w);
/* A member name; the value follows with one of the calls below. */
void fn_jw_name(struct fn_jw *w, const char *name);
void fn_jw_string(struct fn_jw *w, const char *s);
void fn_jw_uint(struct fn_jw *w, unsigned long long v);
void fn_jw_int(struct fn_jw *w, long long v);
void fn_jw_true(struct fn_jw *w);

/* name + value in one call. */
void fn_jw_kv_str(struct fn_jw *w, const char *name, const char *s);
void fn_jw_kv_uint(struct fn_jw *w, const char *name, unsigned long long v);
void fn_jw_kv_int(struct fn_jw *w, const char *name, long long v);
void fn_jw_kv_true(struct fn_jw *w, const char *name);
/* "name": [ ... or "name": { ... */
void fn_jw_kv_array(struct fn_jw *w, const char *name);
void fn_jw_kv_object(struct fn_jw *w, const char *name);
