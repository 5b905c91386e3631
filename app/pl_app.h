/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The portlens program: its options, its lcores and their per-lcore state. The packet path
 * reads in file order: ports.c (port setup), rx.c (RX loop), worker.c (worker loop),
 * stats.c (the stats role on the main lcore), main.c (start-up and shutdown).
 */
#ifndef PL_APP_H
#define PL_APP_H

#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <rte_meter.h>

#include "pl_bins.h"
#include "pl_classify.h"
#include "pl_config.h"
#include "pl_counters.h"
#include "pl_direction.h"
#include "pl_flow.h"
#include "pl_policy.h"
#include "pl_snapshot.h"

/* The most packets one burst holds: offline, for an input of at least PL_OFFLINE_BIG_INPUT
 * bytes, what the RX lcore reads from its capture at a time and a worker takes from its
 * ring (docs/benchmarking.md, "Offline bursts of 64 and 128"). */
#define PL_BURST 128
/* Offline bursts for a smaller input. */
#define PL_OFFLINE_BURST 64
/* Live: what an RX lcore asks of a port at a time, a worker of its ring, and a TX buffer
 * holds before it is sent (DPDK's usual burst). */
#define PL_LIVE_BURST 32

/* Offline: each (RX, worker) ring's default size, larger for an input of at least
 * PL_OFFLINE_BIG_INPUT bytes (pl_offline_sizes()), and the mempool cache of each lcore. */
#define PL_OFFLINE_RING 512
#define PL_OFFLINE_RING_BIG 1024
#define PL_OFFLINE_BIG_INPUT (512ULL << 20)
#define PL_OFFLINE_POOL_CACHE 128
#define PL_MAX_RX 16          /* RX lcores */
#define PL_MAX_RXQ_PER_LCORE 16
#define PL_MAX_NETS PL_DIRECTION_MAX_NETS

/* Logging: one log type for the program. */
extern int pl_logtype;
#define PL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pl_logtype, "portlens: " fmt "\n", ##__VA_ARGS__)

/* What the user asked for (options.c). */
#define PL_MAX_PCAP_ARGS 256

struct pl_options {
	const char *pcap;          /* offline mode: the first capture argument */
	const char *pcaps[PL_MAX_PCAP_ARGS]; /* every capture argument: files, folders, patterns */
	unsigned int nb_pcaps;
	int progress;              /* --progress 1, --no-progress 0, -1: when stderr is a tty */
	int timings;               /* --timings: where the time went, on stderr at exit */
	const char *config;        /* --config FILE (default: pl_runtime_default_config()) */
	int print_config;          /* --print-config: write the configuration, exit */
	int allow_truncated;       /* --allow-truncated: analyse what a cut capture holds */
	unsigned int nb_workers;   /* 0 = derive from the lcores */
	unsigned int nb_rx;        /* 0 = derive */
	char rx_lcores[256];       /* explicit lcore lists, "" = derive */
	char worker_lcores[256];
	struct pl_cidr nets[PL_MAX_NETS];
	unsigned int nb_nets;      /* 0 = defaults */
	const char *bins;
	uint64_t ival_ns;
	unsigned int tick_ms;
	const char *json;
	const char *json_lines;
	double json_interval;      /* seconds, 0 = every tick */
	const char *report;        /* --report FILE.md: the report from the final snapshot */
	int inline_mode;
	int peer[RTE_MAX_ETHPORTS]; /* inline: output port per input port, -1 none */
	double duration;           /* seconds, 0 = until stopped (or end of capture) */
	int quiet;
	int summary;               /* print the summary at exit */
	const char *profile;       /* a profile file for every port */
	unsigned int ring_size;
	int ring_size_set;         /* --ring-size given (offline default differs) */
	unsigned int mbufs;        /* 0 = computed */
	unsigned int mem_mb;       /* offline mode: EAL memory */
	int malformed_drop;        /* inline: drop malformed frames (else forward) */
	int no_decap;              /* --no-decap: tunnels analysed by their outer headers */
	int rx_assist;             /* --rx-assist: -1 auto, 0 off, 1 on (offline) */
	int capture_io;            /* --capture-io: -1 auto (measured), 0 map, 1 read() */
	int idle_yield;            /* idle lcores yield the CPU (default in offline mode) */
	const char *http;          /* --http ADDR:PORT, NULL = no HTTP server */
	const char *http_token;    /* --http-token FILE: bearer token required */
	const char *ipfix;         /* --ipfix HOST:PORT, NULL = no flow export */
	/* IPFIX: -1 / PL_OPT_UNSET when not given (the configuration's ipfix.* keys then) */
	double ipfix_active;       /* --ipfix-active SEC: active timeout */
	unsigned int ipfix_domain; /* --ipfix-domain N: observation domain */
	unsigned int ipfix_mode;   /* --ipfix-mode: enum pl_ipfix_mode */
	unsigned int ipfix_rate;   /* --ipfix-rate N: records/s, 0 = unpaced */
	unsigned int ipfix_template_refresh; /* --ipfix-template-refresh SEC */
	double linger;             /* --linger SEC: serve the final snapshot that long */
	int interactive;           /* -i: the console */
	const char *cmdline_file;  /* --cmdline-file FILE: console script run first */
};

