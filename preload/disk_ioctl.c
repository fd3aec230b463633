/* Drive ioctls on the identity's disks (disk_ioctl.h): HDIO_GET_IDENTITY (hdparm -i), the
 * IDENTIFY DEVICE of HDIO_DRIVE_CMD and of SG_IO's ATA PASS-THROUGH (hdparm -I), SG_IO INQUIRY
 * with the unit serial number page 0x80, and the size requests, whose answers on a partition's
 * node are the partition's extent. Every answer comes from the
 * identity through render_disks.c, as libata would translate the drive's own. */
#include <errno.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <scsi/sg.h>
#include <stdint.h>
#include <string.h>

#include "disk_ioctl.h"
#include "render_disks.h"

#define ATA_OP_IDENTIFY	 0xec
#define SCSI_INQUIRY	 0x12
#define SCSI_ATA_16	 0x85
#define SCSI_ATA_12	 0xa1
#define SG_CHECK_COND	 0x02
#define SG_DRIVER_SENSE	 0x08
#define ATA_STATUS_READY 0x50 /* DRDY | DSC: done without error */

/* The disk whose node (its own, or partition *partno's) fd is open on. */
static const struct fn_disk *disk_of_fd(const struct fn_preload *st, int fd, unsigned *partno)
{
	const char *path = fn_view_fd_path(fd);

	if (!path || strncmp(path, "/dev/", 5) != 0)
		return NULL;
	return fn_disk_by_node(&st->id->system, path + 5, partno);
}

static void fill_data(sg_io_hdr_t *h, const void *data, size_t len)
{
	size_t n = len < h->dxfer_len ? len : h->dxfer_len;

	if (h->dxferp && n)
		memcpy(h->dxferp, data, n);
	h->resid = (int)(h->dxfer_len - n);
}

/* CHECK CONDITION with sense data `sb` (as much as the caller has room for). */
static void check_condition(sg_io_hdr_t *h, const uint8_t *sb, size_t len)
{
	size_t n = h->mx_sb_len < len ? h->mx_sb_len : len;

	h->status = SG_CHECK_COND;
	h->masked_status = SG_CHECK_COND >> 1;
	h->driver_status = SG_DRIVER_SENSE;
	if (h->sbp)
		memcpy(h->sbp, sb, n);
	h->sb_len_wr = (uint8_t)n;
}

/* Fixed-format sense data `key`/`asc`, as a rejected command gets. */
static void sense_fixed(sg_io_hdr_t *h, uint8_t key, uint8_t asc)
{
	const uint8_t sb[18] = {0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc};

	check_condition(h, sb, sizeof(sb));
}

/* An ATA PASS-THROUGH that asked for its result registers (CK_COND): descriptor sense with the
 * ATA Status Return descriptor, as libata's ata_gen_passthru_sense writes it. */
static void sense_ata_status(sg_io_hdr_t *h)
{
	uint8_t sb[22] = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 12};

	sb[8 + 13] = ATA_STATUS_READY;
	check_condition(h, sb, sizeof(sb));
}

static int sg_inquiry(const struct fn_disk *d, sg_io_hdr_t *h, const uint8_t *cdb)
{
	uint8_t buf[64];
	size_t n;

	if (!(cdb[1] & 1)) {
		n = fn_disk_inquiry(d, -1, buf, sizeof(buf));
	} else if (cdb[2] == 0x80) {
		n = fn_disk_inquiry(d, 0x80, buf, sizeof(buf));
	} else if (cdb[2] == 0x00) {
		static const uint8_t pages[] = {0, 0, 0, 2, 0x00, 0x80};

		memcpy(buf, pages, sizeof(pages));
		n = sizeof(pages);
	} else {
		sense_fixed(h, 0x05, 0x24); /* ILLEGAL REQUEST, invalid field in CDB */
		return 0;
	}
	fill_data(h, buf, n);
	return 0;
}

static int sg_ata(const struct fn_disk *d, sg_io_hdr_t *h, const uint8_t *cdb)
{
	uint8_t command = cdb[0] == SCSI_ATA_16 ? cdb[14] : cdb[9];
	uint16_t id[256];

	/* Other commands (CHECK POWER MODE, ...) complete without data, as an idle drive's do. */
	if (command == ATA_OP_IDENTIFY) {
		fn_disk_ata_identify(d, id, 0);
		fill_data(h, id, sizeof(id));
	} else {
		h->resid = (int)h->dxfer_len;
	}
	if (cdb[2] & 0x20)
		sense_ata_status(h);
	return 0;
}

