/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSC frequency the EAL asks for at start, measured in 2 ms (10 ms where that is not
 * close enough) instead of 100.
 *
 * Where the CPU does not report its TSC frequency (CPUID leaf 0x15 absent, as on most
 * virtual machines), DPDK 22.11's EAL measures it: the TSC and CLOCK_MONOTONIC_RAW read
 * around a 100 ms sleep, on the main thread, inside rte_eal_init(). That sleep was half of
 * an offline run's start-up. Static builds link the EAL with -Wl,--wrap=get_tsc_freq, so
 * the EAL's call comes here. The error of such a measurement is the time between reading
 * the two clocks at each end over the interval, not the interval itself: each end here is
 * the TSC read between two clock reads, the closest of a few tries, and the result is kept
 * only when those ends bound its error to TSC_ERR_HZ (0.1 % of a 1 GHz TSC; clock reads
 * 100 ns apart give 0.15 MHz over 2 ms at 3 GHz). Otherwise the measurement is taken again
 * over 10 ms, and then left to the EAL's own. The result is rounded to 10 MHz as the EAL
 * rounds its own.
 */
#include <stdint.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "pl_app.h"

/* the EAL's own measurement (linker --wrap) */
uint64_t __real_get_tsc_freq(void);
uint64_t __wrap_get_tsc_freq(void);

#define TSC_NS_PER_S 1000000000ULL
#define TSC_NAP_NS (2 * 1000 * 1000)
#define TSC_NAP_LONG_NS (10 * 1000 * 1000)
#define TSC_PAIR_MAX_NS 2000
#define TSC_ERR_HZ 1000000ULL
#define TSC_ROUND_HZ 10000000ULL

static uint64_t
now_ns(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_MONOTONIC_RAW, &t) != 0)
		return 0;
	return (uint64_t)t.tv_sec * TSC_NS_PER_S + (uint64_t)t.tv_nsec;
}

/*
 * One reading of both clocks: the TSC between two clock reads, the closest pair of a few
 * tries; the clock's time is taken half-way, @p half the most it can be off. -1 when no
 * pair was within TSC_PAIR_MAX_NS.
 */
static int
clock_pair(uint64_t *tsc, uint64_t *ns, uint64_t *half)
{
	uint64_t a, b, t, best = UINT64_MAX;
	int i;

	for (i = 0; i < 8; i++) {
		a = now_ns();
		t = rte_rdtsc_precise();
		b = now_ns();
		if (a == 0 || b < a)
			return -1;
		if (b - a < best) {
			best = b - a;
			*tsc = t;
			*ns = a + (b - a) / 2;
		}
	}
	*half = (best + 1) / 2;
	return best <= TSC_PAIR_MAX_NS ? 0 : -1;
}

uint64_t
pl_tsc_hz_measure(uint64_t nap_ns)
{
	struct timespec nap = { .tv_sec = (time_t)(nap_ns / TSC_NS_PER_S),
				.tv_nsec = (long)(nap_ns % TSC_NS_PER_S) };
	uint64_t t0, n0, h0, t1, n1, h1;
	double hz;

	if (clock_pair(&t0, &n0, &h0) < 0)
		return 0;
	nanosleep(&nap, NULL);
	if (clock_pair(&t1, &n1, &h1) < 0 || n1 <= n0 || t1 <= t0)
		return 0;
	hz = (double)(t1 - t0) * (double)TSC_NS_PER_S / (double)(n1 - n0);
	/* the interval is off by h0 + h1 at most, the frequency by that share of itself */
	if (hz * (double)(h0 + h1) / (double)(n1 - n0) > (double)TSC_ERR_HZ)
		return 0;
	return RTE_ALIGN_MUL_NEAR((uint64_t)hz, TSC_ROUND_HZ);
}

uint64_t
__wrap_get_tsc_freq(void)
{
	uint64_t hz = pl_tsc_hz_measure(TSC_NAP_NS);

	if (hz == 0)
		hz = pl_tsc_hz_measure(TSC_NAP_LONG_NS);
	return hz != 0 ? hz : __real_get_tsc_freq();
}
