/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Option parsing, and the EAL arguments portlens builds for itself in offline mode
 * (`portlens --pcap FILE`): no hugepages, in-memory, no PCI scan, no ports (the RX lcore
 * reads the capture itself, offline.c), and an lcore map that fits the CPUs this process
 * may run on.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <rte_version.h>

#include "pl_app.h"
#include "pl_http.h"
#include "pl_ipfix.h"

enum {
	OPT_PCAP = 256, OPT_WORKERS, OPT_RX, OPT_RX_LCORES, OPT_WORKER_LCORES, OPT_LOCAL_NET,
	OPT_BINS, OPT_INTERVAL, OPT_TICK, OPT_JSON, OPT_JSON_LINES, OPT_JSON_INTERVAL,
	OPT_REPORT, OPT_HTTP_TOKEN, OPT_ALLOW_TRUNCATED, OPT_IPFIX, OPT_IPFIX_ACTIVE, OPT_IPFIX_DOMAIN,
	OPT_IPFIX_MODE, OPT_IPFIX_RATE, OPT_IPFIX_TEMPLATE_REFRESH,
	OPT_TIMINGS, OPT_INLINE, OPT_DURATION, OPT_QUIET, OPT_SUMMARY, OPT_NO_SUMMARY, OPT_PROFILE,
	OPT_RING, OPT_MBUFS, OPT_MEM, OPT_MALFORMED, OPT_IDLE_YIELD, OPT_NO_IDLE_YIELD,
	OPT_HTTP, OPT_LINGER, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_NO_DECAP, OPT_RX_ASSIST,
	OPT_CAPTURE_IO,
	OPT_HELP, OPT_VERSION, OPT_CONFIG, OPT_CMDLINE_FILE, OPT_PRINT_CONFIG,
};

