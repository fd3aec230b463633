/* A vfork child that enters DIR and fails to exec (ends in _exit, as Python's subprocess child
 * does), then a second vfork child given the same pid (the test runs this as pid 1 of a pid
 * namespace of its own, where it may set ns_last_pid) that asks getcwd before it ends: the first
 * child's directory must not be the second's. Prints "same pid: yes|no" and "cwd: CWD" (the
 * second child's). Usage: vfork-reuse DIR */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static __attribute__((noinline)) pid_t first_child(const char *dir)
{
	pid_t pid = vfork();

	if (pid == 0) {
		if (chdir(dir) == 0)
			execl("/nonexistent-program", "nonexistent-program", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The second child writes its getcwd on `fd`. */
static __attribute__((noinline)) pid_t second_child(int fd)
{
	pid_t pid = vfork();

	if (pid == 0) {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)))
			write(fd, cwd, strlen(cwd));
		_exit(0);
	}
	return pid;
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX] = "";
	pid_t first, second;
	int p[2], last;
	ssize_t n;

	if (argc != 2 || chdir("/") != 0 || pipe(p) != 0)
		return 2;
	first = first_child(argv[1]);
	if (first < 0 || waitpid(first, NULL, 0) != first)
		return 2;
	last = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (last < 0 || dprintf(last, "%d", (int)first - 1) < 0)
		return 2;
	close(last);
	second = second_child(p[1]);
	close(p[1]);
	if (second < 0 || waitpid(second, NULL, 0) != second)
		return 2;
	n = read(p[0], cwd, sizeof(cwd) - 1);
	cwd[n > 0 ? n : 0] = '\0';
	printf("same pid: %s\ncwd: %s\n", second == first ? "yes" : "no", cwd);
	return 0;
}
