/* `fakenet log summarize`: the summary of an audit log, exposed for the command and its fuzz
 * target. */
#pragma once

#include <stdio.h>

/* Longest line read; a longer one is skipped and counted as unreadable. */
#define FN_LOGSUM_MAX_LINE (1024 * 1024)

/* Reads JSON Lines from `in` to its end and prints the summary to `out`. */
void fn_logsum(FILE *in, FILE *out);
