/* Diagnostics collected while reading an identity: "FILE:LINE:COLUMN: error: message", in order. */
#pragma once

#include <stdio.h>
#include <stddef.h>

struct fn_diag {
	unsigned line, column; /* 1-based; 0 when the problem has no place in the file */
	char *message;
};

struct fn_diags {
	char *file;
	struct fn_diag *items;
	size_t n;
};

void fn_diags_init(struct fn_diags *d, const char *file);
void fn_diags_add(struct fn_diags *d, unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prints each diagnostic as "FILE:LINE:COLUMN: error: message\n" (or "FILE: error: ..." without a
 * place). */
void fn_diags_print(const struct fn_diags *d, FILE *out);
void fn_diags_free(struct fn_diags *d);
