/* fakenet log summarize FILE: what a program fingerprinted and where it tried to go, from the
 * JSON Lines audit log of `fakenet run --log`: files of the view it opened, shim tools it ran,
 * connection attempts with their verdicts, and names it looked up. Lines go through the bounded
 * reader of lib/jsonread.h; a line it cannot read is counted and skipped. Tallies live in a hash
 * table, so the work grows linearly with the log. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "jsonread.h"
#include "cmd_log.h"
#include "util.h"

/* A tally: one line of the summary, how often, and by which commands. */
struct tally {
	int section;
	size_t hash;
	char *what;
	unsigned count;
	char commands[96];
};

struct summary {
	struct tally *v;
	size_t n, cap;
	size_t *slots; /* open addressing: index + 1 into v, 0 for empty */
	size_t n_slots;
	unsigned unreadable;
};

/* FNV-1a over the section and the text. */
static size_t hash(int section, const char *what)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)section;

	for (const unsigned char *p = (const unsigned char *)what; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)h;
}

static size_t *slot_of(struct summary *s, int section, size_t h, const char *what)
{
	size_t mask = s->n_slots - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct tally *t = s->slots[i] ? &s->v[s->slots[i] - 1] : NULL;

		if (!t || (t->hash == h && t->section == section && strcmp(t->what, what) == 0))
			return &s->slots[i];
	}
}

/* Keeps the table at most half full. */
static void grow_slots(struct summary *s)
{
	if (2 * (s->n + 1) <= s->n_slots)
		return;
	free(s->slots);
	s->n_slots = s->n_slots ? 2 * s->n_slots : 64;
	s->slots = xcalloc(s->n_slots, sizeof(*s->slots));
	for (size_t i = 0; i < s->n; i++)
		*slot_of(s, s->v[i].section, s->v[i].hash, s->v[i].what) = i + 1;
}

static struct tally *find_or_add(struct summary *s, int section, const char *what)
{
	size_t h = hash(section, what), *slot;

	grow_slots(s);
	slot = slot_of(s, section, h, what);
	if (*slot)
		return &s->v[*slot - 1];
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 32;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n] = (struct tally){.section = section, .hash = h, .what = xstrdup(what)};
	*slot = ++s->n;
	return &s->v[s->n - 1];
}

static void count(struct summary *s, int section, const char *what, const char *command)
{
	struct tally *t = find_or_add(s, section, what);

	t->count++;
	if (command && *command && !strstr(t->commands, command)) {
		size_t len = strlen(t->commands);

		snprintf(t->commands + len, sizeof(t->commands) - len, "%s%s", len ? ", " : "",
			 command);
	}
}

enum { S_FILES, S_SHIMS, S_CONNECT, S_DNS, S_COUNT };

static const char *dns_type(const char *type)
{
	if (!type)
		return "?";
	if (strcmp(type, "1") == 0)
		return "A";
	if (strcmp(type, "28") == 0)
		return "AAAA";
	return type;
}

static const char *or_unknown(const char *s)
{
	return s ? s : "?";
}

static void add_connect(struct summary *s, const struct fn_json_object *e, const char *cmd)
{
	const char *addr = fn_json_scalar(e, "address");
	bool v6 = strchr(addr, ':') != NULL;
	char what[512];

	snprintf(what, sizeof(what), "%-9s %s%s%s:%s/%s", or_unknown(fn_json_scalar(e, "verdict")),
		 v6 ? "[" : "", addr, v6 ? "]" : "", or_unknown(fn_json_scalar(e, "port")),
		 or_unknown(fn_json_scalar(e, "protocol")));
	count(s, S_CONNECT, what, cmd);
}

