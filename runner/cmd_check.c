/* fakenet check: start the identity exactly as `fakenet run` does, run every probe inside it, and
 * compare what each probe saw with the identity fact it names. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "backend.h"
#include "buf.h"
#include "facts.h"
#include "identity_source.h"
#include "jsonl.h"
#include "netmode.h"
#include "probes.h"
#include "cli.h"
#include "util.h"

/* A battery in which no probe has started or ended for this long is stuck; the runner is killed
 * and with it everything. Progress, not a total, is what counts: how many probes an identity
 * expands into and how fast they run on this build and machine vary a hundredfold.
 * $FAKENET_CHECK_STALL_S sets another limit. */
#define CHECK_STALL_MS 120000
/* The shell's exit status a probe uses to say its source does not exist here. */
#define PROBE_SKIP_STATUS 77
/* The hex digits of the mark that frames each probe's record in the battery's output. */
#define CHECK_MARK_LEN 16
/* More than any probe of a fingerprint prints; a probe beyond it stops the battery. */
#define CHECK_OUTPUT_MAX (8 << 20)

/* The battery's output, whatever bytes its probes printed, and the mark of its records. */
struct battery {
	char *out;
	size_t len;
	char mark[CHECK_MARK_LEN + 1];
};

enum verdict { V_PASS, V_FAIL, V_SKIP, V_UNFAKEABLE };

static const char *const verdict_names[] = {"ok", "FAIL", "skip", "unfakeable"};
static const char *const verdict_json[] = {"ok", "fail", "skip", "unfakeable"};

struct result {
	struct fn_strv expected, seen;
	enum verdict verdict;
	int status;	    /* the probe's exit status; -1 if it never ran */
	double ms;	    /* how long it took */
	double baseline_ms; /* how long its first program took to start and stop alone */
	char *note;	    /* why it failed or was skipped, beyond the values */
};

struct check_opts {
	const char *identity;
	const char *net;
	const char *backend;
	const char *format;
	const char **probe_files;
	size_t n_probe_files;
	bool builtin;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: fakenet check [--identity FILE] [--probes FILE]... [--no-builtin]\n"
		"                     [--format text|tap|json] [--net nat|host|isolated|filtered]\n"
		"                     [--backend auto|fuse|preload]\n"
		"Runs every probe inside the identity, as `fakenet run` would, and checks "
		"that each view\n"
		"agrees with the identity. Exit 0: all agree; 1: a probe disagrees; 2: usage "
		"or identity error.\n");
}

static void append_quoted(struct fn_buf *b, const char *s)
{
	fn_buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			fn_buf_puts(b, "'\\''");
		else
			fn_buf_append(b, s, 1);
	}
	fn_buf_puts(b, "'");
}

/* Runs one probe and frames its output: RS (036) + the battery's mark + index, then US (037) + the
 * mark + exit status and three uptimes (before the baseline, before and after the probe). The mark
 * is random for each battery, so no probe output, whatever bytes it holds, can end a record or
 * start another. A
 * timed probe's baseline, its first program alone, runs first, in a subshell that only execs it
 * (never a builtin or a function of this script). Every value reaches it as an argument. */
static const char probe_function[] = "probe() {\n"
				     "\tprintf '\\036%s %s\\n' \"$m\" \"$1\"\n"
				     "\tread b0 _ </proc/uptime\n"
				     "\tt0=$b0\n"
				     "\tif [ -n \"$2\" ]; then\n"
				     "\t\t(exec \"$2\") </dev/null >/dev/null 2>&1\n"
				     "\t\tread t0 _ </proc/uptime\n"
				     "\tfi\n"
				     "\tif [ \"$3\" = run ]; then\n"
				     "\t\tsrc=$4; shift 4; /bin/sh -c \"$src\" sh \"$@\"\n"
				     "\telse\n"
				     "\t\tcat -- \"$4\"\n"
				     "\tfi </dev/null 2>/dev/null\n"
				     "\trc=$?\n"
				     "\tread t1 _ </proc/uptime\n"
				     "\tprintf '\\037%s %s %s %s %s\\n' \"$m\" $rc $b0 $t0 $t1\n"
				     "}\n";

