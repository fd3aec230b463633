/* SIOCETHTOOL link settings (ETHTOOL_GSET, ETHTOOL_GLINKSETTINGS): speed, duplex, port and
 * autonegotiation as the identity's driver reports them, from the same fact as sysfs speed/duplex
 * and the ethtool shim (fn_iface_link_speed). psutil's net_if_stats() asks for GSET. */
#include <errno.h>
#include <linux/ethtool.h>
#include <stdint.h>
#include <string.h>

#include "derive.h"
#include "ethtool_link.h"

/* The kernel's link mode bitmaps, in 32-bit words (__ETHTOOL_LINK_MODE_MASK_NBITS rounded up). */
#define LINK_MODE_WORDS ((__ETHTOOL_LINK_MODE_MASK_NBITS + 31) / 32)
/* What an Intel gigabit PHY (e1000e, igb) or a Realtek one supports and advertises. */
#define GIGABIT_MODES                                                                              \
	((1u << ETHTOOL_LINK_MODE_10baseT_Half_BIT) | (1u << ETHTOOL_LINK_MODE_10baseT_Full_BIT) | \
	 (1u << ETHTOOL_LINK_MODE_100baseT_Half_BIT) |                                             \
	 (1u << ETHTOOL_LINK_MODE_100baseT_Full_BIT) |                                             \
	 (1u << ETHTOOL_LINK_MODE_1000baseT_Full_BIT) | (1u << ETHTOOL_LINK_MODE_Autoneg_BIT) |    \
	 (1u << ETHTOOL_LINK_MODE_TP_BIT))

struct link_base {
	int speed;
	uint8_t duplex, port, phy_address, autoneg, mdix;
	uint32_t modes; /* supported = advertised; the first word of the bitmaps */
};

/* False with errno set when the driver has no link settings. */
static bool link_base(const struct fn_iface *iface, struct link_base *b)
{
	bool full;

	memset(b, 0, sizeof(*b));
	if (!fn_iface_link_speed(iface, &b->speed, &full)) {
		errno = EOPNOTSUPP;
		return false;
	}
	b->duplex = full ? DUPLEX_FULL : DUPLEX_UNKNOWN;
	b->port = PORT_TP;
	if (iface->kind == FN_KIND_ETHERNET) {
		b->phy_address = 1;
		b->autoneg = AUTONEG_ENABLE;
		b->mdix = iface->up ? ETH_TP_MDI_X : ETH_TP_MDI_INVALID;
		b->modes = GIGABIT_MODES;
	}
	return true;
}

static int get_settings(const struct fn_iface *iface, struct ethtool_cmd *cmd)
{
	struct link_base b;
	uint32_t speed;

	if (!link_base(iface, &b))
		return -1;
	speed = b.speed > 0 ? (uint32_t)b.speed : (uint32_t)SPEED_UNKNOWN;
	memset(cmd, 0, sizeof(*cmd));
	cmd->cmd = ETHTOOL_GSET;
	cmd->supported = b.modes;
	cmd->advertising = b.modes;
	ethtool_cmd_speed_set(cmd, speed);
	cmd->duplex = b.duplex;
	cmd->port = b.port;
	cmd->phy_address = b.phy_address;
	cmd->transceiver = XCVR_INTERNAL;
	cmd->autoneg = b.autoneg;
	cmd->eth_tp_mdix = b.mdix;
	return 0;
}

/* The handshake of ETHTOOL_GLINKSETTINGS: a caller that does not know the bitmap size gets it,
 * negated, and asks again. */
static int get_link_settings(const struct fn_iface *iface, struct ethtool_link_settings *ls)
{
	struct link_base b;
	uint32_t *maps = ls->link_mode_masks;

	if (!link_base(iface, &b))
		return -1;
	if (ls->link_mode_masks_nwords != LINK_MODE_WORDS) {
		memset(ls, 0, sizeof(*ls));
		ls->cmd = ETHTOOL_GLINKSETTINGS;
		ls->link_mode_masks_nwords = -LINK_MODE_WORDS;
		return 0;
	}
	memset(ls, 0, sizeof(*ls));
	ls->cmd = ETHTOOL_GLINKSETTINGS;
	ls->link_mode_masks_nwords = LINK_MODE_WORDS;
	ls->speed = b.speed > 0 ? (uint32_t)b.speed : (uint32_t)SPEED_UNKNOWN;
	ls->duplex = b.duplex;
	ls->port = b.port;
	ls->phy_address = b.phy_address;
	ls->autoneg = b.autoneg;
	ls->eth_tp_mdix = b.mdix;
	ls->transceiver = XCVR_INTERNAL;
	memset(maps, 0, 3 * LINK_MODE_WORDS * sizeof(*maps));
	maps[0] = b.modes;		 /* supported */
	maps[LINK_MODE_WORDS] = b.modes; /* advertising */
	return 0;
}

int fn_preload_ethtool_link(const struct fn_iface *iface, uint32_t cmd, void *data)
{
	if (cmd == ETHTOOL_GSET)
		return get_settings(iface, data);
	if (cmd == ETHTOOL_GLINKSETTINGS)
		return get_link_settings(iface, data);
	return -2;
}
