/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pl-capbench: what the offline capture source costs per packet, by design choice, on one
 * lcore and one file (read through lib/capture from opening the file to its end, mbufs
 * freed at once, TSC cycles):
 *
 *   copy     pl_capture_burst(): mbufs filled by copy, bulk (what portlens does)
 *   ring     the same bursts handed through an ethdev first: enqueued on a net_ring port's
 *            RX ring (rte_eth_from_rings) and received with rte_eth_rx_burst, the extra hop
 *            a reader behind an ethdev costs the RX lcore
 *   read     copy, the plain file read() into a 256 KiB window instead of mapped
 *   probe    copy, mapped or read() as lib/capture's measurement at open decides (as
 *            portlens does by default; the measurement counts in the first round)
 *   ahead    copy, the file mapped whole and its page tables filled ahead of the reader by
 *            lib/capture's readahead helper, on the CPUs the reader's lcore is not on (as
 *            portlens does where no lcore uses a CPU); with one CPU it shares the reader's
 *   next     records one by one (pl_capture_next), copied into mbufs allocated in bulk
 *   extbuf   records one by one, mbufs attached as external buffers over the reader's
 *            window (no copy), one shared-info reference taken per mbuf as the attach
 *            needs; Ethernet files only
 *
 * usage: pl-capbench FILE [MODE...] [--rounds N]   (default: every mode, 3 rounds each)
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "pl_capture.h"

#define BURST 32

static struct rte_mempool *pool;
static cpu_set_t helper_cpus; /* the CPUs the program may use, less the reader's */
static struct rte_ring *ring;
static uint16_t ring_port;

static void
no_free(void *addr, void *opaque)
{
	(void)addr;
	(void)opaque;
}

static struct pl_capture *
open_file(const char *path, int flags)
{
	char err[512];
	struct pl_capture *c = pl_capture_open(&path, 1, flags, err, sizeof(err));

	if (c == NULL) {
		fprintf(stderr, "pl-capbench: %s\n", err);
		exit(2);
	}
	return c;
}

/* Open with the readahead helper, which runs where the opening thread may run. */
static struct pl_capture *
open_ahead(const char *path)
{
	struct pl_capture *c;
	cpu_set_t mine;

	if (CPU_COUNT(&helper_cpus) == 0 ||
	    pthread_getaffinity_np(pthread_self(), sizeof(mine), &mine) != 0)
		return open_file(path, PL_CAPTURE_READAHEAD);
	pthread_setaffinity_np(pthread_self(), sizeof(helper_cpus), &helper_cpus);
	c = open_file(path, PL_CAPTURE_READAHEAD);
	pthread_setaffinity_np(pthread_self(), sizeof(mine), &mine);
	return c;
}

/* One pass over the file in a mode; returns packets, adds cycles. */
static uint64_t
pass(const char *path, const char *mode, uint64_t *cycles, uint64_t *ahead)
{
	uint64_t n = 0, t0 = rte_rdtsc(); /* opening counts: it may read ahead */
	struct pl_capture *c = strcmp(mode, "ahead") == 0 ? open_ahead(path) :
		open_file(path, strcmp(mode, "read") == 0 ? PL_CAPTURE_READ :
			  strcmp(mode, "probe") == 0 ? PL_CAPTURE_PROBE : 0);
	struct pl_capture_ahead_stats st;
	struct rte_mbuf *pkts[BURST], *got[BURST];
	struct rte_mbuf_ext_shared_info shinfo = { .free_cb = no_free };
	int by_record = strcmp(mode, "next") == 0 || strcmp(mode, "extbuf") == 0;

	rte_mbuf_ext_refcnt_set(&shinfo, 1);
	for (;;) {
		uint16_t k = 0, i;

		if (!by_record) {
			k = pl_capture_burst(c, pool, pkts, BURST);
			if (k == 0)
				break;
			if (strcmp(mode, "ring") == 0) {
				rte_ring_sp_enqueue_burst(ring, (void **)pkts, k, NULL);
				k = rte_eth_rx_burst(ring_port, 0, got, BURST);
				memcpy(pkts, got, k * sizeof(pkts[0]));
			}
		} else {
			struct pl_capture_rec r;

			if (rte_pktmbuf_alloc_bulk(pool, pkts, BURST) != 0)
				break;
			for (k = 0; k < BURST && pl_capture_next(c, &r) == 1; k++) {
				struct rte_mbuf *m = pkts[k];

				if (mode[0] == 'e') {
					rte_mbuf_ext_refcnt_update(&shinfo, 1);
					rte_pktmbuf_attach_extbuf(m, (void *)(uintptr_t)r.data,
						(rte_iova_t)(uintptr_t)r.data, (uint16_t)r.caplen, &shinfo);
				} else {
					rte_memcpy(rte_pktmbuf_mtod(m, void *), r.data, r.caplen);
				}
				m->data_len = (uint16_t)r.caplen;
				m->pkt_len = r.caplen;
			}
			for (i = k; i < BURST; i++)
				rte_pktmbuf_free(pkts[i]);
			if (k == 0)
				break;
		}
		n += k;
		rte_pktmbuf_free_bulk(pkts, k);
	}
	*cycles += rte_rdtsc() - t0;
	pl_capture_ahead_settle(c, &st);
	*ahead = st.populated;
	pl_capture_close(c);
	return n;
}

