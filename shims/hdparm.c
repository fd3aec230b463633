/* `hdparm` (hdparm 9.65) for the identity's disks, where no preload library answers the drive's
 * ioctls (static programs, the FUSE backend): -i and -I print what the real hdparm prints for the
 * ATA IDENTIFY data the preload library hands out (render_disks.c), and the bare call prints the
 * settings. Other options go to the real hdparm, which then finds no such device. */
#include <stdio.h>
#include <string.h>

#include "render_disks.h"
#include "shim.h"

/* ENOTTY and ENOENT as hdparm's exit status: it exits with the errno of its last failure. */
#define EXIT_NOTTY 25
#define EXIT_NOENT 2

/* The disk of a node, its own or partition *partno's: the drive answers the same on either. */
static const struct fn_disk *disk_named(const struct fn_identity *id, const char *path,
					unsigned *partno)
{
	if (strncmp(path, "/dev/", 5) != 0)
		return NULL;
	return fn_disk_by_node(&id->system, path + 5, partno);
}

static unsigned long long sectors_of(const struct fn_disk *d)
{
	return (unsigned long long)(d->size / 512);
}

/* hdparm -i: the HDIO_GET_IDENTITY dump. */
static int print_identity(const struct fn_disk *d)
{
	if (d->kind != FN_DISK_SCSI) {
		fflush(stdout);
		fputs(" HDIO_GET_IDENTITY failed: Inappropriate ioctl for device\n", stderr);
		return EXIT_NOTTY;
	}
	printf("\n Model=%s, FwRev=%s, SerialNo=%s\n", d->model, d->firmware, d->serial);
	printf(" Config={ Fixed }\n"
	       " RawCHS=16383/16/63, TrkSize=0, SectSize=0, ECCbytes=0\n"
	       " BuffType=unknown, BuffSize=unknown, MaxMultSect=1, MultSect=1\n"
	       " CurCHS=16383/16/63, CurSects=16514064, LBA=yes, LBAsects=%llu\n"
	       " IORDY=on/off, tPIO={min:120,w/IORDY:120}, tDMA={min:120,rec:120}\n"
	       " PIO modes:  pio0 pio3 pio4 \n"
	       " DMA modes:  mdma0 mdma1 *mdma2 \n"
	       " UDMA modes: udma0 udma1 udma2 udma3 udma4 udma5 *udma6 \n"
	       " AdvancedPM=no WriteCache=enabled\n"
	       " Drive conforms to: unknown:  ATA/ATAPI-3,4,5,6,7\n"
	       "\n"
	       " * signifies the current active mode\n"
	       "\n",
	       sectors_of(d));
	return 0;
}

static const char features[] = "Commands/features:\n"
			       "\tEnabled\tSupported:\n"
			       "\t   *\tSMART feature set\n"
			       "\t    \tSecurity Mode feature set\n"
			       "\t   *\tPower Management feature set\n"
			       "\t   *\tWrite cache\n"
			       "\t   *\tLook-ahead\n"
			       "\t   *\tHost Protected Area feature set\n"
			       "\t   *\tWRITE_BUFFER command\n"
			       "\t   *\tREAD_BUFFER command\n"
			       "\t   *\tNOP cmd\n"
			       "\t   *\tDOWNLOAD_MICROCODE\n"
			       "\t   *\t48-bit Address feature set\n"
			       "\t   *\tMandatory FLUSH_CACHE\n"
			       "\t   *\tFLUSH_CACHE_EXT\n"
			       "\t   *\tSMART error logging\n"
			       "\t   *\tSMART self-test\n"
			       "\t   *\tGeneral Purpose Logging feature set\n"
			       "\t   *\tWRITE_{DMA|MULTIPLE}_FUA_EXT\n"
			       "\t   *\tIDLE_IMMEDIATE with UNLOAD\n"
			       "\t   *\tGen1 signaling speed (1.5Gb/s)\n"
			       "\t   *\tGen2 signaling speed (3.0Gb/s)\n"
			       "\t   *\tGen3 signaling speed (6.0Gb/s)\n"
			       "\t   *\tNative Command Queueing (NCQ)\n"
			       "\t   *\tHost-initiated interface power management\n"
			       "\t   *\tPhy event counters\n"
			       "\t   *\tNCQ priority information\n"
			       "\t   *\tData Set Management TRIM supported (limit unknown)\n"
			       "Checksum: correct\n";

/* hdparm -I: the decoded IDENTIFY DEVICE data. An NVMe namespace answers neither SG_IO nor
 * HDIO_DRIVE_CMD, and hdparm prints nothing for it. */
