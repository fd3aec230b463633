/* nmcli (NetworkManager 1.42): device, general, connection and networking views of the identity,
 * rendered by lib/render_nm.c, with nmcli's -t/-g/-f output modes. Read-only: nothing is changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_nm.h"
#include "shim.h"
#include "util.h"

/* nmcli's exit codes (nmcli(1)). */
enum {
	NMC_OK = 0,
	NMC_USAGE = 2,
	NMC_NOT_FOUND = 10,
};

/* nmcli takes any prefix of an object or command name ("d", "dev", "sh"). */
static bool abbrev(const char *arg, const char *full)
{
	return arg && *arg && strncmp(arg, full, strlen(arg)) == 0;
}

static int emit(struct fn_buf *out, int rc, char *err)
{
	if (rc == -2) {
		fprintf(stderr, "%s\n", err);
		free(err);
		fn_buf_free(out);
		return NMC_USAGE;
	}
	if (out->len)
		fwrite(out->data, 1, out->len, stdout);
	fn_buf_free(out);
	return NMC_OK;
}

static int cmd_device(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt, int argc,
		      char **argv)
{
	struct fn_buf out;
	char *err = NULL;
	int rc;

	fn_buf_init(&out);
	if (argc == 0 || abbrev(argv[0], "status")) {
		rc = render_nmcli_device_status(id, fmt, &out, &err);
		return emit(&out, rc, err);
	}
	if (!abbrev(argv[0], "show")) {
		fprintf(stderr,
			"Error: argument '%s' not understood. Try passing --help instead.\n",
			argv[0]);
		return NMC_USAGE;
	}
	rc = render_nmcli_device_show(id, argc > 1 ? argv[1] : NULL, fmt, &out, &err);
	if (rc == -1) {
		fprintf(stderr, "Error: Device '%s' not found.\n", argv[1]);
		fn_buf_free(&out);
		return NMC_NOT_FOUND;
	}
	return emit(&out, rc, err);
}

static int cmd_general(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt, int argc,
		       char **argv)
{
	struct fn_buf out;
	char *err = NULL;
	int rc;

	if (argc > 0 && abbrev(argv[0], "hostname")) {
		puts(id->hostname);
		return NMC_OK;
	}
	if (argc > 0 && !abbrev(argv[0], "status")) {
		fprintf(stderr,
			"Error: argument '%s' not understood. Try passing --help instead.\n",
			argv[0]);
		return NMC_USAGE;
	}
	fn_buf_init(&out);
	rc = render_nmcli_general_status(id, fmt, &out, &err);
	return emit(&out, rc, err);
}

static int cmd_connection(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt, int argc,
			  char **argv)
{
	struct fn_buf out;
	char *err = NULL;
	int rc;

	if (argc > 0 && !abbrev(argv[0], "show")) {
		fprintf(stderr,
			"Error: argument '%s' not understood. Try passing --help instead.\n",
			argv[0]);
		return NMC_USAGE;
	}
	fn_buf_init(&out);
	rc = render_nmcli_connection_show(id, fmt, &out, &err);
	return emit(&out, rc, err);
}

/* Global options come before the object; returns the index of the object, or -1 after an error. */
static int parse_globals(int argc, char **argv, struct fn_nmcli_fmt *fmt)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
		bool takes_arg = abbrev(a, "fields") || abbrev(a, "get-values") ||
				 abbrev(a, "mode") || abbrev(a, "colors") || abbrev(a, "escape") ||
				 abbrev(a, "wait");

		if (takes_arg && i + 1 >= argc) {
			fprintf(stderr, "Error: missing argument for '%s' option.\n", argv[i]);
			return -1;
		}
		if (abbrev(a, "terse")) {
			fmt->terse = true;
		} else if (abbrev(a, "get-values")) {
			fmt->values_only = true;
			fmt->terse = true;
			fmt->fields = argv[++i];
		} else if (abbrev(a, "fields")) {
			fmt->fields = argv[++i];
		} else if (abbrev(a, "version")) {
			puts("nmcli tool, version 1.42.4");
			return 0;
		} else if (takes_arg) {
			i++;
		} else if (!abbrev(a, "pretty") && !abbrev(a, "ask") &&
			   !abbrev(a, "show-secrets")) {
			fprintf(stderr, "Error: Option '%s' is unknown, try 'nmcli -help'.\n",
				argv[i]);
			return -1;
		}
	}
	return i;
}

static int nmcli_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct fn_nmcli_fmt fmt = {0};
	int i = parse_globals(argc, argv, &fmt);
	const char *obj;

	if (i <= 0)
		return i == 0 ? NMC_OK : NMC_USAGE;
	if (i >= argc) {
		struct fn_buf out;

		fn_buf_init(&out);
		render_nmcli_overview(ctx->id, &out);
		return emit(&out, 0, NULL);
	}
	obj = argv[i];
	if (abbrev(obj, "device"))
		return cmd_device(ctx->id, &fmt, argc - i - 1, argv + i + 1);
	if (abbrev(obj, "general"))
		return cmd_general(ctx->id, &fmt, argc - i - 1, argv + i + 1);
	if (abbrev(obj, "connection"))
		return cmd_connection(ctx->id, &fmt, argc - i - 1, argv + i + 1);
	if (abbrev(obj, "networking")) {
		puts(i + 1 < argc && abbrev(argv[i + 1], "connectivity") ? "full" : "enabled");
		return NMC_OK;
	}
	fprintf(stderr, "Error: Object '%s' is unknown, try 'nmcli help'.\n", obj);
	return NMC_USAGE;
}

FN_SHIM_TOOL(nmcli_tool,
	     {.name = "nmcli", .main = nmcli_main, .needs_identity = true, .shows_links = true});
