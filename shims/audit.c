/* The shims' side of `fakenet run --log`: one "shim" event per call, appended to $FAKENET_LOG after
 * the tool has written its output. Logging is best effort: nothing here may change what a tool
 * prints or how it exits. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonl.h"
#include "shim.h"
#include "util.h"

/* What one call did; a shim is one short process, so one record per process. */
static struct {
	const char *tool;
	char **argv; /* a copy: getopt permutes the original */
	int argc;
	bool http; /* a curl or wget lookup happened */
	char *url;
	enum fn_http_source source;
	size_t rule;
	enum fn_http_fail fail;
	int status;
	char *error; /* a rule that exhausted its match budget */
} audit;

void fn_shim_audit_start(const char *tool, int argc, char **argv)
{
	audit.tool = tool;
	audit.argc = argc;
	audit.argv = xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++)
		audit.argv[i] = xstrdup(argv[i]);
}

void fn_shim_audit_http(const struct fn_url *url, const struct fn_http_answer *a)
{
	free(audit.url);
	audit.url = xstrdup(url->full ? url->full : "");
	audit.http = true;
	audit.source = a->source;
	audit.rule = a->rule_index;
	audit.fail = a->fail;
	audit.status = a->status;
	free(audit.error);
	audit.error = NULL;
	if (a->budget_exhausted) {
		char why[160];

		audit.error = xstrdup(fn_http_budget_error(a, why, sizeof(why)));
	}
}

static const char *source_name(enum fn_http_source s)
{
	switch (s) {
	case FN_HTTP_FROM_RULE:
		return "rule";
	case FN_HTTP_FROM_BLOCKED:
		return "blocked";
	case FN_HTTP_FROM_IP_ECHO:
		return "ip-echo";
	case FN_HTTP_FROM_UNMATCHED:
		break;
	}
	return "unmatched";
}

static const char *result_name(enum fn_http_fail f)
{
	switch (f) {
	case FN_HTTP_REFUSED:
		return "refused";
	case FN_HTTP_UNRESOLVABLE:
		return "unresolvable";
	case FN_HTTP_TIMEOUT:
		return "timeout";
	case FN_HTTP_ANSWER:
		break;
	}
	return "answer";
}

static void add_http(struct fn_jsonl *j)
{
	fn_jsonl_str(j, "url", audit.url);
	fn_jsonl_str(j, "source", source_name(audit.source));
	if (audit.source == FN_HTTP_FROM_RULE)
		fn_jsonl_int(j, "rule", (long long)audit.rule);
	else
		fn_jsonl_null(j, "rule");
	fn_jsonl_str(j, "result", result_name(audit.fail));
	if (audit.fail == FN_HTTP_ANSWER)
		fn_jsonl_int(j, "status", audit.status);
	else
		fn_jsonl_null(j, "status");
	if (audit.error)
		fn_jsonl_str(j, "error", audit.error);
}

/* Writes the event; `exec` names the program the call handed over to (exit is then null). */
static void write_event(int status, const char *exec)
{
	const char *path = getenv("FAKENET_LOG");
	struct fn_jsonl j;
	int fd;

	if (!audit.tool || !path || path[0] != '/')
		return;
	/* O_NONBLOCK: a FIFO without a reader must not hang the tool. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0)
		return;
	fn_jsonl_event(&j, "shim", getpid());
	fn_jsonl_str(&j, "tool", audit.tool);
	fn_jsonl_strv(&j, "argv", (const char *const *)audit.argv, (size_t)audit.argc);
	if (exec) {
		fn_jsonl_null(&j, "exit");
		fn_jsonl_str(&j, "exec", exec);
	} else {
		fn_jsonl_int(&j, "exit", status);
	}
	if (audit.http)
		add_http(&j);
	(void)fn_jsonl_write(&j, fd);
	close(fd);
}

static void audit_free(void)
{
	for (int i = 0; audit.argv && i < audit.argc; i++)
		free(audit.argv[i]);
	free(audit.argv);
	free(audit.url);
	free(audit.error);
	memset(&audit, 0, sizeof(audit));
}

void fn_shim_audit_finish(int status)
{
	write_event(status, NULL);
	audit_free();
}

void fn_shim_audit_exec(const char *path)
{
	write_event(0, path);
}
