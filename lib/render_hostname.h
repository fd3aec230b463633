/* The answers of `hostname` beyond the name itself (render_hostname.c), byte-exact with hostname
 * 3.23. */
#pragma once

#include <stdbool.h>

#include "buf.h"
#include "identity.h"

/* The name lookups (-f, -d, -i, -a, -A) answer from the rendered
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