/* A port profile from drivers-config (ports.c). */
struct pl_profile {
	char path[256];
	char driver[64];
	unsigned int rx_queues, rx_desc, tx_queues, tx_desc;
	int rss;
	uint64_t rss_hf;
	int hash_func;             /* enum rte_eth_hash_function */
	uint8_t key[64];
	unsigned int key_len;
	int symmetric;
	uint64_t rx_offloads, tx_offloads;
	unsigned int mtu;
	int promisc;
	int pool_stack;      /* [pool] stack: the PMD takes mbufs from a LIFO stack pool */
};

/* One RX queue an RX lcore polls. */
struct pl_rxq {
	uint16_t port;
	uint16_t queue;
};

/* Per-port state. */
struct pl_port {
	uint16_t id;
	int socket;
	uint16_t nb_rxq, nb_txq;
	int use_nic_hash;          /* the NIC's RSS hash is symmetric: use it */
	int hw_time;               /* mbufs carry capture timestamps */
	uint32_t ts_scale;         /* ... in units of this many ns */
	int demote;                /* this lcore wrote the frames: hand their lines to L3 */
	struct pl_profile prof;
	char name[64];
	int stopped;               /* console `port stop`: RX lcores skip the port */
	int started;               /* started at set-up (pl_ports_stop() stops only these) */
};

/* Pending transmissions of one lcore toward one port. */
struct pl_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[PL_LIVE_BURST];
};

/* An RX lcore's state; written by its owner only. */
struct pl_rx_ctx {
	unsigned int lcore, index;
	unsigned int nb_q;
	struct pl_rxq q[PL_MAX_RXQ_PER_LCORE];
	struct rte_ring *ring[PL_MAX_WORKERS];
	struct pl_lcore_ctr *ctr;
	uint64_t last_time[PL_DIR_MAX];     /* inter-arrival state, per direction */
	uint64_t last_ns;                   /* newest packet time (read by workers at the end) */
	struct pl_ival_cache ival;          /* interval of the last dropped frame counted */
	int behind;                         /* a ring was over half full at the last burst */
	volatile int done;
} __rte_cache_aligned;

/*
 * Everything the packet path derives from the configuration, reached through one pointer
 * (pl_app.rt) that workers load once per burst, so a new configuration is switched to
 * between two bursts. Immutable once published.
 */
struct pl_runtime {
	struct pl_config cfg;
	struct pl_class_table classes;
	struct pl_sigs *sigs;                 /* NULL when scanning is off */
	void *scratch[PL_MAX_WORKERS];        /* one Hyperscan scratch per worker */
	struct pl_sigs_streams *streams[PL_MAX_WORKERS];   /* scan streams per worker */
	uint32_t cleartext;                   /* pl_app_cleartext_mask() */
	struct rte_meter_trtcm_profile qos[PL_MAX_CLASSES];
	double conn_rate, conn_burst;         /* per worker: the limits divided by workers */
	double pkt_rate, pkt_burst;
	uint64_t gen;                         /* bumped per configuration */
};

