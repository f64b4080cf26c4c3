/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding loop under a traffic mix, with no generator to pay for: two net_ring ports
 * whose rings close on themselves (port 0 RX = port 1 TX = ring A, port 1 RX = port 0 TX =
 * ring B), pre-filled with the mix, so the frames the loop sends come straight back in on the
 * port they entered. The same ports and frames run either vbridge's loop (vb_fwd_loop, set
 * up as app/vbridge does) or the reference: testpmd's io forwarding (app/test-pmd/iofwd.c:
 * rx burst, tx burst, free what was not sent), on the same worker lcore.
 *
 * For mixes that must not repeat themselves (an ARP storm of new frames, many source MACs),
 * an RX callback on each port writes a sequence number and a source MAC into every frame as
 * it is received, for both loops alike: a set-up cost of a few cycles per frame, shared.
 *
 *   bench_fwd [EAL] -- --loop vbridge|io --mix MIX [--classifier on|off] [--mac-unicast on|off]
 *                      [--macs N] [--seconds S] [--burst N] [--drain-us N]
 *       prints: result loop=... mix=... mpps=... cycles_per_frame=...
 *   bench_fwd [EAL] -- --latency N --loop vbridge|io --drain-us D [--mix uni64|arp]
 *       one frame at a time through the idle loop: p50/p99/max in us, from the frame put
 *       into port 0's RX ring to the loop's TX call on port 1 (a TX callback takes the time
 *       on the worker lcore).
 */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "classify.h"
#include "config.h"
#include "fwd.h"
#include "port.h"
#include "shm.h"

#define FRAMES_PER_DIR	1024	/* frames circulating in each direction */
#define RING_SIZE	2048
#define FRAME_ROOM	(2048 + RTE_PKTMBUF_HEADROOM)

enum mix {
	MIX_UNI64,	/* unicast IPv4, 64 B */
	MIX_IMIX,	/* unicast IPv4, 64/570/1518 B in 7:4:1 */
	MIX_ARP,	/* broadcast ARP requests, every one new */
	MIX_DUP50,	/* broadcast ARP requests, each received twice */
};

static const char *const mix_names[] = {
	[MIX_UNI64] = "uni64", [MIX_IMIX] = "imix", [MIX_ARP] = "arp", [MIX_DUP50] = "dup50",
};

struct opts {
	bool vbridge;		/* false: testpmd io */
	enum mix mix;
	bool classifier;
	bool mac_unicast;
	uint32_t macs;		/* distinct source MACs per port; 0: the frames' own */
	unsigned int seconds;
	unsigned int burst;
	unsigned int drain_us;
	unsigned int latency;	/* samples; 0: throughput */
};

/* Per-port state of the RX callback that keeps a mix from repeating itself. */
struct mutate {
	bool seq;		/* write a sequence number into ARP frames */
	unsigned int seq_shift;	/* 1: each number twice (a duplicate of the one before) */
	uint32_t next_seq;
	uint32_t macs;		/* 0: leave the source MAC alone */
	uint32_t next_mac;
	uint8_t port;
};

static struct mutate mutate[2];
static bool io_quit;

/* testpmd's io forwarding, one stream per direction, no retry (iofwd.c, 22.11). */
struct io_stream {
	uint16_t rx_port, tx_port;
	uint64_t rx, tx, dropped;
};

static struct io_stream io_streams[2];
static unsigned int io_burst;

static int
io_loop(void *arg __rte_unused)
{
	struct rte_mbuf *pkts[VB_MAX_BURST];
	unsigned int s;

	while (!__atomic_load_n(&io_quit, __ATOMIC_RELAXED)) {
		for (s = 0; s < 2; s++) {
			struct io_stream *fs = &io_streams[s];
			uint16_t nb_rx, nb_tx;

			nb_rx = rte_eth_rx_burst(fs->rx_port, 0, pkts, io_burst);
			if (unlikely(nb_rx == 0))
				continue;
			fs->rx += nb_rx;
			nb_tx = rte_eth_tx_burst(fs->tx_port, 0, pkts, nb_rx);
			fs->tx += nb_tx;
			if (unlikely(nb_tx < nb_rx)) {
				fs->dropped += nb_rx - nb_tx;
				rte_pktmbuf_free_bulk(&pkts[nb_tx], nb_rx - nb_tx);
			}
		}
	}
	return 0;
}

