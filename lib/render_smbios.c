/* The firmware's tables as the kernel exports them in /sys/firmware/dmi/tables: an SMBIOS 3.2
 * structure table (BIOS, system, baseboard, chassis, processor, end of table) and the 64-bit entry
 * point that describes it, both binary, built from the identity's DMI strings; and the text the
 * kernel derives from them in /sys/class/dmi/id (modalias, uevent). Layouts: DMTF DSP0134 3.2. */
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define SMBIOS_MAJOR 3
#define SMBIOS_MINOR 2
/* Where UEFI firmware typically leaves the table; only shown ("Table at 0x...."), never read. */
#define TABLE_ADDRESS 0xbae8f000ULL

/* Structure types and their formatted lengths for SMBIOS 3.2. */
enum {
	TYPE_BIOS = 0,
	TYPE_SYSTEM = 1,
	TYPE_BASEBOARD = 2,
	TYPE_CHASSIS = 3,
	TYPE_PROCESSOR = 4,
	TYPE_END = 127,
};
#define LEN_BIOS      0x1a
#define LEN_SYSTEM    0x1b
#define LEN_BASEBOARD 0x0f
#define LEN_CHASSIS   0x16
#define LEN_PROCESSOR 0x30
#define LEN_END	      0x04

/* One structure being built: the formatted area, then its string set. */
struct smbios_struct {
	unsigned char f[64];
	const char *strings[8];
	int n_strings;
};

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, unsigned long v)
{
	put16(p, (unsigned)(v & 0xffff));
	put16(p + 2, (unsigned)(v >> 16));
}

static void put64(unsigned char *p, unsigned long long v)
{
	put32(p, (unsigned long)(v & 0xffffffffULL));
	put32(p + 4, (unsigned long)(v >> 32));
}

static void begin(struct smbios_struct *s, unsigned type, unsigned len, unsigned handle)
{
	memset(s, 0, sizeof(*s));
	s->f[0] = (unsigned char)type;
	s->f[1] = (unsigned char)len;
	put16(s->f + 2, handle);
}

/* Puts string `text` at `offset` of the formatted area: its number in the string set, or 0 (the
 * spec's "no string", which dmidecode shows as Not Specified) for an empty one. */
static void string_at(struct smbios_struct *s, unsigned offset, const char *text)
{
	if (!text[0]) {
		s->f[offset] = 0;
		return;
	}
	s->strings[s->n_strings++] = text;
	s->f[offset] = (unsigned char)s->n_strings;
}

/* The formatted area, each string NUL-terminated, and the set's closing NUL (two NULs when the set
 * is empty). */
static void emit(struct fn_buf *out, const struct smbios_struct *s)
{
	fn_buf_append(out, (const char *)s->f, s->f[1]);
	for (int i = 0; i < s->n_strings; i++)
		fn_buf_append(out, s->strings[i], strlen(s->strings[i]) + 1);
	if (!s->n_strings)
		fn_buf_append(out, "", 1);
	fn_buf_append(out, "", 1);
}

static void emit_bios(struct fn_buf *out, const struct fn_dmi *dmi, unsigned handle)
{
	/* PCI, upgradeable (flash), shadowing, boot from CD, selectable boot, EDD, 8042 keyboard
	 * services, serial and printer services, CGA/mono video services (bits 7 .. 29). */
	static const unsigned long long characteristics =
	    1ULL << 7 | 1ULL << 11 | 1ULL << 12 | 1ULL << 15 | 1ULL << 16 | 1ULL << 19 |
	    1ULL << 26 | 1ULL << 27 | 1ULL << 28 | 1ULL << 29;
	struct smbios_struct s;

	begin(&s, TYPE_BIOS, LEN_BIOS, handle);
	string_at(&s, 0x04, dmi->str[FN_DMI_BIOS_VENDOR]);
	string_at(&s, 0x05, dmi->str[FN_DMI_BIOS_VERSION]);
	put16(s.f + 0x06, 0xe800); /* runtime image at 0xE8000, 96 kB */
	string_at(&s, 0x08, dmi->str[FN_DMI_BIOS_DATE]);
	s.f[0x09] = 0xff; /* ROM size: see the extended size */
	put64(s.f + 0x0a, characteristics);
	s.f[0x12] = 0x03; /* ACPI, USB legacy */
	s.f[0x13] = 0x0d; /* BIOS boot specification, targeted content distribution, UEFI */
	/* No release numbers: the kernel then shows no bios_release, dmidecode no revision. */
	s.f[0x14] = 0xff;
	s.f[0x15] = 0xff;
	s.f[0x16] = 0xff;
	s.f[0x17] = 0xff;
	put16(s.f + 0x18, 16); /* 16 MB */
	emit(out, &s);
}

