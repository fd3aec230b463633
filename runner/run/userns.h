/* The user namespace a caller without CAP_SYS_ADMIN needs for mounting (userns.c). */
#pragma once

#include "report.h"

/* Enters a user namespace where the caller is root (for non-root callers). */
int fn_userns_enter(struct fn_report *rep);
