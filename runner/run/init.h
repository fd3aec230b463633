/* The init (init.c): pid 1 of the target's pid namespace. */
#pragma once

#include "child.h"

/* The pid-1 process of the new pid namespace: builds the view, runs and reaps. Never returns. */
__attribute__((noreturn)) void fn_init_main(const struct fn_child_plan *plan);
