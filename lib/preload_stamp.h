/* The identity a copy of the preload library carries at its end, for `fakenet run --net host`:
 * the runner appends it to the copy it loads into every dynamic target through /etc/ld.so.preload,
 * so the target's environment holds nothing for the library to find it by. The dynamic loader
 * maps only the ELF segments and ignores what follows them. Layout of the tail: the identity's
 * YAML text, its length (8 bytes, little endian), then FN_PRELOAD_STAMP_MAGIC. */
#pragma once

#define FN_PRELOAD_STAMP_MAGIC	   "\177IDYAML1"
#define FN_PRELOAD_STAMP_MAGIC_LEN 8
#define FN_PRELOAD_STAMP_TAIL	   (8 + FN_PRELOAD_STAMP_MAGIC_LEN)
/* A stamped identity bigger than this is not believed (the loader's own limit is 1 MiB). */
#define FN_PRELOAD_STAMP_MAX (1u << 20)
