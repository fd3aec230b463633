/* Identity reader, second step: the YAML node tree -> struct fn_identity. Checks each value's type
 * and form, fills defaults and lo, and reports every problem; identity_validate.c checks what
 * spans several values. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "derive.h"
#include "identity_internal.h"
#include "identity_parse.h"
#include "netaddr.h"
#include "util.h"

/* An identity is a few kilobytes; the limit keeps a stray log file or device out of the parser. */
#define MAX_FILE_SIZE (1024 * 1024)

/* What a plain scalar means under the YAML 1.2 core schema; quoted scalars are always strings. */
enum scalar_kind { SK_NULL, SK_BOOL, SK_INT, SK_FLOAT, SK_STR };

/* ---------------------------------------------------------------- diagnostics */

void ident_report(struct ctx *c, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	fn_diags_add(c->d, line, column, "%s", msg);
	free(msg);
}

const char *ident_show(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	buf[o++] = '\'';
	for (size_t i = 0; i < len && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i == 48) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch == '\n')
			o += (size_t)snprintf(buf + o, size - o, "\\n");
		else if (ch == '\t')
			o += (size_t)snprintf(buf + o, size - o, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

/* ---------------------------------------------------------------- typed access */

static bool word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static bool all_digits(const char *s, const char *set)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static bool is_decimal_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return all_digits(s, "0123456789");
}

static bool is_float(const char *s)
{
	static const char *const special[] = {".inf",  ".Inf",	".INF",	 "+.inf", "+.Inf",
					      "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
					      ".NaN",  ".NAN",	NULL};
	bool digits = false;

	if (word_in(s, special))
		return true;
	if (*s == '-' || *s == '+')
		s++;
	for (; isdigit((unsigned char)*s); s++)
		digits = true;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			digits = true;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		return all_digits(s, "0123456789");
	}
	return *s == '\0';
}

static enum scalar_kind scalar_kind(const struct ynode *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const bools[] = {"true",  "True",  "TRUE", "false",
					    "False", "FALSE", NULL};

	if (!n->plain)
		return SK_STR;
	if (word_in(n->text, nulls))
		return SK_NULL;
	if (word_in(n->text, bools))
		return SK_BOOL;
	/* Hex and octal forms are left as text: no key of the schema wants them. */
	if (is_decimal_int(n->text))
		return SK_INT;
	if (is_float(n->text))
		return SK_FLOAT;
	return SK_STR;
}

bool is_null(const struct ynode *n)
{
	return n->type == YN_SCALAR && scalar_kind(n) == SK_NULL;
}

/* "a list", "the integer 42", "'eth0'": what was found where something else was expected. */
static const char *describe(const struct ynode *n, char *buf, size_t size)
{
	char shown[SHOW_SIZE];

	if (n->type == YN_MAP)
		return "a mapping";
	if (n->type == YN_SEQ)
		return "a list";
	ident_show(n->text, n->len, shown, sizeof(shown));
	switch (scalar_kind(n)) {
	case SK_NULL:
		return "an empty value";
	case SK_BOOL:
		snprintf(buf, size, "the boolean %s", n->text);
		break;
	case SK_INT:
		snprintf(buf, size, "the integer %s", n->text);
		break;
	case SK_FLOAT:
		snprintf(buf, size, "the number %s", n->text);
		break;
	case SK_STR:
		snprintf(buf, size, "%s%s", n->plain ? "" : "the quoted string ", shown);
		break;
	}
	return buf;
}

static void wrong_type(struct ctx *c, const struct ynode *n, const char *path, const char *want)
{
	char what[SHOW_SIZE + 32];
	bool quote_hint = n->type == YN_SCALAR && n->plain && scalar_kind(n) != SK_NULL;

	if (quote_hint && strcmp(want, "a string") == 0)
		err(c, n, "%s: expected a string, got %s (quote it to use it as text)", path,
		    describe(n, what, sizeof(what)));
	else
		err(c, n, "%s: expected %s, got %s", path, want, describe(n, what, sizeof(what)));
}

const char *ident_join(char *buf, size_t size, const char *parent, const char *key)
{
	if (snprintf(buf, size, "%s%s%s", parent, *parent ? "." : "", key) >= (int)size)
		buf[size - 1] = '\0';
	return buf;
}

const char *ident_index_path(char *buf, size_t size, const char *parent, size_t i)
{
	if (snprintf(buf, size, "%s[%zu]", parent, i) >= (int)size)
		buf[size - 1] = '\0';
	return buf;
}

bool get_string(struct ctx *c, const struct ynode *n, const char *path, const char **out)
{
	if (n->type != YN_SCALAR || scalar_kind(n) != SK_STR) {
		wrong_type(c, n, path, "a string");
		return false;
	}
	if (strlen(n->text) != n->len) {
		err(c, n, "%s: %s contains a NUL character", path, SHOWN_NODE(n));
		return false;
	}
	*out = n->text;
	return true;
}

/* The text of any non-empty scalar: addresses are read as written, whatever YAML thinks they are.
 */
bool get_text(struct ctx *c, const struct ynode *n, const char *path, const char *want,
	      const char **out)
{
	if (n->type != YN_SCALAR || is_null(n)) {
		wrong_type(c, n, path, want);
		return false;
	}
	if (strlen(n->text) != n->len) {
		err(c, n, "%s: %s contains a NUL character", path, SHOWN_NODE(n));
		return false;
	}
	*out = n->text;
	return true;
}

bool get_int(struct ctx *c, const struct ynode *n, const char *path, long long min, long long max,
	     long long *out)
{
	long long v;

	if (n->type != YN_SCALAR || !n->plain || !is_decimal_int(n->text)) {
		wrong_type(c, n, path, "an integer");
		return false;
	}
	errno = 0;
	v = strtoll(n->text, NULL, 10);
	if (errno == ERANGE || v < min || v > max) {
		err(c, n, "%s: %s is out of range (%lld..%lld)", path, n->text, min, max);
		return false;
	}
	*out = v;
	return true;
}

static bool get_bool(struct ctx *c, const struct ynode *n, const char *path, bool *out)
{
	if (n->type != YN_SCALAR || scalar_kind(n) != SK_BOOL) {
		wrong_type(c, n, path, "true or false");
		return false;
	}
	*out = n->text[0] == 't' || n->text[0] == 'T';
	return true;
}

bool get_word(struct ctx *c, const struct ynode *n, const char *path, const char *const *words,
	      int *out)
{
	const char *s;
	char list[160] = "";

	if (!get_string(c, n, path, &s))
		return false;
	for (int i = 0; words[i]; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return true;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 words[i]);
	}
	err(c, n, "%s: %s is not one of %s", path, SHOWN(s), list);
	return false;
}

/* Items of a list; an empty value counts as an empty list. */
bool get_list(struct ctx *c, const struct ynode *n, const char *path, const char *want)
{
	if (n->type == YN_SEQ || is_null(n))
		return true;
	wrong_type(c, n, path, want);
	return false;
}

