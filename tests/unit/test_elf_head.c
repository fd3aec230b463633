/* lib/elf_head.c: the class, byte order, machine and interpreter of an ELF file, as <elf.h>'s
 * structures lay them out, and of this test's own (dynamically linked) program. */
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elf_head.h"

static void own_program_is_dynamic_and_native(void **state)
{
	unsigned char b[FN_ELF_HEAD_MAX];
	struct fn_elf_head h;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ssize_t n = pread(fd, b, sizeof(b), 0);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;

	close(fd);
	assert_true(n > 0);
	assert_true(fn_elf_head_parse(b, (size_t)n, &h));
	assert_int_equal(h.wide, __SIZEOF_POINTER__ == 8);
	assert_false(h.msb);
	assert_int_equal(h.machine, eh->e_machine);
	assert_true(h.phdrs);
	assert_true(h.interp);
}

/* A 32-bit file: its ELF header, then `n` program headers of the types `types`. */
static size_t elf32(unsigned char *b, unsigned char data, Elf32_Half machine,
		    const Elf32_Word *types, size_t n)
{
	Elf32_Ehdr eh = {0};
	Elf32_Phdr ph = {0};

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = data;
	eh.e_machine = machine;
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = (Elf32_Half)n;
	memcpy(b, &eh, sizeof(eh));
	for (size_t i = 0; i < n; i++) {
		ph.p_type = types[i];
		memcpy(b + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
	}
	return sizeof(eh) + n * sizeof(ph);
}

static void static_i386_program(void **state)
{
	static const Elf32_Word types[] = {PT_LOAD, PT_LOAD, PT_NOTE};
	unsigned char b[512] = {0};
	struct fn_elf_head h;
	size_t n = elf32(b, ELFDATA2LSB, EM_386, types, 3);

	assert_true(fn_elf_head_parse(b, n, &h));
	assert_false(h.wide);
	assert_int_equal(h.machine, EM_386);
	assert_true(h.phdrs);
	assert_int_equal(h.phnum, 3);
	assert_false(h.interp);
}

/* A big-endian file's fields are read in its byte order (this host's are little endian). */
static void big_endian_dynamic_program(void **state)
{
	static const Elf32_Word types[] = {PT_PHDR, PT_INTERP};
	unsigned char b[512] = {0};
	struct fn_elf_head h;
	size_t n = elf32(b, ELFDATA2MSB, __builtin_bswap16(EM_PPC), types, 2);

	for (size_t i = 0; i < 2; i++) {
		uint32_t be = __builtin_bswap32(types[i]);

		memcpy(b + sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr), &be, 4);
	}
	((Elf32_Ehdr *)b)->e_phoff = __builtin_bswap32(sizeof(Elf32_Ehdr));
	((Elf32_Ehdr *)b)->e_phentsize = __builtin_bswap16(sizeof(Elf32_Phdr));
	((Elf32_Ehdr *)b)->e_phnum = __builtin_bswap16(2);
	assert_true(fn_elf_head_parse(b, n, &h));
	assert_true(h.msb);
	assert_int_equal(h.machine, EM_PPC);
	assert_true(h.interp);
}

/* Program headers past the bytes read: the class and machine are known, the interpreter not. */
static void program_headers_past_the_bytes_read(void **state)
{
	static const Elf32_Word types[] = {PT_INTERP};
	unsigned char b[512] = {0};
	struct fn_elf_head h;

	elf32(b, ELFDATA2LSB, EM_386, types, 1);
	assert_true(fn_elf_head_parse(b, sizeof(Elf32_Ehdr) + 4, &h));
	assert_int_equal(h.machine, EM_386);
	assert_false(h.phdrs);
	assert_false(h.interp);
}

static void not_elf(void **state)
{
	unsigned char b[512] = "#!/bin/sh\n";
	struct fn_elf_head h;

	assert_false(fn_elf_head_parse(b, sizeof(b), &h));
	elf32(b, ELFDATA2LSB, EM_386, NULL, 0);
	assert_false(fn_elf_head_parse(b, sizeof(Elf32_Ehdr) - 1, &h));
	b[EI_CLASS] = 3;
	assert_false(fn_elf_head_parse(b, sizeof(b), &h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(own_program_is_dynamic_and_native),
	    cmocka_unit_test(static_i386_program),
	    cmocka_unit_test(big_endian_dynamic_program),
	    cmocka_unit_test(program_headers_past_the_bytes_read),
	    cmocka_unit_test(not_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
