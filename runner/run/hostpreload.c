/* The preload library under `--net host` (hostpreload.h). A process finds nothing of fakenet in
 * its environment: the loader reads /etc/ld.so.preload, which exists only in the run's mount
 * namespace (/etc layered, layers.h, with the staged list on top), and the library's copy at
 * FN_HOST_PRELOAD_LIB (/usr/local/lib layered) carries the identity at its end
 * (preload_stamp.h). What stays visible, an /etc/ld.so.preload, the library in /proc/self/maps
 * and the two overlays in mountinfo, is reported by `fakenet check`'s tells battery. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostpreload.h"
#include "layers.h"
#include "preload_stamp.h"
#include "util.h"

#define MAX_LIBRARY (64u << 20)

static const char *const layered[] = {"/etc", "/usr/local/lib"};

/* The library's own messages and fallback paths name fakenet; a stamped copy never reaches them
 * (the identity is its own, the paths are the views'), so the name is overwritten, letter for
 * letter, and a reader of the mapped file finds it nowhere. */
static void scrub_name(char *bytes, size_t n)
{
	static const char name[] = "fakenet", cover[] = "sysconf";
	const size_t len = sizeof(name) - 1;

	for (size_t i = 0; i + len <= n; i++) {
		if ((bytes[i] | 0x20) != 'f' || strncasecmp(bytes + i, name, len) != 0)
			continue;
		for (size_t k = 0; k < len; k++)
			bytes[i + k] =
			    bytes[i + k] >= 'a' ? cover[k] : (char)(cover[k] - 'a' + 'A');
		i += len - 1;
	}
}

static uint64_t field(const char *b, size_t off, size_t width)
{
	uint64_t v = 0;

	memcpy(&v, b + off, width); /* little endian, as every target of this build */
	return v;
}

/* The copy keeps what the loader maps (the end of the last segment) and drops the section
 * headers and debug information after it, as `sstrip` does: a quarter of the bytes to copy at
 * each start, and an ELF file without sections, which is still valid. Returns the new length
 * (n when the file is not an ELF file it understands). */
static size_t loaded_extent(char *b, size_t n)
{
	bool wide = n > 64 && b[4] == 2; /* ELFCLASS64 */
	size_t phoff, phent, phnum, end = 0;

	if (n < 52 || memcmp(b, "\177ELF", 4) != 0 || (b[4] != 1 && b[4] != 2))
		return n;
	phoff = field(b, wide ? 0x20 : 0x1c, wide ? 8 : 4);
	phent = field(b, wide ? 0x36 : 0x2a, 2);
	phnum = field(b, wide ? 0x38 : 0x2c, 2);
	if (phoff > n || phnum > (n - phoff) / (phent ? phent : 1) || phent < (wide ? 56u : 32u))
		return n;
	for (size_t i = 0; i < phnum; i++) {
		const char *ph = b + phoff + i * phent;
		uint64_t off = field(ph, wide ? 8 : 4, wide ? 8 : 4);
		uint64_t size = field(ph, wide ? 0x20 : 0x10, wide ? 8 : 4);

		if (off + size > end)
			end = off + size;
	}
	if (end < phoff + phnum * phent || end > n)
		return n;
	memset(b + (wide ? 0x28 : 0x20), 0, wide ? 8 : 4); /* e_shoff */
	memset(b + (wide ? 0x3c : 0x30), 0, 4);		   /* e_shnum, e_shstrndx */
	return end;
}

/* The library (what the loader maps of it) followed by the identity's text, its length and the
 * magic. Mapped, not read: the debug information after the segments is never touched. */
static bool stamp_library(struct fn_host_preload *hp, const char *identity, size_t len)
{
	char *path = fn_shipped_locate("libfakenet-preload.so", R_OK);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	char *file;
	size_t n;

	free(path);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 || (size_t)st.st_size > MAX_LIBRARY) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	file = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED)
		return false;
	n = loaded_extent(file, (size_t)st.st_size);
	hp->lib_len = n + len + FN_PRELOAD_STAMP_TAIL;
	hp->lib = xcalloc(1, hp->lib_len);
	memcpy(hp->lib, file, n);
	munmap(file, (size_t)st.st_size);
	scrub_name(hp->lib, n);
	memcpy(hp->lib + n, identity, len);
	for (int i = 0; i < 8; i++)
		hp->lib[n + len + (size_t)i] = (char)((unsigned long long)len >> (8 * i));
	memcpy(hp->lib + n + len + 8, FN_PRELOAD_STAMP_MAGIC, FN_PRELOAD_STAMP_MAGIC_LEN);
	return true;
}

/* The host's own list stays in force (each line as it was), the library comes last. */
static void preload_list(struct fn_host_preload *hp)
{
	char *own = NULL;
	size_t n = 0;

	if (fn_read_file("/etc/ld.so.preload", &own, &n, 1u << 16) != 0 || !own)
		n = 0;
	hp->list = xasprintf("%.*s%s%s\n", (int)n, own ? own : "",
			     n && own[n - 1] != '\n' ? "\n" : "", FN_HOST_PRELOAD_LIB);
	hp->list_len = strlen(hp->list);
	free(own);
}

bool fn_host_preload_plan(struct fn_host_preload *hp, struct fn_overlay_plan *op,
			  struct fn_child_plan *plan, const char *identity, size_t identity_len)
{
	struct stat st;

	if (stat(layered[1], &st) < 0 || !S_ISDIR(st.st_mode)) {
		fn_warn("warning: %s does not exist: dynamic programs ask the host's kernel",
			layered[1]);
		return false;
	}
	if (!identity || !stamp_library(hp, identity, identity_len)) {
		fn_warn("warning: the preload library was not found next to fakenet (or the "
			"identity's text could not be read): dynamic programs ask the host's "
			"kernel");
		return false;
	}
	preload_list(hp);
	/* The modes a package gives a library and /etc/ld.so.preload: readable by every target. */
	fn_plan_add_staged(op, FN_HOST_PRELOAD_LIB, hp->lib, hp->lib_len, 0644);
	fn_plan_add_staged(op, "/etc/ld.so.preload", hp->list, hp->list_len, 0644);
	for (size_t i = 0; i < N_ELEMENTS(layered); i++)
		fn_plan_layer(plan, layered[i]);
	return true;
}

void fn_host_preload_free(struct fn_host_preload *hp)
{
	free(hp->lib);
	free(hp->list);
	memset(hp, 0, sizeof(*hp));
}