const struct ynode *map_need(struct ctx *c, const struct ynode *map, const char *path,
			     const char *key)
{
	const struct ynode *v = ident_map_get(map, key);

	if (!v) {
		if (*path)
			err(c, map, "%s: missing required key '%s'", path, key);
		else
			err(c, map, "missing required key '%s'", key);
	}
	return v;
}

static void unknown_key(struct ctx *c, const struct ynode *key, const char *path,
			const char *const *allowed)
{
	char list[512] = "";

	for (size_t i = 0; allowed[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 allowed[i]);
	if (*path)
		err(c, key, "%s: unknown key %s (expected %s)", path, SHOWN_NODE(key), list);
	else
		err(c, key, "unknown top-level key %s (expected %s)", SHOWN_NODE(key), list);
}

/* Checks that `n` is a mapping whose keys are all in `allowed`, none twice. */
bool check_map(struct ctx *c, const struct ynode *n, const char *path, const char *want,
	       const char *const *allowed)
{
	if (n->type != YN_MAP) {
		wrong_type(c, n, path, want);
		return false;
	}
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *key = n->kids[i], *first;

		if (key->type != YN_SCALAR) {
			err(c, key, "%s%smapping keys must be plain words, not %s", path,
			    *path ? ": " : "", key->type == YN_MAP ? "mappings" : "lists");
			continue;
		}
		if (!word_in(key->text, allowed)) {
			unknown_key(c, key, path, allowed);
			continue;
		}
		first = ident_map_key(n, key->text);
		if (first != key)
			err(c, key, "%s%sduplicate key '%s' (first at line %u)", path,
			    *path ? ": " : "", key->text, first->line);
	}
	return true;
}

/* ---------------------------------------------------------------- value checks */

static bool get_ip(struct ctx *c, const struct ynode *n, const char *path, struct fn_ip *out)
{
	const char *s;

	if (!get_text(c, n, path, "an IP address", &s))
		return false;
	if (fn_ip_parse(s, out))
		return true;
	err(c, n, "%s: %s is not an IPv4 or IPv6 address", path, SHOWN(s));
	return false;
}

static bool get_mac(struct ctx *c, const struct ynode *n, const char *path, bool zero_ok,
		    struct fn_mac *out)
{
	char fmt[FN_MAC_STRLEN];
	const char *s;

	if (!get_text(c, n, path, "a MAC address", &s))
		return false;
	if (!fn_mac_parse(s, out)) {
		err(c, n,
		    "%s: %s is not a MAC address (expected six hex pairs like 02:42:ac:12:00:02)",
		    path, SHOWN(s));
		return false;
	}
	if (fn_mac_is_multicast(out)) {
		err(c, n,
		    "%s: %s is a multicast MAC address (low bit of the first byte set); it must be "
		    "unicast",
		    path, fn_mac_format(out, false, fmt));
		return false;
	}
	if (!zero_ok && fn_mac_is_zero(out)) {
		err(c, n, "%s: 00:00:00:00:00:00 is all zeros, not a usable MAC address", path);
		return false;
	}
	return true;
}

static bool get_cidr(struct ctx *c, const struct ynode *n, const char *path, struct fn_cidr *out)
{
	const char *s, *slash;
	struct fn_ip ip;
	char addr[64];
	size_t alen;

	if (!get_text(c, n, path, "an address with a prefix length", &s))
		return false;
	if (fn_cidr_parse(s, out))
		return true;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	snprintf(addr, sizeof(addr), "%.*s", (int)(alen < sizeof(addr) ? alen : sizeof(addr) - 1),
		 s);
	if (!fn_ip_parse(addr, &ip))
		err(c, n,
		    "%s: %s is not an IPv4 or IPv6 address with a prefix length (like "
		    "192.168.1.10/24)",
		    path, SHOWN(s));
	else if (!slash)
		err(c, n,
		    "%s: %s has no prefix length (expected ADDRESS/PREFIX, like 192.168.1.10/24)",
		    path, SHOWN(s));
	else if (!all_digits(slash + 1, "0123456789") || (slash[1] == '0' && slash[2]))
		err(c, n, "%s: %s: the prefix length must be a number", path, SHOWN(s));
	else
		err(c, n, "%s: %s: the prefix length is longer than %d bits", path, SHOWN(s),
		    ip.family == AF_INET ? 32 : 128);
	return false;
}

static bool ip_is_unicast(const struct fn_ip *ip)
{
	if (fn_ip_is_zero(ip))
		return false;
	if (ip->family == AF_INET)
		return (ip->bytes[0] & 0xf0) != 0xe0 && fn_ip4_host(ip) != 0xffffffffu;
	return ip->bytes[0] != 0xff;
}

/* Why `s` is not a host name of at most `max` characters, or NULL if it is one. */
static const char *host_name_problem(const char *s, size_t max, char *buf, size_t size)
{
	size_t len = strlen(s), label = 0;

	if (len == 0)
		return "it is empty";
	if (len > max) {
		snprintf(buf, size, "it is %zu characters long; the limit is %zu", len, max);
		return buf;
	}
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isalnum(ch) || ch == '-' || ch == '.') {
			label = ch == '.' ? 0 : label + 1;
			if (label > 63)
				return "a label is longer than 63 characters";
			continue;
		}
		if (ch == ' ')
			return "it contains a space (allowed: letters, digits, '-' and '.')";
		if (ch < 0x20 || ch >= 0x7f)
			snprintf(buf, size,
				 "it contains byte 0x%02x (allowed: letters, digits, '-' and '.')",
				 ch);
		else
			snprintf(buf, size,
				 "it contains '%c' (allowed: letters, digits, '-' and '.')", ch);
		return buf;
	}
	if (s[0] == '-' || s[0] == '.') {
		snprintf(buf, size, "it starts with '%c'", s[0]);
		return buf;
	}
	if (strstr(s, ".."))
		return "it has an empty label ('..')";
	if (s[len - 1] == '.')
		return "it ends with '.'";
	return NULL;
}

static bool get_host_name(struct ctx *c, const struct ynode *n, const char *path, size_t max,
			  const char **out)
{
	char why[96];
	const char *problem;

	if (!get_string(c, n, path, out))
		return false;
	problem = host_name_problem(*out, max, why, sizeof(why));
	if (!problem)
		return true;
	err(c, n, "%s: %s is not a valid host name: %s", path, SHOWN(*out), problem);
	return false;
}

/* Linux's dev_valid_name() plus the names this model keeps for itself or the tools cannot take. */
static const char *ifname_problem(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (len == 0)
		return "it is empty";
	if (len >= FN_IFNAMSIZ) {
		snprintf(buf, size, "it is %zu characters long; the limit is %d", len,
			 FN_IFNAMSIZ - 1);
		return buf;
	}
	if (strcmp(s, "lo") == 0)
		return "'lo' is the loopback interface, which is always present";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "'.' and '..' are not interface names";
	/* The kernel takes it, but no tool can name it: `ifconfig -a` lists every interface. */
	if (s[0] == '-')
		return "it starts with '-', which ifconfig, ethtool and arp would read as an "
		       "option";
	for (const char *p = s; *p; p++) {
		if (*p == '/' || *p == ':') {
			snprintf(buf, size, "it contains '%c'", *p);
			return buf;
		}
		/* The kernel's isspace() also counts byte 0xa0 (Latin-1 no-break space). */
		if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20 ||
		    (unsigned char)*p == 0xa0)
			return "it contains whitespace";
	}
	return NULL;
}

