/* /proc/cpuinfo with the identity's processor: the identification lines of every processor are
 * the identity's, every other line (flags, MHz, cache, topology) and the processor count the
 * host's, read live. */
#pragma once

#include <stddef.h>

#include "buf.h"
#include "identity.h"

/* Copies the host's /proc/cpuinfo text `host` into `out`, with the value of each vendor_id,
 * cpu family, model, model name and stepping line replaced by the identity's. The keys and their
 * padding stay the host's, so the layout is the kernel's. */
void render_cpuinfo(const struct fn_cpu *cpu, const char *host, size_t len, struct fn_buf *out);
