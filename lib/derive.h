/* Facts derived from the identity (broadcast, EUI-64, flags, route and neighbour tables).
 * Each is computed here and nowhere else, so no two views can derive it differently. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "identity.h"

/* Linux IFF_* bits, as SIOCGIFFLAGS reports them (RUNNING and LOWER_UP set when up). */
unsigned fn_iface_ioctl_flags(const struct fn_iface *iface);
/* dev->flags as /sys/class/net/X/flags shows it: without RUNNING/LOWER_UP (eth0 0x1003, lo 0x9). */
unsigned fn_iface_sysfs_flags(const struct fn_iface *iface);
/* "up", "down" or "unknown" (lo). */
const char *fn_iface_operstate(const struct fn_iface *iface);
/* ARPHRD_ETHER (1) or ARPHRD_LOOPBACK (772). */
int fn_iface_arphrd(const struct fn_iface *iface);
/* Default transmit queue length (1000 for every kind the identity knows). */
unsigned fn_iface_txqueuelen(const struct fn_iface *iface);
/* Where the interface lives in sysfs, relative to /sys: "devices/virtual/net/eth0" or
 * "devices/pci0000:00/0000:00:1f.6/net/eth0". */
const char *fn_iface_sysfs_devpath(const struct fn_iface *iface, char *buf, size_t len);

/* How the kernel says the MAC and the name were chosen (sysfs addr_assign_type, name_assign_type):
 * NET_ADDR_PERM 0 / NET_ADDR_SET 3; NET_NAME_ENUM 1, NET_NAME_PREDICTABLE 2 (lo), NET_NAME_USER 3
 * (veth made by `ip link add`), NET_NAME_RENAMED 4 (a NIC udev renamed). */
int fn_iface_addr_assign_type(const struct fn_iface *iface);
int fn_iface_name_assign_type(const struct fn_iface *iface);
/* The link-layer broadcast address (ff:ff:ff:ff:ff:ff; all zero for lo). */
struct fn_mac fn_iface_hw_broadcast(const struct fn_iface *iface);
/* Whether the driver answers ethtool link settings: veth and PCI ethernet do; lo and cfg80211
 * wireless do not, so their sysfs speed/duplex fail with EINVAL and ethtool shows no speed. */
bool fn_iface_has_link_settings(const struct fn_iface *iface);
/* The link settings the driver reports (ETHTOOL_GLINKSETTINGS), the one source of sysfs speed and
 * duplex, ethtool's Speed/Duplex, nm-tool's Speed and the preload's ethtool ioctl. False when the
 * driver has none (lo, wireless); `speed` is Mb/s or -1 when unknown, with duplex unknown. */
bool fn_iface_link_speed(const struct fn_iface *iface, int *speed, bool *full_duplex);
/* "full" or "unknown" (no known speed) as sysfs duplex and ethtool report it. */
const char *fn_iface_duplex(const struct fn_iface *iface);
/* Carrier transitions since the device was created: a link gets carrier off when created and on
 * once it is up (carrier_down_count 1, carrier_up_count 1); lo never changes. */
void fn_iface_carrier_counts(const struct fn_iface *iface, unsigned *up, unsigned *down);

/* The PCI function behind an ethernet or wireless NIC, as lspci and sysfs show it. */
struct fn_pci_ids {
	unsigned vendor, device, subsystem_vendor, subsystem_device;
	unsigned class_code; /* 24 bits: 0x020000 ethernet, 0x028000 other network (wireless) */
	unsigned revision;
	unsigned irq;
};

/* False for lo and veth, which sit on no bus. The identity's `pci:` IDs, else those of the model
 * of its driver (derive_hw.c). */
bool fn_iface_pci_ids(const struct fn_iface *iface, struct fn_pci_ids *ids);

/* A NIC model a driver drives (derive_hw.c): its PCI function and what the driver reports. */
struct fn_nic_model {
	const char *driver;
	struct fn_pci_ids pci;
	const char *fw;		  /* ethtool -i firmware-version */
	const char *const *stats; /* ethtool -S names, NULL-terminated */
};

/* The model behind a PCI interface: the one with the identity's `pci:` vendor and device among its
 * driver's, else the driver's usual one, else the usual one of its kind (e1000e, iwlwifi). */
const struct fn_nic_model *fn_iface_nic_model(const struct fn_iface *iface);
/* A wireless interface that is up is associated with its access point; the signal it hears, in
 * dBm. False for any other interface, or one not associated. */
bool fn_iface_wireless_signal(const struct fn_iface *iface, int *dbm);
/* Whether any interface of the identity is wireless. */
bool fn_identity_has_wireless(const struct fn_identity *id);
/* Whether any interface of the identity is a PCI NIC (ethernet or wireless), whose device no
 * veth of a network namespace has. */
bool fn_identity_has_pci(const struct fn_identity *id);
/* The IEEE 802.11 channel number of a 2.4, 5 or 6 GHz centre frequency (ieee80211_freq_khz_to_
 * channel), or -1 where no 20 MHz channel is centred. */