/* "Name: value" with a token name (RFC 9110) and no line breaks. */
static const char *header_problem(const char *s)
{
	const char *colon = strchr(s, ':');

	if (!colon)
		return "it has no ':'";
	if (colon == s)
		return "the header name is empty";
	for (const char *p = s; p < colon; p++)
		if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+-.^_`|~", *p))
			return "the header name may hold only letters, digits and !#$%&'*+-.^_`|~";
	if (strpbrk(colon, "\r\n"))
		return "it contains a line break";
	return NULL;
}

/* ---------------------------------------------------------------- interfaces */

static const char *const iface_keys[] = {
    "name",	"mac",		"permanent_mac", "addresses",
    "mtu",	"state",	"kind",		 "ipv6_link_local",
    "ipv6_dad", "peer_ifindex", "driver",	 "speed",
    "counters", "pci",		"wireless",	 NULL};
static const char *const kind_words[] = {"veth", "ethernet", "wireless", NULL};
static const char *const state_words[] = {"up", "down", NULL};
static const char *const counter_keys[] = {"rx_bytes", "rx_packets", "tx_bytes", "tx_packets",
					   NULL};
static const char *const pci_keys[] = {"vendor", "device", "subsystem_vendor", "subsystem_device",
				       NULL};
static const char *const wireless_keys[] = {"ssid",    "bssid",	 "frequency", "tx_power",
					    "bitrate", "signal", NULL};

static void parse_iface_name(struct ctx *c, const struct ynode *map, const char *path,
			     struct fn_iface *iface)
{
	const struct ynode *n = map_need(c, map, path, "name");
	char p[PATH_SIZE], why[80];
	const char *s, *problem;

	if (!n || !get_string(c, n, ident_join(p, sizeof(p), path, "name"), &s)) {
		c->links_unknown = true;
		return;
	}
	problem = ifname_problem(s, why, sizeof(why));
	if (problem) {
		err(c, n, "%s: %s is not a valid interface name: %s", p, SHOWN(s), problem);
		c->links_unknown = true;
		return;
	}
	snprintf(iface->name, sizeof(iface->name), "%s", s);
	ident_note(&c->ifnames, iface->name, n, p);
}

static void parse_iface_addresses(struct ctx *c, const struct ynode *map, const char *path,
				  struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "addresses");
	char p[PATH_SIZE], pi[PATH_SIZE], text[FN_IP_STRLEN];

	ident_join(p, sizeof(p), path, "addresses");
	if (n && !get_list(c, n, p, "a list of addresses"))
		c->links_unknown = true;
	if (!n || n->type != YN_SEQ)
		return;
	iface->addrs = xcalloc(ident_list_len(n), sizeof(*iface->addrs));
	for (size_t i = 0; i < ident_list_len(n); i++) {
		struct fn_cidr *a = &iface->addrs[iface->n_addrs];

		ident_index_path(pi, sizeof(pi), p, i);
		if (!get_cidr(c, n->kids[i], pi, a)) {
			c->links_unknown = true;
			continue;
		}
		if (!ip_is_unicast(&a->ip)) {
			err(c, n->kids[i], "%s: %s is not a unicast address", pi,
			    fn_ip_format(&a->ip, text));
			c->links_unknown = true;
			continue;
		}
		ident_note(&c->addresses, &a->ip, n->kids[i], pi)->owner = iface->name;
		iface->n_addrs++;
	}
}

static void parse_iface_mtu(struct ctx *c, const struct ynode *map, const char *path,
			    struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "mtu");
	char p[PATH_SIZE];
	long long v;

	iface->mtu = 1500;
	if (!n || !get_int(c, n, ident_join(p, sizeof(p), path, "mtu"), 68, 65535, &v))
		return;
	iface->mtu = (unsigned)v;
	ident_check_ipv6_mtu(c, n, p, iface);
}

static void parse_iface_counters(struct ctx *c, const struct ynode *map, const char *path,
				 struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "counters");
	uint64_t *slots[] = {&iface->stats.rx_bytes, &iface->stats.rx_packets,
			     &iface->stats.tx_bytes, &iface->stats.tx_packets};
	char p[PATH_SIZE], pk[PATH_SIZE];
	long long v;

	ident_join(p, sizeof(p), path, "counters");
	if (!n || is_null(n) || !check_map(c, n, p, "a mapping of counters", counter_keys))
		return;
	for (size_t i = 0; counter_keys[i]; i++) {
		const struct ynode *k = ident_map_get(n, counter_keys[i]);

		if (k &&
		    get_int(c, k, ident_join(pk, sizeof(pk), p, counter_keys[i]), 0, LLONG_MAX, &v))
			*slots[i] = (uint64_t)v;
	}
}

