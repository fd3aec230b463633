/* Probe files of `fakenet check`: a YAML list of {name, run | read, pattern, expect, ...}, parsed
 * and expanded (foreach, placeholders) into concrete probes for one identity. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "identity.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* The largest probe file read (one byte more is refused). */
#define FN_PROBES_MAX_SIZE (1024 * 1024)
/* A run: command's positional parameters: $1 the foreach item ({if}, {host}), $2 {gw}, $3
 * {hostname}. Placeholders in run: become these, quoted: values never become shell text. */
#define FN_PROBE_NARGS 3

enum fn_probe_decode {
	FN_DECODE_NONE,
	FN_DECODE_HEX_LE_IPV4, /* /proc/net/route's %08X of a network-order address */
	FN_DECODE_HEX_IPV6,    /* /proc/net/if_inet6's 32 hex digits */
};

struct fn_probe {
	char *name;
	char *run;		    /* a shell command, or NULL */
	char *args[FN_PROBE_NARGS]; /* its positional parameters (run: only) */
	char *read;		    /* a file to read, or NULL */
	char *pattern; /* PCRE2; every match's group 1 (or whole match) is one value; NULL: whole
			  output */
	char *expect;  /* identity fact name (lib/facts.h) */
	enum fn_probe_decode decode;
	bool ignore_case;
	bool unfakeable_on_host; /* the source asks the kernel directly: cannot agree under --net
				    host */
	bool unfakeable_always;	 /* a tell no mode avoids yet: reported, never a failure */
	char *why;		 /* why it cannot agree (unfakeable), or NULL */
	unsigned max_ms;	 /* 0: no time limit checked */
	char *origin;		 /* "FILE:LINE" of the probe, for reports */
};

struct fn_probe_list {
	struct fn_probe *v;
	size_t n;
};

/* Parses a probe file's text and appends its probes, expanded for `id`, to `out`. Problems go to
 * `diags` as FILE:LINE:COLUMN; returns -1 if there were any. */
int fn_probes_load(const char *name, const char *text, size_t len, const struct fn_identity *id,
		   struct fn_probe_list *out, struct fn_diags *diags);
void fn_probes_free(struct fn_probe_list *list);

/* Compiles a probe's pattern as `fakenet check` matches it; NULL with the reason in `why`. */
pcre2_code *fn_probe_pattern_compile(const char *pattern, bool ignore_case, char *why, size_t size);

/* The built-in battery (runner/probes.yaml, linked into the binary). */
const char *fn_builtin_probes(size_t *len);
/* The built-in tells battery (runner/tells.yaml): what would show that fakenet is there. */
const char *fn_builtin_tells(size_t *len);