/* A worker's state; written by its owner only. */
struct pl_worker_ctx {
	unsigned int lcore, index;
	unsigned int nb_rings;
	struct rte_ring *ring[PL_MAX_RX];
	struct pl_lcore_ctr *ctr;
	uint16_t txq;
	struct pl_txbuf tx[RTE_MAX_ETHPORTS];
	struct pl_flow_table *flows;
	struct pl_sources *sources;
	struct pl_sigs_streams *streams;      /* the runtime's pool for this worker (this burst) */
	struct pl_meter meter[PL_MAX_CLASSES]; /* QoS meters, one per class (no divisions) */
	uint64_t meter_gen;                   /* runtime generation the meters were set for */
	uint64_t now_ns;                      /* newest packet time seen */
	/* inter-arrival state of the packets whose direction this worker looked up (NIC hash) */
	uint64_t last_time[PL_DIR_MAX];
	struct pl_ival_cache ival;            /* the interval of the last frame counted */
	/* that interval's slot in the bank in use (NULL: none), valid while the counter block
	 * has honoured flip request ival_ack: a flip leaves the bank to be drained */
	struct pl_ival *ival_slot;
	uint32_t ival_ack;
	volatile uint32_t stall_ms;           /* fault injection: stop polling this long */
	volatile int done;
	/* the mbufs its ring holds after the burst being worked on, whose lines are asked for
	 * while it is (pl_worker_loop()), and how many */
	struct rte_mbuf *next[PL_BURST];
	uint16_t nb_next;
	/* heap bytes this worker took: in all, counter banks, flow table, source table */
	size_t mem_total, mem_ctr, mem_flows, mem_sources;
} __rte_cache_aligned;

struct pl_ipfix;
struct pl_capture;

/* An unsigned option not given on the command line. */
#define PL_OPT_UNSET UINT_MAX

/* The program. */
struct pl_app {
	struct pl_options opt;
	volatile int force_quit;   /* signal: stop */
	volatile int reload;       /* SIGHUP: reload --config */
	volatile int rx_stop;      /* RX lcores: stop receiving */
	int wake_fd;               /* eventfd the stats role sleeps on between ticks: a worker
				    * has returned, a signal or the console asks it to stop or
				    * reload (pl_stats_wake()); -1 if none */
	int offline;
	unsigned int burst;        /* packets a burst: PL_LIVE_BURST live, offline by the input */
	struct pl_capture *cap;    /* offline mode: the capture the RX lcore reads (offline.c) */
	uint16_t nb_ports;
	struct pl_port port[RTE_MAX_ETHPORTS];
	struct rte_mempool *pool;
	unsigned int nb_rx, nb_workers;
	unsigned int rx_lcore[PL_MAX_RX], worker_lcore[PL_MAX_WORKERS];
	struct pl_rx_ctx *rx[PL_MAX_RX];
	struct pl_worker_ctx *wk[PL_MAX_WORKERS];
	struct pl_direction *dir;  /* the local networks in force */
	struct pl_runtime *rt;     /* the configuration in force (packet path) */
	struct pl_ipfix *ipfix;    /* flow export, NULL when off */
	unsigned int ipfix_mode;   /* its record layout (enum pl_ipfix_mode) */
	struct pl_bins *bins;
	struct pl_collector col;
	struct pl_publisher pub;
	uint64_t tsc_hz, tsc_base, wall_base_ns;
	FILE *json_lines;          /* --json-lines stream, opened before the lcores start */
	struct pl_http *http;      /* --http server (lib/http), NULL when off */
	struct rte_rcu_qsbr *rcu;  /* RX and worker lcores report quiescence (reconfig.c) */
	volatile int paused;       /* console `stop`: workers pass packets on unanalysed */
};

extern struct pl_app pl_app;

/* options.c */
int pl_options_parse(int argc, char **argv, struct pl_options *o);
void pl_options_usage(FILE *f);
int pl_offline_eal_args(const struct pl_options *o, unsigned int flow_capacity,
			unsigned int dir_mb, char **eal, int max);
/* The CPUs of portlens's affinity that no offline lcore is placed on (@p spare); how many. */
unsigned int pl_offline_spare_cpus(const struct pl_options *o, cpu_set_t *spare);

