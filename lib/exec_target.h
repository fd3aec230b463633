/* What a program an exec starts does with the preload library (exec_target.c): which of the
 * library's variables it is to get. */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

enum fn_exec_target {
	FN_EXEC_LOADS,	 /* a dynamic program of the library's machine: it loads the library */
	FN_EXEC_PLAIN,	 /* one that does not (static, not a program at all) */
	FN_EXEC_SECURE,	 /* one run with raised privileges: the loader drops LD_PRELOAD itself */
	FN_EXEC_FOREIGN, /* another class's or machine's ELF program (i386 under qemu's binfmt):
			  * its loader cannot load the library and says so on stderr */
};

/* The file calls the judgement makes: the preload library passes libc's own, resolved before any
 * target code runs (a vfork child must neither look symbols up nor reach the library's wrappers,
 * whose view lookups would load the identity); the runner passes libc's. */
struct fn_exec_calls {
	int (*openat)(int dirfd, const char *path, int flags, ...);
	int (*close)(int fd);
	int (*fstat)(int fd, struct stat *st);
	int (*fstatat)(int dirfd, const char *path, struct stat *st, int flags);
	int (*fstatfs)(int fd, struct statfs *st);
	int (*faccessat)(int dirfd, const char *path, int mode, int flags);
	ssize_t (*getxattr)(const char *path, const char *name, void *value, size_t size);
};

/* libc's own calls, for a program without the library (the runner). */
extern const struct fn_exec_calls fn_exec_libc;

/* The program exec would start for `path` (relative to dirfd; an empty path with `empty`, the
 * fd itself), following a script's "#!" to its interpreter. errno is kept. */
enum fn_exec_target fn_exec_target_at(const struct fn_exec_calls *c, int dirfd, const char *path,
				      bool empty);
/* The same for `file` looked up in `dirs` (a $PATH; NULL: libc's default) as execvp looks it up,
 * where it has no '/'. */
enum fn_exec_target fn_exec_target_search(const struct fn_exec_calls *c, const char *file,
					  const char *dirs);
