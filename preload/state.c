/* The preload library's one state, built on first use and kept for the process's life: the
 * identity stamped on this copy of the library (preload_stamp.h: under `fakenet run --net host`,
 * where the FUSE views already serve the paths and only the kernel's answers are left), else
 * $FAKENET_IDENTITY or the embedded default with the same virtual tree fakefs serves. */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "identity_parse.h"
#include "identity_source.h"
#include "parsers.h"
#include "preload.h"
#include "preload_stamp.h"
#include "util.h"
#include "vfs_build.h"
#include "view.h"

static struct fn_preload state;
static bool loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static __thread bool loading;

static bool read_at(int fd, void *buf, size_t len, off_t at)
{
	return pread(fd, buf, len, at) == (ssize_t)len;
}

/* The identity text stamped at the end of the library's own file, or NULL. */
static char *stamped_identity(size_t *len)
{
	unsigned char tail[FN_PRELOAD_STAMP_TAIL];
	char *text = NULL;
	uint64_t n = 0;
	Dl_info self;
	off_t size;
	int fd;

	if (!dladdr((void *)fn_preload_state, &self) || !self.dli_fname)
		return NULL;
	fd = open(self.dli_fname, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	if (size >= (off_t)sizeof(tail) && read_at(fd, tail, sizeof(tail), size - sizeof(tail)) &&
	    memcmp(tail + 8, FN_PRELOAD_STAMP_MAGIC, FN_PRELOAD_STAMP_MAGIC_LEN) == 0) {
		for (int i = 7; i >= 0; i--)
			n = n << 8 | tail[i];
		if (n <= FN_PRELOAD_STAMP_MAX && (off_t)n <= size - (off_t)sizeof(tail) &&
		    (text = malloc(n + 1)) &&
		    !read_at(fd, text, n, size - (off_t)sizeof(tail) - (off_t)n)) {
			free(text);
			text = NULL;
		}
	}
	close(fd);
	if (text) {
		text[n] = '\0';
		*len = n;
	}
	return text;
}

/* Under --net host the views are FUSE mounts already: the library answers what asks the kernel
 * (getifaddrs, the ioctls, getsockname, uname) and leaves every path to them. */
static bool load_stamped(struct fn_diags *diags)
{
	size_t len = 0;
	char *text = stamped_identity(&len);

	if (!text)
		return false;
	state.id = fn_identity_load_buffer("identity", text, len, diags);
	free(text);
	return true;
}

static void load_identity(void)
{
	struct fn_diags diags; /* kept to itself (load) */

	fn_diags_init(&diags, NULL);
	if (load_stamped(&diags)) {
		loaded = state.id != NULL;
		fn_diags_free(&diags); /* silent: the runner loaded this text already */
		return;
	}
	state.id = fn_identity_resolve(fn_preload_identity_path(), &diags);
	if (state.id) {
		state.vfs = fn_vfs_build(state.id);
		fn_view_pass_real(state.vfs);
		state.loaded_at = (long)time(NULL);
		loaded = true;
	}
	fn_diags_free(&diags);
}

/* The parsers are the library's only while it parses: a target that never asks for an answer of
 * the identity never maps them, and one that did keeps only what they built.
 * Nothing is said: the target's stderr is the target's, and a line of fakenet's there is the
 * plainest tell. The runner loaded the identity with the same parsers before it started the
 * target (and `fakenet install` and `fakenet validate` check it), so what fails here is what
 * changed since (an identity edited, a root without libyaml): the process then sees the real
 * files and kernel answers, as without the library. */
static void load(void)
{
	loading = true;
	fn_progname = NULL; /* lib/'s messages too (util.h) */
	if (fn_preload_parsers_open())
		load_identity();
	fn_preload_parsers_close();
	loading = false;
}

const struct fn_preload *fn_preload_state(void)
{
	if (loading)
		return NULL;
	pthread_once(&once, load);
	return loaded ? &state : NULL;
}

const struct fn_preload *fn_preload_view_state(void)
{
	const struct fn_preload *st = fn_preload_state();

	return st && st->vfs ? st : NULL;
}

const char *fn_preload_hostname(void)
{
	const struct fn_preload *st = fn_preload_state();

	return st && st->id->hostname[0] ? st->id->hostname : NULL;
}
