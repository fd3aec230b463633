/* fakenet validate FILE...: check identity files without running anything. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "http_rules.h"
#include "identity_parse.h"
#include "util.h"

/* Loads each file and prints its diagnostics to `err` (nothing for a good file); 1 when any has
 * problems. */
static int validate_files(char **paths, size_t n, FILE *err)
{
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		struct fn_diags diags;
		struct fn_identity *id;

		fn_diags_init(&diags, paths[i]);
		id = fn_identity_load_file(paths[i], &diags);
		if (!id)
			status = 1;
		fn_diags_print(&diags, err);
		/* Only validate pays for trying the patterns; loading an identity never does. */
		if (id)
			fn_http_warn_budget(id, paths[i], err);
		fn_diags_free(&diags);
		fn_identity_free(id);
	}
	return status;
}

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
	return validate_files(argv + optind, (size_t)(argc - optind), stderr) ? 1 : 0;
}