int
main(int argc, char **argv)
{
	static char lcores[24] = "0@0";
	char *eal[] = { "pl-capbench", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			"--no-telemetry", "--log-level=error", "--lcores", NULL, NULL };
	const char *modes[9], *all[] = { "copy", "ahead", "read", "probe", "ring", "next",
					      "extbuf" };
	unsigned int nm = 0, rounds = 3, i, r;
	const char *path = NULL;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < (unsigned int)argc)
			rounds = (unsigned int)atoi(argv[++i]);
		else if (path == NULL)
			path = argv[i];
		else if (nm < 9)
			modes[nm++] = argv[i];
	}
	if (path == NULL) {
		fprintf(stderr, "usage: pl-capbench FILE [copy|ahead|read|probe|ring|next|extbuf ...] "
			"[--rounds N]\n");
		return 2;
	}
	if (nm == 0)
		for (nm = 0; nm < RTE_DIM(all); nm++)
			modes[nm] = all[nm];
	for (i = 0; i < nm; i++) {
		for (r = 0; r < RTE_DIM(all) && strcmp(modes[i], all[r]) != 0; r++)
			;
		if (r == RTE_DIM(all)) {
			fprintf(stderr, "pl-capbench: %s: not a mode (copy, ahead, read, probe, "
				"ring, next, extbuf)\n", modes[i]);
			return 2;
		}
	}
	/* the reader runs on lcore 0's CPU, the first of the program's; the helper on the rest */
	if (sched_getaffinity(0, sizeof(helper_cpus), &helper_cpus) == 0) {
		for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &helper_cpus); i++)
			;
		if (i < CPU_SETSIZE) {
			snprintf(lcores, sizeof(lcores), "0@%u", i);
			CPU_CLR(i, &helper_cpus);
		}
	} else {
		CPU_ZERO(&helper_cpus);
	}
	eal[RTE_DIM(eal) - 2] = lcores;
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("capbench", 4096, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	ring = rte_ring_create("capbench", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pool == NULL || ring == NULL)
		return 1;
	ring_port = (uint16_t)rte_eth_from_rings("net_ring_capbench", &ring, 1, &ring, 1, 0);
	{
		struct rte_eth_conf conf = { 0 };

		if (rte_eth_dev_configure(ring_port, 1, 1, &conf) < 0 ||
		    rte_eth_rx_queue_setup(ring_port, 0, 1024, 0, NULL, pool) < 0 ||
		    rte_eth_tx_queue_setup(ring_port, 0, 1024, 0, NULL) < 0 ||
		    rte_eth_dev_start(ring_port) < 0) {
			fprintf(stderr, "pl-capbench: net_ring port set-up failed\n");
			return 1;
		}
	}
	for (r = 0; r < rounds; r++) /* modes interleaved: the machine's noise hits them alike */
		for (i = 0; i < nm; i++) {
			uint64_t cyc = 0, ahead = 0, n = pass(path, modes[i], &cyc, &ahead);

			printf("%-7s round %u: %" PRIu64 " packets, %.1f cycles/packet, %.3f s",
			       modes[i], r + 1, n, n ? (double)cyc / (double)n : 0,
			       (double)cyc / (double)rte_get_tsc_hz());
			if (strcmp(modes[i], "ahead") == 0)
				printf(", %.1f MB filled in by the helper", (double)ahead / 1e6);
			if (strcmp(modes[i], "probe") == 0) {
				struct pl_capture_probe pr;

				pl_capture_probe_get(&pr);
				if (pr.done)
					printf(", %s (a KiB: mapped %.0f cycles, read() %.0f)",
					       pr.read ? "read()" : "mapped", pr.map_cycles,
					       pr.read_cycles);
				else
					printf(", mapped (no measurement: file under %u MiB)",
					       PL_CAPTURE_PROBE_MIN >> 20);
			}
			printf("\n");
		}
	rte_eth_dev_stop(ring_port);
	rte_eal_cleanup();
	return 0;
}
