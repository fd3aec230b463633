/* iw 5.19's reports for a managed station of a mac80211 driver (interface.c print_iface_handler,
 * link.c): what nl80211 tells of the interface, and of its link while associated. A station that
 * is down has no SSID, channel or transmit power to report, and no link. */
#include "derive.h"
#include "netaddr.h"
#include "render.h"

/* One interface as print_iface_handler prints it; `indent` is "\t" under a phy#N line (`iw dev`),
 * "" for `iw dev IF info`, which also names the wiphy. */
static void iface_block(const struct fn_identity *id, const struct fn_iface *iface,
			const char *indent, bool wiphy, struct fn_buf *out)
{
	const struct fn_wireless *w = &iface->wireless;
	unsigned phy = fn_iface_wiphy_index(id, iface), center1, width;
	char mac[FN_MAC_STRLEN];

	fn_buf_printf(out, "%sInterface %s\n", indent, iface->name);
	fn_buf_printf(out, "%s\tifindex %d\n", indent, iface->ifindex);
	/* cfg80211 numbers a wireless device (wiphy index << 32) | n, counting from 1 per wiphy. */
	fn_buf_printf(out, "%s\twdev 0x%llx\n", indent, ((unsigned long long)phy << 32) | 1);
	fn_buf_printf(out, "%s\taddr %s\n", indent, fn_mac_format(&iface->mac, false, mac));
	if (iface->up)
		fn_buf_printf(out, "%s\tssid %s\n", indent, w->ssid);
	fn_buf_printf(out, "%s\ttype managed\n", indent);
	if (wiphy)
		fn_buf_printf(out, "%s\twiphy %u\n", indent, phy);
	if (iface->up) {
		width = fn_wireless_width(w->freq_mhz, &center1);
		fn_buf_printf(out, "%s\tchannel %d (%u MHz), width: %u MHz, center1: %u MHz\n",
			      indent, fn_wireless_channel(w->freq_mhz), w->freq_mhz, width,
			      center1);
		fn_buf_printf(out, "%s\ttxpower %d.00 dBm\n", indent, w->tx_power_dbm);
	}
	/* mac80211's multicast queue, idle: parse_txq_stats's header and one row of zeros. */
	fn_buf_printf(out,
		      "%s\tmulticast TXQ:\n%s\t\tqsz-byt\tqsz-pkt\tflows\tdrops\tmarks\toverlmt\t"
		      "hashcol\ttx-bytes\ttx-packets\n%s\t",
		      indent, indent, indent);
	for (int i = 0; i < 9; i++)
		fn_buf_printf(out, "\t%u", 0u);
	fn_buf_printf(out, "\n");
}

void render_iw_dev(const struct fn_identity *id, struct fn_buf *out)
{
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];

		if (iface->kind != FN_KIND_WIRELESS)
			continue;
		fn_buf_printf(out, "phy#%u\n", fn_iface_wiphy_index(id, iface));
		iface_block(id, iface, "\t", false, out);
	}
}

void render_iw_info(const struct fn_identity *id, const struct fn_iface *iface, struct fn_buf *out)
{
	iface_block(id, iface, "", true, out);
}

void render_iw_link(const struct fn_iface *iface, struct fn_buf *out)
{
	const struct fn_wireless *w = &iface->wireless;
	char bssid[FN_MAC_STRLEN];
	int dbm;

	if (!fn_iface_wireless_signal(iface, &dbm)) {
		fn_buf_printf(out, "Not connected.\n");
		return;
	}
	fn_buf_printf(out, "Connected to %s (on %s)\n", fn_mac_format(&w->bssid, false, bssid),
		      iface->name);
	fn_buf_printf(out, "\tSSID: %s\n\tfreq: %u\n", w->ssid, w->freq_mhz);
	/* The station's counters are 32-bit in iw's link report. */
	fn_buf_printf(out, "\tRX: %u bytes (%u packets)\n", (unsigned)iface->stats.rx_bytes,
		      (unsigned)iface->stats.rx_packets);
	fn_buf_printf(out, "\tTX: %u bytes (%u packets)\n", (unsigned)iface->stats.tx_bytes,
		      (unsigned)iface->stats.tx_packets);
	fn_buf_printf(out, "\tsignal: %d dBm\n", dbm);
	fn_buf_printf(out, "\trx bitrate: %u.%u MBit/s\n", w->bitrate / 10, w->bitrate % 10);
	fn_buf_printf(out, "\ttx bitrate: %u.%u MBit/s\n", w->bitrate / 10, w->bitrate % 10);
	fn_buf_printf(out,
		      "\n\tbss flags:\tshort-slot-time\n\tdtim period:\t1\n\tbeacon int:\t100\n");
}
