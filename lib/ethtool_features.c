/* Offload features per driver, as `ethtool -k` shows them: the states veth and lo have on a
 * Linux 6.x kernel, and those e1000e/igb/r8169 (PCI gigabit NICs) and mac80211 drivers set.
 * A feature not listed for a driver is one it does not offer: "off [fixed]". */
#include <string.h>

#include "ethtool_features.h"
#include "util.h"

struct feature_state {
	const char *name, *state;
};

static const struct feature_state veth_features[] = {
    {"rx-checksum", "on"},
    {"tx-checksum-ip-generic", "on"},
    {"tx-checksum-sctp", "on"},
    {"tx-scatter-gather", "on"},
    {"tx-scatter-gather-fraglist", "on"},
    {"tx-tcp-segmentation", "on"},
    {"tx-tcp-ecn-segmentation", "on"},
    {"tx-tcp-mangleid-segmentation", "on"},
    {"tx-tcp6-segmentation", "on"},
    {"tx-tcp-accecn-segmentation", "on"},
    {"tx-generic-segmentation", "on"},
    {"rx-gro", "off"},
    {"rx-vlan-hw-parse", "on"},
    {"tx-vlan-hw-insert", "on"},
    {"highdma", "on"},
    {"tx-gre-segmentation", "on"},
    {"tx-gre-csum-segmentation", "on"},
    {"tx-ipxip4-segmentation", "on"},
    {"tx-ipxip6-segmentation", "on"},
    {"tx-udp_tnl-segmentation", "on"},
    {"tx-udp_tnl-csum-segmentation", "on"},
    {"tx-sctp-segmentation", "on"},
    {"tx-udp-segmentation", "on"},
    {"tx-gso-list", "on"},
    {"tx-nocache-copy", "off"},
    {"tx-vlan-stag-hw-insert", "on"},
    {"rx-vlan-stag-hw-parse", "on"},
    {"rx-gro-list", "off"},
    {"rx-udp-gro-forwarding", "off"},
    {NULL, NULL},
};

static const struct feature_state lo_features[] = {
    {"rx-checksum", "on [fixed]"},
    {"tx-checksum-ip-generic", "on [fixed]"},
    {"tx-checksum-sctp", "on [fixed]"},
    {"tx-scatter-gather", "on [fixed]"},
    {"tx-scatter-gather-fraglist", "on [fixed]"},
    {"tx-tcp-segmentation", "on"},
    {"tx-tcp-ecn-segmentation", "on"},
    {"tx-tcp-mangleid-segmentation", "on"},
    {"tx-tcp6-segmentation", "on"},
    {"tx-tcp-accecn-segmentation", "on"},
    {"tx-generic-segmentation", "on"},
    {"rx-gro", "on"},
    {"highdma", "on [fixed]"},
    {"vlan-challenged", "on [fixed]"},
    {"tx-sctp-segmentation", "on"},
    {"tx-udp-segmentation", "on"},
    {"tx-gso-list", "on"},
    {"loopback", "on [fixed]"},
    {"rx-gro-list", "off"},
    {"rx-udp-gro-forwarding", "off"},
    {NULL, NULL},
};

/* An Intel or Realtek gigabit NIC: checksums, TSO and VLAN offload in hardware. */
static const struct feature_state gigabit_features[] = {
    {"rx-checksum", "on"},
    {"tx-checksum-ip-generic", "on"},
    {"tx-scatter-gather", "on"},
    {"tx-tcp-segmentation", "on"},
    {"tx-tcp-mangleid-segmentation", "off"},
    {"tx-tcp6-segmentation", "on"},
    {"tx-generic-segmentation", "on"},
    {"rx-gro", "on"},
    {"rx-vlan-hw-parse", "on"},
    {"tx-vlan-hw-insert", "on"},
    {"rx-hashing", "on"},
    {"highdma", "on [fixed]"},
    {"rx-vlan-filter", "on [fixed]"},
    {"tx-nocache-copy", "off"},
    {"rx-fcs", "off"},
    {"rx-all", "off"},
    {"rx-gro-list", "off"},
    {"rx-udp-gro-forwarding", "off"},
    {NULL, NULL},
};

/* mac80211 on an iwlwifi card: checksums and scatter-gather the card does, nothing to change. */
static const struct feature_state wireless_features[] = {
    {"rx-checksum", "on [fixed]"},
    {"tx-checksum-ipv4", "on [fixed]"},
    {"tx-checksum-ipv6", "on [fixed]"},
    {"tx-scatter-gather", "on [fixed]"},
    {"tx-generic-segmentation", "on"},
    {"rx-gro", "on"},
    {"highdma", "on [fixed]"},
    {"tx-nocache-copy", "off"},
    {"rx-gro-list", "off"},
    {"rx-udp-gro-forwarding", "off"},
    {NULL, NULL},
};

const char *fn_iface_feature_state(const struct fn_iface *iface, const char *name)
{
	const struct feature_state *t = iface->kind == FN_KIND_LOOPBACK	  ? lo_features
					: iface->kind == FN_KIND_VETH	  ? veth_features
					: iface->kind == FN_KIND_WIRELESS ? wireless_features
									  : gigabit_features;

	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t->state;
	return "off [fixed]";
}

const char *const fn_features_6_1[] = {
    "tx-scatter-gather",
    "tx-checksum-ipv4",
    "tx-checksum-ip-generic",
    "tx-checksum-ipv6",
    "highdma",
    "tx-scatter-gather-fraglist",
    "tx-vlan-hw-insert",
    "rx-vlan-hw-parse",
    "rx-vlan-filter",
    "vlan-challenged",
    "tx-generic-segmentation",
    "tx-lockless",
    "netns-local",
    "rx-gro",
    "rx-lro",
    "tx-tcp-segmentation",
    "tx-gso-robust",
    "tx-tcp-ecn-segmentation",
    "tx-tcp-mangleid-segmentation",
    "tx-tcp6-segmentation",
    "tx-fcoe-segmentation",
    "tx-gre-segmentation",
    "tx-gre-csum-segmentation",
    "tx-ipxip4-segmentation",
    "tx-ipxip6-segmentation",
    "tx-udp_tnl-segmentation",
    "tx-udp_tnl-csum-segmentation",
    "tx-gso-partial",
    "tx-tunnel-remcsum-segmentation",
    "tx-sctp-segmentation",
    "tx-esp-segmentation",
    "tx-udp-segmentation",
    "tx-gso-list",
    "tx-checksum-fcoe-crc",
    "tx-checksum-sctp",
    "fcoe-mtu",
    "rx-ntuple-filter",
    "rx-hashing",
    "rx-checksum",
    "tx-nocache-copy",
    "loopback",
    "rx-fcs",
    "rx-all",
    "tx-vlan-stag-hw-insert",
    "rx-vlan-stag-hw-parse",
    "rx-vlan-stag-filter",
    "l2-fwd-offload",
    "hw-tc-offload",
    "esp-hw-offload",
    "esp-tx-csum-hw-offload",
    "rx-udp_tunnel-port-offload",
    "tls-hw-tx-offload",
    "tls-hw-rx-offload",
    "rx-gro-hw",
    "tls-hw-record",
    "rx-gro-list",
    "macsec-hw-offload",
    "rx-udp-gro-forwarding",
    "hsr-tag-ins-offload",
    "hsr-tag-rm-offload",
    "hsr-fwd-offload",
    "hsr-dup-offload",
};
const size_t fn_n_features_6_1 = N_ELEMENTS(fn_features_6_1);
