/* The JSON of iproute2 6.1's `ip -j` (and `-j -p`) for addr, link, route, neigh and route get. */
#pragma once

#include "render_iproute.h"

void render_ip_link_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			 const struct fn_iface *dev, struct fn_buf *out);
void render_ip_addr_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			 const struct fn_iface *dev, struct fn_buf *out);
void render_ip_route_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			  bool default_only, const struct fn_iface *dev, struct fn_buf *out);
void render_ip_neigh_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			  const struct fn_iface *dev, struct fn_buf *out);
/* False when the kernel would answer "Network is unreachable" (nothing is written then). */
bool render_ip_route_get_json(const struct fn_identity *id, const struct fn_ip_opts *o,
			      const struct fn_ip *dst, uid_t uid, struct fn_buf *out);
/* `ip -j rule`: the three rules of a fresh namespace (two for IPv6). */
void render_ip_rule_json(const struct fn_ip_opts *o, struct fn_buf *out);
