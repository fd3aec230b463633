/* /proc lookups shared by fakefs's open log, the connection audit and the resolver's log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procinfo.h"

pid_t fn_proc_inner_pid(pid_t pid)
{
	char path[64], line[256];
	pid_t inner = pid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return pid;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "NSpid:", 6) == 0) {
			char *last = strrchr(line, '\t');

			inner = last ? (pid_t)atoi(last + 1) : pid;
			break;
		}
	fclose(f);
	return inner;
}

void fn_proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* A file's inode and device, asked of the kernel directly: the preload library, which has this
 * file linked in, answers stat for /proc/PID/net itself (and asks this function). */
static bool real_inode(const char *fmt, pid_t pid, struct statx *st)
{
	char path[64];

	snprintf(path, sizeof(path), fmt, (int)pid);
	return syscall(SYS_statx, AT_FDCWD, path, 0, STATX_INO, st) == 0;
}

bool fn_proc_same_netns(pid_t a, pid_t b)
{
	struct statx sa, sb;

	if (real_inode("/proc/%d/ns/net", a, &sa) && real_inode("/proc/%d/ns/net", b, &sb))
		return sa.stx_ino == sb.stx_ino && sa.stx_dev_major == sb.stx_dev_major &&
		       sa.stx_dev_minor == sb.stx_dev_minor;
	/* A process we may not inspect (ptrace's rules guard ns/) still shows its /proc/PID/net,
	 * whose entries are its namespace's own, numbered once per namespace. */
	return real_inode("/proc/%d/net/dev", a, &sa) && real_inode("/proc/%d/net/dev", b, &sb) &&
	       sa.stx_ino == sb.stx_ino;
}