static const struct option longopts[] = {
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
	{ "allow-truncated", no_argument, NULL, OPT_ALLOW_TRUNCATED },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "rx", required_argument, NULL, OPT_RX },
	{ "rx-lcores", required_argument, NULL, OPT_RX_LCORES },
	{ "worker-lcores", required_argument, NULL, OPT_WORKER_LCORES },
	{ "local-net", required_argument, NULL, OPT_LOCAL_NET },
	{ "bins", required_argument, NULL, OPT_BINS },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "tick-ms", required_argument, NULL, OPT_TICK },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "json-lines", required_argument, NULL, OPT_JSON_LINES },
	{ "json-interval", required_argument, NULL, OPT_JSON_INTERVAL },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "http-token", required_argument, NULL, OPT_HTTP_TOKEN },
	{ "ipfix", required_argument, NULL, OPT_IPFIX },
	{ "ipfix-active", required_argument, NULL, OPT_IPFIX_ACTIVE },
	{ "ipfix-domain", required_argument, NULL, OPT_IPFIX_DOMAIN },
	{ "ipfix-mode", required_argument, NULL, OPT_IPFIX_MODE },
	{ "ipfix-rate", required_argument, NULL, OPT_IPFIX_RATE },
	{ "ipfix-template-refresh", required_argument, NULL, OPT_IPFIX_TEMPLATE_REFRESH },
	{ "inline", required_argument, NULL, OPT_INLINE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "ring-size", required_argument, NULL, OPT_RING },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "malformed-verdict", required_argument, NULL, OPT_MALFORMED },
	{ "idle-yield", no_argument, NULL, OPT_IDLE_YIELD },
	{ "no-decap", no_argument, NULL, OPT_NO_DECAP },
	{ "no-idle-yield", no_argument, NULL, OPT_NO_IDLE_YIELD },
	{ "http", required_argument, NULL, OPT_HTTP },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "rx-assist", required_argument, NULL, OPT_RX_ASSIST },
	{ "capture-io", required_argument, NULL, OPT_CAPTURE_IO },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "interactive", no_argument, NULL, 'i' },
	{ "cmdline-file", required_argument, NULL, OPT_CMDLINE_FILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void
pl_options_usage(FILE *f)
{
	fprintf(f,
"usage: portlens [EAL options] -- [options]     NIC ports and vdevs\n"
"       portlens --pcap CAPTURE... [options]     offline analysis of captures\n"
"\n"
"offline analysis (docs/operator-guide.md, \"Offline analysis\"):\n"
"  --pcap CAPTURE         a capture file (pcap or pcapng, plain, .gz or .zst), a folder of\n"
"                         them or a quoted pattern ('trace-*.pcap'); repeatable, and files\n"
"                         after it are captures too: all are read as one, in time order\n"
"  --allow-truncated      analyse the whole records of a capture that was cut short\n"
"  --progress, --no-progress\n"
"                         one status line on stderr twice a second (default: when stderr\n"
"                         is a terminal)\n"
"  --timings              at exit, where the time went on stderr: start-up steps, the run\n"
"                         (reading, RX, workers), the final snapshot and the release,\n"
"                         each with its time and page faults\n"
"  --rx-assist auto|on|off\n"
"                         the RX lcore also completes and counts the plain TCP/UDP\n"
"                         frames it reads: while the workers are the slower (auto, the\n"
"                         default), always (on) or never (off); the results are the same\n"
"  --capture-io auto|map|read\n"
"                         how plain capture files are read: mapped, or read() into a\n"
"                         window; auto (the default) measures both on the first file of\n"
"                         8 MiB or more and takes the cheaper (--timings says which)\n"
"\n"
"lcores and rings:\n"
"  --workers N            worker lcores (offline default 1; else all lcores left)\n"
"  --rx N                 RX lcores when derived from the EAL lcores (default 1 per 3)\n"
"  --rx-lcores LIST       RX lcores, e.g. 1,2 or 1-2 (EAL form)\n"
"  --worker-lcores LIST   worker lcores, e.g. 3-7 (EAL form)\n"
"  --ring-size N          entries of each RX->worker ring, power of two\n"
"                         (default 4096; offline 512,\n"
"                         1024 for inputs of 512 MiB or more)\n"
"  --mbufs N              mbufs in the pool (default: enough for descriptors and rings)\n"
"  --mem MB               offline mode: EAL memory (default: sized for the workers,\n"
"                         flows.capacity, the local networks and a console or HTTP\n"
"                         server; 96 for one worker and the defaults)\n"
"  --idle-yield, --no-idle-yield\n"
"                         idle lcores yield the CPU (default on offline, off live)\n"
"analysis:\n"
"  --config FILE          configuration: classes, signatures, flows, policy (default\n"
"                         %s/portlens.yaml, else the source tree's); options below\n"
"                         override it\n"
"  --print-config         write the configuration in force (file, --local-net, --bins)\n"
"                         as one self-contained YAML file, every key, and exit\n"
"  --local-net CIDR       a local network, repeatable; replaces the defaults\n"
"                         (10/8, 172.16/12, 192.168/16, fc00::/7); 'default' adds them\n"
"  --bins SPEC            port bins, FIRST-LAST/WIDTH,... (default %s)\n"
"  --interval SEC         length of the counting intervals (default 1)\n"
"  --no-decap             analyse tunnels (VXLAN, Geneve, GRE/ERSPAN, IP-in-IP, MPLS) by\n"
"                         their outer headers, not the packet inside (config: decap)\n"
"modes:\n"
"  --inline P:Q[,P:Q]     inline mode: forward between port pairs (default: monitor)\n"
"  --malformed-verdict forward|drop\n"
"                         inline mode: what happens to malformed frames (default drop)\n"
"  --profile FILE         port profile for every port (default: by driver from\n"
"                         profiles/ beside the configuration, else %s/profiles)\n"
"  --duration SEC         stop by itself after SEC seconds\n"
"console (docs/console.md):\n"
"  -i, --interactive      the portlens> console (commands from stdin when it is not a\n"
"                         terminal)\n"
"  --cmdline-file FILE    run the console commands of FILE first, then -i if given\n"
"output:\n"
"  --json FILE            write the final snapshot (schema portlens.snapshot.v1)\n"
"  --json-lines FILE      append a snapshot every --json-interval seconds\n"
"  --json-interval SEC    (default 1)\n"
"  --report FILE.md       write the traffic report from the final snapshot, with its four\n"
"                         per-port charts beside it (FILE-in-packets.svg ...)\n"
"  --ipfix HOST:PORT      export a flow record (IPFIX over UDP) when each flow ends and\n"
"                         at each active timeout (docs/ipfix.md); the --ipfix-* options\n"
"                         not given take the configuration's ipfix.* keys\n"
"  --ipfix-active SEC     active timeout of long flows (default 60)\n"
"  --ipfix-domain N       observation domain id (default 1)\n"
"  --ipfix-mode MODE      biflow (one record per flow, RFC 5103, default) or uniflow\n"
"                         (one record per direction)\n"
"  --ipfix-rate N         records per second at most, end-of-traffic flush included\n"
"                         (default 10000; 0: unpaced)\n"
"  --ipfix-template-refresh SEC\n"
"                         seconds between template sends (default 600)\n"
"  --tick-ms MS           stats tick (default 1000 live, 100 offline)\n"
"  --http ADDR:PORT       serve /metrics (Prometheus), /api/snapshot, /api/history and\n"
"                         a live dashboard at /; PORT alone means 127.0.0.1:PORT,\n"
"                         [::1]:PORT for IPv6 (docs/http.md)\n"
"  --http-token FILE     every HTTP request must carry \"Authorization: Bearer TOKEN\",\n"
"                         TOKEN the first line of FILE (mode 0600 or stricter)\n"
"  --linger SEC           with --http: keep serving the final snapshot SEC seconds\n"
"                         after the end of a capture (default 0; Ctrl-C ends it)\n"
"  --summary, --no-summary  print a summary at exit (default on)\n"
"  --quiet                less logging\n"
"  --help, --version\n", PL_SYSCONF_DIR, PL_BINS_DEFAULT, PL_DATA_DIR);
}

static int
bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "portlens: --%s '%s': %s (see --help)\n", opt, val, why);
	return -1;
}

