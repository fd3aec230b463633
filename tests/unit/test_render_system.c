/* The CPU and disk renderers in corners the scenario tests (tests/system-disks.bats) do not
 * reach: a cpuinfo of several processors with the keys' own tab padding, a host file without a
 * final newline, the ATA IDENTIFY integrity word (ATA8-ACS 7.16.7.97: all 512 bytes sum to 0),
 * the kernel's sd numbering past sdz, libata's INQUIRY answers, and the topology the SMBIOS
 * processor records take from cpuinfo on hosts unlike the test machine (two sockets, hardware
 * threads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_cpu.h"
#include "identity.h"
#include "render.h"
#include "render_cpuinfo.h"
#include "render_disks.h"

static const struct fn_cpu intel = {
    .given = true,
    .vendor = "GenuineIntel",
    .model_name = "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
    .family = 6,
    .model = 142,
    .stepping = 10,
};

/* One processor as an x86 kernel prints it (arch/x86/kernel/cpu/proc.c); the host has two. */
#define HOST_PROCESSOR(n)                                                                          \
	"processor\t: " n "\n"                                                                     \
	"vendor_id\t: AuthenticAMD\n"                                                              \
	"cpu family\t: 26\n"                                                                       \
	"model\t\t: 2\n"                                                                           \
	"model name\t: AMD EPYC\n"                                                                 \
	"stepping\t: 1\n"                                                                          \
	"cpu MHz\t\t: 2096.040\n"                                                                  \
	"flags\t\t: fpu vme\n"                                                                     \
	"\n"
static const char host_cpuinfo[] = HOST_PROCESSOR("0") HOST_PROCESSOR("1");

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *rewrite(const struct fn_cpu *cpu, const char *host)
{
	struct fn_buf b;
	size_t len;

	fn_buf_init(&b);
	render_cpuinfo(cpu, host, strlen(host), &b);
	return fn_buf_steal(&b, &len);
}

static void test_cpuinfo_every_processor(void **state)
{
	char *out = rewrite(&intel, host_cpuinfo);
	const char *one = "vendor_id\t: GenuineIntel\n"
			  "cpu family\t: 6\n"
			  "model\t\t: 142\n"
			  "model name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\n"
			  "stepping\t: 10\n"
			  "cpu MHz\t\t: 2096.040\n";
	const char *first = strstr(out, one);

	(void)state;
	assert_non_null(first);
	assert_non_null(strstr(first + 1, one));
	assert_null(strstr(out, "AMD"));
	assert_non_null(strstr(out, "processor\t: 1\n"));
	/* The host's lines: only the five identification values differ. */
	assert_int_equal(count_lines(out), count_lines(host_cpuinfo));
	assert_non_null(
	    strstr(out, "cpu MHz\t\t: 2096.040\nflags\t\t: fpu vme\n\nprocessor\t: 1\n"));
	free(out);
}

static void test_cpuinfo_not_given_is_host(void **state)
{
	struct fn_cpu none = {0};
	char *out = rewrite(&none, "model\t\t: 2\nflags\t\t: fpu");

	(void)state;
	assert_string_equal(out, "model\t\t: 2\nflags\t\t: fpu");
	free(out);
	out = rewrite(&intel, "model\t\t: 2");
	assert_string_equal(out, "model\t\t: 142");
	free(out);
}

/* The processor record's source when the identity names none: the first block's five lines, the
 * keys' tab padding skipped; a text without them (not x86) gives none. */
