/* `fakenet run --net host` with the FUSE backend: the preload library loaded into every dynamic
 * target through /etc/ld.so.preload, so getifaddrs, the interface ioctls, getsockname and uname
 * answer with the identity too, while nothing in the target's environment names fakenet. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "child.h"
#include "plan.h"

/* Where the target finds the library: a local library's place, on no PATH of fakenet's own. */
#define FN_HOST_PRELOAD_LIB "/usr/local/lib/libsysinfo.so.1"

struct fn_host_preload {
	/* The library's copy: what its loader maps, read from the file by the kernel, with
	 * `patches` over it (the section table cleared, the name scrubbed), then `stamp`: the
	 * identity, its length and the magic (preload_stamp.h). */
	struct fn_staged_source src;
	struct fn_patch *patches;
	size_t n_patches;
	char *stamp;
	size_t stamp_len;
	char *list; /* /etc/ld.so.preload: the host's own lines, then FN_HOST_PRELOAD_LIB */
	size_t list_len;
};

/* Stages the stamped library and the preload list (added to op->staged) and layers /etc and
 * /usr/local/lib (layers.h) for them;
 * returns false, having said why on stderr, when the library is not there to load (the run goes
 * on without it). */
bool fn_host_preload_plan(struct fn_host_preload *hp, struct fn_overlay_plan *op,
			  struct fn_child_plan *plan, const char *identity, size_t identity_len);
/* An empty plan, which fn_host_preload_free takes as it is. */
void fn_host_preload_init(struct fn_host_preload *hp);
void fn_host_preload_free(struct fn_host_preload *hp);
