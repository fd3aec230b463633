/* The /sys view: /sys/class/net, the device directory behind each link with every attribute
 * net/core/net-sysfs.c gives that kind of interface, and the PCI function of a physical NIC. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "host_cpu.h"
#include "netaddr.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

#define SYSFS_PATH_MAX 256

/* Netdevice attributes are 0444, or 0644 where the kernel has a store method. */
#define RO 0444
#define RW 0644

/* The counters under statistics/: the fields of struct rtnl_link_stats64 that sysfs exports. */
static const char *const stat_names[] = {
    "collisions",	 "multicast",		"rx_bytes",	     "rx_compressed",
    "rx_crc_errors",	 "rx_dropped",		"rx_errors",	     "rx_fifo_errors",
    "rx_frame_errors",	 "rx_length_errors",	"rx_missed_errors",  "rx_nohandler",
    "rx_over_errors",	 "rx_packets",		"tx_aborted_errors", "tx_bytes",
    "tx_carrier_errors", "tx_compressed",	"tx_dropped",	     "tx_errors",
    "tx_fifo_errors",	 "tx_heartbeat_errors", "tx_packets",	     "tx_window_errors",
};

/* The helpers the disks' builder shares (vfs.h), by their short names here. */
#define attr	fn_vfs_sys_attr
#define sys_dir fn_vfs_sys_dir

struct fn_node *fn_vfs_sys_attr(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				mode_t mode, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	return fn_vfs_add_file(vfs, dir, name, mode, FN_FILE_SYSFS, text, strlen(text));
}

/* An attribute that exists (stat and open succeed) but whose read fails, as the kernel's show
 * method returning an error does. */
static struct fn_node *attr_error(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
				  mode_t mode, int err)
{
	struct fn_node *n = fn_vfs_add_file(vfs, dir, name, mode, FN_FILE_SYSFS, NULL, 0);

	n->read_errno = err;
	return n;
}

/* Number of leading path components `a` and `b` (both relative to /sys) have in common. */
static size_t common_components(const char *a, const char *b)
{
	size_t n = 0;

	for (;;) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");

		if (la == 0 || la != lb || strncmp(a, b, la) != 0)
			return n;
		n++;
		a += la + (a[la] == '/');
		b += lb + (b[lb] == '/');
	}
}

static size_t count_components(const char *path)
{
	size_t n = *path ? 1 : 0;

	for (const char *p = path; *p; p++)
		n += *p == '/';
	return n;
}

/* A link named `name` in directory `from` to `to` (both relative to /sys), with the target text
 * kernfs writes: up from `from` until reaching an ancestor of `to`'s parent, then down to `to`
 * ("device -> ../../../0000:00:1f.6", "subsystem -> ../../../../class/net"). */
static void link_within_sys(struct fn_vfs *vfs, struct fn_node *dir, const char *name,
			    const char *from, const char *to)
{
	char target[SYSFS_PATH_MAX * 2] = "", *to_parent = xstrdup(to), *slash;
	const char *rest = to;
	size_t common, ups;

	slash = strrchr(to_parent, '/');
	if (slash)
		*slash = '\0';
	else
		to_parent[0] = '\0';
	common = common_components(from, to_parent);
	ups = count_components(from) - common;
	for (size_t i = 0; i < common; i++)
		rest = strchr(rest, '/') + 1;
	for (size_t i = 0; i < ups; i++)
		strcat(target, "../");
	strcat(target, rest);
	fn_vfs_add_link(vfs, dir, name, target);
	free(to_parent);
}

void fn_vfs_sys_link(struct fn_vfs *vfs, struct fn_node *dir, const char *name, const char *from,
		     const char *to)
{
	link_within_sys(vfs, dir, name, from, to);
}

struct fn_node *fn_vfs_sys_dir(struct fn_vfs *vfs, const char *rel)
{
	char *abs = xasprintf("/sys/%s", rel);
	struct fn_node *dir = fn_vfs_mkdir_p(vfs, abs);

	free(abs);
	return dir;
}

