/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pl-bench-worker: cycles per packet of each stage of the packet path, on prepared mbufs,
 * on one thread: the RX lcore's own work (the program's pl_rx_burst(): worker choice,
 * direction, inter-arrival times, ring enqueue; everything but the PMD), the ring's
 * dequeue, class lookup and flow update alone, and the whole worker (the program's
 * pl_worker_burst(): parse, counters, classes, QoS, flows, policy, signatures, dispose)
 * with the configuration given. --nic-hash gives every mbuf a symmetric RSS hash with
 * RTE_MBUF_F_RX_RSS_HASH, as a NIC whose profile says `symmetric = yes` does, so the RX
 * lcore reads no packet data. Packets come from a capture; each
 * round replays them with packet times shifted by the capture's length, so flows live,
 * end and come back as they would on a longer capture. The first round warms caches and
 * tables and is not reported. Run it under `valgrind --tool=callgrind` for instruction
 * counts that do not depend on what else the machine is doing.
 *
 * usage: pl-bench-worker --pcap FILE [--config FILE] [--packets N] [--rounds R] [--new-flows]
 *                        [--nic-hash] [--json]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "pl_app.h"
#include "pl_dist.h"
#include "pl_parse.h"

/* Where the class stage's answers go, so that it is not optimised away. */
static volatile uint8_t class_sink;

/* The program's globals, which app/worker.c and app/runtime.c use. */
struct pl_app pl_app = { .wake_fd = -1 };
int pl_logtype;

#define MBUF_ROOM (16384 + RTE_PKTMBUF_HEADROOM)

/*
 * The bench's mbufs stay its own while the worker frees them as the program does. The pool's
 * handler hands them out like a stack while the capture loads; sealed after that, it takes
 * back nothing, so the worker's free of each burst is the program's (reference count 1, one
 * put into this lcore's mempool cache, a flush when the cache overflows) and the bench
 * replays the same mbufs the next round. (Holding a second reference instead made every free
 * an atomic decrement, which the program never does.) Nothing allocates from the pool once
 * it is sealed.
 */
struct keep {
	unsigned int n;
	int sealed;
	void *obj[];
};

static int
keep_alloc(struct rte_mempool *mp)
{
	struct keep *k = rte_zmalloc_socket("bench_keep", sizeof(*k) + mp->size * sizeof(void *),
					    RTE_CACHE_LINE_SIZE, mp->socket_id);

	if (k == NULL)
		return -ENOMEM;
	mp->pool_data = k;
	return 0;
}

static void
keep_free(struct rte_mempool *mp)
{
	rte_free(mp->pool_data);
}

static int
keep_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	struct keep *k = mp->pool_data;

	if (k->sealed)
		return 0;
	memcpy(&k->obj[k->n], objs, n * sizeof(void *));
	k->n += n;
	return 0;
}

static int
keep_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct keep *k = mp->pool_data;
	unsigned int i;

	if (k->sealed || k->n < n)
		return -ENOBUFS;
	for (i = 0; i < n; i++)
		objs[i] = k->obj[--k->n];
	return 0;
}

static unsigned int
keep_count(const struct rte_mempool *mp)
{
	const struct keep *k = mp->pool_data;

	return k->n;
}

static const struct rte_mempool_ops keep_ops = {
	.name = "pl_bench_keep",
	.alloc = keep_alloc,
	.free = keep_free,
	.enqueue = keep_enqueue,
	.dequeue = keep_dequeue,
	.get_count = keep_count,
};
RTE_MEMPOOL_REGISTER_OPS(keep_ops);

enum stage { ST_RX, ST_RING, ST_CLASS, ST_FLOW, ST_WORKER, ST_MAX };
static const char *const stage_name[ST_MAX] = {
	"rx", "ring", "class", "flow", "worker",
};
static const char *const stage_help[ST_MAX] = {
	"the RX lcore past the PMD: worker choice, direction, inter-arrival, enqueue",
	"SP/SC ring dequeue per burst (worker side)",
	"port -> class table (part of the worker, alone)",
	"tuple + hash + flow table update with the TCP state machine (part of the worker, alone)",
	"the worker's whole work: parse, counters, class, QoS, flow, policy, scan, dispose",
};

