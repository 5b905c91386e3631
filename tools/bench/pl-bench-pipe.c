/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bare pipeline: what handing packets from an RX lcore to another lcore costs on a
 * source, with nothing of portlens in it. An RX lcore receives bursts from port 0 and
 * enqueues them on an rte_ring (single producer, single consumer, as portlens's); a sink
 * lcore dequeues them and frees them. The pool is built as portlens builds its own (2 KiB of
 * data room, a mempool cache of 256, the stack handler by default), the ring is as large as
 * portlens's live default, and the RX lcore's cycles are counted as portlens counts its own
 * (TSC cycles of the polls that received something, over the packets received).
 *
 * So the RX lcore's figure here is the floor of any design in which one lcore receives and
 * another frees: what portlens's RX lcore adds to receiving is its figure minus this one,
 * and this one minus testpmd rxonly's is what the hand-over alone costs on the source (the
 * PMD writing into mbufs that another core read last). Modes:
 *
 *   --mode rtc    the RX lcore frees each burst itself (testpmd rxonly's shape; a check
 *                 of this tool against testpmd on the same source)
 *   --mode pipe   RX lcore -> ring -> sink lcore, which frees (the default)
 *   --rx-read     the RX lcore reads each frame's first 64 bytes (what a software tuple
 *                 hash cannot avoid; four frames ahead prefetched) and folds them into
 *                 a sum, as a hash would
 *   --sink-read   the sink reads each frame's first 64 bytes before freeing it (what any
 *                 analysis reads)
 *
 * usage: pl-bench-pipe EAL-ARGS -- [--mode pipe|rtc] [--rx-read] [--sink-read]
 *                      [--seconds 8] [--warmup 2] [--mbufs N] [--ring 4096] [--ops stack]
 *                      [--json]
 * Needs two lcores (main and RX) for rtc, three (main, RX, sink) for pipe.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#define BURST 32
#define AHEAD 4

/* One lcore's counts, written by it alone, read by main between samples. */
struct lc_stats {
	uint64_t packets;
	uint64_t busy_cycles;
	uint64_t dropped;  /* RX: frames the full ring did not take (freed on the spot) */
	uint64_t sum;      /* what the reads folded, so that the compiler keeps them */
} __rte_cache_aligned;

static struct {
	int pipe, rx_read, sink_read, json;
	unsigned int seconds, warmup, mbufs, ring_size;
	const char *ops;
} opt = { .pipe = 1, .seconds = 8, .warmup = 2, .ring_size = 4096, .ops = "stack" };

static struct rte_ring *ring;
static struct lc_stats rx_st, sink_st;
static volatile int quit;
static int rx_done;  /* the RX lcore enqueues no more */

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static inline void
publish(struct lc_stats *s, uint64_t n, uint64_t c, uint64_t d, uint64_t sum)
{
	__atomic_store_n(&s->packets, n, __ATOMIC_RELAXED);
	__atomic_store_n(&s->busy_cycles, c, __ATOMIC_RELAXED);
	__atomic_store_n(&s->dropped, d, __ATOMIC_RELAXED);
	/* an atomic store is never elided, so the reads that make the sum stay */
	__atomic_store_n(&s->sum, sum, __ATOMIC_RELAXED);
}

/* The first 64 bytes of each frame, folded: four frames ahead asked for. */
static inline uint64_t
read_frames(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t sum = 0;
	uint16_t i;

	for (i = 0; i < RTE_MIN(n, (uint16_t)AHEAD); i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		const uint64_t *w = rte_pktmbuf_mtod(pkts[i], const uint64_t *);

		if (i + AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + AHEAD], void *));
		sum += w[0] ^ w[3] ^ w[4] ^ w[7];
	}
	return sum;
}

static int
rx_loop(void *arg)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t n = 0, c = 0, d = 0, sum = 0;
	unsigned int polls = 0;

	(void)arg;
	while (!quit) {
		uint64_t t0 = rte_rdtsc();
		uint16_t got = rte_eth_rx_burst(0, 0, pkts, BURST), sent;

		if (got == 0)
			continue;
		if (opt.rx_read)
			sum += read_frames(pkts, got);
		if (opt.pipe) {
			sent = (uint16_t)rte_ring_enqueue_burst(ring, (void **)pkts, got, NULL);
			if (sent < got) {
				rte_pktmbuf_free_bulk(pkts + sent, got - sent);
				d += got - sent;
			}
		} else {
			rte_pktmbuf_free_bulk(pkts, got);
		}
		n += got;
		c += rte_rdtsc() - t0;
		if ((++polls & 63) == 0)
			publish(&rx_st, n, c, d, sum);
	}
	publish(&rx_st, n, c, d, sum);
	__atomic_store_n(&rx_done, 1, __ATOMIC_RELEASE);
	return 0;
}

