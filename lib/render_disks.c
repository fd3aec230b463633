/* The identity's disks as the kernel, udev and the drive show them (render_disks.h). SATA disks
 * sit behind an AHCI controller at 0000:00:17.0, one ATA port each; NVMe controllers behind root
 * ports at 0000:00:1d.N, as on the laptops the identities describe. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "derive.h"
#include "render_disks.h"

/* sda -> 0, sdz -> 25, sdaa -> 26: the kernel's sd_format_disk_name in reverse. */
static unsigned sd_index(const char *name)
{
	unsigned idx = 0;

	for (const char *p = name + 2; *p; p++)
		idx = (idx + (p == name + 2 ? 0 : 1)) * 26 + (unsigned)(*p - 'a');
	return idx;
}

/* nvme3n1 -> controller 3, namespace 1. */
static void nvme_numbers(const char *name, unsigned *ctrl, unsigned *ns)
{
	*ctrl = *ns = 0;
	sscanf(name, "nvme%un%u", ctrl, ns);
}

void fn_disk_place(const struct fn_system *sys, size_t i, struct fn_disk_place *out)
{
	const struct fn_disk *d = &sys->disks[i];

	memset(out, 0, sizeof(*out));
	if (d->kind == FN_DISK_SCSI) {
		unsigned h = sd_index(d->name);

		out->major = FN_SD_MAJOR;
		out->minor = h * FN_SD_MINORS;
		out->port = h + 1;
		snprintf(out->pci, sizeof(out->pci), "0000:00:17.0");
		snprintf(out->device, sizeof(out->device),
			 "devices/pci0000:00/%s/ata%u/host%u/target%u:0:0/%u:0:0:0", out->pci,
			 out->port, h, h, h);
		snprintf(out->block, sizeof(out->block), "%s/block/%s", out->device, d->name);
		return;
	}
	unsigned ctrl, ns, nth = 0;

	nvme_numbers(d->name, &ctrl, &ns);
	/* blkext hands out minors in probe order, the identity's: a disk, then its partitions
	 * as the kernel scans its table. */
	for (size_t k = 0; k < i; k++)
		if (sys->disks[k].kind == FN_DISK_NVME)
			nth += 1 + (unsigned)sys->disks[k].n_parts;
	out->major = FN_BLKEXT_MAJOR;
	out->minor = nth;
	out->port = ns;
	snprintf(out->pci, sizeof(out->pci), "0000:%02x:00.0", ctrl + 0x3d);
	snprintf(out->device, sizeof(out->device),
		 "devices/pci0000:00/0000:00:1d.%u/%s/nvme/nvme%u", ctrl % 8, out->pci, ctrl);
	snprintf(out->block, sizeof(out->block), "%s/%s", out->device, d->name);
}

void fn_disk_part_place(const struct fn_system *sys, size_t i, unsigned partno,
			struct fn_disk_place *out)
{
	char name[FN_DISK_NAMSIZ + 8];
	size_t n;

	fn_disk_place(sys, i, out);
	if (!partno)
		return;
	out->minor += partno;
	fn_disk_partition_name(sys->disks[i].name, partno, name, sizeof(name));
	n = strlen(out->block);
	snprintf(out->block + n, sizeof(out->block) - n, "/%s", name);
}

void fn_disk_partition_name(const char *disk, unsigned partno, char *out, size_t len)
{
	size_t n = strlen(disk);

	if (!partno)
		snprintf(out, len, "%s", disk);
	else
		snprintf(out, len, "%s%s%u", disk,
			 n && isdigit((unsigned char)disk[n - 1]) ? "p" : "", partno);
}

const struct fn_disk *fn_disk_by_node(const struct fn_system *sys, const char *name,
				      unsigned *partno)
{
	char part[FN_DISK_NAMSIZ + 8];

	for (size_t i = 0; i < sys->n_disks; i++)
		for (unsigned k = 0; k <= sys->disks[i].n_parts; k++) {
			fn_disk_partition_name(sys->disks[i].name, k, part, sizeof(part));
			if (strcmp(part, name) == 0) {
				*partno = k;
				return &sys->disks[i];
			}
		}
	return NULL;
}