static int
load(const char *path, struct rte_mempool *mp, struct rte_mbuf **pkts, uint64_t *ts,
     unsigned int max)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
							     err);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned int n = 0;

	if (pc == NULL) {
		fprintf(stderr, "pl-bench-worker: %s: %s\n", path, err);
		return -1;
	}
	while (n < max && pcap_next_ex(pc, &h, &d) == 1) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint32_t len = RTE_MIN(h->caplen, (uint32_t)(MBUF_ROOM - RTE_PKTMBUF_HEADROOM));

		if (m == NULL) {
			fprintf(stderr, "pl-bench-worker: out of mbufs\n");
			pcap_close(pc);
			return -1;
		}
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), d, len);
		ts[n] = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec;
		pkts[n++] = m;
	}
	pcap_close(pc);
	return (int)n;
}

/*
 * --new-flows: before each round, change the last byte of both addresses of every IP packet
 * (the previous round's parse says where they are), so that every round's connections are
 * new flows (scanned again, created again) while directions, classes and the pairing of the
 * two directions stay as they were. Without it a round continues the previous round's flows.
 */
static void
renumber(struct rte_mbuf **pkts, unsigned int n, unsigned int round)
{
	/* round r's byte is the capture's XOR (r mod 256): distinct for 256 rounds */
	uint8_t x = (uint8_t)(round ^ (round - 1));
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct pl_meta *m = pl_meta(pkts[i]);
		uint8_t *ip = rte_pktmbuf_mtod(pkts[i], uint8_t *) + m->l3_off;

		if (m->kind != PL_KIND_IP)
			continue;
		if (m->flags & PL_F_IPV6) {
			ip[8 + 15] ^= x;
			ip[24 + 15] ^= x;
		} else {
			ip[12 + 3] ^= x;
			ip[16 + 3] ^= x;
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pcap", required_argument, NULL, 'p' }, { "config", required_argument, NULL, 'c' },
		{ "packets", required_argument, NULL, 'n' }, { "rounds", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' }, { "new-flows", no_argument, NULL, 'f' },
		{ "nic-hash", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	char *eal[] = { "pl-bench-worker", "--no-huge", "-m", "2048", "--no-pci", "--no-shconf",
			"--file-prefix=pl-bench", "--log-level=error", "-l", "0", NULL };
	const char *pcap_path = NULL, *cfg_path = NULL;
	unsigned int max = 65536, rounds = 5, n, r, i, json = 0, new_flows = 0, nic_hash = 0;
	static struct pl_config cfg;
	uint64_t cyc[ST_MAX] = { 0 }, counted = 0, scans = 0, span, *ts;
	struct rte_mbuf **pkts;
	struct rte_mempool *mp;
	struct pl_worker_ctx *wk;
	struct pl_rx_ctx *rx;
	struct pl_port *port;
	struct pl_flow_table *ft;
	struct rte_ring *ring;
	struct pl_cidr nets[8];
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p': pcap_path = optarg; break;
		case 'c': cfg_path = optarg; break;
		case 'n': max = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'r': rounds = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'j': json = 1; break;
		case 'f': new_flows = 1; break;
		case 'h': nic_hash = 1; break;
		default:
			fprintf(stderr, "usage: pl-bench-worker --pcap FILE [--config FILE] "
				"[--packets N] [--rounds R] [--new-flows] [--nic-hash] [--json]\n");
			return 2;
		}
	}
	if (pcap_path == NULL || max == 0 || rounds < 2) {
		fprintf(stderr, "pl-bench-worker: --pcap FILE is required (rounds >= 2)\n");
		return 2;
	}
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0 || pl_parse_init() < 0) {
		fprintf(stderr, "pl-bench-worker: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	pl_config_defaults(&cfg);
	if (cfg_path && pl_config_load(cfg_path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "pl-bench-worker: %s\n", err);
		return 2;
	}
	pl_app.nb_workers = 1;
	pl_app.nb_rx = 1;
	pl_app.offline = 1; /* the RX lcore waits for room in the ring: never a drop here */
	pl_app.opt.ival_ns = 1000000000ULL;
	pl_app.tsc_hz = rte_get_tsc_hz();
	pl_app.rt = pl_runtime_build(&pl_app, &cfg, err, sizeof(err));
	pl_app.dir = pl_direction_create("bench_dir", 0, nets, pl_direction_defaults(nets));
	/* the program's mempool cache size, so that the worker's puts go where the program's
	 * go */
	mp = rte_pktmbuf_pool_create_by_ops("bench", max + 1024, 256, 0, MBUF_ROOM, 0,
					    "pl_bench_keep");
	pkts = calloc(max, sizeof(*pkts));
	ts = calloc(max, sizeof(*ts));
	wk = rte_zmalloc("bench_wk", sizeof(*wk), RTE_CACHE_LINE_SIZE);
	rx = rte_zmalloc("bench_rx", sizeof(*rx), RTE_CACHE_LINE_SIZE);
	port = &pl_app.port[0];
	ring = rte_ring_create("bench_ring", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pl_app.rt == NULL || pl_app.dir == NULL || mp == NULL || pkts == NULL ||
	    ts == NULL || wk == NULL || rx == NULL || ring == NULL) {
		fprintf(stderr, "pl-bench-worker: set-up failed: %s\n",
			pl_app.rt == NULL ? err : rte_strerror(rte_errno));
		return 1;
	}
	wk->ctr = pl_ctr_create(0, PL_ROLE_WORKER, 0, 1, 1, 0);
	rx->ctr = pl_ctr_create(0, PL_ROLE_RX, 0, 0, 1, 0);
	rx->ring[0] = ring;
	pl_app.rx[0] = rx;
	port->hw_time = 1;          /* the capture's times, in ns */
	port->ts_scale = 1;
	port->use_nic_hash = nic_hash;
	wk->flows = pl_flow_create("bench_flows", cfg.flow_capacity, 0);
	wk->sources = pl_sources_create("bench_srcs", cfg.flow_capacity, 0);
	ft = pl_flow_create("bench_flows2", cfg.flow_capacity, 0);
	if (wk->ctr == NULL || rx->ctr == NULL || wk->flows == NULL || wk->sources == NULL ||
	    ft == NULL) {
		fprintf(stderr, "pl-bench-worker: tables: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	pl_flow_set_timeouts(wk->flows, cfg.syn_timeout_ns, cfg.tcp_idle_ns, cfg.udp_idle_ns,
			     cfg.time_wait_ns);
	pl_flow_set_timeouts(ft, cfg.syn_timeout_ns, cfg.tcp_idle_ns, cfg.udp_idle_ns,
			     cfg.time_wait_ns);
	n = (unsigned int)load(pcap_path, mp, pkts, ts, max);
	if ((int)n <= 0)
		return 1;
	((struct keep *)mp->pool_data)->sealed = 1;
	span = ts[n - 1] - ts[0] + 1000000000ULL;
	for (i = 0; i < n; i++) {
		pkts[i]->ol_flags |= pl_time_flag;
		if (nic_hash) {
			/* what a NIC with a symmetric key gives: any hash equal both ways */
			struct pl_meta m;

			pl_parse_frame(rte_pktmbuf_mtod(pkts[i], const uint8_t *),
				       rte_pktmbuf_data_len(pkts[i]), rte_pktmbuf_pkt_len(pkts[i]),
				       &m);
			pkts[i]->hash.rss = pl_dist_hash(rte_pktmbuf_mtod(pkts[i], const uint8_t *),
							 &m) * 2654435761u;
			pkts[i]->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
		}
	}

	for (r = 0; r < rounds; r++) {
		uint64_t t[ST_MAX] = { 0 };
		struct pl_ctr_bank *b = wk->ctr->bank[0];
		struct pl_flow_ctrs fc = { .tcp = b->tcp, .flow = b->flow };
		uint64_t scans0 = b->v[PL_CTR_scans];

		if (new_flows && r > 0)
			renumber(pkts, n, r);
		for (i = 0; i < n; i += PL_LIVE_BURST) {
			uint16_t k = (uint16_t)RTE_MIN((unsigned int)PL_LIVE_BURST, n - i), j, got;
			struct rte_mbuf **bp = pkts + i, *tmp[PL_LIVE_BURST];
			struct pl_ctr_bank *rb = rx->ctr->bank[0];
			uint64_t t0, t1;

			/* packet time as net_pcap stamps it */
			for (j = 0; j < k; j++)
				*pl_meta_time(bp[j]) = ts[i + j] + r * span;
			t0 = rte_rdtsc_precise();
			pl_rx_burst(rx, port, bp, k, rb);
			t1 = rte_rdtsc_precise();
			t[ST_RX] += t1 - t0;
			got = (uint16_t)rte_ring_sc_dequeue_burst(ring, (void **)tmp, k, NULL);
			t0 = rte_rdtsc_precise();
			t[ST_RING] += t0 - t1;
			if (got != k) {
				fprintf(stderr, "pl-bench-worker: ring lost packets\n");
				return 1;
			}
			/* the worker frees what it analyses (monitor mode): into the sealed
			 * pool, which keeps them for the next round */
			t1 = rte_rdtsc_precise();
			pl_worker_burst(wk, tmp, k, b);
			t0 = rte_rdtsc_precise();
			t[ST_WORKER] += t0 - t1;
			/* the worker's parts alone, on the parsed packets */
			for (j = 0; j < k; j++) {
				const struct pl_meta *m = pl_meta(tmp[j]);

				if (m->kind == PL_KIND_IP && (m->flags & PL_F_L4))
					class_sink = pl_class_of(&pl_app.rt->classes, m->l4_proto,
								 m->sport, m->dport);
			}
			t1 = rte_rdtsc_precise();
			t[ST_CLASS] += t1 - t0;
			for (j = 0; j < k; j++) {
				const struct pl_meta *m = pl_meta(tmp[j]);
				struct pl_flow_event ev;
				struct pl_tuple key;

				if (m->kind != PL_KIND_IP || (m->flags & PL_F_FRAGMENT))
					continue;
				pl_dist_tuple(rte_pktmbuf_mtod(tmp[j], const uint8_t *), m, &key);
				pl_flow_update(ft, &key, pl_dist_hash_tuple(&key), m,
					       rte_pktmbuf_pkt_len(tmp[j]), *pl_meta_time(tmp[j]),
					       &fc, &ev);
			}
			t0 = rte_rdtsc_precise();
			t[ST_FLOW] += t0 - t1;
		}
		if (r == 0)
			continue; /* warm-up */
		for (i = 0; i < ST_MAX; i++)
			cyc[i] += t[i];
		counted += n;
		scans += b->v[PL_CTR_scans] - scans0;
	}
	if (json) {
		printf("{\"packets\": %u, \"rounds\": %u, \"tsc_hz\": %" PRIu64 ", \"scan\": %s, "
		       "\"nic_hash\": %s, \"cycles_per_packet\": {", n, rounds - 1,
		       rte_get_tsc_hz(), pl_app.rt->sigs ? "true" : "false",
		       nic_hash ? "true" : "false");
		for (i = 0; i < ST_MAX; i++)
			printf("%s\"%s\": %.1f", i ? ", " : "", stage_name[i],
			       (double)cyc[i] / counted);
		printf("}, \"scanned_share\": %.4f}\n", (double)scans / counted);
	} else {
		printf("%u packets x %u rounds, TSC %.2f GHz, scanning %s\n", n, rounds - 1,
		       rte_get_tsc_hz() / 1e9, pl_app.rt->sigs ? "on" : "off");
		for (i = 0; i < ST_MAX; i++)
			printf("  %-10s %8.1f cycles/packet  %s\n", stage_name[i],
			       (double)cyc[i] / counted, stage_help[i]);
		printf("  payload scans: %.2f %% of the packets\n", 100.0 * scans / counted);
		printf("  RX lcore past the PMD: %.1f (%s hash), worker: %.1f cycles/packet\n",
		       (double)cyc[ST_RX] / counted, nic_hash ? "NIC" : "software",
		       (double)cyc[ST_WORKER] / counted);
	}
	return 0;
}