static void test_cpuinfo_first_processor(void **state)
{
	static const char arm[] = "processor\t: 0\nBogoMIPS\t: 48.00\n\n";
	static const char late[] = "processor\t: 0\n\nmodel\t\t: 3\n";
	struct fn_cpu cpu;
	char mhz[16];

	(void)state;
	assert_true(cpuinfo_first_processor(host_cpuinfo, strlen(host_cpuinfo), &cpu));
	assert_true(cpu.given);
	assert_string_equal(cpu.vendor, "AuthenticAMD");
	assert_string_equal(cpu.model_name, "AMD EPYC");
	assert_int_equal(cpu.family, 26);
	assert_int_equal(cpu.model, 2);
	assert_int_equal(cpu.stepping, 1);
	assert_true(
	    cpuinfo_first_value(host_cpuinfo, strlen(host_cpuinfo), "cpu MHz", mhz, sizeof(mhz)));
	assert_string_equal(mhz, "2096.040");
	/* arm64's layout: no vendor_id, and a key past the first block is not the first's. */
	assert_false(cpuinfo_first_processor(arm, strlen(arm), &cpu));
	assert_false(cpuinfo_first_value(late, strlen(late), "model", mhz, sizeof(mhz)));
}

/* One logical processor's topology lines as x86's proc.c prints them. */
#define TOPO_PROCESSOR(n, socket, core)                                                            \
	"processor\t: " n "\n"                                                                     \
	"vendor_id\t: GenuineIntel\n"                                                              \
	"physical id\t: " socket "\n"                                                              \
	"siblings\t: 4\n"                                                                          \
	"core id\t\t: " core "\n"                                                                  \
	"cpu cores\t: 2\n"                                                                         \
	"\n"
/* Two sockets (physical ids 0 and 3), two cores each, two threads per core. */
static const char two_sockets[] = TOPO_PROCESSOR("0", "0", "0") TOPO_PROCESSOR("1", "0", "1")
    TOPO_PROCESSOR("2", "3", "0") TOPO_PROCESSOR("3", "3", "1") TOPO_PROCESSOR("4", "0", "0")
	TOPO_PROCESSOR("5", "0", "1") TOPO_PROCESSOR("6", "3", "0") TOPO_PROCESSOR("7", "3", "1");

static void test_cpu_topology(void **state)
{
	struct fn_cpu_topology t;

	(void)state;
	fn_cpu_topology(two_sockets, strlen(two_sockets), &t);
	assert_int_equal(t.n_cpus, 8);
	assert_int_equal(t.sockets, 2);
	assert_int_equal(t.cores, 2);
	assert_int_equal(t.threads, 4);
	/* The test machine's layout: no hardware threads, one socket. */
	fn_cpu_topology(host_cpuinfo, strlen(host_cpuinfo), &t);
	assert_int_equal(t.n_cpus, 2);
	assert_int_equal(t.sockets, 1);
	assert_int_equal(t.cores, 2);
	assert_int_equal(t.threads, 2);
	/* No /proc/cpuinfo: the possible CPUs, one socket, a thread per core. */
	fn_cpu_topology(NULL, 0, &t);
	assert_int_equal(t.n_cpus, fn_host_possible_cpus());
	assert_int_equal(t.sockets, 1);
	assert_int_equal(t.cores, t.n_cpus);
	assert_int_equal(t.threads, t.cores);
}

/* The structures of an SMBIOS table: each one's type, handle and formatted area. */
struct smbios_walk {
	unsigned n;
	unsigned type[16], handle[16];
	const unsigned char *f[16];
};

static void walk_smbios(const unsigned char *t, size_t len, struct smbios_walk *w)
{
	size_t pos = 0;

	w->n = 0;
	while (pos + 4 <= len && w->n < 16) {
		const unsigned char *f = t + pos;

		w->type[w->n] = f[0];
		w->handle[w->n] = f[2] | (unsigned)f[3] << 8;
		w->f[w->n++] = f;
		pos += f[1];
		/* The string set ends at the first double NUL. */
		while (pos + 1 < len && (t[pos] || t[pos + 1]))
			pos++;
		pos += 2;
	}
	assert_int_equal(pos, len);
}

/* A two-socket host: a processor record per socket, each with cpuinfo's cores ("cpu cores") and
 * threads ("siblings"); every structure's handle its own, in table order, the end's too. */
