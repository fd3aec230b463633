/* The libc functions a vfork child may call on its way to exec or _exit, resolved once by a
 * constructor (early.c): a vfork child runs in its parent's memory, where the loader's dlsym
 * (its locks, its allocations) must not run. */
#pragma once

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define FN_EARLY_LIST(X)                                                                           \
	X(_exit)                                                                                   \
	X(close)                                                                                   \
	X(close_range)                                                                             \
	X(closefrom)                                                                               \
	X(openat)                                                                                  \
	X(fstat)                                                                                   \
	X(fstatat)                                                                                 \
	X(fstatfs)                                                                                 \
	X(chdir)                                                                                   \
	X(fchdir)                                                                                  \
	X(faccessat)                                                                               \
	X(getxattr)                                                                                \
	X(execve)                                                                                  \
	X(execvpe)                                                                                 \
	X(execveat)                                                                                \
	X(fexecve)                                                                                 \
	X(posix_spawn)                                                                             \
	X(posix_spawnp)

#define FN_EARLY_DECLARE(name) extern __typeof__(&name) fn_early_##name;
FN_EARLY_LIST(FN_EARLY_DECLARE)
#undef FN_EARLY_DECLARE

/* The next definition of `name` (one of the list): the constructor's, else looked up now (a call
 * before the library's constructors ran, from another library's). */
#define FN_EARLY(name)                                                                             \
	(__atomic_load_n(&fn_early_##name, __ATOMIC_RELAXED)                                       \
	     ?: (fn_early_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)))
