/* Paths inside an image tree (fakenet install --root), resolved as they would be after chroot into
 * it: a link, absolute or relative, never leads out of the tree. */
#pragma once

/* `rel` (relative to the directory `root`) with every directory component resolved inside the
 * tree: links followed with `root` as /, ".." stopping at it. The last component is kept as
 * it is, link or not; the root itself is ".". Returns a new string, or NULL with errno ELOOP for a
 * link loop. */
char *fn_root_resolve(int root, const char *rel);
