/* `ethtool -k IF` (ethtool_k.c). */
#pragma once

#include "identity.h"

/* Prints the feature list as ethtool 6.1 lays it out; returns the exit status. */
int fn_ethtool_show_features(const struct fn_iface *iface);
