/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier alone: vb_cls_frame over one kind of frame at a time, with the default
 * tables (duplicate table 4096 entries, MAC table 16384, one sample ring of 512 slots at
 * 1000 samples/s), as the forwarding loop calls it. No EAL: the classifier is pure.
 *
 * Every iteration first rewrites a few bytes of one 64-byte frame (a sequence number, the
 * source MAC) so that a storm is a storm of different frames, then classifies it; `now` is
 * read once per 32 frames, as the loop reads it once per burst. The frame stays in L1: in the
 * loop its header was prefetched. Kind "none" runs the same rewriting without the classifier:
 * its cost is the harness, subtracted from the other kinds' cost ("net").
 *
 *   bench_classify [--iters N] [--reps R] [--burst B] [--hash crc|aes] [KIND...]
 *                                                          TSC cycles per frame
 *     --burst 1: one vb_cls_frame call per frame; B (default 32): B frames, then the burst
 *     classified as lib/fwd.c does (fast path over the burst, vb_cls_burst_slow for the rest)
 *     --hash: the duplicate table's hash (default: vb_duptab_init's choice for this CPU)
 *   valgrind --tool=callgrind --toggle-collect='measure*' bench_classify --iters 200000 KIND
 *                                                          instructions (Ir) per frame
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "classify.h"
#include "duptab.h"
#include "mactab.h"
#include "sample.h"

#define NOW_EVERY	32	/* frames per TSC read, as per burst in the loop */
#define MAX_BURST	256

enum layout {
	L_IPV4,		/* unicast IPv4; sequence number in the IPv4 ID */
	L_ARP,		/* broadcast ARP request; sequence number in the target IP */
};

struct kind {
	const char *name;
	const char *what;
	enum layout layout;
	bool classify;		/* false: harness only */
	bool mac_unicast;	/* --mac-unicast on */
	uint32_t nb_macs;	/* distinct source MACs, cycled */
	unsigned int seq_shift;	/* sequence = i >> seq_shift; 1: every frame twice */
	bool same;		/* the same frame every time (sequence stays 0) */
};

static const struct kind kinds[] = {
	{ "none", "harness only: rewrite the frame, no classifier", L_IPV4, false, false, 1, 0,
	  false },
	{ "unicast", "unicast IPv4 64 B (fast path)", L_IPV4, true, false, 1, 0, false },
	{ "unicast_mac1", "unicast IPv4, --mac-unicast on, 1 source MAC", L_IPV4, true, true,
	  1, 0, false },
	{ "unicast_mac1k", "unicast IPv4, --mac-unicast on, 1000 source MACs", L_IPV4, true,
	  true, 1000, 0, false },
	{ "unicast_mac1m", "unicast IPv4, --mac-unicast on, 1,000,000 source MACs", L_IPV4, true,
	  true, 1000000, 0, false },
	{ "arp", "broadcast ARP requests, all different (duplicate table: new)", L_ARP, true,
	  false, 1, 0, false },
	{ "arp_dup50", "broadcast ARP, every frame twice (50 % duplicates)", L_ARP, true, false,
	  1, 1, false },
	{ "arp_same", "the same broadcast ARP again and again (duplicate lookups)", L_ARP,
	  true, false, 1, 0, true },
	{ "arp_mac1k", "broadcast ARP, all different, 1000 source MACs", L_ARP, true, false,
	  1000, 0, false },
	{ "arp_mac1m", "broadcast ARP, all different, 1,000,000 source MACs", L_ARP, true, false,
	  1000000, 0, false },
};

