/* The identity's disks in the tree: /sys/block, /sys/class/block, /sys/dev/block and each disk's
 * device directory with the attributes the sd or nvme driver gives it, each partition's directory
 * inside its disk's, /proc/partitions, udev's database (/run/udev/data), /dev/disk/by-id and the
 * /dev nodes. Only the identity's disks: none of the host's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "render_disks.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

#define RO 0444
#define RW 0644

/* queue/: a solid-state disk of 512-byte sectors under the multi-queue scheduler. */
static void add_queue(struct fn_vfs *vfs, struct fn_node *blk)
{
	static const char *const ro[][2] = {
	    {"rotational", "0"},
	    {"logical_block_size", "512"},
	    {"physical_block_size", "512"},
	    {"hw_sector_size", "512"},
	    {"minimum_io_size", "512"},
	    {"optimal_io_size", "0"},
	    {"max_hw_sectors_kb", "32767"},
	    {"discard_granularity", "512"},
	    {"discard_max_hw_bytes", "2147450880"},
	    {"chunk_sectors", "0"},
	    {"dax", "0"},
	    {"zoned", "none"},
	};
	static const char *const rw[][2] = {
	    {"max_sectors_kb", "1280"}, {"read_ahead_kb", "128"},
	    {"nr_requests", "64"},	{"scheduler", "[none] mq-deadline"},
	    {"add_random", "0"},	{"nomerges", "0"},
	    {"rq_affinity", "1"},	{"iostats", "1"},
	};
	struct fn_node *q = fn_vfs_add_dir(vfs, blk, "queue", 0755);

	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		fn_vfs_sys_attr(vfs, q, ro[i][0], RO, "%s\n", ro[i][1]);
	for (size_t i = 0; i < sizeof(rw) / sizeof(rw[0]); i++)
		fn_vfs_sys_attr(vfs, q, rw[i][0], RW, "%s\n", rw[i][1]);
}

static void add_file_text(struct fn_vfs *vfs, struct fn_node *dir, const char *name, mode_t mode,
			  enum fn_file_style style, struct fn_buf *b)
{
	size_t len;
	char *text = fn_buf_steal(b, &len);

	fn_vfs_add_file(vfs, dir, name, mode, style, text, len);
}

