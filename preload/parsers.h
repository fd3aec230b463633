/* libyaml and libpcre2 for the preload library, opened only while it loads the identity. */
#pragma once

#include <stdbool.h>

/* The libraries by their sonames, as the loader would have found them had they been linked. */
#define FN_YAML_SONAME "libyaml-0.so.2"
#define FN_PCRE_SONAME "libpcre2-8.so.0"

/* Opens both; false if either could not. */
bool fn_preload_parsers_open(void);
/* Closes them again, so that they leave the target's memory map once the identity is parsed. */
void fn_preload_parsers_close(void);
