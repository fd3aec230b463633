/* The hardware behind an interface: which PCI function a driver sits on (IDs as lspci shows them),
 * the firmware it reports and the statistics it keeps, so that no view pairs a driver with another
 * vendor's device (r8169 on an Intel ID) or a firmware with another card. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "derive.h"
#include "util.h"

static const char *const e1000e_stats[] = {"rx_packets",
					   "tx_packets",
					   "rx_bytes",
					   "tx_bytes",
					   "rx_broadcast",
					   "tx_broadcast",
					   "rx_multicast",
					   "tx_multicast",
					   "rx_errors",
					   "tx_errors",
					   "tx_dropped",
					   "multicast",
					   "collisions",
					   "rx_length_errors",
					   "rx_over_errors",
					   "rx_crc_errors",
					   "rx_frame_errors",
					   "rx_no_buffer_count",
					   "rx_missed_errors",
					   "tx_aborted_errors",
					   "tx_carrier_errors",
					   "tx_fifo_errors",
					   "tx_heartbeat_errors",
					   "tx_window_errors",
					   "tx_abort_late_coll",
					   "tx_deferred_ok",
					   "tx_single_coll_ok",
					   "tx_multi_coll_ok",
					   "tx_timeout_count",
					   "tx_restart_queue",
					   "rx_long_length_errors",
					   "rx_short_length_errors",
					   "rx_align_errors",
					   "tx_tcp_seg_good",
					   "tx_tcp_seg_failed",
					   "rx_flow_control_xon",
					   "rx_flow_control_xoff",
					   "tx_flow_control_xon",
					   "tx_flow_control_xoff",
					   "rx_csum_offload_good",
					   "rx_csum_offload_errors",
					   "rx_header_split",
					   "alloc_rx_buff_failed",
					   "tx_smbus",
					   "rx_smbus",
					   "dropped_smbus",
					   "rx_dma_failed",
					   "tx_dma_failed",
					   "rx_hwtstamp_cleared",
					   "uncorr_ecc_errors",
					   "corr_ecc_errors",
					   "tx_hwtstamp_timeouts",
					   "tx_hwtstamp_skipped",
					   NULL};

static const char *const igb_stats[] = {"rx_packets",
					"tx_packets",
					"rx_bytes",
					"tx_bytes",
					"rx_broadcast",
					"tx_broadcast",
					"rx_multicast",
					"tx_multicast",
					"multicast",
					"collisions",
					"rx_crc_errors",
					"rx_no_buffer_count",
					"rx_missed_errors",
					"tx_aborted_errors",
					"tx_carrier_errors",
					"tx_window_errors",
					"tx_abort_late_coll",
					"tx_deferred_ok",
					"tx_single_coll_ok",
					"tx_multi_coll_ok",
					"tx_timeout_count",
					"rx_long_length_errors",
					"rx_short_length_errors",
					"rx_align_errors",
					"tx_tcp_seg_good",
					"tx_tcp_seg_failed",
					"rx_flow_control_xon",
					"rx_flow_control_xoff",
					"tx_flow_control_xon",
					"tx_flow_control_xoff",
					"rx_long_byte_count",
					"tx_dma_out_of_sync",
					"tx_smbus",
					"rx_smbus",
					"dropped_smbus",
					"os2bmc_rx_by_bmc",
					"os2bmc_tx_by_bmc",
					"os2bmc_tx_by_host",
					"os2bmc_rx_by_host",
					"tx_hwtstamp_timeouts",
					"tx_hwtstamp_skipped",
					"rx_hwtstamp_cleared",
					"rx_errors",
					"tx_errors",
					"tx_dropped",
					"rx_length_errors",
					"rx_over_errors",
					"rx_frame_errors",
					"rx_fifo_errors",
					"tx_fifo_errors",
					"tx_heartbeat_errors",
					"tx_queue_0_packets",
					"tx_queue_0_bytes",
					"tx_queue_0_restart",
					"rx_queue_0_packets",
					"rx_queue_0_bytes",
					"rx_queue_0_drops",
					"rx_queue_0_csum_err",
					"rx_queue_0_alloc_failed",
					NULL};

static const char *const r8169_stats[] = {
    "tx_packets",   "rx_packets",	    "tx_errors",	   "rx_errors", "rx_missed",
    "align_errors", "tx_single_collisions", "tx_multi_collisions", "unicast",	"broadcast",
    "multicast",    "tx_aborted",	    "tx_underrun",	   NULL};

/* mac80211's own (ieee80211_get_stats), for a station associated to its access point. */
static const char *const mac80211_stats[] = {"rx_packets",	 "rx_bytes",
					     "rx_duplicates",	 "rx_fragments",
					     "rx_dropped",	 "tx_packets",
					     "tx_bytes",	 "tx_filtered",
					     "tx_retry_failed",	 "tx_retries",
					     "sta_state",	 "txrate",
					     "rxrate",		 "signal",
					     "channel",		 "noise",
					     "ch_active_time",	 "ch_busy_time",
					     "ch_busy_ext_time", "ch_rx_time",
					     "ch_tx_time",	 NULL};

