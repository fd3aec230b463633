/* The exec path's libc functions, resolved before any target code runs (early.h). */
#include "early.h"

#define FN_EARLY_DEFINE(name) __typeof__(&name) fn_early_##name;
FN_EARLY_LIST(FN_EARLY_DEFINE)

/* The first of the library's constructors. */
__attribute__((constructor(101))) static void resolve_early(void)
{
#define FN_EARLY_RESOLVE(name) fn_early_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name);
	FN_EARLY_LIST(FN_EARLY_RESOLVE)
}
