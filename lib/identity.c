/* The identity model's lifetime and queries: freeing it, finding an interface, the network modes'
 * names. Nothing here loads an identity (identity_source.c decides which one and loads it). */
#include <stdlib.h>
#include <string.h>

#include "identity.h"

const char *const fn_net_mode_names[FN_NET_N_MODES + 1] = {
    [FN_NET_HOST] = "host", [FN_NET_ISOLATED] = "isolated", [FN_NET_FILTERED] = "filtered",
    [FN_NET_NAT] = "nat",   [FN_NET_AUTO] = "auto",	    [FN_NET_N_MODES] = NULL};

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void fn_identity_free(struct fn_identity *id)
{
	if (!id)
		return;
	for (size_t i = 0; i < id->n_ifaces; i++)
		free(id->ifaces[i].addrs);
	free(id->ifaces);
	free(id->routes);
	free(id->neighbors);
	free(id->nameservers);
	free_strings(id->dns_search, id->n_dns_search);
	free_strings(id->dns_options, id->n_dns_options);
	for (size_t i = 0; i < id->n_hosts; i++)
		free_strings(id->hosts[i].names, id->hosts[i].n_names);
	free(id->hosts);
	free_strings(id->blocked, id->n_blocked);
	for (size_t i = 0; i < id->n_http; i++) {
		free(id->http[i].url_pattern);
		free(id->http[i].body);
		free_strings(id->http[i].headers, id->http[i].n_headers);
	}
	free(id->http);
	free(id->system.disks);
	free(id->source);
	free(id);
}

const struct fn_iface *fn_identity_iface_by_name(const struct fn_identity *id, const char *name)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (strcmp(id->ifaces[i].name, name) == 0)
			return &id->ifaces[i];
	return NULL;
}

const struct fn_iface *fn_identity_iface_by_index(const struct fn_identity *id, int ifindex)
{
	for (size_t i = 0; i < id->n_ifaces; i++)
		if (id->ifaces[i].ifindex == ifindex)
			return &id->ifaces[i];
	return NULL;
}
