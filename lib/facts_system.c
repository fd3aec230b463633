/* The `system:` facts of the CPU and the disks ("system.cpu.vendor", "system.disks.names",
 * "system.disks.partitions", "system.disks[sda].serial"), for `fakenet check`'s probes. */
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "render_disks.h"
#include "util.h"

static int cpu_fact(const struct fn_cpu *cpu, const char *attr, struct fn_strv *out)
{
	char num[16];
	unsigned v;

	if (strcmp(attr, "vendor") == 0)
		fn_strv_push(out, cpu->vendor);
	else if (strcmp(attr, "model_name") == 0)
		fn_strv_push(out, cpu->model_name);
	else if (strcmp(attr, "family") == 0 || strcmp(attr, "model") == 0 ||
		 strcmp(attr, "stepping") == 0) {
		v = attr[0] == 'f' ? cpu->family : attr[0] == 'm' ? cpu->model : cpu->stepping;
		snprintf(num, sizeof(num), "%u", v);
		fn_strv_push(out, num);
	} else
		return -1;
	return 0;
}

static int disk_fact(const struct fn_disk *d, const char *attr, struct fn_strv *out)
{
	char num[32];

	if (strcmp(attr, "model") == 0)
		fn_strv_push(out, d->model);
	else if (strcmp(attr, "serial") == 0)
		fn_strv_push(out, d->serial);
	else if (strcmp(attr, "firmware") == 0)
		fn_strv_push(out, d->firmware);
	else if (strcmp(attr, "size") == 0 || strcmp(attr, "sectors") == 0) {
		snprintf(num, sizeof(num), "%llu",
			 (unsigned long long)(attr[1] == 'i' ? d->size : d->size / 512));
		fn_strv_push(out, num);
	} else
		return -1;
	return 0;
}

/* disks[NAME].ATTR (after "system.") */
static int indexed_disk_fact(const struct fn_system *sys, const char *name, struct fn_strv *out,
			     char **why)
{
	const char *open = name + strlen("disks["), *close = strstr(open, "].");

	if (!close)
		return -1;
	for (size_t i = 0; i < sys->n_disks; i++) {
		const struct fn_disk *d = &sys->disks[i];

		if (strlen(d->name) == (size_t)(close - open) &&
		    strncmp(d->name, open, (size_t)(close - open)) == 0)
			return disk_fact(d, close + 2, out);
	}
	*why = xasprintf("the identity has no disk '%.*s'", (int)(close - open), open);
	return 1;
}

/* The partitions' names, in the order /proc/partitions lists them; `with_disks`: each disk's
 * own name before its partitions'. */
static void disk_devices(const struct fn_system *sys, bool with_disks, struct fn_strv *out)
{
	char name[FN_DISK_NAMSIZ + 8];

	for (size_t i = 0; i < sys->n_disks; i++)
		for (unsigned k = with_disks ? 0 : 1; k <= sys->disks[i].n_parts; k++) {
			fn_disk_partition_name(sys->disks[i].name, k, name, sizeof(name));
			fn_strv_push(out, name);
		}
}

int fn_fact_system(const struct fn_identity *id, const char *name, struct fn_strv *out, char **why)
{
	const struct fn_system *sys = &id->system;
	const char *key = strncmp(name, "system.", 7) == 0 ? name + 7 : "";
	int r;

	if (strncmp(key, "cpu.", 4) == 0)
		r = cpu_fact(&sys->cpu, key + 4, out);
	else if (strcmp(key, "disks.names") == 0) {
		for (size_t i = 0; i < sys->n_disks; i++)
			fn_strv_push(out, sys->disks[i].name);
		r = 0;
	} else if (strcmp(key, "disks.partitions") == 0 || strcmp(key, "disks.devices") == 0) {
		disk_devices(sys, key[6] == 'd', out);
		r = 0;
	} else if (strncmp(key, "disks[", 6) == 0) {
		r = indexed_disk_fact(sys, key, out, why);
		if (r > 0)
			return -1;
	} else
		r = -1;
	if (r < 0)
		*why = xasprintf("unknown identity fact '%s'", name);
	return r;
}