static void add_event(struct summary *s, const struct fn_json_object *e)
{
	const char *ev = fn_json_scalar(e, "event"), *cmd = fn_json_scalar(e, "command");
	char what[512];

	if (!ev)
		return;
	if (strcmp(ev, "open") == 0 && fn_json_scalar(e, "path")) {
		count(s, S_FILES, fn_json_scalar(e, "path"), cmd);
	} else if (strcmp(ev, "shim") == 0 && fn_json_scalar(e, "tool")) {
		const char *url = fn_json_scalar(e, "url");

		snprintf(what, sizeof(what), "%s%s%s", fn_json_scalar(e, "tool"), url ? " " : "",
			 url ? url : "");
		count(s, S_SHIMS, what, NULL);
	} else if (strcmp(ev, "connect") == 0 && fn_json_scalar(e, "address")) {
		add_connect(s, e, cmd);
	} else if (strcmp(ev, "dns") == 0 && fn_json_scalar(e, "name")) {
		const char *answer = fn_json_scalar(e, "answer");

		snprintf(what, sizeof(what), "%s %s %s%s%s", fn_json_scalar(e, "name"),
			 dns_type(fn_json_scalar(e, "type")),
			 or_unknown(fn_json_scalar(e, "rcode")), answer ? " " : "",
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

static void print_section(const struct summary *s, int sec, FILE *out)
{
	static const char *const titles[] = {"Files of the view opened", "Shim tools run",
					     "Connection attempts", "DNS queries"};
	bool any = false;

	for (size_t i = 0; i < s->n; i++) {
		const struct tally *t = &s->v[i];

		if (t->section != sec)
			continue;
		if (!any)
			fprintf(out, "%s%s:\n", sec ? "\n" : "", titles[sec]);
		any = true;
		fprintf(out, "  %5u  %s%s%s%s\n", t->count, t->what, t->commands[0] ? "  (" : "",
			t->commands, t->commands[0] ? ")" : "");
	}
	if (!any)
		fprintf(out, "%s%s: none\n", sec ? "\n" : "", titles[sec]);
}

static void print_summary(struct summary *s, FILE *out)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), by_count);
	for (int sec = 0; sec < S_COUNT; sec++)
		print_section(s, sec, out);
	if (s->unreadable)
		fprintf(out, "\n%u line(s) could not be read\n", s->unreadable);
}

/* One line into `line` (without its newline). Returns false at the end of the input; *too_long
 * says the line was past FN_LOGSUM_MAX_LINE and was skipped instead. */
static bool read_line(FILE *in, struct fn_buf *line, bool *too_long)
{
	char chunk[8192];
	bool any = false;

	line->len = 0;
	*too_long = false;
	while (fgets(chunk, sizeof(chunk), in)) {
		size_t n = strlen(chunk);
		bool end = n && chunk[n - 1] == '\n';

		any = true;
		if (!*too_long && line->len + n > FN_LOGSUM_MAX_LINE)
			*too_long = true;
		if (!*too_long)
			fn_buf_append(line, chunk, n - end);
		if (end)
			break;
	}
	return any;
}

static bool blank(const struct fn_buf *line)
{
	for (size_t i = 0; i < line->len; i++)
		if (!strchr(" \t\r", line->data[i]))
			return false;
	return true;
}

static void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].what);
	free(s->v);
	free(s->slots);
}

void fn_logsum(FILE *in, FILE *out)
{
	struct summary s = {0};
	struct fn_buf line;
	bool too_long;

	fn_buf_init(&line);
	while (read_line(in, &line, &too_long)) {
		struct fn_json_object e;

		if (too_long) {
			s.unreadable++;
			continue;
		}
		if (blank(&line))
			continue;
		if (fn_json_read_object(line.data, line.len, &e, NULL, NULL) < 0) {
			s.unreadable++;
			continue;
		}
		add_event(&s, &e);
		fn_json_object_free(&e);
	}
	fn_buf_free(&line);
	print_summary(&s, out);
	summary_free(&s);
}

static int summarize(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");

	if (!f) {
		fn_warn_errno("log: %s", path);
		return 1;
	}
	fn_logsum(f, stdout);
	if (f != stdin)
		fclose(f);
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
