/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port setup: port profiles (drivers-config/profiles/<driver>.ini, read with rte_cfgfile),
 * the mbuf pool, queues, RSS and offloads. A profile error names the file, the line and the
 * problem; unknown sections and keys are errors.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_flow.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mbuf_dyn.h>
#include <rte_version.h>

#include "pl_app.h"

/* DPDK 22.11's net_pcap stamps mbufs in microseconds since the epoch (tv_sec * 10^6 +
 * tv_usec, with libpcap's default microsecond precision); packet time is in ns. */
#if RTE_VERSION < RTE_VERSION_NUM(23, 0, 0, 0)
#define PL_PCAP_TS_SCALE 1000
#else
#define PL_PCAP_TS_SCALE 1
#endif

/* Line of "key" in "[section]" of a file (or of the section itself if key is NULL), 0 if
 * not found: rte_cfgfile keeps no line numbers, so errors look them up here. */
static int
line_of(const char *path, const char *section, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0, in = 0, found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		n++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			char *e = strchr(p, ']');

			in = e && (size_t)(e - p - 1) == strlen(section) &&
			     strncmp(p + 1, section, strlen(section)) == 0;
			if (in && key == NULL) {
				found = n;
				break;
			}
			continue;
		}
		if (in && key && strncmp(p, key, strlen(key)) == 0 &&
		    (isspace((unsigned char)p[strlen(key)]) || p[strlen(key)] == '=')) {
			found = n;
			break;
		}
	}
	fclose(f);
	return found;
}

#define PERR(sec, key, ...) do { \
	int _l = line_of(path, sec, key); \
	int _o = snprintf(err, errlen, "%s:%d: [%s]%s%s: ", path, _l, sec, key ? " " : "", \
			  key ? key : ""); \
	if (_o > 0 && (size_t)_o < errlen) \
		snprintf(err + _o, errlen - _o, __VA_ARGS__); \
	return -EINVAL; \
} while (0)

struct name_bit {
	const char *name;
	uint64_t bit;
};

static const struct name_bit rss_names[] = {
	{ "ipv4", RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_OTHER },
	{ "ipv6", RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_OTHER | RTE_ETH_RSS_IPV6_EX },
	{ "tcp", RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP |
		 RTE_ETH_RSS_IPV6_TCP_EX },
	{ "udp", RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_UDP |
		 RTE_ETH_RSS_IPV6_UDP_EX },
	{ "sctp", RTE_ETH_RSS_NONFRAG_IPV4_SCTP | RTE_ETH_RSS_NONFRAG_IPV6_SCTP },
	{ "frag", RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_FRAG_IPV6 },
	{ "l2", RTE_ETH_RSS_L2_PAYLOAD },
	{ NULL, 0 },
};

static const struct name_bit rx_offload_names[] = {
	{ "vlan_strip", RTE_ETH_RX_OFFLOAD_VLAN_STRIP },
	{ "ipv4_cksum", RTE_ETH_RX_OFFLOAD_IPV4_CKSUM },
	{ "udp_cksum", RTE_ETH_RX_OFFLOAD_UDP_CKSUM },
	{ "tcp_cksum", RTE_ETH_RX_OFFLOAD_TCP_CKSUM },
	{ "tcp_lro", RTE_ETH_RX_OFFLOAD_TCP_LRO },
	{ "qinq_strip", RTE_ETH_RX_OFFLOAD_QINQ_STRIP },
	{ "outer_ipv4_cksum", RTE_ETH_RX_OFFLOAD_OUTER_IPV4_CKSUM },
	{ "vlan_filter", RTE_ETH_RX_OFFLOAD_VLAN_FILTER },
	{ "vlan_extend", RTE_ETH_RX_OFFLOAD_VLAN_EXTEND },
	{ "scatter", RTE_ETH_RX_OFFLOAD_SCATTER },
	{ "timestamp", RTE_ETH_RX_OFFLOAD_TIMESTAMP },
	{ "security", RTE_ETH_RX_OFFLOAD_SECURITY },
	{ "keep_crc", RTE_ETH_RX_OFFLOAD_KEEP_CRC },
	{ "sctp_cksum", RTE_ETH_RX_OFFLOAD_SCTP_CKSUM },
	{ "outer_udp_cksum", RTE_ETH_RX_OFFLOAD_OUTER_UDP_CKSUM },
	{ "rss_hash", RTE_ETH_RX_OFFLOAD_RSS_HASH },
	{ "buffer_split", RTE_ETH_RX_OFFLOAD_BUFFER_SPLIT },
	{ NULL, 0 },
};