/* An empty bitmap of `bits` bits as "%*pb" prints it: hex, in comma-separated 32-bit groups. */
static char *empty_mask(unsigned bits)
{
	unsigned groups = (bits + 31) / 32, first = bits - (groups - 1) * 32;
	char *s = xmalloc(groups * 9 + 1), *p = s;

	p += sprintf(p, "%0*u", (int)((first + 3) / 4), 0);
	for (unsigned i = 1; i < groups; i++)
		p += sprintf(p, ",%08u", 0);
	return s;
}

static void add_mask(struct fn_vfs *vfs, struct fn_node *dir, const char *name, unsigned bits)
{
	char *mask = empty_mask(bits);

	attr(vfs, dir, name, RW, "%s\n", mask);
	free(mask);
}

static void add_identity_attrs(struct fn_vfs *vfs, struct fn_node *dir,
			       const struct fn_iface *iface)
{
	char mac[FN_MAC_STRLEN];
	struct fn_mac brd = fn_iface_hw_broadcast(iface);

	attr(vfs, dir, "addr_assign_type", RO, "%d\n", fn_iface_addr_assign_type(iface));
	attr(vfs, dir, "addr_len", RO, "%d\n", 6);
	attr(vfs, dir, "address", RO, "%s\n", fn_mac_format(&iface->mac, false, mac));
	attr(vfs, dir, "broadcast", RO, "%s\n", fn_mac_format(&brd, false, mac));
	/* The kernel's "%#x" prints a zero as 0x0, unlike printf's. */
	attr(vfs, dir, "dev_id", RO, "0x%x\n", 0);
	attr(vfs, dir, "dev_port", RO, "%d\n", 0);
	/* Without an alias the kernel emits nothing at all, not an empty line. */
	attr(vfs, dir, "ifalias", RW, "%s", "");
	attr(vfs, dir, "ifindex", RO, "%d\n", iface->ifindex);
	attr(vfs, dir, "iflink", RO, "%d\n", iface->iflink);
	attr(vfs, dir, "name_assign_type", RO, "%d\n", fn_iface_name_assign_type(iface));
	attr(vfs, dir, "type", RO, "%d\n", fn_iface_arphrd(iface));
}

/* Attributes whose show method needs a running device (netif_running) fail with EINVAL on a
 * link that is down; speed and duplex also need the driver's ethtool link settings. */
static void add_link_state_attrs(struct fn_vfs *vfs, struct fn_node *dir,
				 const struct fn_iface *iface)
{
	bool running = iface->up;
	bool settings = running && fn_iface_has_link_settings(iface);
	unsigned ups, downs;

	fn_iface_carrier_counts(iface, &ups, &downs);
	attr(vfs, dir, "carrier_changes", RO, "%u\n", ups + downs);
	attr(vfs, dir, "carrier_down_count", RO, "%u\n", downs);
	attr(vfs, dir, "carrier_up_count", RO, "%u\n", ups);
	attr(vfs, dir, "flags", RW, "0x%x\n", fn_iface_sysfs_flags(iface));
	attr(vfs, dir, "link_mode", RO, "%d\n", 0);
	attr(vfs, dir, "mtu", RW, "%u\n", iface->mtu);
	attr(vfs, dir, "operstate", RO, "%s\n", fn_iface_operstate(iface));
	if (running) {
		attr(vfs, dir, "carrier", RW, "%d\n", 1);
		attr(vfs, dir, "dormant", RO, "%d\n", 0);
		attr(vfs, dir, "testing", RO, "%d\n", 0);
	} else {
		attr_error(vfs, dir, "carrier", RW, EINVAL);
		attr_error(vfs, dir, "dormant", RO, EINVAL);
		attr_error(vfs, dir, "testing", RO, EINVAL);
	}
	if (settings) {
		int speed;
		bool full;

		fn_iface_link_speed(iface, &speed, &full);
		attr(vfs, dir, "speed", RO, "%d\n", speed);
		attr(vfs, dir, "duplex", RO, "%s\n", fn_iface_duplex(iface));
	} else {
		attr_error(vfs, dir, "speed", RO, EINVAL);
		attr_error(vfs, dir, "duplex", RO, EINVAL);
	}
}

