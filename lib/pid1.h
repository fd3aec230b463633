/* Pid 1 of a run (pid1.c). */
#pragma once

#include <stdbool.h>

/* Where pid 1's executable is in the target's view, and so what /proc/1/exe shows: the path
 * `docker run --init` gives it. */
#define FN_PID1_PATH "/sbin/docker-init"

/* Whether this process is pid 1 started as FN_PID1_PATH -- COMMAND... */
bool fn_pid1_requested(int argc, char **argv);
/* Runs argv, relays signals, reaps until nothing is left; exits with the command's status (126 or
 * 127, said on stderr, when it cannot be run). The relayed signals must be blocked already. */
__attribute__((noreturn)) void fn_pid1_supervise(char **argv);
