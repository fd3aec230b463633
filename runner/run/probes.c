/* Probe file parsing (a bounded pass over libyaml's events, then its document API) and expansion of
 * foreach and {placeholders}. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "derive.h"
#include "netaddr.h"
#include "probes.h"
#include "util.h"

/* Probes nest two levels deep (list, mapping); far deeper is not a probe file, and libyaml's time
 * grows with the square of the depth, so reading stops as soon as it passes this. */
#define MAX_DEPTH 64

extern const char fn_embedded_probes_yaml[], fn_embedded_probes_yaml_end[];

const char *fn_builtin_probes(size_t *len)
{
	*len = (size_t)(fn_embedded_probes_yaml_end - fn_embedded_probes_yaml);
	return fn_embedded_probes_yaml;
}

extern const char fn_embedded_tells_yaml[], fn_embedded_tells_yaml_end[];

const char *fn_builtin_tells(size_t *len)
{
	*len = (size_t)(fn_embedded_tells_yaml_end - fn_embedded_tells_yaml);
	return fn_embedded_tells_yaml;
}

/* One probe as written, before expansion. */
struct raw_probe {
	const char *name, *run, *read, *pattern, *expect, *foreach, *style, *decode, *unfakeable;
	const char *why;
	const yaml_node_t *pattern_node;
	bool ignore_case;
	unsigned long max_ms;
	unsigned line;
};

struct parse_ctx {
	yaml_document_t *doc;
	struct fn_diags *diags;
	int errors;
};

static void error_at(struct parse_ctx *c, const yaml_node_t *node, const char *fmt, const char *arg)
{
	fn_diags_add(c->diags, (unsigned)node->start_mark.line + 1,
		     (unsigned)node->start_mark.column + 1, fmt, arg);
	c->errors++;
}

static const char *scalar(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static bool parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
		*out = false;
		return true;
	}
	return false;
}

/* How a placeholder's value goes into the text it stands in. */
enum sub_mode {
	SUB_TEXT,  /* as is: names, fact names, paths (a path is one argument of cat) */
	SUB_SHELL, /* a quoted reference to a positional parameter: the value is an argument */
	SUB_REGEX, /* every ASCII metacharacter escaped: the value matches itself */
};

/* The placeholders, and the positional parameter each becomes in a run: command. */
static const char *const placeholder_keys[] = {"{if}", "{host}", "{gw}", "{hostname}", "{disk}"};
static const char *const placeholder_params[] = {"\"$1\"", "\"$1\"", "\"$2\"", "\"$3\"", "\"$1\""};
#define N_PLACEHOLDERS (N_ELEMENTS(placeholder_keys))

/* Escapes each byte a pattern could read as syntax (not \Q..\E, which a value holding \E ends):
 * PCRE2 takes a backslash before any non-alphanumeric ASCII character as that character. */
static void append_regex_literal(struct fn_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x80 && !isalnum(ch))
			fn_buf_append(b, "\\", 1);
		fn_buf_append(b, s, 1);
	}
}

/* Replaces {key} placeholders with `values` as `mode` says. */
static char *substitute(const char *tmpl, const char *const *values, enum sub_mode mode)
{
	struct fn_buf b;

	fn_buf_init(&b);
	for (const char *s = tmpl; *s;) {
		size_t i;

		for (i = 0; i < N_PLACEHOLDERS; i++)
			if (strncmp(s, placeholder_keys[i], strlen(placeholder_keys[i])) == 0)
				break;
		if (i == N_PLACEHOLDERS) {
			fn_buf_append(&b, s++, 1);
			continue;
		}
		if (mode == SUB_SHELL)
			fn_buf_puts(&b, placeholder_params[i]);
		else if (mode == SUB_REGEX)
			append_regex_literal(&b, values[i]);
		else
			fn_buf_puts(&b, values[i]);
		s += strlen(placeholder_keys[i]);
	}
	return fn_buf_steal(&b, NULL);
}

