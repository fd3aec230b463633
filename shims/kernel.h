/* What a shim learns from the kernel when a kernel network mode (--net isolated, filtered) holds
 * the identity itself (kernel.c). */
#pragma once

#include <stdbool.h>

#include "identity.h"

/* Whether every interface of the identity exists in the kernel with its index and MAC: the kernel
 * then answers the real tools, and the shims must tell what it tells. */
bool fn_shim_kernel_holds(const struct fn_identity *id);
/* Takes each interface's counters (/proc/net/dev, the namespace's own there) and link speed (the
 * ethtool ioctl) from the kernel, so the shims agree with the real tools and sysfs. */
void fn_shim_adopt_kernel_links(struct fn_identity *id);