/* A 16-bit PCI ID as lspci writes it: hexadecimal, "8086" or "0x8086" (never read as decimal). */
static bool get_pci_id(struct ctx *c, const struct ynode *n, const char *path, unsigned *out)
{
	const char *s, *hex;
	char *end;
	unsigned long v;

	if (!get_text(c, n, path, "a PCI ID (4 hexadecimal digits)", &s))
		return false;
	hex = strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0 ? s + 2 : s;
	v = strtoul(hex, &end, 16);
	if (!*hex || *end || strlen(hex) > 4 || !isxdigit((unsigned char)*hex) || v == 0 ||
	    v == 0xffff) {
		err(c, n, "%s: %s is not a PCI ID (4 hexadecimal digits, not 0000 or ffff)", path,
		    SHOWN(s));
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* `pci: {vendor, device, subsystem_vendor, subsystem_device}`: vendor and device together. */
static void parse_iface_pci(struct ctx *c, const struct ynode *map, const char *path,
			    struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "pci");
	unsigned *slots[] = {&iface->pci_vendor, &iface->pci_device, &iface->pci_subsystem_vendor,
			     &iface->pci_subsystem_device};
	unsigned v[4] = {0};
	char p[PATH_SIZE], pk[PATH_SIZE];
	bool ok = true;

	ident_join(p, sizeof(p), path, "pci");
	if (!n || !check_map(c, n, p, "a mapping of PCI IDs (vendor, device, ...)", pci_keys))
		return;
	if (iface->kind != FN_KIND_ETHERNET && iface->kind != FN_KIND_WIRELESS) {
		err(c, n, "%s: only an ethernet or wireless interface sits on a PCI bus", p);
		return;
	}
	for (size_t i = 0; pci_keys[i]; i++) {
		const struct ynode *k =
		    i < 2 ? map_need(c, n, p, pci_keys[i]) : ident_map_get(n, pci_keys[i]);

		if (!k)
			ok = ok && i >= 2;
		else if (!get_pci_id(c, k, ident_join(pk, sizeof(pk), p, pci_keys[i]), &v[i]))
			ok = false;
	}
	for (size_t i = 0; ok && i < 4; i++)
		*slots[i] = v[i];
}

/* A bit rate in Mb/s with at most one decimal ("866.7", 54), as iw prints it; in 100 kbit/s. */
static bool get_bitrate(struct ctx *c, const struct ynode *n, const char *path, unsigned *out)
{
	const char *s;
	unsigned long whole = 0, tenth = 0;
	size_t digits;

	if (!get_text(c, n, path, "a bit rate in Mb/s", &s))
		return false;
	digits = strspn(s, "0123456789");
	if (digits >= 1 && digits <= 4) {
		whole = strtoul(s, NULL, 10);
		if (s[digits] == '.' && isdigit((unsigned char)s[digits + 1]) && !s[digits + 2])
			tenth = (unsigned long)(s[digits + 1] - '0');
		else if (s[digits])
			digits = 0;
	}
	if (digits < 1 || digits > 4 || whole * 10 + tenth < 10 || whole * 10 + tenth > 96080) {
		err(c, n, "%s: %s is not a bit rate (1 to 9608 Mb/s, at most one decimal)", path,
		    SHOWN(s));
		return false;
	}
	*out = (unsigned)(whole * 10 + tenth);
	return true;
}

/* `wireless: {ssid, bssid, frequency, tx_power, bitrate, signal}`. */
static void parse_iface_wireless(struct ctx *c, const struct ynode *map, const char *path,
				 struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "wireless"), *k;
	struct fn_wireless *w = &iface->wireless;
	char p[PATH_SIZE], pk[PATH_SIZE];
	const char *s;
	long long v;

	ident_join(p, sizeof(p), path, "wireless");
	if (!n || !check_map(c, n, p, "a mapping (ssid, bssid, frequency, ...)", wireless_keys))
		return;
	if (iface->kind != FN_KIND_WIRELESS) {
		err(c, n, "%s: only a wireless interface has an access point", p);
		return;
	}
	if ((k = ident_map_get(n, "ssid")) &&
	    get_string(c, k, ident_join(pk, sizeof(pk), p, "ssid"), &s)) {
		if (!*s || strlen(s) > 32)
			err(c, k, "%s: %s is not an SSID (1 to 32 bytes)", pk, SHOWN(s));
		else
			snprintf(w->ssid, sizeof(w->ssid), "%s", s);
	}
	if ((k = ident_map_get(n, "bssid")))
		get_mac(c, k, ident_join(pk, sizeof(pk), p, "bssid"), false, &w->bssid);
	if ((k = ident_map_get(n, "frequency")) &&
	    get_int(c, k, ident_join(pk, sizeof(pk), p, "frequency"), 2412, 7115, &v)) {
		if (fn_wireless_channel((unsigned)v) < 0)
			err(c, k, "%s: %lld MHz is not the centre of a 2.4, 5 or 6 GHz channel", pk,
			    v);
		else
			w->freq_mhz = (unsigned)v;
	}
	if ((k = ident_map_get(n, "tx_power")) &&
	    get_int(c, k, ident_join(pk, sizeof(pk), p, "tx_power"), 0, 30, &v))
		w->tx_power_dbm = (int)v;
	if ((k = ident_map_get(n, "bitrate")))
		get_bitrate(c, k, ident_join(pk, sizeof(pk), p, "bitrate"), &w->bitrate);
	if ((k = ident_map_get(n, "signal")) &&
	    get_int(c, k, ident_join(pk, sizeof(pk), p, "signal"), -110, -1, &v))
		w->signal_dbm = (int)v;
}

static void wireless_defaults(struct fn_wireless *w)
{
	/* A home router's 5 GHz network on channel 36, a room away, at an 802.11ac rate. */
	snprintf(w->ssid, sizeof(w->ssid), "HomeNet");
	fn_mac_parse("a0:63:91:2c:5e:10", &w->bssid);
	w->freq_mhz = 5180;
	w->tx_power_dbm = 22;
	w->bitrate = 8667;
	w->signal_dbm = -55;
}

static void iface_defaults(struct fn_iface *iface)
{
	static const char *const drivers[] = {
	    [FN_KIND_VETH] = "veth", [FN_KIND_ETHERNET] = "e1000e", [FN_KIND_WIRELESS] = "iwlwifi"};
	static const int speeds[] = {
	    [FN_KIND_VETH] = 10000, [FN_KIND_ETHERNET] = 1000, [FN_KIND_WIRELESS] = -1};

	snprintf(iface->driver, sizeof(iface->driver), "%s", drivers[iface->kind]);
	iface->speed = speeds[iface->kind];
	if (iface->kind == FN_KIND_WIRELESS)
		wireless_defaults(&iface->wireless);
}

static void parse_iface_kind(struct ctx *c, const struct ynode *map, const char *path,
			     struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "kind");
	char p[PATH_SIZE] = "";
	int kind = 0;

	if (n)
		get_word(c, n, ident_join(p, sizeof(p), path, "kind"), kind_words, &kind);
	iface->kind = kind == 0 ? FN_KIND_VETH : kind == 1 ? FN_KIND_ETHERNET : FN_KIND_WIRELESS;
	iface_defaults(iface);
	if (iface->kind == FN_KIND_VETH)
		return;
	ident_assign_pci_slot(c, n, p, iface);
}

static void parse_iface_link(struct ctx *c, const struct ynode *map, const char *path,
			     struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "peer_ifindex");
	char p[PATH_SIZE];
	long long v;

	iface->iflink = iface->ifindex;
	if (!n || !get_int(c, n, ident_join(p, sizeof(p), path, "peer_ifindex"), 1, INT_MAX, &v))
		return;
	if (iface->kind != FN_KIND_VETH) {
		err(c, n, "%s: only a veth interface has a peer (this one is %s)", p,
		    kind_words[iface->kind - FN_KIND_VETH]);
		return;
	}
	iface->iflink = (int)v;
}

static void parse_iface_driver(struct ctx *c, const struct ynode *map, const char *path,
			       struct fn_iface *iface)
{
	const struct ynode *n = ident_map_get(map, "driver"), *sp = ident_map_get(map, "speed");
	char p[PATH_SIZE];
	const char *s;
	long long v;

	if (n && get_string(c, n, ident_join(p, sizeof(p), path, "driver"), &s)) {
		if (!*s || strlen(s) >= sizeof(iface->driver) ||
		    strspn(s,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
			strlen(s))
			err(c, n,
			    "%s: %s is not a driver name (1..31 letters, digits, '_', '-', '.')", p,
			    SHOWN(s));
		else
			snprintf(iface->driver, sizeof(iface->driver), "%s", s);
	}
	if (sp && get_int(c, sp, ident_join(p, sizeof(p), path, "speed"), -1, INT_MAX, &v)) {
		if (v == 0)
			err(c, sp, "%s: 0 is not a speed (-1 for unknown, else Mb/s)", p);
		else
			iface->speed = (int)v;
	}
}

static void parse_iface(struct ctx *c, const struct ynode *map, const char *path,
			struct fn_iface *iface)
{
	const struct ynode *n;
	char p[PATH_SIZE];
	int state = 0;