static void test_smbios_processor_per_socket(void **state)
{
	struct fn_identity id;
	struct smbios_cpu shown = {.cpu = &intel, .mhz = 1900};
	struct smbios_walk w;
	struct fn_buf b;
	size_t len;
	unsigned char *t;
	unsigned n_proc = 0;

	(void)state;
	memset(&id, 0, sizeof(id));
	fn_cpu_topology(two_sockets, strlen(two_sockets), &shown.topo);
	fn_buf_init(&b);
	render_smbios_table(&id, &shown, &b);
	t = (unsigned char *)fn_buf_steal(&b, &len);
	walk_smbios(t, len, &w);
	assert_int_equal(w.n, 7);
	for (unsigned i = 0; i < w.n; i++) {
		assert_int_equal(w.handle[i], i);
		if (w.type[i] != 4)
			continue;
		n_proc++;
		assert_int_equal(w.f[i][0x23], 2); /* core count, enabled, thread count */
		assert_int_equal(w.f[i][0x24], 2);
		assert_int_equal(w.f[i][0x25], 4);
		assert_int_equal(w.f[i][0x2a] | w.f[i][0x2b] << 8, 2);
		assert_int_equal(w.f[i][0x2e] | w.f[i][0x2f] << 8, 4);
		/* Multi-core and hardware thread among the characteristics. */
		assert_int_equal(w.f[i][0x26] & 0x18, 0x18);
	}
	assert_int_equal(n_proc, 2);
	assert_int_equal(w.type[w.n - 1], 127);
	/* The baseboard names the chassis by its handle. */
	assert_int_equal(w.type[2], 2);
	assert_int_equal(w.f[2][0x0b], w.handle[3]);
	free(t);
}

static struct fn_disk sata = {
    .name = "sda",
    .kind = FN_DISK_SCSI,
    .model = "Samsung SSD 860 EVO 500GB",
    .serial = "S3Z2NB0K123456A",
    .firmware = "RVT04B6Q",
    .size = 500107862016ULL,
};

static void test_ata_identify_integrity(void **state)
{
	uint16_t id[256];
	uint8_t sum = 0;
	const uint8_t *bytes = (const uint8_t *)id;

	(void)state;
	for (int readable = 0; readable < 2; readable++) {
		fn_disk_ata_identify(&sata, id, readable);
		sum = 0;
		for (int i = 0; i < 512; i++)
			sum = (uint8_t)(sum + bytes[i]);
		if (!readable)
			assert_int_equal(sum, 0);
		assert_int_equal(id[255] & 0xff, 0xa5);
	}
	/* The sector count in words 100..103 (LBA48). */
	fn_disk_ata_identify(&sata, id, 0);
	assert_int_equal((uint64_t)id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32,
			 500107862016ULL / 512);
	/* ATA strings: the first character in the high byte of each word. */
	assert_int_equal(id[27] >> 8, 'S');
	assert_int_equal(id[27] & 0xff, 'a');
	fn_disk_ata_identify(&sata, id, 1);
	assert_memory_equal((const char *)&id[27], "Samsung SSD 860 EVO 500GB       ", 32);
	assert_memory_equal((const char *)&id[10], "S3Z2NB0K123456A     ", 20);
}

static void test_sd_numbers(void **state)
{
	struct fn_disk disks[3] = {sata, sata, sata};
	struct fn_system sys = {.disks = disks, .n_disks = 3};
	struct fn_disk_place p;

	(void)state;
	strcpy(disks[1].name, "sdb");
	strcpy(disks[2].name, "sdaa");
	fn_disk_place(&sys, 0, &p);
	assert_int_equal(p.major, 8);
	assert_int_equal(p.minor, 0);
	fn_disk_place(&sys, 1, &p);
	assert_int_equal(p.minor, 16);
	assert_string_equal(p.block, "devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/"
				     "1:0:0:0/block/sdb");
	/* sdz is the 26th disk (index 25), sdaa the 27th. */
	fn_disk_place(&sys, 2, &p);
	assert_int_equal(p.minor, 26 * 16);
}

