/* Identity reader, a disk's `partitions:`: a GPT layout in the disk's order, each partition on a
 * 1 MiB boundary, after the previous one, within the sectors GPT leaves usable. A disk that does
 * not list its partitions gets one spanning it, as fdisk, sgdisk and the desktop disk tools make
 * by default: a bare disk with no partition table is what no installed machine shows. */
#include <stdio.h>
#include <string.h>

#include "identity_internal.h"

#define SECTOR 512

static const char *const part_keys[] = {"start", "size", "type", NULL};

const char *const fn_part_type_names[] = {
    [FN_PART_LINUX] = "linux",
    [FN_PART_EFI] = "efi",
    [FN_PART_SWAP] = "swap",
    NULL,
};

/* The last sector a partition may use: the disk's last 33 hold GPT's backup table. */
static uint64_t last_usable(const struct fn_disk *d)
{
	return d->size / SECTOR - FN_GPT_TAIL_SECTORS - 1;
}

/* The first 1 MiB boundary at or after sector `s`. */
static uint64_t aligned(uint64_t s)
{
	return (s + FN_PART_ALIGN - 1) / FN_PART_ALIGN * FN_PART_ALIGN;
}

/* One partition from sector 2048 to the last usable one, when the disk has room for a MiB. */
static void default_layout(struct fn_disk *d)
{
	uint64_t end = last_usable(d);

	if (end + 1 < 2 * FN_PART_ALIGN)
		return;
	d->parts[0].start = FN_PART_ALIGN;
	d->parts[0].sectors = end + 1 - FN_PART_ALIGN;
	d->n_parts = 1;
}

/* `start:` in bytes, on a 1 MiB boundary and not before `next` (sectors); by default `next`. */
static bool parse_start(struct ctx *c, const struct ynode *map, const char *path, uint64_t next,
			uint64_t *start)
{
	const struct ynode *n = ident_map_get(map, "start");
	char p[PATH_SIZE];
	long long v;

	*start = next;
	if (!n)
		return true;
	ident_join(p, sizeof(p), path, "start");
	if (!get_int(c, n, p, FN_PART_ALIGN * SECTOR, FN_DISK_MAX_SIZE, &v))
		return false;
	if (v % (FN_PART_ALIGN * SECTOR)) {
		err(c, n, "%s: %lld bytes is not on a 1 MiB boundary (a multiple of %d bytes)", p,
		    v, FN_PART_ALIGN * SECTOR);
		return false;
	}
	if ((uint64_t)v / SECTOR < next) {
		err(c, n,
		    "%s: byte %lld is before the end of the previous partition (the next free "
		    "1 MiB boundary is byte %llu)",
		    p, v, (unsigned long long)next * SECTOR);
		return false;
	}
	*start = (uint64_t)v / SECTOR;
	return true;
}

/* `size:` in bytes, whole sectors; the last partition may leave it out to run to the end. */
static bool parse_size(struct ctx *c, const struct ynode *map, const char *path, bool last,
		       const struct fn_disk *d, struct fn_partition *part)
{
	const struct ynode *n = ident_map_get(map, "size");
	char p[PATH_SIZE];
	long long v;

	ident_join(p, sizeof(p), path, "size");
	if (!n && !last) {
		err(c, map,
		    "%s: missing required key 'size' (only the last partition may leave it out, "
		    "to run to the end of the disk)",
		    path);
		return false;
	}
	if (!n) {
		part->sectors =
		    part->start <= last_usable(d) ? last_usable(d) + 1 - part->start : 0;
	} else {
		if (!get_int(c, n, p, SECTOR, FN_DISK_MAX_SIZE, &v))
			return false;
		if (v % SECTOR) {
			err(c, n, "%s: %lld bytes is not a whole number of 512-byte sectors", p, v);
			return false;
		}
		part->sectors = (uint64_t)v / SECTOR;
	}
	if (!part->sectors) {
		err(c, map,
		    "%s: no room left on %s for a partition from sector %llu (the last usable "
		    "one is %llu)",
		    path, d->name, (unsigned long long)part->start,
		    (unsigned long long)last_usable(d));
		return false;
	}
	if (part->start + part->sectors - 1 <= last_usable(d))
		return true;
	err(c, n,
	    "%s: sectors %llu to %llu do not fit on %s: its partitions may use sectors %d to "
	    "%llu (GPT's backup table takes the last %d of its %llu)",
	    p, (unsigned long long)part->start,
	    (unsigned long long)(part->start + part->sectors - 1), d->name, FN_PART_ALIGN,
	    (unsigned long long)last_usable(d), FN_GPT_TAIL_SECTORS,
	    (unsigned long long)(d->size / SECTOR));
	return false;
}

static bool parse_partition(struct ctx *c, const struct ynode *map, const char *path, bool last,
			    uint64_t next, struct fn_disk *d, struct fn_partition *part)
{
	const struct ynode *n = ident_map_get(map, "type");
	char p[PATH_SIZE];
	int type = FN_PART_LINUX;

	if (!check_map(c, map, path, "a mapping (start, size, type)", part_keys))
		return false;
	if (n && !get_word(c, n, ident_join(p, sizeof(p), path, "type"), fn_part_type_names, &type))
		return false;
	part->type = (enum fn_part_type)type;
	return parse_start(c, map, path, next, &part->start) &&
	       parse_size(c, map, path, last, d, part);
}

/* The GUIDs GPT gives the disk and each partition, derived from the identity. */
static void derive_guids(struct ctx *c, struct fn_disk *d)
{
	char seed[64];

	snprintf(seed, sizeof(seed), "gpt:%s", d->name);
	ident_derive_uuid(c->id, seed, d->table_uuid);
	for (size_t i = 0; i < d->n_parts; i++) {
		snprintf(seed, sizeof(seed), "gpt:%s:%zu", d->name, i + 1);
		ident_derive_uuid(c->id, seed, d->parts[i].uuid);
	}
}

bool ident_parse_partitions(struct ctx *c, const struct ynode *n, const char *disk_path,
			    struct fn_disk *d)
{
	char path[PATH_SIZE], p[PATH_SIZE];
	uint64_t next = FN_PART_ALIGN;
	size_t count;
	bool ok = true;

	ident_join(path, sizeof(path), disk_path, "partitions");
	if (!n)
		default_layout(d);
	else if (!get_list(c, n, path, "a list of partitions"))
		return false;
	count = n ? ident_list_len(n) : 0;
	if (count > FN_DISK_MAX_PARTS) {
		err(c, n, "%s: %zu partitions, more than the %d a disk has minor numbers for", path,
		    count, FN_DISK_MAX_PARTS);
		return false;
	}
	for (size_t i = 0; i < count && ok; i++) {
		struct fn_partition *part = &d->parts[d->n_parts];

		ident_index_path(p, sizeof(p), path, i);
		ok = parse_partition(c, n->kids[i], p, i + 1 == count, next, d, part);
		if (ok) {
			d->n_parts++;
			next = aligned(part->start + part->sectors);
		}
	}
	derive_guids(c, d);
	return ok;
}
