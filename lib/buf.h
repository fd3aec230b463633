/* A growable text buffer: what every renderer writes into. */
#pragma once

#include <stddef.h>

struct fn_buf {
	char *data; /* always NUL-terminated once anything was written */
	size_t len, cap;
};

void fn_buf_init(struct fn_buf *b);
void fn_buf_printf(struct fn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fn_buf_append(struct fn_buf *b, const char *s, size_t n);
void fn_buf_puts(struct fn_buf *b, const char *s);
/* Pads the current line with spaces to `width` characters, as the kernel's seq_pad() does. */
void fn_buf_pad_line(struct fn_buf *b, size_t line_start, size_t width);
/* Hands the text over (never NULL); the buffer is empty afterwards. */
char *fn_buf_steal(struct fn_buf *b, size_t *len);
void fn_buf_free(struct fn_buf *b);
