/* An ELF file's headers (elf_head.h), read from a buffer of its start: no allocation and no call
 * of libc's that a preload library interposes, so a vfork child on its way to exec may ask. */
#include <string.h>
#include <linux/elf-em.h>

#include "elf_head.h"

/* <elf.h>'s values: the runner's own "elf.h" hides that header from a build with -Irunner/run. */
#define ELF_MAGIC  "\177ELF"
#define EI_CLASS   4
#define EI_DATA	   5
#define CLASS32	   1
#define CLASS64	   2
#define DATA_LSB   1
#define DATA_MSB   2
#define EHDR32	   52u
#define EHDR64	   64u
#define PHDR32	   32u
#define PHDR64	   56u
#define PT_INTERP_ 3u

/* This build's machine. */
#if defined(__x86_64__)
#define OWN_MACHINE EM_X86_64
#elif defined(__i386__)
#define OWN_MACHINE EM_386
#elif defined(__aarch64__)
#define OWN_MACHINE EM_AARCH64
#elif defined(__arm__)
#define OWN_MACHINE EM_ARM
#elif defined(__riscv)
#define OWN_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define OWN_MACHINE EM_PPC64
#elif defined(__s390x__)
#define OWN_MACHINE EM_S390
#else
#error "the ELF machine of this build is not known here"
#endif

uint64_t fn_elf_field(const struct fn_elf_head *h, const unsigned char *b, size_t off, size_t width)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v |= (uint64_t)b[off + (h->msb ? i : width - 1 - i)] << (8 * (width - 1 - i));
	return v;
}

uint32_t fn_elf_phdr(const struct fn_elf_head *h, const unsigned char *b, size_t i,
		     uint64_t *offset, uint64_t *filesz)
{
	const unsigned char *ph = b + h->phoff + i * h->phent;

	*offset = fn_elf_field(h, ph, h->wide ? 8 : 4, h->wide ? 8 : 4);
	*filesz = fn_elf_field(h, ph, h->wide ? 0x20 : 0x10, h->wide ? 8 : 4);
	return (uint32_t)fn_elf_field(h, ph, 0, 4);
}

bool fn_elf_head_parse(const unsigned char *b, size_t got, struct fn_elf_head *out)
{
	struct fn_elf_head h = {0};
	uint64_t off, size;

	if (got < EHDR32 || memcmp(b, ELF_MAGIC, 4) != 0 ||
	    (b[EI_CLASS] != CLASS32 && b[EI_CLASS] != CLASS64) ||
	    (b[EI_DATA] != DATA_LSB && b[EI_DATA] != DATA_MSB))
		return false;
	h.wide = b[EI_CLASS] == CLASS64;
	h.msb = b[EI_DATA] == DATA_MSB;
	if (h.wide && got < EHDR64)
		return false;
	h.machine = (uint16_t)fn_elf_field(&h, b, 0x12, 2);
	h.phoff = fn_elf_field(&h, b, h.wide ? 0x20 : 0x1c, h.wide ? 8 : 4);
	h.phent = fn_elf_field(&h, b, h.wide ? 0x36 : 0x2a, 2);
	h.phnum = fn_elf_field(&h, b, h.wide ? 0x38 : 0x2c, 2);
	h.phdrs = h.phent >= (h.wide ? PHDR64 : PHDR32) && h.phoff <= got &&
		  h.phnum <= (got - h.phoff) / h.phent;
	for (size_t i = 0; h.phdrs && i < h.phnum && !h.interp; i++)
		h.interp = fn_elf_phdr(&h, b, i, &off, &size) == PT_INTERP_;
	*out = h;
	return true;
}

bool fn_elf_head_native(const struct fn_elf_head *h)
{
	return h->wide == (__SIZEOF_POINTER__ == 8) &&
	       h->msb == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) && h->machine == OWN_MACHINE;
}