static uint16_t
mutate_cb(uint16_t port __rte_unused, uint16_t queue __rte_unused, struct rte_mbuf **pkts,
	  uint16_t nb, uint16_t max __rte_unused, void *arg)
{
	struct mutate *mu = arg;
	uint16_t i;

	for (i = 0; i < nb; i++) {
		uint8_t *f = rte_pktmbuf_mtod(pkts[i], uint8_t *);

		if (mu->seq) {
			uint32_t s = mu->next_seq++ >> mu->seq_shift;

			memcpy(f + 38, &s, 4);	/* ARP target IP */
		}
		if (mu->macs != 0) {
			uint32_t m = mu->next_mac;

			f[8] = (uint8_t)(m >> 24);
			f[9] = (uint8_t)(m >> 16);
			f[10] = (uint8_t)(m >> 8);
			f[11] = (uint8_t)m;
			if (++m == mu->macs)
				m = 0;
			mu->next_mac = m;
		}
	}
	return nb;
}

/* Frame number i of a mix, received on port p (source MACs differ per side). */
static uint16_t
build_frame(uint8_t *f, enum mix mix, unsigned int i, unsigned int p)
{
	static const uint8_t ipv4[] = { 0x08, 0x00, 0x45, 0x00 };
	static const uint8_t arp[] = { 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00,
				       0x01 };
	static const uint16_t imix[12] = { 64, 64, 64, 64, 64, 64, 64, 570, 570, 570, 570,
					   1518 };
	uint16_t len = 64;	/* as on the wire with FCS: 60 bytes in the mbuf */

	memset(f, 0, 1518);
	if (mix == MIX_ARP || mix == MIX_DUP50) {
		memset(f, 0xff, 6);
		memcpy(f + 12, arp, sizeof(arp));
		f[22] = 0x02;			/* sender MAC */
		f[28] = 198, f[29] = 18;	/* sender IP 198.18.p.1 */
		f[30] = (uint8_t)p, f[31] = 1;
		f[38] = 198, f[39] = 18;	/* target IP 198.18.x.y */
		f[40] = (uint8_t)(i >> 8), f[41] = (uint8_t)i;
	} else {
		f[0] = 0x02, f[1] = 0x02, f[5] = (uint8_t)(1 - p);	/* to the other side */
		memcpy(f + 12, ipv4, sizeof(ipv4));
		f[18] = (uint8_t)(i >> 8), f[19] = (uint8_t)i;
		if (mix == MIX_IMIX)
			len = imix[i % RTE_DIM(imix)];
	}
	f[6] = 0x02, f[7] = (uint8_t)(0x10 + p), f[11] = 1;	/* source 02:1p:00:00:00:01 */
	return len - 4;
}

static struct rte_mempool *frame_pool;

static int
fill(struct rte_ring *r, enum mix mix, unsigned int n, unsigned int p)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(frame_pool);
		uint8_t *f;

		if (m == NULL)
			return -1;
		f = rte_pktmbuf_mtod(m, uint8_t *);
		m->data_len = build_frame(f, mix, i, p);
		m->pkt_len = m->data_len;
		if (rte_ring_enqueue(r, m) != 0)
			return -1;
	}
	return 0;
}

static uint64_t
tx_frames(void)
{
	struct rte_eth_stats s0, s1;

	rte_eth_stats_get(0, &s0);
	rte_eth_stats_get(1, &s1);
	return s0.opackets + s1.opackets;
}

/*
 * Involuntary context switches of all this process's threads: a worker lcore that the
 * kernel takes off its core (a busy, shared machine) shows here, and explains outliers.
 */
static uint64_t
preemptions(void)
{
	char path[64], line[128];
	uint64_t n = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	while (dir != NULL && (d = readdir(dir)) != NULL) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/status", d->d_name);
		f = fopen(path, "r");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "nonvoluntary_ctxt_switches:", 27) == 0)
				n += strtoull(line + 27, NULL, 10);
		if (f != NULL)
			fclose(f);
	}
	if (dir != NULL)
		closedir(dir);
	return n;
}