/* Parse one of @p n words: @p words[i] sets @p vals[i]; anything else is refused, naming
 * the words expected ("expected a, b or c"). */
static int
parse_word(const char *opt, const char *s, const char *const *words, const int *vals,
	   unsigned int n, int *out)
{
	char why[128];
	unsigned int i;
	int len;

	for (i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = vals[i];
			return 0;
		}
	len = snprintf(why, sizeof(why), "expected");
	for (i = 0; i < n && len > 0 && len < (int)sizeof(why); i++)
		len += snprintf(why + len, sizeof(why) - len, "%s%s",
				i == 0 ? " " : i + 1 == n ? " or " : ", ", words[i]);
	return bad(opt, s, why);
}

/* Parse an unsigned number in [lo, hi]. */
static int
parse_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi,
	   unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno || v < lo || v > hi) {
		char why[96];

		snprintf(why, sizeof(why), "expected a whole number from %lu to %lu", lo, hi);
		return bad(opt, s, why);
	}
	*out = (unsigned int)v;
	return 0;
}

static int
parse_seconds(const char *opt, const char *s, double lo, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno || v < lo || v > 1e9 || v != v)
		return bad(opt, s, "expected a number of seconds");
	*out = v;
	return 0;
}

/* "LIST" of lcores: 1,3-5. Checks syntax only; EAL checks the lcores exist. */
static int
check_lcore_list(const char *opt, const char *s, char *out, size_t len)
{
	int rc;

	if (strlen(s) >= len || *s == '\0')
		return bad(opt, s, "expected a list of lcores such as 1,3-5");
	rc = pl_cpulist_parse(s, '\0', RTE_MAX_LCORE, NULL);
	if (rc == -2)
		return bad(opt, s, "bad lcore range");
	if (rc < 0)
		return bad(opt, s, "expected a list of lcores such as 1,3-5");
	strcpy(out, s);
	return 0;
}

