/* Growable text buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

void fn_buf_init(struct fn_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

static void reserve(struct fn_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->data = xreallocarray(b->data, b->cap, 1);
}

void fn_buf_append(struct fn_buf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void fn_buf_puts(struct fn_buf *b, const char *s)
{
	fn_buf_append(b, s, strlen(s));
}

void fn_buf_printf(struct fn_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void fn_buf_pad_line(struct fn_buf *b, size_t line_start, size_t width)
{
	size_t used = b->len - line_start;

	if (used >= width)
		return;
	reserve(b, width - used);
	memset(b->data + b->len, ' ', width - used);
	b->len += width - used;
	b->data[b->len] = '\0';
}

char *fn_buf_steal(struct fn_buf *b, size_t *len)
{
	char *p;

	reserve(b, 0);
	/* An empty buffer has no text yet: its first allocation is terminated here. */
	b->data[b->len] = '\0';
	p = b->data;
	if (len)
		*len = b->len;
	fn_buf_init(b);
	return p;
}

void fn_buf_free(struct fn_buf *b)
{
	free(b->data);
	fn_buf_init(b);
}