unsigned fn_disk_root_partition(const struct fn_disk *d)
{
	unsigned best = 0;

	for (size_t k = 0; k < d->n_parts; k++)
		if (d->parts[k].type == FN_PART_LINUX &&
		    (!best || d->parts[k].sectors > d->parts[best - 1].sectors))
			best = (unsigned)k + 1;
	return best;
}

/* udev's link and ID_SERIAL text: blanks (and '/') become '_'. */
static void underscored(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++)
		out[n++] = (*s == ' ' || *s == '/') ? '_' : *s;
	out[n] = '\0';
}

void fn_disk_by_id(const struct fn_disk *d, char *out, size_t len)
{
	char model[FN_DISK_MODEL_LEN + 1], serial[FN_DISK_SERIAL_LEN + 1];

	underscored(d->model, model, sizeof(model));
	underscored(d->serial, serial, sizeof(serial));
	snprintf(out, len, "%s-%s_%s", d->kind == FN_DISK_SCSI ? "ata" : "nvme", model, serial);
}

/* udev's ID_*_ENC form: anything but alphanumerics and "#+-.:=@_" as \xNN. */
static void encoded(struct fn_buf *out, const char *s, size_t pad_to)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z') || strchr("#+-.:=@_", *s))
			fn_buf_append(out, s, 1);
		else
			fn_buf_printf(out, "\\x%02x", (unsigned char)*s);
	}
	for (; n < pad_to; n++)
		fn_buf_puts(out, "\\x20");
}

/* The GPT type GUIDs of fn_part_type, as blkid prints them (the UEFI specification's and the
 * Discoverable Partitions Specification's). */
static const char *const part_type_guids[] = {
    [FN_PART_LINUX] = "0fc63daf-8483-4772-8e79-3d69d8477de4",
    [FN_PART_EFI] = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
    [FN_PART_SWAP] = "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f",
};

/* What blkid finds: the disk's GPT (its record and, imported, each partition's), and the
 * partition's own entry, whose name is empty as fdisk leaves it. */
static void udev_gpt(const struct fn_disk *d, const struct fn_disk_place *p, unsigned partno,
		     struct fn_buf *out)
{
	const struct fn_partition *part = &d->parts[partno ? partno - 1 : 0];
	char uuid[FN_UUID_STRLEN];

	if (!d->n_parts)
		return;
	fn_buf_printf(out, "E:ID_PART_TABLE_UUID=%s\nE:ID_PART_TABLE_TYPE=gpt\n",
		      fn_uuid_text(d->table_uuid, uuid));
	if (!partno)
		return;
	fn_buf_printf(out,
		      "E:ID_PART_ENTRY_SCHEME=gpt\nE:ID_PART_ENTRY_UUID=%s\n"
		      "E:ID_PART_ENTRY_TYPE=%s\n"
		      "E:ID_PART_ENTRY_NUMBER=%u\nE:ID_PART_ENTRY_OFFSET=%llu\n"
		      "E:ID_PART_ENTRY_SIZE=%llu\nE:ID_PART_ENTRY_DISK=%u:%u\n",
		      fn_uuid_text(part->uuid, uuid), part_type_guids[part->type], partno,
		      (unsigned long long)part->start, (unsigned long long)part->sectors, p->major,
		      p->minor - partno);
}

void render_disk_udev(const struct fn_disk *d, const struct fn_disk_place *p, unsigned partno,
		      struct fn_buf *out)
{
	char by_id[128], model[FN_DISK_MODEL_LEN + 1], serial[FN_DISK_SERIAL_LEN + 1], part[16];
	bool ata = d->kind == FN_DISK_SCSI;

