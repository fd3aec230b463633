/* What a fake HTTP(S) request answers, decided from the identity alone: shared by curl, wget and
 * `fakenet check`. Nothing here ever opens a socket or resolves a name. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "identity.h"
#include "netaddr.h"

/* A URL as the tool understood it. `full` is the "full URL" the identity's `http:` patterns are
 * matched against: exactly what curl reports as %{url_effective} for that argument:
 *   - no "scheme://": curl's guess from the host ("ftp." ftp, "dict." dict, "ldap." ldap, "imap."
 *     imap, "smtp." smtp, "pop3." pop3), else "http://";
 *   - the scheme lowercased; user info, host (case kept), an explicit port (even the default one),
 *     query and fragment kept as written;
 *   - an empty path becomes "/", and "." / ".." segments are removed.
 * So `curl ipinfo.io/ip` and `wget ipinfo.io/ip` both match against "http://ipinfo.io/ip". */
struct fn_url {
	char *full;
	char *scheme;  /* lowercase */
	char *host;    /* as written, without the brackets of an IPv6 literal: "::1" */
	unsigned port; /* the explicit port, else the scheme's default (80, 443, 21, ...) */
	bool has_port; /* the URL named a port */
	char *path;    /* "/ip": the path alone, without query or fragment */
	char *query;   /* after '?', without it; NULL when absent */
	char *request; /* path plus "?query": what goes on the request line */
};

/* Parses and normalises a URL as given on a command line. False for an empty host or a bad port. */
bool fn_url_parse(const char *given, struct fn_url *out);
void fn_url_free(struct fn_url *u);
/* A new URL for a redirect's Location (absolute, scheme-relative "//h/p", or "/path"). */
bool fn_url_resolve(const struct fn_url *base, const char *location, struct fn_url *out);

/* Why the answer is what it is (for -v, logs and `fakenet check`). */
enum fn_http_source {
	FN_HTTP_FROM_RULE,	/* the identity's http: list */
	FN_HTTP_FROM_BLOCKED,	/* a blocked: host or a subdomain of one */
	FN_HTTP_FROM_IP_ECHO,	/* a built-in "what is my IP" service */
	FN_HTTP_FROM_UNMATCHED, /* nothing knows the URL: it does not resolve */
};

struct fn_http_answer {
	enum fn_http_fail fail; /* FN_HTTP_ANSWER or the failure to simulate */
	enum fn_http_source source;
	size_t rule_index; /* the http: rule that matched (FN_HTTP_FROM_RULE) */
	int status;
	const char *body; /* points into the identity or into body_store */
	size_t body_len;
	/* Response headers other than Content-Length, "Name: value" without a line end. */
	const char *const *headers;
	size_t n_headers;
	char body_store[FN_IP_STRLEN + 1]; /* an IP-echo body: the address, maybe "\n" */
	/* A rule whose pattern ran out of its match budget on this URL (taken as no match; the
	 * first such rule is named), and whether the lookup ran out of the caller's time (then the
	 * answer is a timeout). */
	bool budget_exhausted, out_of_time;
	size_t exhausted_rule;
};

/* The match budget of one http: pattern on one URL, in PCRE2 match steps (its match limit; the
 * depth limit is the same): about 20 ms of backtracking. A pattern that needs more is not matched,
 * and the lookup says so. */
#define FN_HTTP_MATCH_BUDGET 1000000

/* The identity's http: patterns compiled once, plus the model they came from. */
struct fn_http_rules;

/* Compiles every http: pattern (PCRE2). A pattern that fails to compile (the validator should have
 * refused it) is reported with fn_warn and never matches. */
struct fn_http_rules *fn_http_rules_new(const struct fn_identity *id);
void fn_http_rules_free(struct fn_http_rules *rules);
/* Lookups stop trying patterns `seconds` from now (curl -m, wget -T) and answer a timeout; 0 or
 * less lifts the limit. */
void fn_http_rules_set_deadline(struct fn_http_rules *rules, double seconds);
/* "http[N].url: ..." for an answer with budget_exhausted, for -v and the log. */
const char *fn_http_budget_error(const struct fn_http_answer *a, char *buf, size_t size);
/* Tries every http: pattern on URLs built to make backtracking patterns blow up, and prints
 * "FILE:LINE:COLUMN: warning: ..." for each that exhausts its budget; returns how many did. */
size_t fn_http_warn_budget(const struct fn_identity *id, const char *file, FILE *out);

/* The answer for one URL. Order: the http: rules in file order (first match wins), then blocked:
 * hosts (the host equals a blocked name or ends in "." + it: unresolvable), then the built-in
 * IP-echo services (answer public_ip; only when the identity has one), then unresolvable. */
void fn_http_lookup(const struct fn_http_rules *rules, const struct fn_url *url,
		    struct fn_http_answer *out);

/* The value of a header in the answer ("Location"), case-insensitive; NULL when absent. */
const char *fn_http_answer_header(const struct fn_http_answer *a, const char *name, size_t *len);

/* The standard reason phrase of a status code ("OK", "Not Found"); "" for an unknown code. */
const char *fn_http_reason(int status);

/* The address a fake connection reports for `host` (curl -v "Trying", %{remote_ip}, wget's
 * "Resolving ... A"): an IP literal is itself; a name listed in the identity's hosts: entries gets
 * that address; any other name gets a stable address from 198.18.0.0/15 (the benchmarking range,
 * which fake-DNS proxies also hand out), a hash of the lowercased name. */
void fn_http_fake_address(const struct fn_identity *id, const char *host, struct fn_ip *out);
