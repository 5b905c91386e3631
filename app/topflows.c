/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show flows top N`: the largest flows (bytes, both directions) in the workers' flow
 * tables now. A flow table has one writer, its worker, so only the worker may walk it: the
 * console bumps a request number, each worker sees it between two bursts, walks its table
 * once keeping its PL_TOPFLOWS_MAX largest flows, and acknowledges; the console merges the
 * lists. Cost: one walk of a worker's table per request (about a millisecond per 64k
 * slots), on request only, never per packet; the snapshot stays as it is. A worker that
 * has stopped (end of a capture) no longer walks: its table is read directly.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pl_console.h"

struct raw {
	struct pl_tuple key;
	struct pl_flow flow;
};

struct wtop {
	unsigned int n;
	struct raw e[PL_TOPFLOWS_MAX]; /* largest first */
};

uint32_t pl_topflows_req;
uint32_t pl_topflows_ack[PL_MAX_WORKERS];
static struct wtop wtop[PL_MAX_WORKERS];
static pthread_mutex_t get_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
flow_bytes(const struct pl_flow *f)
{
	return f->bytes[0] + f->bytes[1];
}

static int
keep(const struct pl_tuple *key, const struct pl_flow *f, void *arg)
{
	struct wtop *t = arg;
	uint64_t b = flow_bytes(f);
	unsigned int i;

	if (t->n == PL_TOPFLOWS_MAX && b <= flow_bytes(&t->e[t->n - 1].flow))
		return 0;
	i = t->n < PL_TOPFLOWS_MAX ? t->n++ : t->n - 1;
	while (i > 0 && flow_bytes(&t->e[i - 1].flow) < b) {
		t->e[i] = t->e[i - 1];
		i--;
	}
	t->e[i].key = *key;
	t->e[i].flow = *f;
	return 0;
}

static void
walk(struct pl_worker_ctx *wk)
{
	struct wtop *t = &wtop[wk->index];

	t->n = 0;
	pl_flow_walk(wk->flows, keep, t);
}

void
pl_topflows_serve(struct pl_worker_ctx *wk)
{
	uint32_t req = __atomic_load_n(&pl_topflows_req, __ATOMIC_ACQUIRE);

	walk(wk);
	__atomic_store_n(&pl_topflows_ack[wk->index], req, __ATOMIC_RELEASE);
}

static void
endpoint(char *buf, size_t len, int family, const uint8_t *a, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, ip, sizeof(ip));
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static void
format(const struct raw *r, const struct pl_runtime *rt, struct pl_topflow *o)
{
	const struct pl_tuple *k = &r->key;
	const struct pl_flow *f = &r->flow;
	int lo_init = k->lo_is_src;

	/* lo_is_src is the initiator's side (pl_flow_walk) */
	endpoint(o->src, sizeof(o->src), k->family, lo_init ? k->addr_lo : k->addr_hi,
		 lo_init ? k->port_lo : k->port_hi);
	endpoint(o->dst, sizeof(o->dst), k->family, lo_init ? k->addr_hi : k->addr_lo,
		 lo_init ? k->port_hi : k->port_lo);
	snprintf(o->proto, sizeof(o->proto), "%s", f->proto == IPPROTO_TCP ? "tcp" :
		 f->proto == IPPROTO_UDP ? "udp" : f->proto == IPPROTO_ICMP ? "icmp" :
		 f->proto == IPPROTO_ICMPV6 ? "icmp6" : "other");
	snprintf(o->state, sizeof(o->state), "%s", f->proto == IPPROTO_TCP ?
		 pl_tcp_state_name(f->tcp_state) : "-");
	snprintf(o->cls, sizeof(o->cls), "%s", f->cls != PL_CLASS_NONE &&
		 f->cls < rt->cfg.nb_classes ? rt->cfg.classes[f->cls].name : "-");
	o->packets = (uint64_t)f->packets[0] + f->packets[1];
	o->bytes = flow_bytes(f);
}

int
pl_topflows_get(struct pl_app *app, struct pl_topflow *out, unsigned int max)
{
	struct raw all[PL_TOPFLOWS_MAX];
	unsigned int w, n = 0, i, waited;
	const struct pl_runtime *rt;
	uint32_t req;
	int rc = 0;

	if (max > PL_TOPFLOWS_MAX)
		max = PL_TOPFLOWS_MAX;
	pthread_mutex_lock(&get_lock);
	req = __atomic_add_fetch(&pl_topflows_req, 1, __ATOMIC_RELEASE);
	for (waited = 0; waited < 2000; waited++) {
		int pending = 0;

		for (w = 0; w < app->nb_workers; w++) {
			if (__atomic_load_n(&pl_topflows_ack[w], __ATOMIC_ACQUIRE) == req)
				continue;
			if (__atomic_load_n(&app->wk[w]->done, __ATOMIC_ACQUIRE)) {
				walk(app->wk[w]); /* its owner has returned */
				pl_topflows_ack[w] = req;
				continue;
			}
			pending = 1;
		}
		if (!pending)
			break;
		nanosleep(&(struct timespec){ 0, 500000 }, NULL);
	}
	if (waited == 2000) {
		rc = -1;
		goto out;
	}
	for (w = 0; w < app->nb_workers; w++)
		for (i = 0; i < wtop[w].n; i++) {
			const struct raw *r = &wtop[w].e[i];
			unsigned int j;

			if (n == PL_TOPFLOWS_MAX &&
			    flow_bytes(&r->flow) <= flow_bytes(&all[n - 1].flow))
				break;
			j = n < PL_TOPFLOWS_MAX ? n++ : n - 1;
			while (j > 0 && flow_bytes(&all[j - 1].flow) < flow_bytes(&r->flow)) {
				all[j] = all[j - 1];
				j--;
			}
			all[j] = *r;
		}
	if (n > max)
		n = max;
	rt = __atomic_load_n(&app->rt, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		format(&all[i], rt, &out[i]);
	rc = (int)n;
out:
	pthread_mutex_unlock(&get_lock);
	return rc;
}
