/* Named identity facts ("gateway.ip", "interfaces[eth0].mac", "all.ipv4") as lists of strings: what
 * `fakenet check` compares each probe's findings against. */
#pragma once

#include <stddef.h>

#include "identity.h"

struct fn_strv {
	char **v;
	size_t n;
};

void fn_strv_push(struct fn_strv *s, const char *value);
void fn_strv_free(struct fn_strv *s);
/* "a, b, c" (or "(none)"); caller frees. */
char *fn_strv_join(const struct fn_strv *s, const char *sep);

/* Fills `out` with the values of the named fact. Returns 0, or -1 for an unknown fact name (with a
 * reason in `why`, caller frees). Names:
 *   hostname, hostname.ip (the address the name resolves to), public_ip,
 *   gateway.ip, gateway.mac, gateway.dev, gateway.src (the source address towards it),
 *   interfaces (names without lo), interfaces.all (with lo), interfaces.up, interfaces.all_up,
 *   interfaces[IF].{mac,permanent_mac,mtu,state,operstate,ipv4,ipv4_cidr,netmask,broadcast,ipv6,
 *                   ipv6_cidr,ifindex,flags},
 *   all.{ipv4,ipv6,mac,ipv4_cidr,ipv6_cidr} over the interfaces but lo (MACs of every interface,
 *   addresses of the up ones), the same with "_and_lo" appended to include lo; every.X is all.X
 *   with the addresses of down interfaces too (what ip addr and the fib show),
 *   all.ipv4_and_global6 (what hostname -I lists),
 *   neighbors.ip, neighbors.ipv4, neighbors.mac, routes.dst (IPv4 destinations), routes.via
 *   (IPv4 next hops),
 *   dns.nameservers, dns.search, hosts[NAME] (the address NAME resolves to), blocked,
 *   http[URL].body (what the fake curl prints for URL; nothing when it fails),
 *   system.machine_id, system.dmi.KEY (KEY a file of /sys/class/dmi/id: bios_vendor, ...,
 *   product_uuid in lowercase, chassis_type; nothing for an empty string), system.cpu.KEY,
 *   system.disks.names, system.disks[NAME].KEY (fn_fact_system),
 *   const:TEXT (the one value TEXT). */
int fn_fact_values(const struct fn_identity *id, const char *name, struct fn_strv *out, char **why);
/* The CPU and disk facts (facts_system.c), named after the identity's `system:` section as the
 * machine id and DMI facts are: "system.cpu.vendor", "system.cpu.model_name",
 * "system.cpu.family", "system.cpu.model", "system.cpu.stepping", "system.disks.names",
 * "system.disks[NAME].model|serial|firmware|size|sectors". */
int fn_fact_system(const struct fn_identity *id, const char *name, struct fn_strv *out, char **why);
