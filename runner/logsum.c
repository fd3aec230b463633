/* fakenet log summarize FILE: what a program fingerprinted and where it tried to go, from the
 * JSON Lines audit log of `fakenet run --log`: files of the view it opened, shim tools it ran,
 * connection attempts with their verdicts, and names it looked up. Reads only the flat objects
 * fakenet writes; a line it cannot read is counted and skipped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "netns.h"
#include "util.h"

#define MAX_FIELDS 24

/* One event: its members whose values are strings or numbers (arrays and null are skipped). */
struct event {
	char *key[MAX_FIELDS];
	char *val[MAX_FIELDS];
	int n;
};

static const char *field(const struct event *e, const char *key)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->key[i], key) == 0)
			return e->val[i];
	return NULL;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static void put_utf8(struct fn_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		fn_buf_printf(b, "%c", (char)cp);
	} else if (cp < 0x800) {
		fn_buf_printf(b, "%c%c", (char)(0xc0 | cp >> 6), (char)(0x80 | (cp & 0x3f)));
	} else {
		fn_buf_printf(b, "%c%c%c", (char)(0xe0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3f)),
			      (char)(0x80 | (cp & 0x3f)));
	}
}

/* A JSON string starting at the quote; returns the position after it, or NULL. */
static const char *read_string(const char *p, char **out)
{
	struct fn_buf b;

	if (*p++ != '"')
		return NULL;
	fn_buf_init(&b);
	for (; *p && *p != '"'; p++) {
		if (*p != '\\') {
			fn_buf_printf(&b, "%c", *p);
			continue;
		}
		switch (*++p) {
		case 'n':
			fn_buf_puts(&b, "\n");
			break;
		case 't':
			fn_buf_puts(&b, "\t");
			break;
		case 'r':
			fn_buf_puts(&b, "\r");
			break;
		case 'b':
			fn_buf_puts(&b, "\b");
			break;
		case 'f':
			fn_buf_puts(&b, "\f");
			break;
		case 'u': {
			unsigned cp;

			if (sscanf(p + 1, "%4x", &cp) != 1)
				goto bad;
			put_utf8(&b, cp);
			p += 4;
			break;
		}
		case '\0':
			goto bad;
		default:
			fn_buf_printf(&b, "%c", *p);
		}
	}
	if (*p != '"')
		goto bad;
	*out = xstrdup(b.data ? b.data : "");
	fn_buf_free(&b);
	return p + 1;
bad:
	fn_buf_free(&b);
	return NULL;
}

/* Any other value: a number or literal is kept as text; an array is skipped. */
static const char *read_other(const char *p, char **out)
{
	const char *start = p;
	int depth = 0;

	*out = NULL;
	if (*p == '[') {
		for (; *p; p++) {
			if (*p == '"') {
				char *s;

				if (!(p = read_string(p, &s)))
					return NULL;
				free(s);
				p--;
			} else if (*p == '[') {
				depth++;
			} else if (*p == ']' && --depth == 0) {
				return p + 1;
			}
		}
		return NULL;
	}
	while (*p && *p != ',' && *p != '}' && *p != ' ')
		p++;
	if (p == start)
		return NULL;
	if (strncmp(start, "null", 4) != 0)
		*out = xstrndup(start, (size_t)(p - start));
	return p;
}

static void event_free(struct event *e)
{
	for (int i = 0; i < e->n; i++) {
		free(e->key[i]);
		free(e->val[i]);
	}
	e->n = 0;
}

static bool parse_event(const char *line, struct event *e)
{
	const char *p = skip_ws(line);

	e->n = 0;
	if (*p++ != '{')
		return false;
	for (p = skip_ws(p); *p != '}';) {
		char *key, *val = NULL;

		if (!(p = read_string(p, &key)))
			goto bad;
		p = skip_ws(p);
		if (*p == ':') {
			p = skip_ws(p + 1);
			p = *p == '"' ? read_string(p, &val) : read_other(p, &val);
		} else {
			p = NULL;
		}
		if (p && val && e->n < MAX_FIELDS) {
			e->key[e->n] = key;
			e->val[e->n++] = val;
		} else {
			free(key);
			free(val);
		}
		if (!p)
			goto bad;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			goto bad;
	}
	return true;
bad:
	event_free(e);
	return false;
}

/* A tally: one line of the summary, how often, and by which commands. */
struct tally {
	int section;
	char *what;
	unsigned count;
	char commands[96];
};

struct summary {
	struct tally *v;
	size_t n, cap;
	unsigned unreadable;
};

