/* curl 7.88.1 look-alike: answers every URL from the identity (lib/http_rules.h) with curl's own
 * messages, exit codes, progress meter and -w output, and never opens a socket. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "http_rules.h"
#include "netaddr.h"
#include "audit.h"
#include "shim.h"
#include "util.h"

#define CURL_VERSION  "7.88.1"
#define CURL_TRY_HELP "curl: try 'curl --help' or 'curl --manual' for more information\n"
/* A fake transfer has no duration of its own; the meter's speeds are computed as if the body took
 * this long to arrive (a loopback-like 3 ms), so they look like a real fast transfer. */
#define FAKE_TRANSFER_MS   3
#define MAX_REDIRS_DEFAULT 50

enum curl_rc {
	CURLE_OK = 0,
	CURLE_UNSUPPORTED_PROTOCOL = 1,
	CURLE_URL_MALFORMAT = 3,
	CURLE_COULDNT_RESOLVE_HOST = 6,
	CURLE_COULDNT_CONNECT = 7,
	CURLE_HTTP_RETURNED_ERROR = 22,
	CURLE_WRITE_ERROR = 23,
	CURLE_OPERATION_TIMEDOUT = 28,
	CURLE_TOO_MANY_REDIRECTS = 47,
	CURLE_USAGE = 2,
};

struct output_spec {
	const char *file; /* -o FILE ("-" is stdout) */
	bool remote_name; /* -O */
};

struct curl_opts {
	bool silent, show_error, fail, fail_with_body, follow, head, include, verbose;
	bool no_progress;
	double max_time, connect_timeout; /* seconds; 0 = none */
	long max_redirs;
	char *write_out;
	const char *method, *data, *user_agent;
	const char **req_headers;
	size_t n_req_headers;
	const char **urls;
	size_t n_urls;
	struct output_spec *outs;
	size_t n_outs;
};

/* What one transfer produced, for -w and the exit status. */
struct transfer {
	const struct fn_identity *id;
	struct fn_url url;
	int rc;
	char errormsg[512];
	int http_code;
	size_t size_download, size_header;
	char remote_ip[FN_IP_STRLEN];
	unsigned remote_port;
	long num_redirects;
	const char *content_type;
	size_t content_type_len;
	struct timespec start;
	bool meter;
	FILE *out;	  /* where the body goes */
	bool out_is_file; /* -o/-O: the file is created on the first write */
	const char *out_name;
	bool out_opened;
};

/* ---- Time ------------------------------------------------------------------------------------ */