/* The statistics every block device, disk or partition, has. */
static void add_stat(struct fn_vfs *vfs, struct fn_node *blk)
{
	fn_vfs_sys_attr(vfs, blk, "stat", RO,
			"%8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u %8u\n", 0u,
			0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
	fn_vfs_sys_attr(vfs, blk, "inflight", RO, "%8u %8u\n", 0u, 0u);
}

/* The block device's own directory (block/genhd.c's disk attributes). */
static void add_block_dir(struct fn_vfs *vfs, const struct fn_disk *d,
			  const struct fn_disk_place *p)
{
	struct fn_node *blk = fn_vfs_sys_dir(vfs, p->block);
	struct fn_buf b;

	fn_vfs_sys_attr(vfs, blk, "dev", RO, "%u:%u\n", p->major, p->minor);
	fn_vfs_sys_attr(vfs, blk, "size", RO, "%llu\n", (unsigned long long)(d->size / 512));
	fn_vfs_sys_attr(vfs, blk, "removable", RO, "0\n");
	fn_vfs_sys_attr(vfs, blk, "ro", RO, "0\n");
	fn_vfs_sys_attr(vfs, blk, "hidden", RO, "0\n");
	fn_vfs_sys_attr(vfs, blk, "range", RO, "%u\n", d->kind == FN_DISK_SCSI ? FN_SD_MINORS : 0);
	fn_vfs_sys_attr(vfs, blk, "ext_range", RO, "%u\n", d->kind == FN_DISK_SCSI ? 256 : 64);
	fn_vfs_sys_attr(vfs, blk, "capability", RO, "%s\n", d->kind == FN_DISK_SCSI ? "50" : "0");
	fn_vfs_sys_attr(vfs, blk, "alignment_offset", RO, "0\n");
	fn_vfs_sys_attr(vfs, blk, "discard_alignment", RO, "0\n");
	add_stat(vfs, blk);
	fn_buf_init(&b);
	render_disk_uevent(d, p, 0, &b);
	add_file_text(vfs, blk, "uevent", RW, FN_FILE_SYSFS, &b);
	fn_vfs_add_dir(vfs, blk, "holders", 0755);
	fn_vfs_add_dir(vfs, blk, "slaves", 0755);
	add_queue(vfs, blk);
	fn_vfs_sys_link(vfs, blk, "subsystem", p->block, "class/block");
	fn_vfs_sys_link(vfs, blk, "device", p->block, p->device);
}

/* The SCSI device libata makes for an ATA disk: INQUIRY's vendor, product and revision. */
static void add_scsi_device(struct fn_vfs *vfs, const struct fn_disk *d,
			    const struct fn_disk_place *p)
{
	struct fn_node *dev = fn_vfs_sys_dir(vfs, p->device);
	char model[17], rev[5];

	fn_disk_scsi_model(d, model);
	fn_disk_scsi_rev(d, rev);
	fn_vfs_sys_attr(vfs, dev, "vendor", RO, "ATA     \n");
	fn_vfs_sys_attr(vfs, dev, "model", RO, "%s\n", model);
	fn_vfs_sys_attr(vfs, dev, "rev", RO, "%s\n", rev);
	fn_vfs_sys_attr(vfs, dev, "type", RO, "0\n");
	fn_vfs_sys_attr(vfs, dev, "scsi_level", RO, "6\n");
	fn_vfs_sys_attr(vfs, dev, "state", RW, "running\n");
	fn_vfs_sys_attr(vfs, dev, "queue_depth", RW, "32\n");
	fn_vfs_sys_attr(vfs, dev, "uevent", RW,
			"DEVTYPE=scsi_device\nDRIVER=sd\nMODALIAS=scsi:t-0x00\n");
	fn_vfs_sys_link(vfs, dev, "subsystem", p->device, "bus/scsi");
}

/* The NVMe controller (drivers/nvme/host/core.c): the identify data's mn, sn and fr. */
static void add_nvme_controller(struct fn_vfs *vfs, const struct fn_disk *d,
				const struct fn_disk_place *p)
{
	struct fn_node *dev = fn_vfs_sys_dir(vfs, p->device);
	unsigned ctrl = 0;

	if (fn_vfs_child(dev, "model"))
		return; /* a second namespace of the same controller */
	sscanf(d->name, "nvme%u", &ctrl);
	fn_vfs_sys_attr(vfs, dev, "model", RO, "%s\n", d->model);
	fn_vfs_sys_attr(vfs, dev, "serial", RO, "%s\n", d->serial);
	fn_vfs_sys_attr(vfs, dev, "firmware_rev", RO, "%s\n", d->firmware);
	fn_vfs_sys_attr(vfs, dev, "transport", RO, "pcie\n");
	fn_vfs_sys_attr(vfs, dev, "state", RO, "live\n");
	fn_vfs_sys_attr(vfs, dev, "cntlid", RO, "%u\n", ctrl + 1);
	fn_vfs_sys_attr(vfs, dev, "dev", RO, "%u:%u\n", 240u, ctrl);
	fn_vfs_sys_attr(vfs, dev, "uevent", RW,
			"MAJOR=240\nMINOR=%u\nDEVNAME=nvme%u\nNVME_TRTYPE=pcie\n", ctrl, ctrl);
	fn_vfs_sys_link(vfs, dev, "subsystem", p->device, "class/nvme");
}

/* A partition's directory inside its disk's (block/partitions/core.c's part attributes). */
static void add_part_dir(struct fn_vfs *vfs, const struct fn_disk *d, unsigned partno,
			 const struct fn_disk_place *p)
{
	const struct fn_partition *part = &d->parts[partno - 1];
	struct fn_node *blk = fn_vfs_sys_dir(vfs, p->block);
	struct fn_buf b;

	fn_vfs_sys_attr(vfs, blk, "dev", RO, "%u:%u\n", p->major, p->minor);
	fn_vfs_sys_attr(vfs, blk, "partition", RO, "%u\n", partno);
	fn_vfs_sys_attr(vfs, blk, "start", RO, "%llu\n", (unsigned long long)part->start);
	fn_vfs_sys_attr(vfs, blk, "size", RO, "%llu\n", (unsigned long long)part->sectors);
	fn_vfs_sys_attr(vfs, blk, "ro", RO, "0\n");
	fn_vfs_sys_attr(vfs, blk, "alignment_offset", RO, "0\n");
	fn_vfs_sys_attr(vfs, blk, "discard_alignment", RO, "0\n");
	add_stat(vfs, blk);
	fn_buf_init(&b);
	render_disk_uevent(d, p, partno, &b);
	add_file_text(vfs, blk, "uevent", RW, FN_FILE_SYSFS, &b);
	fn_vfs_add_dir(vfs, blk, "holders", 0755);
	fn_vfs_sys_link(vfs, blk, "subsystem", p->block, "class/block");
}

/* What a block device, disk (`partno` 0) or partition, has outside sysfs' device tree: the
 * class and dev links, udev's record, the /dev/disk/by-id link and the /dev node itself (for the
 * preload library's drive ioctls: hdparm, SG_IO). */
static void add_block_names(struct fn_vfs *vfs, const struct fn_disk *d, unsigned partno,
			    const struct fn_disk_place *p)
{
	char name[FN_DISK_NAMSIZ + 8], devno[32], by_id[128], *target;
	struct fn_buf b;

	fn_disk_partition_name(d->name, partno, name, sizeof(name));
	snprintf(devno, sizeof(devno), "%u:%u", p->major, p->minor);
	if (!partno)
		fn_vfs_sys_link(vfs, fn_vfs_sys_dir(vfs, "block"), name, "block", p->block);
	fn_vfs_sys_link(vfs, fn_vfs_sys_dir(vfs, "class/block"), name, "class/block", p->block);
	fn_vfs_sys_link(vfs, fn_vfs_sys_dir(vfs, "dev/block"), devno, "dev/block", p->block);

	fn_buf_init(&b);
	render_disk_udev(d, p, partno, &b);
	snprintf(devno, sizeof(devno), "b%u:%u", p->major, p->minor);
	add_file_text(vfs, fn_vfs_mkdir_p(vfs, "/run/udev/data"), devno, 0644, FN_FILE_STATIC, &b);

	fn_disk_by_id(d, by_id, sizeof(by_id));
	if (partno)
		snprintf(by_id + strlen(by_id), sizeof(by_id) - strlen(by_id), "-part%u", partno);
	target = xasprintf("../../%s", name);
	fn_vfs_add_link(vfs, fn_vfs_mkdir_p(vfs, "/dev/disk/by-id"), by_id, target)->style =
	    FN_FILE_STATIC;
	free(target);
	fn_vfs_add_file(vfs, fn_vfs_mkdir_p(vfs, "/dev"), name, 0660, FN_FILE_STATIC, NULL, 0)
	    ->rdev = makedev(p->major, p->minor);
}

static void add_disk(struct fn_vfs *vfs, const struct fn_system *sys, size_t i)
{
	const struct fn_disk *d = &sys->disks[i];
	struct fn_disk_place p;

	fn_disk_place(sys, i, &p);
	if (d->kind == FN_DISK_SCSI)
		add_scsi_device(vfs, d, &p);
	else
		add_nvme_controller(vfs, d, &p);
	add_block_dir(vfs, d, &p);
	add_block_names(vfs, d, 0, &p);
	for (unsigned k = 1; k <= d->n_parts; k++) {
		fn_disk_part_place(sys, i, k, &p);
		add_part_dir(vfs, d, k, &p);
		add_block_names(vfs, d, k, &p);
	}
}

void fn_vfs_build_disks(struct fn_vfs *vfs, const struct fn_identity *id)
{
	const struct fn_system *sys = &id->system;
	struct fn_buf b;

	if (!sys->n_disks)
		return; /* the host's disks stay: the identity says nothing of them */
	/* The parents exist, holding nothing but the identity's disks. */
	fn_vfs_sys_dir(vfs, "block");
	fn_vfs_sys_dir(vfs, "class/block");
	fn_vfs_sys_dir(vfs, "dev/block");
	fn_vfs_sys_dir(vfs, "devices/virtual/block");
	for (size_t i = 0; i < sys->n_disks; i++)
		add_disk(vfs, sys, i);
	fn_buf_init(&b);
	render_proc_partitions(sys, &b);
	add_file_text(vfs, fn_vfs_mkdir_p(vfs, "/proc"), "partitions", 0444, FN_FILE_PROCFS, &b);
}
