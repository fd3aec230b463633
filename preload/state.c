/* The preload library's one state: the identity ($FAKENET_IDENTITY, else the embedded default)
 * and the same virtual tree fakefs serves, built on first use and kept for the process's life. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "identity_source.h"
#include "preload.h"
#include "util.h"
#include "vfs_build.h"
#include "view.h"

static struct fn_preload state;
static bool loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static __thread bool loading;

static void load(void)
{
	loading = true;
	fn_progname = "fakenet-preload";
	state.id = fn_identity_lookup(NULL, NULL, NULL);
	if (!state.id) {
		fn_warn("the identity could not be loaded; showing the real network");
	} else {
		state.vfs = fn_vfs_build(state.id);
		fn_view_pass_real(state.vfs);
		state.loaded_at = (long)time(NULL);
		loaded = true;
	}
	loading = false;
}

const struct fn_preload *fn_preload_state(void)
{
	if (loading)
		return NULL;
	pthread_once(&once, load);
	return loaded ? &state : NULL;
}

const char *fn_preload_hostname(void)
{
	const struct fn_preload *st = fn_preload_state();

	return st && st->id->hostname[0] ? st->id->hostname : NULL;
}
