/* Times COUNT open+read+close cycles of one file, in batches of 100, and prints the median batch's
 * mean in nanoseconds: the same loop runs inside and outside fakenet, and the median keeps a busy
 * machine's stray pauses out of the comparison. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define BATCH 100

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static char buf[65536];
	double *batches;
	long n, nb;

	if (argc != 3 || (n = atol(argv[2])) < BATCH) {
		fprintf(stderr, "usage: readloop FILE COUNT   (COUNT >= %d)\n", BATCH);
		return 2;
	}
	nb = n / BATCH;
	batches = calloc((size_t)nb, sizeof(*batches));
	if (!batches)
		return 1;
	for (long b = 0; b < nb; b++) {
		double start = now_ns();

		for (int i = 0; i < BATCH; i++) {
			int fd = open(argv[1], O_RDONLY);

			if (fd < 0) {
				perror(argv[1]);
				return 1;
			}
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		batches[b] = (now_ns() - start) / BATCH;
	}
	qsort(batches, (size_t)nb, sizeof(*batches), compare_doubles);
	printf("%.0f\n", batches[nb / 2]);
	free(batches);
	return 0;
}
