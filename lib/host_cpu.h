/* The host's processors where fakenet leaves them the host's: how many the kernel can have
 * (nr_cpu_ids, the width of every cpumask and veth's queue count), and how the online ones are
 * laid out in sockets, cores and threads as /proc/cpuinfo states it (the SMBIOS processor records
 * repeat that, so dmidecode agrees with cpuinfo and lscpu). */
#pragma once

#include <stddef.h>

/* The layout /proc/cpuinfo gives: `n_cpus` processor blocks in `sockets` distinct "physical id"s,
 * each socket with `cores` cores ("cpu cores") and `threads` logical processors ("siblings"). */
struct fn_cpu_topology {
	unsigned n_cpus;
	unsigned sockets;
	unsigned cores;
	unsigned threads;
};

/* Possible CPUs: /sys/devices/system/cpu/possible, else get_nprocs_conf(); at least 1. */
unsigned fn_host_possible_cpus(void);

/* The topology a /proc/cpuinfo text states. A text without the topology lines (a uniprocessor
 * kernel, arm64) is one socket whose cores are its processors, one thread each; a NULL text (no
 * /proc/cpuinfo) is that with the possible CPUs. */
void fn_cpu_topology(const char *cpuinfo, size_t len, struct fn_cpu_topology *topo);
