/* fakenet: dispatch to the subcommand; each lives in its own file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pid1.h"
#include "util.h"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
};

static const struct command commands[] = {
    {"run", fn_cmd_run},	 {"show", fn_cmd_show},		  {"validate", fn_cmd_validate},
    {"check", fn_cmd_check},	 {"verify", fn_cmd_verify},	  {"log", fn_cmd_log},
    {"install", fn_cmd_install}, {"uninstall", fn_cmd_uninstall}, {"oci-hook", fn_cmd_oci_hook},
};

static void usage(FILE *out)
{
	fputs(
	    "usage: fakenet run [--identity FILE] [--net host|isolated|filtered]\n"
	    "                   [--backend auto|fuse|preload] [--log FILE] [--shims "
	    "none|all|LIST]\n"
	    "                   [--] COMMAND [ARG...]\n"
	    "       fakenet show [--identity FILE] [PATH...]\n"
	    "       fakenet validate FILE...\n"
	    "       fakenet check [--identity FILE] [--probes FILE]... [--format text|tap|json]\n"
	    "       fakenet verify [--pid PID]\n"
	    "       fakenet log summarize FILE\n"
	    "       fakenet install --root DIR [--identity FILE] | uninstall --root DIR\n"
	    "       fakenet oci-hook [--hooks-json [--path FILE]]\n"
	    "       fakenet --help | --version\n"
	    "\n"
	    "Runs COMMAND with a made-up network identity: /proc/net, /sys/class/net, /etc/hosts,\n"
	    "/etc/resolv.conf, the hostname and the network tools all show the identity's "
	    "machine.\n"
	    "The identity is --identity FILE, else $FAKENET_IDENTITY, else\n"
	    "/etc/fakenet/identity.yaml if it exists, else the built-in docker.yaml.\n"
	    "`fakenet COMMAND --help` describes each command.\n",
	    out);
}

int main(int argc, char **argv)
{
	/* The init of `fakenet run` may re-execute this file as /sbin/docker-init (init.c). */
	if (fn_pid1_requested(argc, argv))
		fn_pid1_supervise(argv + 2);
	if (argc < 2) {
		usage(stderr);
		return FN_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("fakenet %s\n", FAKENET_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	fn_warn("unknown command '%s'; try 'fakenet --help'", argv[1]);
	return FN_EXIT_USAGE;
}