static double elapsed_s(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static long elapsed_ms(const struct timespec *start)
{
	return (long)(elapsed_s(start) * 1000.0);
}

/* Sleeps until `at` seconds after `start`. */
static void sleep_until(const struct timespec *start, double at)
{
	double left = at - elapsed_s(start);
	struct timespec ts;

	while (left > 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		if (nanosleep(&ts, NULL) == 0 || errno != EINTR)
			break;
		left = at - elapsed_s(start);
	}
}

/* ---- Progress meter (curl's lib/progress.c layout) ------------------------------------------- */

/* A byte count in at most five characters: "  123", "1234k", "12.3M". */
static const char *max5(unsigned long long n, char buf[24])
{
	const unsigned long long kib = 1024, mib = 1024 * 1024;

	if (n < 100000)
		snprintf(buf, 24, "%5llu", n);
	else if (n < 10000 * kib)
		snprintf(buf, 24, "%4lluk", n / kib);
	else if (n < 100 * mib)
		snprintf(buf, 24, "%2llu.%lluM", n / mib, (n % mib) / (mib / 10));
	else
		snprintf(buf, 24, "%4lluM", n / mib);
	return buf;
}

/* Seconds as the meter's 8-character time column; no time yet reads "--:--:--". */
static const char *meter_time(long secs, char buf[32])
{
	if (secs <= 0)
		return "--:--:--";
	snprintf(buf, 32, "%2ld:%02ld:%02ld", secs / 3600, (secs / 60) % 60, secs % 60);
	return buf;
}

static void meter_header(void)
{
	fputs("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
	      "                                 Dload  Upload   Total   Spent    Left  Speed\n",
	      stderr);
}

static void meter_line(unsigned long long total, unsigned long long received,
		       unsigned long long speed, unsigned long long current, long spent)
{
	char a[24], b[24], c[24], d[24], e[24], f[24], t[32];
	int pct_total = total ? (int)(received * 100 / total) : 0;

	fprintf(stderr, "\r%3d %s  %3d %s  %3d %s  %s  %s %s %s %s %s", pct_total, max5(total, a),
		pct_total, max5(received, b), 0, max5(0, c), max5(speed, d), max5(0, e), "--:--:--",
		meter_time(spent, t), "--:--:--", max5(current, f));
}

static void meter_zero(long spent)
{
	meter_line(0, 0, 0, 0, spent);
}

/* ---- Messages -------------------------------------------------------------------------------- */

static bool show_errors(const struct curl_opts *o)
{
	return !o->silent || o->show_error;
}

/* Records the error; prints "curl: (N) message" when errors are shown. The meter's last line gets
 * its "\n" first, except when the error comes before any transfer started (curl glues those onto
 * the meter line). */
static int transfer_fail(const struct curl_opts *o, struct transfer *t, int rc, bool newline,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int transfer_fail(const struct curl_opts *o, struct transfer *t, int rc, bool newline,
			 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->errormsg, sizeof(t->errormsg), fmt, ap);
	va_end(ap);
	t->rc = rc;
	if (t->meter && newline)
		fputc('\n', stderr);
	if (o->verbose)
		fputs("* Closing connection 0\n", stderr);
	if (show_errors(o))
		fprintf(stderr, "curl: (%d) %s\n", rc, t->errormsg);
	return rc;
}

static void usage_error(const char *fmt, const char *opt)
{
	fputs("curl: ", stderr);
	fprintf(stderr, fmt, opt);
	fputc('\n', stderr);
	fputs(CURL_TRY_HELP, stderr);
}

/* "IP:PORT" as curl's "Trying" line shows it: IPv6 in brackets. */
static void trying_line(const struct transfer *t)
{
	bool v6 = strchr(t->remote_ip, ':') != NULL;

	fprintf(stderr, "*   Trying %s%s%s:%u...\n", v6 ? "[" : "", t->remote_ip, v6 ? "]" : "",
		t->url.port);
}

/* ---- Failures -------------------------------------------------------------------------------- */

static int fail_unresolvable(const struct curl_opts *o, struct transfer *t)
{
	t->remote_ip[0] = '\0';
	if (o->verbose)
		fprintf(stderr, "* Could not resolve host: %s\n", t->url.host);
	return transfer_fail(o, t, CURLE_COULDNT_RESOLVE_HOST, false, "Could not resolve host: %s",
			     t->url.host);
}

static int fail_refused(const struct curl_opts *o, struct transfer *t)
{
	long ms = elapsed_ms(&t->start);

	if (o->verbose) {
		trying_line(t);
		fprintf(stderr, "* connect to %s port %u failed: Connection refused\n",
			t->remote_ip, t->url.port);
		fprintf(
		    stderr,
		    "* Failed to connect to %s port %u after %ld ms: Couldn't connect to server\n",
		    t->url.host, t->url.port, ms);
	}
	if (t->meter)
		meter_zero(0);
	t->remote_ip[0] = '\0';
	return transfer_fail(
	    o, t, CURLE_COULDNT_CONNECT, true,
	    "Failed to connect to %s port %u after %ld ms: Couldn't connect to server", t->url.host,
	    t->url.port, ms);
}

/* A host that never answers the SYN. The wait is the smaller of -m and --connect-timeout; with
 * neither, curl would wait its 300 s default connect timeout: a fake fails at once instead, so no
 * script ever hangs on it. */
static int fail_timeout(const struct curl_opts *o, struct transfer *t)
{
	double wait = o->max_time;
	bool by_connect_timeout = false;
	long ms;

	if (o->connect_timeout > 0 && (wait <= 0 || o->connect_timeout <= wait)) {
		wait = o->connect_timeout;
		by_connect_timeout = true;
	}
	if (wait <= 0) {
		wait = 0;
		by_connect_timeout = true;
	}
	if (o->verbose)
		trying_line(t);
	fflush(stderr);
	/* curl redraws the meter once a second while it waits, and once more when it gives up. */
	for (long s = 1; (double)s < wait; s++) {
		sleep_until(&t->start, (double)s);
		if (t->meter) {
			meter_zero(s);
			fflush(stderr);
		}
	}
	sleep_until(&t->start, wait);
	ms = elapsed_ms(&t->start);
	if (t->meter)
		meter_zero((long)elapsed_s(&t->start));
	t->remote_ip[0] = '\0';
	if (by_connect_timeout) {
		if (o->verbose)
			fprintf(
			    stderr,
			    "* Failed to connect to %s port %u after %ld ms: Timeout was reached\n",
			    t->url.host, t->url.port, ms);
		return transfer_fail(
		    o, t, CURLE_OPERATION_TIMEDOUT, true,
		    "Failed to connect to %s port %u after %ld ms: Timeout was reached",
		    t->url.host, t->url.port, ms);
	}
	if (o->verbose)
		fprintf(stderr, "* Connection timed out after %ld milliseconds\n", ms);
	return transfer_fail(o, t, CURLE_OPERATION_TIMEDOUT, true,
			     "Connection timed out after %ld milliseconds", ms);
}

/* ---- Answers --------------------------------------------------------------------------------- */

static const char *method_of(const struct curl_opts *o)
{
	if (o->method)
		return o->method;
	if (o->head)
		return "HEAD";
	return o->data ? "POST" : "GET";
}

static void verbose_request(const struct curl_opts *o, const struct transfer *t)
{
	bool v6 = strchr(t->url.host, ':') != NULL;

	trying_line(t);
	fprintf(stderr, "* Connected to %s (%s) port %u (#0)\n", t->url.host, t->remote_ip,
		t->url.port);
	if (strcmp(t->url.scheme, "https") == 0)
		fputs("* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384\n", stderr);
	fprintf(stderr, "> %s %s HTTP/1.1\r\n", method_of(o), t->url.request);
	if (t->url.has_port)
		fprintf(stderr, "> Host: %s%s%s:%u\r\n", v6 ? "[" : "", t->url.host, v6 ? "]" : "",
			t->url.port);
	else
		fprintf(stderr, "> Host: %s%s%s\r\n", v6 ? "[" : "", t->url.host, v6 ? "]" : "");
	fprintf(stderr, "> User-Agent: %s\r\n",
		o->user_agent ? o->user_agent : "curl/" CURL_VERSION);
	fputs("> Accept: */*\r\n", stderr);
	for (size_t i = 0; i < o->n_req_headers; i++)
		fprintf(stderr, "> %s\r\n", o->req_headers[i]);
	if (o->data) {
		fprintf(stderr, "> Content-Length: %zu\r\n", strlen(o->data));
		fputs("> Content-Type: application/x-www-form-urlencoded\r\n", stderr);
	}
	fputs("> \r\n", stderr);
}

/* The response head: "HTTP/1.1 200 OK", the rule's headers, Content-Length (unless the rule set
 * one), each ending in CRLF, then an empty CRLF line. `prefix` is "< " for -v. */
static size_t write_head(FILE *f, const char *prefix, const struct fn_http_answer *a, bool bold)
{
	size_t n = 0;
	int w;

	w = fprintf(f, "%sHTTP/1.1 %d %s\r\n", prefix, a->status, fn_http_reason(a->status));
	n += w > 0 ? (size_t)w : 0;
	for (size_t i = 0; i < a->n_headers; i++) {
		const char *colon = strchr(a->headers[i], ':');
		int name_len = colon ? (int)(colon - a->headers[i]) : (int)strlen(a->headers[i]);

		if (bold && colon)
			fprintf(f, "%s\033[1m%.*s\033[0m%s\r\n", prefix, name_len, a->headers[i],
				colon);
		else
			fprintf(f, "%s%s\r\n", prefix, a->headers[i]);
		n += strlen(prefix) + strlen(a->headers[i]) + 2;
	}
	if (!fn_http_answer_header(a, "Content-Length", NULL)) {
		if (bold)
			w = fprintf(f, "%s\033[1mContent-Length\033[0m: %zu\r\n", prefix,
				    a->body_len);
		else
			w = fprintf(f, "%sContent-Length: %zu\r\n", prefix, a->body_len);
		n += w > 0 ? (size_t)w : 0;
	}
	fprintf(f, "%s\r\n", prefix);
	return n + strlen(prefix) + 2;
}

static bool open_output(struct transfer *t)
{
	if (!t->out_is_file || t->out_opened)
		return true;
	t->out = fopen(t->out_name, "w");
	if (!t->out)
		return false;
	t->out_opened = true;
	return true;
}

static int deliver(const struct curl_opts *o, struct transfer *t, const struct fn_http_answer *a)
{
	bool bold = !t->out_is_file && isatty(STDOUT_FILENO);
	bool failed = (o->fail || o->fail_with_body) && a->status >= 400;
	size_t body_len = o->head ? 0 : a->body_len;
	unsigned long long speed = (unsigned long long)body_len * 1000 / FAKE_TRANSFER_MS;

	t->http_code = a->status;
	t->content_type = fn_http_answer_header(a, "Content-Type", &t->content_type_len);
	if (o->verbose) {
		write_head(stderr, "< ", a, false);
		if (t->meter && body_len > 0 && !failed)
			fprintf(stderr, "{ [%zu bytes data]\n", body_len);
	}
	if (failed && !o->fail_with_body) {
		if (t->meter)
			meter_line(a->body_len, 0, 0, 0, 0);
		return transfer_fail(o, t, CURLE_HTTP_RETURNED_ERROR, true,
				     "The requested URL returned error: %d", a->status);
	}
	if (!open_output(t)) {
		if (t->meter)
			meter_zero(0);
		return transfer_fail(o, t, CURLE_WRITE_ERROR, true,
				     "Failed writing received data to disk/application");
	}
	if (o->head || o->include)
		t->size_header = write_head(t->out, "", a, bold);
	if (!o->head && a->body_len > 0)
		fwrite(a->body, 1, a->body_len, t->out);
	fflush(t->out);
	t->size_download = body_len;
	if (t->meter) {
		if (o->head)
			meter_line(a->body_len, 0, 0, 0, 0);
		else
			meter_line(body_len, body_len, speed, speed * 3 / 2, 0);
		fputc('\n', stderr);
	}
	if (o->verbose)
		fprintf(stderr, "* Connection #0 to host %s left intact\n", t->url.host);
	if (failed)
		return transfer_fail(o, t, CURLE_HTTP_RETURNED_ERROR, false,
				     "The requested URL returned error: %d", a->status);
	return CURLE_OK;
}

/* ---- One URL --------------------------------------------------------------------------------- */

static bool supported_scheme(const char *scheme)
{
	static const char *const known[] = {"http",  "https",  "ftp",	 "ftps", "dict",  "ldap",
					    "ldaps", "imap",   "imaps",	 "smtp", "smtps", "pop3",
					    "pop3s", "gopher", "telnet", "tftp", "scp",	  "sftp"};

	for (size_t i = 0; i < N_ELEMENTS(known); i++)
		if (strcmp(known[i], scheme) == 0)
			return true;
	return false;
}

static int run_answers(const struct curl_opts *o, const struct fn_http_rules *rules,
		       struct transfer *t)
{
	struct fn_http_answer a;
	struct fn_ip ip;

	for (;;) {
		const char *location;

		fn_http_lookup(rules, &t->url, &a);
		fn_shim_audit_http(&t->url, &a);
		if (o->verbose && a.budget_exhausted) {
			char why[160];

			fprintf(stderr, "* %s\n", fn_http_budget_error(&a, why, sizeof(why)));
		}
		fn_http_fake_address(t->id, t->url.host, &ip);
		fn_ip_format(&ip, t->remote_ip);
		t->remote_port = t->url.port;
		switch (a.fail) {
		case FN_HTTP_UNRESOLVABLE:
			t->remote_port = 0;
			return fail_unresolvable(o, t);
		case FN_HTTP_REFUSED:
			t->remote_port = 0;
			return fail_refused(o, t);
		case FN_HTTP_TIMEOUT:
			t->remote_port = 0;
			return fail_timeout(o, t);
		case FN_HTTP_ANSWER:
			break;
		}
		if (o->verbose)
			verbose_request(o, t);
		location = fn_http_answer_header(&a, "Location", NULL);
		if (!o->follow || a.status < 300 || a.status > 399 || !location)
			return deliver(o, t, &a);
		/* A followed redirect's own body is not shown; its meter line is. */
		if (o->verbose)
			write_head(stderr, "< ", &a, false);
		if (t->meter) {
			meter_zero(0);
			fputc('\n', stderr);
		}
		if (t->num_redirects >= o->max_redirs) {
			t->http_code = a.status;
			return transfer_fail(o, t, CURLE_TOO_MANY_REDIRECTS, false,
					     "Maximum (%ld) redirects followed", o->max_redirs);
		}
		struct fn_url next;

		if (!fn_url_resolve(&t->url, location, &next))
			return transfer_fail(o, t, CURLE_URL_MALFORMAT, false,
					     "URL using bad/illegal format or missing URL");
		if (o->verbose) {
			fprintf(stderr, "* Connection #0 to host %s left intact\n", t->url.host);
			fprintf(stderr, "* Issue another request to this URL: '%s'\n", next.full);
		}
		fn_url_free(&t->url);
		t->url = next;
		t->num_redirects++;
	}
}

static const char *remote_file_name(const struct fn_url *url)
{
	const char *slash = strrchr(url->path, '/');

	return slash ? slash + 1 : url->path;
}

static int transfer_one(const struct curl_opts *o, const struct fn_http_rules *rules,
			struct transfer *t, const char *given, const struct output_spec *out)
{
	t->out = stdout;
	clock_gettime(CLOCK_MONOTONIC, &t->start);
	if (!fn_url_parse(given, &t->url))
		return transfer_fail(o, t, CURLE_URL_MALFORMAT, false,
				     "URL using bad/illegal format or missing URL");
	if (!supported_scheme(t->url.scheme))
		return transfer_fail(o, t, CURLE_UNSUPPORTED_PROTOCOL, false,
				     "Protocol \"%s\" not supported or disabled in libcurl",
				     t->url.scheme);
	if (out && out->remote_name) {
		t->out_name = remote_file_name(&t->url);
		if (!*t->out_name)
			return transfer_fail(o, t, CURLE_WRITE_ERROR, false,
					     "Failed writing received data to disk/application");
		t->out_is_file = true;
	} else if (out && out->file && strcmp(out->file, "-") != 0) {
		t->out_name = out->file;
		t->out_is_file = true;
	}
	/* curl hides the meter only when the body itself goes to a terminal. */
	t->meter = !o->silent && !o->no_progress && (t->out_is_file || !isatty(STDOUT_FILENO));
	if (t->meter) {
		meter_header();
		meter_zero(0);
	}
	return run_answers(o, rules, t);
}

/* ---- -w ----------------------------------------------------------------------------------------
 */

static void write_var(const struct transfer *t, const char *name, size_t len)
{
	double total = elapsed_s(&t->start);

#define IS(s) (len == strlen(s) && strncmp(name, s, len) == 0)
	if (IS("http_code") || IS("response_code"))
		printf("%03d", t->http_code);
	else if (IS("url_effective") || IS("url"))
		fputs(t->url.full ? t->url.full : "", stdout);
	else if (IS("size_download"))
		printf("%zu", t->size_download);
	else if (IS("size_header"))
		printf("%zu", t->size_header);
	else if (IS("size_upload") || IS("size_request"))
		fputs("0", stdout);
	else if (IS("time_total") || IS("time_starttransfer"))
		printf("%.6f", total);
	else if (IS("time_namelookup") || IS("time_connect") || IS("time_appconnect") ||
		 IS("time_pretransfer") || IS("time_redirect"))
		printf("%.6f", t->http_code ? total / 2 : 0.0);
	else if (IS("remote_ip"))
		fputs(t->http_code ? t->remote_ip : "", stdout);
	else if (IS("remote_port"))
		printf("%u", t->http_code ? t->remote_port : 0);
	else if (IS("local_ip"))
		fputs("", stdout);
	else if (IS("exitcode"))
		printf("%d", t->rc);
	else if (IS("errormsg"))
		fputs(t->rc ? t->errormsg : "", stdout);
	else if (IS("content_type"))
		printf("%.*s", (int)t->content_type_len, t->content_type ? t->content_type : "");
	else if (IS("num_redirects"))
		printf("%ld", t->num_redirects);
	else if (IS("num_connects"))
		printf("%d", t->http_code ? 1 : 0);
	else if (IS("http_version"))
		fputs(t->http_code ? "1.1" : "0", stdout);
	else if (IS("scheme"))
		fputs(t->url.scheme ? t->url.scheme : "", stdout);
	else if (IS("method"))
		fputs("GET", stdout);
	else if (IS("speed_download"))
		printf("%zu", t->size_download * 1000 / FAKE_TRANSFER_MS);
	else
		fprintf(stderr, "curl: unknown --write-out variable: '%.*s'\n", (int)len, name);
#undef IS
}

static void write_out(const char *fmt, const struct transfer *t)
{
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == '%') {
			putchar('%');
			p++;
		} else if (p[0] == '%' && p[1] == '{' && strchr(p + 2, '}')) {
			const char *end = strchr(p + 2, '}');

			write_var(t, p + 2, (size_t)(end - p - 2));
			p = end;
		} else if (p[0] == '\\' && p[1]) {
			switch (p[1]) {
			case 'n':
				putchar('\n');
				break;
			case 'r':
				putchar('\r');
				break;
			case 't':
				putchar('\t');
				break;
			default:
				putchar('\\');
				putchar(p[1]);
			}
			p++;
		} else {
			putchar(*p);
		}
	}
	fflush(stdout);
}