	fn_disk_by_id(d, by_id, sizeof(by_id));
	underscored(d->model, model, sizeof(model));
	underscored(d->serial, serial, sizeof(serial));
	/* A partition's links are its disk's with "-partN" (60-persistent-storage.rules). */
	part[0] = '\0';
	if (partno)
		snprintf(part, sizeof(part), "-part%u", partno);
	fn_buf_printf(out, "S:disk/by-id/%s%s\n", by_id, part);
	fn_buf_printf(out, "S:disk/by-path/pci-%s-%s-%u%s\n", p->pci, ata ? "ata" : "nvme", p->port,
		      part);
	fn_buf_puts(out, "I:1843216\n");
	if (ata)
		fn_buf_puts(out, "E:ID_ATA=1\nE:ID_TYPE=disk\nE:ID_BUS=ata\n");
	fn_buf_printf(out, "E:ID_MODEL=%s\n", ata ? model : d->model);
	fn_buf_puts(out, "E:ID_MODEL_ENC=");
	/* ata_id keeps IDENTIFY's blank padding in the encoded model. */
	encoded(out, d->model, ata ? FN_DISK_MODEL_LEN : 0);
	fn_buf_printf(out, "\nE:ID_REVISION=%s\n", d->firmware);
	if (ata)
		fn_buf_printf(out, "E:ID_SERIAL=%s_%s\n", model, serial);
	else
		fn_buf_printf(out, "E:ID_SERIAL=%s_%s\n", d->model, d->serial);
	fn_buf_printf(out, "E:ID_SERIAL_SHORT=%s\n", d->serial);
	fn_buf_printf(out, "E:ID_PATH=pci-%s-%s-%u\n", p->pci, ata ? "ata" : "nvme", p->port);
	fn_buf_puts(out, "E:ID_PATH_TAG=pci-");
	for (const char *c = p->pci; *c; c++)
		fn_buf_append(out, *c == ':' || *c == '.' ? "_" : c, 1);
	fn_buf_printf(out, "-%s-%u\n", ata ? "ata" : "nvme", p->port);
	udev_gpt(d, p, partno, out);
	fn_buf_puts(out, "G:systemd\nQ:systemd\nV:1\n");
}

void render_disk_uevent(const struct fn_disk *d, const struct fn_disk_place *p, unsigned partno,
			struct fn_buf *out)
{
	char name[FN_DISK_NAMSIZ + 8];

	fn_disk_partition_name(d->name, partno, name, sizeof(name));
	fn_buf_printf(out, "MAJOR=%u\nMINOR=%u\nDEVNAME=%s\nDEVTYPE=%s\n", p->major, p->minor, name,
		      partno ? "partition" : "disk");
	/* block/partitions/core.c's part_uevent; an empty GPT name gives no PARTNAME. */
	if (partno)
		fn_buf_printf(out, "PARTN=%u\n", partno);
}

void render_proc_partitions(const struct fn_system *sys, struct fn_buf *out)
{
	fn_buf_puts(out, "major minor  #blocks  name\n\n");
	for (size_t i = 0; i < sys->n_disks; i++) {
		const struct fn_disk *d = &sys->disks[i];

		for (unsigned k = 0; k <= d->n_parts; k++) {
			uint64_t sectors = k ? d->parts[k - 1].sectors : d->size / 512;
			char name[FN_DISK_NAMSIZ + 8];
			struct fn_disk_place p;

			fn_disk_part_place(sys, i, k, &p);
			fn_disk_partition_name(d->name, k, name, sizeof(name));
			/* The size in 1 KiB blocks. */
			fn_buf_printf(out, "%4u  %7u %10llu %s\n", p.major, p.minor,
				      (unsigned long long)(sectors >> 1), name);
		}
	}
}

/* An ATA string field: `words` words, blank-padded, two characters a word. */
static void ata_string(uint16_t *w, size_t words, const char *s, int readable)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < words; i++) {
		unsigned char a = 2 * i < len ? (unsigned char)s[2 * i] : ' ';
		unsigned char b = 2 * i + 1 < len ? (unsigned char)s[2 * i + 1] : ' ';

		/* ATA sends the first character of each pair in the high byte; read as bytes in
		 * memory order (little-endian) that is the second. */
		w[i] = readable ? (uint16_t)(a | b << 8) : (uint16_t)(a << 8 | b);
	}
}

