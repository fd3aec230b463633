/* JSON Lines writing shared by the audit log (fakefs, the shims) and `fakenet check`: string
 * escaping that always yields valid JSON, and one write() per line. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonl.h"
#include "jsonread.h"

static void put_escape(struct fn_buf *b, unsigned char c)
{
	switch (c) {
	case '"':
		fn_buf_puts(b, "\\\"");
		break;
	case '\\':
		fn_buf_puts(b, "\\\\");
		break;
	case '\n':
		fn_buf_puts(b, "\\n");
		break;
	case '\r':
		fn_buf_puts(b, "\\r");
		break;
	case '\t':
		fn_buf_puts(b, "\\t");
		break;
	default:
		fn_buf_printf(b, "\\u%04x", c);
	}
}

void fn_json_put_string(struct fn_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fn_buf_puts(b, "\"");
	while (*p) {
		/* The string ends at its NUL, which no sequence crosses. */
		size_t n = fn_utf8_len(p, SIZE_MAX);

		if (n == 1 && *p >= 0x20 && *p != '"' && *p != '\\') {
			fn_buf_append(b, (const char *)p, 1);
		} else if (n > 1) {
			fn_buf_append(b, (const char *)p, n);
		} else {
			put_escape(b, *p);
			n = 1;
		}
		p += n;
	}
	fn_buf_puts(b, "\"");
}

void fn_json_put_strv(struct fn_buf *b, const char *const *v, size_t n)
{
	fn_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			fn_buf_puts(b, ",");
		fn_json_put_string(b, v[i]);
	}
	fn_buf_puts(b, "]");
}

static void fput_buf(FILE *out, struct fn_buf *b)
{
	if (b->len)
		fwrite(b->data, 1, b->len, out);
	fn_buf_free(b);
}

void fn_json_fput_string(FILE *out, const char *s)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_json_put_string(&b, s);
	fput_buf(out, &b);
}

void fn_json_fput_strv(FILE *out, const char *const *v, size_t n)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_json_put_strv(&b, v, n);
	fput_buf(out, &b);
}

void fn_jsonl_begin(struct fn_jsonl *j)
{
	fn_buf_init(&j->buf);
	fn_buf_puts(&j->buf, "{");
	j->first = true;
}

static void key(struct fn_jsonl *j, const char *name)
{
	if (!j->first)
		fn_buf_puts(&j->buf, ",");
	j->first = false;
	fn_json_put_string(&j->buf, name);
	fn_buf_puts(&j->buf, ":");
}

/* "2024-05-01T12:34:56.789Z" */
static void put_time(struct fn_buf *b)
{
	struct timespec ts;
	struct tm tm;
	char text[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	fn_buf_printf(b, "\"%s.%03ldZ\"", text, ts.tv_nsec / 1000000);
}

void fn_jsonl_event(struct fn_jsonl *j, const char *event, pid_t pid)
{
	fn_jsonl_begin(j);
	key(j, "time");
	put_time(&j->buf);
	fn_jsonl_str(j, "event", event);
	fn_jsonl_int(j, "pid", (long long)pid);
}

void fn_jsonl_str(struct fn_jsonl *j, const char *name, const char *value)
{
	key(j, name);
	if (value)
		fn_json_put_string(&j->buf, value);
	else
		fn_buf_puts(&j->buf, "null");
}

void fn_jsonl_int(struct fn_jsonl *j, const char *name, long long value)
{
	key(j, name);
	fn_buf_printf(&j->buf, "%lld", value);
}

void fn_jsonl_null(struct fn_jsonl *j, const char *name)
{
	key(j, name);
	fn_buf_puts(&j->buf, "null");
}

void fn_jsonl_raw(struct fn_jsonl *j, const char *name, const char *json)
{
	key(j, name);
	fn_buf_puts(&j->buf, json);
}

void fn_jsonl_strv(struct fn_jsonl *j, const char *name, const char *const *v, size_t n)
{
	key(j, name);
	fn_json_put_strv(&j->buf, v, n);
}

int fn_jsonl_write(struct fn_jsonl *j, int fd)
{
	ssize_t done;
	int err = 0;

	fn_buf_puts(&j->buf, "}\n");
	/* One write: with O_APPEND the kernel places the whole line at the end atomically. */
	do
		done = write(fd, j->buf.data, j->buf.len);
	while (done < 0 && errno == EINTR);
	if (done < 0)
		err = -errno;
	else if ((size_t)done != j->buf.len)
		err = -EIO;
	fn_buf_free(&j->buf);
	return err;
}

char *fn_jsonl_end(struct fn_jsonl *j, size_t *len)
{
	fn_buf_puts(&j->buf, "}\n");
	return fn_buf_steal(&j->buf, len);
}
