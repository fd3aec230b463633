/* Identity reader, `system:`: the machine id, DMI strings, CPU identification and disks. Checks
 * each value's form and fills in what the file leaves out, so that every view renders from a
 * complete model and nothing of the host's own machine shows through. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity_internal.h"
#include "util.h"

const char *const fn_dmi_names[FN_DMI_N_STRINGS + 1] = {
    [FN_DMI_BIOS_VENDOR] = "bios_vendor",
    [FN_DMI_BIOS_VERSION] = "bios_version",
    [FN_DMI_BIOS_DATE] = "bios_date",
    [FN_DMI_SYS_VENDOR] = "sys_vendor",
    [FN_DMI_PRODUCT_NAME] = "product_name",
    [FN_DMI_PRODUCT_VERSION] = "product_version",
    [FN_DMI_PRODUCT_SERIAL] = "product_serial",
    [FN_DMI_PRODUCT_SKU] = "product_sku",
    [FN_DMI_PRODUCT_FAMILY] = "product_family",
    [FN_DMI_BOARD_VENDOR] = "board_vendor",
    [FN_DMI_BOARD_NAME] = "board_name",
    [FN_DMI_BOARD_VERSION] = "board_version",
    [FN_DMI_BOARD_SERIAL] = "board_serial",
    [FN_DMI_BOARD_ASSET_TAG] = "board_asset_tag",
    [FN_DMI_CHASSIS_VENDOR] = "chassis_vendor",
    [FN_DMI_CHASSIS_VERSION] = "chassis_version",
    [FN_DMI_CHASSIS_SERIAL] = "chassis_serial",
    [FN_DMI_CHASSIS_ASSET_TAG] = "chassis_asset_tag",
    [FN_DMI_N_STRINGS] = NULL,
};

/* What a `dmi:` that names nothing looks like: an ASUS desktop board, which fills the system and
 * chassis strings with its vendor's placeholders (as such boards really do). */
static const char *const dmi_defaults[FN_DMI_N_STRINGS] = {
    [FN_DMI_BIOS_VENDOR] = "American Megatrends Inc.",
    [FN_DMI_BIOS_VERSION] = "3211",
    [FN_DMI_BIOS_DATE] = "08/10/2021",
    [FN_DMI_SYS_VENDOR] = "System manufacturer",
    [FN_DMI_PRODUCT_NAME] = "System Product Name",
    [FN_DMI_PRODUCT_VERSION] = "System Version",
    [FN_DMI_PRODUCT_SERIAL] = "System Serial Number",
    [FN_DMI_PRODUCT_SKU] = "SKU",
    [FN_DMI_PRODUCT_FAMILY] = "To be filled by O.E.M.",
    [FN_DMI_BOARD_VENDOR] = "ASUSTeK COMPUTER INC.",
    [FN_DMI_BOARD_NAME] = "PRIME B450M-A",
    [FN_DMI_BOARD_VERSION] = "Rev X.0x",
    [FN_DMI_BOARD_SERIAL] = "", /* derived: see dmi_defaults_fill */
    [FN_DMI_BOARD_ASSET_TAG] = "Default string",
    [FN_DMI_CHASSIS_VENDOR] = "Default string",
    [FN_DMI_CHASSIS_VERSION] = "Default string",
    [FN_DMI_CHASSIS_SERIAL] = "Default string",
    [FN_DMI_CHASSIS_ASSET_TAG] = "Default string",
};
#define DEFAULT_CHASSIS_TYPE 3 /* Desktop */

static const char *const system_keys[] = {"machine_id", "dmi", "cpu", "disks", NULL};
static const char *const cpu_keys[] = {"vendor", "model_name", "family", "model", "stepping", NULL};
static const char *const disk_keys[] = {"name",	    "model",	  "serial", "size",
					"firmware", "partitions", NULL};

/* ---------------------------------------------------------------- derived defaults */

/* FNV-1a, 64 bits: a stable digest of the identity for the values it does not give. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* 16 bytes from `seed` and the identity's hostname and MACs: the same identity always gives the
 * same bytes, another identity other ones. */