static const struct name_bit tx_offload_names[] = {
	{ "vlan_insert", RTE_ETH_TX_OFFLOAD_VLAN_INSERT },
	{ "ipv4_cksum", RTE_ETH_TX_OFFLOAD_IPV4_CKSUM },
	{ "udp_cksum", RTE_ETH_TX_OFFLOAD_UDP_CKSUM },
	{ "tcp_cksum", RTE_ETH_TX_OFFLOAD_TCP_CKSUM },
	{ "tcp_tso", RTE_ETH_TX_OFFLOAD_TCP_TSO },
	{ "multi_segs", RTE_ETH_TX_OFFLOAD_MULTI_SEGS },
	{ "mbuf_fast_free", RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE },
	{ NULL, 0 },
};

/* Parse "a,b,c" against a name table; on an unknown name, return it in bad. */
static int
parse_names(const char *s, const struct name_bit *tab, uint64_t *out, char *bad, size_t blen)
{
	char buf[512], *tok, *save;

	*out = 0;
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		const struct name_bit *nb;

		for (nb = tab; nb->name; nb++)
			if (strcmp(nb->name, tok) == 0)
				break;
		if (nb->name == NULL) {
			snprintf(bad, blen, "%s", tok);
			return -EINVAL;
		}
		*out |= nb->bit;
	}
	return 0;
}

