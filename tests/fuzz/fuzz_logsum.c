/* libFuzzer target: the log reader of `fakenet log summarize`: lines, the bounded JSON reader,
 * the tallies and the printed summary. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "logsum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen((void *)data, size, "r"), *out = fopen("/dev/null", "w");

	/* fmemopen refuses an empty buffer: the empty log is the empty stream. */
	if (!in)
		in = fopen("/dev/null", "r");
	if (!in || !out)
		abort();
	fn_logsum(in, out);
	fclose(in);
	fclose(out);
	return 0;
}
