/* The /sys/class/net tree: class links resolve into device directories, attribute files carry
 * the kernel's modes, values and read errors, and every link stays inside the tree. Expected
 * values are the kernel's (reference captures of a veth namespace, lo and a PCI NIC). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "identity.h"
#include "identity_parse.h"
#include "vfs.h"
#include "util.h"
#include "vfs_build.h"
#include "view_walk.h"

static const char identity_yaml[] = "version: 1\n"
				    "hostname: box\n"
				    "interfaces:\n"
				    "  - {name: eth0, kind: veth, mac: 02:42:ac:12:00:02,"
				    " addresses: [172.18.0.2/16], state: up}\n"
				    "  - {name: eth1, kind: veth, mac: 02:42:ac:13:00:05,"
				    " addresses: [10.9.8.7/24], state: down}\n"
				    "  - {name: eth2, kind: ethernet, mac: 3c:52:82:4e:91:0a,"
				    " addresses: [192.168.0.23/24], state: up}\n"
				    "  - {name: wlan0, kind: wireless, mac: 7c:b2:7d:15:c3:4f,"
				    " addresses: [192.168.1.57/24], state: up}\n";

struct fixture {
	struct fn_identity *id;
	struct fn_vfs *vfs;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct fn_diags diags;

	fn_diags_init(&diags, "test.yaml");
	f->id = fn_identity_load_buffer("test.yaml", identity_yaml, strlen(identity_yaml), &diags);
	fn_diags_print(&diags, stderr);
	fn_diags_free(&diags);
	if (!f->id) {
		free(f);
		return -1;
	}
	f->vfs = fn_vfs_build(f->id);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fn_vfs_free(f->vfs);
	fn_identity_free(f->id);
	free(f);
	return 0;
}

static const struct fn_node *resolve_file(void **state, const char *path)
{
	struct fixture *f = *state;
	const struct fn_node *n = fn_view_resolve(f->vfs, path);

	if (!n)
		fail_msg("%s does not resolve", path);
	assert_int_equal(n->type, FN_NODE_FILE);
	assert_int_equal(n->style, FN_FILE_SYSFS);
	return n;
}

static void assert_attr(void **state, const char *path, mode_t mode, const char *text)
{
	const struct fn_node *n = resolve_file(state, path);

	assert_int_equal(n->mode, mode);
	assert_int_equal(n->read_errno, 0);
	assert_int_equal(n->len, strlen(text));
	assert_memory_equal(n->content, text, n->len);
}

static void assert_read_fails(void **state, const char *path, mode_t mode, int err)
{
	const struct fn_node *n = resolve_file(state, path);

	assert_int_equal(n->mode, mode);
	assert_int_equal(n->read_errno, err);
}

static void assert_link(void **state, const char *path, const char *target)
{
	struct fixture *f = *state;
	/* Follow links on the way (as the kernel does for every component but the last). */
	char *dir = strdup(path), *slash = strrchr(dir, '/');
	const struct fn_node *n;

	*slash = '\0';
	n = fn_vfs_child(fn_view_resolve(f->vfs, dir), slash + 1);
	free(dir);
	if (!n)
		fail_msg("%s is missing", path);
	assert_int_equal(n->type, FN_NODE_LINK);
	assert_string_equal(n->content, target);
}

static void test_veth_class_link_and_attributes(void **state)
{
	assert_link(state, "/sys/class/net/eth0", "../../devices/virtual/net/eth0");
	assert_link(state, "/sys/devices/virtual/net/eth0/subsystem", "../../../../class/net");
	assert_attr(state, "/sys/class/net/eth0/address", 0444, "02:42:ac:12:00:02\n");
	assert_attr(state, "/sys/class/net/eth0/broadcast", 0444, "ff:ff:ff:ff:ff:ff\n");
	assert_attr(state, "/sys/class/net/eth0/flags", 0644, "0x1003\n");
	assert_attr(state, "/sys/class/net/eth0/dev_id", 0444, "0x0\n");
	assert_attr(state, "/sys/class/net/eth0/speed", 0444, "10000\n");
	assert_attr(state, "/sys/class/net/eth0/duplex", 0444, "full\n");
	assert_attr(state, "/sys/class/net/eth0/carrier", 0644, "1\n");
	assert_attr(state, "/sys/class/net/eth0/operstate", 0444, "up\n");
	assert_attr(state, "/sys/class/net/eth0/addr_assign_type", 0444, "3\n");
	assert_attr(state, "/sys/class/net/eth0/name_assign_type", 0444, "3\n");
	assert_attr(state, "/sys/class/net/eth0/carrier_changes", 0444, "2\n");
	assert_attr(state, "/sys/class/net/eth0/uevent", 0644, "INTERFACE=eth0\nIFINDEX=2\n");
	assert_attr(state, "/sys/class/net/eth0/statistics/rx_crc_errors", 0444, "0\n");
	assert_read_fails(state, "/sys/class/net/eth0/power/autosuspend_delay_ms", 0644, EIO);
}

