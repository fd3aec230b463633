/* URL normalisation (curl's rules) and the URL -> fake answer decision: http: rules, blocked hosts,
 * built-in IP-echo services. Pure functions of the identity; no name is ever resolved. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <arpa/inet.h>
#include <ctype.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "http_rules.h"
#include "util.h"

struct fn_http_rules {
	const struct fn_identity *id;
	pcre2_code **code; /* one per http: rule; NULL when the pattern did not compile */
	pcre2_match_data *match;
	pcre2_match_context *budget; /* FN_HTTP_MATCH_BUDGET */
	double deadline;	     /* CLOCK_MONOTONIC seconds; 0: none */
};

/* ---- URLs ---------------------------------------------------------------------------------- */

struct scheme_port {
	const char *scheme;
	unsigned port;
};

static const struct scheme_port default_ports[] = {
    {"http", 80},   {"https", 443}, {"ftp", 21},    {"ftps", 990},  {"dict", 2628},
    {"ldap", 389},  {"ldaps", 636}, {"imap", 143},  {"imaps", 993}, {"smtp", 25},
    {"smtps", 465}, {"pop3", 110},  {"pop3s", 995}, {"gopher", 70}, {"telnet", 23},
};

static unsigned scheme_default_port(const char *scheme)
{
	for (size_t i = 0; i < N_ELEMENTS(default_ports); i++)
		if (strcmp(default_ports[i].scheme, scheme) == 0)
			return default_ports[i].port;
	return 80;
}

/* curl's scheme guess for a URL written without one (lib/urlapi.c guess_scheme). */
static const char *guess_scheme(const char *host)
{
	static const char *const prefixed[] = {"ftp", "dict", "ldap", "imap", "smtp", "pop3"};

	for (size_t i = 0; i < N_ELEMENTS(prefixed); i++) {
		size_t n = strlen(prefixed[i]);

		if (strncasecmp(host, prefixed[i], n) == 0 && host[n] == '.')
			return prefixed[i];
	}
	return "http";
}

/* RFC 3986 5.2.4, as curl applies it to the path: "/a/./b/../c" -> "/a/c". */
static char *remove_dot_segments(const char *path)
{
	char *out = xmalloc(strlen(path) + 2);
	size_t n = 0;
	const char *p = path;

	while (*p) {
		const char *seg = p + 1; /* p points at a '/' */
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);

		if (len == 1 && seg[0] == '.') {
			if (!end)
				out[n++] = '/';
		} else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			if (!end)
				out[n++] = '/';
		} else {
			out[n++] = '/';
			memcpy(out + n, seg, len);
			n += len;
		}
		p = seg + len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

static bool parse_port(const char *s, size_t len, unsigned *port)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

/* Letters, digits, '-', '.', '_' (and ':' of an IPv6 literal); curl refuses the rest. */
static bool host_chars_valid(const char *host)
{
	for (const char *c = host; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-._:%", *c) &&
		    !((unsigned char)*c & 0x80))
			return false;
	return true;
}

/* Splits "user@host:port" into its parts; `authority` is not NUL-terminated. */
static bool parse_authority(const char *authority, size_t len, struct fn_url *u, char **userinfo,
			    char **hostport)
{
	const char *at = memrchr(authority, '@', len);
	const char *h = at ? at + 1 : authority;
	size_t hlen = len - (size_t)(h - authority);
	const char *colon = NULL;

	*userinfo = at ? xstrndup(authority, (size_t)(at - authority) + 1) : xstrdup("");
	*hostport = xstrndup(h, hlen);
	if (hlen > 0 && h[0] == '[') {
		const char *close = memchr(h, ']', hlen);

		if (!close)
			return false;
		u->host = xstrndup(h + 1, (size_t)(close - h - 1));
		if ((size_t)(close - h + 1) < hlen) {
			if (close[1] != ':')
				return false;
			colon = close + 1;
		}
	} else {
		colon = memchr(h, ':', hlen);
		u->host = xstrndup(h, colon ? (size_t)(colon - h) : hlen);
	}
	if (u->host[0] == '\0' || !host_chars_valid(u->host))
		return false;
	u->port = scheme_default_port(u->scheme);
	if (colon) {
		size_t plen = hlen - (size_t)(colon + 1 - h);

		/* "host:" with an empty port is the default port, as curl takes it. */
		if (plen > 0) {
			if (!parse_port(colon + 1, plen, &u->port))
				return false;
			u->has_port = true;
		}
	}
	return true;
}