/* ---- Options --------------------------------------------------------------------------------- */

enum opt_id {
	O_NONE,
	O_SILENT,
	O_SHOW_ERROR,
	O_FAIL,
	O_FAIL_WITH_BODY,
	O_LOCATION,
	O_OUTPUT,
	O_REMOTE_NAME,
	O_WRITE_OUT,
	O_MAX_TIME,
	O_CONNECT_TIMEOUT,
	O_HEAD,
	O_INCLUDE,
	O_REQUEST,
	O_DATA,
	O_HEADER,
	O_USER_AGENT,
	O_VERBOSE,
	O_URL,
	O_RETRY,
	O_MAX_REDIRS,
	O_NO_PROGRESS,
	O_VERSION,
	O_HELP,
	O_IGNORED,     /* a flag that changes nothing here */
	O_IGNORED_ARG, /* an option whose argument changes nothing here */
	O_NUM_IGNORED, /* an ignored option whose argument must still be a number */
};

struct opt {
	char shortname; /* 0 when long only */
	const char *longname;
	bool has_arg;
	enum opt_id id;
};

static const struct opt options[] = {
    {'s', "silent", false, O_SILENT},
    {'S', "show-error", false, O_SHOW_ERROR},
    {'f', "fail", false, O_FAIL},
    {0, "fail-with-body", false, O_FAIL_WITH_BODY},
    {'L', "location", false, O_LOCATION},
    {'o', "output", true, O_OUTPUT},
    {'O', "remote-name", false, O_REMOTE_NAME},
    {'w', "write-out", true, O_WRITE_OUT},
    {'m', "max-time", true, O_MAX_TIME},
    {0, "connect-timeout", true, O_CONNECT_TIMEOUT},
    {'I', "head", false, O_HEAD},
    {'i', "include", false, O_INCLUDE},
    {'X', "request", true, O_REQUEST},
    {'d', "data", true, O_DATA},
    {0, "data-raw", true, O_DATA},
    {0, "data-binary", true, O_DATA},
    {0, "data-ascii", true, O_DATA},
    {0, "data-urlencode", true, O_DATA},
    {'H', "header", true, O_HEADER},
    {'A', "user-agent", true, O_USER_AGENT},
    {'v', "verbose", false, O_VERBOSE},
    {0, "url", true, O_URL},
    {0, "retry", true, O_RETRY},
    {0, "retry-delay", true, O_NUM_IGNORED},
    {0, "retry-max-time", true, O_NUM_IGNORED},
    {0, "retry-connrefused", false, O_IGNORED},
    {0, "retry-all-errors", false, O_IGNORED},
    {0, "max-redirs", true, O_MAX_REDIRS},
    {0, "progress-meter", false, O_NO_PROGRESS}, /* only its --no- form does anything */
    {'V', "version", false, O_VERSION},
    {'h', "help", false, O_HELP},
    {'k', "insecure", false, O_IGNORED},
    {'q', "disable", false, O_IGNORED},
    {'4', "ipv4", false, O_IGNORED},
    {'6', "ipv6", false, O_IGNORED},
    {'g', "globoff", false, O_IGNORED},
    {'G', "get", false, O_IGNORED},
    {'n', "netrc", false, O_IGNORED},
    {'N', "no-buffer", false, O_IGNORED},
    {'Z', "parallel", false, O_IGNORED},
    {'#', "progress-bar", false, O_IGNORED},
    {0, "compressed", false, O_IGNORED},
    {0, "http1.1", false, O_IGNORED},
    {0, "http2", false, O_IGNORED},
    {0, "tlsv1.2", false, O_IGNORED},
    {0, "tlsv1.3", false, O_IGNORED},
    {0, "ssl-no-revoke", false, O_IGNORED},
    {'x', "proxy", true, O_IGNORED_ARG},
    {0, "noproxy", true, O_IGNORED_ARG},
    {'e', "referer", true, O_IGNORED_ARG},
    {'b', "cookie", true, O_IGNORED_ARG},
    {'c', "cookie-jar", true, O_IGNORED_ARG},
    {'u', "user", true, O_IGNORED_ARG},
    {'E', "cert", true, O_IGNORED_ARG},
    {0, "cacert", true, O_IGNORED_ARG},
    {0, "capath", true, O_IGNORED_ARG},
    {0, "key", true, O_IGNORED_ARG},
    {0, "resolve", true, O_IGNORED_ARG},
    {0, "interface", true, O_IGNORED_ARG},
    {'F', "form", true, O_IGNORED_ARG},
    {'T', "upload-file", true, O_IGNORED_ARG},
    {'K', "config", true, O_IGNORED_ARG},
    {0, "keepalive-time", true, O_NUM_IGNORED},
    {'y', "speed-time", true, O_NUM_IGNORED},
    {'Y', "speed-limit", true, O_NUM_IGNORED},
};

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < N_ELEMENTS(options); i++)
		if (options[i].shortname == c)
			return &options[i];
	return NULL;
}