	iface->loc.line = map->line;
	iface->loc.column = map->column;
	iface->up = true;
	iface->ipv6_link_local = true;
	iface->ipv6_dad = true;
	if (!check_map(c, map, path, "a mapping (name, mac, addresses, ...)", iface_keys)) {
		c->links_unknown = true;
		iface_defaults(iface);
		iface->iflink = iface->ifindex;
		return;
	}
	parse_iface_name(c, map, path, iface);
	n = map_need(c, map, path, "mac");
	if (n)
		get_mac(c, n, ident_join(p, sizeof(p), path, "mac"), false, &iface->mac);
	iface->permanent_mac = iface->mac;
	n = ident_map_get(map, "permanent_mac");
	if (n)
		get_mac(c, n, ident_join(p, sizeof(p), path, "permanent_mac"), false,
			&iface->permanent_mac);
	parse_iface_addresses(c, map, path, iface);
	parse_iface_mtu(c, map, path, iface);
	n = ident_map_get(map, "state");
	if (n && get_word(c, n, ident_join(p, sizeof(p), path, "state"), state_words, &state))
		iface->up = state == 0;
	parse_iface_kind(c, map, path, iface);
	n = ident_map_get(map, "ipv6_link_local");
	if (n)
		get_bool(c, n, ident_join(p, sizeof(p), path, "ipv6_link_local"),
			 &iface->ipv6_link_local);
	n = ident_map_get(map, "ipv6_dad");
	if (n)
		get_bool(c, n, ident_join(p, sizeof(p), path, "ipv6_dad"), &iface->ipv6_dad);
	parse_iface_link(c, map, path, iface);
	parse_iface_driver(c, map, path, iface);
	parse_iface_counters(c, map, path, iface);
	parse_iface_pci(c, map, path, iface);
	parse_iface_wireless(c, map, path, iface);
}

static void setup_loopback(struct fn_iface *lo)
{
	memset(lo, 0, sizeof(*lo));
	snprintf(lo->name, sizeof(lo->name), "lo");
	lo->kind = FN_KIND_LOOPBACK;
	lo->ifindex = 1;
	lo->iflink = 1;
	lo->mtu = 65536;
	lo->up = true;
	lo->speed = -1;
	lo->addrs = xcalloc(2, sizeof(*lo->addrs));
	fn_cidr_parse("127.0.0.1/8", &lo->addrs[0]);
	fn_cidr_parse("::1/128", &lo->addrs[1]);
	lo->n_addrs = 2;
}

static void parse_interface_list(struct ctx *c, const struct ynode *n)
{
	char p[PATH_SIZE];

	c->links_unknown = !n || n->type != YN_SEQ || n->n == 0;
	if (!n)
		return;
	if (n->type != YN_SEQ) {
		wrong_type(c, n, "interfaces", "a list of interfaces");
		return;
	}
	if (n->n == 0) {
		err(c, n, "interfaces: at least one interface is required");
		return;
	}
	for (size_t i = 0; i < n->n && i < FN_MAX_IFACES; i++) {
		c->id->ifaces[i + 1].ifindex = (int)i + 2;
		parse_iface(c, n->kids[i], ident_index_path(p, sizeof(p), "interfaces", i),
			    &c->id->ifaces[i + 1]);
	}
}

/* lo, then the file's interfaces; names and addresses must be unique across all of them (the
 * kernel refuses an address twice, and lo's are there from the start). */
static void parse_interfaces(struct ctx *c, const struct ynode *n)
{
	size_t count = n && n->type == YN_SEQ ? n->n : 0;
	const struct fn_iface *lo;

	if (count > FN_MAX_IFACES) {
		err(c, n->kids[FN_MAX_IFACES],
		    "interfaces[%d]: an identity has at most %d interfaces (the limit)",
		    FN_MAX_IFACES, FN_MAX_IFACES);
		count = FN_MAX_IFACES;
	}

	c->id->ifaces = xcalloc(count + 1, sizeof(*c->id->ifaces));
	c->id->n_ifaces = count + 1;
	setup_loopback(&c->id->ifaces[0]);
	lo = &c->id->ifaces[0];
	for (size_t j = 0; j < lo->n_addrs; j++)
		ident_note(&c->addresses, &lo->addrs[j].ip, NULL, "")->owner = "lo";
	parse_interface_list(c, n);
	ident_check_interfaces_unique(c);
}

/* ---------------------------------------------------------------- gateway, routes, neighbours */

static const char *const gateway_keys[] = {"ip", "mac", "state", NULL};
static const char *const route_keys[] = {"to", "via", "dev", "metric", NULL};
static const char *const neighbor_keys[] = {"ip", "mac", "state", "dev", NULL};
static const char *const nud_words[] = {"permanent",  "reachable", "stale", "delay", "probe",
					"incomplete", "failed",	   "noarp", NULL};

/* The interface `dev:` names, or NULL when there is none (reported) or no `dev:`. */
static const struct fn_iface *get_dev(struct ctx *c, const struct ynode *map, const char *path)
{
	const struct ynode *n = ident_map_get(map, "dev");
	char p[PATH_SIZE];
	const char *s;

	if (!n || !get_string(c, n, ident_join(p, sizeof(p), path, "dev"), &s))
		return NULL;
	return ident_find_dev(c, n, p, s);
}

/* The gateway's neighbour entry: learned (reachable) unless the file says otherwise. Its MAC is
 * known, so it is never an entry still resolving or given up on (incomplete, failed). */
static void parse_gateway_state(struct ctx *c, const struct ynode *map)
{
	static const char *const words[] = {"permanent", "reachable", "stale", "delay",
					    "probe",	 "noarp",     NULL};
	static const enum fn_nud states[] = {FN_NUD_PERMANENT, FN_NUD_REACHABLE, FN_NUD_STALE,
					     FN_NUD_DELAY,     FN_NUD_PROBE,	 FN_NUD_NOARP};
	const struct ynode *n = ident_map_get(map, "state");
	int st = 1;

	if (n)
		get_word(c, n, "gateway.state", words, &st);
	c->id->gateway_state = states[st];
}

static void parse_gateway(struct ctx *c, const struct ynode *map)
{
	struct fn_identity *id = c->id;
	const struct ynode *ip = NULL, *mac = NULL;
	bool mac_ok;

	if (is_null(map) ||
	    !check_map(c, map, "gateway", "a mapping (ip, mac, state)", gateway_keys))
		return;
	parse_gateway_state(c, map);
	ip = map_need(c, map, "gateway", "ip");
	mac = map_need(c, map, "gateway", "mac");
	mac_ok = mac && get_mac(c, mac, "gateway.mac", false, &id->gateway_mac);
	if (ip && get_ip(c, ip, "gateway.ip", &id->gateway_ip))
		ident_resolve_gateway(c, ip, mac_ok);
}

static void parse_route_to(struct ctx *c, const struct ynode *map, const char *path,
			   struct fn_route *r, bool *ok)
{
	const struct ynode *n = map_need(c, map, path, "to");
	char p[PATH_SIZE], text[FN_IP_STRLEN];
	struct fn_ip net;