bool fn_url_parse(const char *given, struct fn_url *out)
{
	const char *sep = strstr(given, "://");
	const char *rest, *path_start, *qf;
	char *userinfo = NULL, *hostport = NULL, *raw_path, *path, *fragment = NULL;
	struct fn_buf full;
	bool ok;

	memset(out, 0, sizeof(*out));
	/* A "scheme" must be letters, digits, '+', '-', '.': else "://" belongs to something else.
	 */
	if (sep) {
		if (sep == given)
			return false;
		for (const char *c = given; c < sep; c++)
			if (!isalnum((unsigned char)*c) && *c != '+' && *c != '-' && *c != '.')
				return false;
	}
	rest = sep ? sep + 3 : given;
	path_start = rest + strcspn(rest, "/?#");
	if (sep) {
		out->scheme = xstrndup(given, (size_t)(sep - given));
		for (char *c = out->scheme; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	} else {
		char *host_guess = xstrndup(rest, (size_t)(path_start - rest));

		out->scheme = xstrdup(guess_scheme(host_guess));
		free(host_guess);
	}
	ok = parse_authority(rest, (size_t)(path_start - rest), out, &userinfo, &hostport);
	if (!ok) {
		free(userinfo);
		free(hostport);
		fn_url_free(out);
		return false;
	}
	qf = path_start + strcspn(path_start, "?#");
	raw_path = xstrndup(path_start, (size_t)(qf - path_start));
	if (raw_path[0] != '/') {
		char *p = xasprintf("/%s", raw_path);

		free(raw_path);
		raw_path = p;
	}
	path = remove_dot_segments(raw_path);
	free(raw_path);
	out->path = path;
	if (*qf == '?') {
		const char *hash = strchr(qf, '#');

		out->query = xstrndup(qf + 1, hash ? (size_t)(hash - qf - 1) : strlen(qf + 1));
		fragment = hash ? xstrdup(hash) : NULL;
	} else if (*qf == '#') {
		fragment = xstrdup(qf);
	}
	out->request = out->query ? xasprintf("%s?%s", path, out->query) : xstrdup(path);
	fn_buf_init(&full);
	fn_buf_printf(&full, "%s://%s%s%s%s", out->scheme, userinfo, hostport, out->request,
		      fragment ? fragment : "");
	out->full = fn_buf_steal(&full, NULL);
	free(userinfo);
	free(hostport);
	free(fragment);
	return true;
}

void fn_url_free(struct fn_url *u)
{
	free(u->full);
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
	free(u->request);
	memset(u, 0, sizeof(*u));
}

bool fn_url_resolve(const struct fn_url *base, const char *location, struct fn_url *out)
{
	bool v6 = strchr(base->host, ':') != NULL;
	char port[8] = "";
	char *origin, *abs;
	bool ok;

	if (strstr(location, "://"))
		return fn_url_parse(location, out);
	if (location[0] == '/' && location[1] == '/') {
		abs = xasprintf("%s:%s", base->scheme, location);
	} else {
		if (base->has_port)
			snprintf(port, sizeof(port), ":%u", base->port);
		origin = xasprintf("%s://%s%s%s%s", base->scheme, v6 ? "[" : "", base->host,
				   v6 ? "]" : "", port);
		if (location[0] == '/')
			abs = xasprintf("%s%s", origin, location);
		else /* relative to the base's directory */
			abs = xasprintf("%s%.*s%s", origin,
					(int)(strrchr(base->path, '/') - base->path + 1),
					base->path, location);
		free(origin);
	}
	ok = fn_url_parse(abs, out);
	free(abs);
	return ok;
}

/* ---- Built-in IP-echo services --------------------------------------------------------------- */

/* What the public "what is my IP" services answer a plain curl with: the bare address, with or
 * without a line end. From their documented/observed behaviour (not verifiable offline):
 *   ipinfo.io/ip, ifconfig.me, api.ipify.org, ipecho.net/plain, ident.me: no newline (their
 *   docs show `curl ...; echo` or the shell prompt glued to the address);
 *   icanhazip.com, checkip.amazonaws.com, ifconfig.co: a trailing "\n". */
struct ip_echo {
	const char *host;
	const char *paths; /* accepted paths, NUL-separated, ending in an empty string */
	bool newline;
};

static const struct ip_echo ip_echo_services[] = {
    {"ipinfo.io", "/ip\0", false},	 {"ifconfig.me", "/\0/ip\0", false},
    {"api.ipify.org", "/\0", false},	 {"api4.ipify.org", "/\0", false},
    {"ipecho.net", "/plain\0", false},	 {"ident.me", "/\0", false},
    {"v4.ident.me", "/\0", false},	 {"icanhazip.com", "/\0", true},
    {"ipv4.icanhazip.com", "/\0", true}, {"checkip.amazonaws.com", "/\0", true},
    {"ifconfig.co", "/ip\0", true},
};

static const char *const ip_echo_headers[] = {"Content-Type: text/plain; charset=utf-8"};

static bool path_listed(const char *paths, const char *path)
{
	for (const char *p = paths; *p; p += strlen(p) + 1)
		if (strcmp(p, path) == 0)
			return true;
	return false;
}

/* A trailing dot names the same host ("ipinfo.io." is "ipinfo.io"). */
static bool host_equal(const char *host, const char *name)
{
	size_t hl = strlen(host), nl = strlen(name);

	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	return hl == nl && strncasecmp(host, name, nl) == 0;
}

static bool host_within(const char *host, const char *domain)
{
	size_t hl = strlen(host), dl = strlen(domain);

	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (host_equal(host, domain))
		return true;
	return hl > dl + 1 && host[hl - dl - 1] == '.' &&
	       strncasecmp(host + hl - dl, domain, dl) == 0;
}

static bool lookup_ip_echo(const struct fn_identity *id, const struct fn_url *url,
			   struct fn_http_answer *out)
{
	char ip[FN_IP_STRLEN];

	if (!id->has_public_ip || (strcmp(url->scheme, "http") && strcmp(url->scheme, "https")))
		return false;
	if (url->query)
		return false;
	for (size_t i = 0; i < N_ELEMENTS(ip_echo_services); i++) {
		const struct ip_echo *s = &ip_echo_services[i];

		if (!host_equal(url->host, s->host) || !path_listed(s->paths, url->path))
			continue;
		snprintf(out->body_store, sizeof(out->body_store), "%s%s",
			 fn_ip_format(&id->public_ip, ip), s->newline ? "\n" : "");
		out->fail = FN_HTTP_ANSWER;
		out->source = FN_HTTP_FROM_IP_ECHO;
		out->status = 200;
		out->body = out->body_store;
		out->body_len = strlen(out->body_store);
		out->headers = ip_echo_headers;
		out->n_headers = 1;
		return true;
	}
	return false;
}

/* ---- Rules ----------------------------------------------------------------------------------- */

static pcre2_match_context *budget_context(void)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);

	pcre2_set_match_limit(m, FN_HTTP_MATCH_BUDGET);
	pcre2_set_depth_limit(m, FN_HTTP_MATCH_BUDGET);
	return m;
}

