/* The connection audit (connlog.c): each connection attempt of the target, logged by the runner. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "filtered.h"
#include "identity.h"
#include "report.h"

/* In the init: installs the filter and sends its listener over
 * `sock` (then closed). */
int fn_connlog_install(int sock, struct fn_report *rep);
/* In the runner: a thread that takes the listener announced on `sock` and logs every attempt. */
int fn_connlog_start(const struct fn_identity *id, int sock, int log_fd,
		     const struct fn_filter *filter);
bool fn_connlog_supported(void);
/* In the runner, right after forking the init: whose descriptor the audit thread takes. */
void fn_connlog_set_init(pid_t pid);