	if (!n || !get_cidr(c, n, ident_join(p, sizeof(p), path, "to"), &r->to)) {
		*ok = false;
		return;
	}
	net = fn_cidr_network(&r->to);
	if (!fn_ip_equal(&net, &r->to.ip)) {
		err(c, n, "%s: %s has host bits set (the network is %s/%u)", p, SHOWN_NODE(n),
		    fn_ip_format(&net, text), r->to.prefix);
		*ok = false;
	}
}

static bool parse_route(struct ctx *c, const struct ynode *map, const char *path,
			struct fn_route *r)
{
	const struct ynode *via = NULL, *metric = NULL;
	const struct fn_iface *dev = NULL;
	char p[PATH_SIZE];
	bool ok = true;
	long long v;

	r->loc.line = map->line;
	r->loc.column = map->column;
	if (!check_map(c, map, path, "a mapping (to, via, dev, metric)", route_keys))
		return false;
	parse_route_to(c, map, path, r, &ok);
	via = ident_map_get(map, "via");
	dev = get_dev(c, map, path);
	if (ident_map_get(map, "dev") && !dev)
		ok = false;
	metric = ident_map_get(map, "metric");
	if (metric &&
	    get_int(c, metric, ident_join(p, sizeof(p), path, "metric"), 0, UINT32_MAX, &v))
		r->metric = (unsigned)v;
	else if (metric)
		ok = false;
	if (!via && !ident_map_get(map, "dev")) {
		err(c, map, "%s: a route needs 'via', 'dev' or both", path);
		return false;
	}
	if (!via) {
		r->ifindex = dev ? dev->ifindex : 0;
		return ok;
	}
	ident_join(p, sizeof(p), path, "via");
	if (!get_ip(c, via, p, &r->via))
		return false;
	r->has_via = true;
	if (ok && !ident_route_families_match(c, via, p, r))
		return false;
	r->ifindex =
	    ident_resolve_on_link(c, via, p, &r->via, dev, ident_map_get(map, "dev") != NULL);
	return ok && r->ifindex;
}

static void parse_routes(struct ctx *c, const struct ynode *list)
{
	char p[PATH_SIZE];

	if (!get_list(c, list, "routes", "a list of routes"))
		return;
	c->id->routes = xcalloc(ident_list_len(list), sizeof(*c->id->routes));
	for (size_t i = 0; i < ident_list_len(list); i++) {
		struct fn_route *r = &c->id->routes[c->id->n_routes];

		if (!parse_route(c, list->kids[i], ident_index_path(p, sizeof(p), "routes", i), r))
			continue;
		c->id->n_routes++;
		ident_note(&c->routes, r, list->kids[i], p);
	}
	ident_check_routes_unique(c);
}

static bool parse_neighbor(struct ctx *c, const struct ynode *map, const char *path,
			   struct fn_neighbor *nb, const struct ynode **ip_node)
{
	const struct ynode *ip, *mac, *state;
	const struct fn_iface *dev;
	char p[PATH_SIZE];
	bool ok = true, lladdr_optional;
	int st = FN_NUD_REACHABLE;

	nb->loc.line = map->line;
	nb->loc.column = map->column;
	if (!check_map(c, map, path, "a mapping (ip, mac, state, dev)", neighbor_keys))
		return false;
	state = ident_map_get(map, "state");
	if (state && !get_word(c, state, ident_join(p, sizeof(p), path, "state"), nud_words, &st))
		ok = false;
	nb->state = (enum fn_nud)st;
	/* The kernel keeps no link-layer address for entries still resolving or given up on. */
	lladdr_optional = nb->state == FN_NUD_INCOMPLETE || nb->state == FN_NUD_FAILED;
	ip = map_need(c, map, path, "ip");
	mac = lladdr_optional ? ident_map_get(map, "mac") : map_need(c, map, path, "mac");
	if (mac &&
	    !get_mac(c, mac, ident_join(p, sizeof(p), path, "mac"), lladdr_optional, &nb->mac))
		ok = false;
	dev = get_dev(c, map, path);
	if (!ip || !get_ip(c, ip, ident_join(p, sizeof(p), path, "ip"), &nb->ip))
		return false;
	*ip_node = ip;
	nb->ifindex =
	    ident_resolve_on_link(c, ip, p, &nb->ip, dev, ident_map_get(map, "dev") != NULL);
	return ok && nb->ifindex && (mac || lladdr_optional);
}

/* The gateway's entry is noted first: it is there before any of `neighbors:`. */
static void parse_neighbors(struct ctx *c, const struct ynode *list)
{
	char p[PATH_SIZE], pip[PATH_SIZE];

	if (!get_list(c, list, "neighbors", "a list of neighbours"))
		return;
	c->id->neighbors = xcalloc(ident_list_len(list), sizeof(*c->id->neighbors));
	if (c->id->has_gateway)
		ident_note(&c->neighbors, &c->gateway_neighbor, c->gateway_ip_node, "gateway.ip")
		    ->tag = 1;
	for (size_t i = 0; i < ident_list_len(list); i++) {
		struct fn_neighbor *nb = &c->id->neighbors[c->id->n_neighbors];
		const struct ynode *ip_node = NULL;

		ident_index_path(p, sizeof(p), "neighbors", i);
		if (!parse_neighbor(c, list->kids[i], p, nb, &ip_node))
			continue;
		c->id->n_neighbors++;
		ident_note(&c->neighbors, nb, ip_node, ident_join(pip, sizeof(pip), p, "ip"));
	}
	ident_check_neighbors_unique(c);
}

/* ---------------------------------------------------------------- names: dns, hosts, blocked */

static const char *const dns_keys[] = {"nameservers", "search", "options", NULL};
static const char *const hosts_keys[] = {"ip", "names", NULL};

/* A list of strings, each checked by `check` (which reports); returns the accepted copies. */
static char **string_list(struct ctx *c, const struct ynode *n, const char *path, const char *want,
			  bool (*check)(struct ctx *c, const struct ynode *n, const char *path,
					const char **out),
			  size_t *count)
{
	char **v;
	char p[PATH_SIZE];
	const char *s;

	*count = 0;
	if (!n || !get_list(c, n, path, want))
		return NULL;
	v = xcalloc(ident_list_len(n), sizeof(*v));
	for (size_t i = 0; i < ident_list_len(n); i++)
		if (check(c, n->kids[i], ident_index_path(p, sizeof(p), path, i), &s))
			v[(*count)++] = xstrdup(s);
	return v;
}

static bool check_dns_name(struct ctx *c, const struct ynode *n, const char *path, const char **out)
{
	return get_host_name(c, n, path, 253, out);
}

static bool check_resolver_option(struct ctx *c, const struct ynode *n, const char *path,
				  const char **out)
{
	if (!get_string(c, n, path, out))
		return false;
	if (**out && !strpbrk(*out, " \t\r\n"))
		return true;
	err(c, n, "%s: %s is not a resolver option (one word, like ndots:2)", path, SHOWN(*out));
	return false;
}

static bool check_header(struct ctx *c, const struct ynode *n, const char *path, const char **out)
{
	const char *problem;

	if (!get_string(c, n, path, out))
		return false;
	problem = header_problem(*out);
	if (!problem)
		return true;
	err(c, n, "%s: %s is not a 'Name: value' header: %s", path, SHOWN(*out), problem);
	return false;
}

static void parse_dns(struct ctx *c, const struct ynode *map)
{
	struct fn_identity *id = c->id;
	const struct ynode *n;
	char p[PATH_SIZE];

	if (is_null(map) ||
	    !check_map(c, map, "dns", "a mapping (nameservers, search, options)", dns_keys))
		return;
	n = ident_map_get(map, "nameservers");
	if (n && get_list(c, n, "dns.nameservers", "a list of IP addresses")) {
		id->nameservers = xcalloc(ident_list_len(n), sizeof(*id->nameservers));
		for (size_t i = 0; i < ident_list_len(n); i++)
			if (get_ip(c, n->kids[i],
				   ident_index_path(p, sizeof(p), "dns.nameservers", i),
				   &id->nameservers[id->n_nameservers]))
				id->n_nameservers++;
	}
	id->dns_search = string_list(c, ident_map_get(map, "search"), "dns.search",
				     "a list of domain names", check_dns_name, &id->n_dns_search);
	id->dns_options =
	    string_list(c, ident_map_get(map, "options"), "dns.options",
			"a list of resolver options", check_resolver_option, &id->n_dns_options);
}

static bool parse_host_entry(struct ctx *c, const struct ynode *map, const char *path,
			     struct fn_host_entry *h)
{
	const struct ynode *ip, *names;
	char p[PATH_SIZE];
	bool ok = true;

