/* libFuzzer target: the URL parser and rule matcher of the curl and wget shims. The input is a URL
 * and, after the first newline, a redirect Location; both are looked up against an identity whose
 * http: rules and blocked: hosts cover each kind of answer, one rule a backtracking pattern that
 * can exhaust its match budget. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "http_rules.h"
#include "identity.h"
#include "identity_parse.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char identity_yaml[] =
    "version: 1\n"
    "hostname: fuzz\n"
    "interfaces:\n"
    "  - {name: eth0, mac: '02:42:ac:11:00:02', addresses: [172.17.0.2/16]}\n"
    "gateway: {ip: 172.17.0.1, mac: '02:42:ac:11:00:01'}\n"
    "hosts:\n"
    "  - {ip: 10.0.0.20, names: [db.internal]}\n"
    "blocked: [blocked.example, ahnlab.com]\n"
    "public_ip: 203.0.113.7\n"
    "http:\n"
    "  - {url: '^https?://status\\.example\\.com/', status: 200, body: ok}\n"
    "  - {url: '^https?://telemetry\\.', fail: refused}\n"
    "  - {url: '^http://(a|aa)+b', status: 404}\n"
    "  - {url: '^http://redirect\\.example/', status: 302,\n"
    "     headers: ['Location: /elsewhere']}\n";

static const struct fn_http_rules *rules(void)
{
	static struct fn_http_rules *r;
	struct fn_identity *id;
	struct fn_diags diags;

	if (r)
		return r;
	fn_diags_init(&diags, "fuzz-url.yaml");
	id = fn_identity_load_buffer("fuzz-url.yaml", identity_yaml, sizeof(identity_yaml) - 1,
				     &diags);
	if (!id) {
		fn_diags_print(&diags, stderr);
		abort();
	}
	fn_diags_free(&diags);
	r = fn_http_rules_new(id);
	return r;
}

static void lookup(const struct fn_url *u)
{
	struct fn_http_answer a;
	char error[256];
	size_t len;

	fn_http_lookup(rules(), u, &a);
	(void)fn_http_answer_header(&a, "Location", &len);
	if (a.budget_exhausted)
		(void)fn_http_budget_error(&a, error, sizeof(error));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char *location = strchr(text, '\n');
	struct fn_url u, r;

	if (location)
		*location++ = '\0';
	if (fn_url_parse(text, &u)) {
		lookup(&u);
		if (location && fn_url_resolve(&u, location, &r)) {
			lookup(&r);
			fn_url_free(&r);
		}
		fn_url_free(&u);
	}
	free(text);
	return 0;
}
