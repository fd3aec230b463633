/* sudo look-alike for machines without it (WebVM, containers): drops sudo's own options and runs
 * the command as the current user, so `sudo nm-tool` finds the other shims through PATH. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "shim.h"
#include "shim_tools.h"
#include "util.h"

/* sudo 1.9.13p3 (Debian 12) usage(), as it wraps at 80 columns; printed on stderr, exit 1. */
static const char sudo_usage[] =
    "usage: sudo -h | -K | -k | -V\n"
    "usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\n"
    "usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user]\n"
    "            [command [arg ...]]\n"
    "usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g\n"
    "            group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user]\n"
    "            [VAR=value] [-i | -s] [command [arg ...]]\n"
    "usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group]\n"
    "            [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...\n";

/* Short options that take an argument (sudo's getopt string), and the flags that take none. */
static const char with_arg[] = "CDgpRrTtUuh";
static const char flags[] = "ABbEHiKklNnPSsVve";

static const char *const long_with_arg[] = {
    "--close-from", "--chdir", "--group",	    "--host",	    "--prompt", "--chroot",
    "--role",	    "--type",  "--command-timeout", "--other-user", "--user"};

static bool long_takes_arg(const char *opt)
{
	for (size_t i = 0; i < N_ELEMENTS(long_with_arg); i++)
		if (strcmp(opt, long_with_arg[i]) == 0)
			return true;
	return false;
}

static int usage(void)
{
	fputs(sudo_usage, stderr);
	return 1;
}

/* What the options alone ask for when no command follows. */
struct sudo_mode {
	bool shell;   /* -s / -i: run the user's shell */
	bool version; /* -V */
	bool no_op;   /* -k, -K, -v: timestamp housekeeping, nothing to run */
};

static void note_flag(struct sudo_mode *m, char c)
{
	if (c == 's' || c == 'i')
		m->shell = true;
	else if (c == 'V')
		m->version = true;
	else if (c == 'k' || c == 'K' || c == 'v')
		m->no_op = true;
}

/* Returns the index of the first word of the command, or -1 after printing usage. */
static int skip_sudo_options(int argc, char **argv, struct sudo_mode *m)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (a[1] == '-') {
			if (strcmp(a, "--shell") == 0 || strcmp(a, "--login") == 0)
				m->shell = true;
			else if (strcmp(a, "--version") == 0)
				m->version = true;
			/* --user=root carries its value; --user root takes the next word. */
			i += (!strchr(a, '=') && long_takes_arg(a)) ? 2 : 1;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			if (strchr(with_arg, *c)) {
				/* "-uroot" carries it; "-u root" takes the next word. */
				if (!c[1])
					i++;
				break;
			}
			if (!strchr(flags, *c)) {
				fprintf(stderr, "sudo: invalid option -- '%c'\n", *c);
				return -1;
			}
			note_flag(m, *c);
		}
		i++;
	}
	return i;
}

static int sudo_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	struct sudo_mode mode = {0};
	int first = skip_sudo_options(argc, argv, &mode);
	const char *shell = getenv("SHELL"), *shim;
	char buf[PATH_MAX];

	if (first < 0)
		return usage();
	if (first >= argc) {
		if (mode.version) {
			puts("Sudo version 1.9.13p3");
			return 0;
		}
		if (mode.no_op)
			return 0;
		if (!mode.shell)
			return usage();
		fn_shim_audit_exec(shell && *shell ? shell : "/bin/sh");
		execl(shell && *shell ? shell : "/bin/sh", shell && *shell ? shell : "/bin/sh",
		      (char *)NULL);
		fprintf(stderr, "sudo: unable to execute %s: %s\n", shell ? shell : "/bin/sh",
			strerror(errno));
		return 1;
	}
	/* VAR=value words before the command set its environment, as sudo allows. */
	while (first < argc && strchr(argv[first], '=') && argv[first][0] != '=') {
		char *eq = strchr(argv[first], '=');

		*eq = '\0';
		setenv(argv[first], eq + 1, 1);
		*eq = '=';
		first++;
	}
	if (first >= argc)
		return usage();
	fflush(NULL);
	fn_shim_audit_exec(argv[first]);
	/* Under the preload backend no library sees this static program's exec: the tools the
	 * shims cover go to them here (a tool the machine lacks is on no PATH). */
	shim = fn_shim_redirect(getenv("FAKENET_SHIMS"), argv[first], true, getenv("PATH"), buf,
				sizeof(buf));
	execvp(shim ? shim : argv[first], argv + first);
	if (errno == ENOENT) {
		fprintf(stderr, "sudo: %s: command not found\n", argv[first]);
		return 1;
	}
	fprintf(stderr, "sudo: unable to execute %s: %s\n", argv[first], strerror(errno));
	return 1;
}

FN_SHIM_TOOL(sudo_tool, {.name = "sudo", .main = sudo_main, .needs_identity = false});