static const struct opt *find_long(const char *name, bool *negated)
{
	*negated = false;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < N_ELEMENTS(options); i++)
			if (strcmp(options[i].longname, name) == 0 && !(pass && options[i].has_arg))
				return &options[i];
		if (strncmp(name, "no-", 3) != 0)
			return NULL;
		name += 3;
		*negated = true;
	}
	return NULL;
}

/* curl's number check: a plain non-negative decimal (fractions allowed for times). */
static int parse_number(const char *shown, const char *arg, bool fraction, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = fraction ? strtod(arg, &end) : (double)strtol(arg, &end, 10);
	if (end == arg || *end || errno) {
		usage_error("option %s: expected a proper numerical parameter", shown);
		return -1;
	}
	if (v < 0) {
		usage_error("option %s: expected a positive numerical parameter", shown);
		return -1;
	}
	*out = v;
	return 0;
}

static char *read_write_out_file(const char *name)
{
	char *text;
	size_t len;

	if (strcmp(name, "-") == 0) {
		struct fn_buf b;
		char chunk[4096];
		size_t n;

		fn_buf_init(&b);
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			fn_buf_append(&b, chunk, n);
		return fn_buf_steal(&b, NULL);
	}
	if (fn_read_file(name, &text, &len, 1 << 20) < 0)
		return xstrdup("");
	return text;
}

