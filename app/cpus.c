/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL's CPU discovery, answered from one reading of sysfs instead of one path lookup a
 * question.
 *
 * DPDK 22.11's EAL asks, at start, for every lcore id up to RTE_MAX_LCORE (128) whether the
 * CPU exists (access() on /sys/devices/system/cpu/cpuN/topology/core_id) and on which NUMA
 * node it is (access() on /sys/devices/system/node/nodeS/cpuN for S = 0 .. 31 until one is
 * there): about 5,000 sysfs path lookups, several milliseconds of every start on a virtual
 * machine. Static builds link the EAL with -Wl,--wrap=eal_cpu_detected and
 * -Wl,--wrap=eal_cpu_socket_id, so its calls come here: the online CPU list and each node's
 * CPU list are read once, and the answers are the EAL's own:
 *
 * - a CPU outside the online list has no topology folder (the kernel removes it when the
 *   CPU goes offline): not detected, without a lookup; a CPU in the list is asked of the
 *   EAL itself (two lookups on a 2-CPU machine instead of 128);
 * - a CPU's socket is the lowest node below RTE_MAX_NUMA_NODES whose list holds it, else 0,
 *   as the EAL's search gives.
 *
 * Where the lists cannot be read, every question goes to the EAL's own functions.
 *
 * The CPU's features, too: rte_cpu_get_flag_enabled() executes CPUID twice on every call
 * (the highest leaf, then the feature's), and a static DPDK calls it 56 times at start, 38
 * of them from the constructors of every object that includes rte_hash_crc.h. On a virtual
 * machine each CPUID traps to the hypervisor (7-9 us here), so about 0.8 ms of every start.
 * The wrap (-Wl,--wrap=rte_cpu_get_flag_enabled) asks the EAL once per feature and keeps
 * its answer: a CPU's features do not change while a process runs.
 *
 * And the wait for the lcores: rte_eal_init() runs a function on every worker lcore and
 * waits for them in rte_eal_mp_wait_lcore(), which spins. Where a worker lcore shares the
 * main lcore's CPU (offline on a 2-CPU machine), its thread needs that CPU to return, and
 * the spin keeps it until the scheduler preempts the main thread: about 1 ms of every
 * start here (perf: 5.5 % of a 1-packet run). The wrap (-Wl,--wrap=rte_eal_mp_wait_lcore)
 * yields the CPU until each lcore is back, then lets the EAL's wait return.
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rte_cpuflags.h>

#include "pl_app.h"

/* the EAL's own (linker --wrap) */
int __real_eal_cpu_detected(unsigned int cpu);
unsigned int __real_eal_cpu_socket_id(unsigned int cpu);
int __wrap_eal_cpu_detected(unsigned int cpu);
unsigned int __wrap_eal_cpu_socket_id(unsigned int cpu);
int __real_rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature);
int __wrap_rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature);

#define CPUS_SYS "/sys/devices/system"

static struct {
	int ok;                          /* the lists were read */
	cpu_set_t online;
	uint8_t node[CPU_SETSIZE];       /* the lowest node listing the CPU, 0 where none */
	uint8_t listed[CPU_SETSIZE];     /* some node lists it */
} cpus;
static pthread_once_t cpus_once = PTHREAD_ONCE_INIT;

/* Read the CPU list file @p path into @p set. */
static int
read_list(const char *path, cpu_set_t *set)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (n == 0 || n == sizeof(buf) - 1)
		return -1;
	buf[n] = '\0';
	return pl_cpulist_parse(buf, '\n', CPU_SETSIZE, set);
}

static void
cpus_load(void)
{
	char path[64];
	struct dirent *e;
	cpu_set_t set;
	unsigned int node, c;
	DIR *d;

	if (read_list(CPUS_SYS "/cpu/online", &cpus.online) < 0)
		return;
	/* no node folder: a kernel without NUMA, every CPU on socket 0 (the EAL's answer) */
	d = opendir(CPUS_SYS "/node");
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *end;

			if (strncmp(e->d_name, "node", 4) != 0)
				continue;
			node = (unsigned int)strtoul(e->d_name + 4, &end, 10);
			if (end == e->d_name + 4 || *end != '\0' || node >= RTE_MAX_NUMA_NODES)
				continue;
			snprintf(path, sizeof(path), CPUS_SYS "/node/node%u/cpulist", node);
			if (read_list(path, &set) < 0) {
				closedir(d);
				return;
			}
			for (c = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &set) && (!cpus.listed[c] || node < cpus.node[c])) {
					cpus.node[c] = (uint8_t)node;
					cpus.listed[c] = 1;
				}
		}
		closedir(d);
	}
	cpus.ok = 1;
}

int
__wrap_eal_cpu_detected(unsigned int cpu)
{
	pthread_once(&cpus_once, cpus_load);
	if (cpus.ok && (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &cpus.online)))
		return 0;
	return __real_eal_cpu_detected(cpu);
}

unsigned int
__wrap_eal_cpu_socket_id(unsigned int cpu)
{
	pthread_once(&cpus_once, cpus_load);
	if (!cpus.ok || cpu >= CPU_SETSIZE)
		return __real_eal_cpu_socket_id(cpu);
	return cpus.node[cpu];
}

/* Each feature's answer once asked (the EAL's: 1, 0, or a negative error for a feature its
 * tables leave out), and whether it was asked: set after the answer (release), read before
 * it (acquire); two threads that race to a first question store the same answer. */
static struct {
	int answer[RTE_CPUFLAG_NUMFLAGS];
	uint8_t known[RTE_CPUFLAG_NUMFLAGS];
} cpu_flags;

int
__wrap_rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature)
{
	int r;

	if ((unsigned int)feature >= RTE_CPUFLAG_NUMFLAGS)
		return __real_rte_cpu_get_flag_enabled(feature);
	if (__atomic_load_n(&cpu_flags.known[feature], __ATOMIC_ACQUIRE))
		return cpu_flags.answer[feature];
	r = __real_rte_cpu_get_flag_enabled(feature);
	cpu_flags.answer[feature] = r;
	__atomic_store_n(&cpu_flags.known[feature], 1, __ATOMIC_RELEASE);
	return r;
}

void __real_rte_eal_mp_wait_lcore(void);
void __wrap_rte_eal_mp_wait_lcore(void);

void
__wrap_rte_eal_mp_wait_lcore(void)
{
	pl_lcores_yield_until_back();
	__real_rte_eal_mp_wait_lcore();
}
