/* Threads that each start children with vfork in a directory of their own, as Python's
 * subprocess does (vfork, chdir in the child, exec): each child runs /bin/pwd, and each line
 * printed is "DIR OUTPUT", one for every child.
 * Usage: vfork-cwd COUNT DIR... (a thread per DIR, COUNT children each) */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int count;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* A child of vfork that enters `dir` and runs /bin/pwd with its stdout on `fd`. */
static __attribute__((noinline)) pid_t start(const char *dir, int fd)
{
	pid_t pid = vfork();

	if (pid == 0) {
		dup2(fd, 1);
		if (chdir(dir) == 0)
			execl("/bin/pwd", "pwd", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* One child in `dir`: what its /bin/pwd printed, in `out`. */
static void child_pwd(const char *dir, char *out, size_t size)
{
	int p[2];
	ssize_t n, got = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	pid = start(dir, p[1]);
	close(p[1]);
	while (pid > 0 && (n = read(p[0], out + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(p[0]);
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void *run(void *arg)
{
	const char *dir = arg;
	char out[4096];

	for (int i = 0; i < count; i++) {
		child_pwd(dir, out, sizeof(out));
		pthread_mutex_lock(&out_lock);
		printf("%s %s\n", dir, out);
		pthread_mutex_unlock(&out_lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[16];
	int n = argc - 2;

	if (n < 1 || n > 16 || (count = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: vfork-cwd COUNT DIR...\n");
		return 2;
	}
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, run, argv[i + 2]);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