int fn_wireless_channel(unsigned mhz);
/* The channel an associated station uses around its access point's `mhz`: 80 MHz wide on 5 and
 * 6 GHz where the band has room, else 20 MHz; *center1 is the whole channel's centre. */
unsigned fn_wireless_width(unsigned mhz, unsigned *center1);
/* The wiphy (phyN) a wireless interface belongs to: one per card, numbered in the file's order. */
unsigned fn_iface_wiphy_index(const struct fn_identity *id, const struct fn_iface *iface);
/* The driver's ethtool statistics (ethtool -S) as names and values, in the driver's order: up to
 * `max` written to `names`/`values` (either may be NULL); returns how many the driver has. */
size_t fn_iface_ethtool_stats(const struct fn_iface *iface, const char **names,
			      unsigned long long *values, size_t max);

/* The broadcast address of an IPv4 prefix (/31 and /32 have none: returns 0.0.0.0). */
struct fn_ip fn_cidr_broadcast(const struct fn_cidr *c);
/* fe80::/64 link-local address built from the MAC (EUI-64, universal/local bit flipped). */
struct fn_ip fn_eui64_link_local(const struct fn_mac *mac);

/* The interface's addresses of one family, in the kernel's list order for that family.
 * IPv4: as written (lo: 127.0.0.1/8). IPv6: globals then the derived link-local (lo: ::1/128).
 * Returns the count; writes at most `max`. */
size_t fn_iface_addrs(const struct fn_iface *iface, int family, struct fn_cidr *out, size_t max);
/* The first IPv4 address of the interface, or NULL. */
const struct fn_cidr *fn_iface_primary_ipv4(const struct fn_iface *iface);

enum fn_rt_type {
	FN_RT_UNICAST,
	FN_RT_LOCAL,
	FN_RT_BROADCAST,
	FN_RT_MULTICAST,
	FN_RT_UNREACHABLE,
};

enum fn_rt_scope {
	FN_SCOPE_UNIVERSE = 0,
	FN_SCOPE_LINK = 253,
	FN_SCOPE_HOST = 254,
};

enum fn_rt_proto {
	FN_PROTO_KERNEL = 2, /* connected routes the kernel adds for an address */
	FN_PROTO_BOOT = 3,   /* `ip route add` without proto: the gateway and `routes:` */
};

/* One route as the kernel holds it. */
struct fn_rt {
	struct fn_cidr dst;
	bool has_gw;
	struct fn_ip gw;
	int ifindex;
	unsigned metric;
	enum fn_rt_type type;
	enum fn_rt_scope scope;
	enum fn_rt_proto proto;
	bool has_src;
	struct fn_ip src; /* prefsrc of a connected route */
	bool local_table; /* lives in table local (255), not main (254) */
};

struct fn_rtable {
	struct fn_rt *v;
	size_t n;
};

/* IPv4 table main, in the kernel's fib trie walk order (what /proc/net/route and `ip route` list).
 */
void fn_routes_ipv4(const struct fn_identity *id, struct fn_rtable *out);
/* Every IPv4 route of tables main and local (local addresses, broadcasts, loopback) in the order
 * the kernel inserts them; the shape of /proc/net/fib_trie depends on that order. */
void fn_routes_ipv4_fib(const struct fn_identity *id, struct fn_rtable *out);
/* The order of two IPv4 routes in a walk of the fib trie: by key, then as aliases of one leaf
 * (longer prefix first, table local before main, lower metric first); 0 keeps insertion order. */
int fn_rt_ipv4_walk_cmp(const struct fn_rt *a, const struct fn_rt *b);
/* IPv6 routes of main and local in /proc/net/ipv6_route order. */
void fn_routes_ipv6(const struct fn_identity *id, struct fn_rtable *out);
void fn_rtable_free(struct fn_rtable *t);

/* An IPv6 address that waits for DAD: one added with DAD (see fn_iface_addr_nodad) on a link that
 * is down never finishes it (if_inet6 flag 0x40, `ip` says "tentative", no local route). */
bool fn_iface_addr_tentative(const struct fn_iface *iface, const struct fn_cidr *addr);

/* The route the kernel would pick for `dst` (longest prefix, then lowest metric), with the source
 * address it would use. Returns false when unreachable. */
bool fn_route_lookup(const struct fn_identity *id, const struct fn_ip *dst, struct fn_rt *route,
		     struct fn_ip *src);

/* The neighbour table (gateway entry first, then `neighbors:`), IPv4 and IPv6, in the kernel's
 * listing order. The array is owned by the caller (free()). */
size_t fn_neighbor_table(const struct fn_identity *id, struct fn_neighbor **out);
/* Flags /proc/net/arp shows for a state: 0x6 permanent, 0x2 other valid states, 0x0
 * incomplete/failed. */
unsigned fn_nud_arp_flags(enum fn_nud state);
/* "PERMANENT", "REACHABLE", ... as ip neigh prints them. */
const char *fn_nud_name(enum fn_nud state);

/* The address the machine's own name resolves to (the hostname line of /etc/hosts, hostname -i):
 * the first IPv4 address of the first up interface other than lo, or NULL. */
const struct fn_cidr *fn_identity_host_address(const struct fn_identity *id);

