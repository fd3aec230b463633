/* The network identity model: parsed and validated once from YAML, then read-only.
 * Every view (fakefs file, shim output, hosts line, curl answer) is rendered from this struct
 * alone. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

#define FN_IFNAMSIZ 16
/* The most interfaces an identity may list (lo not counted): `fakenet check` runs a dozen probes
 * per interface, each reading views that grow with the count, so far more would not check in
 * reasonable time. */
#define FN_MAX_IFACES 256

enum fn_iface_kind {
	FN_KIND_LOOPBACK, /* lo: implicit, always ifindex 1 */
	FN_KIND_VETH,	  /* container veth: /sys/devices/virtual/net, eth0@ifN in ip */
	FN_KIND_ETHERNET, /* PCI NIC: /sys/devices/pci0000:00/.../net, a device link */
	FN_KIND_WIRELESS, /* PCI wireless NIC, same shape as ethernet plus wireless bits */
};

enum fn_nud {
	FN_NUD_PERMANENT,
	FN_NUD_REACHABLE,
	FN_NUD_STALE,
	FN_NUD_DELAY,
	FN_NUD_PROBE,
	FN_NUD_INCOMPLETE,
	FN_NUD_FAILED,
	FN_NUD_NOARP,
};

enum fn_http_fail {
	FN_HTTP_ANSWER = 0,   /* a status and a body */
	FN_HTTP_REFUSED,      /* curl (7) */
	FN_HTTP_UNRESOLVABLE, /* curl (6) */
	FN_HTTP_TIMEOUT,      /* curl (28), bounded by -m */
};

enum fn_nettools_style {
	FN_NETTOOLS_2_10, /* "inet 1.2.3.4  netmask ..." */
	FN_NETTOOLS_1_60, /* "inet addr:1.2.3.4  Bcast:..." */
};

/* `network:`, the mode `fakenet run` uses when --net is not given. */
enum fn_net_mode {
	FN_NET_HOST,	 /* the host's network */
	FN_NET_ISOLATED, /* a namespace holding the identity, no way out */
	FN_NET_FILTERED, /* isolated, plus egress restricted to an allowlist */
	FN_NET_NAT,	 /* isolated, plus egress through the identity's gateway */
	FN_NET_AUTO,	 /* nat where it can be had, else host (the default) */
	FN_NET_N_MODES
};
/* The modes' names, as `network:` and --net spell them, indexed by the enum. */
extern const char *const fn_net_mode_names[FN_NET_N_MODES + 1];

/* An IPv4 or IPv6 address in network byte order; family is AF_INET or AF_INET6. */
struct fn_ip {
	int family;
	uint8_t bytes[16];
};

struct fn_cidr {
	struct fn_ip ip;
	unsigned prefix;
};

struct fn_mac {
	uint8_t b[6];
};

/* Where a value stood in the YAML file, for diagnostics raised after parsing. */
struct fn_loc {
	unsigned line, column; /* 1-based; 0 when the value is implied */
};

/* Interface counters: fixed values from the identity (default 0), shown by /proc/net/dev, sysfs
 * statistics/, ifconfig and ip -s. A live kernel's counters move; a fake one's stand still. */
struct fn_iface_stats {
	uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets;
};

/* `wireless:` (a wireless interface): the access point it is associated with while up, as
 * iwconfig, iw and /proc/net/wireless show it. Every field has a default. */
struct fn_wireless {
	char ssid[33];	     /* 1..32 bytes */
	struct fn_mac bssid; /* the access point's MAC */
	unsigned freq_mhz;   /* a 2.4, 5 or 6 GHz channel's centre frequency */
	int tx_power_dbm;    /* 0..30 */
	unsigned bitrate;    /* the transmit bit rate, in 100 kbit/s (8667: 866.7 Mb/s) */
	int signal_dbm;	     /* -110..-1 */
};

