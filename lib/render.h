/* Renderers: pure functions from the identity to the text of one view. Byte-exact with the
 * kernel's (or the real tool's) output for a machine configured like the identity. */
#pragma once

#include "buf.h"
#include "host_cpu.h"
#include "identity.h"

/* /proc/net (render_proc.c) */
void render_proc_net_route(const struct fn_identity *id, struct fn_buf *out);
void render_proc_net_arp(const struct fn_identity *id, struct fn_buf *out);
void render_proc_net_dev(const struct fn_identity *id, struct fn_buf *out);
void render_proc_net_if_inet6(const struct fn_identity *id, struct fn_buf *out);
void render_proc_net_ipv6_route(const struct fn_identity *id, struct fn_buf *out);
void render_proc_net_fib_trie(const struct fn_identity *id, struct fn_buf *out);
void render_proc_net_dev_mcast(const struct fn_identity *id, struct fn_buf *out);
/* /proc/net/wireless (render_wireless.c) */
void render_proc_net_wireless(const struct fn_identity *id, struct fn_buf *out);

/* iw (render_iw.c): `iw dev`, `iw dev IF info` and `iw dev IF link` of iw 5.19, for the
 * identity's wireless interfaces (each a managed station of its own card). */
void render_iw_dev(const struct fn_identity *id, struct fn_buf *out);
void render_iw_info(const struct fn_identity *id, const struct fn_iface *iface, struct fn_buf *out);
void render_iw_link(const struct fn_iface *iface, struct fn_buf *out);

/* /etc (render_etc.c) */
void render_etc_hosts(const struct fn_identity *id, struct fn_buf *out);
void render_etc_resolv_conf(const struct fn_identity *id, struct fn_buf *out);
void render_etc_hostname(const struct fn_identity *id, struct fn_buf *out);
/* /etc/machine-id and its D-Bus copy /var/lib/dbus/machine-id */
void render_etc_machine_id(const struct fn_identity *id, struct fn_buf *out);

/* The machine's firmware (render_smbios.c): the SMBIOS 3 structure table and its 64-bit entry
 * point, binary, as /sys/firmware/dmi/tables holds them; /sys/class/dmi/id/modalias. */
/* The processor records' sources, so that they agree with /proc/cpuinfo and lscpu: the processor
 * they show (the identity's, or the host's when it gives none; NULL: no record), the host's
 * topology (one record per socket, with its cores and threads) and the host's clock (cpu MHz),
 * used when the brand string states no speed. Handles number the structures in table order. */
struct smbios_cpu {
	const struct fn_cpu *cpu;
	struct fn_cpu_topology topo;
	unsigned mhz;
};
void render_smbios_table(const struct fn_identity *id, const struct smbios_cpu *cpu,
			 struct fn_buf *out);
void render_smbios_entry_point(size_t table_len, struct fn_buf *out);
void render_dmi_modalias(const struct fn_identity *id, struct fn_buf *out);