/* CPU seconds (user + system) of this process's EAL worker threads (rte-worker-N). */
static double
worker_cpu_s(void)
{
	char path[64], buf[512];
	unsigned long long ut, st;
	double s = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	while (dir != NULL && (d = readdir(dir)) != NULL) {
		FILE *f;
		char *p;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/comm", d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p == NULL || strncmp(buf, "rte-worker", 10) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/stat", d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f) != NULL ? strrchr(buf, ')') : NULL;
		fclose(f);
		/* after "comm)": state, then 10 fields, then utime and stime */
		if (p != NULL && sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu",
					&ut, &st) == 2)
			s += (double)(ut + st) / sysconf(_SC_CLK_TCK);
	}
	if (dir != NULL)
		closedir(dir);
	return s;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The TSC when the loop hands a frame to port 1's TX, taken on the worker lcore: the
 * collector's own wake-up (the main lcore shares a busy machine) does not count.
 */
static uint64_t tx_tsc;

static uint16_t
stamp_cb(uint16_t port __rte_unused, uint16_t queue __rte_unused,
	 struct rte_mbuf **pkts __rte_unused, uint16_t nb, void *arg __rte_unused)
{
	if (nb != 0)
		__atomic_store_n(&tx_tsc, rte_rdtsc(), __ATOMIC_RELEASE);
	return nb;
}

/* One frame at a time into port 0's RX ring; wait for it on port 1's TX ring. */
static void
run_latency(const struct opts *o, struct rte_ring *rx0, struct rte_ring *tx1)
{
	uint64_t *lat = calloc(o->latency, sizeof(*lat));
	const double hz = (double)rte_get_tsc_hz();
	unsigned int i, done = 0, over = 0;
	uint64_t pre0;

	if (lat == NULL || rte_eth_add_tx_callback(1, 0, stamp_cb, NULL) == NULL) {
		fprintf(stderr, "bench_fwd: no memory or no TX callbacks\n");
		free(lat);
		return;
	}
	rte_delay_us_sleep(100 * 1000);
	pre0 = preemptions();
	for (i = 0; i < o->latency; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(frame_pool), *out = NULL;
		uint64_t t0, deadline;

		if (m == NULL)
			break;
		m->data_len = build_frame(rte_pktmbuf_mtod(m, uint8_t *), o->mix, i, 0);
		m->pkt_len = m->data_len;
		__atomic_store_n(&tx_tsc, 0, __ATOMIC_RELAXED);
		t0 = rte_rdtsc();
		deadline = t0 + rte_get_tsc_hz();
		rte_ring_enqueue(rx0, m);
		while (rte_ring_dequeue(tx1, (void **)&out) != 0 && rte_rdtsc() < deadline)
			;
		if (rte_rdtsc() >= deadline) {
			printf("# frame %u not delivered within 1 s\n", i);
			break;
		}
		lat[done++] = __atomic_load_n(&tx_tsc, __ATOMIC_ACQUIRE) - t0;
		rte_pktmbuf_free(out);
		/* a random phase against the drain timer */
		rte_delay_us_sleep(200 + (unsigned int)(rte_rand() % 1000));
	}
	qsort(lat, done, sizeof(*lat), cmp_u64);
	for (i = 0; i < done; i++)
		over += lat[i] * 1e6 / hz > o->drain_us + 50;
	if (done > 0)
		printf("result latency loop=%s mix=%s drain_us=%u samples=%u p50_us=%.1f "
		       "p90_us=%.1f p99_us=%.1f max_us=%.1f over_drain_plus_50us=%u "
		       "preemptions=%" PRIu64 "\n", o->vbridge ? "vbridge" : "io",
		       mix_names[o->mix], o->drain_us, done, lat[done / 2] * 1e6 / hz,
		       lat[(done * 9) / 10] * 1e6 / hz, lat[(done * 99) / 100] * 1e6 / hz,
		       lat[done - 1] * 1e6 / hz, over, preemptions() - pre0);
	free(lat);
}