/* offline.c: the capture source of offline mode */
int pl_offline_open_start(struct pl_app *app);
int pl_offline_open_wait(struct pl_app *app);
void pl_offline_sizes(struct pl_app *app);
int pl_offline_rx_loop(void *arg);
void pl_offline_progress_start(struct pl_app *app);
void pl_offline_progress_stop(struct pl_app *app, int ok);
int pl_offline_failed(const struct pl_app *app);
unsigned int pl_offline_hw(struct pl_app *app, struct pl_port_hw *hw, unsigned int max);
void pl_offline_inputs(struct pl_app *app);
/* After the run: the notice of a file cut short that --allow-truncated let through, when
 * the reader found the cut (once). */
void pl_offline_notice(struct pl_app *app);
/* TSC cycles the RX lcore spent in the capture reader (filling mbufs), for --timings. */
uint64_t pl_offline_read_cycles(void);
/* How plain files were read and what the measurement found, for --timings' run line
 * (", plain files read(): a KiB mapped 1509 cycles, read() 372" and the like). */
void pl_offline_io_note(const struct pl_app *app, char *buf, size_t len);
void pl_offline_close(struct pl_app *app);

/* ports.c */
int pl_profile_load(const char *path, struct pl_profile *p, char *err, size_t errlen);
/* Offline: start building the mbuf pool on a thread of its own, on the RX lcore's CPU (idle
 * until launch), so its page faults overlap main's set-up; pl_ports_init() takes it. */
void pl_ports_prepare(struct pl_app *app);
/* Wait for the pool pl_ports_prepare() started: 0 built, negative failed (its line
 * printed), 1 none started. */
int pl_ports_prepared(void);
int pl_ports_init(struct pl_app *app);
void pl_ports_stop(struct pl_app *app);
unsigned int pl_ports_hw(struct pl_app *app, struct pl_port_hw *hw, unsigned int max);

/* runtime.c */
/* Read the configuration, and compile its signatures on a thread (no EAL needed), for
 * pl_runtime_load() to take: call it before rte_eal_init() so the compile overlaps it. */
void pl_runtime_prepare(const struct pl_options *o);
/* flows.capacity of the configuration pl_runtime_prepare() read (the default if it could
 * not be read: the error comes from pl_runtime_load()). */
unsigned int pl_runtime_flow_capacity(void);
/* The memory of the direction table of the local networks in force (the command line's,
 * else the configuration's pl_runtime_prepare() read, else the defaults), in MiB:
 * pl_direction_mem_mb(). */
unsigned int pl_runtime_direction_mem_mb(const struct pl_options *o);
int pl_runtime_load(struct pl_app *app);
/* The configuration file used without --config: /etc/portlens/portlens.yaml when installed,
 * else the source tree's lib/config/portlens.yaml; NULL when neither exists. */
const char *pl_runtime_default_config(void);
/* --print-config: the configuration portlens would run with (file, then --local-net and
 * --bins), as YAML on stdout; 0, or -1 with why on stderr. */
int pl_runtime_print_config(const struct pl_options *o);
struct pl_runtime *pl_runtime_build(struct pl_app *app, const struct pl_config *cfg, char *err,
				    size_t errlen);
void pl_runtime_free(struct pl_runtime *rt, unsigned int nb_workers);
void pl_runtime_labels(const struct pl_runtime *rt, struct pl_labels *l);

/* reconfig.c: live configuration (RCU) */
struct rte_rcu_qsbr;
int pl_reconfig_init(struct pl_app *app);
int pl_config_apply(struct pl_app *app, const struct pl_config *cfg, char *err, size_t errlen);
void pl_config_reload(struct pl_app *app);
void pl_reconfig_labels(struct pl_app *app);
void pl_reconfig_fini(struct pl_app *app);

/* topflows.c: a worker serves a pending `show flows top` request between two bursts */
extern uint32_t pl_topflows_req;
extern uint32_t pl_topflows_ack[PL_MAX_WORKERS];
void pl_topflows_serve(struct pl_worker_ctx *wk);

/* flowexport.c: IPFIX export of the flows workers end (control plane) */
struct pl_flow_rec;
int pl_flowexp_open(struct pl_app *app);
void pl_flowexp_sink(void *ctx, const struct pl_flow_rec *recs, uint32_t n);
void pl_flowexp_final(struct pl_app *app);
void pl_flowexp_poll(struct pl_app *app); /* send what the pacing allows now */
uint64_t pl_flowexp_active_ns(const struct pl_app *app); /* the active timeout in force */
void pl_flowexp_close(struct pl_app *app);