static int
parse_inline(const char *s, struct pl_options *o)
{
	const char *p = s;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b;

		if (end == p || *end != ':' || a >= RTE_MAX_ETHPORTS)
			return bad("inline", s, "expected port pairs such as 0:1,2:3");
		p = end + 1;
		b = strtoul(p, &end, 10);
		if (end == p || b >= RTE_MAX_ETHPORTS || a == b)
			return bad("inline", s, "expected port pairs such as 0:1,2:3 (two ports)");
		if (o->peer[a] >= 0 || o->peer[b] >= 0)
			return bad("inline", s, "a port appears in two pairs");
		o->peer[a] = (int)b;
		o->peer[b] = (int)a;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return bad("inline", s, "expected port pairs such as 0:1,2:3");
	}
	o->inline_mode = 1;
	return 0;
}

/* Can a file be created at path? Its folder must exist and be writable. 0 or -1 (said). */
static int
out_dir_ok(const char *opt, const char *path)
{
	char dir[PATH_MAX];
	const char *slash;

	if (path == NULL)
		return 0;
	slash = strrchr(path, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (access(dir, W_OK) != 0) {
		fprintf(stderr, "portlens: --%s %s: folder %s: %s\n", opt, path, dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

int
pl_options_parse(int argc, char **argv, struct pl_options *o)
{
	unsigned int u;
	int c, i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < RTE_MAX_ETHPORTS; i++)
		o->peer[i] = -1;
	o->ival_ns = 1000000000ULL;
	/* the IPFIX options not given take the configuration's ipfix.* keys */
	o->ipfix_active = -1;
	o->ipfix_domain = PL_OPT_UNSET;
	o->ipfix_mode = PL_OPT_UNSET;
	o->ipfix_rate = PL_OPT_UNSET;
	o->ipfix_template_refresh = PL_OPT_UNSET;
	o->summary = 1;
	o->malformed_drop = 1;
	o->idle_yield = -1;
	o->progress = -1;
	o->rx_assist = -1;
	o->capture_io = -1;
	o->ring_size = 4096;
	o->mem_mb = 0; /* offline: sized for the lcores and the flow tables */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i", longopts, NULL)) != -1) {
		const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
		double sec;

		switch (c) {
		case OPT_PCAP:
			if (o->nb_pcaps >= PL_MAX_PCAP_ARGS)
				return bad("pcap", optarg, "too many --pcap arguments (give a folder "
					   "or a pattern)");
			o->pcaps[o->nb_pcaps++] = optarg;
			if (o->pcap == NULL)
				o->pcap = optarg;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_PRINT_CONFIG:
			o->print_config = 1;
			break;
		case OPT_ALLOW_TRUNCATED:
			o->allow_truncated = 1;
			break;
		case OPT_WORKERS:
			if (parse_uint("workers", optarg, 1, PL_MAX_WORKERS, &o->nb_workers))
				return -1;
			break;
		case OPT_RX:
			if (parse_uint("rx", optarg, 1, PL_MAX_RX, &o->nb_rx))
				return -1;
			break;
		case OPT_RX_LCORES:
			if (check_lcore_list("rx-lcores", optarg, o->rx_lcores,
					     sizeof(o->rx_lcores)))
				return -1;
			break;
		case OPT_WORKER_LCORES:
			if (check_lcore_list("worker-lcores", optarg, o->worker_lcores,
					     sizeof(o->worker_lcores)))
				return -1;
			break;
		case OPT_LOCAL_NET:
			if (strcmp(optarg, "default") == 0) {
				if (o->nb_nets + 4 > PL_MAX_NETS)
					return bad("local-net", optarg, "too many local networks");
				o->nb_nets += pl_direction_defaults(o->nets + o->nb_nets);
				break;
			}
			if (o->nb_nets >= PL_MAX_NETS)
				return bad("local-net", optarg, "too many local networks");
			if (pl_cidr_parse(optarg, &o->nets[o->nb_nets]) < 0)
				return bad("local-net", optarg,
					   "expected an IPv4 or IPv6 network such as 10.0.0.0/8");
			o->nb_nets++;
			break;
		case OPT_BINS:
			o->bins = optarg;
			break;
		case OPT_INTERVAL:
			if (parse_seconds("interval", optarg, 0.000001, &sec))
				return -1;
			o->ival_ns = (uint64_t)(sec * 1e9);
			break;
		case OPT_TICK:
			if (parse_uint("tick-ms", optarg, 1, 3600000, &o->tick_ms))
				return -1;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_JSON_LINES:
			o->json_lines = optarg;
			break;
		case OPT_JSON_INTERVAL:
			if (parse_seconds("json-interval", optarg, 0.001, &o->json_interval))
				return -1;
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_HTTP_TOKEN:
			o->http_token = optarg;
			break;
		case OPT_IPFIX:
			o->ipfix = optarg;
			break;
		case OPT_IPFIX_ACTIVE:
			if (parse_seconds("ipfix-active", optarg, 1, &o->ipfix_active))
				return -1;
			break;
		case OPT_IPFIX_DOMAIN:
			if (parse_uint("ipfix-domain", optarg, 0, UINT32_MAX, &o->ipfix_domain))
				return -1;
			break;
		case OPT_IPFIX_MODE: {
			int m = pl_ipfix_mode_parse(optarg);

			if (m < 0)
				return bad("ipfix-mode", optarg, "expected biflow or uniflow");
			o->ipfix_mode = (unsigned int)m;
			break;
		}
		case OPT_IPFIX_RATE:
			if (parse_uint("ipfix-rate", optarg, 0, 100000000, &o->ipfix_rate))
				return -1;
			break;
		case OPT_IPFIX_TEMPLATE_REFRESH:
			if (parse_uint("ipfix-template-refresh", optarg, 0, 86400,
				       &o->ipfix_template_refresh))
				return -1;
			break;
		case OPT_INLINE:
			if (parse_inline(optarg, o))
				return -1;
			break;
		case OPT_DURATION:
			if (parse_seconds("duration", optarg, 0.001, &o->duration))
				return -1;
			break;
		case OPT_QUIET:
			o->quiet = 1;
			break;
		case OPT_SUMMARY:
			o->summary = 1;
			break;
		case OPT_NO_SUMMARY:
			o->summary = 0;
			break;
		case OPT_PROFILE:
			o->profile = optarg;
			break;
		case OPT_RING:
			if (parse_uint("ring-size", optarg, 64, 1 << 20, &u))
				return -1;
			if (u & (u - 1))
				return bad("ring-size", optarg, "must be a power of two");
			o->ring_size = u;
			o->ring_size_set = 1;
			break;
		case OPT_MBUFS:
			if (parse_uint("mbufs", optarg, 1024, 1 << 26, &o->mbufs))
				return -1;
			break;
		case OPT_MEM:
			if (parse_uint("mem", optarg, 64, 1 << 20, &o->mem_mb))
				return -1;
			break;
		case OPT_MALFORMED: {
			static const char *const words[] = { "forward", "drop" };
			static const int vals[] = { 0, 1 };

			if (parse_word("malformed-verdict", optarg, words, vals, 2,
				       &o->malformed_drop))
				return -1;
			break;
		}
		case OPT_IDLE_YIELD:
			o->idle_yield = 1;
			break;
		case OPT_NO_DECAP:
			o->no_decap = 1;
			break;
		case OPT_NO_IDLE_YIELD:
			o->idle_yield = 0;
			break;
		case OPT_HTTP: {
			struct pl_http_addr a;
			char why[160];

			if (pl_http_parse_addr(optarg, &a, why, sizeof(why)) < 0) {
				fprintf(stderr, "portlens: --http %s (see --help)\n", why);
				return -1;
			}
			o->http = optarg;
			break;
		}
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_TIMINGS:
			o->timings = 1;
			break;
		case OPT_RX_ASSIST: {
			static const char *const words[] = { "auto", "on", "off" };
			static const int vals[] = { -1, 1, 0 };

			if (parse_word("rx-assist", optarg, words, vals, 3, &o->rx_assist))
				return -1;
			break;
		}
		case OPT_CAPTURE_IO: {
			static const char *const words[] = { "auto", "map", "read" };
			static const int vals[] = { -1, 0, 1 };

			if (parse_word("capture-io", optarg, words, vals, 3, &o->capture_io))
				return -1;
			break;
		}
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case OPT_LINGER:
			if (parse_seconds("linger", optarg, 0, &o->linger))
				return -1;
			break;
		case 'i':
			o->interactive = 1;
			break;
		case OPT_CMDLINE_FILE:
			o->cmdline_file = optarg;
			break;
		case OPT_HELP:
			pl_options_usage(stdout);
			exit(0);
		case OPT_VERSION:
			/* rte_version() is "DPDK 22.11.x" already */
			printf("portlens 0.1.0 (%s)\n", rte_version());
			exit(0);
		case ':':
			fprintf(stderr, "portlens: %s needs a value (see --help)\n", name);
			return -1;
		default:
			fprintf(stderr, "portlens: unknown option '%s' (see --help)\n", name);
			return -1;
		}
	}
	/* offline, the words after the options are captures too (`--pcap trace-*.pcap`
	 * as the shell expands it) */
	for (; o->pcap && optind < argc && o->nb_pcaps < PL_MAX_PCAP_ARGS; optind++)
		o->pcaps[o->nb_pcaps++] = argv[optind];
	if (optind < argc) {
		fprintf(stderr, "portlens: unexpected argument '%s' (see --help)\n", argv[optind]);
		return -1;
	}
	if (o->print_config)
		exit(pl_runtime_print_config(o) < 0 ? 2 : 0);
	if (o->json_lines && o->json_interval == 0)
		o->json_interval = 1;
	/* output files are written at the end: a folder that is not there fails now */
	if (out_dir_ok("json", o->json) || out_dir_ok("report", o->report) ||
	    out_dir_ok("json-lines", o->json_lines))
		return -1;
	if (o->http_token && !o->http) {
		fprintf(stderr, "portlens: --http-token needs --http ADDR:PORT\n");
		return -1;
	}
	if (o->linger > 0 && !o->http) {
		fprintf(stderr, "portlens: --linger needs --http ADDR:PORT\n");
		return -1;
	}
	if (o->json_interval && !o->json_lines) {
		fprintf(stderr, "portlens: --json-interval needs --json-lines FILE\n");
		return -1;
	}
	if (o->pcap && o->inline_mode) {
		fprintf(stderr, "portlens: --inline needs ports, not a capture (--pcap)\n");
		return -1;
	}
	/* a script that cannot be read stops portlens before anything runs */
	if (o->cmdline_file) {
		struct stat st;

		if (access(o->cmdline_file, R_OK) != 0 || stat(o->cmdline_file, &st) != 0) {
			fprintf(stderr, "portlens: --cmdline-file %s: %s\n", o->cmdline_file,
				strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			fprintf(stderr, "portlens: --cmdline-file %s: is a folder, not a script\n",
				o->cmdline_file);
			return -1;
		}
	}
	return 0;
}

/*
 * Offline EAL memory when --mem is not given: what start-up allocates (the direction
 * table's LPM tables, @p dir_mb, where a family has more local networks than compares serve;
 * the pool, rings and counter banks, 8 MiB; the RX lcore's banks with their per-port and
 * talkers tables, 11 MiB, as it may count for the workers) plus per worker its counter
 * banks and scan state (16 MiB) and its flow and source tables (about 330 bytes a flow of
 * flows.capacity), a quarter more for slack, in steps of 32 MiB. A console or an HTTP
 * server can change the local networks while the capture is read, which builds a second
 * direction table beside the one in force: room for one with both LPM tables then. Every
 * MiB costs start-up time (the EAL zeroes a descriptor per 4 KiB page), so no more than
 * that.
 */
static unsigned int
offline_mem_mb(const struct pl_options *o, unsigned int workers, unsigned int flow_capacity,
	       unsigned int dir_mb)
{
	double mb = dir_mb + 8 + 11 + workers * (16 + flow_capacity * 330.0 / 1048576);

	if (o->interactive || o->cmdline_file || o->http)
		mb += PL_DIRECTION_MEM_MAX_MB;
	return RTE_ALIGN_CEIL((unsigned int)(mb * 1.25), 32u);
}

/* Offline workers: as many as asked for, one by default. */
static unsigned int
offline_workers(const struct pl_options *o)
{
	return o->nb_workers ? o->nb_workers : 1;
}

/* The CPUs portlens may use (its affinity when started), in order; how many. */
static unsigned int
offline_cpus(unsigned int *cpus)
{
	unsigned int nc = 0, i;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				cpus[nc++] = i;
	}
	if (nc == 0)
		cpus[nc++] = 0;
	return nc;
}

/* Offline lcores: main on the last CPU, RX on the first, workers from the second on,
 * wrapping. The CPU of lcore @p lc (0 main, 1 RX, 2... workers). */
static unsigned int
offline_lcore_cpu(const unsigned int *cpus, unsigned int nc, unsigned int lc)
{
	if (lc == 0)
		return cpus[nc - 1];
	if (lc == 1)
		return cpus[0];
	return cpus[nc > 1 ? 1 + (lc - 2) % (nc - 1) : 0];
}

unsigned int
pl_offline_spare_cpus(const struct pl_options *o, cpu_set_t *spare)
{
	unsigned int cpus[CPU_SETSIZE], nc = offline_cpus(cpus), i;
	unsigned int nb_w = offline_workers(o);

	CPU_ZERO(spare);
	for (i = 0; i < nc; i++)
		CPU_SET(cpus[i], spare);
	for (i = 0; i < 2 + nb_w; i++)
		CPU_CLR(offline_lcore_cpu(cpus, nc, i), spare);
	return (unsigned int)CPU_COUNT(spare);
}

/*
 * EAL arguments for offline mode. Lcore 0 (main: stats) and the RX lcore get CPUs of their
 * own where there are enough; workers take the CPUs that remain, round robin.
 */
int
pl_offline_eal_args(const struct pl_options *o, unsigned int flow_capacity, unsigned int dir_mb,
		    char **eal, int max)
{
	static char lcores[1024], mem[32], prefix[64];
	unsigned int cpus[CPU_SETSIZE], nc = offline_cpus(cpus), i;
	unsigned int nb_w = offline_workers(o);
	int n = 0, len = 0;

	len += snprintf(lcores + len, sizeof(lcores) - len, "0@%u,1@%u",
			offline_lcore_cpu(cpus, nc, 0), offline_lcore_cpu(cpus, nc, 1));
	for (i = 0; i < nb_w && len < (int)sizeof(lcores) - 16; i++)
		len += snprintf(lcores + len, sizeof(lcores) - len, ",%u@%u", i + 2,
				offline_lcore_cpu(cpus, nc, i + 2));
	snprintf(mem, sizeof(mem), "%u", o->mem_mb ? o->mem_mb :
		 offline_mem_mb(o, nb_w, flow_capacity, dir_mb));
	snprintf(prefix, sizeof(prefix), "--file-prefix=portlens-%d", (int)getpid());
	eal[n++] = "portlens";
	eal[n++] = "--lcores";
	eal[n++] = lcores;
	eal[n++] = "--main-lcore";
	eal[n++] = "0";
	eal[n++] = "--no-huge";
	eal[n++] = "-m";
	eal[n++] = mem;
	/* in memory: no shared config files (--in-memory itself refuses --no-huge) */
	eal[n++] = "--no-shconf";
	eal[n++] = prefix;
	eal[n++] = "--no-pci";
	eal[n++] = "--no-telemetry";
	eal[n++] = o->quiet ? "--log-level=error" : "--log-level=warning";
	eal[n] = NULL;
	return n < max ? n : -1;
}