static void add_tuning_attrs(struct fn_vfs *vfs, struct fn_node *dir, const struct fn_iface *iface)
{
	attr(vfs, dir, "gro_flush_timeout", RW, "%d\n", 0);
	attr(vfs, dir, "napi_defer_hard_irqs", RW, "%d\n", 0);
	attr(vfs, dir, "netdev_group", RW, "%d\n", 0);
	attr(vfs, dir, "proto_down", RW, "%d\n", 0);
	attr(vfs, dir, "threaded", RW, "%d\n", 0);
	attr(vfs, dir, "tx_queue_len", RW, "%u\n", fn_iface_txqueuelen(iface));
}

static void add_uevent(struct fn_vfs *vfs, struct fn_node *dir, const struct fn_iface *iface)
{
	/* cfg80211 gives its netdevs the device type "wlan"; the driver core lists it first. */
	const char *devtype = iface->kind == FN_KIND_WIRELESS ? "DEVTYPE=wlan\n" : "";

	attr(vfs, dir, "uevent", RW, "%sINTERFACE=%s\nIFINDEX=%d\n", devtype, iface->name,
	     iface->ifindex);
}

static void add_statistics(struct fn_vfs *vfs, struct fn_node *dev, const struct fn_iface *iface)
{
	struct fn_node *dir = fn_vfs_add_dir(vfs, dev, "statistics", 0755);

	for (size_t i = 0; i < N_ELEMENTS(stat_names); i++) {
		const char *name = stat_names[i];
		unsigned long long value = 0;

		if (strcmp(name, "rx_bytes") == 0)
			value = iface->stats.rx_bytes;
		else if (strcmp(name, "rx_packets") == 0)
			value = iface->stats.rx_packets;
		else if (strcmp(name, "tx_bytes") == 0)
			value = iface->stats.tx_bytes;
		else if (strcmp(name, "tx_packets") == 0)
			value = iface->stats.tx_packets;
		attr(vfs, dir, name, RO, "%llu\n", value);
	}
}

/* One rx and one tx queue for every kind. veth allocates a queue slot per possible CPU (only one
 * in use), which makes it "multiqueue"; lo, e1000e and mac80211 netdevs have a single slot, and
 * for them traffic_class and xps_cpus fail with ENOENT. */
static void add_queues(struct fn_vfs *vfs, struct fn_node *dev, const struct fn_iface *iface,
		       unsigned cpus)
{
	struct fn_node *queues = fn_vfs_add_dir(vfs, dev, "queues", 0755);
	struct fn_node *rx = fn_vfs_add_dir(vfs, queues, "rx-0", 0755);
	struct fn_node *tx = fn_vfs_add_dir(vfs, queues, "tx-0", 0755);
	unsigned slots = iface->kind == FN_KIND_VETH ? cpus : 1;

	add_mask(vfs, rx, "rps_cpus", cpus);
	attr(vfs, rx, "rps_flow_cnt", RW, "%d\n", 0);
	if (slots > 1) {
		attr(vfs, tx, "traffic_class", RO, "%d\n", 0);
		add_mask(vfs, tx, "xps_cpus", cpus);
	} else {
		attr_error(vfs, tx, "traffic_class", RO, ENOENT);
		attr_error(vfs, tx, "xps_cpus", RW, ENOENT);
	}
	attr(vfs, tx, "tx_maxrate", RW, "%d\n", 0);
	attr(vfs, tx, "tx_timeout", RO, "%d\n", 0);
	add_mask(vfs, tx, "xps_rxqs", slots);
}

/* Runtime PM is never enabled for a netdev: the same five files everywhere. */
static void add_power(struct fn_vfs *vfs, struct fn_node *dev)
{
	struct fn_node *dir = fn_vfs_add_dir(vfs, dev, "power", 0755);

	attr_error(vfs, dir, "autosuspend_delay_ms", RW, EIO);
	attr(vfs, dir, "control", RW, "auto\n");
	attr(vfs, dir, "runtime_active_time", RO, "%d\n", 0);
	attr(vfs, dir, "runtime_status", RO, "unsupported\n");
	attr(vfs, dir, "runtime_suspended_time", RO, "%d\n", 0);
}

static const char *driver_name(const struct fn_iface *iface)
{
	if (iface->driver[0])
		return iface->driver;
	return iface->kind == FN_KIND_WIRELESS ? "iwlwifi" : "e1000e";
}

