/* What of an ELF file its loader maps (elf.c): staged copies keep only that. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "staging.h"

/* A copy of an ELF file cut to what its loader maps (the end of its last segment), dropping the
 * section headers and debug information after it, as `sstrip` does. */
struct fn_elf_strip {
	size_t len;		  /* the bytes to copy */
	struct fn_patch clear[2]; /* e_shoff, then e_shnum and e_shstrndx, cleared */
};

/* Plans the strip of the ELF file open at `fd`, `size` bytes long. False, leaving `out` alone,
 * where the file is to be copied whole: no ELF file this understands, or one that names an
 * interpreter (a dynamically linked executable: a sanitizer build's shim, whose reports need
 * its symbols). */
bool fn_elf_strip_plan(int fd, size_t size, struct fn_elf_strip *out);
