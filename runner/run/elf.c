/* The loaded extent of an ELF file (elf.h), read from its headers alone: the file itself is
 * never mapped or read whole here, so a staged copy costs the kernel's copy of its pages. */
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "elf_head.h"

static void clear(struct fn_patch *p, size_t offset, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->offset = offset;
	p->len = len;
}

bool fn_elf_strip_plan(int fd, size_t size, struct fn_elf_strip *out)
{
	unsigned char b[FN_ELF_HEAD_MAX];
	ssize_t got = pread(fd, b, sizeof(b), 0);
	struct fn_elf_head h;
	uint64_t off, filesz, end = 0;

	/* The clears below are of a little-endian file's fields, as every target of this build. */
	if (got < 0 || !fn_elf_head_parse(b, (size_t)got, &h) || h.msb || !h.phdrs || h.interp)
		return false;
	for (size_t i = 0; i < h.phnum; i++) {
		fn_elf_phdr(&h, b, i, &off, &filesz);
		if (off + filesz > end)
			end = off + filesz;
	}
	if (end < h.phoff + h.phnum * h.phent || end > size)
		return false;
	out->len = end;
	clear(&out->clear[0], h.wide ? 0x28 : 0x20, h.wide ? 8 : 4);
	clear(&out->clear[1], h.wide ? 0x3c : 0x30, 4);
	return true;
}
