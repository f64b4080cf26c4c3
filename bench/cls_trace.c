/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A differential trace of the classifier's burst path: the same pseudo-random input to two
 * builds must print the same lines (`cls_trace > a` with one build, `> b` with another,
 * `cmp a b`). For a change of the tables' or the parser's code that must not change what is
 * counted: every frame's flags, every counter, every sample and every byte of both tables.
 *
 * The input, from a seed: bursts of 1-64 frames on the ports of two pairs, of broadcast and
 * multicast ARP (every kind, malformed ones), tagged frames, IPv6 ND, plain unicast, runts,
 * frames with a random byte of the first 48 changed or a random length, and replays of
 * earlier frames (duplicates, reflections, loops); time mostly steps ahead, sometimes jumps
 * past the windows and sometimes slips back (another lcore's TSC). Configurations: duplicate
 * tables of 4 to 65,536 entries, MAC tables of 4 to 16,384, --mac-unicast off and on, both
 * duplicate-table hashes where the CPU has both.
 *
 *   cls_trace [--bursts N] [--seed S]
 *       one line per configuration: digests of the flags, the tables' memory and the samples,
 *       and every non-zero counter
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "classify.h"
#include "duptab.h"
#include "mactab.h"
#include "sample.h"

#define TSC_HZ		UINT64_C(2000000000)
#define MAX_BURST	64
#define HISTORY		256	/* earlier frames kept for replays */
#define SLOTS		64

struct frame {
	uint8_t b[128];
	uint32_t len;
};

static uint64_t rng;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * UINT64_C(0x100000001b3);
	return h;
}

static void
put_mac(uint8_t *p, unsigned int host, bool group)
{
	p[0] = group ? 0x01 : 0x02;
	p[1] = 0x00, p[2] = 0x5e, p[3] = 0x00;
	p[4] = (uint8_t)(host >> 8), p[5] = (uint8_t)host;
}

/* A new frame: mostly what storms and the scenario are made of, sometimes anything. */
static void
make_frame(struct frame *f)
{
	uint32_t r = rnd(), kind = r % 16, off = 12, i;
	unsigned int hosts = 1u << (r >> 4 & 7);	/* 1 to 128 source MACs in play */

	memset(f->b, 0, sizeof(f->b));
	if (kind < 9 || kind == 13)
		memset(f->b, 0xff, 6);	/* broadcast */
	else if (kind == 9)
		put_mac(f->b, rnd() % 4, true);
	else
		put_mac(f->b, rnd() % hosts, false);
	put_mac(f->b + 6, rnd() % hosts, (rnd() % 64) == 0);
	if (kind == 7 || kind == 8) {	/* one or two tags */
		unsigned int t, n = kind == 7 ? 1 : 2;
		static const uint16_t tpid[] = { 0x8100, 0x88a8, 0x9100 };

		for (t = 0; t < n; t++) {
			uint16_t tci = (uint16_t)(rnd() % 8);

			f->b[off] = (uint8_t)(tpid[rnd() % 3] >> 8);
			f->b[off + 1] = (uint8_t)tpid[rnd() % 3];
			f->b[off + 2] = (uint8_t)(tci >> 8), f->b[off + 3] = (uint8_t)tci;
			off += 4;
		}
	}
	if (kind == 10) {	/* IPv4 unicast */
		f->b[off] = 0x08, f->b[off + 1] = 0x00, f->b[off + 2] = 0x45;
		f->len = 60;
	} else if (kind == 11 || kind == 12) {	/* IPv6 ND to a group, some from :: */
		uint8_t *ip = f->b + off + 2;

		put_mac(f->b, 1, true);
		f->b[0] = 0x33, f->b[1] = 0x33;
		f->b[off] = 0x86, f->b[off + 1] = 0xdd;
		ip[0] = 0x60, ip[5] = 32, ip[6] = 58, ip[7] = 255;
		if (kind == 11)
			ip[8] = 0xfe, ip[23] = (uint8_t)rnd();
		ip[40] = (uint8_t)(133 + rnd() % 5);
		f->len = off + 2 + 40 + 32;
	} else {	/* ARP: request, reply, probe, announce, gratuitous, other */
		uint8_t *a = f->b + off + 2;
		uint32_t spa = 0xc6120000u | (rnd() % 64), tpa = 0xc6120000u | (rnd() % 64);
		uint32_t op = 1 + rnd() % 2;

		f->b[off] = 0x08, f->b[off + 1] = 0x06;
		a[0] = 0, a[1] = 1, a[2] = 8, a[3] = 0, a[4] = 6, a[5] = 4;
		if (rnd() % 32 == 0)
			op = rnd() % 5;
		a[6] = 0, a[7] = (uint8_t)op;
		memcpy(a + 8, f->b + 6, 6);
		if (rnd() % 8 == 0)
			spa = 0;
		if (rnd() % 8 == 0)
			tpa = spa;
		for (i = 0; i < 4; i++) {
			a[14 + i] = (uint8_t)(spa >> (24 - 8 * i));
			a[24 + i] = (uint8_t)(tpa >> (24 - 8 * i));
		}
		f->len = 60;
	}
	if (rnd() % 8 == 0)	/* a byte of the headers changed */
		f->b[rnd() % 48] ^= (uint8_t)(1 + rnd() % 255);
	if (rnd() % 8 == 0)	/* cut short, or padded */
		f->len = rnd() % 100;
}

