/* The identity's disks as the kernel and udev show them: dev numbers and sysfs places, the
 * udev database record, the /dev/disk/by-id name, /proc/partitions, and the ATA IDENTIFY and
 * SCSI INQUIRY data the drive itself would answer (hdparm, HDIO_GET_IDENTITY, SG_IO). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "identity.h"

#define FN_SD_MAJOR	 8   /* the sd driver's block major */
#define FN_BLKEXT_MAJOR	 259 /* NVMe namespaces get dynamic numbers of blkext */
#define FN_SD_MINORS	 16  /* minors per sd disk (its partitions) */
#define FN_DISK_PATH_MAX 200

/* Where the kernel puts disk `i` of the identity. Paths are relative to /sys. */
struct fn_disk_place {
	unsigned major, minor;
	char device[FN_DISK_PATH_MAX];	   /* the SCSI device "devices/.../0:0:0:0", or the NVMe
					      controller "devices/.../nvme/nvme0" */
	char block[FN_DISK_PATH_MAX + 32]; /* the block device's directory */
	char pci[32];			   /* the PCI function of its controller: "0000:00:17.0" */
	unsigned port;			   /* ATA port (1-based) or NVMe namespace id */
};
void fn_disk_place(const struct fn_system *sys, size_t i, struct fn_disk_place *out);
/* Where it puts partition `partno` (1-based) of disk `i`: the disk's device, numbers after the
 * disk's (sd: the disk's 15 minors after its own; NVMe: blkext's next ones), its directory inside
 * the disk's. */
void fn_disk_part_place(const struct fn_system *sys, size_t i, unsigned partno,
			struct fn_disk_place *out);

/* The name the kernel gives partition `partno` of disk `disk` (block/partitions/core.c): "sda1",
 * or with a 'p' after a name ending in a digit ("nvme0n1p1"); partition 0 is the disk itself. */
void fn_disk_partition_name(const char *disk, unsigned partno, char *out, size_t len);

/* The disk whose /dev node (its own, or partition *partno's: 0 for the disk) `name` is ("sda",
 * "nvme0n1p2"); NULL when it is none of the identity's. */
const struct fn_disk *fn_disk_by_node(const struct fn_system *sys, const char *name,
				      unsigned *partno);

/* The partition of disk `d` that the root filesystem is shown on (/sys/fs/ext4/sda1): its largest
 * Linux filesystem one, the first of equal ones, where an installer puts the root beside its EFI
 * and swap partitions; 0 (the disk itself) when it has none. */
unsigned fn_disk_root_partition(const struct fn_disk *d);

/* The disk's /dev/disk/by-id name: "ata-MODEL_SERIAL" or "nvme-MODEL_SERIAL", blanks as '_' as
 * udev writes link names. */
void fn_disk_by_id(const struct fn_disk *d, char *out, size_t len);

/* /run/udev/data/bMAJ:MIN: the record udev's rules (ata_id, 60-persistent-storage, blkid) leave
 * for the disk (`partno` 0, placed at `p`) or its partition `partno`, which takes its disk's
 * ID_* and adds its own GPT entry's. */
void render_disk_udev(const struct fn_disk *d, const struct fn_disk_place *p, unsigned partno,
		      struct fn_buf *out);
/* The uevent attribute of the block device: the disk's (`partno` 0) or a partition's. */
void render_disk_uevent(const struct fn_disk *d, const struct fn_disk_place *p, unsigned partno,
			struct fn_buf *out);
/* /proc/partitions with the identity's disks, each followed by its partitions (none: only the
 * header). */
void render_proc_partitions(const struct fn_system *sys, struct fn_buf *out);

/* The 256 words of ATA IDENTIFY DEVICE as the drive sends them (strings in ATA's byte order,
 * the integrity word set). `readable`: the strings in reading order, as HDIO_GET_IDENTITY hands
 * them out (libata converts them). */
void fn_disk_ata_identify(const struct fn_disk *d, uint16_t id[256], int readable);
/* SCSI INQUIRY: the standard data (36 bytes) or the Unit Serial Number page 0x80 as libata's
 * SCSI translation answers them. Returns the length written (at most `len`). */
size_t fn_disk_inquiry(const struct fn_disk *d, int vpd_page, uint8_t *out, size_t len);
/* The 16 characters of the model the SCSI layer shows (INQUIRY product, blank-padded), and the 4
 * of the revision. */
void fn_disk_scsi_model(const struct fn_disk *d, char out[17]);
void fn_disk_scsi_rev(const struct fn_disk *d, char out[5]);
