/* The /etc files a container runtime writes for the identity: hosts, resolv.conf, hostname, in the
 * shape Docker gives them. */
#include "derive.h"
#include "netaddr.h"
#include "render.h"

/* The standard lines of a Debian-like /etc/hosts, as Docker writes them first. */
static const char standard_hosts[] = "127.0.0.1\tlocalhost\n"
				     "::1\tlocalhost ip6-localhost ip6-loopback\n"
				     "fe00::0\tip6-localnet\n"
				     "ff00::0\tip6-mcastprefix\n"
				     "ff02::1\tip6-allnodes\n"
				     "ff02::2\tip6-allrouters\n";

void render_etc_hosts(const struct fn_identity *id, struct fn_buf *out)
{
	const struct fn_cidr *own = fn_identity_host_address(id);
	char ip[FN_IP_STRLEN];

	fn_buf_puts(out, standard_hosts);
	if (own)
		fn_buf_printf(out, "%s\t%s\n", fn_ip_format(&own->ip, ip), id->hostname);
	for (size_t i = 0; i < id->n_hosts; i++) {
		const struct fn_host_entry *h = &id->hosts[i];

		fn_buf_puts(out, fn_ip_format(&h->ip, ip));
		for (size_t j = 0; j < h->n_names; j++)
			fn_buf_printf(out, "%c%s", j ? ' ' : '\t', h->names[j]);
		fn_buf_puts(out, "\n");
	}
	/* Blocked names resolve to loopback, where nothing answers. */
	for (size_t i = 0; i < id->n_blocked; i++)
		fn_buf_printf(out, "127.0.0.1\t%s\n", id->blocked[i]);
}

static void put_words(struct fn_buf *out, const char *key, char **words, size_t n)
{
	if (n == 0)
		return;
	fn_buf_puts(out, key);
	for (size_t i = 0; i < n; i++)
		fn_buf_printf(out, " %s", words[i]);
	fn_buf_puts(out, "\n");
}

void render_etc_resolv_conf(const struct fn_identity *id, struct fn_buf *out)
{
	char ip[FN_IP_STRLEN];

	for (size_t i = 0; i < id->n_nameservers; i++)
		fn_buf_printf(out, "nameserver %s\n", fn_ip_format(&id->nameservers[i], ip));
	put_words(out, "search", id->dns_search, id->n_dns_search);
	put_words(out, "options", id->dns_options, id->n_dns_options);
}

void render_etc_hostname(const struct fn_identity *id, struct fn_buf *out)
{
	fn_buf_printf(out, "%s\n", id->hostname);
}

void render_etc_machine_id(const struct fn_identity *id, struct fn_buf *out)
{
	fn_buf_printf(out, "%s\n", id->system.machine_id);
}
