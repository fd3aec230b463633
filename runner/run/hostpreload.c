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
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"
#include "hostpreload.h"
#include "layers.h"
#include "preload_stamp.h"
#include "util.h"

#define MAX_LIBRARY (64u << 20)

static const char *const layered[] = {"/etc", "/usr/local/lib"};

#define SCAN_CHUNK (16u << 10) /* a few pages, reused: faulting in pages is what costs */

static const char scrub_name[] = "fakenet", scrub_cover[] = "sysconf";
#define SCRUB_LEN (sizeof(scrub_name) - 1)

static void add_patch(struct fn_host_preload *hp, const struct fn_patch *p)
{
	hp->patches = xreallocarray(hp->patches, hp->n_patches + 1, sizeof(*hp->patches));
	hp->patches[hp->n_patches++] = *p;
}

/* The library's own messages and fallback paths name fakenet; a stamped copy never reaches them
 * (the identity is its own, the paths are the views'), so the name is overwritten, letter for
 * letter, and a reader of the mapped file finds it nowhere. The first `len` bytes of the library
 * are read in chunks that overlap by a name's length, each name found becomes a patch. */
static bool scrub_patches(struct fn_host_preload *hp, int fd, size_t len)
{
	char *chunk = xmalloc(SCAN_CHUNK);
	size_t at = 0;

	while (at < len) {
		size_t want = len - at < SCAN_CHUNK ? len - at : SCAN_CHUNK;
		ssize_t n = pread(fd, chunk, want, (off_t)at);

		if (n != (ssize_t)want) {
			free(chunk);
			return false;
		}
		for (size_t i = 0; i + SCRUB_LEN <= want; i++) {
			struct fn_patch p = {.offset = at + i, .len = SCRUB_LEN};

			/* Two letters first: 'f' alone is a common byte of machine code. */
			if ((chunk[i] | 0x20) != 'f' || (chunk[i + 1] | 0x20) != 'a' ||
			    strncasecmp(chunk + i, scrub_name, SCRUB_LEN) != 0)
				continue;
			for (size_t k = 0; k < SCRUB_LEN; k++)
				p.bytes[k] = (unsigned char)(chunk[i + k] >= 'a'
								 ? scrub_cover[k]
								 : scrub_cover[k] - 'a' + 'A');
			add_patch(hp, &p);
			i += SCRUB_LEN - 1;
		}
		/* A name across the chunk's end is found whole in the next one. */
		at += want == len - at ? want : want - (SCRUB_LEN - 1);
	}
	free(chunk);
	return true;
}

/* The library (what the loader maps of it, elf.h) followed by the identity's text, its length
 * and the magic. The staging copies the library's pages in the kernel and writes the patches
 * (the cleared section table, the scrubbed names) and the stamp over and after them: no page of
 * the library is copied through this process. */
static bool stamp_library(struct fn_host_preload *hp, const char *identity, size_t len)
{
	char *path = fn_shipped_locate("libfakenet-preload.so", R_OK);
	struct fn_elf_strip strip;
	struct stat st;

	hp->src.fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	free(path);
	if (hp->src.fd < 0 || fstat(hp->src.fd, &st) < 0 || st.st_size <= 0 ||
	    (size_t)st.st_size > MAX_LIBRARY)
		return false;
	hp->src.len = (size_t)st.st_size;
	if (fn_elf_strip_plan(hp->src.fd, hp->src.len, &strip)) {
		hp->src.len = strip.len;
		for (size_t i = 0; i < N_ELEMENTS(strip.clear); i++)
			add_patch(hp, &strip.clear[i]);
	}
	if (!scrub_patches(hp, hp->src.fd, hp->src.len))
		return false;
	hp->src.patches = hp->patches;
	hp->src.n_patches = hp->n_patches;
	hp->stamp_len = len + FN_PRELOAD_STAMP_TAIL;
	hp->stamp = xmalloc(hp->stamp_len);
	memcpy(hp->stamp, identity, len);
	for (int i = 0; i < 8; i++)
		hp->stamp[len + (size_t)i] = (char)((unsigned long long)len >> (8 * i));
	memcpy(hp->stamp + len + 8, FN_PRELOAD_STAMP_MAGIC, FN_PRELOAD_STAMP_MAGIC_LEN);
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
	fn_plan_add_staged(op, FN_HOST_PRELOAD_LIB, hp->stamp, hp->stamp_len, 0644)->src = &hp->src;
	fn_plan_add_staged(op, "/etc/ld.so.preload", hp->list, hp->list_len, 0644);
	for (size_t i = 0; i < N_ELEMENTS(layered); i++)
		fn_plan_layer(plan, layered[i], true);
	return true;
}

void fn_host_preload_init(struct fn_host_preload *hp)
{
	memset(hp, 0, sizeof(*hp));
	hp->src.fd = -1;
}

void fn_host_preload_free(struct fn_host_preload *hp)
{
	if (hp->src.fd >= 0)
		close(hp->src.fd);
	free(hp->patches);
	free(hp->stamp);
	free(hp->list);
	fn_host_preload_init(hp);
}