static void
build_frame(uint8_t *f, enum layout layout)
{
	static const uint8_t dst_uni[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
	static const uint8_t ipv4[] = { 0x08, 0x00, 0x45, 0x00, 0x00, 0x32, 0x00, 0x00, 0x40,
					0x00, 0x40, 0x11, 0x00, 0x00, 198, 18, 0, 1, 198, 18,
					0, 2 };
	static const uint8_t arp[] = { 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00,
				       0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 198, 18, 0,
				       1, 0, 0, 0, 0, 0, 0, 198, 18, 0, 2 };

	memset(f, 0, 64);
	if (layout == L_IPV4) {
		memcpy(f, dst_uni, 6);
		memcpy(f + 12, ipv4, sizeof(ipv4));
	} else {
		memset(f, 0xff, 6);
		memcpy(f + 12, arp, sizeof(arp));
	}
	f[6] = 0x02;	/* locally administered, unicast source, never the destination */
	f[7] = 0x01;
}

/* Source MAC number m: 02:01:xx:xx:xx:xx, consecutive numbers as in a VM farm. */
static inline void
set_src(uint8_t *f, uint32_t m)
{
	f[8] = (uint8_t)(m >> 24);
	f[9] = (uint8_t)(m >> 16);
	f[10] = (uint8_t)(m >> 8);
	f[11] = (uint8_t)m;
}

static inline void
set_seq(uint8_t *f, enum layout layout, uint32_t s)
{
	/* IPv4 ID (bytes 18-19 and the TTL's neighbour) or the ARP target IP's last bytes */
	uint8_t *p = layout == L_IPV4 ? f + 16 : f + 38;

	memcpy(p, &s, 4);
}

struct tables {
	void *dup;
	void *mac;
	void *smp;
	struct vb_cls_ctrs ctrs;
};

static void *
alloc64(size_t n)
{
	void *p = aligned_alloc(64, RTE_ALIGN_CEIL(n, 64));

	if (p == NULL) {
		fprintf(stderr, "bench_classify: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	memset(p, 0, n);
	return p;
}

/* The defaults of lib/config.c: dup 4096 entries, 128 bytes, 50 ms; MAC 16384, 300 s. */
static void
tables_init(struct tables *t, uint64_t hz, enum vb_dup_hash hash)
{
	int ret;

	memset(&t->ctrs, 0, sizeof(t->ctrs));
	ret = vb_duptab_init_hash(t->dup, 4096, VB_DUPTAB_DEF_HASH_LEN, hz / 1000 * 50, hash);
	ret |= vb_mactab_init(t->mac, 16384, RTE_MIN(hz * 300, UINT64_C(1) << 42));
	ret |= vb_sample_init(t->smp, VB_SAMPLE_SLOTS_DEF, VB_SAMPLE_SNAP_DEF, VB_SAMPLE_RATE_DEF,
			      VB_SAMPLE_BURST_DEF, hz);
	if (ret != 0) {
		fprintf(stderr, "bench_classify: table init failed\n");
		exit(1);
	}
}

static uint32_t sink;	/* keeps the classifier's result alive */

/*
 * The measured loop; the name is what --toggle-collect='measure*' counts under callgrind.
 * burst 1: vb_cls_frame per frame. burst B > 1: B frames rewritten, then classified as the
 * loop does (lib/fwd.c classify_burst): the fast path over the burst, the rest at once.
 */
__attribute__((noinline)) static uint64_t
measure(const struct kind *k, const struct vb_cls_ctx *ctx, uint8_t (*f)[64], unsigned int burst,
	uint64_t iters)
{
	struct vb_cls_pkt slow[MAX_BURST];
	uint32_t flags[MAX_BURST];
	uint64_t i, t0, now = rte_rdtsc();
	uint32_t acc = 0, m = 0;
	unsigned int j, ns;

	t0 = rte_rdtsc();
	if (burst == 1) {
		for (i = 0; i < iters; i++) {
			if ((i & (NOW_EVERY - 1)) == 0)
				now = rte_rdtsc();
			if (!k->same)
				set_seq(f[0], k->layout, (uint32_t)(i >> k->seq_shift));
			set_src(f[0], m);
			if (++m == k->nb_macs)
				m = 0;
			if (k->classify)
				acc += vb_cls_frame(ctx, f[0], 64, 64, now);
			else
				__asm__ volatile("" : : "r"(f) : "memory");
		}
	} else {
		for (i = 0; i < iters; i += burst) {
			now = rte_rdtsc();
			for (j = 0; j < burst; j++) {
				if (!k->same)
					set_seq(f[j], k->layout, (uint32_t)((i + j) >> k->seq_shift));
				set_src(f[j], m);
				if (++m == k->nb_macs)
					m = 0;
			}
			if (!k->classify) {
				__asm__ volatile("" : : "r"(f) : "memory");
				continue;
			}
			for (j = 0, ns = 0; j < burst; j++)
				if (vb_cls_needs_slow(ctx, f[j], 64))
					slow[ns++] = (struct vb_cls_pkt){ f[j], 64, 64 };
			if (ns != 0) {
				vb_cls_burst_slow(ctx, slow, ns, now, flags);
				acc += flags[0];
			}
		}
	}
	sink += acc;
	return rte_rdtsc() - t0;
}

static uint64_t
tsc_hz_calibrate(void)
{
	struct timespec a, b;
	uint64_t t0, t1;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = rte_rdtsc();
	do
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 200000000L);
	t1 = rte_rdtsc();
	return (t1 - t0) * 1000000000ULL /
	       (uint64_t)((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec));
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static const struct kind *
find_kind(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

static void
usage(void)
{
	unsigned int i;

	printf("Usage: bench_classify [--iters N] [--reps R] [--burst B] [--hash crc|aes] "
	       "[KIND...]\n"
	       "Prints TSC cycles per frame of vb_cls_frame (median and min over R runs of N\n"
	       "frames), gross and net of the harness (kind none). --burst 1: a vb_cls_frame\n"
	       "call per frame; B (1-256, default 32): bursts as lib/fwd.c classifies them.\n"
	       "--hash: the duplicate table's hash (default: the one chosen for this CPU).\n"
	       "Kinds (default all):\n");
	for (i = 0; i < RTE_DIM(kinds); i++)
		printf("  %-14s %s\n", kinds[i].name, kinds[i].what);
	printf("Instructions per frame: valgrind --tool=callgrind --toggle-collect='measure*' "
	       "bench_classify --iters 200000 --reps 1 KIND; Ir total / N.\n");
}

int
main(int argc, char **argv)
{
	const struct kind *sel[RTE_DIM(kinds)];
	uint64_t iters = 5000000, hz;
	unsigned int nsel = 0, reps = 5, burst = 32, r, s, i;
	double harness = 0;
	enum vb_dup_hash hash = vb_dup_hash_best();
	struct tables t;
	static uint8_t frames[MAX_BURST][64] __rte_aligned(64);

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--iters") == 0 && i + 1 < (unsigned int)argc) {
			iters = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--burst") == 0 && i + 1 < (unsigned int)argc) {
			burst = (unsigned int)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < (unsigned int)argc) {
			reps = (unsigned int)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--hash") == 0 && i + 1 < (unsigned int)argc) {
			i++;
			if (strcmp(argv[i], "crc") == 0) {
				hash = VB_DUP_HASH_CRC;
			} else if (strcmp(argv[i], "aes") == 0 &&
				   vb_dup_hash_best() == VB_DUP_HASH_AES) {
				hash = VB_DUP_HASH_AES;
			} else {
				fprintf(stderr, "bench_classify: --hash crc, or aes on a CPU with "
					"AES-NI\n");
				return 2;
			}
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage();
			return 0;
		} else if ((sel[nsel] = find_kind(argv[i])) != NULL && nsel < RTE_DIM(kinds) - 1) {
			nsel++;
		} else {
			fprintf(stderr, "bench_classify: unknown argument '%s' (--help)\n", argv[i]);
			return 2;
		}
	}
	if (iters == 0 || reps == 0 || reps > 100 || burst == 0 || burst > MAX_BURST) {
		fprintf(stderr, "bench_classify: --iters > 0, --reps 1..100, --burst 1..%d\n",
			MAX_BURST);
		return 2;
	}
	if (nsel == 0)
		for (i = 0; i < RTE_DIM(kinds); i++)
			sel[nsel++] = &kinds[i];

	hz = tsc_hz_calibrate();
	t.dup = alloc64(vb_duptab_mem_size(4096));
	t.mac = alloc64(vb_mactab_mem_size(16384));
	t.smp = alloc64(vb_sample_mem_size(VB_SAMPLE_SLOTS_DEF, VB_SAMPLE_SNAP_DEF));
	iters = RTE_ALIGN_CEIL(iters, burst);
	printf("# TSC %.3f GHz, %" PRIu64 " frames x %u runs per kind, bursts of %u, %s hash\n",
	       hz / 1e9, iters, reps, burst, vb_dup_hash_name(hash));
	printf("%-14s %10s %10s %10s  %s\n", "kind", "median", "min", "net", "(TSC cycles/frame)");

	for (s = 0; s < nsel; s++) {
		const struct kind *k = sel[s];
		struct vb_cls_ctx ctx;
		double c[100];

		for (r = 0; r < reps; r++) {
			tables_init(&t, hz, hash);
			ctx = (struct vb_cls_ctx){
				.duptab = t.dup, .mactab = t.mac, .samples = t.smp,
				.ctrs = &t.ctrs, .sample_mask = VB_CLS_SAMPLE_DEFAULT,
				.rx_port = 0, .tx_port = 1, .pair = 0,
				.mac_unicast = k->mac_unicast, .rx_queue = 0,
			};
			for (i = 0; i < burst; i++)
				build_frame(frames[i], k->layout);
			c[r] = (double)measure(k, &ctx, frames, burst, iters) / (double)iters;
		}
		qsort(c, reps, sizeof(c[0]), cmp_dbl);
		if (strcmp(k->name, "none") == 0)
			harness = c[reps / 2];
		printf("%-14s %10.1f %10.1f %10.1f  %s\n", k->name, c[reps / 2], c[0],
		       k->classify ? c[reps / 2] - harness : 0.0, k->what);
		if (k->classify)
			printf("#   counters: bcast %" PRIu64 " duplicate %" PRIu64 " dup_evictions %"
			       PRIu64 " mac_inserts %" PRIu64 " mac_evictions %" PRIu64
			       " samples %" PRIu64 "\n", t.ctrs.bcast, t.ctrs.duplicate,
			       t.ctrs.dup_evictions, t.ctrs.mac_inserts, t.ctrs.mac_evictions,
			       t.ctrs.samples);
	}
	free(t.dup);
	free(t.mac);
	free(t.smp);
	return sink == 0xdeadbeef;
}
