/* Diagnostics list: what went wrong in an identity file, and where. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

void fn_diags_init(struct fn_diags *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = xstrdup(file ? file : "<input>");
}

void fn_diags_add(struct fn_diags *d, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;
	struct fn_diag *item;

	d->items = xreallocarray(d->items, d->n + 1, sizeof(*d->items));
	item = &d->items[d->n++];
	item->line = line;
	item->column = column;
	va_start(ap, fmt);
	item->message = xvasprintf(fmt, ap);
	va_end(ap);
}

void fn_diags_print(const struct fn_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct fn_diag *item = &d->items[i];

		if (item->line)
			fprintf(out, "%s:%u:%u: error: %s\n", d->file, item->line, item->column,
				item->message);
		else
			fprintf(out, "%s: error: %s\n", d->file, item->message);
	}
}

void fn_diags_free(struct fn_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->items[i].message);
	free(d->items);
	free(d->file);
	memset(d, 0, sizeof(*d));
}