/* A match that ran out of budget: PCRE2's limits, not an answer. */
static bool out_of_budget(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	       rc == PCRE2_ERROR_HEAPLIMIT;
}

struct fn_http_rules *fn_http_rules_new(const struct fn_identity *id)
{
	struct fn_http_rules *r = xcalloc(1, sizeof(*r));

	r->id = id;
	r->code = xcalloc(id->n_http, sizeof(*r->code));
	for (size_t i = 0; i < id->n_http; i++) {
		int err;
		PCRE2_SIZE off;

		r->code[i] = pcre2_compile((PCRE2_SPTR)id->http[i].url_pattern,
					   PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
		if (!r->code[i]) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(err, msg, sizeof(msg));
			fn_warn("http rule %zu: bad pattern at offset %zu: %s", i + 1, (size_t)off,
				(char *)msg);
		}
	}
	r->match = pcre2_match_data_create(1, NULL);
	r->budget = budget_context();
	return r;
}

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fn_http_rules_set_deadline(struct fn_http_rules *r, double seconds)
{
	r->deadline = seconds > 0 ? monotonic_now() + seconds : 0;
}

void fn_http_rules_free(struct fn_http_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->id->n_http; i++)
		pcre2_code_free(r->code[i]);
	free(r->code);
	pcre2_match_data_free(r->match);
	pcre2_match_context_free(r->budget);
	free(r);
}

