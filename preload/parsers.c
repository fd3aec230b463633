/* libyaml and libpcre2, mapped into a target only while the library loads its identity. Linked in,
 * the loader would map and relocate both in every process the library enters (every program of a
 * --net host run, `true` included) and list them in its /proc/self/maps. lib/ calls them by their
 * usual names; these stand-ins (hidden, as everything the version script does not export) take
 * those calls inside the library and forward them to the real functions, opened on first use. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>

#include "parsers.h"
#include "preload.h"
#include "util.h"

/* Every function of the two that lib/ calls: X(library, result, name, parameters, arguments,
 * result when the library cannot be opened). A call missing here fails the library's link. */
#define FN_PARSER_CALLS(X)                                                                         \
	X(YAML, int, yaml_parser_initialize, (yaml_parser_t * p), (p),                             \
	  (memset(p, 0, sizeof(*p)), 0))                                                           \
	X(YAML, void, yaml_parser_set_input_string,                                                \
	  (yaml_parser_t * p, const unsigned char *in, size_t n), (p, in, n), (void)0)             \
	X(YAML, int, yaml_parser_parse, (yaml_parser_t * p, yaml_event_t * e), (p, e),             \
	  (p->error = YAML_MEMORY_ERROR, 0))                                                       \
	X(YAML, void, yaml_event_delete, (yaml_event_t * e), (e), (void)0)                         \
	X(YAML, void, yaml_parser_delete, (yaml_parser_t * p), (p), (void)0)                       \
	X(PCRE, pcre2_code *, pcre2_compile_8,                                                     \
	  (PCRE2_SPTR re, PCRE2_SIZE n, uint32_t o, int *err, PCRE2_SIZE *at,                      \
	   pcre2_compile_context *c),                                                              \
	  (re, n, o, err, at, c), (*err = PCRE2_ERROR_NOMEMORY, *at = 0, NULL))                    \
	X(PCRE, void, pcre2_code_free_8, (pcre2_code * c), (c), (void)0)                           \
	X(PCRE, int, pcre2_get_error_message_8, (int e, PCRE2_UCHAR *buf, PCRE2_SIZE n),           \
	  (e, buf, n), (n ? *buf = 0 : 0, PCRE2_ERROR_BADDATA))                                    \
	X(PCRE, int, pcre2_match_8,                                                                \
	  (const pcre2_code *c, PCRE2_SPTR s, PCRE2_SIZE n, PCRE2_SIZE at, uint32_t o,             \
	   pcre2_match_data *md, pcre2_match_context *mc),                                         \
	  (c, s, n, at, o, md, mc), PCRE2_ERROR_NOMEMORY)                                          \
	X(PCRE, pcre2_match_context *, pcre2_match_context_create_8, (pcre2_general_context * g),  \
	  (g), NULL)                                                                               \
	X(PCRE, void, pcre2_match_context_free_8, (pcre2_match_context * c), (c), (void)0)         \
	X(PCRE, pcre2_match_data *, pcre2_match_data_create_8,                                     \
	  (uint32_t n, pcre2_general_context * g), (n, g), NULL)                                   \
	X(PCRE, void, pcre2_match_data_free_8, (pcre2_match_data * md), (md), (void)0)             \
	X(PCRE, int, pcre2_set_depth_limit_8, (pcre2_match_context * c, uint32_t n), (c, n),       \
	  PCRE2_ERROR_BADDATA)                                                                     \
	X(PCRE, int, pcre2_set_match_limit_8, (pcre2_match_context * c, uint32_t n), (c, n),       \
	  PCRE2_ERROR_BADDATA)

enum lib { YAML, PCRE, N_LIBS };

#define AS_INDEX(lib, ret, name, params, args, failed) CALL_##name,
enum call { FN_PARSER_CALLS(AS_INDEX) N_CALLS };

static const char *const sonames[N_LIBS] = {[YAML] = FN_YAML_SONAME, [PCRE] = FN_PCRE_SONAME};
static void *handles[N_LIBS];
static void *calls[N_CALLS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool open_lib(enum lib lib)
{
	if (!handles[lib])
		handles[lib] = dlopen(sonames[lib], RTLD_LAZY | RTLD_LOCAL);
	if (!handles[lib])
		dlerror(); /* said nowhere (state.c), and not left for the target's dlerror */
	return handles[lib] != NULL;
}

/* The real function `name` of `lib`, opening the library the first time; NULL if it cannot. */
static void *real_call(enum lib lib, enum call call, const char *name)
{
	void *fn;

	pthread_mutex_lock(&lock);
	if (!calls[call] && open_lib(lib))
		calls[call] = dlsym(handles[lib], name);
	fn = calls[call];
	pthread_mutex_unlock(&lock);
	return fn;
}

#define STAND_IN(lib, ret, name, params, args, failed)                                             \
	ret name params                                                                            \
	{                                                                                          \
		ret(*real) params = real_call(lib, CALL_##name, #name);                            \
		if (!real)                                                                         \
			return failed;                                                             \
		return real args;                                                                  \
	}
FN_PARSER_CALLS(STAND_IN)

bool fn_preload_parsers_open(void)
{
	bool ok;

	pthread_mutex_lock(&lock);
	ok = open_lib(YAML) && open_lib(PCRE);
	pthread_mutex_unlock(&lock);
	return ok;
}

void fn_preload_parsers_close(void)
{
	pthread_mutex_lock(&lock);
	memset(calls, 0, sizeof(calls));
	for (size_t i = 0; i < N_ELEMENTS(handles); i++) {
		if (handles[i])
			dlclose(handles[i]);
		handles[i] = NULL;
	}
	pthread_mutex_unlock(&lock);
}