/* "devices/pci0000:00/0000:00:1f.6" from "devices/pci0000:00/0000:00:1f.6/net/eth0". */
static void pci_function_path(const char *devpath, char *out, size_t len)
{
	const char *net = strstr(devpath, "/net/");
	size_t n = net ? (size_t)(net - devpath) : strlen(devpath);

	snprintf(out, len, "%.*s", (int)n, devpath);
}

/* The PCI function directory: what lspci-like fingerprinting reads (IDs, class, driver). */
static void add_pci_function(struct fn_vfs *vfs, const struct fn_iface *iface, const char *pcipath)
{
	struct fn_pci_ids pci, *ids = &pci;
	const char *slot = strrchr(pcipath, '/') + 1;
	const char *driver = driver_name(iface);
	struct fn_node *dir = sys_dir(vfs, pcipath);
	char rel[SYSFS_PATH_MAX], *modalias;

	if (!fn_iface_pci_ids(iface, &pci) || fn_vfs_child(dir, "vendor"))
		return;
	modalias =
	    xasprintf("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", ids->vendor, ids->device,
		      ids->subsystem_vendor, ids->subsystem_device, ids->class_code >> 16,
		      (ids->class_code >> 8) & 0xff, ids->class_code & 0xff);
	attr(vfs, dir, "class", RO, "0x%06x\n", ids->class_code);
	attr(vfs, dir, "device", RO, "0x%04x\n", ids->device);
	attr(vfs, dir, "enable", RW, "%d\n", 1);
	attr(vfs, dir, "irq", RO, "%u\n", ids->irq);
	attr(vfs, dir, "modalias", RO, "%s\n", modalias);
	attr(vfs, dir, "revision", RO, "0x%02x\n", ids->revision);
	attr(vfs, dir, "subsystem_device", RO, "0x%04x\n", ids->subsystem_device);
	attr(vfs, dir, "subsystem_vendor", RO, "0x%04x\n", ids->subsystem_vendor);
	attr(vfs, dir, "uevent", RW,
	     "DRIVER=%s\nPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
	     "PCI_SLOT_NAME=%s\nMODALIAS=%s\n",
	     driver, ids->class_code, ids->vendor, ids->device, ids->subsystem_vendor,
	     ids->subsystem_device, slot, modalias);
	attr(vfs, dir, "vendor", RO, "0x%04x\n", ids->vendor);
	free(modalias);

	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	link_within_sys(vfs, dir, "driver", pcipath, rel);
	link_within_sys(vfs, dir, "subsystem", pcipath, "bus/pci");
	link_within_sys(vfs, sys_dir(vfs, rel), slot, rel, pcipath);
	link_within_sys(vfs, sys_dir(vfs, "bus/pci/devices"), slot, "bus/pci/devices", pcipath);
}

/* The wiphy (phyN) a wireless netdev belongs to, under the same PCI function, and the netdev's
 * wireless bits: the phy80211 link and the (now empty) wireless group. */
static void add_wiphy(struct fn_vfs *vfs, struct fn_node *netdev, const struct fn_iface *iface,
		      const char *devpath, const char *pcipath, unsigned phy)
{
	char name[16], mac[FN_MAC_STRLEN], *path;
	struct fn_node *dir;

	snprintf(name, sizeof(name), "phy%u", phy);
	path = xasprintf("%s/ieee80211/%s", pcipath, name);
	dir = sys_dir(vfs, path);
	fn_mac_format(&iface->permanent_mac, false, mac);
	attr(vfs, dir, "address_mask", RO, "00:00:00:00:00:00\n");
	attr(vfs, dir, "addresses", RO, "%s\n", mac);
	attr(vfs, dir, "index", RO, "%u\n", phy);
	attr(vfs, dir, "macaddress", RO, "%s\n", mac);
	attr(vfs, dir, "name", RO, "%s\n", name);
	attr(vfs, dir, "uevent", RW, "%s", "");
	link_within_sys(vfs, dir, "device", path, pcipath);
	link_within_sys(vfs, dir, "subsystem", path, "class/ieee80211");
	link_within_sys(vfs, sys_dir(vfs, "class/ieee80211"), name, "class/ieee80211", path);

	link_within_sys(vfs, netdev, "phy80211", devpath, path);
	/* cfg80211 netdevs keep a "wireless" group with no attributes left in it: tools test for
	 * the directory to tell a wireless interface. */
	fn_vfs_add_dir(vfs, netdev, "wireless", 0755);
	free(path);
}

