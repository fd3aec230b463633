/* /proc/net/wireless: the wireless-extensions statistics cfg80211 gives for each wireless netdev
 * (net/wireless/wext-proc.c, cfg80211_wireless_stats): an associated station reports its signal
 * as level (dBm) and quality (the signal clamped to -110..-40, plus 110); the noise is invalid. A
 * station not associated shows a line of zeros. */
#include "derive.h"
#include "render.h"

#define WIRELESS_EXT 22

void render_proc_net_wireless(const struct fn_identity *id, struct fn_buf *out)
{
	fn_buf_printf(out,
		      "Inter-| sta-|   Quality        |   Discarded packets               | Missed "
		      "| WE\n"
		      " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon "
		      "| %d\n",
		      WIRELESS_EXT);
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct fn_iface *iface = &id->ifaces[i];
		int dbm, qual = 0, level = 0, noise = 0;
		char mark = ' ';

		if (iface->kind != FN_KIND_WIRELESS)
			continue;
		if (fn_iface_wireless_signal(iface, &dbm)) {
			qual = (dbm < -110 ? -110 : dbm > -40 ? -40 : dbm) + 110;
			level = dbm;
			noise =
			    -256; /* 0 read as dBm: IW_QUAL_DBM is set, the noise never updated */
			mark = '.';
		}
		fn_buf_printf(out, "%6s: %04x  %3d%c  %3d%c  %3d%c  %6d %6d %6d %6d %6d   %6d\n",
			      iface->name, 0, qual, mark, level, mark, noise, ' ', 0, 0, 0, 0, 0,
			      0);
	}
}