	if (!check_map(c, map, path, "a mapping (ip, names)", hosts_keys))
		return false;
	ip = map_need(c, map, path, "ip");
	names = map_need(c, map, path, "names");
	if (!ip || !get_ip(c, ip, ident_join(p, sizeof(p), path, "ip"), &h->ip))
		ok = false;
	if (!names)
		return false;
	ident_join(p, sizeof(p), path, "names");
	h->names = string_list(c, names, p, "a list of host names", check_dns_name, &h->n_names);
	if (names->type == YN_SEQ && names->n == 0) {
		err(c, names, "%s: at least one name is required", p);
		return false;
	}
	return ok && h->n_names == ident_list_len(names) && h->n_names > 0;
}

static void free_strings(struct fn_host_entry *h)
{
	for (size_t i = 0; i < h->n_names; i++)
		free(h->names[i]);
	free(h->names);
	memset(h, 0, sizeof(*h));
}

static void parse_hosts(struct ctx *c, const struct ynode *list)
{
	struct fn_identity *id = c->id;
	char p[PATH_SIZE];

	if (!get_list(c, list, "hosts", "a list of host entries"))
		return;
	id->hosts = xcalloc(ident_list_len(list), sizeof(*id->hosts));
	for (size_t i = 0; i < ident_list_len(list); i++) {
		struct fn_host_entry *h = &id->hosts[id->n_hosts];

		if (parse_host_entry(c, list->kids[i], ident_index_path(p, sizeof(p), "hosts", i),
				     h))
			id->n_hosts++;
		else
			free_strings(h);
	}
}

/* ---------------------------------------------------------------- http, tools */

static const char *const http_keys[] = {"url", "status", "body", "headers", "fail", NULL};
static const char *const fail_words[] = {"refused", "unresolvable", "timeout", NULL};

static void check_pattern(struct ctx *c, const struct ynode *n, const char *path, const char *re)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	pcre2_code *code;
	int code_err;

	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code_err, &offset, NULL);
	if (code) {
		pcre2_code_free(code);
		return;
	}
	pcre2_get_error_message(code_err, msg, sizeof(msg));
	err(c, n, "%s: bad regular expression %s: %s at offset %zu", path, SHOWN(re),
	    (const char *)msg, (size_t)offset);
}

static void parse_http_answer(struct ctx *c, const struct ynode *map, const char *path,
			      struct fn_http_rule *h)
{
	const struct ynode *status = ident_map_get(map, "status"),
			   *body = ident_map_get(map, "body");
	char p[PATH_SIZE];
	const char *s;
	long long v;

	h->status = 200;
	if (status && get_int(c, status, ident_join(p, sizeof(p), path, "status"), 100, 599, &v))
		h->status = (int)v;
	if (body && get_string(c, body, ident_join(p, sizeof(p), path, "body"), &s))
		h->body = xstrdup(s);
	h->headers =
	    string_list(c, ident_map_get(map, "headers"), ident_join(p, sizeof(p), path, "headers"),
			"a list of 'Name: value' headers", check_header, &h->n_headers);
}

static void refuse_with_fail(struct ctx *c, const struct ynode *map, const char *path,
			     const struct ynode *fail)
{
	static const char *const answer_keys[] = {"status", "body", "headers", NULL};

	for (size_t i = 0; answer_keys[i]; i++) {
		const struct ynode *key = ident_map_key(map, answer_keys[i]);

		if (key)
			err(c, key, "%s: '%s' cannot be combined with 'fail: %s'", path,
			    answer_keys[i], fail->text);
	}
}

static void parse_http_rule(struct ctx *c, const struct ynode *map, const char *path,
			    struct fn_http_rule *h)
{
	const struct ynode *url, *fail;
	char p[PATH_SIZE];
	const char *s;
	int f;

	h->loc.line = map->line;
	h->loc.column = map->column;
	if (!check_map(c, map, path, "a mapping (url, status, body, headers, fail)", http_keys))
		return;
	url = map_need(c, map, path, "url");
	if (url && get_string(c, url, ident_join(p, sizeof(p), path, "url"), &s)) {
		h->url_pattern = xstrdup(s);
		check_pattern(c, url, p, s);
	}
	fail = ident_map_get(map, "fail");
	if (!fail) {
		parse_http_answer(c, map, path, h);
	} else if (get_word(c, fail, ident_join(p, sizeof(p), path, "fail"), fail_words, &f)) {
		h->fail = (enum fn_http_fail)(FN_HTTP_REFUSED + f);
		refuse_with_fail(c, map, path, fail);
	}
	if (!h->body)
		h->body = xstrdup("");
}

