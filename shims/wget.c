/* GNU Wget 1.21 look-alike: fetches every URL from the identity's fake answers (lib/http_rules.h)
 * with wget's log lines (stderr), file naming and exit codes, and never opens a socket. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http_rules.h"
#include "netaddr.h"
#include "audit.h"
#include "shim.h"
#include "util.h"

/* Exit codes from wget(1). */
enum wget_rc {
	WGET_OK = 0,
	WGET_GENERIC = 1,
	WGET_PARSE = 2,
	WGET_IO = 3,
	WGET_NETWORK = 4,
	WGET_SERVER_ERROR = 8,
};

/* The meter's rate is computed as if the body took a loopback-like 3 ms to arrive. */
#define FAKE_TRANSFER_MS     3
#define MAX_REDIRECT_DEFAULT 20

enum verbosity { V_QUIET, V_NO_VERBOSE, V_NORMAL };

struct wget_opts {
	enum verbosity verbosity;
	const char *output; /* -O */
	double timeout;	    /* -T / --connect-timeout; 0 = none */
	long tries;	    /* -t; 0 = unlimited */
	bool server_response;
	long max_redirect;
	const char **urls;
	size_t n_urls;
};

/* ---- Log lines ---------------------------------------------------------------------------------
 */

/* wget quotes names with gnulib's quote(): typographic quotes under a UTF-8 locale, else '...'. */
static bool utf8_locale(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return false;
}

static const char *lq(void)
{
	return utf8_locale() ? "\u2018" : "'";
}

static const char *rq(void)
{
	return utf8_locale() ? "\u2019" : "'";
}