static void parse_key(struct parse_ctx *c, struct raw_probe *p, const char *key,
		      const yaml_node_t *knode, const yaml_node_t *vnode)
{
	struct {
		const char *key;
		const char **slot;
	} strings[] = {
	    {"name", &p->name},	      {"run", &p->run},	      {"read", &p->read},
	    {"pattern", &p->pattern}, {"expect", &p->expect}, {"foreach", &p->foreach},
	    {"style", &p->style},     {"decode", &p->decode}, {"unfakeable", &p->unfakeable},
	    {"why", &p->why},
	};
	const char *value = scalar(vnode);
	char *end;

	if (!value) {
		error_at(c, vnode, "'%s' must be a scalar", key);
		return;
	}
	for (size_t i = 0; i < N_ELEMENTS(strings); i++) {
		if (strcmp(key, strings[i].key) == 0) {
			*strings[i].slot = value;
			if (strings[i].slot == &p->pattern)
				p->pattern_node = vnode;
			return;
		}
	}
	if (strcmp(key, "ignore_case") == 0) {
		if (!parse_bool(value, &p->ignore_case))
			error_at(c, vnode, "ignore_case must be true or false, not '%s'", value);
	} else if (strcmp(key, "max_ms") == 0) {
		p->max_ms = strtoul(value, &end, 10);
		if (*value == '\0' || *end != '\0' || p->max_ms == 0 || p->max_ms > 600000)
			error_at(c, vnode, "max_ms must be a number of milliseconds, not '%s'",
				 value);
	} else {
		error_at(c, knode, "unknown probe key '%s'", key);
	}
}

pcre2_code *fn_probe_pattern_compile(const char *pattern, bool ignore_case, char *why, size_t size)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	pcre2_code *re;
	int err;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			   PCRE2_MULTILINE | (ignore_case ? PCRE2_CASELESS : 0), &err, &offset,
			   NULL);
	if (!re) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		snprintf(why, size, "%s at offset %zu", (const char *)msg, (size_t)offset);
	}
	return re;
}

/* A pattern compiles whatever the placeholders hold (they are escaped), so it is checked once here,
 * with a stand-in value, where its place in the file is known. */
static void check_pattern(struct parse_ctx *c, const struct raw_probe *p)
{
	static const char *const stand_in[] = {"x", "x", "x", "x", "x"};
	_Static_assert(N_ELEMENTS(stand_in) == N_PLACEHOLDERS, "a stand-in for every placeholder");
	char *pattern = substitute(p->pattern, stand_in, SUB_REGEX), why[300];
	pcre2_code *re = fn_probe_pattern_compile(pattern, p->ignore_case, why, sizeof(why));

	if (!re) {
		fn_diags_add(c->diags, (unsigned)p->pattern_node->start_mark.line + 1,
			     (unsigned)p->pattern_node->start_mark.column + 1,
			     "pattern: '%s' is not a valid regular expression: %s", p->pattern,
			     why);
		c->errors++;
	}
	pcre2_code_free(re);
	free(pattern);
}

static void check_raw(struct parse_ctx *c, const yaml_node_t *node, const struct raw_probe *p)
{
	static const char *const foreach_kinds[] = {
	    "interface", "interface.up", "blocked", "hosts", "cpu", "disks", "disk", "disk.ata"};
	bool known = !p->foreach;

	if (!p->name)
		error_at(c, node, "a probe needs a 'name'%s", "");
	if (!p->run == !p->read)
		error_at(c, node, "a probe needs exactly one of 'run' and 'read'%s", "");
	if (!p->expect)
		error_at(c, node, "a probe needs 'expect' (an identity fact)%s", "");
	for (size_t i = 0; p->foreach && i < N_ELEMENTS(foreach_kinds); i++)
		known |= strcmp(p->foreach, foreach_kinds[i]) == 0;
	if (!known)
		error_at(
		    c, node,
		    "foreach must be interface, interface.up, blocked, hosts, cpu, disks, disk or "
		    "disk.ata, not '%s'",
		    p->foreach);
	if (p->style && strcmp(p->style, "2.10") != 0 && strcmp(p->style, "1.60") != 0)
		error_at(c, node, "style must be \"2.10\" or \"1.60\", not '%s'", p->style);
	if (p->decode && strcmp(p->decode, "hex-le-ipv4") != 0 &&
	    strcmp(p->decode, "hex-ipv6") != 0)
		error_at(c, node, "decode must be hex-le-ipv4 or hex-ipv6, not '%s'", p->decode);
	if (p->unfakeable && strcmp(p->unfakeable, "host") != 0 &&
	    strcmp(p->unfakeable, "always") != 0 && strcmp(p->unfakeable, "wireless") != 0 &&
	    strcmp(p->unfakeable, "pci") != 0)
		error_at(c, node,
			 "unfakeable must be 'host', 'wireless', 'pci' or 'always', not '%s'",
			 p->unfakeable);
	if (p->pattern)
		check_pattern(c, p);
}

