/* The ethtool link-settings requests of SIOCETHTOOL, answered from the identity. */
#pragma once

#include <stdint.h>

#include "identity.h"

/* 0 when answered, -1 with errno set when refused, -2 when `cmd` is not a link-settings request. */
int fn_preload_ethtool_link(const struct fn_iface *iface, uint32_t cmd, void *data);
