/* The bundle's config.json: adding fakenet's hook where the container asks for an identity. */
#pragma once

/* When config.json in `bundle` carries the io.fakenet.identity annotation and not yet the hook,
 * adds `fakenet oci-hook` (at `fakenet`) for createRuntime and poststop, rewriting the file
 * atomically and leaving every other byte as it was. Returns 0 (also when there was nothing to
 * do), or -1 having said why. */
int fn_runtime_add_hook(const char *bundle, const char *fakenet);