static void add_output(struct curl_opts *o, const char *file, bool remote)
{
	o->outs = xreallocarray(o->outs, o->n_outs + 1, sizeof(*o->outs));
	o->outs[o->n_outs].file = file;
	o->outs[o->n_outs].remote_name = remote;
	o->n_outs++;
}

/* Applies one option; returns 0, or the exit status to stop with. */
static int apply(struct curl_opts *o, const struct opt *opt, bool negated, const char *shown,
		 const char *arg)
{
	double num;

	switch (opt->id) {
	case O_SILENT:
		o->silent = !negated;
		break;
	case O_SHOW_ERROR:
		o->show_error = !negated;
		break;
	case O_FAIL:
		o->fail = !negated;
		break;
	case O_FAIL_WITH_BODY:
		o->fail_with_body = !negated;
		break;
	case O_LOCATION:
		o->follow = !negated;
		break;
	case O_OUTPUT:
		add_output(o, arg, false);
		break;
	case O_REMOTE_NAME:
		add_output(o, NULL, true);
		break;
	case O_WRITE_OUT:
		free(o->write_out);
		o->write_out = arg[0] == '@' ? read_write_out_file(arg + 1) : xstrdup(arg);
		break;
	case O_MAX_TIME:
	case O_CONNECT_TIMEOUT:
		if (parse_number(shown, arg, true, &num) < 0)
			return CURLE_USAGE;
		*(opt->id == O_MAX_TIME ? &o->max_time : &o->connect_timeout) = num;
		break;
	case O_HEAD:
		o->head = !negated;
		break;
	case O_INCLUDE:
		o->include = !negated;
		break;
	case O_REQUEST:
		o->method = arg;
		break;
	case O_DATA:
		o->data = arg;
		break;
	case O_HEADER:
		o->req_headers =
		    xreallocarray(o->req_headers, o->n_req_headers + 1, sizeof(char *));
		o->req_headers[o->n_req_headers++] = arg;
		break;
	case O_USER_AGENT:
		o->user_agent = arg;
		break;
	case O_VERBOSE:
		o->verbose = !negated;
		break;
	case O_URL:
		o->urls = xreallocarray(o->urls, o->n_urls + 1, sizeof(char *));
		o->urls[o->n_urls++] = arg;
		break;
	case O_RETRY:
	case O_NUM_IGNORED:
		/* Failures here are deterministic, so a retry could only repeat them: counted, not
		 * done. */
		if (parse_number(shown, arg, opt->id == O_NUM_IGNORED, &num) < 0)
			return CURLE_USAGE;
		break;
	case O_MAX_REDIRS:
		if (parse_number(shown, arg, false, &num) < 0)
			return CURLE_USAGE;
		o->max_redirs = (long)num;
		break;
	case O_NO_PROGRESS:
		o->no_progress = negated;
		break;
	case O_VERSION:
		printf(
		    "curl " CURL_VERSION " (%s-pc-linux-gnu) libcurl/" CURL_VERSION
		    " OpenSSL/3.0.19 zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 "
		    "libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 "
		    "OpenLDAP/2.5.13\n"
		    "Release-Date: 2023-02-20, security patched: 7.88.1-10+deb12u14\n"
		    "Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps "
		    "mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp\n"
		    "Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 "
		    "Kerberos Largefile libz NTLM NTLM_WB PSL SPNEGO SSL threadsafe TLS-SRP "
		    "UnixSockets zstd\n",
#if defined(__i386__)
		    "i686"
#elif defined(__aarch64__)
		    "aarch64"
#else
		    "x86_64"
#endif
		);
		return -1;
	case O_HELP:
		fputs(
		    "Usage: curl [options...] <url>\n"
		    " -d, --data <data>          HTTP POST data\n"
		    " -f, --fail                 Fail fast with no output on HTTP errors\n"
		    " -h, --help <category>      Get help for commands\n"
		    " -i, --include              Include protocol response headers in the output\n"
		    " -o, --output <file>        Write to file instead of stdout\n"
		    " -O, --remote-name          Write output to a file named as the remote file\n"
		    " -s, --silent               Silent mode\n"
		    " -T, --upload-file <file>   Transfer local FILE to destination\n"
		    " -u, --user <user:password> Server user and password\n"
		    " -A, --user-agent <name>    Send User-Agent <name> to server\n"
		    " -v, --verbose              Make the operation more talkative\n"
		    " -V, --version              Show version number and quit\n"
		    "\n"
		    "This is not the full help, this menu is stripped into categories.\n"
		    "Use \"--help category\" to get an overview of all categories.\n"
		    "For all options use the manual or \"--help all\".\n",
		    stdout);
		return -1;
	case O_IGNORED:
	case O_IGNORED_ARG:
	case O_NONE:
		break;
	}
	return 0;
}