#define PCI_ETHERNET 0x020000
#define PCI_NETWORK  0x028000 /* "Network controller", what wireless cards are */

static const struct fn_nic_model models[] = {
    /* Ethernet Connection (7) I219-LM, on board an HP desktop. */
    {"e1000e", {0x8086, 0x15bb, 0x103c, 0x83e2, PCI_ETHERNET, 0x10, 16}, "0.4-4", e1000e_stats},
    /* I210 Gigabit Network Connection. */
    {"igb",
     {0x8086, 0x1533, 0x8086, 0x0001, PCI_ETHERNET, 0x03, 17},
     "3.25, 0x800005d0",
     igb_stats},
    /* RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller (RTL8168h), on an ASUS board. */
    {"r8169",
     {0x10ec, 0x8168, 0x1043, 0x8677, PCI_ETHERNET, 0x15, 18},
     "rtl8168h-2_0.0.2 02/26/15",
     r8169_stats},
    /* Wi-Fi 6 AX200, with the firmware Debian 12's firmware-iwlwifi gives it. */
    {"iwlwifi",
     {0x8086, 0x2723, 0x8086, 0x0084, PCI_NETWORK, 0x1a, 17},
     "72.daa05125.0 cc-a0-72.ucode",
     mac80211_stats},
    /* Wireless 8265 / 8275. */
    {"iwlwifi",
     {0x8086, 0x24fd, 0x8086, 0x0010, PCI_NETWORK, 0x78, 17},
     "36.ca7b901d.0 8265-36.ucode",
     mac80211_stats},
};

#define N_MODELS (N_ELEMENTS(models))

static const struct fn_nic_model *model_of(const char *driver, unsigned vendor, unsigned device)
{
	const struct fn_nic_model *first = NULL;

	for (size_t i = 0; i < N_MODELS; i++) {
		if (strcmp(models[i].driver, driver) != 0)
			continue;
		if (models[i].pci.vendor == vendor && models[i].pci.device == device)
			return &models[i];
		if (!first)
			first = &models[i];
	}
	return first;
}

const struct fn_nic_model *fn_iface_nic_model(const struct fn_iface *iface)
{
	const struct fn_nic_model *m =
	    model_of(iface->driver, iface->pci_vendor, iface->pci_device);

	if (m)
		return m;
	return model_of(iface->kind == FN_KIND_WIRELESS ? "iwlwifi" : "e1000e", 0, 0);
}

bool fn_iface_pci_ids(const struct fn_iface *iface, struct fn_pci_ids *ids)
{
	if (iface->kind != FN_KIND_ETHERNET && iface->kind != FN_KIND_WIRELESS)
		return false;
	*ids = fn_iface_nic_model(iface)->pci;
	if (!iface->pci_vendor)
		return true;
	ids->vendor = iface->pci_vendor;
	ids->device = iface->pci_device;
	/* A card sold under its maker's name carries the maker's IDs as its subsystem too. */
	ids->subsystem_vendor =
	    iface->pci_subsystem_vendor ? iface->pci_subsystem_vendor : iface->pci_vendor;
	ids->subsystem_device =
	    iface->pci_subsystem_device ? iface->pci_subsystem_device : iface->pci_device;
	return true;
}

/* veth: its peer, then the XDP counters of its one queue pair in use. */
static const char *const veth_stats[] = {"peer_ifindex",
					 "rx_queue_0_xdp_packets",
					 "rx_queue_0_xdp_bytes",
					 "rx_queue_0_drops",
					 "rx_queue_0_xdp_redirect",
					 "rx_queue_0_xdp_drops",
					 "rx_queue_0_xdp_tx",
					 "rx_queue_0_xdp_tx_errors",
					 "tx_queue_0_xdp_xmit",
					 "tx_queue_0_xdp_xmit_errors",
					 NULL};

bool fn_iface_wireless_signal(const struct fn_iface *iface, int *dbm)
{
	if (iface->kind != FN_KIND_WIRELESS || !iface->up)
		return false;
	*dbm = iface->wireless.signal_dbm;
	return true;
}

