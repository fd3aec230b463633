/* Renderers for the net-tools commands (route, arp, ifconfig, netstat -r/-i): the identity ->
 * the exact text net-tools 2.10 or 1.60 prints on a machine configured like it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "identity.h"

/* Which units ifconfig's "bytes N (x.y UNIT)" uses. */
enum fn_nt_units {
	FN_NT_UNITS_IEC,      /* 2.10: B KiB MiB GiB TiB PiB EiB, 1024-based */
	FN_NT_UNITS_PRISTINE, /* pristine 1.60: b Kb Mb, 1024-based */
};

/* "x.y UNIT" as ifconfig prints a byte count: one decimal, truncated (never rounded), a unit step
 * taken only when the count is strictly above it. Returns buf. */
const char *fn_nt_format_bytes(uint64_t bytes, enum fn_nt_units units, char *buf, size_t len);

/* The order ifconfig and netstat -i list interfaces in: by name, digit runs compared as numbers
 * (eth2 < eth10). <0, 0, >0 like strcmp. */
int fn_nt_name_cmp(const char *a, const char *b);

/* Interface flags as words: 2.10 "UP,BROADCAST,RUNNING,MULTICAST" (comma separated), or 1.60
 * "UP BROADCAST RUNNING MULTICAST " (each word followed by one space). */
void fn_nt_flag_words(unsigned flags, enum fn_nettools_style style, struct fn_buf *out);
/* The short flag letters of ifconfig -s / netstat -i ("BMRU", "LRU"). */
void fn_nt_flag_letters(unsigned flags, struct fn_buf *out);

/* route / netstat -r. `ext` is the layout: 1 Metric/Ref/Use (route), 2 MSS/Window/irtt
 * (route -e, netstat -r), 3 both (route -ee); >= 4 prints the title only, as the real tools do.
 * Without `numeric`, addresses are named from the identity's /etc/hosts and /etc/networks. */
void render_route_ipv4(const struct fn_identity *id, int ext, bool numeric, struct fn_buf *out);
/* route -C: the kernel has had no IPv4 routing cache since 3.6, so only the titles remain. */
void render_route_cache(int ext, struct fn_buf *out);
/* route -A inet6 / netstat -r -6. */
void render_route_ipv6(const struct fn_identity *id, bool numeric, struct fn_buf *out);

enum fn_arp_style {
	FN_ARP_LINUX, /* default / -e: the table with a header */
	FN_ARP_BSD,   /* -a: "? (1.2.3.4) at MAC [ether] PERM on eth0" */
};

struct fn_arp_query {
	enum fn_arp_style style;
	bool numeric;
	bool verbose;	   /* -v: the "Entries: ..." summary */
	const char *dev;   /* -i IF, or NULL */
	bool other_hwtype; /* -H with a type other than ether: no entry matches */
	bool has_host;	   /* a HOST argument: only its entry, or "-- no entry" */
	struct fn_ip host; /* the address HOST names */
	const char *host_text;
};

/* arp's listing. Returns the exit status the real arp has for it (0). */
int render_arp(const struct fn_identity *id, const struct fn_arp_query *q, struct fn_buf *out);

/* ifconfig's long block for one interface (2.10 or 1.60 by id->nettools). */
void render_ifconfig_iface(const struct fn_identity *id, const struct fn_iface *iface,
			   struct fn_buf *out);
/* ifconfig / ifconfig -a: every (up, or with `all` every) interface, sorted by name. */
void render_ifconfig(const struct fn_identity *id, bool all, struct fn_buf *out);
/* The header (and netstat's title) and one row of that table. */
void render_iface_table_header(const struct fn_identity *id, bool netstat_header,
			       struct fn_buf *out);
void render_iface_table_row(const struct fn_identity *id, const struct fn_iface *iface,
			    struct fn_buf *out);
/* ifconfig -s (`netstat_header` false) or netstat -i (true, with its title line). */
void render_iface_table(const struct fn_identity *id, bool all, bool netstat_header,
			struct fn_buf *out);