static bool
parse_onoff(const char *s)
{
	return strcmp(s, "on") == 0 || strcmp(s, "1") == 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "loop", required_argument, NULL, 'l' },
		{ "mix", required_argument, NULL, 'm' },
		{ "classifier", required_argument, NULL, 'c' },
		{ "mac-unicast", required_argument, NULL, 'u' },
		{ "macs", required_argument, NULL, 'M' },
		{ "seconds", required_argument, NULL, 's' },
		{ "burst", required_argument, NULL, 'b' },
		{ "drain-us", required_argument, NULL, 'd' },
		{ "latency", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	int c;

	*o = (struct opts){ .vbridge = true, .mix = MIX_UNI64, .classifier = true,
			    .seconds = 5, .burst = 32, .drain_us = 100 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->vbridge = strcmp(optarg, "io") != 0;
			break;
		case 'm':
			for (i = 0; i < RTE_DIM(mix_names); i++)
				if (strcmp(optarg, mix_names[i]) == 0)
					break;
			if (i == RTE_DIM(mix_names)) {
				fprintf(stderr, "bench_fwd: unknown mix '%s'\n", optarg);
				return -1;
			}
			o->mix = i;
			break;
		case 'c':
			o->classifier = parse_onoff(optarg);
			break;
		case 'u':
			o->mac_unicast = parse_onoff(optarg);
			break;
		case 'M':
			o->macs = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 's':
			o->seconds = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'b':
			o->burst = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			o->drain_us = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'L':
			o->latency = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		default:
			return -1;
		}
	}
	if (o->burst == 0 || o->burst > VB_MAX_BURST || o->seconds == 0) {
		fprintf(stderr, "bench_fwd: --burst 1..%d, --seconds > 0\n", VB_MAX_BURST);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES] = { NULL };
	struct rte_ring *ring[4];
	struct vb_worker *worker;
	struct vb_config cfg;
	struct vb_shm_writer seg;
	struct vb_shm *shm;
	struct vb_cls_ctrs cls0, cls1;
	struct opts o;
	unsigned int lcore, p, i;
	uint64_t f0, f1, t0, t1, pre;
	double cpu;
	unsigned int started;
	uint16_t nb_queues;
	char err[256] = "", name[32];
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "bench_fwd: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (parse_opts(argc - ret, argv + ret, &o) != 0)
		return 2;
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "bench_fwd: give two lcores (-l 0,1)\n");
		return 2;
	}
	frame_pool = rte_pktmbuf_pool_create("bench_frames", 2 * FRAMES_PER_DIR + 1023, 0, 0,
					     FRAME_ROOM, rte_socket_id());
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "bench_r%u", i);
		ring[i] = rte_ring_create(name, RING_SIZE, rte_socket_id(),
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
	}
	if (frame_pool == NULL || ring[0] == NULL || ring[3] == NULL) {
		fprintf(stderr, "bench_fwd: no memory for frames or rings\n");
		return 1;
	}
	/*
	 * Throughput: port 0 RX = port 1 TX (ring 0), port 1 RX = port 0 TX (ring 1).
	 * Latency: four rings, the test injects into port 0's RX and collects port 1's TX.
	 */
	for (p = 0; p < 2; p++) {
		struct rte_ring *rx = ring[p];
		struct rte_ring *tx = o.latency ? ring[2 + p] : ring[1 - p];

		snprintf(name, sizeof(name), "net_ring_bench%u", p);
		if (rte_eth_from_rings(name, &rx, 1, &tx, 1, rte_socket_id()) != (int)p) {
			fprintf(stderr, "bench_fwd: cannot create ring port %u\n", p);
			return 1;
		}
	}

	/* vbridge's own set-up, for both loops: the ports are configured the same way. */
	vb_config_defaults(&cfg);
	cfg.cls_enabled = o.classifier;
	cfg.mac_unicast = o.mac_unicast;
	cfg.burst = o.burst;
	cfg.drain_us = o.drain_us;
	shm = vb_shm_create(&seg, &cfg, 1, err, sizeof(err)) == 0 ? seg.shm : NULL;
	worker = rte_zmalloc(NULL, sizeof(*worker), RTE_CACHE_LINE_SIZE);
	if (shm == NULL || worker == NULL) {
		fprintf(stderr, "bench_fwd: no stats segment (%s) or no worker memory\n", err);
		return 1;
	}
	ret = vb_ports_setup(&cfg, shm, 1, pools, &nb_queues, &started, err, sizeof(err));
	if (ret == 0)
		ret = vb_fwd_plan(&cfg, shm, nb_queues, NULL, worker, 1);	/* no capture */
	if (ret != 0) {
		fprintf(stderr, "bench_fwd: set-up: %s\n", err);
		return 1;
	}
	io_burst = o.burst;
	io_streams[0] = (struct io_stream){ .rx_port = 0, .tx_port = 1 };
	io_streams[1] = (struct io_stream){ .rx_port = 1, .tx_port = 0 };

	if (o.latency) {
		rte_eal_remote_launch(o.vbridge ? vb_fwd_loop : io_loop, worker, lcore);
		run_latency(&o, ring[0], ring[3]);
		goto stop;
	}

	for (p = 0; p < 2; p++) {
		mutate[p] = (struct mutate){ .seq = o.mix == MIX_ARP || o.mix == MIX_DUP50,
					     .seq_shift = o.mix == MIX_DUP50, .macs = o.macs,
					     .port = (uint8_t)p };
		if ((mutate[p].seq || mutate[p].macs != 0) &&
		    rte_eth_add_rx_callback(p, 0, mutate_cb, &mutate[p]) == NULL) {
			fprintf(stderr, "bench_fwd: RX callbacks not available\n");
			return 1;
		}
		if (fill(ring[p], o.mix, FRAMES_PER_DIR, p) != 0) {
			fprintf(stderr, "bench_fwd: cannot fill ring %u\n", p);
			return 1;
		}
	}
	rte_eal_remote_launch(o.vbridge ? vb_fwd_loop : io_loop, worker, lcore);
	rte_delay_us_sleep(500 * 1000);		/* warm-up: tables, caches */
	if (o.vbridge)
		vb_shm_sum_cls(shm, 0, &cls0);
	pre = preemptions();
	cpu = worker_cpu_s();
	f0 = tx_frames();
	t0 = rte_rdtsc();
	rte_delay_us_sleep(o.seconds * 1000000ULL);
	f1 = tx_frames();
	t1 = rte_rdtsc();
	pre = preemptions() - pre;
	cpu = worker_cpu_s() - cpu;
	if (o.vbridge)
		vb_shm_sum_cls(shm, 0, &cls1);
	{
		double sec = (double)(t1 - t0) / rte_get_tsc_hz();
		double mpps = (double)(f1 - f0) / sec / 1e6;
		double mpps_cpu = cpu > 0 ? (double)(f1 - f0) / cpu / 1e6 : 0;

		printf("result loop=%s mix=%s classifier=%s mac_unicast=%s macs=%u burst=%u "
		       "mpps=%.3f cycles_per_frame=%.1f cpu_s=%.2f mpps_cpu=%.3f preemptions=%"
		       PRIu64, o.vbridge ? "vbridge" : "io",
		       mix_names[o.mix], o.classifier ? "on" : "off", o.mac_unicast ? "on" : "off",
		       o.macs, o.burst, mpps, rte_get_tsc_hz() / (mpps * 1e6), cpu, mpps_cpu, pre);
		if (o.vbridge && o.classifier)
			printf(" port0_bcast=%" PRIu64 " duplicate=%" PRIu64 " dup_evictions=%"
			       PRIu64 " mac_evictions=%" PRIu64 " mac_moves=%" PRIu64
			       " would_filter=%" PRIu64, cls1.bcast - cls0.bcast,
			       cls1.duplicate - cls0.duplicate,
			       cls1.dup_evictions - cls0.dup_evictions,
			       cls1.mac_evictions - cls0.mac_evictions,
			       cls1.mac_moves - cls0.mac_moves,
			       cls1.would_be_filtered - cls0.would_be_filtered);
		printf("\n");
	}
stop:
	vb_fwd_request_stop();
	__atomic_store_n(&io_quit, true, __ATOMIC_RELAXED);
	rte_eal_wait_lcore(lcore);
	if (!o.vbridge && io_streams[0].dropped + io_streams[1].dropped != 0)
		printf("# io: %" PRIu64 " frames dropped\n",
		       io_streams[0].dropped + io_streams[1].dropped);
	vb_ports_close(shm, shm->nb_ports);
	vb_shm_free(&seg);
	rte_free(worker);
	vb_pools_free(pools);
	return rte_eal_cleanup() ? 1 : 0;
}
