/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the per-frame chain (vb_cls_frame: classifier, duplicate table, MAC
 * table, sample ring) fed an arbitrary sequence of frames, ports and times, with the
 * readers (occupancy, vb_mactab_read, vb_sample_read) run in between.
 *
 * Input: an 8-byte header choosing the geometry (small tables, so that buckets fill, entries
 * are evicted and the sample ring wraps), then records:
 *   op (1) | dt (2, little endian) | len (2) | len frame bytes (cut to what is left)
 * op bit 0: received on the second port of the pair; bit 1: on the second pair;
 * bits 2-3: time step (+dt, +dt<<24, -dt: another lcore's slightly older TSC, jump to dt<<40);
 * bit 4: run the readers afterwards; bit 5: replay the previous frame instead of reading one
 * (from the port bit 0 says), so duplicates, reflections, loops and MAC moves happen often;
 * bit 6: pkt_len larger than the readable bytes (a multi-segment mbuf).
 * Each frame is copied into a heap block of its exact length: ASan reports any read past it.
 *
 * Checked beyond "no crash, no sanitizer report": the verdict bits are exclusive and only on
 * broadcast/multicast frames; a frame replayed at once from the same port is a DUPLICATE, from
 * the peer REFLECTED or LOOPED; a unicast source replayed at once from the peer is a MAC move;
 * readers never report more than the table holds, nor a sample longer than the snap length;
 * every offered sample is either written or suppressed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TSC_HZ		UINT64_C(1000000000)
#define MAX_FRAME	9728
#define NB_PORTS	4

#define EXPECT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_tables: %s (record %u, flags 0x%x)\n", #cond, rec, f); \
		abort(); \
	} \
} while (0)

static void *
aligned(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, size) != 0)
		abort();
	return p;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The readers a monitor runs: occupancy, a walk of the MAC table, the sample ring. */