struct fn_iface {
	char name[FN_IFNAMSIZ];
	enum fn_iface_kind kind;
	int ifindex; /* lo 1, then the order of the file: 2, 3, ... */
	int iflink;  /* veth: the peer's ifindex (`peer_ifindex:`), else = ifindex */
	struct fn_mac mac;
	struct fn_mac permanent_mac; /* `permanent_mac:`, default = mac */
	struct fn_cidr *addrs; /* as written, IPv4 and IPv6; the EUI-64 link-local is derived */
	size_t n_addrs;
	unsigned mtu;	      /* default 1500 (lo 65536) */
	bool up;	      /* state: up | down */
	bool ipv6_link_local; /* derive fe80::EUI-64 (default true; lo never) */
	bool ipv6_dad;	   /* global IPv6 addresses went through DAD (default true; else nodad) */
	char driver[32];   /* `driver:`; default veth / e1000e / iwlwifi / (none for lo) */
	char pci_slot[16]; /* ethernet/wireless: "0000:00:XX.Y", derived from position */
	/* `pci:` (ethernet/wireless): the function's IDs; 0 where the driver's default applies. */
	unsigned pci_vendor, pci_device, pci_subsystem_vendor, pci_subsystem_device;
	int speed; /* Mb/s for sysfs/ethtool; -1 unknown; default per kind */
	struct fn_iface_stats stats;
	struct fn_wireless wireless; /* kind wireless only */
	struct fn_loc loc;
};

struct fn_route {
	struct fn_cidr to;
	bool has_via;
	struct fn_ip via;
	int ifindex; /* resolved: the interface whose connected subnet holds `via`, or `dev:` */
	unsigned metric;
	struct fn_loc loc;
};

struct fn_neighbor {
	struct fn_ip ip;
	struct fn_mac mac;
	enum fn_nud state;
	int ifindex; /* resolved from the connected subnets, or `dev:` */
	struct fn_loc loc;
};

struct fn_host_entry {
	struct fn_ip ip;
	char **names;
	size_t n_names;
};

struct fn_http_rule {
	char *url_pattern; /* PCRE2, matched against the full URL */
	int status;	   /* default 200 */
	char *body;	   /* default "" */
	char **headers;	   /* "Name: value" lines, optional */
	size_t n_headers;
	enum fn_http_fail fail;
	struct fn_loc loc;
};

/* `system:`: the machine beyond its network (fakenet-identity(5)). Every string is printable
 * ASCII; each limit is the room the real source has for it. */
#define FN_MACHINE_ID_LEN  32 /* lowercase hex digits of /etc/machine-id */
#define FN_DMI_STRLEN	   64 /* an SMBIOS string, as the kernel and dmidecode show it */
#define FN_CPU_VENDOR_LEN  12 /* cpuid leaf 0: "GenuineIntel" */
#define FN_CPU_MODEL_LEN   48 /* cpuid leaves 0x80000002..4: the brand string */
#define FN_DISK_NAMSIZ	   16 /* "sda", "nvme0n1" */
#define FN_DISK_MODEL_LEN  40 /* ATA IDENTIFY words 27..46; NVMe mn */
#define FN_DISK_SERIAL_LEN 20 /* ATA IDENTIFY words 10..19; NVMe sn */
#define FN_DISK_FW_LEN	   8  /* ATA IDENTIFY words 23..26; NVMe fr */
/* Disk sizes the identity may give: 1 MiB up to 1 PiB, whole 512-byte sectors. */
#define FN_DISK_MIN_SIZE (1ULL << 20)
#define FN_DISK_MAX_SIZE (1ULL << 50)
/* Partitions: GPT's, at most the 15 an sd disk has minors for, on 1 MiB (2048-sector) boundaries;
 * GPT keeps the first 2048 sectors' tail and the last 33 (the backup table) for itself. */
#define FN_DISK_MAX_PARTS   15
#define FN_PART_ALIGN	    2048 /* sectors */
#define FN_GPT_TAIL_SECTORS 33

/* The DMI strings, in the order of /sys/class/dmi/id; fn_dmi_names gives the file (and key) names.
 */
enum fn_dmi_string {
	FN_DMI_BIOS_VENDOR,
	FN_DMI_BIOS_VERSION,
	FN_DMI_BIOS_DATE,
	FN_DMI_SYS_VENDOR,
	FN_DMI_PRODUCT_NAME,
	FN_DMI_PRODUCT_VERSION,
	FN_DMI_PRODUCT_SERIAL,
	FN_DMI_PRODUCT_SKU,
	FN_DMI_PRODUCT_FAMILY,
	FN_DMI_BOARD_VENDOR,
	FN_DMI_BOARD_NAME,
	FN_DMI_BOARD_VERSION,
	FN_DMI_BOARD_SERIAL,
	FN_DMI_BOARD_ASSET_TAG,
	FN_DMI_CHASSIS_VENDOR,
	FN_DMI_CHASSIS_VERSION,
	FN_DMI_CHASSIS_SERIAL,
	FN_DMI_CHASSIS_ASSET_TAG,
	FN_DMI_N_STRINGS
};
extern const char *const fn_dmi_names[FN_DMI_N_STRINGS + 1];