static int parse_long(struct curl_opts *o, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2;
	bool negated;
	const struct opt *opt = find_long(name, &negated);
	const char *arg = NULL;

	if (!opt) {
		usage_error("option %s: is unknown", argv[*i]);
		return CURLE_USAGE;
	}
	if (opt->has_arg) {
		if (*i + 1 >= argc) {
			usage_error("option %s: requires parameter", argv[*i]);
			return CURLE_USAGE;
		}
		arg = argv[++*i];
	}
	return apply(o, opt, negated, argv[*i - (opt->has_arg ? 1 : 0)], arg);
}

static int parse_short(struct curl_opts *o, int argc, char **argv, int *i)
{
	const char *token = argv[*i];

	if (token[1] == '\0') {
		usage_error("option %s: is unknown", token);
		return CURLE_USAGE;
	}
	for (const char *c = token + 1; *c; c++) {
		const struct opt *opt = find_short(*c);
		char shown[3] = {'-', *c, '\0'};
		const char *arg = NULL;
		int rc;

		if (!opt) {
			usage_error("option %s: is unknown", shown);
			return CURLE_USAGE;
		}
		if (opt->has_arg) {
			if (c[1]) {
				arg = c + 1;
			} else if (*i + 1 < argc) {
				arg = argv[++*i];
			} else {
				usage_error("option %s: requires parameter", shown);
				return CURLE_USAGE;
			}
		}
		rc = apply(o, opt, false, shown, arg);
		if (rc || opt->has_arg)
			return rc;
	}
	return 0;
}

