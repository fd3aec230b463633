/* Identity reader, first step: YAML text -> a small node tree, through libyaml's event API.
 * Anchors and aliases are refused, nesting is bounded, and syntax errors carry their position. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "identity_internal.h"
#include "util.h"

/* The schema nests four levels deep; anything far deeper is not an identity. */
#define MAX_DEPTH 32

void ident_tree_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ident_tree_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static struct ynode *ynode_new(enum ynode_type type, yaml_mark_t mark)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = (unsigned)mark.line + 1;
	n->column = (unsigned)mark.column + 1;
	return n;
}

static void ynode_append(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		parent->kids = xreallocarray(parent->kids, parent->cap, sizeof(*parent->kids));
	}
	parent->kids[parent->n++] = kid;
}

struct builder {
	struct ynode *root;
	struct ynode *open[MAX_DEPTH];
	size_t depth;
	unsigned documents;
};

enum step { STEP_MORE, STEP_DONE, STEP_FAILED };

static void place(struct builder *b, struct ynode *n)
{
	if (b->depth)
		ynode_append(b->open[b->depth - 1], n);
	else if (!b->root)
		b->root = n;
	else
		ident_tree_free(n);
}

/* Line and column (1-based, in characters) of a byte offset, for errors libyaml gives no mark. */
static void offset_position(const char *buf, size_t len, size_t offset, unsigned *line,
			    unsigned *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			(*column)++;
		}
	}
}

/* The byte at a libyaml mark (whose column counts characters), or 0 past the end. */
static char char_at(const char *buf, size_t len, yaml_mark_t mark)
{
	size_t i = 0, line = 0, column = 0;

	for (; i < len && line < mark.line; i++)
		if (buf[i] == '\n')
			line++;
	for (; i < len && buf[i] != '\n'; i++) {
		if (((unsigned char)buf[i] & 0xc0) == 0x80)
			continue;
		if (column++ == mark.column)
			return buf[i];
	}
	return 0;
}

static void report_yaml_error(struct ctx *c, const yaml_parser_t *p)
{
	unsigned line, column;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		ident_report(c, 0, 0, "out of memory while reading YAML");
		return;
	case YAML_READER_ERROR:
		offset_position(c->buf, c->len, p->problem_offset, &line, &column);
		if (!strstr(p->problem, "UTF-8"))
			ident_report(c, line, column, "not a text file: %s (U+%04X)", p->problem,
				     (unsigned)p->problem_value);
		else if (p->problem_value >= 0)
			ident_report(c, line, column, "not UTF-8 text: %s (byte 0x%02x)",
				     p->problem, (unsigned)p->problem_value & 0xff);
		else
			ident_report(c, line, column, "not UTF-8 text: %s", p->problem);
		return;
	default:
		break;
	}
	line = (unsigned)p->problem_mark.line + 1;
	column = (unsigned)p->problem_mark.column + 1;
	if (char_at(c->buf, c->len, p->problem_mark) == '\t')
		ident_report(c, line, column,
			     "YAML syntax error: %s (a tab; YAML indents with spaces)", p->problem);
	else if (p->context && (p->context_mark.line != p->problem_mark.line ||
				p->context_mark.column != p->problem_mark.column))
		ident_report(c, line, column,
			     "YAML syntax error: %s (%s started at line %u, column %u)", p->problem,
			     p->context, (unsigned)p->context_mark.line + 1,
			     (unsigned)p->context_mark.column + 1);
	else
		ident_report(c, line, column, "YAML syntax error: %s",
			     p->problem ? p->problem : "unknown");
}

static enum step refuse_anchor(struct ctx *c, const yaml_event_t *ev, const yaml_char_t *anchor,
			       char sigil)
{
	ident_report(c, (unsigned)ev->start_mark.line + 1, (unsigned)ev->start_mark.column + 1,
		     "anchors and aliases are not supported (found '%c%s')", sigil,
		     (const char *)anchor);
	return STEP_FAILED;
}

static enum step open_collection(struct ctx *c, struct builder *b, const yaml_event_t *ev,
				 enum ynode_type type)
{
	struct ynode *n;

	if (b->depth == MAX_DEPTH) {
		ident_report(c, (unsigned)ev->start_mark.line + 1,
			     (unsigned)ev->start_mark.column + 1,
			     "nesting is deeper than %d levels", MAX_DEPTH);
		return STEP_FAILED;
	}
	n = ynode_new(type, ev->start_mark);
	place(b, n);
	b->open[b->depth++] = n;
	return STEP_MORE;
}

static enum step take_event(struct ctx *c, struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents == 1)
			return STEP_MORE;
		ident_report(
		    c, (unsigned)ev->start_mark.line + 1, (unsigned)ev->start_mark.column + 1,
		    "a second YAML document starts here; an identity file holds exactly one");
		return STEP_DONE;
	case YAML_ALIAS_EVENT:
		return refuse_anchor(c, ev, ev->data.alias.anchor, '*');
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			return refuse_anchor(c, ev, ev->data.scalar.anchor, '&');
		n = ynode_new(YN_SCALAR, ev->start_mark);
		n->text = xmalloc(ev->data.scalar.length + 1);
		memcpy(n->text, ev->data.scalar.value, ev->data.scalar.length);
		n->text[ev->data.scalar.length] = '\0';
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		place(b, n);
		return STEP_MORE;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			return refuse_anchor(c, ev, ev->data.sequence_start.anchor, '&');
		return open_collection(c, b, ev, YN_SEQ);
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			return refuse_anchor(c, ev, ev->data.mapping_start.anchor, '&');
		return open_collection(c, b, ev, YN_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return STEP_MORE;
	case YAML_STREAM_END_EVENT:
		return STEP_DONE;
	default:
		return STEP_MORE;
	}
}

/* The first document as a tree, or NULL after reporting why there is none to check. */
struct ynode *ident_read_tree(struct ctx *c)
{
	struct builder b = {0};
	enum step step = STEP_MORE;
	yaml_parser_t parser;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->buf, c->len);
	while (step == STEP_MORE) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			report_yaml_error(c, &parser);
			step = STEP_FAILED;
			break;
		}
		step = take_event(c, &b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (step == STEP_FAILED) {
		ident_tree_free(b.root);
		return NULL;
	}
	return b.root;
}

size_t ident_list_len(const struct ynode *n)
{
	return n->type == YN_SEQ ? n->n : 0;
}

const struct ynode *ident_map_get(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->type == YN_SCALAR && strcmp(map->kids[i]->text, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

const struct ynode *ident_map_key(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->type == YN_SCALAR && strcmp(map->kids[i]->text, key) == 0)
			return map->kids[i];
	return NULL;
}
