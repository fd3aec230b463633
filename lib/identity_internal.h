/* Private to the identity reader (identity_yaml.c, identity_parse.c, identity_validate.c): the
 * YAML node tree, the reader's state and the helpers the three share. Include nowhere else. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "identity.h"

/* Paths are short ("interfaces[3].addresses[0]"); a cut one still reads as a path. */
#define PATH_SIZE 96
/* Room for a value as a message shows it (see ident_show). */
#define SHOW_SIZE 80

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

/* One YAML node. A mapping's kids alternate key, value. */
struct ynode {
	enum ynode_type type;
	unsigned line, column;
	char *text;
	size_t len;
	bool plain;
	struct ynode **kids;
	size_t n, cap;
};

/* One occurrence of something that must be unique; sorted to find repeats in O(n log n). */
struct occurrence {
	const void *key;
	const struct ynode *node; /* NULL for a built-in value */
	size_t order;
	char path[PATH_SIZE];
	const char *owner;
	int tag;
};

struct occurrences {
	struct occurrence *v;
	size_t n, cap;
	int (*cmp)(const void *a, const void *b); /* set by the check */
};

struct ctx {
	struct fn_diags *d;
	struct fn_identity *id;
	const char *buf;
	size_t len;
	unsigned pci_slots_used; /* ethernet and wireless NICs so far */
	/* Noted while reading, checked for repeats by identity_validate.c. */
	struct occurrences ifnames, addresses, neighbors, routes, disks;
	/* The gateway as a neighbour entry, and where its address stands (set once resolved). */
	struct fn_neighbor gateway_neighbor;
	const struct ynode *gateway_ip_node;
	/* An interface name or address did not parse: "no such interface" and "not in a connected
	 * subnet" would then be guesses, so they are not reported. */
	bool links_unknown;
};

/* ---- identity_parse.c: diagnostics and paths */

__attribute__((format(printf, 4, 5))) void ident_report(struct ctx *c, unsigned line,
							unsigned column, const char *fmt, ...);
#define err(c, node, ...) ident_report((c), (node)->line, (node)->column, __VA_ARGS__)

/* A value as it appears in a message: quoted, control bytes escaped, long ones cut. */
const char *ident_show(const char *s, size_t len, char *buf, size_t size);
#define SHOWN(s)      ident_show((s), strlen(s), (char[SHOW_SIZE]){0}, SHOW_SIZE)
#define SHOWN_NODE(n) ident_show((n)->text, (n)->len, (char[SHOW_SIZE]){0}, SHOW_SIZE)

/* "parent.key" and "parent[i]". */
const char *ident_join(char *buf, size_t size, const char *parent, const char *key);
const char *ident_index_path(char *buf, size_t size, const char *parent, size_t i);

/* ---- identity_parse.c: typed access, each reporting what is wrong with the value */

bool is_null(const struct ynode *n);
bool get_string(struct ctx *c, const struct ynode *n, const char *path, const char **out);
/* Any non-empty scalar as written (an address, 32 hex digits), whatever YAML thinks it is. */
bool get_text(struct ctx *c, const struct ynode *n, const char *path, const char *want,
	      const char **out);
bool get_int(struct ctx *c, const struct ynode *n, const char *path, long long min, long long max,
	     long long *out);
/* One of a fixed set of words; `words` is NULL-terminated and its index is the result. */
bool get_word(struct ctx *c, const struct ynode *n, const char *path, const char *const *words,
	      int *out);
/* A list, or an empty value. */
bool get_list(struct ctx *c, const struct ynode *n, const char *path, const char *want);
/* The value of a required key, or NULL after reporting it missing. */
const struct ynode *map_need(struct ctx *c, const struct ynode *map, const char *path,
			     const char *key);
/* `n` is a mapping whose keys are all in `allowed` (NULL-terminated), none twice. */
bool check_map(struct ctx *c, const struct ynode *n, const char *path, const char *want,
	       const char *const *allowed);

/* ---- identity_system.c: `system:` (machine id, DMI, CPU, disks), defaults filled in */

void ident_parse_system(struct ctx *c, const struct ynode *n);
/* 16 bytes from `seed`, the identity's hostname and MACs, as a version 4 UUID: the same identity
 * always gives the same, another identity other ones. */
void ident_derive_uuid(const struct fn_identity *id, const char *seed, uint8_t out[16]);

/* ---- identity_partitions.c: a disk's `partitions:` (`n` NULL: the default layout) */

bool ident_parse_partitions(struct ctx *c, const struct ynode *n, const char *disk_path,
			    struct fn_disk *d);

/* ---- identity_yaml.c: the node tree */

/* The first document as a tree, or NULL after reporting why there is none to check. */
struct ynode *ident_read_tree(struct ctx *c);
void ident_tree_free(struct ynode *n);
/* A mapping's value (or key node) for `key`, or NULL. */
const struct ynode *ident_map_get(const struct ynode *map, const char *key);
const struct ynode *ident_map_key(const struct ynode *map, const char *key);
/* Items of a list; 0 for anything that is not one. */
size_t ident_list_len(const struct ynode *n);

/* ---- identity_validate.c: checks across fields and entries */

/* Notes one occurrence of a value that must be unique, for a later ident_check_* call. */
struct occurrence *ident_note(struct occurrences *o, const void *key, const struct ynode *node,
			      const char *path);

/* Limits that depend on more than one value. */
void ident_assign_pci_slot(struct ctx *c, const struct ynode *kind, const char *path,
			   struct fn_iface *iface);
void ident_check_ipv6_mtu(struct ctx *c, const struct ynode *mtu, const char *path,
			  const struct fn_iface *iface);

/* Interface names and addresses noted in c->ifnames and c->addresses are unique. */
void ident_check_interfaces_unique(struct ctx *c);

/* The interface called `name`, or NULL after reporting that there is none. */
const struct fn_iface *ident_find_dev(struct ctx *c, const struct ynode *n, const char *path,
				      const char *name);
/* The ifindex of the interface an on-link address (a next hop, a neighbour) belongs to, or 0
 * after reporting why there is none. `dev` is the interface the file names, if any. */
int ident_resolve_on_link(struct ctx *c, const struct ynode *n, const char *path,
			  const struct fn_ip *ip, const struct fn_iface *dev, bool dev_given);

/* Checks the parsed gateway address against the interfaces; sets has_gateway when both it and
 * the MAC (`mac_ok`) are usable. */
void ident_resolve_gateway(struct ctx *c, const struct ynode *ip, bool mac_ok);
/* A route's next hop is of the family of its destination. */
bool ident_route_families_match(struct ctx *c, const struct ynode *via, const char *path,
				const struct fn_route *r);
/* No two routes of c->routes, the gateway's default route or a connected route share a
 * destination and a metric (the kernel refuses the second one). */
void ident_check_routes_unique(struct ctx *c);
/* No two entries of c->neighbors and the gateway are for one address on one interface. */
void ident_check_neighbors_unique(struct ctx *c);
/* No two disks noted in c->disks share a name. */
void ident_check_disks_unique(struct ctx *c);
/* A blocked name must not also resolve through `hosts:`, nor be listed twice. */
void ident_check_blocked(struct ctx *c, const struct ynode *hosts, const struct ynode *blocked);