static int parse_args(struct curl_opts *o, int argc, char **argv)
{
	o->max_redirs = MAX_REDIRS_DEFAULT;
	for (int i = 1; i < argc; i++) {
		int rc;

		if (strncmp(argv[i], "--", 2) == 0)
			rc = parse_long(o, argc, argv, &i);
		else if (argv[i][0] == '-')
			rc = parse_short(o, argc, argv, &i);
		else {
			o->urls = xreallocarray(o->urls, o->n_urls + 1, sizeof(char *));
			o->urls[o->n_urls++] = argv[i];
			rc = 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static void free_opts(struct curl_opts *o)
{
	free(o->write_out);
	free(o->req_headers);
	free(o->urls);
	free(o->outs);
}

static int curl_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct curl_opts o = {0};
	struct fn_http_rules *rules;
	int rc = parse_args(&o, argc, argv);

	if (rc) {
		free_opts(&o);
		return rc < 0 ? 0 : rc;
	}
	if (o.n_urls == 0) {
		if (argc > 1)
			fputs("curl: no URL specified!\n", stderr);
		fputs(CURL_TRY_HELP, stderr);
		free_opts(&o);
		return CURLE_USAGE;
	}
	rules = fn_http_rules_new(ctx->id);
	for (size_t i = 0; i < o.n_urls; i++) {
		struct transfer t = {.id = ctx->id};

		/* -m and --connect-timeout bound the patterns too: matching is this fake's lookup.
		 */
		fn_http_rules_set_deadline(
		    rules,
		    o.connect_timeout > 0 && (o.max_time <= 0 || o.connect_timeout < o.max_time)
			? o.connect_timeout
			: o.max_time);
		rc = transfer_one(&o, rules, &t, o.urls[i], i < o.n_outs ? &o.outs[i] : NULL);
		if (t.out_opened)
			fclose(t.out);
		fflush(stderr);
		if (o.write_out)
			write_out(o.write_out, &t);
		fn_url_free(&t.url);
	}
	fn_http_rules_free(rules);
	free_opts(&o);
	return rc;
}

FN_SHIM_TOOL(curl_tool, {.name = "curl", .main = curl_main, .needs_identity = true});
