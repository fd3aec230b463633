/* IP, prefix and MAC parsing/formatting. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

bool fn_ip_parse(const char *s, struct fn_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':')) {
		out->family = AF_INET6;
		return inet_pton(AF_INET6, s, out->bytes) == 1;
	}
	out->family = AF_INET;
	/* inet_pton(AF_INET) already refuses octal-looking and short forms. */
	return inet_pton(AF_INET, s, out->bytes) == 1;
}

bool fn_cidr_parse(const char *s, struct fn_cidr *out)
{
	const char *slash = strchr(s, '/');
	char addr[64], *end;
	unsigned long prefix;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!slash)
		return false;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (!fn_ip_parse(addr, &out->ip))
		return false;
	if (!isdigit((unsigned char)slash[1]))
		return false;
	prefix = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || (slash[1] == '0' && slash[2] != '\0'))
		return false;
	if (prefix > (out->ip.family == AF_INET ? 32UL : 128UL))
		return false;
	out->prefix = (unsigned)prefix;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool fn_mac_parse(const char *s, struct fn_mac *out)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)s[i * 3]), lo = hexval((unsigned char)s[i * 3 + 1]);

		if (hi < 0 || lo < 0)
			return false;
		if (i < 5 && s[i * 3 + 2] != ':')
			return false;
		out->b[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

const char *fn_ip_format(const struct fn_ip *ip, char buf[FN_IP_STRLEN])
{
	if (!inet_ntop(ip->family, ip->bytes, buf, FN_IP_STRLEN))
		snprintf(buf, FN_IP_STRLEN, "?");
	return buf;
}

const char *fn_mac_format(const struct fn_mac *mac, bool upper, char buf[FN_MAC_STRLEN])
{
	snprintf(buf, FN_MAC_STRLEN,
		 upper ? "%02X:%02X:%02X:%02X:%02X:%02X" : "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac->b[0], mac->b[1], mac->b[2], mac->b[3], mac->b[4], mac->b[5]);
	return buf;
}

static size_t family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

bool fn_ip_equal(const struct fn_ip *a, const struct fn_ip *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, family_len(a->family)) == 0;
}

bool fn_ip_is_zero(const struct fn_ip *ip)
{
	for (size_t i = 0; i < family_len(ip->family); i++)
		if (ip->bytes[i])
			return false;
	return true;
}

uint32_t fn_ip4_host(const struct fn_ip *ip)
{
	return (uint32_t)ip->bytes[0] << 24 | (uint32_t)ip->bytes[1] << 16 |
	       (uint32_t)ip->bytes[2] << 8 | ip->bytes[3];
}

struct fn_ip fn_ip4_from_host(uint32_t host)
{
	struct fn_ip ip = {.family = AF_INET};

	ip.bytes[0] = (uint8_t)(host >> 24);
	ip.bytes[1] = (uint8_t)(host >> 16);
	ip.bytes[2] = (uint8_t)(host >> 8);
	ip.bytes[3] = (uint8_t)host;
	return ip;
}

struct fn_ip fn_prefix_mask(int family, unsigned prefix)
{
	struct fn_ip m = {.family = family};

	for (size_t i = 0; i < family_len(family); i++) {
		unsigned bits = prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;

		m.bytes[i] = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
	}
	return m;
}

struct fn_ip fn_cidr_network(const struct fn_cidr *c)
{
	struct fn_ip mask = fn_prefix_mask(c->ip.family, c->prefix), net = c->ip;

	for (size_t i = 0; i < family_len(net.family); i++)
		net.bytes[i] &= mask.bytes[i];
	return net;
}

bool fn_cidr_contains(const struct fn_cidr *net, const struct fn_ip *ip)
{
	struct fn_cidr probe = {.ip = *ip, .prefix = net->prefix};
	struct fn_ip a, b;

	if (net->ip.family != ip->family)
		return false;
	a = fn_cidr_network(net);
	b = fn_cidr_network(&probe);
	return fn_ip_equal(&a, &b);
}

int fn_ip_compare(const struct fn_ip *a, const struct fn_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, family_len(a->family));
}

bool fn_mac_is_multicast(const struct fn_mac *mac)
{
	return mac->b[0] & 1;
}

bool fn_mac_is_zero(const struct fn_mac *mac)
{
	static const struct fn_mac zero;

	return memcmp(mac, &zero, sizeof(zero)) == 0;
}
