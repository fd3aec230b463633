/* Which programs an exec starts load the library: the variables only the library reads (the
 * view's working directory) go to those alone, and none of the library's goes to a program the
 * kernel runs with raised privileges (set-user-ID, file capabilities), where the loader ignores
 * LD_PRELOAD and the rest would be left in plain sight. A static program keeps LD_PRELOAD and the
 * identity's variables, which the dynamic programs it starts need. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "exec_target.h"
#include "preload.h"
#include "shim_tools.h"

/* A FIFO exec is asked to run must not block the open that reads its header. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/* The ELF types of the library's own class: only a program of that class can load it. */
#if __SIZEOF_POINTER__ == 8
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
#else
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
#endif

/* The kernel follows "#!" this deep (BINPRM_MAX_RECURSION). */
#define MAX_DEPTH 4

/* Whether exec raises privileges with this file: a set-user-ID or set-group-ID bit that changes
 * an id (unless no_new_privs keeps them), or file capabilities. */
static bool raises(int fd, const struct stat *st)
{
	bool ids = (st->st_mode & S_ISUID && st->st_uid != geteuid()) ||
		   (st->st_mode & S_ISGID && st->st_gid != getegid());

	if (ids && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return true;
	return fgetxattr(fd, "security.capability", NULL, 0) > 0;
}

/* Whether the ELF header `eh` is of the library's own class and machine (the header the loader
 * mapped for the library itself). */
static bool same_machine(const Ehdr *eh)
{
	Dl_info self;
	const Ehdr *own;

	if (!dladdr((void *)same_machine, &self) || !self.dli_fbase)
		return false;
	own = self.dli_fbase;
	return memcmp(eh->e_ident, own->e_ident, EI_CLASS + 1) == 0 &&
	       eh->e_ident[EI_DATA] == own->e_ident[EI_DATA] && eh->e_machine == own->e_machine;
}

/* Whether the ELF file open at `fd` names an interpreter (PT_INTERP): a dynamic program. */
static bool dynamic(int fd, const Ehdr *eh)
{
	Phdr ph;

	if (eh->e_phentsize != sizeof(ph) || eh->e_phnum > 512)
		return false;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return false;
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

static enum fn_exec_target target_of(int fd, int depth);

/* A script's interpreter, from its "#!" line in `head` (`n` bytes). */
static enum fn_exec_target interpreter(char *head, size_t n, int depth)
{
	char *p = head + 2, *end;
	int fd;
	enum fn_exec_target t;

	head[n < 256 ? n : 255] = '\0';
	p += strspn(p, " \t");
	end = p + strcspn(p, " \t\n");
	*end = '\0';
	if (!*p || depth >= MAX_DEPTH)
		return FN_EXEC_PLAIN;
	fd = FN_REAL(openat)(AT_FDCWD, p, OPEN_FLAGS);
	if (fd < 0)
		return FN_EXEC_PLAIN;
	t = target_of(fd, depth + 1);
	FN_REAL(close)(fd);
	return t;
}

static enum fn_exec_target target_of(int fd, int depth)
{
	union {
		Ehdr eh;
		char text[256];
	} head;
	struct stat st;
	ssize_t n;

	if (FN_REAL(fstat)(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return FN_EXEC_PLAIN;
	n = pread(fd, &head, sizeof(head), 0);
	if (n >= 2 && head.text[0] == '#' && head.text[1] == '!')
		return interpreter(head.text, (size_t)n, depth);
	if (n < (ssize_t)sizeof(head.eh) || memcmp(head.eh.e_ident, ELFMAG, SELFMAG) != 0)
		return FN_EXEC_PLAIN;
	if (raises(fd, &st))
		return FN_EXEC_SECURE;
	return same_machine(&head.eh) && dynamic(fd, &head.eh) ? FN_EXEC_LOADS : FN_EXEC_PLAIN;
}

enum fn_exec_target fn_exec_target_at(int dirfd, const char *path, bool empty)
{
	int saved = errno, fd;
	enum fn_exec_target t = FN_EXEC_PLAIN;

	if (empty && (!path || !*path))
		t = target_of(dirfd, 0);
	else if (path && (fd = FN_REAL(openat)(dirfd, path, OPEN_FLAGS)) >= 0) {
		t = target_of(fd, 0);
		FN_REAL(close)(fd);
	}
	errno = saved;
	return t;
}

enum fn_exec_target fn_exec_target_search(const char *file)
{
	const char *dirs = getenv("PATH");
	char path[PATH_MAX];

	if (!file || strchr(file, '/'))
		return fn_exec_target_at(AT_FDCWD, file, false);
	if (!dirs)
		dirs = FN_DEFAULT_PATH;
	while (*dirs) {
		size_t n = strcspn(dirs, ":");

		if ((size_t)snprintf(path, sizeof(path), "%.*s%s%s", (int)n, dirs, n ? "/" : "",
				     file) < sizeof(path) &&
		    FN_REAL(faccessat)(AT_FDCWD, path, X_OK, AT_EACCESS) == 0)
			return fn_exec_target_at(AT_FDCWD, path, false);
		dirs += n + (dirs[n] == ':');
	}
	return FN_EXEC_PLAIN;
}