static void emit_system(struct fn_buf *out, const struct fn_dmi *dmi, unsigned handle)
{
	struct smbios_struct s;
	const uint8_t *u = dmi->uuid;

	begin(&s, TYPE_SYSTEM, LEN_SYSTEM, handle);
	string_at(&s, 0x04, dmi->str[FN_DMI_SYS_VENDOR]);
	string_at(&s, 0x05, dmi->str[FN_DMI_PRODUCT_NAME]);
	string_at(&s, 0x06, dmi->str[FN_DMI_PRODUCT_VERSION]);
	string_at(&s, 0x07, dmi->str[FN_DMI_PRODUCT_SERIAL]);
	/* Since SMBIOS 2.6 the first three fields are little-endian (the kernel and dmidecode both
	 * read them so). */
	for (int i = 0; i < 4; i++)
		s.f[0x08 + i] = u[3 - i];
	s.f[0x0c] = u[5];
	s.f[0x0d] = u[4];
	s.f[0x0e] = u[7];
	s.f[0x0f] = u[6];
	memcpy(s.f + 0x10, u + 8, 8);
	s.f[0x18] = 0x06; /* wake-up: power switch */
	string_at(&s, 0x19, dmi->str[FN_DMI_PRODUCT_SKU]);
	string_at(&s, 0x1a, dmi->str[FN_DMI_PRODUCT_FAMILY]);
	emit(out, &s);
}

/* The board sits in the chassis whose handle is `chassis`. */
static void emit_baseboard(struct fn_buf *out, const struct fn_dmi *dmi, unsigned handle,
			   unsigned chassis)
{
	struct smbios_struct s;

	begin(&s, TYPE_BASEBOARD, LEN_BASEBOARD, handle);
	string_at(&s, 0x04, dmi->str[FN_DMI_BOARD_VENDOR]);
	string_at(&s, 0x05, dmi->str[FN_DMI_BOARD_NAME]);
	string_at(&s, 0x06, dmi->str[FN_DMI_BOARD_VERSION]);
	string_at(&s, 0x07, dmi->str[FN_DMI_BOARD_SERIAL]);
	string_at(&s, 0x08, dmi->str[FN_DMI_BOARD_ASSET_TAG]);
	s.f[0x09] = 0x09;	 /* a hosting board, replaceable */
	string_at(&s, 0x0a, ""); /* location in chassis */
	put16(s.f + 0x0b, chassis);
	s.f[0x0d] = 0x0a; /* motherboard */
	s.f[0x0e] = 0;	  /* no contained objects */
	emit(out, &s);
}

static void emit_chassis(struct fn_buf *out, const struct fn_dmi *dmi, unsigned handle)
{
	struct smbios_struct s;

	begin(&s, TYPE_CHASSIS, LEN_CHASSIS, handle);
	string_at(&s, 0x04, dmi->str[FN_DMI_CHASSIS_VENDOR]);
	s.f[0x05] = (unsigned char)dmi->chassis_type; /* no lock */
	string_at(&s, 0x06, dmi->str[FN_DMI_CHASSIS_VERSION]);
	string_at(&s, 0x07, dmi->str[FN_DMI_CHASSIS_SERIAL]);
	string_at(&s, 0x08, dmi->str[FN_DMI_CHASSIS_ASSET_TAG]);
	/* Boot-up, power supply and thermal state safe; no security status. */
	s.f[0x09] = 0x03;
	s.f[0x0a] = 0x03;
	s.f[0x0b] = 0x03;
	s.f[0x0c] = 0x03;
	s.f[0x12] = 1; /* one power cord; no height, OEM value or contained elements */
	string_at(&s, 0x15, "");
	emit(out, &s);
}

/* Processor families (DSP0134 7.5.2) for the brand strings firmware most often describes;
 * dmidecode decodes the signature only for a family it knows to be Intel's or AMD's. */