static int
parse_yes(const char *s, int *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "0"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static int
parse_u(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static const char *
nonempty(const char *v)
{
	return v && *v ? v : NULL;
}

/* The keys each section may hold. */
static const char *const known[][8] = {
	{ "profile", "driver", "description", NULL },
	{ "rx", "queues", "descriptors", NULL },
	{ "tx", "queues", "descriptors", NULL },
	{ "rss", "enabled", "functions", "hash_function", "key", "symmetric", NULL },
	{ "offloads", "rx", "tx", NULL },
	{ "link", "mtu", "promiscuous", NULL },
	{ "pool", "stack", NULL },
};

static int
check_known(struct rte_cfgfile *cf, const char *path, char *err, size_t errlen)
{
	int ns = rte_cfgfile_num_sections(cf, NULL, 0), s;
	char (*names)[CFG_NAME_LEN];

	if (ns <= 0) {
		snprintf(err, errlen, "%s: no sections (expected [profile], [rx], ...)", path);
		return -EINVAL;
	}
	names = calloc(ns, sizeof(*names));
	if (names == NULL)
		return -ENOMEM;
	{
		char *ptrs[64];
		int i;

		for (i = 0; i < ns && i < 64; i++)
			ptrs[i] = names[i];
		rte_cfgfile_sections(cf, ptrs, RTE_MIN(ns, 64));
	}
	for (s = 0; s < ns; s++) {
		struct rte_cfgfile_entry ent[32];
		size_t k;
		int ne, e;

		for (k = 0; k < RTE_DIM(known); k++)
			if (strcmp(known[k][0], names[s]) == 0)
				break;
		if (k == RTE_DIM(known)) {
			int l = line_of(path, names[s], NULL);

			snprintf(err, errlen, "%s:%d: unknown section [%s] (known: profile, rx, tx, "
				 "rss, offloads, link)", path, l, names[s]);
			free(names);
			return -EINVAL;
		}
		ne = rte_cfgfile_section_entries(cf, names[s], ent, RTE_DIM(ent));
		for (e = 0; e < ne; e++) {
			int j, ok = 0;

			for (j = 1; known[k][j]; j++)
				ok |= strcmp(known[k][j], ent[e].name) == 0;
			if (!ok) {
				int l = line_of(path, names[s], ent[e].name);

				snprintf(err, errlen, "%s:%d: [%s] unknown key '%s'", path, l,
					 names[s], ent[e].name);
				free(names);
				return -EINVAL;
			}
		}
	}
	free(names);
	return 0;
}

int
pl_profile_load(const char *path, struct pl_profile *p, char *err, size_t errlen)
{
	struct rte_cfgfile *cf;
	const char *v;
	char badname[64];
	int rc = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->rx_desc = p->tx_desc = 1024;
	p->hash_func = RTE_ETH_HASH_FUNCTION_DEFAULT;
	p->promisc = 1;
	p->pool_stack = 1;
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	cf = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (cf == NULL) {
		snprintf(err, errlen, "%s: not a valid INI file (sections [name], lines key = value)",
			 path);
		return -EINVAL;
	}
	rc = check_known(cf, path, err, errlen);
	if (rc)
		goto out;
	/* an empty value means the same as an absent key: the default */
#define GET(sec, key) nonempty(rte_cfgfile_get_entry(cf, sec, key))
	v = GET("profile", "driver");
	if (v == NULL || *v == '\0') {
		rte_cfgfile_close(cf);
		snprintf(err, errlen, "%s:%d: [profile] driver is missing", path,
			 line_of(path, "profile", NULL));
		return -EINVAL;
	}
	snprintf(p->driver, sizeof(p->driver), "%s", v);
	if ((v = GET("rx", "queues")) && parse_u(v, 1024, &p->rx_queues))
		goto bad_rxq;
	if ((v = GET("rx", "descriptors")) && (parse_u(v, 65536, &p->rx_desc) ||
					       p->rx_desc == 0))
		goto bad_rxd;
	if ((v = GET("tx", "queues")) && parse_u(v, 1024, &p->tx_queues))
		goto bad_txq;
	if ((v = GET("tx", "descriptors")) && (parse_u(v, 65536, &p->tx_desc) ||
					       p->tx_desc == 0))
		goto bad_txd;
	if ((v = GET("rss", "enabled")) && parse_yes(v, &p->rss))
		goto bad_rss;
	if ((v = GET("rss", "functions")) &&
	    parse_names(v, rss_names, &p->rss_hf, badname, sizeof(badname)))
		goto bad_rssf;
	if ((v = GET("rss", "hash_function"))) {
		if (!strcmp(v, "default"))
			p->hash_func = RTE_ETH_HASH_FUNCTION_DEFAULT;
		else if (!strcmp(v, "toeplitz"))
			p->hash_func = RTE_ETH_HASH_FUNCTION_TOEPLITZ;
		else if (!strcmp(v, "symmetric_toeplitz"))
			p->hash_func = RTE_ETH_HASH_FUNCTION_SYMMETRIC_TOEPLITZ;
		else if (!strcmp(v, "simple_xor"))
			p->hash_func = RTE_ETH_HASH_FUNCTION_SIMPLE_XOR;
		else
			goto bad_hf;
	}
	if ((v = GET("rss", "key")) && *v) {
		size_t i, n = strlen(v);

		if (n % 2 || n / 2 > sizeof(p->key))
			goto bad_key;
		for (i = 0; i < n; i += 2) {
			char h[3] = { v[i], v[i + 1], 0 }, *e;

			p->key[i / 2] = (uint8_t)strtoul(h, &e, 16);
			if (*e || !isxdigit((unsigned char)h[0]))
				goto bad_key;
		}
		p->key_len = n / 2;
	}
	if ((v = GET("rss", "symmetric")) && parse_yes(v, &p->symmetric))
		goto bad_sym;
	if ((v = GET("offloads", "rx")) &&
	    parse_names(v, rx_offload_names, &p->rx_offloads, badname, sizeof(badname)))
		goto bad_rxo;
	if ((v = GET("offloads", "tx")) &&
	    parse_names(v, tx_offload_names, &p->tx_offloads, badname, sizeof(badname)))
		goto bad_txo;
	if ((v = GET("link", "mtu")) && (parse_u(v, 65535, &p->mtu) || p->mtu < 68))
		goto bad_mtu;
	if ((v = GET("link", "promiscuous")) && parse_yes(v, &p->promisc))
		goto bad_promisc;
	if ((v = GET("pool", "stack")) && parse_yes(v, &p->pool_stack))
		goto bad_stack;
#undef GET
out:
	rte_cfgfile_close(cf);
	return rc;
	/* each error names the key and says what it expects */
bad_rxq: rte_cfgfile_close(cf); PERR("rx", "queues", "'%s': expected 0-1024", v);
bad_rxd: rte_cfgfile_close(cf); PERR("rx", "descriptors", "'%s': expected 1-65536", v);
bad_txq: rte_cfgfile_close(cf); PERR("tx", "queues", "'%s': expected 0-1024", v);
bad_txd: rte_cfgfile_close(cf); PERR("tx", "descriptors", "'%s': expected 1-65536", v);
bad_rss: rte_cfgfile_close(cf); PERR("rss", "enabled", "'%s': expected yes or no", v);
bad_rssf: rte_cfgfile_close(cf);
	PERR("rss", "functions", "unknown function '%s' (ipv4 ipv6 tcp udp sctp frag l2)",
	     badname);
bad_hf: rte_cfgfile_close(cf);
	PERR("rss", "hash_function",
	     "'%s': expected default, toeplitz, symmetric_toeplitz or simple_xor", v);
bad_key: rte_cfgfile_close(cf);
	PERR("rss", "key", "expected hex bytes (at most 64), e.g. 6d5a6d5a...");
bad_sym: rte_cfgfile_close(cf); PERR("rss", "symmetric", "'%s': expected yes or no", v);
bad_rxo: rte_cfgfile_close(cf); PERR("offloads", "rx", "unknown RX offload '%s'", badname);
bad_txo: rte_cfgfile_close(cf); PERR("offloads", "tx", "unknown TX offload '%s'", badname);
bad_mtu: rte_cfgfile_close(cf); PERR("link", "mtu", "'%s': expected 68-65535", v);
bad_promisc: rte_cfgfile_close(cf);
	PERR("link", "promiscuous", "'%s': expected yes or no", v);
bad_stack: rte_cfgfile_close(cf); PERR("pool", "stack", "'%s': expected yes or no", v);
}

/*
 * The folder of port profiles: -Dprofile_dir when built with one; else profiles/ beside the
 * configuration file, then in the installed data folder, then the source tree's
 * drivers-config/profiles (pl_config_find_data()).
 */
static void
profile_dir(const struct pl_app *app, char *dir, size_t len)
{
#ifdef PL_PROFILE_DIR
	snprintf(dir, len, "%s", PL_PROFILE_DIR);
#else
	const struct pl_runtime *rt = app->rt;

	(void)pl_config_find_data(rt && rt->cfg.path[0] ? rt->cfg.path : NULL, "profiles",
				  PL_SRC_DRIVERS_DIR, dir, len);
#endif
}

/* Pick and load the profile of a port: --profile, else <driver>.ini, else default.ini. */
static int
port_profile(struct pl_app *app, struct pl_port *pp, const char *driver)
{
	char path[PATH_MAX + 64], dir[PATH_MAX], err[512];
	int rc;

	if (app->opt.profile) {
		snprintf(path, sizeof(path), "%s", app->opt.profile);
	} else {
		profile_dir(app, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/%s.ini", dir, driver);
		if (access(path, R_OK) != 0)
			snprintf(path, sizeof(path), "%s/default.ini", dir);
	}
	if (access(path, R_OK) != 0 && !app->opt.profile) {
		/* no profile folder installed: built-in conservative defaults */
		memset(&pp->prof, 0, sizeof(pp->prof));
		snprintf(pp->prof.driver, sizeof(pp->prof.driver), "%s", driver);
		pp->prof.rx_desc = pp->prof.tx_desc = 1024;
		pp->prof.promisc = 1;
		PL_LOG(WARNING, "port %u (%s): no profile in %s, using built-in defaults",
		       pp->id, driver, dir);
		return 0;
	}
	rc = pl_profile_load(path, &pp->prof, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "portlens: port profile: %s\n", err);
		return rc;
	}
	return 0;
}

/*
 * The pool's handler. The RX lcore allocates the mbufs and a worker frees them: a pipeline,
 * where DPDK's default ring handler (FIFO) hands the RX lcore the mbuf freed longest ago, so
 * every mbuf of the pool passes through the caches in turn and the PMD writes each frame
 * into lines fetched from memory. The stack handler (LIFO) hands back the mbufs a worker
 * freed last, still in the caches: the pool's footprint is what is in flight, however big
 * the pool. Its lock is taken once per mempool-cache flush or refill (every 128 to 384
 * mbufs an lcore), not per packet; the lock-free lf_stack walks a linked list whose nodes
 * the other lcore wrote last, and cost the worker more than the stack saved the RX lcore
 * (docs/benchmarking.md, "The mbuf pool's handler"). Only in place of the default (@p stack:
 * every port's profile allows it, [pool] stack): the EAL's --mbuf-pool-ops-name, and a
 * platform whose NICs need their own hardware pool, keep theirs.
 */
static int
pool_set_ops(struct rte_mempool *mp, int stack)
{
	const char *best = rte_mbuf_best_mempool_ops(), *user = rte_mbuf_user_mempool_ops();
	int rc;

	if (stack && user == NULL && strcmp(best, "ring_mp_mc") == 0 &&
	    rte_mempool_set_ops_byname(mp, "stack", NULL) == 0)
		return 0;
	rc = rte_mempool_set_ops_byname(mp, best, NULL);
	if (rc < 0 && user != NULL) {
#ifdef PL_DPDK_STATIC
		fprintf(stderr, "portlens: --mbuf-pool-ops-name %s: no such mempool handler "
			"(built in: ring_mp_mc, stack, lf_stack)\n", user);
#else
		fprintf(stderr, "portlens: --mbuf-pool-ops-name %s: no such mempool handler "
			"among the drivers loaded (ring_mp_mc, stack, lf_stack with DPDK's "
			"mempool plugins)\n", user);
#endif
		return -ENOENT; /* said: pool_create() adds nothing */
	}
	return rc;
}

/*
 * The pool: what rte_pktmbuf_pool_create() builds, with pool_set_ops()'s handler. Offline
 * (@p offline), with no device to DMA into it, its mbufs need not each sit in one
 * IOVA-contiguous run. Without the flag, a pool on 4 KiB pages (offline runs without
 * hugepages) holds one 2.3 KiB mbuf a page, and each page costs a fault at start; packed,
 * the pool takes 40 % fewer pages.
 */
static struct rte_mempool *
pool_build(unsigned int n, unsigned int cache, int socket, int offline, int stack)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
	};
	const uint32_t elt = sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE;
	const uint32_t flags = offline ? RTE_MEMPOOL_F_NO_IOVA_CONTIG : 0;
	struct rte_malloc_socket_stats st;
	struct rte_mempool *mp;
	int rc;

	/* offline the EAL's memory (--mem) is all there is: a pool that cannot fit in what is
	 * free fails here, before it takes the free blocks one by one and gives them back
	 * (main builds the tables meanwhile, which would then find none) */
	if (offline && rte_malloc_get_socket_stats(socket, &st) == 0 &&
	    (uint64_t)n * rte_mempool_calc_obj_size(elt, flags, NULL) > st.heap_freesz_bytes) {
		rte_errno = ENOMEM;
		return NULL;
	}
	mp = rte_mempool_create_empty("pl_mbufs", n, elt, cache, sizeof(priv), socket, flags);
	if (mp == NULL)
		return NULL;
	rc = pool_set_ops(mp, stack);
	if (rc == 0) {
		rte_pktmbuf_pool_init(mp, &priv);
		rc = rte_mempool_populate_default(mp);
	}
	if (rc < 0) {
		rte_mempool_free(mp);
		rte_errno = -rc;
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

static int
pool_create(struct pl_app *app, unsigned int need, unsigned int cache)
{
	unsigned int n = app->opt.mbufs ? app->opt.mbufs : need;
	/* the ports' socket: their PMDs write every mbuf (the first port's when they differ;
	 * check_numa() in main.c says so); offline the RX lcore's, which fills them */
	int socket = app->nb_ports ? app->port[0].socket :
		     (int)rte_lcore_to_socket_id(app->rx_lcore[0]);
	int stack = 1;
	uint16_t p;

	for (p = 1; p < app->nb_ports; p++)
		if (app->port[p].socket != socket)
			PL_LOG(WARNING, "port %u is on socket %d, the mbuf pool on socket %d (port 0's)",
			       p, app->port[p].socket, socket);
	for (p = 0; p < app->nb_ports; p++)
		if (!app->port[p].prof.pool_stack) {
			if (stack)
				PL_LOG(INFO, "mempool: port %u's profile says [pool] stack = no (%s)",
				       p, app->port[p].prof.path);
			stack = 0;
		}

	if (socket == SOCKET_ID_ANY)
		socket = 0;
	app->pool = pool_build(n, cache, socket, app->offline, stack);
	if (app->pool == NULL && rte_errno == ENOENT)
		return -EINVAL; /* the handler named does not exist: pool_set_ops() said so */
	if (app->pool == NULL) {
		fprintf(stderr, "portlens: cannot create a pool of %u mbufs: %s%s\n", n,
			rte_strerror(rte_errno), app->offline ? " (try --mem)" :
			" (reserve more hugepages or lower --mbufs)");
		return -ENOMEM;
	}
	PL_LOG(INFO, "mempool: %u mbufs on socket %d, handler %s", n, socket,
	       rte_mempool_get_ops(app->pool->ops_index)->name);
	return 0;
}

/* RX queues each port gets: one per RX lcore that polls it, spread round robin. */
static unsigned int
rxq_count(struct pl_app *app, uint16_t port)
{
	unsigned int i, q, n = 0;

	for (i = 0; i < app->nb_rx; i++)
		for (q = 0; q < app->rx[i]->nb_q; q++)
			n += app->rx[i]->q[q].port == port;
	return n;
}

/* Spread (port, queue) pairs over RX lcores: each port gets as many queues as its profile
 * and device allow, up to the number of RX lcores, and every RX lcore gets work. */
static int
assign_queues(struct pl_app *app, const struct rte_eth_dev_info *infos)
{
	unsigned int p, q, next = 0;

	for (p = 0; p < app->nb_ports; p++) {
		unsigned int max = infos[p].max_rx_queues, want;

		want = app->port[p].prof.rx_queues ? app->port[p].prof.rx_queues : app->nb_rx;
		if (!app->port[p].prof.rss)
			want = 1;
		want = RTE_MIN(RTE_MIN(want, max), app->nb_rx);
		if (want == 0)
			want = 1;
		for (q = 0; q < want; q++) {
			struct pl_rx_ctx *rx = app->rx[next % app->nb_rx];

			if (rx->nb_q >= PL_MAX_RXQ_PER_LCORE) {
				fprintf(stderr, "portlens: too many RX queues for one lcore\n");
				return -E2BIG;
			}
			rx->q[rx->nb_q].port = (uint16_t)p;
			rx->q[rx->nb_q].queue = (uint16_t)q;
			rx->nb_q++;
			next++;
		}
	}
	return 0;
}

/* Ask the NIC for symmetric Toeplitz through rte_flow (22.11 has no ethdev knob for it). */
static int
flow_symmetric_rss(struct pl_port *pp, uint16_t nb_rxq)
{
	uint16_t queues[RTE_MAX_QUEUES_PER_PORT];
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item pattern[] = { { .type = RTE_FLOW_ITEM_TYPE_END } };
	struct rte_flow_action_rss rss = {
		.func = RTE_ETH_HASH_FUNCTION_SYMMETRIC_TOEPLITZ,
		.types = pp->prof.rss_hf,
		.queue_num = nb_rxq,
		.queue = queues,
		.key_len = pp->prof.key_len,
		.key = pp->prof.key_len ? pp->prof.key : NULL,
	};
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error ferr;
	uint16_t i;

	for (i = 0; i < nb_rxq; i++)
		queues[i] = i;
	if (rte_flow_create(pp->id, &attr, pattern, actions, &ferr) == NULL) {
		PL_LOG(WARNING, "port %u: symmetric Toeplitz via rte_flow refused (%s): using the "
		       "software hash", pp->id, ferr.message ? ferr.message : "no reason");
		return -1;
	}
	return 0;
}

static int
port_setup(struct pl_app *app, struct pl_port *pp, const struct rte_eth_dev_info *info,
	   uint16_t nb_txq)
{
	struct rte_eth_conf conf;
	struct rte_eth_rxconf rxc = info->default_rxconf;
	struct rte_eth_txconf txc = info->default_txconf;
	uint16_t nb_rxd = pp->prof.rx_desc, nb_txd = pp->prof.tx_desc, q;
	uint64_t rxo = pp->prof.rx_offloads & info->rx_offload_capa;
	uint64_t txo = pp->prof.tx_offloads & info->tx_offload_capa;
	int rc, want_rss;

	memset(&conf, 0, sizeof(conf));
	if (rxo != pp->prof.rx_offloads && (pp->prof.rx_offloads & ~rxo))
		PL_LOG(NOTICE, "port %u: RX offloads 0x%" PRIx64 " not supported, not used",
		       pp->id, pp->prof.rx_offloads & ~rxo);
	want_rss = pp->prof.rss && pp->nb_rxq > 1 && info->flow_type_rss_offloads;
	if (want_rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = pp->prof.rss_hf & info->flow_type_rss_offloads;
		if (pp->prof.key_len && pp->prof.key_len == info->hash_key_size) {
			conf.rx_adv_conf.rss_conf.rss_key = pp->prof.key;
			conf.rx_adv_conf.rss_conf.rss_key_len = (uint8_t)pp->prof.key_len;
		} else if (pp->prof.key_len) {
			PL_LOG(WARNING, "port %u: RSS key of %u bytes, the device wants %u: "
			       "device default key used", pp->id, pp->prof.key_len,
			       info->hash_key_size);
		}
		if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH)
			rxo |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	}
	conf.rxmode.offloads = rxo;
	conf.txmode.offloads = txo;
	if (pp->prof.mtu && pp->prof.mtu <= info->max_mtu)
		conf.rxmode.mtu = pp->prof.mtu;
	rc = rte_eth_dev_configure(pp->id, pp->nb_rxq, nb_txq, &conf);
	if (rc < 0) {
		fprintf(stderr, "portlens: port %u (%s): configure with %u RX / %u TX queues: %s\n",
			pp->id, pp->name, pp->nb_rxq, nb_txq, rte_strerror(-rc));
		return rc;
	}
	pp->nb_txq = nb_txq;
	rte_eth_dev_adjust_nb_rx_tx_desc(pp->id, &nb_rxd, &nb_txd);
	rxc.offloads = rxo;
	txc.offloads = txo;
	for (q = 0; q < pp->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(pp->id, q, nb_rxd, pp->socket, &rxc, app->pool);
		if (rc < 0) {
			fprintf(stderr, "portlens: port %u: RX queue %u: %s\n", pp->id, q,
				rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(pp->id, q, nb_txd, pp->socket, &txc);
		if (rc < 0) {
			fprintf(stderr, "portlens: port %u: TX queue %u: %s\n", pp->id, q,
				rte_strerror(-rc));
			return rc;
		}
	}
	/* net_pcap stamps every mbuf with its capture time (microseconds since the epoch in
	 * 22.11, converted by the RX lcore) and says so in ol_flags; other PMDs' timestamps count a device clock, which is not packet
	 * time as portlens defines it, so for them the RX lcore stamps each burst itself */
	pp->ts_scale = 1;
	if (strcmp(info->driver_name, "net_pcap") == 0) {
		pp->hw_time = 1;
		pp->ts_scale = PL_PCAP_TS_SCALE;
	}
	rc = rte_eth_dev_start(pp->id);
	if (rc < 0) {
		fprintf(stderr, "portlens: port %u (%s): start: %s\n", pp->id, pp->name,
			rte_strerror(-rc));
		return rc;
	}
	pp->started = 1;
	if (pp->prof.promisc)
		rte_eth_promiscuous_enable(pp->id);
	if (want_rss && pp->prof.symmetric) {
		pp->use_nic_hash = 1;
		if (pp->prof.hash_func == RTE_ETH_HASH_FUNCTION_SYMMETRIC_TOEPLITZ &&
		    flow_symmetric_rss(pp, pp->nb_rxq) != 0)
			pp->use_nic_hash = 0;
	}
	PL_LOG(INFO, "port %u (%s, profile %s): %u RX / %u TX queues, %s hash%s", pp->id,
	       pp->name, pp->prof.path[0] ? pp->prof.path : "built-in", pp->nb_rxq, nb_txq,
	       pp->use_nic_hash ? "NIC symmetric RSS" : "software symmetric",
	       pp->hw_time ? ", capture timestamps" : "");
	return 0;
}

/*
 * Offline, the RX lcore waits for room instead of dropping, so the pool only needs to fill
 * the rings, the lcores' mempool caches (a cache holds up to 1.5 times its size) and a burst
 * each: every mbuf costs page faults at start (no hugepages offline), and fewer mbufs stay
 * warmer in the caches.
 */
static int
offline_pool(struct pl_app *app)
{
	return pool_create(app, app->nb_workers * app->opt.ring_size +
			   (app->nb_workers + app->nb_rx) *
			   (PL_OFFLINE_POOL_CACHE * 3 / 2 + app->burst),
			   PL_OFFLINE_POOL_CACHE);
}

/* The offline pool built beside main's set-up (pl_ports_prepare()). */
static struct {
	pthread_t tid;
	int started;
	int joined;
	int rc;
} pool_prep;

static void *
pool_thread(void *arg)
{
	pool_prep.rc = offline_pool(arg);
	return NULL;
}

void
pl_ports_prepare(struct pl_app *app)
{
	rte_cpuset_t cpus = rte_lcore_cpuset(app->rx_lcore[0]);
	pthread_attr_t attr;

	if (!app->offline || pool_prep.started || pthread_attr_init(&attr) != 0)
		return;
	/* on the RX lcore's CPU, idle until launch: main's CPU is busy with the tables */
	pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	if (pthread_create(&pool_prep.tid, &attr, pool_thread, app) == 0)
		pool_prep.started = 1;
	pthread_attr_destroy(&attr);
}

int
pl_ports_prepared(void)
{
	if (pool_prep.started) {
		pthread_join(pool_prep.tid, NULL);
		pool_prep.started = 0;
		pool_prep.joined = 1;
	}
	return pool_prep.joined ? pool_prep.rc : 1;
}

int
pl_ports_init(struct pl_app *app)
{
	static struct rte_eth_dev_info infos[RTE_MAX_ETHPORTS];
	unsigned int p, need, rings;
	uint16_t nb_txq = (uint16_t)app->nb_workers; /* only workers transmit */
	int rc;

	/* offline, the capture reader fills the mbufs itself (offline.c): a pool, no port */
	if (app->offline) {
		rc = pl_ports_prepared();
		return rc == 1 ? offline_pool(app) : rc;
	}
	app->nb_ports = rte_eth_dev_count_avail();
	if (app->nb_ports == 0) {
		fprintf(stderr, "portlens: no ports: give NIC ports (bound to a DPDK driver) or "
			"--vdev, or use --pcap FILE\n");
		return -ENODEV;
	}
	if (app->nb_ports > PL_MAX_PORTS) {
		fprintf(stderr, "portlens: %u ports, at most %u are supported\n", app->nb_ports,
			PL_MAX_PORTS);
		return -E2BIG;
	}
	for (p = 0; p < app->nb_ports; p++) {
		struct pl_port *pp = &app->port[p];

		pp->id = (uint16_t)p;
		rc = rte_eth_dev_info_get(p, &infos[p]);
		if (rc < 0) {
			fprintf(stderr, "portlens: port %u: %s\n", p, rte_strerror(-rc));
			return rc;
		}
		rte_eth_dev_get_name_by_port(p, pp->name);
		pp->socket = rte_eth_dev_socket_id(p);
		if (pp->socket < 0)
			pp->socket = 0;
		rc = port_profile(app, pp, infos[p].driver_name);
		if (rc)
			return rc;
		if (app->opt.inline_mode && app->opt.peer[p] >= (int)app->nb_ports) {
			fprintf(stderr, "portlens: --inline pairs port %u with port %d, which does "
				"not exist (%u ports)\n", p, app->opt.peer[p], app->nb_ports);
			return -EINVAL;
		}
	}
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (app->opt.peer[p] >= 0 && p >= app->nb_ports) {
			fprintf(stderr, "portlens: --inline names port %u, which does not exist "
				"(%u ports)\n", p, app->nb_ports);
			return -EINVAL;
		}
	rc = assign_queues(app, infos);
	if (rc)
		return rc;
	need = 0;
	for (p = 0; p < app->nb_ports; p++) {
		app->port[p].nb_rxq = (uint16_t)rxq_count(app, p);
		need += app->port[p].nb_rxq * app->port[p].prof.rx_desc +
			nb_txq * app->port[p].prof.tx_desc;
	}
	rings = app->nb_rx * app->nb_workers * app->opt.ring_size;
	need += rings + (app->nb_rx + app->nb_workers + 1) * (256 + PL_LIVE_BURST * 2);
	need = RTE_MAX(need, 8192u);
	rc = pool_create(app, need, 256);
	if (rc)
		return rc;
	for (p = 0; p < app->nb_ports; p++) {
		/* monitor mode transmits nothing: one TX queue keeps every PMD happy */
		uint16_t txq = app->opt.inline_mode ? nb_txq : 1;

		/* net_tap wants as many TX queues as RX queues */
		if (strcmp(infos[p].driver_name, "net_tap") == 0)
			txq = RTE_MAX(txq, app->port[p].nb_rxq);

		if (txq > infos[p].max_tx_queues) {
			fprintf(stderr, "portlens: port %u (%s): inline mode needs %u TX queues (one "
				"per worker), the device has %u (use --workers)\n", p,
				app->port[p].name, txq, infos[p].max_tx_queues);
			return -EINVAL;
		}
		rc = port_setup(app, &app->port[p], &infos[p], txq);
		if (rc)
			return rc;
	}
	return 0;
}

void
pl_ports_stop(struct pl_app *app)
{
	unsigned int p;

	/* set-up stopped before it took the pool: its thread is done with the EAL first */
	pl_ports_prepared();

	/* a port that never started (set-up stopped first) or that the console stopped is not
	 * stopped again: ethdev would log that it already is, after the line saying why */
	for (p = 0; p < app->nb_ports; p++) {
		if (app->port[p].started && !__atomic_load_n(&app->port[p].stopped, __ATOMIC_ACQUIRE))
			rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	/* every mbuf received was transmitted or freed, and the queues gave theirs back:
	 * the pool must be whole again */
	if (app->pool) {
		unsigned int used = rte_mempool_in_use_count(app->pool);

		if (used)
			PL_LOG(WARNING, "mempool: %u of %u mbufs still in use after the ports "
			       "stopped", used, app->pool->size);
		else
			PL_LOG(INFO, "mempool: all %u mbufs back after the ports stopped",
			       app->pool->size);
	}
}

unsigned int
pl_ports_hw(struct pl_app *app, struct pl_port_hw *hw, unsigned int max)
{
	unsigned int p, n = 0;

	if (app->offline) /* the capture stands for the port */
		return pl_offline_hw(app, hw, max);
	for (p = 0; p < app->nb_ports && n < max; p++) {
		struct rte_eth_stats st;

		if (rte_eth_stats_get(p, &st) != 0)
			continue;
		hw[n].port = (uint16_t)p;
		snprintf(hw[n].name, sizeof(hw[n].name), "%s", app->port[p].name);
		hw[n].ipackets = st.ipackets;
		hw[n].ibytes = st.ibytes;
		hw[n].imissed = st.imissed;
		hw[n].ierrors = st.ierrors;
		hw[n].rx_nombuf = st.rx_nombuf;
		hw[n].opackets = st.opackets;
		hw[n].obytes = st.obytes;
		hw[n].oerrors = st.oerrors;
		n++;
	}
	return n;
}
