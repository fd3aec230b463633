/* /proc/cpuinfo with the identity's processor: the identification lines of every processor are
 * the identity's, every other line (flags, MHz, cache, topology) and the processor count the
 * host's, read live. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "identity.h"

/* Copies the host's /proc/cpuinfo text `host` into `out`, with the value of each vendor_id,
 * cpu family, model, model name and stepping line replaced by the identity's. The keys and their
 * padding stay the host's, so the layout is the kernel's. */
void render_cpuinfo(const struct fn_cpu *cpu, const char *host, size_t len, struct fn_buf *out);

/* The key of one line of a /proc/cpuinfo text (`len` bytes, no newline): returns its colon and
 * sets `key_len` to the key's length without the tab padding; NULL for a line without a key. */
const char *cpuinfo_key(const char *line, size_t len, size_t *key_len);
/* The first processor's identification lines of a host's /proc/cpuinfo text as a `fn_cpu` (given
 * set), for the sources that describe the processor once (the SMBIOS processor record); false when
 * the text lacks any of them (not an x86 host). */
bool cpuinfo_first_processor(const char *host, size_t len, struct fn_cpu *cpu);
/* The value of `key` in the first processor's block of a host's /proc/cpuinfo text, copied into
 * `dst`; false when that block has no such line. */
bool cpuinfo_first_value(const char *host, size_t len, const char *key, char *dst, size_t size);