static unsigned processor_family(const struct fn_cpu *cpu)
{
	static const struct {
		const char *needle;
		unsigned family;
	} brands[] = {
	    {"Core(TM) i3", 0xce}, {"Core(TM) i5", 0xcd}, {"Core(TM) i7", 0xc6},
	    {"Core(TM) i9", 0xcf}, {"Xeon", 0xb3},	  {"Celeron", 0x0f},
	    {"Pentium", 0x0b},	   {"Ryzen", 0x6b},	  {"EPYC", 0x6b},
	    {"Athlon", 0x66},
	};

	for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
		if (strstr(cpu->model_name, brands[i].needle))
			return brands[i].family;
	if (!strcmp(cpu->vendor, "AuthenticAMD"))
		return 0x6b; /* every current AMD core is a Zen */
	return 0x01;	     /* Other: what firmware writes for a brand the spec has no code for */
}

/* The firmware's name for the vendor cpuid reports (what real BIOSes write). */
static const char *processor_manufacturer(const struct fn_cpu *cpu)
{
	if (!strcmp(cpu->vendor, "GenuineIntel"))
		return "Intel(R) Corporation";
	if (!strcmp(cpu->vendor, "AuthenticAMD"))
		return "Advanced Micro Devices, Inc.";
	return cpu->vendor;
}

/* cpuid leaf 1's EAX, the processor signature: the family and model as /proc/cpuinfo shows them
 * split back into base and extended fields (Intel SDM vol. 2A, CPUID; AMD APM vol. 3). */
static unsigned long processor_signature(const struct fn_cpu *cpu)
{
	unsigned base_family = cpu->family < 15 ? cpu->family : 15;
	unsigned ext_family = cpu->family - base_family;

	return (unsigned long)(cpu->stepping & 0xf) | (unsigned long)(cpu->model & 0xf) << 4 |
	       (unsigned long)(base_family & 0xf) << 8 |
	       (unsigned long)(cpu->model >> 4 & 0xf) << 16 |
	       (unsigned long)(ext_family & 0xff) << 20;
}

/* The speed the brand string states ("... @ 1.90GHz"), in MHz; 0 (Unknown) when it states none. */
static unsigned brand_speed_mhz(const char *model_name)
{
	const char *at = strrchr(model_name, '@');
	char *end;
	double ghz;

	if (!at)
		return 0;
	ghz = strtod(at + 1, &end);
	if (end == at + 1 || strncmp(end, "GHz", 3) != 0 || ghz <= 0 || ghz > 10)
		return 0;
	return (unsigned)(ghz * 1000 + 0.5);
}

/* A count in the record's one-byte field: 0xff there means "see the word field" (SMBIOS 3.0). */
static unsigned char count_byte(unsigned n)
{
	return (unsigned char)(n > 254 ? 0xff : n);
}

/* The record of the processor in socket `socket` (0-based): the identification /proc/cpuinfo
 * shows, with the cores and threads cpuinfo gives each socket ("cpu cores", "siblings"). */
static void emit_processor(struct fn_buf *out, const struct smbios_cpu *shown, unsigned socket,
			   unsigned handle)
{
	const struct fn_cpu *cpu = shown->cpu;
	unsigned cores = shown->topo.cores, threads = shown->topo.threads;
	/* 64-bit capable, execute protection, enhanced virtualization, power/performance control
	 * (bits 2, 5, 6, 7); multi-core with more than one core (3), hardware threads with more
	 * threads than cores (4). */
	unsigned characteristics =
	    0x04 | 0x20 | 0x40 | 0x80 | (cores > 1 ? 0x08 : 0) | (threads > cores ? 0x10 : 0);
	/* cpuid leaf 1's EDX (feature flags) as the vendor's current processors report it. */
	unsigned long features = strcmp(cpu->vendor, "AuthenticAMD") ? 0xbfebfbffUL : 0x178bfbffUL;
	unsigned family = processor_family(cpu), speed = brand_speed_mhz(cpu->model_name);
	char designation[16];
	struct smbios_struct s;

	snprintf(designation, sizeof(designation), "CPU %u", socket + 1);
	begin(&s, TYPE_PROCESSOR, LEN_PROCESSOR, handle);
	string_at(&s, 0x04, designation);
	s.f[0x05] = 0x03; /* central processor */
	s.f[0x06] = (unsigned char)family;
	string_at(&s, 0x07, processor_manufacturer(cpu));
	put32(s.f + 0x08, processor_signature(cpu));
	put32(s.f + 0x0c, features);
	string_at(&s, 0x10, cpu->model_name);
	s.f[0x11] = 0x80 | 10;	/* 1.0 V */
	put16(s.f + 0x12, 100); /* external clock, MHz */
	if (!speed)
		speed = shown->mhz;
	put16(s.f + 0x14, speed);  /* max speed */
	put16(s.f + 0x16, speed);  /* current speed */
	s.f[0x18] = 0x41;	   /* socket populated, processor enabled */
	s.f[0x19] = 0x01;	   /* upgrade: other (soldered or unspecified) */
	put16(s.f + 0x1a, 0xffff); /* no cache structures */
	put16(s.f + 0x1c, 0xffff);
	put16(s.f + 0x1e, 0xffff);
	string_at(&s, 0x20, ""); /* serial, asset tag, part number */
	string_at(&s, 0x21, "");
	string_at(&s, 0x22, "");
	s.f[0x23] = count_byte(cores); /* core count, cores enabled, thread count */
	s.f[0x24] = count_byte(cores);
	s.f[0x25] = count_byte(threads);
	put16(s.f + 0x26, characteristics);
	put16(s.f + 0x28, family);
	put16(s.f + 0x2a, cores); /* the same three as words: SMBIOS 3.0 */
	put16(s.f + 0x2c, cores);
	put16(s.f + 0x2e, threads);
	emit(out, &s);
}