/* rx.c, worker.c, stats.c */
int pl_rx_loop(void *arg);
/* One received burst on an RX lcore (from a port, or from a capture in offline.c): time,
 * worker choice, direction and inter-arrival times where the headers were read, enqueue
 * (also driven directly by tools/bench). */
void pl_rx_burst(struct pl_rx_ctx *rx, const struct pl_port *pp, struct rte_mbuf **pkts,
		 uint16_t n, struct pl_ctr_bank *b);
int pl_worker_loop(void *arg);
void pl_worker_burst(struct pl_worker_ctx *wk, struct rte_mbuf **pkts, uint16_t n,
		     struct pl_ctr_bank *b);
int pl_stats_loop(struct pl_app *app);
struct pl_snapshot *pl_stats_final(struct pl_app *app);

/* Wake the stats role now (a write(): async-signal-safe): a worker returned, or a stop or
 * a reload was asked for. */
static inline void
pl_stats_wake(void)
{
	int fd = pl_app.wake_fd;

	if (fd >= 0)
		eventfd_write(fd, 1);
}

/* tsc.c (static builds): the TSC frequency in Hz, rounded to 10 MHz, measured over a sleep
 * of @p nap_ns; 0 when the clocks could not be read close enough together to bound its
 * error to 1 MHz. */
uint64_t pl_tsc_hz_measure(uint64_t nap_ns);

/* cpulist.c: parse a list of CPUs or lcores ("0-3,8"), which ends at the string's end or at
 * @p stop, every number below @p max, into @p set (NULL: check only). 0; -1 where a number
 * is missing or too large or something other than a comma follows one; -2 for a range
 * whose end is missing, below its start or too large. */
int pl_cpulist_parse(const char *s, char stop, unsigned long max, cpu_set_t *set);

/* Packet time for a burst received now, in ns since the epoch, from the TSC. */
static inline uint64_t
pl_now_ns(const struct pl_app *app)
{
	uint64_t d = rte_rdtsc() - app->tsc_base;

	return app->wall_base_ns + (uint64_t)((double)d * 1e9 / (double)app->tsc_hz);
}

/*
 * Yield the CPU until every worker lcore has returned from what it was launched with. The
 * EAL's waits (rte_eal_wait_lcore(), rte_eal_mp_wait_lcore()) spin, and a lcore that shares
 * this thread's CPU (a worker beside the main lcore on a small machine) needs that CPU to
 * return: the spin would hold it until the scheduler preempts this thread (milliseconds).
 * Call before the EAL's wait, which then finds every lcore back.
 */
static inline void
pl_lcores_yield_until_back(void)
{
	unsigned int lc;

	RTE_LCORE_FOREACH_WORKER(lc)
		while (rte_eal_get_lcore_state(lc) == RUNNING)
			sched_yield();
}

/* Send what is buffered toward a port; frames the queue refuses are freed and counted. */
static inline void
pl_tx_flush(struct pl_txbuf *tb, uint16_t port, uint16_t txq, struct pl_ctr_bank *b)
{
	uint16_t sent;

	if (tb->n == 0)
		return;
	sent = rte_eth_tx_burst(port, txq, tb->pkts, tb->n);
	b->v[PL_CTR_forwarded] += sent;
	b->v[PL_CTR_processed] += sent;
	if (unlikely(sent < tb->n)) {
		b->drop[PL_DROP_tx_full] += tb->n - sent;
		rte_pktmbuf_free_bulk(tb->pkts + sent, tb->n - sent);
	}
	tb->n = 0;
}

/* Queue a frame toward a port, sending a full burst. */
static inline void
pl_tx_one(struct pl_txbuf *tb, struct rte_mbuf *m, uint16_t port, uint16_t txq,
	  struct pl_ctr_bank *b)
{
	tb->pkts[tb->n++] = m;
	if (tb->n == PL_LIVE_BURST)
		pl_tx_flush(tb, port, txq, b);
}

#endif /* PL_APP_H */