static void parse_http(struct ctx *c, const struct ynode *list)
{
	struct fn_identity *id = c->id;
	char p[PATH_SIZE];

	if (!get_list(c, list, "http", "a list of rules"))
		return;
	id->http = xcalloc(ident_list_len(list), sizeof(*id->http));
	id->n_http = ident_list_len(list);
	for (size_t i = 0; i < ident_list_len(list); i++)
		parse_http_rule(c, list->kids[i], ident_index_path(p, sizeof(p), "http", i),
				&id->http[i]);
}

static void parse_tools(struct ctx *c, const struct ynode *map)
{
	static const char *const keys[] = {"net_tools", NULL};
	const struct ynode *n;
	const char *s;

	c->id->nettools = FN_NETTOOLS_2_10;
	if (!map || is_null(map) || !check_map(c, map, "tools", "a mapping (net_tools)", keys))
		return;
	n = ident_map_get(map, "net_tools");
	/* Read as text: unquoted 2.10 is a float to YAML, but the digits are what was meant. */
	if (!n || !get_text(c, n, "tools.net_tools", "\"2.10\" or \"1.60\"", &s))
		return;
	if (strcmp(s, "2.10") == 0)
		c->id->nettools = FN_NETTOOLS_2_10;
	else if (strcmp(s, "1.60") == 0)
		c->id->nettools = FN_NETTOOLS_1_60;
	else
		err(c, n,
		    "tools.net_tools: %s is not a supported net-tools version (\"2.10\" or "
		    "\"1.60\")",
		    SHOWN(s));
}

static void parse_network(struct ctx *c, const struct ynode *n)
{
	int mode;

	c->id->network = FN_NET_AUTO;
	if (n && get_word(c, n, "network", fn_net_mode_names, &mode))
		c->id->network = (enum fn_net_mode)mode;
}

/* ---------------------------------------------------------------- top level */

static const char *const top_keys[] = {
    "version", "hostname",  "interfaces", "gateway", "routes",	"neighbors", "dns", "hosts",
    "blocked", "public_ip", "http",	  "tools",   "network", "system",    NULL};

static void parse_version(struct ctx *c, const struct ynode *root)
{
	const struct ynode *n = map_need(c, root, "", "version");
	long long v;

	if (n && get_int(c, n, "version", LLONG_MIN, LLONG_MAX, &v) && v != 1)
		err(c, n, "version: unsupported version %lld (this fakenet reads version 1)", v);
}

static void parse_hostname(struct ctx *c, const struct ynode *root)
{
	const struct ynode *n = map_need(c, root, "", "hostname");
	const char *s;

	if (n && get_host_name(c, n, "hostname", sizeof(c->id->hostname) - 1, &s))
		snprintf(c->id->hostname, sizeof(c->id->hostname), "%s", s);
}

static void parse_public_ip(struct ctx *c, const struct ynode *n)
{
	c->id->has_public_ip = get_ip(c, n, "public_ip", &c->id->public_ip);
}

static void parse_root(struct ctx *c, const struct ynode *root)
{
	const struct ynode *n;
	char what[SHOW_SIZE + 32];

	if (root->type != YN_MAP) {
		err(c, root,
		    "the file must be a mapping (version, hostname, interfaces, ...), not %s",
		    describe(root, what, sizeof(what)));
		parse_interfaces(c, NULL);
		return;
	}
	check_map(c, root, "", "a mapping", top_keys);
	parse_version(c, root);
	parse_hostname(c, root);
	parse_interfaces(c, map_need(c, root, "", "interfaces"));
	if ((n = ident_map_get(root, "gateway")))
		parse_gateway(c, n);
	if ((n = ident_map_get(root, "routes")))
		parse_routes(c, n);
	if ((n = ident_map_get(root, "neighbors")))
		parse_neighbors(c, n);
	if ((n = ident_map_get(root, "dns")))
		parse_dns(c, n);
	if ((n = ident_map_get(root, "hosts")))
		parse_hosts(c, n);
	if ((n = ident_map_get(root, "blocked")))
		c->id->blocked = string_list(c, n, "blocked", "a list of host names",
					     check_dns_name, &c->id->n_blocked);
	ident_check_blocked(c, ident_map_get(root, "hosts"), ident_map_get(root, "blocked"));
	if ((n = ident_map_get(root, "public_ip")))
		parse_public_ip(c, n);
	if ((n = ident_map_get(root, "http")))
		parse_http(c, n);
	parse_tools(c, ident_map_get(root, "tools"));
	parse_network(c, ident_map_get(root, "network"));
	ident_parse_system(c, ident_map_get(root, "system"));
}

/* Diagnostics come from several passes; readers expect them in the order of the file. */
static int diag_cmp(const void *a, const void *b)
{
	const struct fn_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return 0;
}

static void sort_diags(struct fn_diags *d, size_t from)
{
	/* Insertion sort: stable, so messages at one place keep the order they were found in. */
	for (size_t i = from + 1; i < d->n; i++) {
		struct fn_diag item = d->items[i];
		size_t j = i;

		for (; j > from && diag_cmp(&d->items[j - 1], &item) > 0; j--)
			d->items[j] = d->items[j - 1];
		d->items[j] = item;
	}
}

static void set_source(struct fn_diags *diags, const char *name)
{
	free(diags->file);
	diags->file = xstrdup(name);
}

struct fn_identity *fn_identity_load_buffer(const char *name, const char *buf, size_t len,
					    struct fn_diags *diags)
{
	struct ctx c = {
	    .d = diags,
	    .buf = buf,
	    .len = len,
	};
	size_t first = diags->n;
	struct ynode *root;

	set_source(diags, name);
	if (len > MAX_FILE_SIZE) {
		ident_report(&c, 0, 0, "file is larger than 1 MiB, the limit for an identity file");
		return NULL;
	}
	root = ident_read_tree(&c);
	if (!root) {
		if (diags->n == first)
			ident_report(&c, 0, 0,
				     "file is empty (expected version, hostname and interfaces)");
		return NULL;
	}
	if (is_null(root) && diags->n == first) {
		ident_report(&c, 0, 0, "file is empty (expected version, hostname and interfaces)");
		ident_tree_free(root);
		return NULL;
	}
	c.id = xcalloc(1, sizeof(*c.id));
	c.id->source = xstrdup(name);
	parse_root(&c, root);
	ident_tree_free(root);
	sort_diags(diags, first);
	if (diags->n == first)
		return c.id;
	fn_identity_free(c.id);
	return NULL;
}

struct fn_identity *fn_identity_load_file(const char *path, struct fn_diags *diags)
{
	struct fn_identity *id;
	char *buf;
	size_t len;
	/* One byte over the limit is enough to tell "too large" without reading all of it. */
	int rc = fn_read_file(path, &buf, &len, MAX_FILE_SIZE + 1);

	set_source(diags, path);
	if (rc == -EFBIG) {
		fn_diags_add(diags, 0, 0,
			     "file is larger than 1 MiB, the limit for an identity file");
		return NULL;
	}
	if (rc < 0) {
		fn_diags_add(diags, 0, 0, "cannot read: %s", strerror(-rc));
		return NULL;
	}
	id = fn_identity_load_buffer(path, buf, len, diags);
	free(buf);
	return id;
}
