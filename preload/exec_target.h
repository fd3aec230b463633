/* What a program an exec starts does with the library (exec_target.c). */
#pragma once

#include <stdbool.h>

enum fn_exec_target {
	FN_EXEC_LOADS,	 /* a dynamic program of the library's machine: it loads the library */
	FN_EXEC_PLAIN,	 /* one that does not (static, another machine's, not a program at all) */
	FN_EXEC_SECURE,	 /* one run with raised privileges: the loader drops LD_PRELOAD itself */
	FN_EXEC_FOREIGN, /* another class's or machine's ELF program (i386 under qemu's binfmt):
			  * its loader cannot load the library and says so on stderr */
};

/* The program exec would start for `path` (relative to dirfd; an empty path with `empty`, the
 * fd itself), following a script's "#!" to its interpreter. */
enum fn_exec_target fn_exec_target_at(int dirfd, const char *path, bool empty);
/* The same for `file` looked up in $PATH as execvp looks it up, where it has no '/'. */
enum fn_exec_target fn_exec_target_search(const char *file);