static void test_lo_has_no_link_settings(void **state)
{
	assert_link(state, "/sys/class/net/lo", "../../devices/virtual/net/lo");
	assert_read_fails(state, "/sys/class/net/lo/speed", 0444, EINVAL);
	assert_read_fails(state, "/sys/class/net/lo/duplex", 0444, EINVAL);
	assert_read_fails(state, "/sys/class/net/lo/queues/tx-0/traffic_class", 0444, ENOENT);
	assert_attr(state, "/sys/class/net/lo/flags", 0644, "0x9\n");
	assert_attr(state, "/sys/class/net/lo/operstate", 0444, "unknown\n");
	assert_attr(state, "/sys/class/net/lo/type", 0444, "772\n");
	assert_attr(state, "/sys/class/net/lo/broadcast", 0444, "00:00:00:00:00:00\n");
	assert_attr(state, "/sys/class/net/lo/name_assign_type", 0444, "2\n");
	assert_attr(state, "/sys/class/net/lo/ifalias", 0644, "");
}

static void test_down_link_refuses_running_state(void **state)
{
	static const char *const refused[] = {"carrier", "speed", "duplex", "dormant", "testing"};

	for (size_t i = 0; i < N_ELEMENTS(refused); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/class/net/eth1/%s", refused[i]);
		assert_read_fails(state, path, strcmp(refused[i], "carrier") == 0 ? 0644 : 0444,
				  EINVAL);
	}
	assert_attr(state, "/sys/class/net/eth1/operstate", 0444, "down\n");
	assert_attr(state, "/sys/class/net/eth1/flags", 0644, "0x1002\n");
	assert_attr(state, "/sys/class/net/eth1/carrier_down_count", 0444, "1\n");
	assert_attr(state, "/sys/class/net/eth1/carrier_up_count", 0444, "0\n");
}

static void test_pci_nic_reaches_its_pci_function(void **state)
{
	struct fixture *f = *state;
	const struct fn_node *driver, *subsystem;

	assert_link(state, "/sys/class/net/eth2", "../../devices/pci0000:00/0000:00:19.0/net/eth2");
	assert_link(state, "/sys/class/net/eth2/device", "../../../0000:00:19.0");
	/* One level deeper than a virtual device, as the virtio capture shows for its depth. */
	assert_link(state, "/sys/class/net/eth2/subsystem", "../../../../../class/net");
	assert_link(state, "/sys/class/net/eth2/device/driver", "../../../bus/pci/drivers/e1000e");
	assert_attr(state, "/sys/class/net/eth2/device/vendor", 0444, "0x8086\n");
	assert_attr(state, "/sys/class/net/eth2/device/class", 0444, "0x020000\n");
	/* A NIC the kernel itself named ethN: NET_NAME_ENUM, as on the captured host. */
	assert_attr(state, "/sys/class/net/eth2/name_assign_type", 0444, "1\n");
	assert_attr(state, "/sys/class/net/eth2/addr_assign_type", 0444, "0\n");
	driver = fn_view_resolve(f->vfs, "/sys/class/net/eth2/device/driver");
	assert_non_null(driver);
	assert_ptr_equal(driver, fn_vfs_lookup(f->vfs, "/sys/bus/pci/drivers/e1000e"));
	subsystem = fn_view_resolve(f->vfs, "/sys/class/net/eth2/subsystem");
	assert_ptr_equal(subsystem, fn_vfs_lookup(f->vfs, "/sys/class/net"));
	assert_null(fn_vfs_lookup(f->vfs, "/sys/class/net/eth2/wireless"));
}