static const char *now_text(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static void log_msg(const struct wget_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void log_msg(const struct wget_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->verbosity != V_NORMAL)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* Bytes per second in wget's short ("1.96M") or long ("1.96 MB/s") form. */
static void rate_text(double bps, bool long_form, char *buf, size_t len)
{
	static const char *const short_units[] = {"B", "K", "M", "G"};
	static const char *const long_units[] = {"B/s", "KB/s", "MB/s", "GB/s"};
	int unit = 0;

	while (bps >= 1024 && unit < 3) {
		bps /= 1024;
		unit++;
	}
	/* The meter right-aligns the number in four columns: " 861K", "1.73M". */
	snprintf(buf, len, long_form ? "%.*f %s" : "%4.*f%s",
		 bps >= 99.95	? 0
		 : bps >= 9.995 ? 1
				: 2,
		 bps, long_form ? long_units[unit] : short_units[unit]);
}

/* "Length: 11 [text/plain]"; sizes of 1 KiB and more get wget's rounded size in parentheses. */
static void log_length(const struct wget_opts *o, size_t len, const char *type, size_t type_len)
{
	log_msg(o, "Length: %zu", len);
	if (len >= 1024) {
		double v = (double)len;
		const char *units = "KMGT";
		int u = -1;

		while (v >= 1024 && u < 3) {
			v /= 1024;
			u++;
		}
		log_msg(o, v < 10 ? " (%.1f%c)" : " (%.0f%c)", v, units[u]);
	}
	if (type)
		log_msg(o, " [%.*s]", (int)type_len, type);
	log_msg(o, "\n");
}

/* The dot meter of a non-terminal stderr: one dot per KiB, 50 per line in groups of ten, the
 * last line padded so that "100%" and the rate line up. (Bodies here are small: a body of 50 KiB
 * or more gets wget's intermediate lines in the same shape, not verified against wget.) */
static void log_dots(const struct wget_opts *o, size_t len, double bps)
{
	size_t kib = len / 1024;
	char rate[32];

	rate_text(bps, false, rate, sizeof(rate));
	log_msg(o, "\n");
	for (size_t first = 0;; first += 50) {
		bool last = first + 50 >= kib;
		size_t dots = last ? kib - first : 50;

		log_msg(o, "%6zuK", first);
		for (size_t d = 0; d < 50; d++)
			log_msg(o, "%s%s", d % 10 == 0 ? " " : "", d < dots ? "." : " ");
		if (last) {
			log_msg(o, "100%% %s=0s\n", rate);
			break;
		}
		log_msg(o, " %2zu%% %s 0s\n", (first + 50) * 1024 * 100 / len, rate);
	}
	log_msg(o, "\n");
}

/* ---- Files
 * --------------------------------------------------------------------------------------- */

/* wget never overwrites: "ip" exists, so the next download is "ip.1", then "ip.2". */
static char *unique_name(const char *base)
{
	struct stat st;
	char *name = xstrdup(base);

	for (int n = 1; stat(name, &st) == 0; n++) {
		free(name);
		name = xasprintf("%s.%d", base, n);
	}
	return name;
}

static char *local_name(const struct fn_url *url)
{
	const char *slash = strrchr(url->path, '/');
	const char *base = slash ? slash + 1 : url->path;

	return unique_name(*base ? base : "index.html");
}

/* ---- One URL
 * ------------------------------------------------------------------------------------- */

static void log_connecting(const struct wget_opts *o, const struct fn_url *url, const char *ip,
			   bool literal)
{
	bool v6 = strchr(url->host, ':') != NULL;

	if (literal)
		log_msg(o, "Connecting to %s%s%s:%u... ", v6 ? "[" : "", url->host, v6 ? "]" : "",
			url->port);
	else
		log_msg(o, "Connecting to %s (%s)|%s|:%u... ", url->host, url->host, ip, url->port);
}

/* -T bounds the wait; without it a never-answering host fails at once instead of after the
 * system's connect timeout. Only the first try waits, so -t never multiplies the delay; none
 * waits when the lookup itself used up -T. */
static int fail_timeout(const struct wget_opts *o, const struct fn_url *url, const char *ip,
			bool literal, bool wait)
{
	long tries = o->tries > 0 ? o->tries : 20;
	char date[32];

	for (long n = 1; n <= tries; n++) {
		if (n > 1) {
			log_msg(o, "--%s--  (try:%2ld)  %s\n", now_text(date), n, url->full);
			log_connecting(o, url, ip, literal);
		}
		if (n == 1 && wait && o->timeout > 0) {
			struct timespec ts = {
			    (time_t)o->timeout,
			    (long)((o->timeout - (double)(time_t)o->timeout) * 1e9)};

			fflush(stderr);
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
		log_msg(o, "failed: Connection timed out.\n");
		log_msg(o, n < tries ? "Retrying.\n\n" : "Giving up.\n\n");
	}
	if (o->verbosity == V_NO_VERBOSE)
		fputs("failed: Connection timed out.\n", stderr);
	return WGET_NETWORK;
}

static void log_server_response(const struct wget_opts *o, const struct fn_http_answer *a)
{
	log_msg(o, "\n  HTTP/1.1 %d %s\n", a->status, fn_http_reason(a->status));
	for (size_t i = 0; i < a->n_headers; i++)
		log_msg(o, "  %s\n", a->headers[i]);
	if (!fn_http_answer_header(a, "Content-Length", NULL))
		log_msg(o, "  Content-Length: %zu\n", a->body_len);
}

static int save_body(const struct wget_opts *o, const struct fn_url *url,
		     const struct fn_http_answer *a)
{
	bool to_stdout = o->output && strcmp(o->output, "-") == 0;
	char *name = o->output ? xstrdup(o->output) : local_name(url);
	double bps = (double)a->body_len * 1000.0 / FAKE_TRANSFER_MS;
	size_t type_len = 0;
	const char *type = fn_http_answer_header(a, "Content-Type", &type_len);
	char date[32], rate[32];
	FILE *f = stdout;

	log_length(o, a->body_len, type, type_len);
	if (to_stdout) {
		log_msg(o, "Saving to: %sSTDOUT%s\n", lq(), rq());
	} else {
		/* -O opens (and truncates) its file once, as wget does; a -O file is appended to
		 * for every further URL, which this single-shot writer does not need to model. */
		f = fopen(name, "w");
		if (!f) {
			fprintf(stderr, "%s: %s\n", name, strerror(errno));
			free(name);
			return WGET_IO;
		}
		log_msg(o, "Saving to: %s%s%s\n", lq(), name, rq());
	}
	fwrite(a->body, 1, a->body_len, f);
	fflush(f);
	if (f != stdout)
		fclose(f);
	log_dots(o, a->body_len, bps);
	rate_text(bps, true, rate, sizeof(rate));
	if (to_stdout)
		log_msg(o, "%s (%s) - written to stdout [%zu/%zu]\n\n", now_text(date), rate,
			a->body_len, a->body_len);
	else
		log_msg(o, "%s (%s) - %s%s%s saved [%zu/%zu]\n\n", now_text(date), rate, lq(), name,
			rq(), a->body_len, a->body_len);
	if (o->verbosity == V_NO_VERBOSE)
		fprintf(stderr, "%s URL:%s [%zu/%zu] -> \"%s\" [1]\n", now_text(date), url->full,
			a->body_len, a->body_len, to_stdout ? "-" : name);
	free(name);
	return WGET_OK;
}

static int fetch(const struct wget_opts *o, const struct fn_http_rules *rules,
		 const struct fn_identity *id, struct fn_url *url)
{
	struct fn_http_answer a;
	char date[32];

	for (long redirects = 0;; redirects++) {
		struct fn_ip addr;
		char ip[FN_IP_STRLEN];
		bool literal = fn_ip_parse(url->host, &addr);
		const char *location;
		struct fn_url next;

		log_msg(o, "--%s--  %s\n", now_text(date), url->full);
		fn_http_lookup(rules, url, &a);
		fn_shim_audit_http(url, &a);
		if (a.budget_exhausted) {
			char why[160];

			log_msg(o, "%s\n", fn_http_budget_error(&a, why, sizeof(why)));
		}
		fn_http_fake_address(id, url->host, &addr);
		fn_ip_format(&addr, ip);
		if (a.fail == FN_HTTP_UNRESOLVABLE) {
			log_msg(
			    o,
			    "Resolving %s (%s)... failed: Temporary failure in name resolution.\n",
			    url->host, url->host);
			if (o->verbosity != V_QUIET)
				fprintf(stderr, "wget: unable to resolve host address %s%s%s\n",
					lq(), url->host, rq());
			return WGET_NETWORK;
		}
		if (!literal)
			log_msg(o, "Resolving %s (%s)... %s\n", url->host, url->host, ip);
		log_connecting(o, url, ip, literal);
		if (a.fail == FN_HTTP_REFUSED) {
			log_msg(o, "failed: Connection refused.\n");
			if (o->verbosity == V_NO_VERBOSE)
				fputs("failed: Connection refused.\n", stderr);
			return WGET_NETWORK;
		}
		if (a.fail == FN_HTTP_TIMEOUT)
			return fail_timeout(o, url, ip, literal, !a.out_of_time);
		log_msg(o, "connected.\n");
		log_msg(o, "HTTP request sent, awaiting response... ");
		if (o->server_response)
			log_server_response(o, &a);
		else
			log_msg(o, "%d %s\n", a.status, fn_http_reason(a.status));
		location = fn_http_answer_header(&a, "Location", NULL);
		if (a.status >= 300 && a.status <= 399 && location) {
			log_msg(o, "Location: %s [following]\n", location);
			if (redirects >= o->max_redirect) {
				log_msg(o, "%ld redirections exceeded.\n", o->max_redirect);
				return WGET_SERVER_ERROR;
			}
			if (!fn_url_resolve(url, location, &next))
				return WGET_PARSE;
			fn_url_free(url);
			*url = next;
			continue;
		}
		if (a.status >= 400) {
			if (o->verbosity == V_NO_VERBOSE)
				fprintf(stderr, "%s:\n", url->full);
			if (o->verbosity != V_QUIET)
				fprintf(stderr, "%s ERROR %d: %s.\n%s", now_text(date), a.status,
					fn_http_reason(a.status),
					o->verbosity == V_NORMAL ? "\n" : "");
			return WGET_SERVER_ERROR;
		}
		return save_body(o, url, &a);
	}
}

/* ---- Options
 * ------------------------------------------------------------------------------------- */

static void usage_hint(void)
{
	fputs("Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n", stderr);
}

static bool parse_seconds(const char *opt, const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (end == arg || errno || *out < 0 || (*end && strcmp(end, "s") != 0)) {
		fprintf(stderr, "wget: %s: Invalid time period %s%s%s\n", opt, lq(), arg, rq());
		return false;
	}
	return true;
}

static bool parse_count(const char *opt, const char *arg, long *out)
{
	char *end;

	if (strcmp(arg, "inf") == 0) {
		*out = 0;
		return true;
	}
	errno = 0;
	*out = strtol(arg, &end, 10);
	if (end == arg || *end || errno || *out < 0) {
		fprintf(stderr, "wget: %s: Invalid number %s%s%s.\n", opt, lq(), arg, rq());
		return false;
	}
	return true;
}

enum wopt {
	W_QUIET,
	W_NV,
	W_VERBOSE,
	W_OUTPUT,
	W_TIMEOUT,
	W_TRIES,
	W_SERVER,
	W_MAXREDIR,
	W_IGNORED,
	W_IGNORED_ARG
};

struct wget_opt {
	char shortname;
	const char *longname;
	bool has_arg;
	enum wopt id;
};

static const struct wget_opt wget_options[] = {
    {'q', "quiet", false, W_QUIET},
    {0, "no-verbose", false, W_NV},
    {'v', "verbose", false, W_VERBOSE},
    {'O', "output-document", true, W_OUTPUT},
    {'T', "timeout", true, W_TIMEOUT},
    {0, "connect-timeout", true, W_TIMEOUT},
    {0, "read-timeout", true, W_IGNORED_ARG},
    {0, "dns-timeout", true, W_IGNORED_ARG},
    {'t', "tries", true, W_TRIES},
    {'S', "server-response", false, W_SERVER},
    {0, "max-redirect", true, W_MAXREDIR},
    {'U', "user-agent", true, W_IGNORED_ARG},
    {0, "header", true, W_IGNORED_ARG},
    {0, "post-data", true, W_IGNORED_ARG},
    {0, "no-check-certificate", false, W_IGNORED},
    {'4', "inet4-only", false, W_IGNORED},
    {'6', "inet6-only", false, W_IGNORED},
    {'c', "continue", false, W_IGNORED},
    {0, "no-cache", false, W_IGNORED},
    {0, "no-proxy", false, W_IGNORED},
    {0, "retry-connrefused", false, W_IGNORED},
    {'w', "wait", true, W_IGNORED_ARG},
    {0, "waitretry", true, W_IGNORED_ARG},
};

static int apply_wget(struct wget_opts *o, const struct wget_opt *opt, const char *arg)
{
	char shown[64];

	/* wget names the long option in its complaints, even for -T. */
	snprintf(shown, sizeof(shown), "--%s", opt->longname);
	switch (opt->id) {
	case W_QUIET:
		o->verbosity = V_QUIET;
		break;
	case W_NV:
		o->verbosity = V_NO_VERBOSE;
		break;
	case W_VERBOSE:
		o->verbosity = V_NORMAL;
		break;
	case W_OUTPUT:
		o->output = arg;
		break;
	case W_TIMEOUT:
		if (!parse_seconds(shown, arg, &o->timeout))
			return WGET_PARSE;
		break;
	case W_TRIES:
		if (!parse_count(shown, arg, &o->tries))
			return WGET_PARSE;
		break;
	case W_SERVER:
		o->server_response = true;
		break;
	case W_MAXREDIR:
		if (!parse_count(shown, arg, &o->max_redirect))
			return WGET_PARSE;
		break;
	case W_IGNORED:
	case W_IGNORED_ARG:
		break;
	}
	return 0;
}

static int parse_long_wget(struct wget_opts *o, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	char shown[64];

	if (strcmp(name, "no-verbose") == 0 || strcmp(name, "nv") == 0)
		return apply_wget(o, &wget_options[1], NULL);
	for (size_t k = 0; k < N_ELEMENTS(wget_options); k++) {
		const struct wget_opt *opt = &wget_options[k];
		const char *arg = eq ? eq + 1 : NULL;

		if (strlen(opt->longname) != len || strncmp(opt->longname, name, len) != 0)
			continue;
		snprintf(shown, sizeof(shown), "--%s", opt->longname);
		if (opt->has_arg && !arg) {
			if (*i + 1 >= argc) {
				fprintf(stderr, "wget: option '%s' requires an argument\n", shown);
				usage_hint();
				return WGET_PARSE;
			}
			arg = argv[++*i];
		}
		return apply_wget(o, opt, arg);
	}
	fprintf(stderr, "wget: unrecognized option '%s'\n", argv[*i]);
	usage_hint();
	return WGET_PARSE;
}

static int parse_short_wget(struct wget_opts *o, int argc, char **argv, int *i)
{
	const char *token = argv[*i];

	if (strcmp(token, "-nv") == 0)
		return apply_wget(o, &wget_options[1], NULL);
	for (const char *c = token + 1; *c; c++) {
		const struct wget_opt *opt = NULL;
		const char *arg = NULL;

		for (size_t k = 0; k < N_ELEMENTS(wget_options); k++)
			if (wget_options[k].shortname == *c)
				opt = &wget_options[k];
		if (!opt) {
			fprintf(stderr, "wget: invalid option -- '%c'\n", *c);
			usage_hint();
			return WGET_PARSE;
		}
		if (opt->has_arg) {
			if (c[1])
				arg = c + 1;
			else if (*i + 1 < argc)
				arg = argv[++*i];
			else {
				fprintf(stderr, "wget: option requires an argument -- '%c'\n", *c);
				usage_hint();
				return WGET_PARSE;
			}
			return apply_wget(o, opt, arg);
		}
		if (apply_wget(o, opt, NULL))
			return WGET_PARSE;
	}
	return 0;
}

/* Exit codes rank: 0 and 1 lowest, then the smaller code wins (wget(1) EXIT STATUS). */
static int worse(int a, int b)
{
	if (a <= 1 || b <= 1)
		return a > b ? a : b;
	return a < b ? a : b;
}

static int wget_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct wget_opts o = {
	    .verbosity = V_NORMAL, .tries = 20, .max_redirect = MAX_REDIRECT_DEFAULT};
	struct fn_http_rules *rules;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2])
			rc = parse_long_wget(&o, argc, argv, &i);
		else if (argv[i][0] == '-' && argv[i][1])
			rc = parse_short_wget(&o, argc, argv, &i);
		else {
			o.urls = xreallocarray(o.urls, o.n_urls + 1, sizeof(char *));
			o.urls[o.n_urls++] = argv[i];
		}
		if (rc) {
			free(o.urls);
			return rc;
		}
	}
	if (o.n_urls == 0) {
		fputs("wget: missing URL\n", stderr);
		usage_hint();
		return WGET_GENERIC;
	}
	rules = fn_http_rules_new(ctx->id);
	for (size_t i = 0; i < o.n_urls; i++) {
		struct fn_url url;
		int one;

		if (!fn_url_parse(o.urls[i], &url)) {
			fprintf(stderr, "%s: Invalid URL %s: Invalid host name\n", o.urls[i],
				o.urls[i]);
			rc = worse(rc, WGET_PARSE);
			continue;
		}
		/* -T bounds the patterns too: matching is this fake's name lookup. */
		fn_http_rules_set_deadline(rules, o.timeout);
		one = fetch(&o, rules, ctx->id, &url);
		rc = i == 0 ? one : worse(rc, one);
		fn_url_free(&url);
	}
	fn_http_rules_free(rules);
	free(o.urls);
	return rc;
}

FN_SHIM_TOOL(wget_tool, {.name = "wget", .main = wget_main, .needs_identity = true});
