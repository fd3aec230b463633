/* Parsing and formatting of IP addresses, prefixes and MAC addresses, one way for the whole tree.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "identity.h"

/* Longest text any formatter below writes, NUL included. */
#define FN_IP_STRLEN  46
#define FN_MAC_STRLEN 18

/* Parse "1.2.3.4" or "fe80::1"; strict (no leading zeros in IPv4, no trailing junk). */
bool fn_ip_parse(const char *s, struct fn_ip *out);
/* Parse "1.2.3.4/16" or "2001:db8::1/64"; prefix within the family's width. */
bool fn_cidr_parse(const char *s, struct fn_cidr *out);
/* Parse "02:42:ac:12:00:02" (either case, exactly six two-digit groups). */
bool fn_mac_parse(const char *s, struct fn_mac *out);

/* inet_ntop form: "172.18.0.2", "fe80::42:acff:fe12:2". */
const char *fn_ip_format(const struct fn_ip *ip, char buf[FN_IP_STRLEN]);
/* "02:42:ac:12:00:02" (lowercase) or, with `upper`, "02:42:AC:12:00:02". */
const char *fn_mac_format(const struct fn_mac *mac, bool upper, char buf[FN_MAC_STRLEN]);

bool fn_ip_equal(const struct fn_ip *a, const struct fn_ip *b);
bool fn_ip_is_zero(const struct fn_ip *ip);
/* Network byte order IPv4 address as a host integer (for masking and comparison). */
uint32_t fn_ip4_host(const struct fn_ip *ip);
struct fn_ip fn_ip4_from_host(uint32_t host);
/* The netmask of a prefix length (IPv4 or IPv6 by `family`). */
struct fn_ip fn_prefix_mask(int family, unsigned prefix);
/* The address with the host bits cleared. */
struct fn_ip fn_cidr_network(const struct fn_cidr *c);
bool fn_cidr_contains(const struct fn_cidr *net, const struct fn_ip *ip);
/* Compare two addresses of the same family as big-endian numbers: <0, 0, >0. */
int fn_ip_compare(const struct fn_ip *a, const struct fn_ip *b);

bool fn_mac_is_multicast(const struct fn_mac *mac);
bool fn_mac_is_zero(const struct fn_mac *mac);