void render_smbios_table(const struct fn_identity *id, const struct smbios_cpu *cpu,
			 struct fn_buf *out)
{
	const struct fn_dmi *dmi = &id->system.dmi;
	struct smbios_struct end;
	unsigned handle = 0;

	/* Handles number the structures in table order, the end of table's too. */
	emit_bios(out, dmi, handle++);
	emit_system(out, dmi, handle++);
	emit_baseboard(out, dmi, handle, handle + 1);
	handle++;
	emit_chassis(out, dmi, handle++);
	for (unsigned socket = 0; cpu->cpu && socket < cpu->topo.sockets; socket++)
		emit_processor(out, cpu, socket, handle++);
	begin(&end, TYPE_END, LEN_END, handle);
	emit(out, &end);
}

void render_smbios_entry_point(size_t table_len, struct fn_buf *out)
{
	unsigned char ep[0x18] = "_SM3_";
	unsigned sum = 0;

	ep[0x06] = sizeof(ep);
	ep[0x07] = SMBIOS_MAJOR;
	ep[0x08] = SMBIOS_MINOR;
	ep[0x09] = 0; /* docrev */
	ep[0x0a] = 1; /* entry point revision: SMBIOS 3.0 */
	put32(ep + 0x0c, (unsigned long)table_len);
	put64(ep + 0x10, TABLE_ADDRESS);
	for (size_t i = 0; i < sizeof(ep); i++)
		sum += ep[i];
	ep[0x05] = (unsigned char)(0x100 - (sum & 0xff));
	fn_buf_append(out, (const char *)ep, sizeof(ep));
}

/* The kernel's modalias keeps printable bytes other than ' ' and ':' of each field. */
static void modalias_field(struct fn_buf *out, const char *prefix, const char *value)
{
	fn_buf_printf(out, ":%s", prefix);
	for (const char *p = value; *p; p++)
		if (*p > ' ' && *p < 127 && *p != ':')
			fn_buf_append(out, p, 1);
}

void render_dmi_modalias(const struct fn_identity *id, struct fn_buf *out)
{
	static const struct {
		const char *prefix;
		int field; /* -1: the chassis type */
	} fields[] = {
	    {"bvn", FN_DMI_BIOS_VENDOR},
	    {"bvr", FN_DMI_BIOS_VERSION},
	    {"bd", FN_DMI_BIOS_DATE},
	    {"svn", FN_DMI_SYS_VENDOR},
	    {"pn", FN_DMI_PRODUCT_NAME},
	    {"pvr", FN_DMI_PRODUCT_VERSION},
	    {"rvn", FN_DMI_BOARD_VENDOR},
	    {"rn", FN_DMI_BOARD_NAME},
	    {"rvr", FN_DMI_BOARD_VERSION},
	    {"cvn", FN_DMI_CHASSIS_VENDOR},
	    {"ct", -1},
	    {"cvr", FN_DMI_CHASSIS_VERSION},
	    {"sku", FN_DMI_PRODUCT_SKU},
	};
	const struct fn_dmi *dmi = &id->system.dmi;
	char type[8];

	snprintf(type, sizeof(type), "%u", dmi->chassis_type);
	fn_buf_puts(out, "dmi");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		modalias_field(out, fields[i].prefix,
			       fields[i].field < 0 ? type : dmi->str[fields[i].field]);
	fn_buf_puts(out, ":\n");
}
