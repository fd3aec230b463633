/* The answers of `hostname -I/-A/-f/-d/-i/-a` (hostname 3.23) for the identity. Name lookups are
 * answered from the rendered /etc/hosts, which is what glibc's files backend reads first. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "derive.h"
#include "netaddr.h"
#include "render.h"
#include "render_hostname.h"
#include "util.h"

#define MAX_ADDRS 64
#define MAX_WORDS 32

/* One parsed hosts line: its address and names (pointers into the caller's copy of the text). */
struct hosts_line {
	struct fn_ip ip;
	char *names[MAX_WORDS];
	size_t n_names;
};

/* Splits the next non-empty, non-comment line off `*cursor`; false at the end of the text. */
static bool next_hosts_line(char **cursor, struct hosts_line *line)
{
	while (**cursor) {
		char *text = *cursor, *end = strchr(text, '\n'), *hash, *word, *save = NULL;

		*cursor = end ? end + 1 : text + strlen(text);
		if (end)
			*end = '\0';
		hash = strchr(text, '#');
		if (hash)
			*hash = '\0';
		word = strtok_r(text, " \t", &save);
		if (!word || !fn_ip_parse(word, &line->ip))
			continue;
		line->n_names = 0;
		while ((word = strtok_r(NULL, " \t", &save)) && line->n_names < MAX_WORDS)
			line->names[line->n_names++] = word;
		if (line->n_names)
			return true;
	}
	return false;
}

static char *hosts_text(const struct fn_identity *id)
{
	struct fn_buf b;

	fn_buf_init(&b);
	render_etc_hosts(id, &b);
	return fn_buf_steal(&b, NULL);
}

static bool line_names(const struct hosts_line *line, const char *name)
{
	for (size_t i = 0; i < line->n_names; i++)
		if (strcasecmp(line->names[i], name) == 0)
			return true;
	return false;
}

/* The first hosts line naming the host (glibc's files backend takes the first match as the
 * canonical entry). Copies the line's words into `canon` (the first name) and `line`. */
static bool find_host_line(const struct fn_identity *id, struct hosts_line *line, char **text)
{
	char *cursor;

	*text = hosts_text(id);
	cursor = *text;
	while (next_hosts_line(&cursor, line))
		if (line_names(line, id->hostname))
			return true;
	return false;
}

/* Every non-loopback, non-link-local address of the up interfaces, in getifaddrs() order: the
 * kernel dumps all IPv4 addresses before all IPv6 ones. */
/* Every global address of the up interfaces, IPv4 first, as getifaddrs() lists them: as many as
 * the identity has (the caller frees *out). */
static size_t host_addresses(const struct fn_identity *id, struct fn_ip **out)
{
	static const int families[] = {AF_INET, AF_INET6};
	struct fn_cidr addrs[MAX_ADDRS];
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t f = 0; f < 2; f++) {
		for (size_t i = 0; i < id->n_ifaces; i++) {
			const struct fn_iface *iface = &id->ifaces[i];
			size_t k;

			if (!iface->up || iface->kind == FN_KIND_LOOPBACK)
				continue;
			k = fn_iface_addrs(iface, families[f], addrs, MAX_ADDRS);
			for (size_t j = 0; j < k && j < MAX_ADDRS; j++) {
				if (fn_addr_scope(&addrs[j]) != FN_SCOPE_UNIVERSE)
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 16;
					*out = xreallocarray(*out, cap, sizeof(**out));
				}
				(*out)[n++] = addrs[j].ip;
			}
		}
	}
	return n;
}

void render_hostname_all_ips(const struct fn_identity *id, struct fn_buf *out)
{
	struct fn_ip *ips;
	size_t n = host_addresses(id, &ips);
	char text[FN_IP_STRLEN];

	for (size_t i = 0; i < n; i++)
		fn_buf_printf(out, "%s ", fn_ip_format(&ips[i], text));
	fn_buf_puts(out, "\n");
	free(ips);
}

void render_hostname_all_fqdns(const struct fn_identity *id, struct fn_buf *out)
{
	struct fn_ip *ips;
	size_t n = host_addresses(id, &ips);

	/* getnameinfo(NI_NAMEREQD) per address: the first hosts line with that address. */
	for (size_t i = 0; i < n; i++) {
		char *text = hosts_text(id), *cursor = text;
		struct hosts_line line;

		while (next_hosts_line(&cursor, &line)) {
			if (fn_ip_equal(&line.ip, &ips[i])) {
				fn_buf_printf(out, "%s ", line.names[0]);
				break;
			}
		}
		free(text);
	}
	fn_buf_puts(out, "\n");
	free(ips);
}

bool render_hostname_fqdn(const struct fn_identity *id, struct fn_buf *out)
{
	struct hosts_line line;
	char *text;
	bool found = find_host_line(id, &line, &text);

	if (found)
		fn_buf_printf(out, "%s\n", line.names[0]);
	free(text);
	return found;
}

bool render_hostname_domain(const struct fn_identity *id, struct fn_buf *out)
{
	struct hosts_line line;
	char *text, *dot;
	bool found = find_host_line(id, &line, &text);

	if (found) {
		dot = strchr(line.names[0], '.');
		if (dot)
			fn_buf_printf(out, "%s\n", dot + 1);
	}
	free(text);
	return found;
}

bool render_hostname_ips(const struct fn_identity *id, struct fn_buf *out)
{
	struct hosts_line line;
	char *text, *cursor, ip[FN_IP_STRLEN];
	size_t n = 0;

	/* getaddrinfo(AF_UNSPEC) through files: every line naming the host, in file order. */
	text = hosts_text(id);
	cursor = text;
	while (next_hosts_line(&cursor, &line)) {
		if (!line_names(&line, id->hostname))
			continue;
		fn_buf_printf(out, "%s%s", n ? " " : "", fn_ip_format(&line.ip, ip));
		n++;
	}
	free(text);
	if (n)
		fn_buf_puts(out, "\n");
	return n > 0;
}

bool render_hostname_aliases(const struct fn_identity *id, struct fn_buf *out)
{
	struct hosts_line line;
	char *text;
	bool found = find_host_line(id, &line, &text);

	if (found) {
		for (size_t i = 1; i < line.n_names; i++)
			fn_buf_printf(out, "%s ", line.names[i]);
		fn_buf_puts(out, "\n");
	}
	free(text);
	return found;
}
