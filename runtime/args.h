/* Reading a runc command line as runc does: its global options, the command, and for create and
 * run the bundle directory. */
#pragma once

#include <stdbool.h>

struct fn_runtime_args {
	int command;	    /* argv index of the command; 0: none */
	bool wants_hook;    /* create or run */
	const char *bundle; /* --bundle/-b, else NULL: the current directory */
};

/* Never fails: what it cannot read, it leaves for the real runtime to refuse. */
void fn_runtime_parse(int argc, char **argv, struct fn_runtime_args *a);