/* Partition names as the kernel makes them: the number after the disk's name, after a 'p' when
 * that name ends in a digit; partition 0 is the disk. */
static void test_partition_names(void **state)
{
	char name[32];

	(void)state;
	fn_disk_partition_name("sda", 1, name, sizeof(name));
	assert_string_equal(name, "sda1");
	fn_disk_partition_name("sdab", 15, name, sizeof(name));
	assert_string_equal(name, "sdab15");
	fn_disk_partition_name("nvme0n1", 2, name, sizeof(name));
	assert_string_equal(name, "nvme0n1p2");
	fn_disk_partition_name("nvme0n1", 0, name, sizeof(name));
	assert_string_equal(name, "nvme0n1");
}

/* The root filesystem's partition: the largest Linux filesystem one (an installer's root beside
 * its EFI and swap partitions), the first of equal ones; none on a bare disk. */
static void test_root_partition(void **state)
{
	struct fn_disk d = sata;

	(void)state;
	assert_int_equal(fn_disk_root_partition(&d), 0);
	d.n_parts = 3;
	d.parts[0] = (struct fn_partition){.start = 2048, .sectors = 1048576};
	d.parts[1] = (struct fn_partition){.start = 1050624, .sectors = 900000000};
	d.parts[2] = (struct fn_partition){.start = 901050368, .sectors = 16777216};
	assert_int_equal(fn_disk_root_partition(&d), 2);
	d.parts[2].sectors = 900000000;
	assert_int_equal(fn_disk_root_partition(&d), 2);
	/* The root is a Linux filesystem's: never the EFI system or the swap partition. */
	d.parts[0].type = FN_PART_EFI;
	d.parts[0].sectors = 2000000000;
	d.parts[1].type = FN_PART_SWAP;
	assert_int_equal(fn_disk_root_partition(&d), 3);
	d.parts[2].type = FN_PART_SWAP;
	assert_int_equal(fn_disk_root_partition(&d), 0);
	d.parts[0].type = FN_PART_LINUX;
	d.n_parts = 1;
	assert_int_equal(fn_disk_root_partition(&d), 1);
}

static void test_inquiry(void **state)
{
	uint8_t buf[64];
	char model[17], rev[5];

	(void)state;
	assert_int_equal(fn_disk_inquiry(&sata, 0x80, buf, sizeof(buf)), 24);
	assert_int_equal(buf[1], 0x80);
	assert_int_equal(buf[3], 20);
	assert_memory_equal(buf + 4, "S3Z2NB0K123456A     ", 20);
	assert_int_equal(fn_disk_inquiry(&sata, -1, buf, sizeof(buf)), 36);
	assert_memory_equal(buf + 8, "ATA     Samsung SSD 860 4B6Q", 28);
	fn_disk_scsi_model(&sata, model);
	fn_disk_scsi_rev(&sata, rev);
	assert_string_equal(model, "Samsung SSD 860 ");
	assert_string_equal(rev, "4B6Q");
	/* A four-character firmware revision is shown whole. */
	strcpy(sata.firmware, "1.0");
	fn_disk_scsi_rev(&sata, rev);
	assert_string_equal(rev, "1.0 ");
	strcpy(sata.firmware, "RVT04B6Q");
	/* Short reads get the first bytes. */
	assert_int_equal(fn_disk_inquiry(&sata, 0x80, buf, 4), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpuinfo_every_processor),
	    cmocka_unit_test(test_cpuinfo_not_given_is_host),
	    cmocka_unit_test(test_cpuinfo_first_processor),
	    cmocka_unit_test(test_cpu_topology),
	    cmocka_unit_test(test_smbios_processor_per_socket),
	    cmocka_unit_test(test_ata_identify_integrity),
	    cmocka_unit_test(test_sd_numbers),
	    cmocka_unit_test(test_partition_names),
	    cmocka_unit_test(test_root_partition),
	    cmocka_unit_test(test_inquiry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
