/* The host's CPU count and topology (host_cpu.h): the one place fakenet counts the host's
 * processors. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "host_cpu.h"
#include "render_cpuinfo.h"
#include "util.h"

unsigned fn_host_possible_cpus(void)
{
	char *text = NULL;
	size_t len;
	int n;

	if (fn_read_file("/sys/devices/system/cpu/possible", &text, &len, 4096) == 0) {
		/* "0-7" or "0": the highest number plus one. */
		const char *last = strrchr(text, '-');
		unsigned high = (unsigned)strtoul(last ? last + 1 : text, NULL, 10);

		free(text);
		return high + 1;
	}
	free(text);
	n = get_nprocs_conf();
	return n > 0 ? (unsigned)n : 1;
}

static bool key_is(const char *line, size_t key_len, const char *key)
{
	return strlen(key) == key_len && strncmp(line, key, key_len) == 0;
}

/* Adds `id` to the `n` distinct physical ids seen so far (grown as needed); returns the count. */
static unsigned add_socket(unsigned long **ids, unsigned n, unsigned long id)
{
	for (unsigned i = 0; i < n; i++)
		if ((*ids)[i] == id)
			return n;
	*ids = xreallocarray(*ids, n + 1, sizeof(**ids));
	(*ids)[n] = id;
	return n + 1;
}

/* The value after a line's colon, as a number. */
static unsigned long line_number(const char *colon, const char *end)
{
	char num[24];
	size_t n = (size_t)(end - colon - 1);

	if (n >= sizeof(num))
		n = sizeof(num) - 1;
	memcpy(num, colon + 1, n);
	num[n] = '\0';
	return strtoul(num, NULL, 10);
}

void fn_cpu_topology(const char *cpuinfo, size_t len, struct fn_cpu_topology *topo)
{
	unsigned long *ids = NULL;
	size_t pos = 0;

	memset(topo, 0, sizeof(*topo));
	while (cpuinfo && pos < len) {
		const char *line = cpuinfo + pos, *nl = memchr(line, '\n', len - pos);
		const char *end = nl ? nl : cpuinfo + len, *colon;
		size_t k;

		pos = (size_t)(end - cpuinfo) + 1;
		colon = cpuinfo_key(line, (size_t)(end - line), &k);
		if (!colon)
			continue;
		if (key_is(line, k, "processor"))
			topo->n_cpus++;
		else if (key_is(line, k, "physical id"))
			topo->sockets = add_socket(&ids, topo->sockets, line_number(colon, end));
		else if (key_is(line, k, "cpu cores") && !topo->cores)
			topo->cores = (unsigned)line_number(colon, end);
		else if (key_is(line, k, "siblings") && !topo->threads)
			topo->threads = (unsigned)line_number(colon, end);
	}
	free(ids);
	if (!topo->n_cpus)
		topo->n_cpus = fn_host_possible_cpus();
	if (!topo->sockets)
		topo->sockets = 1;
	if (!topo->cores)
		topo->cores = topo->n_cpus / topo->sockets ? topo->n_cpus / topo->sockets : 1;
	if (topo->threads < topo->cores)
		topo->threads = topo->cores;
}