/* SMBIOS chassis types (System Enclosure, type 3): 1 Other .. 0x24 Stick PC. */
#define FN_CHASSIS_TYPE_MAX 0x24

struct fn_dmi {
	char str[FN_DMI_N_STRINGS][FN_DMI_STRLEN + 1]; /* "" is SMBIOS's "Not Specified" */
	uint8_t uuid[16];      /* product_uuid, in the order it is written */
	unsigned chassis_type; /* 1..FN_CHASSIS_TYPE_MAX */
};

/* `system.cpu`: the identification lines of /proc/cpuinfo; the rest stays the host's. */
struct fn_cpu {
	bool given; /* false: /proc/cpuinfo is the host's own */
	char vendor[FN_CPU_VENDOR_LEN + 1];
	char model_name[FN_CPU_MODEL_LEN + 1];
	unsigned family; /* as /proc/cpuinfo shows it: base plus extended family */
	unsigned model;	 /* base plus extended model */
	unsigned stepping;
};

enum fn_disk_kind {
	FN_DISK_SCSI, /* sdX: SATA/SCSI through the sd driver */
	FN_DISK_NVME, /* nvmeXnY */
};

/* What a GPT entry's type GUID says a partition holds (`type:`, in fn_part_type_names' order). */
enum fn_part_type {
	FN_PART_LINUX, /* Linux filesystem data: the default */
	FN_PART_EFI,   /* EFI system partition */
	FN_PART_SWAP,  /* Linux swap */
};
extern const char *const fn_part_type_names[];

/* A partition of a disk, in 512-byte sectors, and its GPT entry's type and unique GUID. */
struct fn_partition {
	uint64_t start, sectors;
	enum fn_part_type type;
	uint8_t uuid[16];
};

struct fn_disk {
	char name[FN_DISK_NAMSIZ];
	enum fn_disk_kind kind;
	char model[FN_DISK_MODEL_LEN + 1];
	char serial[FN_DISK_SERIAL_LEN + 1];
	char firmware[FN_DISK_FW_LEN + 1];
	uint64_t size; /* bytes, a whole number of 512-byte sectors */
	/* `partitions:`, numbered 1..n in order; when not given, one spanning the disk. */
	struct fn_partition parts[FN_DISK_MAX_PARTS];
	size_t n_parts;
	uint8_t table_uuid[16]; /* the GPT disk GUID */
	struct fn_loc loc;
};

struct fn_system {
	/* From `machine_id:`, else derived from the hostname and MACs: never the host's. */
	char machine_id[FN_MACHINE_ID_LEN + 1];
	bool machine_id_given;
	struct fn_dmi dmi; /* always complete: what `dmi:` leaves out has a plausible default */
	struct fn_cpu cpu;
	struct fn_disk *disks; /* `disks:` in file order; none when not given */
	size_t n_disks;
};

struct fn_identity {
	char *source; /* file name, or "docker.yaml (built in)" */
	char hostname[65];
	struct fn_iface *ifaces; /* ifaces[0] is lo; then the file's interfaces in order */
	size_t n_ifaces;
	bool has_gateway;
	struct fn_ip gateway_ip;
	struct fn_mac gateway_mac;
	enum fn_nud
	    gateway_state;	 /* `gateway.state`, default reachable (learned, not set by hand) */
	int gateway_ifindex;	 /* the interface whose connected subnet holds the gateway */
	struct fn_route *routes; /* `routes:` only; connected and default routes are derived */
	size_t n_routes;
	struct fn_neighbor *neighbors; /* `neighbors:` only; the gateway's entry is derived */
	size_t n_neighbors;
	struct fn_ip *nameservers;
	size_t n_nameservers;
	char **dns_search;
	size_t n_dns_search;
	char **dns_options;
	size_t n_dns_options;
	struct fn_host_entry *hosts;
	size_t n_hosts;
	char **blocked;
	size_t n_blocked;
	bool has_public_ip;
	struct fn_ip public_ip;
	struct fn_http_rule *http;
	size_t n_http;
	enum fn_nettools_style nettools;
	enum fn_net_mode network;
	struct fn_system system;
};

void fn_identity_free(struct fn_identity *id);

const struct fn_iface *fn_identity_iface_by_name(const struct fn_identity *id, const char *name);
const struct fn_iface *fn_identity_iface_by_index(const struct fn_identity *id, int ifindex);