static int sg_io(const struct fn_disk *d, sg_io_hdr_t *h)
{
	uint8_t cdb[16] = {0};

	if (!h || h->interface_id != 'S' || !h->cmdp || h->cmd_len < 6) {
		errno = EINVAL;
		return -1;
	}
	memcpy(cdb, h->cmdp, h->cmd_len < sizeof(cdb) ? h->cmd_len : sizeof(cdb));
	h->status = h->masked_status = h->msg_status = 0;
	h->host_status = h->driver_status = 0;
	h->sb_len_wr = 0;
	h->resid = 0;
	h->duration = 1;
	h->info = 0;
	switch (cdb[0]) {
	case SCSI_INQUIRY:
		return sg_inquiry(d, h, cdb);
	case SCSI_ATA_16:
	case SCSI_ATA_12:
		/* Only the SATA disks are behind libata's translation. */
		if (d->kind == FN_DISK_SCSI)
			return sg_ata(d, h, cdb);
		break;
	}
	sense_fixed(h, 0x05, 0x20); /* ILLEGAL REQUEST, invalid command operation code */
	return 0;
}

/* HDIO_DRIVE_CMD: args[0] the command, args[3] the sector count, the data after 4 bytes. */
static int drive_cmd(const struct fn_disk *d, uint8_t *args)
{
	if (!args)
		return 0; /* a null command: the drive is idle */
	if (args[0] != ATA_OP_IDENTIFY) {
		errno = EIO;
		return -1;
	}
	fn_disk_ata_identify(d, (uint16_t *)(void *)(args + 4), 0);
	args[0] = ATA_STATUS_READY;
	args[1] = 0;
	args[2] = 1;
	return 0;
}

/* The BIOS-style geometry the sd driver makes up for the disk (255 heads, 63 sectors a track),
 * with the start sector of the node's partition. */
static int geometry(const struct fn_disk *d, unsigned partno, struct hd_geometry *g)
{
	uint64_t cyl = d->size / 512 / (255 * 63);

	g->heads = 255;
	g->sectors = 63;
	g->cylinders = (unsigned short)(cyl > 65535 ? 65535 : cyl);
	g->start = partno ? (unsigned long)d->parts[partno - 1].start : 0;
	return 0;
}

/* The size in bytes of the node's device: the disk's, or its partition's. */
static uint64_t node_size(const struct fn_disk *d, unsigned partno)
{
	return partno ? d->parts[partno - 1].sectors * 512 : d->size;
}

int fn_disk_ioctl(const struct fn_preload *st, int fd, unsigned long req, void *arg)
{
	unsigned partno = 0;
	const struct fn_disk *d = disk_of_fd(st, fd, &partno);

	if (!d)
		return -2;
	switch (req) {
	case HDIO_GET_IDENTITY:
		/* NVMe namespaces have no ATA identity: the kernel says the request is unknown. */
		if (d->kind != FN_DISK_SCSI)
			break;
		fn_disk_ata_identify(d, arg, 1);
		return 0;
	case HDIO_DRIVE_CMD:
		if (d->kind != FN_DISK_SCSI)
			break;
		return drive_cmd(d, arg);
	case SG_IO:
		/* NVMe namespaces have had no SCSI translation since Linux 4.13. */
		if (d->kind != FN_DISK_SCSI)
			break;
		return sg_io(d, arg);
	case BLKROGET:
		*(int *)arg = 0;
		return 0;
	case BLKRAGET:
		*(long *)arg = 256;
		return 0;
	case HDIO_GETGEO:
		return geometry(d, partno, arg);
	case BLKGETSIZE64:
		*(uint64_t *)arg = node_size(d, partno);
		return 0;
	case BLKGETSIZE:
		*(unsigned long *)arg = (unsigned long)(node_size(d, partno) / 512);
		return 0;
	case BLKSSZGET:
	case BLKPBSZGET:
		*(int *)arg = 512;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}
