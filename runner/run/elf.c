/* The loaded extent of an ELF file (elf.h), read from its headers alone: the file itself is
 * never mapped or read whole here, so a staged copy costs the kernel's copy of its pages. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"

#define PT_INTERP_TYPE 3
#define MAX_HEADERS    4096 /* the ELF header and the program headers, read in one pread */

static uint64_t field(const unsigned char *b, size_t off, size_t width)
{
	uint64_t v = 0;

	memcpy(&v, b + off, width); /* little endian, as every target of this build */
	return v;
}

static void clear(struct fn_patch *p, size_t offset, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->offset = offset;
	p->len = len;
}

bool fn_elf_strip_plan(int fd, size_t size, struct fn_elf_strip *out)
{
	unsigned char b[MAX_HEADERS];
	ssize_t got = pread(fd, b, sizeof(b), 0);
	bool wide = got > 64 && b[4] == 2; /* ELFCLASS64 */
	size_t phoff, phent, phnum, end = 0;

	if (got < 52 || memcmp(b, "\177ELF", 4) != 0 || (b[4] != 1 && b[4] != 2))
		return false;
	phoff = field(b, wide ? 0x20 : 0x1c, wide ? 8 : 4);
	phent = field(b, wide ? 0x36 : 0x2a, 2);
	phnum = field(b, wide ? 0x38 : 0x2c, 2);
	/* The program headers follow the ELF header in every file a linker writes. */
	if (phent < (wide ? 56u : 32u) || phoff > (size_t)got ||
	    phnum > ((size_t)got - phoff) / phent)
		return false;
	for (size_t i = 0; i < phnum; i++) {
		const unsigned char *ph = b + phoff + i * phent;
		uint64_t off = field(ph, wide ? 8 : 4, wide ? 8 : 4);
		uint64_t filesz = field(ph, wide ? 0x20 : 0x10, wide ? 8 : 4);

		if (field(ph, 0, 4) == PT_INTERP_TYPE)
			return false;
		if (off + filesz > end)
			end = off + filesz;
	}
	if (end < phoff + phnum * phent || end > size)
		return false;
	out->len = end;
	clear(&out->clear[0], wide ? 0x28 : 0x20, wide ? 8 : 4);
	clear(&out->clear[1], wide ? 0x3c : 0x30, 4);
	return true;
}
