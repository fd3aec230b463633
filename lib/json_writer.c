/* JSON laid out like iproute2's json_writer: a separator is written before each value rather than
 * after, and in pretty mode every member starts a line indented by its depth. */
#include "json_writer.h"
#include "jsonl.h"

void fn_jw_init(struct fn_jw *w, struct fn_buf *out, bool pretty)
{
	w->out = out;
	w->depth = 0;
	w->sep = '\0';
	w->pretty = pretty;
}

void fn_jw_finish(struct fn_jw *w)
{
	fn_buf_puts(w->out, "\n");
}

static void end_of_line(struct fn_jw *w)
{
	if (!w->pretty)
		return;
	fn_buf_puts(w->out, "\n");
	for (unsigned i = 0; i < w->depth; i++)
		fn_buf_puts(w->out, "    ");
}

/* Ends the previous value, if any. */
static void separate(struct fn_jw *w)
{
	if (w->sep)
		fn_buf_append(w->out, &w->sep, 1);
	w->sep = ',';
}

static void begin(struct fn_jw *w, const char *open)
{
	separate(w);
	fn_buf_puts(w->out, open);
	w->depth++;
	w->sep = '\0';
}

static void end(struct fn_jw *w, const char *close)
{
	if (w->depth)
		w->depth--;
	if (w->sep)
		end_of_line(w);
	fn_buf_puts(w->out, close);
	w->sep = ',';
}

void fn_jw_start_object(struct fn_jw *w)
{
	begin(w, "{");
}

void fn_jw_end_object(struct fn_jw *w)
{
	end(w, "}");
}

void fn_jw_start_array(struct fn_jw *w)
{
	begin(w, "[");
	if (w->pretty)
		fn_buf_puts(w->out, " ");
}

/* The members of an array are not put on lines of their own: no line break before "]". */
void fn_jw_end_array(struct fn_jw *w)
{
	if (w->pretty && w->sep)
		fn_buf_puts(w->out, " ");
	w->sep = '\0';
	end(w, "]");
}

void fn_jw_name(struct fn_jw *w, const char *name)
{
	separate(w);
	end_of_line(w);
	w->sep = '\0';
	fn_json_put_string(w->out, name);
	fn_buf_puts(w->out, w->pretty ? ": " : ":");
}

void fn_jw_string(struct fn_jw *w, const char *s)
{
	separate(w);
	fn_json_put_string(w->out, s);
}

void fn_jw_uint(struct fn_jw *w, unsigned long long v)
{
	separate(w);
	fn_buf_printf(w->out, "%llu", v);
}

void fn_jw_int(struct fn_jw *w, long long v)
{
	separate(w);
	fn_buf_printf(w->out, "%lld", v);
}

void fn_jw_true(struct fn_jw *w)
{
	separate(w);
	fn_buf_puts(w->out, "true");
}

void fn_jw_kv_str(struct fn_jw *w, const char *name, const char *s)
{
	fn_jw_name(w, name);
	fn_jw_string(w, s);
}

void fn_jw_kv_uint(struct fn_jw *w, const char *name, unsigned long long v)
{
	fn_jw_name(w, name);
	fn_jw_uint(w, v);
}

void fn_jw_kv_int(struct fn_jw *w, const char *name, long long v)
{
	fn_jw_name(w, name);
	fn_jw_int(w, v);
}

void fn_jw_kv_true(struct fn_jw *w, const char *name)
{
	fn_jw_name(w, name);
	fn_jw_true(w);
}

void fn_jw_kv_array(struct fn_jw *w, const char *name)
{
	fn_jw_name(w, name);
	fn_jw_start_array(w);
}

void fn_jw_kv_object(struct fn_jw *w, const char *name)
{
	fn_jw_name(w, name);
	fn_jw_start_object(w);
}