static void answer_unresolvable(struct fn_http_answer *out, enum fn_http_source source)
{
	out->fail = FN_HTTP_UNRESOLVABLE;
	out->source = source;
}

void fn_http_lookup(const struct fn_http_rules *r, const struct fn_url *url,
		    struct fn_http_answer *out)
{
	const struct fn_identity *id = r->id;

	memset(out, 0, sizeof(*out));
	out->body = "";
	for (size_t i = 0; i < id->n_http; i++) {
		const struct fn_http_rule *rule = &id->http[i];
		int rc;

		if (r->deadline && monotonic_now() >= r->deadline) {
			out->source = FN_HTTP_FROM_RULE;
			out->rule_index = i;
			out->fail = FN_HTTP_TIMEOUT;
			out->out_of_time = true;
			return;
		}
		if (!r->code[i])
			continue;
		rc = pcre2_match(r->code[i], (PCRE2_SPTR)url->full, strlen(url->full), 0, 0,
				 r->match, r->budget);
		if (out_of_budget(rc) && !out->budget_exhausted) {
			out->budget_exhausted = true;
			out->exhausted_rule = i;
		}
		if (rc < 0)
			continue;
		out->source = FN_HTTP_FROM_RULE;
		out->rule_index = i;
		out->fail = rule->fail;
		out->status = rule->status ? rule->status : 200;
		out->body = rule->body ? rule->body : "";
		out->body_len = strlen(out->body);
		out->headers = (const char *const *)rule->headers;
		out->n_headers = rule->n_headers;
		return;
	}
	for (size_t i = 0; i < id->n_blocked; i++) {
		if (host_within(url->host, id->blocked[i])) {
			answer_unresolvable(out, FN_HTTP_FROM_BLOCKED);
			return;
		}
	}
	if (lookup_ip_echo(id, url, out))
		return;
	answer_unresolvable(out, FN_HTTP_FROM_UNMATCHED);
}

const char *fn_http_answer_header(const struct fn_http_answer *a, const char *name, size_t *len)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < a->n_headers; i++) {
		const char *h = a->headers[i];

		if (strncasecmp(h, name, n) != 0 || h[n] != ':')
			continue;
		h += n + 1;
		while (*h == ' ' || *h == '\t')
			h++;
		if (len)
			*len = strlen(h);
		return h;
	}
	return NULL;
}

struct reason {
	int status;
	const char *text;
};

