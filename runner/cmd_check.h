/* fakenet check: the fingerprint-consistency battery. */
#pragma once

/* Runs `fakenet check ARGS`; argv[0] is "check". Returns the exit status (0, 1 or 2). */
int fn_cmd_check(int argc, char **argv);