static int
sink_loop(void *arg)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t n = 0, c = 0, sum = 0;
	unsigned int polls = 0;

	(void)arg;
	while (!quit) {
		uint64_t t0 = rte_rdtsc();
		unsigned int got = rte_ring_dequeue_burst(ring, (void **)pkts, BURST, NULL);

		if (got == 0)
			continue;
		if (opt.sink_read)
			sum += read_frames(pkts, (uint16_t)got);
		rte_pktmbuf_free_bulk(pkts, got);
		n += got;
		c += rte_rdtsc() - t0;
		if ((++polls & 63) == 0)
			publish(&sink_st, n, c, 0, sum);
	}
	/* what is left in the ring goes back to the pool, once nothing more comes */
	while (!__atomic_load_n(&rx_done, __ATOMIC_ACQUIRE))
		rte_pause();
	while ((n = rte_ring_dequeue_burst(ring, (void **)pkts, BURST, NULL)) > 0)
		rte_pktmbuf_free_bulk(pkts, (unsigned int)n);
	return 0;
}

static void
usage(const char *why)
{
	fprintf(stderr, "pl-bench-pipe: %s\nusage: pl-bench-pipe EAL-ARGS -- [--mode pipe|rtc] "
		"[--rx-read] [--sink-read] [--seconds N] [--warmup N] [--mbufs N] [--ring N] "
		"[--ops HANDLER] [--json]\n", why);
	exit(2);
}

static unsigned int
number(const char *name, const char *s, unsigned int lo, unsigned int hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "pl-bench-pipe: %s %s: expected a number from %u to %u\n", name,
			s, lo, hi);
		exit(2);
	}
	return (unsigned int)v;
}

static void
parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "rx-read", no_argument, NULL, 'r' },
		{ "sink-read", no_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "mbufs", required_argument, NULL, 'n' },
		{ "ring", required_argument, NULL, 'R' },
		{ "ops", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "pipe") && strcmp(optarg, "rtc"))
				usage("--mode: expected pipe or rtc");
			opt.pipe = strcmp(optarg, "pipe") == 0;
			break;
		case 'r': opt.rx_read = 1; break;
		case 's': opt.sink_read = 1; break;
		case 'S': opt.seconds = number("--seconds", optarg, 1, 3600); break;
		case 'w': opt.warmup = number("--warmup", optarg, 0, 600); break;
		case 'n': opt.mbufs = number("--mbufs", optarg, 1024, 1U << 26); break;
		case 'R': opt.ring_size = number("--ring", optarg, 64, 1U << 20); break;
		case 'o': opt.ops = optarg; break;
		case 'j': opt.json = 1; break;
		default: usage("unknown option");
		}
	}
	if (optind < argc)
		usage("unexpected argument");
	if (opt.ring_size & (opt.ring_size - 1))
		usage("--ring: expected a power of two");
}

/* portlens's pool, built the same way: data room RTE_MBUF_DEFAULT_BUF_SIZE, cache 256. */
static struct rte_mempool *
pool_build(unsigned int n)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
	};
	struct rte_mempool *mp;

	mp = rte_mempool_create_empty("plb_pipe", n, sizeof(struct rte_mbuf) +
				      RTE_MBUF_DEFAULT_BUF_SIZE, 256, sizeof(priv),
				      (int)rte_socket_id(), 0);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, opt.ops, NULL) < 0) {
		fprintf(stderr, "pl-bench-pipe: --ops %s: no such mempool handler\n", opt.ops);
		exit(2);
	}
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) < 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