struct config {
	uint32_t dup_entries, mac_entries;
	uint8_t mac_unicast;
	enum vb_dup_hash hash;
};

/* Run one configuration over n bursts and print its line. */
static void
run(const struct config *c, uint32_t bursts, uint64_t seed)
{
	static struct frame hist[HISTORY];
	static struct vb_sample smp[SLOTS];
	struct vb_cls_ctrs ctrs[4];
	struct vb_cls_ctx ctx[4];
	struct vb_sample_ctrs sc;
	struct vb_sample_read_stats st;
	void *dup, *mac, *ring;
	uint64_t now = TSC_HZ, h_flags = UINT64_C(0xcbf29ce484222325), h_smp = h_flags;
	uint32_t b, i, nh = 0, ns;
	unsigned int p;

	dup = aligned_alloc(64, RTE_ALIGN_CEIL(vb_duptab_mem_size(c->dup_entries), 64));
	mac = aligned_alloc(64, RTE_ALIGN_CEIL(vb_mactab_mem_size(c->mac_entries), 64));
	ring = aligned_alloc(64, RTE_ALIGN_CEIL(vb_sample_mem_size(SLOTS, VB_SAMPLE_SNAP_DEF), 64));
	if (dup == NULL || mac == NULL || ring == NULL) {
		fprintf(stderr, "cls_trace: out of memory\n");
		exit(1);
	}
	memset(dup, 0, vb_duptab_mem_size(c->dup_entries));
	memset(mac, 0, vb_mactab_mem_size(c->mac_entries));
	memset(ring, 0, vb_sample_mem_size(SLOTS, VB_SAMPLE_SNAP_DEF));
	/* windows of 50 us and 3 ms, so that time's jumps expire and age entries */
	if (vb_duptab_init_hash(dup, c->dup_entries, 48 + (uint32_t)(seed % 3) * 40,
				TSC_HZ / 20000, c->hash) != 0 ||
	    vb_mactab_init(mac, c->mac_entries, TSC_HZ / 333) != 0 ||
	    vb_sample_init(ring, SLOTS, VB_SAMPLE_SNAP_DEF, 20000, 8, TSC_HZ) != 0) {
		fprintf(stderr, "cls_trace: table init failed\n");
		exit(1);
	}
	memset(ctrs, 0, sizeof(ctrs));
	for (p = 0; p < 4; p++)
		ctx[p] = (struct vb_cls_ctx){
			.duptab = dup, .mactab = mac, .samples = ring, .ctrs = &ctrs[p],
			.sample_mask = VB_CLS_SAMPLE_DEFAULT, .rx_port = (uint8_t)p,
			.tx_port = (uint8_t)(p ^ 1), .pair = (uint8_t)(p / 2),
			.mac_unicast = c->mac_unicast, .rx_queue = 0,
		};
	rng = seed | 1;
	for (b = 0; b < bursts; b++) {
		static struct frame fr[MAX_BURST];
		struct vb_cls_pkt pk[MAX_BURST];
		uint32_t fl[MAX_BURST], n = 1 + rnd() % MAX_BURST, t = rnd() % 64;
		/* a storm: one frame repeated, or new ones of one shape, for part of the bursts */
		bool storm = rnd() % 4 == 0;

		p = rnd() % 4;
		if (t == 0)
			now += TSC_HZ / 100;	/* past both windows */
		else if (t == 1)
			now -= TSC_HZ / 1000000;	/* another lcore's slightly earlier TSC */
		else
			now += rnd() % (TSC_HZ / 100000);
		for (i = 0, ns = 0; i < n; i++) {
			if (storm && i > 0 && rnd() % 2 == 0) {
				fr[i] = fr[i - 1];
				fr[i].b[41] = (uint8_t)(fr[i].b[41] + rnd() % 2);
			} else if (nh > 0 && rnd() % 4 == 0) {
				/* mostly a recent one: within the window, on either port */
				uint32_t back = rnd() % 4 == 0 ? rnd() % HISTORY : rnd() % 16;

				fr[i] = hist[(nh - 1 - RTE_MIN(back, nh - 1)) % HISTORY];
			} else {
				make_frame(&fr[i]);
				hist[nh++ % HISTORY] = fr[i];
			}
			if (vb_cls_needs_slow(&ctx[p], fr[i].b, fr[i].len))
				pk[ns++] = (struct vb_cls_pkt){ fr[i].b, fr[i].len, fr[i].len };
		}
		if (ns == 0)
			continue;
		vb_cls_burst_slow(&ctx[p], pk, ns, now, fl);
		h_flags = fnv(h_flags, fl, ns * sizeof(fl[0]));
	}
	vb_sample_ctrs_read(ring, &sc);
	ns = vb_sample_read(ring, 0, smp, SLOTS, &st);
	for (i = 0; i < ns; i++) {
		h_smp = fnv(h_smp, &smp[i].seq, sizeof(smp[i].seq));
		h_smp = fnv(h_smp, &smp[i].tsc, sizeof(smp[i].tsc));
		h_smp = fnv(h_smp, &smp[i].reason, sizeof(smp[i].reason));
		h_smp = fnv(h_smp, &smp[i].port, sizeof(smp[i].port));
		h_smp = fnv(h_smp, &smp[i].orig_len, sizeof(smp[i].orig_len));
		h_smp = fnv(h_smp, smp[i].data, smp[i].cap_len);
	}
	printf("dup %u mac %u mac_unicast %u hash %s: flags %016" PRIx64 " duptab %016" PRIx64
	       " mactab %016" PRIx64 " samples %" PRIu64 "/%" PRIu64 " %016" PRIx64, c->dup_entries,
	       c->mac_entries, c->mac_unicast, vb_dup_hash_name(c->hash), h_flags,
	       fnv(UINT64_C(0xcbf29ce484222325), dup, vb_duptab_mem_size(c->dup_entries)),
	       fnv(UINT64_C(0xcbf29ce484222325), mac, vb_mactab_mem_size(c->mac_entries)),
	       sc.written, sc.suppressed, h_smp);
	for (p = 0; p < 4; p++)
		for (i = 0; i < VB_CLS_CTR_COUNT; i++)
			if (ctrs[p].v[i] != 0)
				printf(" %u.%s=%" PRIu64, p, vb_cls_ctr_desc[i].name, ctrs[p].v[i]);
	printf("\n");
	free(dup);
	free(mac);
	free(ring);
}

int
main(int argc, char **argv)
{
	static const uint32_t dup_sizes[] = { 4, 64, 1024, 65536 };
	static const uint32_t mac_sizes[] = { 4, 64, 16384 };
	uint32_t bursts = 20000, d, m, u, hsh;
	uint64_t seed = 1;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bursts") == 0 && i + 1 < argc) {
			bursts = (uint32_t)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: cls_trace [--bursts N] [--seed S]\n");
			return 2;
		}
	}
	for (hsh = 0; hsh < 2; hsh++) {
		enum vb_dup_hash hash = hsh == 0 ? VB_DUP_HASH_CRC : VB_DUP_HASH_AES;

		if (hash == VB_DUP_HASH_AES && vb_dup_hash_best() != VB_DUP_HASH_AES)
			continue;
		for (d = 0; d < RTE_DIM(dup_sizes); d++)
			for (m = 0; m < RTE_DIM(mac_sizes); m++)
				for (u = 0; u < 2; u++) {
					const struct config c = { dup_sizes[d], mac_sizes[m],
								  (uint8_t)u, hash };

					run(&c, bursts, seed + d * 7 + m * 3 + u);
				}
	}
	return 0;
}
