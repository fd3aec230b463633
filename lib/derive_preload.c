/* What the interface ioctls report beyond the link facts (ETHTOOL_GDRVINFO): the driver's
 * answer for each kind of interface the identity knows. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "derive.h"

/* ethtool statistics veth keeps: peer_ifindex, then per queue in use (one of each unless the
 * veth was made with more) the receive (xdp_packets, xdp_bytes, drops, xdp_redirect, xdp_drops,
 * xdp_tx, xdp_tx_errors) and transmit ones (xdp_xmit, xdp_xmit_errors). */
#define VETH_STATS_FIXED 1
#define VETH_RQ_STATS	 7
#define VETH_TQ_STATS	 2

bool fn_iface_drvinfo(const struct fn_iface *iface, struct fn_drvinfo *out)
{
	bool pci = iface->kind == FN_KIND_ETHERNET || iface->kind == FN_KIND_WIRELESS;
	struct utsname u;

	memset(out, 0, sizeof(*out));
	if (iface->kind == FN_KIND_LOOPBACK)
		return false;
	snprintf(out->driver, sizeof(out->driver), "%s", iface->driver);
	/* veth names its own version; in-tree PCI drivers leave it to the core (the kernel's). */
	if (!pci)
		snprintf(out->version, sizeof(out->version), "1.0");
	else if (uname(&u) == 0)
		snprintf(out->version, sizeof(out->version), "%s", u.release);
	if (iface->kind == FN_KIND_ETHERNET)
		snprintf(out->fw_version, sizeof(out->fw_version), "0.4-4");
	else if (iface->kind == FN_KIND_WIRELESS)
		snprintf(out->fw_version, sizeof(out->fw_version), "36.ca7b901d.0 8265-36.ucode");
	if (pci)
		snprintf(out->bus_info, sizeof(out->bus_info), "%s", iface->pci_slot);
	if (iface->kind == FN_KIND_VETH)
		out->n_stats = VETH_STATS_FIXED + VETH_RQ_STATS + VETH_TQ_STATS;
	out->supports_test = out->supports_eeprom = out->supports_regdump =
	    out->supports_priv_flags = iface->kind == FN_KIND_ETHERNET;
	return true;
}