static void
port_start(struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_count_avail() == 0)
		usage("no port: give one with --vdev (e.g. net_pcap0,rx_pcap=F,infinite_rx=1)");
	rc = rte_eth_dev_configure(0, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(0, 0, 1024, rte_eth_dev_socket_id(0), NULL, mp);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(0, 0, 1024, rte_eth_dev_socket_id(0), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(0);
	if (rc < 0) {
		fprintf(stderr, "pl-bench-pipe: port 0: %s\n", rte_strerror(-rc));
		exit(1);
	}
}

static void
sample(struct lc_stats *rx, struct lc_stats *sink)
{
	rx->packets = __atomic_load_n(&rx_st.packets, __ATOMIC_RELAXED);
	rx->busy_cycles = __atomic_load_n(&rx_st.busy_cycles, __ATOMIC_RELAXED);
	rx->dropped = __atomic_load_n(&rx_st.dropped, __ATOMIC_RELAXED);
	sink->packets = __atomic_load_n(&sink_st.packets, __ATOMIC_RELAXED);
	sink->busy_cycles = __atomic_load_n(&sink_st.busy_cycles, __ATOMIC_RELAXED);
}

int
main(int argc, char **argv)
{
	struct lc_stats r0, s0, r1, s1;
	struct rte_mempool *mp;
	unsigned int rx_lc, sink_lc;
	uint64_t t0, t1, hz, dn;
	unsigned int back;
	int rc;
	double secs, mpps, rx_c, sink_c, drops;
	int n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "pl-bench-pipe: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	parse_args(argc - n, argv + n);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rx_lc = rte_get_next_lcore(-1, 1, 0);
	sink_lc = rte_get_next_lcore(rx_lc, 1, 0);
	if (rx_lc >= RTE_MAX_LCORE || (opt.pipe && sink_lc >= RTE_MAX_LCORE))
		usage("needs the main lcore and one more (rtc) or two more (pipe): --lcores");
	mp = pool_build(opt.mbufs ? opt.mbufs : 32768);
	if (mp == NULL) {
		fprintf(stderr, "pl-bench-pipe: pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (opt.pipe) {
		ring = rte_ring_create("plb_pipe", opt.ring_size, (int)rte_socket_id(),
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (ring == NULL) {
			fprintf(stderr, "pl-bench-pipe: ring: %s\n", rte_strerror(rte_errno));
			return 1;
		}
	}
	port_start(mp);
	hz = rte_get_tsc_hz();
	if (opt.pipe)
		rte_eal_remote_launch(sink_loop, NULL, sink_lc);
	rte_eal_remote_launch(rx_loop, NULL, rx_lc);
	/* the window starts after the warm-up: every mbuf touched once, caches settled */
	sleep(opt.warmup);
	sample(&r0, &s0);
	t0 = rte_rdtsc();
	for (unsigned int s = 0; s < opt.seconds && !quit; s++)
		sleep(1);
	sample(&r1, &s1);
	t1 = rte_rdtsc();
	quit = 1;
	rte_eal_mp_wait_lcore();
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	/* every mbuf received was freed: with the port closed (a replaying PMD gives its
	 * copies of the capture back then), the whole pool is back */
	back = rte_mempool_avail_count(mp);

	dn = r1.packets - r0.packets;
	secs = (double)(t1 - t0) / (double)hz;
	mpps = dn / secs / 1e6;
	rx_c = dn ? (double)(r1.busy_cycles - r0.busy_cycles) / dn : 0;
	sink_c = s1.packets > s0.packets ? (double)(s1.busy_cycles - s0.busy_cycles) /
					   (double)(s1.packets - s0.packets) : 0;
	drops = dn ? (double)(r1.dropped - r0.dropped) / dn : 0;
	if (opt.json)
		printf("{\"mode\": \"%s\", \"rx_read\": %d, \"sink_read\": %d, \"mpps\": %.3f, "
		       "\"rx_cycles_per_packet\": %.1f, \"sink_cycles_per_packet\": %.1f, "
		       "\"rx_drops\": %.4f, \"tsc_hz\": %" PRIu64 ", \"seconds\": %.2f, "
		       "\"mbufs\": %u, \"mbufs_back\": %u}\n",
		       opt.pipe ? "pipe" : "rtc", opt.rx_read, opt.sink_read, mpps, rx_c, sink_c,
		       drops, hz, secs, mp->size, back);
	else
		printf("%s%s%s: %.2f Mpps, RX lcore %.0f cycles a packet (TSC %.2f GHz), sink "
		       "%.0f, dropped on a full ring %.1f %%; mbufs back %u of %u\n",
		       opt.pipe ? "pipe" : "rtc", opt.rx_read ? ", RX reads" : "",
		       opt.sink_read ? ", sink reads" : "", mpps, rx_c, hz / 1e9, sink_c,
		       100 * drops, back, mp->size);
	rc = back == mp->size ? 0 : 1;
	if (rc)
		fprintf(stderr, "pl-bench-pipe: %u mbufs of %u not back in the pool\n",
			mp->size - back, mp->size);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return rc;
}