static char *maybe_substitute(const char *tmpl, const char *const *values, enum sub_mode mode)
{
	return tmpl ? substitute(tmpl, values, mode) : NULL;
}

static void emit(const struct raw_probe *p, const char *file, const char *item,
		 const struct fn_identity *id, struct fn_probe_list *out)
{
	char gw[FN_IP_STRLEN] = "";
	const char *values[] = {item ? item : "", item ? item : "", gw, id->hostname,
				item ? item : ""};
	struct fn_probe *q;

	_Static_assert(N_ELEMENTS(values) == N_PLACEHOLDERS, "a value for every placeholder");

	if (id->has_gateway)
		fn_ip_format(&id->gateway_ip, gw);
	else if ((p->pattern && strstr(p->pattern, "{gw}")) || (p->run && strstr(p->run, "{gw}")))
		return; /* nothing to look for without a gateway */
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	q = &out->v[out->n++];
	memset(q, 0, sizeof(*q));
	q->name = substitute(p->name, values, SUB_TEXT);
	q->run = maybe_substitute(p->run, values, SUB_SHELL);
	q->read = maybe_substitute(p->read, values, SUB_TEXT);
	q->pattern = maybe_substitute(p->pattern, values, SUB_REGEX);
	q->expect = substitute(p->expect, values, SUB_TEXT);
	if (p->run)
		for (size_t i = 0; i < FN_PROBE_NARGS; i++)
			q->args[i] = xstrdup(values[i + 1]);
	q->ignore_case = p->ignore_case;
	q->unfakeable_on_host = p->unfakeable != NULL;
	/* "wireless", "pci": under every mode too when the identity has such a link. */
	q->unfakeable_always =
	    p->unfakeable &&
	    (strcmp(p->unfakeable, "always") == 0 ||
	     (strcmp(p->unfakeable, "wireless") == 0 && fn_identity_has_wireless(id)) ||
	     (strcmp(p->unfakeable, "pci") == 0 && fn_identity_has_pci(id)));
	q->why = p->why ? xstrdup(p->why) : NULL;
	q->max_ms = (unsigned)p->max_ms;
	if (p->decode)
		q->decode =
		    strcmp(p->decode, "hex-ipv6") == 0 ? FN_DECODE_HEX_IPV6 : FN_DECODE_HEX_LE_IPV4;
	q->origin = xasprintf("%s:%u", file, p->line);
}

/* The `system:` kinds: cpu and disks once when the identity gives them, disk for each disk,
 * disk.ata for each ATA disk (hdparm's). */
static void expand_system(const struct raw_probe *p, const char *file, const struct fn_identity *id,
			  struct fn_probe_list *out)
{
	const struct fn_system *sys = &id->system;

	if (strcmp(p->foreach, "cpu") == 0) {
		if (sys->cpu.given)
			emit(p, file, NULL, id, out);
		return;
	}
	if (strcmp(p->foreach, "disks") == 0) {
		if (sys->n_disks)
			emit(p, file, NULL, id, out);
		return;
	}
	for (size_t i = 0; i < sys->n_disks; i++)
		if (strcmp(p->foreach, "disk") == 0 || sys->disks[i].kind == FN_DISK_SCSI)
			emit(p, file, sys->disks[i].name, id, out);
}

static void expand(const struct raw_probe *p, const char *file, const struct fn_identity *id,
		   struct fn_probe_list *out)
{
	const char *style = id->nettools == FN_NETTOOLS_1_60 ? "1.60" : "2.10";