static void
run_readers(void *dup, void *mac, void *smp, uint64_t now, uint64_t *sample_from,
	    uint32_t snap_len, uint32_t sample_mask)
{
	static struct vb_sample samples[16];
	struct vb_mac_entry me[8];
	struct vb_sample_read_stats st;
	uint32_t pos = 0, got, total = 0, torn = 0, i, n;
	uint64_t prev = 0;

	if (vb_duptab_occupancy(dup, now) > vb_duptab_entries(dup))
		abort();
	if (vb_mactab_occupancy(mac, now) > vb_mactab_entries(mac))
		abort();
	do {
		got = vb_mactab_read(mac, &pos, me, RTE_DIM(me), now, &torn);
		if (got > RTE_DIM(me))
			abort();
		for (i = 0; i < got; i++)
			if (me[i].port >= NB_PORTS || me[i].pair >= 2 || me[i].vlan > 4095 ||
			    (me[i].mac[0] & 1) != 0)
				abort();
		total += got;
	} while (pos < vb_mactab_entries(mac));
	if (total > vb_mactab_entries(mac) || torn != 0)
		abort();

	n = vb_sample_read(smp, *sample_from, samples, RTE_DIM(samples), &st);
	if (n > RTE_DIM(samples) || st.torn != 0)
		abort();
	for (i = 0; i < n; i++) {
		if (samples[i].cap_len > snap_len || samples[i].cap_len > samples[i].orig_len ||
		    (samples[i].reason & sample_mask) == 0 || samples[i].port >= NB_PORTS ||
		    (i > 0 && samples[i].seq <= prev))
			abort();
		prev = samples[i].seq;
	}
	*sample_from = st.next;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vb_cls_ctrs ctrs[NB_PORTS];
	uint32_t dup_entries, mac_entries, slots, hash_len, snap_len, rate, rec = 0, f = 0;
	uint64_t window, ageing, now = UINT64_C(1) << 40, sample_from = 0, offered;
	struct vb_cls_ctx ctx[NB_PORTS];
	struct vb_sample_ctrs sc;
	uint8_t *frame = NULL;
	uint32_t len = 0, pkt_len = 0, prev_flags = 0;
	int prev_port = -1;
	void *dup, *mac, *smp;
	const uint8_t *p = data, *end = data + size;
	unsigned int i;

	if (size < 8 || size > 65536)
		return -1;
	dup_entries = 4u << (p[0] & 3);
	mac_entries = 4u << (p[0] >> 2 & 3);
	slots = 2u << (p[0] >> 4 & 3);
	hash_len = p[1] == 0 ? VB_DUPTAB_HASH_LEN_MAX : p[1];
	window = (uint64_t)(le16(p + 2) + 1) << (p[4] % 30);	/* < 2^46 */
	ageing = (uint64_t)(le16(p + 5) + 1) << (VB_MAC_TSHIFT + (p[4] >> 5));
	snap_len = (uint32_t)p[7] + 1;
	rate = p[0] & 0x40 ? 0 : 1000;
	p += 8;

	dup = aligned(vb_duptab_mem_size(dup_entries));
	mac = aligned(vb_mactab_mem_size(mac_entries));
	smp = aligned(vb_sample_mem_size(slots, snap_len));
	if (vb_duptab_init(dup, dup_entries, hash_len, window) != 0 ||
	    vb_mactab_init(mac, mac_entries, ageing) != 0 ||
	    vb_sample_init(smp, slots, snap_len, rate, VB_SAMPLE_BURST_DEF, TSC_HZ) != 0)
		abort();

	memset(ctrs, 0, sizeof(ctrs));
	for (i = 0; i < NB_PORTS; i++) {
		ctx[i] = (struct vb_cls_ctx){
			.duptab = dup, .mactab = mac, .samples = smp, .ctrs = &ctrs[i],
			.sample_mask = VB_CLS_SAMPLE_DEFAULT | VB_CLS_MALFORMED,
			.rx_port = (uint8_t)i, .tx_port = (uint8_t)(i ^ 1), .pair = (uint8_t)(i / 2),
			.mac_unicast = (data[0] & 0x80) != 0, .rx_queue = 0,
		};
	}

	while (end - p >= 5) {
		uint8_t op = p[0];
		uint16_t dt = le16(p + 1);
		uint16_t want = le16(p + 3);
		int port = (op & 1) | (op & 2);
		bool replay = (op & 0x20) != 0 && frame != NULL;

		p += 5;
		rec++;
		switch (op >> 2 & 3) {
		case 0:
			now += dt;
			break;
		case 1:
			now += (uint64_t)dt << 24;
			break;
		case 2:
			now -= dt;
			break;
		default:
			now = (uint64_t)dt << 40;
			break;
		}
		if (replay) {
			/* the same frame, now from `port` (on the same pair as before) */
			port = (prev_port & 2) | (op & 1);
		} else {
			free(frame);
			len = RTE_MIN((uint32_t)want % (MAX_FRAME + 1), (uint32_t)(end - p));
			/* malloc(0): ASan returns a block with no readable byte */
			frame = malloc(len);
			if (frame == NULL)
				abort();
			memcpy(frame, p, len);
			p += len;
			pkt_len = len + ((op & 0x40) ? dt : 0);
		}

		f = vb_cls_frame(&ctx[port], frame, len, pkt_len, now);

		EXPECT(__builtin_popcount(f & (VB_CLS_DUPLICATE | VB_CLS_REFLECTED |
					       VB_CLS_LOOPED)) <= 1);
		if (f & (VB_CLS_DUPLICATE | VB_CLS_REFLECTED | VB_CLS_LOOPED))
			EXPECT((f & (VB_CLS_BCAST | VB_CLS_MCAST)) != 0);
		/* Immediately replayed (no time step, nothing in between): the tables must see it. */
		if (replay && (op & 0x0c) == 0 && dt == 0 && len >= VB_ETH_HLEN &&
		    (now & ((UINT64_C(1) << 48) - 1)) != 0) {
			if (f & (VB_CLS_BCAST | VB_CLS_MCAST)) {
				if (port == prev_port)
					EXPECT((f & VB_CLS_DUPLICATE) != 0);
				else
					EXPECT((f & (VB_CLS_REFLECTED | VB_CLS_LOOPED)) != 0);
			}
			if (port != prev_port && (frame[VB_ETH_SRC_OFF] & 1) == 0 &&
			    (prev_flags != 0 || ctx[port].mac_unicast))
				EXPECT((f & VB_CLS_MAC_MOVED) != 0);
		}
		prev_port = port;
		prev_flags = f;

		if (op & 0x10)
			run_readers(dup, mac, smp, now, &sample_from, snap_len,
				    ctx[0].sample_mask);
	}
	run_readers(dup, mac, smp, now, &sample_from, snap_len, ctx[0].sample_mask);

	/* Every frame offered to the ring was stored or refused by the rate limit. */
	offered = 0;
	for (i = 0; i < NB_PORTS; i++)
		offered += ctrs[i].samples;
	vb_sample_ctrs_read(smp, &sc);
	if (sc.written + sc.suppressed != offered) {
		fprintf(stderr, "fuzz_tables: %lu offered, %lu written + %lu suppressed\n",
			(unsigned long)offered, (unsigned long)sc.written,
			(unsigned long)sc.suppressed);
		abort();
	}

	free(frame);
	free(dup);
	free(mac);
	free(smp);
	return 0;
}
