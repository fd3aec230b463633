/* Renderers for the iproute2 `ip` views (addr, link, route, neigh, route get), byte-exact with
 * iproute2 6.1. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "buf.h"
#include "derive.h"
#include "identity.h"

/* The global options of `ip` that change what a listing looks like, and the selectors of `show`. */
struct fn_ip_opts {
	int family;	   /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	bool oneline;	   /* -o: one record per line, inner line breaks as '\' */
	bool brief;	   /* -br */
	int details;	   /* -d, counted */
	int stats;	   /* -s, counted */
	bool json;	   /* -j: iproute2's JSON */
	bool pretty;	   /* -p: the JSON laid out on lines */
	bool up_only;	   /* `show up`: only interfaces that are up */
	bool scope_given;  /* `addr show scope S`: only addresses of that scope */
	unsigned scope;	   /* RT_SCOPE_*, with scope_given */
	const char *kind;  /* `link show type T`: only links of that kind (IFLA_INFO_KIND) */
	bool to_given;	   /* `neigh show [to] PREFIX` */
	struct fn_cidr to; /* with to_given */
	int nud;	   /* `neigh show nud S`: an enum fn_nud, or -1 for any */
};

/* `ip link [show [dev] IF]`, `ip addr [show [dev] IF]`: `dev` NULL lists every interface. */
void render_ip_link(const struct fn_identity *id, const struct fn_ip_opts *o,
		    const struct fn_iface *dev, struct fn_buf *out);
void render_ip_addr(const struct fn_identity *id, const struct fn_ip_opts *o,
		    const struct fn_iface *dev, struct fn_buf *out);
/* `ip route [show] [default] [dev IF]` (IPv4 unless o->family is AF_INET6). */
void render_ip_route(const struct fn_identity *id, const struct fn_ip_opts *o, bool default_only,
		     const struct fn_iface *dev, struct fn_buf *out);
/* `ip neigh [show] [dev IF]`. */
void render_ip_neigh(const struct fn_identity *id, const struct fn_ip_opts *o,
		     const struct fn_iface *dev, struct fn_buf *out);
/* `ip route get ADDR` as user `uid`; false when the kernel would answer "Network is
 * unreachable". */
bool render_ip_route_get(const struct fn_identity *id, const struct fn_ip *dst, uid_t uid,
			 struct fn_buf *out);

/* Shared by the text and the JSON renderer (render_iproute_json.h). */
#define FN_IP_MAX_ADDRS 64
/* Whether a link passes the `show` selectors (`dev`, up, type). */
bool fn_ip_link_selected(const struct fn_ip_opts *o, const struct fn_iface *dev,
			 const struct fn_iface *iface);
/* The interface's addresses of the -4/-6 family (IPv4 first), as `ip addr` lists them. */
size_t fn_ip_addrs_of(const struct fn_iface *iface, int family, struct fn_cidr *out);
/* Whether an address passes `scope S`. */
bool fn_ip_addr_selected(const struct fn_ip_opts *o, const struct fn_cidr *a);
/* How many of `addrs` pass `scope S`. */
size_t fn_ip_addrs_selected(const struct fn_ip_opts *o, const struct fn_cidr *addrs, size_t n);
/* Whether a route of the table is listed by `ip route [default] [dev IF]`. */
bool fn_ip_route_selected(const struct fn_rt *rt, bool default_only, const struct fn_iface *dev);
/* Whether a neighbour passes -4/-6, `dev`, `to` and `nud`. */
bool fn_ip_neigh_selected(const struct fn_ip_opts *o, const struct fn_neighbor *nb,
			  const struct fn_iface *dev);
bool fn_ip_nud_has_lladdr(enum fn_nud state);
/* Whether the kernel answers `ip route get` for `dst` from table local (an own address). */
bool fn_ip_is_local_address(const struct fn_identity *id, const struct fn_ip *dst);
/* "UP", "DOWN", "UNKNOWN". */
const char *fn_ip_operstate(const struct fn_iface *iface, char *buf, size_t len);
const char *fn_ip_scope_name(enum fn_rt_scope scope);
const char *fn_ip_proto_name(enum fn_rt_proto proto);
const char *fn_ip_route_type_name(enum fn_rt_type type);
const char *fn_ip_iface_name(const struct fn_identity *id, int ifindex);
/* A neighbour entry whose timer runs (reachable, delay, probe, incomplete) holds a reference. */
unsigned fn_ip_neigh_refcnt(enum fn_nud state);