static void identity_digest(const struct fn_identity *id, const char *seed, uint8_t out[16])
{
	uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};

	for (int k = 0; k < 2; k++) {
		h[k] = fnv1a(h[k], seed, strlen(seed));
		h[k] = fnv1a(h[k], id->hostname, strlen(id->hostname));
		for (size_t i = 0; i < id->n_ifaces; i++)
			h[k] = fnv1a(h[k], id->ifaces[i].mac.b, sizeof(id->ifaces[i].mac.b));
		h[k] = fnv1a(h[k], &k, sizeof(k));
	}
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
}

/* A random-looking version 4 UUID, as systemd makes machine ids and firmware makes UUIDs. */
void ident_derive_uuid(const struct fn_identity *id, const char *seed, uint8_t out[16])
{
	identity_digest(id, seed, out);
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

static void derive_machine_id(const struct fn_identity *id, char out[FN_MACHINE_ID_LEN + 1])
{
	uint8_t b[16];

	ident_derive_uuid(id, "machine-id", b);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* What `dmi:` leaves out: the vendor of the system names the board's and the chassis', the
 * product names the board, its serial the chassis'; the rest is dmi_defaults, and the board
 * serial and UUID are derived so that two identities never share them. */
static void dmi_defaults_fill(const struct fn_identity *id, struct fn_dmi *dmi, const bool *given)
{
	static const struct {
		enum fn_dmi_string to, from;
	} follow[] = {
	    {FN_DMI_BOARD_VENDOR, FN_DMI_SYS_VENDOR},
	    {FN_DMI_CHASSIS_VENDOR, FN_DMI_SYS_VENDOR},
	    {FN_DMI_BOARD_NAME, FN_DMI_PRODUCT_NAME},
	    {FN_DMI_CHASSIS_SERIAL, FN_DMI_PRODUCT_SERIAL},
	};
	uint8_t b[16];

	for (size_t i = 0; i < N_ELEMENTS(follow); i++)
		if (!given[follow[i].to] && given[follow[i].from])
			memcpy(dmi->str[follow[i].to], dmi->str[follow[i].from],
			       sizeof(dmi->str[0]));
	for (int i = 0; i < FN_DMI_N_STRINGS; i++)
		if (!given[i] && !dmi->str[i][0])
			snprintf(dmi->str[i], sizeof(dmi->str[i]), "%s", dmi_defaults[i]);
	if (!given[FN_DMI_BOARD_SERIAL]) {
		identity_digest(id, "board-serial", b);
		snprintf(dmi->str[FN_DMI_BOARD_SERIAL], sizeof(dmi->str[0]), "%015llu",
			 (unsigned long long)((b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
					       (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 |
					       (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48) %
					      1000000000000000ULL));
	}
	if (!given[FN_DMI_N_STRINGS])
		ident_derive_uuid(id, "product-uuid", dmi->uuid);
	if (!dmi->chassis_type)
		dmi->chassis_type = DEFAULT_CHASSIS_TYPE;
}

/* ---------------------------------------------------------------- values */

/* Printable ASCII of at most `max` characters, copied into `out` (of max + 1 bytes). */
static bool get_ascii(struct ctx *c, const struct ynode *n, const char *path, size_t max,
		      bool empty_ok, char *out)
{
	const char *s;
	size_t len;

	/* Read as written: a product name may well look like a number to YAML ("20L7S0PN00" does
	 * not, "3211" does). */
	if (n->type == YN_SCALAR && n->plain && n->len == 0 && empty_ok) {
		out[0] = '\0';
		return true;
	}
	if (!get_text(c, n, path, "a string", &s))
		return false;
	len = strlen(s);
	if (len > max) {
		err(c, n, "%s: %s is %zu characters long; the limit is %zu", path, SHOWN(s), len,
		    max);
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			err(c, n, "%s: %s contains byte 0x%02x (only printable ASCII is allowed)",
			    path, SHOWN(s), (unsigned char)*p);
			return false;
		}
	}
	if (!empty_ok && len == 0) {
		err(c, n, "%s: it is empty", path);
		return false;
	}
	memcpy(out, s, len + 1);
	return true;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool all_same(const uint8_t *b, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

static void parse_machine_id(struct ctx *c, const struct ynode *n)
{
	struct fn_system *sys = &c->id->system;
	const char *s;
	size_t len;

	if (!get_text(c, n, "system.machine_id", "32 lowercase hexadecimal digits", &s))
		return;
	len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
			err(c, n,
			    "system.machine_id: %s is not a machine id: %s at position %zu "
			    "(expected "
			    "32 lowercase hexadecimal digits)",
			    SHOWN(s),
			    isxdigit((unsigned char)s[i]) ? "an uppercase letter"
							  : "not a hex digit",
			    i + 1);
			return;
		}
	}
	if (len != FN_MACHINE_ID_LEN) {
		err(c, n,
		    "system.machine_id: %s is not a machine id: %zu digits (expected 32 lowercase "
		    "hexadecimal digits)",
		    SHOWN(s), len);
		return;
	}
	if (strspn(s, "0") == len) {
		err(c, n, "system.machine_id: all zeros is not a machine id (systemd refuses it)");
		return;
	}
	memcpy(sys->machine_id, s, len + 1);
	sys->machine_id_given = true;
}

/* 8-4-4-4-12 hexadecimal digits, either case; the kernel shows it in lowercase. */
static bool get_uuid(struct ctx *c, const struct ynode *n, const char *path, uint8_t out[16])
{
	const char *s;
	size_t k = 0;

	if (!get_text(c, n, path, "a UUID", &s))
		return false;
	for (size_t i = 0; s[i] && k < 32; i++) {
		bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash_here != (s[i] == '-') || (!dash_here && hex_value(s[i]) < 0))
			break;
		if (dash_here)
			continue;
		out[k / 2] = (uint8_t)(k % 2 ? out[k / 2] | hex_value(s[i]) : hex_value(s[i]) << 4);
		k++;
	}
	if (k != 32 || strlen(s) != 36) {
		err(c, n,
		    "%s: %s is not a UUID (expected 8-4-4-4-12 hexadecimal digits like "
		    "4c4c4544-0042-3510-8052-b4c04f4e4d32)",
		    path, SHOWN(s));
		return false;
	}
	/* The kernel and dmidecode read these two as "not present" and "not settable". */
	if (all_same(out, 16, 0x00) || all_same(out, 16, 0xff)) {
		err(c, n, "%s: %s is SMBIOS's marker for a missing UUID, not a UUID", path,
		    SHOWN(s));
		return false;
	}
	return true;
}

/* MM/DD/YYYY, the form SMBIOS requires of the BIOS release date. */
static bool get_bios_date(struct ctx *c, const struct ynode *n, const char *path, char *out)
{
	unsigned mm, dd, yyyy;
	int used = 0;

	if (!get_ascii(c, n, path, FN_DMI_STRLEN, false, out))
		return false;
	if (sscanf(out, "%2u/%2u/%4u%n", &mm, &dd, &yyyy, &used) == 3 && used == 10 &&
	    out[2] == '/' && out[5] == '/' && mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31 &&
	    yyyy >= 1980)
		return true;
	err(c, n, "%s: %s is not a date of the form MM/DD/YYYY (like 03/17/2022)", path,
	    SHOWN(out));
	out[0] = '\0';
	return false;
}

static void parse_dmi(struct ctx *c, const struct ynode *map)
{
	struct fn_dmi *dmi = &c->id->system.dmi;
	/* One more slot: the UUID. */
	bool given[FN_DMI_N_STRINGS + 1] = {false};
	const char *keys[FN_DMI_N_STRINGS + 3];
	char p[PATH_SIZE];
	const struct ynode *n;
	long long v;

	for (int i = 0; i < FN_DMI_N_STRINGS; i++)
		keys[i] = fn_dmi_names[i];
	keys[FN_DMI_N_STRINGS] = "product_uuid";
	keys[FN_DMI_N_STRINGS + 1] = "chassis_type";
	keys[FN_DMI_N_STRINGS + 2] = NULL;
	if (map && !is_null(map) &&
	    check_map(c, map, "system.dmi", "a mapping of DMI strings", keys)) {
		for (int i = 0; i < FN_DMI_N_STRINGS; i++) {
			n = ident_map_get(map, keys[i]);
			ident_join(p, sizeof(p), "system.dmi", keys[i]);
			if (n && i == FN_DMI_BIOS_DATE)
				given[i] = get_bios_date(c, n, p, dmi->str[i]);
			else if (n)
				given[i] = get_ascii(c, n, p, FN_DMI_STRLEN, true, dmi->str[i]);
		}
		n = ident_map_get(map, "product_uuid");
		if (n)
			given[FN_DMI_N_STRINGS] =
			    get_uuid(c, n, "system.dmi.product_uuid", dmi->uuid);
		n = ident_map_get(map, "chassis_type");
		if (n && get_int(c, n, "system.dmi.chassis_type", 1, FN_CHASSIS_TYPE_MAX, &v))
			dmi->chassis_type = (unsigned)v;
	}
	dmi_defaults_fill(c->id, dmi, given);
}

static void parse_cpu(struct ctx *c, const struct ynode *map)
{
	struct fn_cpu *cpu = &c->id->system.cpu;
	static const long long max[] = {255 + 15, 255, 15}; /* family, model, stepping */
	unsigned *slots[] = {&cpu->family, &cpu->model, &cpu->stepping};
	const struct ynode *n;
	char p[PATH_SIZE];
	bool ok = true;
	long long v;

	if (is_null(map) ||
	    !check_map(c, map, "system.cpu",
		       "a mapping (vendor, model_name, family, model, stepping)", cpu_keys))
		return;
	n = map_need(c, map, "system.cpu", "vendor");
	ok = n && get_ascii(c, n, "system.cpu.vendor", FN_CPU_VENDOR_LEN, false, cpu->vendor);
	n = map_need(c, map, "system.cpu", "model_name");
	if (!n ||
	    !get_ascii(c, n, "system.cpu.model_name", FN_CPU_MODEL_LEN, false, cpu->model_name))
		ok = false;
	for (size_t i = 0; i < N_ELEMENTS(slots); i++) {
		n = map_need(c, map, "system.cpu", cpu_keys[2 + i]);
		if (!n || !get_int(c, n, ident_join(p, sizeof(p), "system.cpu", cpu_keys[2 + i]), 0,
				   max[i], &v))
			ok = false;
		else
			*slots[i] = (unsigned)v;
	}
	cpu->given = ok;
}

/* sdX (sda .. sdzz, as the sd driver names them) or nvmeXnY (controller X, namespace Y >= 1). */
static bool disk_name_kind(const char *s, enum fn_disk_kind *kind)
{
	size_t letters;
	char *end;

	if (strncmp(s, "sd", 2) == 0) {
		letters = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz");
		*kind = FN_DISK_SCSI;
		return letters >= 1 && letters <= 2 && s[2 + letters] == '\0';
	}
	if (strncmp(s, "nvme", 4) != 0 || !isdigit((unsigned char)s[4]))
		return false;
	*kind = FN_DISK_NVME;
	if (strtoul(s + 4, &end, 10) > 255 || (s[4] == '0' && isdigit((unsigned char)s[5])) ||
	    *end != 'n' || !isdigit((unsigned char)end[1]) || end[1] == '0')
		return false;
	return strtoul(end + 1, &end, 10) <= 1024 && *end == '\0';
}

static bool parse_disk_name(struct ctx *c, const struct ynode *map, const char *path,
			    struct fn_disk *d)
{
	const struct ynode *n = map_need(c, map, path, "name");
	char p[PATH_SIZE];
	const char *s;

	ident_join(p, sizeof(p), path, "name");
	if (!n || !get_string(c, n, p, &s))
		return false;
	if (strlen(s) >= sizeof(d->name) || !disk_name_kind(s, &d->kind)) {
		err(c, n,
		    "%s: %s is not a disk name (expected sdX like sda, or nvmeXnY like nvme0n1)", p,
		    SHOWN(s));
		return false;
	}
	snprintf(d->name, sizeof(d->name), "%s", s);
	/* The node's text outlives a disk refused for another reason: its name still repeats. */
	ident_note(&c->disks, n->text, n, p);
	return true;
}

static bool parse_disk_size(struct ctx *c, const struct ynode *map, const char *path,
			    struct fn_disk *d)
{
	const struct ynode *n = map_need(c, map, path, "size");
	char p[PATH_SIZE];
	long long v;

	ident_join(p, sizeof(p), path, "size");
	if (!n || !get_int(c, n, p, FN_DISK_MIN_SIZE, FN_DISK_MAX_SIZE, &v))
		return false;
	if (v % 512) {
		err(c, n, "%s: %lld bytes is not a whole number of 512-byte sectors", p, v);
		return false;
	}
	d->size = (uint64_t)v;
	return true;
}

static bool parse_disk(struct ctx *c, const struct ynode *map, const char *path, struct fn_disk *d)
{
	struct {
		const char *key;
		size_t max;
		char *out;
	} strings[] = {
	    {"model", FN_DISK_MODEL_LEN, d->model},
	    {"serial", FN_DISK_SERIAL_LEN, d->serial},
	    {"firmware", FN_DISK_FW_LEN, d->firmware},
	};
	char p[PATH_SIZE];
	bool ok;

	d->loc.line = map->line;
	d->loc.column = map->column;
	if (!check_map(c, map, path, "a mapping (name, model, serial, size, firmware, partitions)",
		       disk_keys))
		return false;
	ok = parse_disk_name(c, map, path, d);
	for (size_t i = 0; i < N_ELEMENTS(strings); i++) {
		const struct ynode *n = map_need(c, map, path, strings[i].key);

		if (!n || !get_ascii(c, n, ident_join(p, sizeof(p), path, strings[i].key),
				     strings[i].max, false, strings[i].out))
			ok = false;
	}
	if (!parse_disk_size(c, map, path, d))
		return false;
	/* The partitions are read once the disk's size, which they must fit, is known. */
	return ident_parse_partitions(c, ident_map_get(map, "partitions"), path, d) && ok;
}

static void parse_disks(struct ctx *c, const struct ynode *list)
{
	struct fn_system *sys = &c->id->system;
	char p[PATH_SIZE];

	if (!get_list(c, list, "system.disks", "a list of disks"))
		return;
	sys->disks = xcalloc(ident_list_len(list), sizeof(*sys->disks));
	for (size_t i = 0; i < ident_list_len(list); i++) {
		struct fn_disk *d = &sys->disks[sys->n_disks];

		ident_index_path(p, sizeof(p), "system.disks", i);
		if (parse_disk(c, list->kids[i], p, d))
			sys->n_disks++;
		else
			memset(d, 0, sizeof(*d));
	}
	ident_check_disks_unique(c);
}

void ident_parse_system(struct ctx *c, const struct ynode *n)
{
	const struct ynode *v;
	bool ok = n && !is_null(n) &&
		  check_map(c, n, "system", "a mapping (machine_id, dmi, cpu, disks)", system_keys);

	if (ok && (v = ident_map_get(n, "machine_id")))
		parse_machine_id(c, v);
	if (!c->id->system.machine_id_given)
		derive_machine_id(c->id, c->id->system.machine_id);
	parse_dmi(c, ok ? ident_map_get(n, "dmi") : NULL);
	if (ok && (v = ident_map_get(n, "cpu")))
		parse_cpu(c, v);
	if (ok && (v = ident_map_get(n, "disks")))
		parse_disks(c, v);
}