/* A probe's max_ms tells "failed at once" from "waited for its timeout". How long a program takes
 * merely to start and stop depends on how it was built (a sanitizer's instrumented build, an
 * emulator) and on how busy the machine is, so the limit counts only the time beyond that: just
 * before a timed probe, its first program runs alone, with no arguments and no input, and the
 * probe is charged what it took beyond that run. That program is the leading word of its command
 * (cat for a file it reads) when that is a plain name or path; else "", no baseline. */
static char *baseline_program(const struct fn_probe *p)
{
	const char *s = p->run, *end;

	if (!p->max_ms)
		return xstrdup("");
	if (!s)
		return xstrdup("cat");
	s += strspn(s, " \t\n");
	end = s + strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./+-");
	if (end == s || (*end && !strchr(" \t\n;&|)", *end)))
		return xstrdup("");
	return xstrndup(s, (size_t)(end - s));
}

/* One shell script runs the whole battery, so the environment starts once: a call of probe() per
 * probe, each value a single-quoted word. */
static char *battery_script(const struct fn_probe_list *probes, const char *mark)
{
	struct fn_buf b;

	fn_buf_init(&b);
	fn_buf_printf(&b, "m=%s\n", mark);
	fn_buf_puts(&b, probe_function);
	for (size_t i = 0; i < probes->n; i++) {
		const struct fn_probe *p = &probes->v[i];
		char *baseline = baseline_program(p);

		fn_buf_printf(&b, "probe %zu ", i);
		append_quoted(&b, baseline);
		fn_buf_printf(&b, " %s ", p->run ? "run" : "read");
		append_quoted(&b, p->run ? p->run : p->read);
		free(baseline);
		for (size_t j = 0; p->run && j < FN_PROBE_NARGS; j++) {
			fn_buf_puts(&b, " ");
			append_quoted(&b, p->args[j]);
		}
		fn_buf_puts(&b, "\n");
	}
	return fn_buf_steal(&b, NULL);
}

/* The script as a file for the shell's standard input: no argv size limit applies to it. */
static int script_fd(const char *script)
{
	int fd = memfd_create("fakenet-check", MFD_CLOEXEC);
	size_t len = strlen(script);

	if (fd < 0)
		fn_die_errno(FN_EXIT_USAGE, "memfd_create");
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, script + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fn_die_errno(FN_EXIT_USAGE, "writing the probe script");
		done += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		fn_die_errno(FN_EXIT_USAGE, "lseek");
	return fd;
}

