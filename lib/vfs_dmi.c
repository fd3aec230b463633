/* The machine's firmware identity in the virtual tree, as the kernel exports it: the DMI strings in
 * /sys/devices/virtual/dmi/id (reached through the /sys/class/dmi/id link) and the SMBIOS tables
 * in /sys/firmware/dmi/tables, all from the identity's `system.dmi`. */
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "render.h"
#include "render_cpuinfo.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

#define DMI_DEVICE_DIR "/sys/devices/virtual/dmi/id"

/* The attributes holding a serial or the UUID are the kernel's only root-only ones. */
static mode_t dmi_mode(int field)
{
	switch (field) {
	case FN_DMI_PRODUCT_SERIAL:
	case FN_DMI_BOARD_SERIAL:
	case FN_DMI_CHASSIS_SERIAL:
		return 0400;
	default:
		return 0444;
	}
}

static void add_text(struct fn_vfs *vfs, struct fn_node *dir, const char *name, mode_t mode,
		     char *text)
{
	fn_vfs_add_file(vfs, dir, name, mode, FN_FILE_SYSFS, text, strlen(text));
}

static void build_dmi_id(struct fn_vfs *vfs, const struct fn_identity *id)
{
	const struct fn_dmi *dmi = &id->system.dmi;
	struct fn_node *dir = fn_vfs_mkdir_p(vfs, DMI_DEVICE_DIR);
	char *modalias, uuid[FN_UUID_STRLEN];
	struct fn_buf b;
	size_t len;

	for (int i = 0; i < FN_DMI_N_STRINGS; i++)
		add_text(vfs, dir, fn_dmi_names[i], dmi_mode(i), xasprintf("%s\n", dmi->str[i]));
	add_text(vfs, dir, "product_uuid", 0400, xasprintf("%s\n", fn_dmi_uuid_text(dmi, uuid)));
	add_text(vfs, dir, "chassis_type", 0444, xasprintf("%u\n", dmi->chassis_type));
	fn_buf_init(&b);
	render_dmi_modalias(id, &b);
	modalias = fn_buf_steal(&b, &len);
	add_text(vfs, dir, "uevent", 0644, xasprintf("MODALIAS=%s", modalias));
	fn_vfs_add_file(vfs, dir, "modalias", 0444, FN_FILE_SYSFS, modalias, len);
	fn_vfs_add_dir(vfs, dir, "power", 0755);
	fn_vfs_add_link(vfs, dir, "subsystem", "../../../../class/dmi");
	fn_vfs_add_link(vfs, fn_vfs_mkdir_p(vfs, "/sys/class/dmi"), "id",
			"../../devices/virtual/dmi/id");
}

/* The processor /proc/cpuinfo shows inside (the identity's, else the host's first), the host's
 * topology and clock, for the SMBIOS processor records (render.h). */
static void shown_cpu(const struct fn_identity *id, struct fn_cpu *host_cpu,
		      struct smbios_cpu *shown)
{
	char *text = NULL, mhz[32];
	size_t len = 0;

	shown->cpu = id->system.cpu.given ? &id->system.cpu : NULL;
	shown->mhz = 0;
	if (fn_read_file("/proc/cpuinfo", &text, &len, 1 << 22) != 0) {
		free(text);
		fn_cpu_topology(NULL, 0, &shown->topo);
		return;
	}
	fn_cpu_topology(text, len, &shown->topo);
	if (cpuinfo_first_value(text, len, "cpu MHz", mhz, sizeof(mhz)))
		shown->mhz = (unsigned)(strtod(mhz, NULL) + 0.5);
	if (!shown->cpu && cpuinfo_first_processor(text, len, host_cpu))
		shown->cpu = host_cpu;
	free(text);
}

static void build_tables(struct fn_vfs *vfs, const struct fn_identity *id)
{
	struct fn_node *dir = fn_vfs_mkdir_p(vfs, "/sys/firmware/dmi/tables");
	struct fn_buf table, entry;
	size_t table_len, entry_len;
	struct smbios_cpu shown;
	struct fn_cpu host_cpu;
	char *t, *e;

	shown_cpu(id, &host_cpu, &shown);
	fn_buf_init(&table);
	render_smbios_table(id, &shown, &table);
	t = fn_buf_steal(&table, &table_len);
	fn_buf_init(&entry);
	render_smbios_entry_point(table_len, &entry);
	e = fn_buf_steal(&entry, &entry_len);
	fn_vfs_add_file(vfs, dir, "smbios_entry_point", 0400, FN_FILE_SYSFS_BIN, e, entry_len);
	fn_vfs_add_file(vfs, dir, "DMI", 0400, FN_FILE_SYSFS_BIN, t, table_len);
}

void fn_vfs_build_dmi(struct fn_vfs *vfs, const struct fn_identity *id)
{
	build_dmi_id(vfs, id);
	build_tables(vfs, id);
}
