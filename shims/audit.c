/* The shims' side of `fakenet run --log`: one "shim" event per call, sent after the tool has
 * written its output to the runner's audit socket, bound at a fixed hidden path of the view (no
 * environment variable names it). The runner adds the time and the pid and uid the kernel reports
 * for this connection, and writes the log, which no process inside can reach. Logging is best
 * effort: nothing here may change what a tool prints or how it exits. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../fakefs/fakefs.h"
#include "jsonl.h"
#include "audit.h"
#include "shim.h"
#include "util.h"

/* How long a shim waits for the runner at most, to connect, send, and hear that it was logged. */
#define AUDIT_TIMEOUT_MS 2000

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

static int audit_connect(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX,
				   .sun_path = FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_LOG};
	struct timeval tv = {.tv_sec = AUDIT_TIMEOUT_MS / 1000,
			     .tv_usec = AUDIT_TIMEOUT_MS % 1000 * 1000};
	struct stat st;
	int fd;

	/* Outside `fakenet run --log` there is no socket there: no socket is opened either. */
	if (stat(addr.sun_path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* SO_SNDTIMEO bounds connect() too: a runner that stopped reading cannot hang a tool. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends the event and waits for the runner's answer: the runner reads this process's pid in the
 * run's pid namespace while it still exists. MSG_NOSIGNAL: a closed socket is no SIGPIPE. */
static void audit_send(const char *text, size_t len)
{
	int fd = audit_connect();
	char ack;

	if (fd < 0)
		return;
	while (len) {
		ssize_t n = send(fd, text, len, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		text += n;
		len -= (size_t)n;
	}
	if (!len && shutdown(fd, SHUT_WR) == 0)
		(void)!read(fd, &ack, 1);
	close(fd);
}

/* Sends the event; `exec` names the program the call handed over to (exit is then null). The
 * runner adds time, event, pid and uid. */
static void write_event(int status, const char *exec)
{
	struct fn_jsonl j;
	size_t len;
	char *text;

	if (!audit.tool)
		return;
	fn_jsonl_begin(&j);
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
	text = fn_jsonl_end(&j, &len);
	audit_send(text, len);
	free(text);
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
