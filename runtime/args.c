/* runc's command line (urfave/cli): options take one or two dashes, a value either as the next
 * argument or after '=', and option parsing stops at the first other argument. */
#include <string.h>

#include "args.h"
#include "util.h"

/* runc's global options that take a value. */
static const char *const global_valued[] = {"root", "log", "log-format", "criu", "rootless"};
/* The options of create and run that take a value. */
static const char *const create_valued[] = {"bundle", "b", "console-socket", "pid-file",
					    "preserve-fds"};

static bool takes_value(const char *name, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncmp(name, list[i], len) == 0)
			return true;
	return false;
}

/* The option at argv[*i]: its name (without dashes) and length, and its value if it has one.
 * Advances *i past a separate value. Returns false at the end of the options. */
static bool next_option(int argc, char **argv, int *i, const char *const *valued, size_t n,
			const char **name, size_t *len, const char **value)
{
	const char *arg = argv[*i], *eq;

	if (arg[0] != '-' || !arg[1])
		return false;
	if (strcmp(arg, "--") == 0) {
		(*i)++;
		return false;
	}
	*name = arg + (arg[1] == '-' ? 2 : 1);
	eq = strchr(*name, '=');
	*len = eq ? (size_t)(eq - *name) : strlen(*name);
	*value = eq ? eq + 1 : NULL;
	if (!eq && takes_value(*name, *len, valued, n) && *i + 1 < argc)
		*value = argv[++*i];
	(*i)++;
	return true;
}

void fn_runtime_parse(int argc, char **argv, struct fn_runtime_args *a)
{
	const char *name, *value;
	size_t len;
	int i = 1;

	memset(a, 0, sizeof(*a));
	while (i < argc && next_option(argc, argv, &i, global_valued, N_ELEMENTS(global_valued),
				       &name, &len, &value))
		;
	if (i >= argc || argv[i][0] == '-')
		return;
	a->command = i;
	a->wants_hook = strcmp(argv[i], "create") == 0 || strcmp(argv[i], "run") == 0;
	if (!a->wants_hook)
		return;
	i++;
	while (i < argc && next_option(argc, argv, &i, create_valued, N_ELEMENTS(create_valued),
				       &name, &len, &value))
		if (value && takes_value(name, len, create_valued, 2))
			a->bundle = value;
}