static void add_netdev(struct fn_vfs *vfs, const struct fn_identity *id,
		       const struct fn_iface *iface, unsigned cpus)
{
	char devpath[SYSFS_PATH_MAX], pcipath[SYSFS_PATH_MAX];
	struct fn_node *dir;
	bool pci = iface->kind == FN_KIND_ETHERNET || iface->kind == FN_KIND_WIRELESS;

	fn_iface_sysfs_devpath(iface, devpath, sizeof(devpath));
	dir = sys_dir(vfs, devpath);
	add_identity_attrs(vfs, dir, iface);
	add_link_state_attrs(vfs, dir, iface);
	add_tuning_attrs(vfs, dir, iface);
	add_uevent(vfs, dir, iface);
	add_statistics(vfs, dir, iface);
	add_queues(vfs, dir, iface, cpus);
	add_power(vfs, dir);
	link_within_sys(vfs, dir, "subsystem", devpath, "class/net");
	if (pci) {
		pci_function_path(devpath, pcipath, sizeof(pcipath));
		add_pci_function(vfs, iface, pcipath);
		link_within_sys(vfs, dir, "device", devpath, pcipath);
		if (iface->kind == FN_KIND_WIRELESS)
			add_wiphy(vfs, dir, iface, devpath, pcipath,
				  fn_iface_wiphy_index(id, iface));
	}
	link_within_sys(vfs, sys_dir(vfs, "class/net"), iface->name, "class/net", devpath);
}

void fn_vfs_build_sys(struct fn_vfs *vfs, const struct fn_identity *id)
{
	/* Possible CPUs: the width of every cpumask sysfs prints. Not a network fact but the
	 * host's; the reader's /proc/cpuinfo is real, so the masks must agree with it. */
	unsigned cpus = fn_host_possible_cpus();

	/* The parents exist even when no interface lives under them. */
	sys_dir(vfs, "class/net");
	sys_dir(vfs, "devices/virtual/net");
	for (size_t i = 0; i < id->n_ifaces; i++)
		add_netdev(vfs, id, &id->ifaces[i], cpus);
}

/* The file `rel` under dev (a file, or every file of a directory) reads the reader's real
 * /sys/devices/virtual/net/NAME/rel. */
static void read_kernel_attr(struct fn_node *n, const char *name, const char *rel)
{
	char *tmpl;

	if (n->type == FN_NODE_DIR) {
		for (size_t i = 0; i < n->n_children; i++) {
			char *sub = xasprintf("%s/%s", rel, n->children[i]->name);

			read_kernel_attr(n->children[i], name, sub);
			free(sub);
		}
		return;
	}
	if (n->type != FN_NODE_FILE)
		return;
	tmpl = xasprintf("/proc/%%d/root/sys/devices/virtual/net/%s/%s", name, rel);
	fn_vfs_read_real(n, tmpl);
	free(tmpl);
}

void fn_vfs_sys_follow_kernel(struct fn_vfs *vfs, const struct fn_identity *id)
{
	static const char *const kernel_attrs[] = {"statistics", "speed", "duplex"};

	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		char devpath[SYSFS_PATH_MAX], *path;
		struct fn_node *dev;

		if (iface->kind != FN_KIND_ETHERNET && iface->kind != FN_KIND_WIRELESS)
			continue;
		path =
		    xasprintf("/sys/%s", fn_iface_sysfs_devpath(iface, devpath, sizeof(devpath)));
		dev = fn_vfs_lookup(vfs, path);
		free(path);
		for (size_t k = 0; dev && k < N_ELEMENTS(kernel_attrs); k++) {
			struct fn_node *n = fn_vfs_child(dev, kernel_attrs[k]);

			if (n)
				read_kernel_attr(n, iface->name, kernel_attrs[k]);
		}
	}
}