/* What iproute2, ethtool and sysfs show beyond addresses (derive_iproute.c). */
/* The interface flags as `ip` names them, in its order ("NO-CARRIER" first for an up link without
 * carrier, then "BROADCAST", "MULTICAST", "UP", "LOWER_UP", ...). Returns the count. */
#define FN_LINK_FLAG_WORDS_MAX 16
size_t fn_iface_link_flag_words(const struct fn_iface *iface,
				const char *words[FN_LINK_FLAG_WORDS_MAX]);
/* The root qdisc `ip link` names: noqueue (lo, veth, mac80211 wireless with its own queues),
 * fq_codel (a PCI NIC under systemd's net.core.default_qdisc), noop (never brought up). */
const char *fn_iface_qdisc(const struct fn_iface *iface);
/* IF_LINK_MODE_*: 1 (dormant) for wireless, whose supplicant holds the link until it has
 * authenticated; 0 otherwise. `ip link` prints "mode DORMANT"/"mode DEFAULT". */
unsigned fn_iface_link_mode(const struct fn_iface *iface);
/* How often the carrier flipped since the device was created: a veth that came up once shows
 * 2 (off at creation, on, ...), one never brought up 1, lo 0. */
unsigned fn_iface_carrier_changes(const struct fn_iface *iface);
/* The MTU range the driver accepts (lo: 0/0, veth: 68/65535). */
void fn_iface_mtu_range(const struct fn_iface *iface, unsigned *min, unsigned *max);
/* Number of TX (= RX) queues: a veth gets one per possible CPU of the host, like the kernel's. */
unsigned fn_iface_num_queues(const struct fn_iface *iface);
/* rtnetlink address scope of an address on an interface (FN_SCOPE_HOST for 127/8 and ::1,
 * FN_SCOPE_LINK for fe80::/10, else FN_SCOPE_UNIVERSE). */
enum fn_rt_scope fn_addr_scope(const struct fn_cidr *addr);
/* IFA_F_NODAD: a global IPv6 address added without duplicate address detection, which only an
 * admin's (or a runtime's) explicit choice does (`ipv6_dad: false`). Never for link-local or IPv4.
 */
bool fn_iface_addr_nodad(const struct fn_iface *iface, const struct fn_cidr *addr);
/* Whether the kernel holds a broadcast address for this IPv4 address (not on lo, not /31, /32). */
bool fn_iface_addr_has_broadcast(const struct fn_iface *iface, const struct fn_cidr *addr);
/* IFA_F_SECONDARY: an IPv4 address in the same subnet as an earlier one on the interface. */
bool fn_iface_addr_secondary(const struct fn_iface *iface, const struct fn_cidr *addr);

/* What the net-tools views need beyond the tables (derive_nettools.c). */
/* RTF_* bits of a route as /proc/net/route (IPv4) or /proc/net/ipv6_route (IPv6) shows them. */
unsigned fn_rt_rtf_flags(const struct fn_rt *rt);
/* Whether a route of fn_routes_ipv4 is a row of /proc/net/route (main table, no broadcast or
 * multicast entries). */
bool fn_rt_in_proc_route(const struct fn_rt *rt);
/* The reference count /proc/net/ipv6_route shows: a quiet kernel's value (live ones move). */
unsigned fn_rt_ipv6_refcnt(const struct fn_rt *rt);
/* gethostbyaddr() through the identity's /etc/hosts only (never DNS): the canonical (first) name
 * of the first line holding `ip`. */
bool fn_hosts_name_for(const struct fn_identity *id, const struct fn_ip *ip, char *buf, size_t len);
/* gethostbyname() through the identity's /etc/hosts only: the first line naming `name`. */
bool fn_hosts_addr_for(const struct fn_identity *id, const char *name, int family,
		       struct fn_ip *out);
/* getnetbyaddr() through /etc/networks as Debian ships it (default, loopback, link-local), or NULL.
 */
const char *fn_networks_name_for(const struct fn_ip *net);

/* What ETHTOOL_GDRVINFO and ETHTOOL_GLINK report (derive_preload.c). */
struct fn_drvinfo {
	char driver[32], version[65], fw_version[32], bus_info[32];
	unsigned n_stats;
	bool supports_test, supports_eeprom, supports_regdump, supports_priv_flags;
};

/* False for lo, which has no driver information (ethtool -i: Operation not supported). */
bool fn_iface_drvinfo(const struct fn_iface *iface, struct fn_drvinfo *out);
/* ETHTOOL_GLINK: lo always has a link; any other interface has carrier while up. */
bool fn_iface_has_carrier(const struct fn_iface *iface);

/* The DMI product UUID as the kernel's product_uuid and dmidecode show it: 8-4-4-4-12 lowercase hex
 * digits, in the order the identity writes it (derive_system.c). */
#define FN_UUID_STRLEN 37
/* Any UUID (or GPT GUID) held in the order it is written, as that text. */
const char *fn_uuid_text(const uint8_t u[16], char buf[FN_UUID_STRLEN]);
const char *fn_dmi_uuid_text(const struct fn_dmi *dmi, char buf[FN_UUID_STRLEN]);
