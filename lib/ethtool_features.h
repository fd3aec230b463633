/* The offload features a driver shows (ethtool -k), by the kernel's feature name. */
#pragma once

#include <stddef.h>

#include "identity.h"

/* "on", "off", "on [fixed]" or "off [fixed]" for the kernel feature `name` ("rx-gro", ...) on this
 * interface; a feature the driver does not offer is "off [fixed]". */
const char *fn_iface_feature_state(const struct fn_iface *iface, const char *name);

/* The kernel's feature names (ETH_SS_FEATURES) as Linux 6.1 has them, in bit order: what a
 * caller uses when it cannot ask the running kernel. */
extern const char *const fn_features_6_1[];
extern const size_t fn_n_features_6_1;
