/* Prices the preload library's path check on opens it does not serve: COUNT open+close cycles of
 * one file (/etc/passwd by default) through the symbols the program binds to (the preload's when
 * LD_PRELOAD names it) and as many through libc's own open and close, in alternating batches of
 * 100 so that both sides meet the same machine load. Prints the median batch mean of each, in
 * nanoseconds, and the median of the paired batches' ratios: "bound direct ratio". Without
 * LD_PRELOAD both sides are libc's, which shows the noise. With "fstat" after COUNT, the cycles
 * are fstat calls on one fd of the file instead (every program fstats what it opens). */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 100

typedef int (*open_fn)(const char *, int, ...);
typedef int (*close_fn)(int);
typedef int (*fstat_fn)(int, struct stat *);

/* The fd the fstat cycles ask about; -1: the cycles open and close. */
static int stat_fd = -1;
static fstat_fn libc_fstat;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double batch(const char *path, open_fn do_open, close_fn do_close)
{
	double start = now_ns();

	for (int i = 0; i < BATCH; i++) {
		struct stat st;
		int fd = stat_fd;

		if (fd >= 0) {
			/* The bound side is the program's own fstat, libc's when LD_PRELOAD is
			 * unset. */
			if ((do_open == (open_fn)open ? fstat : libc_fstat)(fd, &st) < 0)
				exit(1);
			continue;
		}
		fd = do_open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			perror(path);
			exit(1);
		}
		do_close(fd);
	}
	return (now_ns() - start) / BATCH;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/passwd";
	long n = argc > 2 ? atol(argv[2]) : 100000, nb;
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	open_fn libc_open = libc ? (open_fn)dlsym(libc, "open") : NULL;
	close_fn libc_close = libc ? (close_fn)dlsym(libc, "close") : NULL;
	double *bound, *direct, *ratio;

	if (argc > 4 || n < BATCH || (argc == 4 && strcmp(argv[3], "fstat") != 0)) {
		fprintf(stderr, "usage: preload-open [FILE [COUNT [fstat]]]   (COUNT >= %d)\n",
			BATCH);
		return 2;
	}
	if (!libc_open || !libc_close) {
		fprintf(stderr, "preload-open: libc's open not found: %s\n", dlerror());
		return 1;
	}
	if (argc == 4) {
		libc_fstat = (fstat_fn)dlsym(libc, "fstat");
		stat_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (!libc_fstat || stat_fd < 0) {
			perror(path);
			return 1;
		}
	}
	nb = n / BATCH;
	bound = calloc((size_t)nb, sizeof(*bound));
	direct = calloc((size_t)nb, sizeof(*direct));
	ratio = calloc((size_t)nb, sizeof(*ratio));
	if (!bound || !direct || !ratio)
		return 1;
	for (long b = 0; b < nb; b++) {
		/* Who goes first alternates, so neither side always follows the other's cache. */
		if (b % 2) {
			direct[b] = batch(path, libc_open, libc_close);
			bound[b] = batch(path, open, close);
		} else {
			bound[b] = batch(path, open, close);
			direct[b] = batch(path, libc_open, libc_close);
		}
		ratio[b] = bound[b] / direct[b];
	}
	qsort(bound, (size_t)nb, sizeof(*bound), compare_doubles);
	qsort(direct, (size_t)nb, sizeof(*direct), compare_doubles);
	qsort(ratio, (size_t)nb, sizeof(*ratio), compare_doubles);
	printf("%.0f %.0f %.4f\n", bound[nb / 2], direct[nb / 2], ratio[nb / 2]);
	free(bound);
	free(direct);
	free(ratio);
	return 0;
}
