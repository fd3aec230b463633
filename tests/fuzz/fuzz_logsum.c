/* libFuzzer target: the log reader of `fakenet log summarize` (lines, the bounded JSON reader, the
 * tallies and the printed summary), and the runner's reading of an event a shim sends, which goes
 * through the same reader and is written back as a log line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "auditsock.h"
#include "cmd_log.h"

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
	fn_auditsock_record(fileno(out), 1, 0, (const char *)data, size);
	fclose(in);
	fclose(out);
	return 0;
}