static bool has_kind(const struct fn_identity *id, enum fn_iface_kind a, enum fn_iface_kind b)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (id->ifaces[i].kind == a || id->ifaces[i].kind == b)
			return true;
	return false;
}

bool fn_identity_has_wireless(const struct fn_identity *id)
{
	return has_kind(id, FN_KIND_WIRELESS, FN_KIND_WIRELESS);
}

bool fn_identity_has_pci(const struct fn_identity *id)
{
	return has_kind(id, FN_KIND_ETHERNET, FN_KIND_WIRELESS);
}

int fn_wireless_channel(unsigned mhz)
{
	if (mhz == 2484)
		return 14;
	if (mhz >= 2412 && mhz <= 2472 && (mhz - 2407) % 5 == 0)
		return (int)(mhz - 2407) / 5;
	if (mhz >= 5160 && mhz <= 5885 && mhz % 5 == 0)
		return (int)(mhz - 5000) / 5;
	if (mhz >= 5955 && mhz <= 7115 && (mhz - 5955) % 20 == 0)
		return (int)(mhz - 5950) / 5;
	return -1;
}

unsigned fn_wireless_width(unsigned mhz, unsigned *center1)
{
	/* The 5 GHz 80 MHz channels: first 20 MHz channel's centre and the whole one's. */
	static const unsigned blocks[][2] = {{5180, 5210}, {5260, 5290}, {5500, 5530},
					     {5580, 5610}, {5660, 5690}, {5745, 5775}};

	*center1 = mhz;
	for (size_t i = 0; i < N_ELEMENTS(blocks); i++)
		if (mhz >= blocks[i][0] && mhz < blocks[i][0] + 80 &&
		    (mhz - blocks[i][0]) % 20 == 0) {
			*center1 = blocks[i][1];
			return 80;
		}
	if (mhz >= 5955 && mhz <= 7115 && (mhz - 5955) % 20 == 0) {
		*center1 = 5955 + (mhz - 5955) / 80 * 80 + 30;
		return 80;
	}
	return 20;
}

unsigned fn_iface_wiphy_index(const struct fn_identity *id, const struct fn_iface *iface)
{
	unsigned n = 0;

	for (size_t i = 0; i < id->n_ifaces && &id->ifaces[i] != iface; i++)
		n += id->ifaces[i].kind == FN_KIND_WIRELESS;
	return n;
}

/* The value a counter has: the identity's traffic where the driver counts it, the link's facts
 * for the few that are not counters, else nothing happened. */
static unsigned long long stat_value(const struct fn_iface *iface, const char *name)
{
	const struct fn_iface_stats *s = &iface->stats;
	int dbm;

	if (strcmp(name, "peer_ifindex") == 0)
		return (unsigned long long)iface->iflink;
	if (strcmp(name, "rx_packets") == 0 || strcmp(name, "rx_queue_0_packets") == 0 ||
	    strcmp(name, "unicast") == 0)
		return s->rx_packets;
	if (strcmp(name, "tx_packets") == 0 || strcmp(name, "tx_queue_0_packets") == 0)
		return s->tx_packets;
	if (strcmp(name, "rx_bytes") == 0 || strcmp(name, "rx_queue_0_bytes") == 0 ||
	    strcmp(name, "rx_long_byte_count") == 0)
		return s->rx_bytes;
	if (strcmp(name, "tx_bytes") == 0 || strcmp(name, "tx_queue_0_bytes") == 0)
		return s->tx_bytes;
	if (!fn_iface_wireless_signal(iface, &dbm))
		return 0;
	if (strcmp(name, "sta_state") == 0)
		return 4; /* IEEE80211_STA_AUTHORIZED */
	if (strcmp(name, "txrate") == 0)
		return 866700000;
	if (strcmp(name, "rxrate") == 0)
		return 780000000;
	if (strcmp(name, "signal") == 0)
		return (uint8_t)dbm; /* mac80211 reports the dBm as an unsigned byte */
	if (strcmp(name, "channel") == 0)
		return 5180;
	return 0;
}

size_t fn_iface_ethtool_stats(const struct fn_iface *iface, const char **names,
			      unsigned long long *values, size_t max)
{
	const char *const *list;
	size_t n = 0;

	if (iface->kind == FN_KIND_LOOPBACK)
		return 0;
	list = iface->kind == FN_KIND_VETH ? veth_stats : fn_iface_nic_model(iface)->stats;
	for (; list[n]; n++) {
		if (n >= max)
			continue;
		if (names)
			names[n] = list[n];
		if (values)
			values[n] = stat_value(iface, list[n]);
	}
	return n;
}
