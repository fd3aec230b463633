/* Renderers for the iproute2 `ip` views (addr, link, route, neigh, route get) and for the
 * address-based answers of `hostname`, byte-exact with iproute2 6.1 and hostname 3.23. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "buf.h"
#include "identity.h"

/* The global options of `ip` that change what a listing looks like. */
struct fn_ip_opts {
	int family;   /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	bool oneline; /* -o: one record per line, inner line breaks as '\' */
	bool brief;   /* -br */
	int details;  /* -d, counted */
	int stats;    /* -s, counted */
	bool up_only; /* `show up`: only interfaces that are up */
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

/* hostname (render_hostname.c). The name lookups (-f, -d, -i, -a, -A) answer from the rendered
 * /etc/hosts, which is all getaddrinfo() would consult for a name it finds there. Each returns
 * false when the real tool fails with "Temporary failure in name resolution". */
/* -I: every address but loopback and link-local, IPv4 then IPv6, each followed by a space. */
void render_hostname_all_ips(const struct fn_identity *id, struct fn_buf *out);
/* -A: the name of each address of -I that the hosts file knows, each followed by a space. */
void render_hostname_all_fqdns(const struct fn_identity *id, struct fn_buf *out);
/* -f: the canonical name of the host name. */
bool render_hostname_fqdn(const struct fn_identity *id, struct fn_buf *out);
/* -d: what follows the first dot of the canonical name; nothing at all without a dot. */
bool render_hostname_domain(const struct fn_identity *id, struct fn_buf *out);
/* -i: the addresses the host name resolves to. */
bool render_hostname_ips(const struct fn_identity *id, struct fn_buf *out);
/* -a: the aliases of the host name's hosts line. */
bool render_hostname_aliases(const struct fn_identity *id, struct fn_buf *out);
