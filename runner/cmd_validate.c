/* fakenet validate FILE...: check identity files without running anything. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "util.h"

static void usage(FILE *out)
{
	fputs("usage: fakenet validate FILE...\n"
	      "Checks identity files; prints every problem as FILE:LINE:COLUMN: error: message.\n"
	      "Exits 0 when all are valid, 1 when a file has problems, 2 on usage errors.\n",
	      out);
}

int fn_cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		fn_warn("validate: try 'fakenet validate --help'");
		return FN_EXIT_USAGE;
	}
	if (optind >= argc) {
		fn_warn("validate: no FILE given; try 'fakenet validate --help'");
		return FN_EXIT_USAGE;
	}
	return fn_identity_validate_files(argv + optind, (size_t)(argc - optind), stderr) ? 1 : 0;
}
