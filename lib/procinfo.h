/* What /proc tells about a process the audit log names (fakefs's opens, the runner's connections
 * and shim events): its command and its pid as seen inside the run's pid namespace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The pid as the innermost pid namespace of `pid` numbers it (NSpid's last field); `pid` itself
 * when /proc does not tell. */
pid_t fn_proc_inner_pid(pid_t pid);
/* Whether two processes share a network namespace (their /proc/PID/ns/net are one inode); false
 * when either is gone or /proc does not tell. */
bool fn_proc_same_netns(pid_t a, pid_t b);
/* /proc/PID/comm without its newline; "" when gone. */
void fn_proc_comm(pid_t pid, char *buf, size_t len);