static char **run_argv(const struct check_opts *o)
{
	char **argv = xcalloc(14, sizeof(*argv));
	size_t n = 0;

	argv[n++] = "fakenet";
	argv[n++] = "run";
	if (o->identity) {
		argv[n++] = "--identity";
		argv[n++] = (char *)o->identity;
	}
	if (o->net) {
		argv[n++] = "--net";
		argv[n++] = (char *)o->net;
	}
	if (o->backend) {
		argv[n++] = "--backend";
		argv[n++] = (char *)o->backend;
	}
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-s";
	return argv;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double stall_ms(void)
{
	return fn_env_seconds_ms("FAKENET_CHECK_STALL_S", CHECK_STALL_MS, "check");
}

/* The battery's mark: random, so that no probe can print it by chance or by design. */
static void make_mark(struct battery *bt)
{
	unsigned char r[CHECK_MARK_LEN / 2];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		fn_die_errno(FN_EXIT_USAGE, "getrandom");
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(bt->mark + 2 * i, 3, "%02x", r[i]);
}

/* The first framing record of `kind` (RS starts a probe, US ends it) in [p, end): the control
 * byte, the battery's mark and a space. */
static const char *find_mark(const struct battery *bt, const char *p, const char *end, char kind)
{
	for (; p < end && (p = memchr(p, kind, (size_t)(end - p))); p++)
		if ((size_t)(end - p) > CHECK_MARK_LEN + 1 &&
		    memcmp(p + 1, bt->mark, CHECK_MARK_LEN) == 0 && p[CHECK_MARK_LEN + 1] == ' ')
			return p;
	return NULL;
}

/* Whether [p, end) holds a probe's start or end. */
static bool shows_progress(const struct battery *bt, const char *p, const char *end)
{
	return find_mark(bt, p, end, '\036') || find_mark(bt, p, end, '\037');
}

/* Runs the battery under `fakenet run`, its stdout into bt. A battery is stopped when no probe
 * starts or ends for the stall limit, or when one probe writes more than CHECK_OUTPUT_MAX. */
static void run_battery(const struct check_opts *o, const struct fn_probe_list *probes,
			struct battery *bt, int *status)
{
	char *script = battery_script(probes, bt->mark), **argv = run_argv(o);
	double stall = stall_ms(), deadline = now_ms() + stall;
	int pipefd[2], in = script_fd(script);
	size_t scanned = 0, last_progress = 0;
	struct fn_buf out;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		fn_die_errno(FN_EXIT_USAGE, "pipe");
	pid = fork();
	if (pid < 0)
		fn_die_errno(FN_EXIT_USAGE, "fork");
	if (pid == 0) {
		dup2(in, 0);
		dup2(pipefd[1], 1);
		execv("/proc/self/exe", argv);
		_exit(FN_EXIT_OWN);
	}
	close(pipefd[1]);
	close(in);
	fn_buf_init(&out);
	for (;;) {
		struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
		char chunk[8192];
		int left = (int)(deadline - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left) == 0) {
			fn_warn("check: no probe started or ended for %.0f s; stopped them",
				stall / 1000);
			kill(pid, SIGKILL);
			break;
		}
		n = read(pipefd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fn_buf_append(&out, chunk, (size_t)n);
		/* A record split between two reads is seen whole in the second scan. */
		if (shows_progress(bt, out.data + scanned, out.data + out.len)) {
			deadline = now_ms() + stall;
			last_progress = out.len;
		}
		scanned = out.len > CHECK_MARK_LEN + 1 ? out.len - CHECK_MARK_LEN - 1 : 0;
		if (out.len - last_progress > CHECK_OUTPUT_MAX) {
			fn_warn("check: a probe wrote more than %d MiB; stopped them",
				CHECK_OUTPUT_MAX >> 20);
			kill(pid, SIGKILL);
			break;
		}
	}
	close(pipefd[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	free(argv);
	free(script);
	bt->out = fn_buf_steal(&out, &bt->len);
}

static void lowercase(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static char *decode_value(const char *v, enum fn_probe_decode how)
{
	unsigned char b[16];
	char text[64];

	if (how == FN_DECODE_HEX_LE_IPV4) {
		unsigned long x = strtoul(v, NULL, 16);

		/* The kernel prints the network-order word as a little-endian host integer. */
		snprintf(text, sizeof(text), "%lu.%lu.%lu.%lu", x & 0xff, (x >> 8) & 0xff,
			 (x >> 16) & 0xff, (x >> 24) & 0xff);
		return xstrdup(text);
	}
	if (how == FN_DECODE_HEX_IPV6 && strlen(v) == 32) {
		for (int i = 0; i < 16; i++) {
			unsigned int byte;

			sscanf(v + 2 * i, "%2x", &byte);
			b[i] = (unsigned char)byte;
		}
		if (inet_ntop(AF_INET6, b, text, sizeof(text)))
			return xstrdup(text);
	}
	return xstrdup(v);
}

static void push_value(struct fn_strv *seen, const char *start, size_t len,
		       const struct fn_probe *p)
{
	char *raw = xstrndup(start, len), *v = decode_value(raw, p->decode);

	fn_strv_push(seen, v);
	free(raw);
	free(v);
}

/* Every match of the pattern is one value: its first group if it has one, else the whole match. */
static void extract_values(const struct fn_probe *p, const char *text, size_t len, pcre2_code *re,
			   struct fn_strv *seen)
{
	pcre2_match_data *md;
	size_t offset = 0;

	if (!re) {
		/* Without a pattern, each non-empty line of the output is one value. */
		for (const char *line = text, *end = text + len; line < end;) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);

			while (n &&
			       (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
				n--;
			if (n)
				push_value(seen, line, n, p);
			line += (nl ? (size_t)(nl - line) + 1 : n);
			if (!nl)
				break;
		}
		return;
	}
	md = pcre2_match_data_create_from_pattern(re, NULL);
	while (offset <= len && pcre2_match(re, (PCRE2_SPTR)text, len, offset, 0, md, NULL) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		uint32_t groups = pcre2_get_ovector_count(md);
		size_t g = groups > 1 && ov[2] != PCRE2_UNSET ? 1 : 0;

		push_value(seen, text + ov[2 * g], ov[2 * g + 1] - ov[2 * g], p);
		offset = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
	}
	pcre2_match_data_free(md);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_values(struct fn_strv *v)
{
	if (v->n)
		qsort(v->v, v->n, sizeof(*v->v), compare_strings);
}

static bool same_values(struct fn_strv *a, struct fn_strv *b)
{
	sort_values(a);
	sort_values(b);
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

/* Where each probe's record starts in the battery output (after its RS + index line), found in one
 * pass: looking each one up from the start would be quadratic in the number of probes. */
static const char **index_records(const struct battery *bt, size_t n)
{
	const char **starts = xcalloc(n ? n : 1, sizeof(*starts));
	const char *end = bt->out + bt->len;

	for (const char *p = find_mark(bt, bt->out, end, '\036'); p;
	     p = find_mark(bt, p + 1, end, '\036')) {
		const char *num = p + CHECK_MARK_LEN + 2;
		char *after;
		unsigned long i = strtoul(num, &after, 10);

		if (after != num && *after == '\n' && i < n && !starts[i])
			starts[i] = after + 1;
	}
	return starts;
}

/* Probe i's record from its start: its text, exit status, elapsed time and its baseline's. */
static bool find_record(const struct battery *bt, const char *start, const char **text, size_t *len,
			int *status, struct result *r)
{
	const char *end;
	double b0, t0, t1;

	if (!start)
		return false;
	end = find_mark(bt, start, bt->out + bt->len, '\037');
	if (!end || sscanf(end + CHECK_MARK_LEN + 2, "%d %lf %lf %lf", status, &b0, &t0, &t1) != 4)
		return false;
	*text = start;
	*len = (size_t)(end - start);
	r->ms = (t1 - t0) * 1000.0;
	r->baseline_ms = (t0 - b0) * 1000.0;
	return true;
}

/* Fails a probe that took more than max_ms beyond its baseline. */
static void judge_time(const struct fn_probe *p, struct result *r)
{
	double beyond = r->ms - r->baseline_ms;

	if (r->verdict != V_PASS || !p->max_ms || beyond <= (double)p->max_ms)
		return;
	r->verdict = V_FAIL;
	r->note = xasprintf("took %.0f ms, %.0f ms beyond the %.0f ms its program takes to start "
			    "alone: more than %u ms",
			    r->ms, beyond, r->baseline_ms, p->max_ms);
}

static void judge(const struct fn_probe *p, const struct battery *bt, const char *record,
		  bool host_net, struct result *r)
{
	pcre2_code *re = NULL;
	const char *text;
	size_t len;

	r->status = -1;
	if (!find_record(bt, record, &text, &len, &r->status, r)) {
		r->verdict = V_FAIL;
		r->note = xstrdup("the probe did not run to its end");
		return;
	}
	if (r->status == PROBE_SKIP_STATUS) {
		r->verdict = V_SKIP;
		r->note = xstrdup("its source does not exist here");
		return;
	}
	if (p->pattern) {
		char why[300];

		/* The loader has compiled it once already: this cannot fail but is not assumed. */
		re = fn_probe_pattern_compile(p->pattern, p->ignore_case, why, sizeof(why));
		if (!re) {
			r->verdict = V_FAIL;
			r->note = xasprintf("bad pattern: %s", why);
			return;
		}
	}
	extract_values(p, text, len, re, &r->seen);
	pcre2_code_free(re);
	if (p->ignore_case) {
		for (size_t i = 0; i < r->seen.n; i++)
			lowercase(r->seen.v[i]);
		for (size_t i = 0; i < r->expected.n; i++)
			lowercase(r->expected.v[i]);
	}
	r->verdict = same_values(&r->expected, &r->seen) ? V_PASS : V_FAIL;
	judge_time(p, r);
	if (r->verdict == V_FAIL && ((p->unfakeable_on_host && host_net) || p->unfakeable_always)) {
		r->verdict = V_UNFAKEABLE;
		r->note = xstrdup(p->why ? p->why
					 : "asks the kernel directly; only --net isolated can make "
					   "it agree");
	}
}

static const char *probe_source(const struct fn_probe *p)
{
	return p->run ? p->run : p->read;
}

/* The text report: one row per probe, with the disagreeing values side by side. */
static void report_text(const struct fn_probe_list *probes, const struct result *res, FILE *out)
{
	size_t wname = 5;

	for (size_t i = 0; i < probes->n; i++)
		if (strlen(probes->v[i].name) > wname)
			wname = strlen(probes->v[i].name);
	if (wname > 60)
		wname = 60;
	fprintf(out, "%-10s %-*s  %-20s  %s\n", "VERDICT", (int)wname, "PROBE", "EXPECTED", "SEEN");
	for (size_t i = 0; i < probes->n; i++) {
		char *e = fn_strv_join(&res[i].expected, ","), *s = fn_strv_join(&res[i].seen, ",");

		fprintf(out, "%-10s %-*.*s  %-20s  %s\n", verdict_names[res[i].verdict], (int)wname,
			(int)wname, probes->v[i].name, e, res[i].verdict == V_SKIP ? "-" : s);
		if (res[i].verdict == V_FAIL || res[i].verdict == V_UNFAKEABLE)
			fprintf(out, "%-10s source: %s (%s)%s%s\n", "", probe_source(&probes->v[i]),
				probes->v[i].origin, res[i].note ? "; " : "",
				res[i].note ? res[i].note : "");
		free(e);
		free(s);
	}
}

static void report_tap(const struct fn_probe_list *probes, const struct result *res, FILE *out)
{
	fprintf(out, "1..%zu\n", probes->n);
	for (size_t i = 0; i < probes->n; i++) {
		const struct result *r = &res[i];
		char *e = fn_strv_join(&r->expected, ", "), *s = fn_strv_join(&r->seen, ", ");

		if (r->verdict == V_SKIP)
			fprintf(out, "ok %zu - %s # SKIP %s\n", i + 1, probes->v[i].name, r->note);
		else if (r->verdict == V_UNFAKEABLE)
			fprintf(out, "not ok %zu - %s # TODO %s\n", i + 1, probes->v[i].name,
				r->note);
		else
			fprintf(out, "%s %zu - %s\n", r->verdict == V_PASS ? "ok" : "not ok", i + 1,
				probes->v[i].name);
		if (r->verdict == V_FAIL || r->verdict == V_UNFAKEABLE)
			fprintf(out,
				"#   source:   %s (%s)\n#   expected: %s (%s)\n#   seen:     "
				"%s\n%s%s%s",
				probe_source(&probes->v[i]), probes->v[i].origin, e,
				probes->v[i].expect, s, r->note ? "#   note:     " : "",
				r->note ? r->note : "", r->note ? "\n" : "");
		free(e);
		free(s);
	}
}

static void report_json(const struct fn_probe_list *probes, const struct result *res,
			const char *net, FILE *out)
{
	size_t count[4] = {0};

	for (size_t i = 0; i < probes->n; i++)
		count[res[i].verdict]++;
	fprintf(out, "{\"net\":");
	fn_json_fput_string(out, net);
	fprintf(
	    out,
	    ",\"summary\":{\"ok\":%zu,\"fail\":%zu,\"skip\":%zu,\"unfakeable\":%zu},\"probes\":[",
	    count[V_PASS], count[V_FAIL], count[V_SKIP], count[V_UNFAKEABLE]);
	for (size_t i = 0; i < probes->n; i++) {
		const struct fn_probe *p = &probes->v[i];

		fprintf(out, "%s\n{\"name\":", i ? "," : "");
		fn_json_fput_string(out, p->name);
		fprintf(out, ",\"source\":");
		fn_json_fput_string(out, probe_source(p));
		fprintf(out, ",\"kind\":\"%s\",\"expect\":", p->run ? "run" : "read");
		fn_json_fput_string(out, p->expect);
		fprintf(out, ",\"expected\":");
		fn_json_fput_strv(out, (const char *const *)res[i].expected.v, res[i].expected.n);
		fprintf(out, ",\"seen\":");
		fn_json_fput_strv(out, (const char *const *)res[i].seen.v, res[i].seen.n);
		fprintf(out,
			",\"verdict\":\"%s\",\"status\":%d,\"ms\":%.0f,\"baseline_ms\":%.0f,"
			"\"origin\":",
			verdict_json[res[i].verdict], res[i].status, res[i].ms, res[i].baseline_ms);
		fn_json_fput_string(out, p->origin);
		if (res[i].note) {
			fprintf(out, ",\"note\":");
			fn_json_fput_string(out, res[i].note);
		}
		fputc('}', out);
	}
	fprintf(out, "\n]}\n");
}

static int parse_opts(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
	    {"identity", required_argument, NULL, 'i'}, {"probes", required_argument, NULL, 'p'},
	    {"format", required_argument, NULL, 'f'},	{"net", required_argument, NULL, 'n'},
	    {"backend", required_argument, NULL, 'b'},	{"no-builtin", no_argument, NULL, 'B'},
	    {"help", no_argument, NULL, 'h'},		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct check_opts){.format = "text", .builtin = true};
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->identity = optarg;
			break;
		case 'p':
			o->probe_files = xreallocarray(o->probe_files, o->n_probe_files + 1,
						       sizeof(*o->probe_files));
			o->probe_files[o->n_probe_files++] = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'n':
			o->net = optarg;
			break;
		case 'b':
			o->backend = optarg;
			break;
		case 'B':
			o->builtin = false;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fn_warn("check: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (strcmp(o->format, "text") && strcmp(o->format, "tap") && strcmp(o->format, "json")) {
		fn_warn("check: --format must be text, tap or json, not '%s'", o->format);
		return -1;
	}
	enum fn_net_mode mode;

	if (o->net && !fn_net_mode_parse(o->net, &mode)) {
		fn_warn("check: --net %s: expected nat, host, isolated, filtered or auto", o->net);
		return -1;
	}
	return 0;
}

static int load_all_probes(const struct check_opts *o, const struct fn_identity *id,
			   struct fn_probe_list *probes)
{
	struct fn_diags diags;
	const char *text;
	size_t len;
	int bad = 0;

	if (o->builtin) {
		text = fn_builtin_probes(&len);
		fn_diags_init(&diags, "built-in probes");
		bad |= fn_probes_load("built-in", text, len, id, probes, &diags);
		fn_diags_print(&diags, stderr);
		fn_diags_free(&diags);
		/* The tells battery: what a fingerprinter reads to see fakenet itself. */
		text = fn_builtin_tells(&len);
		fn_diags_init(&diags, "built-in tells");
		bad |= fn_probes_load("tells", text, len, id, probes, &diags);
		fn_diags_print(&diags, stderr);
		fn_diags_free(&diags);
	}
	for (size_t i = 0; i < o->n_probe_files; i++) {
		char *buf;
		/* One byte over the limit is enough for the loader to refuse it. */
		int err = fn_read_file(o->probe_files[i], &buf, &len, FN_PROBES_MAX_SIZE + 1);

		if (err == -EFBIG) {
			buf = NULL;
			len = FN_PROBES_MAX_SIZE + 1;
		} else if (err) {
			errno = -err;
			fn_warn_errno("check: %s", o->probe_files[i]);
			bad = -1;
			continue;
		}
		fn_diags_init(&diags, o->probe_files[i]);
		bad |= fn_probes_load(o->probe_files[i], buf, len, id, probes, &diags);
		fn_diags_print(&diags, stderr);
		fn_diags_free(&diags);
		free(buf);
	}
	return bad ? -1 : 0;
}

/* Expected values for every probe; an unknown fact is an error in the probe file. */
static int expected_values(const struct fn_identity *id, const struct fn_probe_list *probes,
			   struct result *res)
{
	int bad = 0;

	for (size_t i = 0; i < probes->n; i++) {
		char *why = NULL;

		if (fn_fact_values(id, probes->v[i].expect, &res[i].expected, &why) < 0) {
			fprintf(stderr, "%s: error: %s\n", probes->v[i].origin, why);
			bad = -1;
		}
		free(why);
	}
	return bad;
}

int fn_cmd_check(int argc, char **argv)
{
	struct fn_probe_list probes = {0};
	struct fn_identity *id;
	struct check_opts o;
	struct result *res;
	int status = 0, failed = 0, bad;
	struct battery bt = {0};
	const char *net, **records;
	enum fn_net_mode mode;

	if (parse_opts(argc, argv, &o) < 0)
		return FN_EXIT_USAGE;
	id = fn_identity_lookup(o.identity, NULL, NULL);
	if (!id)
		return FN_EXIT_USAGE;
	/* As for `fakenet run`: the flag, else the identity's network: key, then the fallback. */
	mode = id->network;
	if (o.net)
		fn_net_mode_parse(o.net, &mode);
	net = fn_net_mode_names[fn_net_mode_resolve(mode, id, true)];
	/* The preload backend, asked for or fallen back to, is always --net host. */
	if (fn_backend_is_preload(o.backend))
		net = fn_net_mode_names[FN_NET_HOST];
	/* Report every problem of every probe file in one pass before running anything. */
	bad = load_all_probes(&o, id, &probes);
	res = xcalloc(probes.n, sizeof(*res));
	bad |= expected_values(id, &probes, res);
	if (bad)
		goto usage_error;
	make_mark(&bt);
	run_battery(&o, &probes, &bt, &status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == FN_EXIT_OWN) {
		/* fakenet run has said what it could not set up. */
		fn_warn("check: the identity's environment could not be started");
		free(bt.out);
		goto usage_error;
	}
	records = index_records(&bt, probes.n);
	for (size_t i = 0; i < probes.n; i++) {
		judge(&probes.v[i], &bt, records[i], strcmp(net, "host") == 0, &res[i]);
		failed += res[i].verdict == V_FAIL;
	}
	free(records);
	if (strcmp(o.format, "tap") == 0)
		report_tap(&probes, res, stdout);
	else if (strcmp(o.format, "json") == 0)
		report_json(&probes, res, net, stdout);
	else
		report_text(&probes, res, stdout);
	free(bt.out);
	goto done;
usage_error:
	failed = -1;
done:
	for (size_t i = 0; res && i < probes.n; i++) {
		fn_strv_free(&res[i].expected);
		fn_strv_free(&res[i].seen);
		free(res[i].note);
	}
	free(res);
	fn_probes_free(&probes);
	free(o.probe_files);
	fn_identity_free(id);
	return failed < 0 ? 2 : failed ? 1 : 0;
}
