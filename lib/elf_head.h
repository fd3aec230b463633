/* What an ELF file's headers say of the program (elf_head.c): its class, byte order and machine,
 * and whether it names an interpreter. The runner's staging and the exec-target rule read them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes of a file's start the headers are read from, in one pread: the ELF header and the
 * program headers, which every linker writes right after it. */
#define FN_ELF_HEAD_MAX 4096

struct fn_elf_head {
	bool wide;		    /* ELFCLASS64 */
	bool msb;		    /* ELFDATA2MSB: big endian */
	uint16_t machine;	    /* e_machine */
	bool phdrs;		    /* the program headers lie within the bytes read */
	bool interp;		    /* one of them is PT_INTERP: a dynamically linked program */
	size_t phoff, phent, phnum; /* where the program headers are, when `phdrs` */
};

/* The headers of `b`, the file's first `got` bytes. False: no ELF file of a class this knows. */
bool fn_elf_head_parse(const unsigned char *b, size_t got, struct fn_elf_head *out);

/* The field of `width` bytes at `off` of `b`, in the byte order `h` says. */
uint64_t fn_elf_field(const struct fn_elf_head *h, const unsigned char *b, size_t off,
		      size_t width);

/* The `i`th program header's type, offset and size in the file. */
uint32_t fn_elf_phdr(const struct fn_elf_head *h, const unsigned char *b, size_t i,
		     uint64_t *offset, uint64_t *filesz);

/* Whether `h` is of this build's class, byte order and machine: a program that can load the
 * preload library built with it. */
bool fn_elf_head_native(const struct fn_elf_head *h);