void fn_disk_ata_identify(const struct fn_disk *d, uint16_t id[256], int readable)
{
	uint64_t sectors = d->size / 512;
	uint32_t lba28 = sectors > 0x0fffffff ? 0x0fffffff : (uint32_t)sectors;
	uint8_t sum = 0;

	memset(id, 0, 256 * sizeof(*id));
	id[0] = 0x0040; /* fixed (non-removable) ATA device */
	id[1] = 16383;	/* the CHS fields a drive over 8 GB reports */
	id[3] = 16;
	id[6] = 63;
	ata_string(&id[10], 10, d->serial, readable);
	ata_string(&id[23], 4, d->firmware, readable);
	ata_string(&id[27], 20, d->model, readable);
	id[47] = 0x8001; /* READ/WRITE MULTIPLE: 1 sector */
	id[49] = 0x2f00; /* LBA, DMA, IORDY, standby timer */
	id[53] = 0x0007; /* words 54-58, 64-70 and 88 valid */
	id[54] = 16383;
	id[55] = 16;
	id[56] = 63;
	id[57] = 0xfc10;
	id[58] = 0x00fb;
	id[59] = 0x0101;
	id[60] = (uint16_t)(lba28 & 0xffff);
	id[61] = (uint16_t)(lba28 >> 16);
	id[63] = 0x0407; /* multiword DMA 0-2, mode 2 selected */
	id[64] = 0x0003; /* PIO 3 and 4 */
	id[65] = id[66] = id[67] = id[68] = 120;
	id[75] = 31;	 /* NCQ queue depth 32 */
	id[76] = 0x170e; /* SATA Gen1-3 */
	id[80] = 0x07f8; /* ATA-3 .. ACS-2 */
	id[81] = 0x0110; /* ACS-2 revision 3 */
	id[82] = 0x746b;
	id[83] = 0x7401; /* 48-bit LBA */
	id[84] = 0x6063; /* no world wide name: words 108-111 are unset */
	id[85] = 0x7469;
	id[86] = 0xb401;
	id[87] = 0x6063;
	id[88] = 0x407f; /* UDMA 0-6, mode 6 selected */
	id[93] = 0x0000;
	for (int k = 0; k < 4; k++)
		id[100 + k] = (uint16_t)(sectors >> (16 * k));
	id[106] = 0x4000; /* one logical sector per physical one */
	id[169] = 0x0001; /* DATA SET MANAGEMENT (TRIM) */
	id[217] = 0x0001; /* nominal rotation rate: a solid-state drive */
	/* The integrity word: signature 0xa5 and a checksum making all 512 bytes sum to 0. */
	id[255] = 0x00a5;
	for (int k = 0; k < 255; k++)
		sum = (uint8_t)(sum + (id[k] & 0xff) + (id[k] >> 8));
	sum = (uint8_t)(sum + 0xa5);
	id[255] |= (uint16_t)((uint8_t)-sum << 8);
}

void fn_disk_scsi_model(const struct fn_disk *d, char out[17])
{
	snprintf(out, 17, "%-16.16s", d->model);
}

/* libata's INQUIRY revision: the last four characters of the firmware revision, or the first
 * four when those are blank. */
void fn_disk_scsi_rev(const struct fn_disk *d, char out[5])
{
	char fw[FN_DISK_FW_LEN + 1];

	snprintf(fw, sizeof(fw), "%-8.8s", d->firmware);
	snprintf(out, 5, "%.4s", strcmp(fw + 4, "    ") ? fw + 4 : fw);
}

size_t fn_disk_inquiry(const struct fn_disk *d, int vpd_page, uint8_t *out, size_t len)
{
	uint8_t buf[64] = {0};
	size_t n;

	if (vpd_page == 0x80) {
		buf[1] = 0x80;
		buf[3] = FN_DISK_SERIAL_LEN;
		snprintf((char *)buf + 4, FN_DISK_SERIAL_LEN + 1, "%-20.20s", d->serial);
		n = 4 + FN_DISK_SERIAL_LEN;
	} else {
		char model[17], rev[5];

		fn_disk_scsi_model(d, model);
		fn_disk_scsi_rev(d, rev);
		buf[2] = 0x05; /* SPC-3 */
		buf[3] = 0x02;
		buf[4] = 36 - 5;
		buf[7] = 0x02; /* command queueing */
		memcpy(buf + 8, "ATA     ", 8);
		memcpy(buf + 16, model, 16);
		memcpy(buf + 32, rev, 4);
		n = 36;
	}
	if (n > len)
		n = len;
	memcpy(out, buf, n);
	return n;
}