static void count(struct summary *s, int section, const char *what, const char *command)
{
	struct tally *t = NULL;

	for (size_t i = 0; i < s->n && !t; i++)
		if (s->v[i].section == section && strcmp(s->v[i].what, what) == 0)
			t = &s->v[i];
	if (!t) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 32;
			s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
		}
		t = &s->v[s->n++];
		*t = (struct tally){.section = section, .what = xstrdup(what)};
	}
	t->count++;
	if (command && *command && !strstr(t->commands, command)) {
		size_t len = strlen(t->commands);

		snprintf(t->commands + len, sizeof(t->commands) - len, "%s%s", len ? ", " : "",
			 command);
	}
}

enum { S_FILES, S_SHIMS, S_CONNECT, S_DNS, S_COUNT };

static void add_event(struct summary *s, const struct event *e)
{
	const char *ev = field(e, "event"), *cmd = field(e, "command");
	char what[512];

	if (!ev)
		return;
	if (strcmp(ev, "open") == 0 && field(e, "path")) {
		count(s, S_FILES, field(e, "path"), cmd);
	} else if (strcmp(ev, "shim") == 0 && field(e, "tool")) {
		const char *url = field(e, "url");

		snprintf(what, sizeof(what), "%s%s%s", field(e, "tool"), url ? " " : "",
			 url ? url : "");
		count(s, S_SHIMS, what, NULL);
	} else if (strcmp(ev, "connect") == 0 && field(e, "address")) {
		const char *addr = field(e, "address"), *proto = field(e, "protocol");

		snprintf(what, sizeof(what), "%-9s %s%s%s:%s/%s",
			 field(e, "verdict") ? field(e, "verdict") : "?",
			 strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "",
			 field(e, "port") ? field(e, "port") : "?", proto ? proto : "?");
		count(s, S_CONNECT, what, cmd);
	} else if (strcmp(ev, "dns") == 0 && field(e, "name")) {
		const char *type = field(e, "type"), *answer = field(e, "answer");

		snprintf(what, sizeof(what), "%s %s %s%s%s", field(e, "name"),
			 type && strcmp(type, "1") == 0	   ? "A"
			 : type && strcmp(type, "28") == 0 ? "AAAA"
							   : (type ? type : "?"),
			 field(e, "rcode") ? field(e, "rcode") : "?", answer ? " " : "",
			 answer ? answer : "");
		count(s, S_DNS, what, cmd);
	}
}

static int by_count(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->section != y->section)
		return x->section - y->section;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->what, y->what);
}

static void print_summary(struct summary *s, FILE *out)
{
	static const char *const titles[] = {"Files of the view opened", "Shim tools run",
					     "Connection attempts", "DNS queries"};

	qsort(s->v, s->n, sizeof(*s->v), by_count);
	for (int sec = 0; sec < S_COUNT; sec++) {
		bool any = false;

		for (size_t i = 0; i < s->n; i++) {
			const struct tally *t = &s->v[i];

			if (t->section != sec)
				continue;
			if (!any)
				fprintf(out, "%s%s:\n", sec ? "\n" : "", titles[sec]);
			any = true;
			fprintf(out, "  %5u  %s%s%s%s\n", t->count, t->what,
				t->commands[0] ? "  (" : "", t->commands,
				t->commands[0] ? ")" : "");
		}
		if (!any)
			fprintf(out, "%s%s: none\n", sec ? "\n" : "", titles[sec]);
	}
	if (s->unreadable)
		fprintf(out, "\n%u line(s) could not be read\n", s->unreadable);
}

static int summarize(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	struct summary s = {0};
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		fn_warn_errno("log: %s", path);
		return 1;
	}
	while (getline(&line, &cap, f) > 0) {
		struct event e;

		if (*skip_ws(line) == '\0')
			continue;
		if (!parse_event(line, &e)) {
			s.unreadable++;
			continue;
		}
		add_event(&s, &e);
		event_free(&e);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	print_summary(&s, stdout);
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].what);
	free(s.v);
	return 0;
}

int fn_cmd_log(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: fakenet log summarize FILE\n"
		     "Summarizes a `fakenet run --log` file: files of the view opened, shim tools "
		     "run,\nconnection attempts and their verdicts, DNS queries (FILE - reads "
		     "stdin).");
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "summarize") != 0) {
		fn_warn("log: usage: fakenet log summarize FILE");
		return FN_EXIT_USAGE;
	}
	return summarize(argv[2]);
}