static int print_identify(const struct fn_disk *d)
{
	unsigned long long sectors = sectors_of(d), bytes = sectors * 512ULL;

	if (d->kind != FN_DISK_SCSI)
		return 0;
	printf("\nATA device, with non-removable media\n"
	       "\tModel Number:       %-40s\n"
	       "\tSerial Number:      %-20s\n"
	       "\tFirmware Revision:  %-8s\n",
	       d->model, d->serial, d->firmware);
	printf("Standards:\n"
	       "\tUsed: unknown (minor revision code 0x0110) \n"
	       "\tSupported: 10 9 8 7 6 5 \n"
	       "\tLikely used: 10\n"
	       "Configuration:\n"
	       "\tLogical\t\tmax\tcurrent\n"
	       "\tcylinders\t16383\t16383\n"
	       "\theads\t\t16\t16\n"
	       "\tsectors/track\t63\t63\n"
	       "\t--\n"
	       "\tCHS current addressable sectors:    16514064\n"
	       "\tLBA    user addressable sectors:%12llu\n"
	       "\tLBA48  user addressable sectors:%12llu\n"
	       "\tLogical  Sector size:                   512 bytes\n"
	       "\tPhysical Sector size:                   512 bytes\n"
	       "\tdevice size with M = 1024*1024:%12llu MBytes\n"
	       "\tdevice size with M = 1000*1000:%12llu MBytes (%llu GB)\n"
	       "\tcache/buffer size  = unknown\n"
	       "\tNominal Media Rotation Rate: Solid State Device\n",
	       sectors > 0x0fffffff ? 0x0fffffffULL : sectors, sectors, bytes >> 20,
	       bytes / 1000000, bytes / 1000000000);
	printf("Capabilities:\n"
	       "\tLBA, IORDY(can be disabled)\n"
	       "\tQueue depth: 32\n"
	       "\tStandby timer values: spec'd by Standard\n"
	       "\tR/W multiple sector transfer: Max = 1\tCurrent = 1\n"
	       "\tDMA: mdma0 mdma1 *mdma2 udma0 udma1 udma2 udma3 udma4 udma5 *udma6 (?)\n"
	       "\t     Cycle time: min=120ns recommended=120ns\n"
	       "\tPIO: pio0 pio1 pio2 pio3 pio4 \n"
	       "\t     Cycle time: no flow control=120ns  IORDY flow control=120ns\n");
	fputs(features, stdout);
	return 0;
}

/* The bare call: the settings hdparm reads with BLKROGET, BLKRAGET, HDIO_GETGEO (the disk's
 * cylinders, the node's start) and BLKGETSIZE64 (the node's size: a partition's own). */
static int print_settings(const struct fn_disk *d, unsigned partno)
{
	unsigned long long sectors = sectors_of(d), start = 0, size = sectors;

	if (partno) {
		start = d->parts[partno - 1].start;
		size = d->parts[partno - 1].sectors;
	}
	if (d->kind == FN_DISK_SCSI)
		printf(" multcount     =  1 (on)\n");
	printf(" readonly      =  0 (off)\n"
	       " readahead     = 256 (on)\n"
	       " geometry      = %llu/255/63, sectors = %llu, start = %llu\n",
	       sectors / (255 * 63), size, start);
	return 0;
}

/* Which of -i and -I the options ask for; false for any other option. */
static bool read_options(int argc, char **argv, bool *identity, bool *identify)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			continue;
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'i')
				*identity = true;
			else if (*c == 'I')
				*identify = true;
			else
				return false;
		}
	}
	return true;
}

static int hdparm_main(const struct fn_shim_ctx *ctx, int argc, char **argv)
{
	bool identity = false, identify = false;
	int status = 0;

	if (!read_options(argc, argv, &identity, &identify)) {
		fn_shim_exec_real("hdparm", argv);
		fprintf(stderr, "hdparm: only -i and -I are answered for the identity's disks\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		unsigned partno = 0;
		const struct fn_disk *d =
		    argv[i][0] == '-' ? NULL : disk_named(ctx->id, argv[i], &partno);

		if (argv[i][0] == '-')
			continue;
		if (!d) {
			fflush(stdout);
			fprintf(stderr, "%s: No such file or directory\n", argv[i]);
			status = EXIT_NOENT;
			continue;
		}
		printf("\n%s:\n", argv[i]);
		if (identify)
			status = print_identify(d) ?: status;
		if (identity)
			status = print_identity(d) ?: status;
		if (!identity && !identify)
			print_settings(d, partno);
	}
	return status;
}

FN_SHIM_TOOL(hdparm_tool, {.name = "hdparm", .main = hdparm_main, .needs_identity = true});
