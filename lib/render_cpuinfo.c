/* /proc/cpuinfo: the host's text with the identity's identification lines (render_cpuinfo.h). The
 * cpuid instruction itself is answered by the processor, never by a file: it cannot be faked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_cpuinfo.h"

/* The value the identity gives for an x86 cpuinfo key, or NULL for a line that stays the host's. */
static const char *identity_value(const struct fn_cpu *cpu, const char *key, size_t key_len,
				  char *num, size_t num_len)
{
	static const char *const keys[] = {"vendor_id", "cpu family", "model", "model name",
					   "stepping"};
	unsigned values[] = {0, cpu->family, cpu->model, 0, cpu->stepping};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i]) != key_len || strncmp(keys[i], key, key_len) != 0)
			continue;
		if (i == 0)
			return cpu->vendor;
		if (i == 3)
			return cpu->model_name;
		snprintf(num, num_len, "%u", values[i]);
		return num;
	}
	return NULL;
}

const char *cpuinfo_key(const char *line, size_t len, size_t *key_len)
{
	const char *colon = memchr(line, ':', len);

	if (!colon)
		return NULL;
	/* The key is padded with tabs before the colon ("model\t\t: 142"). */
	*key_len = (size_t)(colon - line);
	while (*key_len && (line[*key_len - 1] == '\t' || line[*key_len - 1] == ' '))
		(*key_len)--;
	return colon;
}

/* One line of the host's file (without its newline), rewritten when its key is one of ours. */
static void rewrite_line(const struct fn_cpu *cpu, const char *line, size_t len, struct fn_buf *out)
{
	const char *colon, *value;
	size_t key_len;
	char num[16];

	colon = cpuinfo_key(line, len, &key_len);
	if (!colon) {
		fn_buf_append(out, line, len);
		return;
	}
	value = identity_value(cpu, line, key_len, num, sizeof(num));
	if (!value) {
		fn_buf_append(out, line, len);
		return;
	}
	fn_buf_append(out, line, (size_t)(colon - line) + 1);
	fn_buf_printf(out, " %s", value);
}

bool cpuinfo_first_value(const char *host, size_t len, const char *key, char *dst, size_t size)
{
	size_t pos = 0, key_len = strlen(key);

	while (pos < len) {
		const char *line = host + pos, *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos, k, v;
		const char *colon = cpuinfo_key(line, line_len, &k);

		pos += line_len + 1;
		if (!line_len)
			return false; /* the end of the first processor's block */
		if (!colon)
			continue;
		if (k != key_len || strncmp(line, key, k) != 0)
			continue;
		v = (size_t)(colon + 1 - line);
		v += v < line_len && line[v] == ' ';
		snprintf(dst, size, "%.*s", (int)(line_len - v), line + v);
		return true;
	}
	return false;
}

bool cpuinfo_first_processor(const char *host, size_t len, struct fn_cpu *cpu)
{
	char num[3][16];
	unsigned *slots[] = {&cpu->family, &cpu->model, &cpu->stepping};
	static const char *const keys[] = {"cpu family", "model", "stepping"};

	memset(cpu, 0, sizeof(*cpu));
	if (!cpuinfo_first_value(host, len, "vendor_id", cpu->vendor, sizeof(cpu->vendor)) ||
	    !cpuinfo_first_value(host, len, "model name", cpu->model_name, sizeof(cpu->model_name)))
		return false;
	for (size_t i = 0; i < 3; i++) {
		if (!cpuinfo_first_value(host, len, keys[i], num[i], sizeof(num[i])))
			return false;
		*slots[i] = (unsigned)strtoul(num[i], NULL, 10);
	}
	cpu->given = true;
	return true;
}

void render_cpuinfo(const struct fn_cpu *cpu, const char *host, size_t len, struct fn_buf *out)
{
	size_t pos = 0;

	while (pos < len) {
		const char *line = host + pos, *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;

		if (cpu->given)
			rewrite_line(cpu, line, line_len, out);
		else
			fn_buf_append(out, line, line_len);
		if (nl)
			fn_buf_append(out, "\n", 1);
		pos += line_len + (nl ? 1 : 0);
	}
}
