/* Times N open+read+close cycles of one file and prints the median-free mean in nanoseconds:
 * the same loop runs inside and outside fakenet so the two numbers compare like with like. */
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

int main(int argc, char **argv)
{
	char buf[65536];
	long n;
	double start;

	if (argc != 3) {
		fprintf(stderr, "usage: readloop FILE COUNT\n");
		return 2;
	}
	n = atol(argv[2]);
	start = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	printf("%.0f\n", (now_ns() - start) / (double)n);
	return 0;
}