static void test_wireless_has_wiphy_and_no_link_settings(void **state)
{
	struct fixture *f = *state;
	const struct fn_node *wireless = fn_view_resolve(f->vfs, "/sys/class/net/wlan0/wireless");

	assert_non_null(wireless);
	assert_int_equal(wireless->type, FN_NODE_DIR);
	assert_link(state, "/sys/class/net/wlan0/phy80211", "../../ieee80211/phy0");
	assert_attr(state, "/sys/class/net/wlan0/phy80211/macaddress", 0444, "7c:b2:7d:15:c3:4f\n");
	assert_attr(state, "/sys/class/net/wlan0/uevent", 0644,
		    "DEVTYPE=wlan\nINTERFACE=wlan0\nIFINDEX=5\n");
	assert_attr(state, "/sys/class/net/wlan0/device/class", 0444, "0x028000\n");
	assert_read_fails(state, "/sys/class/net/wlan0/speed", 0444, EINVAL);
	assert_attr(state, "/sys/class/net/wlan0/carrier", 0644, "1\n");
}

static void check_subtree(const struct fn_vfs *vfs, const struct fn_node *n)
{
	char *path = fn_vfs_path(n);

	if (n->type == FN_NODE_LINK && !fn_view_resolve(vfs, path))
		fail_msg("%s -> %s leaves the tree", path, n->content);
	/* 0400: the root-only DMI serials, UUID and tables, as the kernel has them. */
	if (n->type == FN_NODE_FILE && n->mode != 0444 && n->mode != 0644 && n->mode != 0400)
		fail_msg("%s has mode %o", path, (unsigned)n->mode);
	/* Binary attributes (the SMBIOS tables) are sized by their content. */
	if (n->type == FN_NODE_FILE && n->style != FN_FILE_SYSFS && n->style != FN_FILE_SYSFS_BIN)
		fail_msg("%s is not a sysfs-style file", path);
	free(path);
	for (size_t i = 0; i < n->n_children; i++)
		check_subtree(vfs, n->children[i]);
}

static void test_every_link_resolves_inside_the_tree(void **state)
{
	struct fixture *f = *state;
	const struct fn_node *sys = fn_vfs_lookup(f->vfs, "/sys");

	assert_non_null(sys);
	check_subtree(f->vfs, sys);
}

/* A kernel mode: a PCI NIC's counters, speed and duplex read the reader's kernel files of the
 * link, keeping a sysfs attribute's lstat; /proc/net reads the reader's own but for wireless. */
static void test_kernel_mode_reads_the_kernels_files(void **state)
{
	struct fixture *f = *state;
	struct fn_vfs *vfs = fn_vfs_build(f->id);
	const struct fn_node *n;
	struct stat sz;

	fn_vfs_follow_kernel(vfs, f->id);
	n = fn_view_resolve(vfs, "/sys/class/net/eth2/statistics/rx_bytes");
	assert_non_null(n);
	assert_int_equal(n->type, FN_NODE_FILE);
	assert_true(fn_vfs_reads_real(n));
	assert_string_equal(n->passthrough,
			    "/proc/%d/root/sys/devices/virtual/net/eth2/statistics/rx_bytes");
	assert_int_equal(fn_vfs_stat(n, 0, lstat, stat, &sz), 0);
	assert_int_equal(sz.st_size, 4096);
	assert_int_equal(sz.st_blocks, 0);
	n = fn_view_resolve(vfs, "/sys/class/net/wlan0/speed");
	assert_true(fn_vfs_reads_real(n));
	assert_int_equal(n->read_errno, 0);
	assert_string_equal(n->passthrough, "/proc/%d/root/sys/devices/virtual/net/wlan0/speed");
	/* A PCI NIC's identity attributes stay the identity's. */
	assert_false(fn_vfs_reads_real(fn_view_resolve(vfs, "/sys/class/net/eth2/address")));
	n = fn_vfs_lookup(vfs, "/proc/net/route");
	assert_true(fn_vfs_reads_real(n));
	assert_string_equal(n->passthrough, "/proc/%d/net/route");
	assert_int_equal(fn_vfs_stat(n, 0, lstat, stat, &sz), 0);
	assert_int_equal(sz.st_size, 0);
	assert_false(fn_vfs_reads_real(fn_vfs_lookup(vfs, "/proc/net/wireless")));
	fn_vfs_free(vfs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_veth_class_link_and_attributes),
	    cmocka_unit_test(test_lo_has_no_link_settings),
	    cmocka_unit_test(test_down_link_refuses_running_state),
	    cmocka_unit_test(test_pci_nic_reaches_its_pci_function),
	    cmocka_unit_test(test_wireless_has_wiphy_and_no_link_settings),
	    cmocka_unit_test(test_every_link_resolves_inside_the_tree),
	    cmocka_unit_test(test_kernel_mode_reads_the_kernels_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