	if (p->style && strcmp(p->style, style) != 0)
		return;
	if (!p->foreach) {
		emit(p, file, NULL, id, out);
	} else if (strncmp(p->foreach, "interface", 9) == 0) {
		bool only_up = strcmp(p->foreach, "interface.up") == 0;

		for (size_t i = 0; i < id->n_ifaces; i++)
			if (id->ifaces[i].kind != FN_KIND_LOOPBACK &&
			    (!only_up || id->ifaces[i].up))
				emit(p, file, id->ifaces[i].name, id, out);
	} else if (strncmp(p->foreach, "cpu", 3) == 0 || strncmp(p->foreach, "disk", 4) == 0) {
		expand_system(p, file, id, out);
	} else if (strcmp(p->foreach, "blocked") == 0) {
		for (size_t i = 0; i < id->n_blocked; i++)
			emit(p, file, id->blocked[i], id, out);
	} else {
		for (size_t i = 0; i < id->n_hosts; i++)
			for (size_t j = 0; j < id->hosts[i].n_names; j++)
				emit(p, file, id->hosts[i].names[j], id, out);
	}
}

static void parse_probe(struct parse_ctx *c, const yaml_node_t *node, const char *file,
			const struct fn_identity *id, struct fn_probe_list *out)
{
	struct raw_probe p = {.line = (unsigned)node->start_mark.line + 1};
	int before = c->errors;

	if (node->type != YAML_MAPPING_NODE) {
		error_at(c, node, "a probe must be a mapping%s", "");
		return;
	}
	for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, pair->value);

		if (!scalar(k)) {
			error_at(c, k, "probe keys must be scalars%s", "");
			continue;
		}
		parse_key(c, &p, scalar(k), k, v);
	}
	check_raw(c, node, &p);
	if (c->errors == before)
		expand(&p, file, id, out);
}

static int report_yaml_error(const yaml_parser_t *parser, struct fn_diags *diags)
{
	fn_diags_add(diags, (unsigned)parser->problem_mark.line + 1,
		     (unsigned)parser->problem_mark.column + 1, "%s%s%s",
		     parser->problem ? parser->problem : "YAML error", parser->context ? " " : "",
		     parser->context ? parser->context : "");
	return -1;
}

/* An event's place in the file, 1-based line and column. */
#define EVENT_AT(ev) (unsigned)(ev).start_mark.line + 1, (unsigned)(ev).start_mark.column + 1

/* One pass over the events before the document is built: syntax errors, nesting deeper than
 * MAX_DEPTH and scalars holding a NUL (which C strings would silently cut) stop it at once. */
static int check_events(const char *text, size_t len, struct fn_diags *diags)
{
	yaml_parser_t parser;
	int depth = 0, rc = 1;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (rc > 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			rc = report_yaml_error(&parser, diags);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > MAX_DEPTH) {
				fn_diags_add(diags, EVENT_AT(ev),
					     "nesting is deeper than %d levels, the limit for a "
					     "probe file",
					     MAX_DEPTH);
				rc = -1;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_SCALAR_EVENT &&
			   strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length) {
			fn_diags_add(diags, EVENT_AT(ev), "a string contains a NUL character");
			rc = -1;
		} else if (ev.type == YAML_STREAM_END_EVENT) {
			rc = 0;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int fn_probes_load(const char *name, const char *text, size_t len, const struct fn_identity *id,
		   struct fn_probe_list *out, struct fn_diags *diags)
{
	struct parse_ctx c = {.diags = diags};
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;

	if (len > FN_PROBES_MAX_SIZE) {
		fn_diags_add(diags, 0, 0, "file is larger than 1 MiB, the limit for a probe file");
		return -1;
	}
	if (check_events(text, len, diags) < 0)
		return -1;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		report_yaml_error(&parser, diags);
		yaml_parser_delete(&parser);
		return -1;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		fn_diags_add(diags, 0, 0, "the probe file is empty");
		c.errors++;
	} else if (root->type != YAML_SEQUENCE_NODE) {
		error_at(&c, root, "a probe file is a list of probes%s", "");
	} else {
		for (yaml_node_item_t *it = root->data.sequence.items.start;
		     it < root->data.sequence.items.top; it++)
			parse_probe(&c, yaml_document_get_node(&doc, *it), name, id, out);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return c.errors ? -1 : 0;
}

void fn_probes_free(struct fn_probe_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		struct fn_probe *p = &list->v[i];

		free(p->name);
		free(p->run);
		free(p->read);
		free(p->pattern);
		free(p->expect);
		free(p->origin);
		free(p->why);
		for (size_t j = 0; j < FN_PROBE_NARGS; j++)
			free(p->args[j]);
	}
	free(list->v);
	list->v = NULL;
	list->n = 0;
}