static const struct reason reasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {413, "Payload Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {418, "I'm a teapot"},
    {429, "Too Many Requests"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

const char *fn_http_reason(int status)
{
	for (size_t i = 0; i < N_ELEMENTS(reasons); i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return "";
}

void fn_http_fake_address(const struct fn_identity *id, const char *host, struct fn_ip *out)
{
	uint32_t h = 2166136261u; /* FNV-1a: stable across builds and architectures */

	if (fn_ip_parse(host, out))
		return;
	for (size_t i = 0; i < id->n_hosts; i++)
		for (size_t j = 0; j < id->hosts[i].n_names; j++)
			if (host_equal(host, id->hosts[i].names[j])) {
				*out = id->hosts[i].ip;
				return;
			}
	for (const char *c = host; *c; c++) {
		if (*c == '.' && c[1] == '\0')
			break;
		h = (h ^ (uint8_t)tolower((unsigned char)*c)) * 16777619u;
	}
	/* 198.18.0.0/15, avoiding the .0 and .255 host parts that look like network/broadcast. */
	*out = fn_ip4_from_host((198u << 24) | (18u << 16) | (h & 0x1ffff));
	if (out->bytes[3] == 0 || out->bytes[3] == 255)
		out->bytes[3] = 1;
}

const char *fn_http_budget_error(const struct fn_http_answer *a, char *buf, size_t size)
{
	snprintf(buf, size,
		 "http[%zu].url: the pattern exhausted its match budget (%d steps) on this URL; "
		 "taken as no match",
		 a->exhausted_rule, FN_HTTP_MATCH_BUDGET);
	return buf;
}

/* A URL that makes a backtracking pattern try every way to split a run of one character: the
 * character repeated, then one that ends the run. */
static void budget_probe_url(char c, char *buf, size_t size)
{
	size_t n = strlen("http://");

	memcpy(buf, "http://", n);
	while (n + 2 < size)
		buf[n++] = c;
	buf[n++] = c == '!' ? '~' : '!';
	buf[n] = '\0';
}

/* Whether `code` runs out of budget on a run of `c` (once per character: `tried`). */
static bool exhausts_on(const pcre2_code *code, unsigned char c, char *tried, pcre2_match_data *md,
			pcre2_match_context *budget, char *url, size_t size)
{
	if (c >= 128 || tried[c] || !isprint(c) || c == '\\')
		return false;
	tried[c] = 1;
	budget_probe_url((char)c, url, size);
	return out_of_budget(pcre2_match(code, (PCRE2_SPTR)url, strlen(url), 0, 0, md, budget));
}

/* Whether `code` runs out of budget on one of the probe URLs: runs of 'a' (for '.' and classes)
 * and of each character the pattern names. The URL is left in `url`. */
static bool exhausts_budget(const pcre2_code *code, const char *pattern, pcre2_match_data *md,
			    pcre2_match_context *budget, char *url, size_t size)
{
	char tried[128] = {0};

	if (exhausts_on(code, 'a', tried, md, budget, url, size))
		return true;
	for (const char *p = pattern; *p; p++)
		if (exhausts_on(code, (unsigned char)*p, tried, md, budget, url, size))
			return true;
	return false;
}

size_t fn_http_warn_budget(const struct fn_identity *id, const char *file, FILE *out)
{
	pcre2_match_context *budget = budget_context();
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	size_t warned = 0;
	char url[72];

	for (size_t i = 0; i < id->n_http; i++) {
		const struct fn_http_rule *rule = &id->http[i];
		int err;
		PCRE2_SIZE off;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)rule->url_pattern,
						 PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);

		if (code &&
		    exhausts_budget(code, rule->url_pattern, md, budget, url, sizeof(url))) {
			fprintf(
			    out,
			    "%s:%u:%u: warning: http[%zu].url: the pattern exhausts its match "
			    "budget (%d steps) on '%s'; curl and wget then take it as no match\n",
			    file, rule->loc.line, rule->loc.column, i, FN_HTTP_MATCH_BUDGET, url);
			warned++;
		}
		pcre2_code_free(code);
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(budget);
	return warned;
}
