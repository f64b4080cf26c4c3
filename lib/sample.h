/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sample ring: one per worker lcore, in shared memory. The lcore (the only writer) copies
 * interesting frames, truncated to a snap length, into a fixed number of slots, overwriting
 * the oldest, so that a monitor attaching late still sees recent history. Any number of
 * readers, in any process, copy samples out without writing anything: a reader that stalls or
 * crashes cannot affect the writer.
 *
 * Each slot carries a sequence number, seqlock style: while sample n (counting from 0) is
 * being written its slot holds 2n+1, once complete 2n+2. A reader copies the slot and checks
 * the number again: a change, or an odd number, means the slot was torn by the writer and the
 * copy is discarded (reported as torn); a number beyond 2n+2 means sample n was overwritten
 * before the reader got to it (reported as lost).
 *
 * A token bucket in TSC ticks limits the rate (each sample costs tsc_hz / rate ticks of
 * credit, computed once at init; no divide per frame), so a broadcast storm costs the
 * datapath at most `rate` copies per second.
 */
#ifndef VB_SAMPLE_H
#define VB_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VB_SAMPLE_SNAP_DEF	128	/* bytes kept of each frame by default */
#define VB_SAMPLE_SNAP_MAX	256
#define VB_SAMPLE_SLOTS_DEF	512
#define VB_SAMPLE_SLOTS_MAX	(1u << 20)
#define VB_SAMPLE_RATE_DEF	1000	/* samples per second per lcore */
#define VB_SAMPLE_BURST_DEF	32	/* samples the bucket holds: a burst taken at once */

/* A sample as a reader copies it out. */
struct vb_sample {
	uint64_t seq;		/* sample number on its ring, from 0 */
	uint64_t tsc;		/* TSC when the frame's burst was received */
	uint32_t reason;	/* VB_CLS_* flags of the frame */
	uint16_t port;		/* bridge port it arrived on */
	uint16_t queue;		/* rx queue */
	uint32_t orig_len;	/* the frame's length */
	uint16_t cap_len;	/* bytes in data, <= the ring's snap length */
	uint16_t tag;		/* VB_CLS_POLICY: the rule number (0: the default) */
	uint8_t data[VB_SAMPLE_SNAP_MAX];
};

/* Writer-side counters (read with relaxed loads by vb_sample_ctrs_read). */
struct vb_sample_ctrs {
	uint64_t written;	/* samples stored (= the next sample number) */
	uint64_t overwritten;	/* stored over an older sample */
	uint64_t suppressed;	/* refused by the rate limit */
};

/* What one vb_sample_read call saw. */
struct vb_sample_read_stats {
	uint64_t next;		/* pass as `from` to the next call */
	uint64_t lost;		/* samples >= from overwritten before they could be copied */
	uint32_t torn;		/* slots being written while copied, skipped */
};

/* Bytes needed for a ring of nb_slots slots of snap_len bytes, header included. */
size_t vb_sample_mem_size(uint32_t nb_slots, uint32_t snap_len);

/*
 * Initialise a ring in mem (64-byte aligned, vb_sample_mem_size() bytes) before its lcore
 * starts. nb_slots: power of two in [2, VB_SAMPLE_SLOTS_MAX]; snap_len: 1..VB_SAMPLE_SNAP_MAX;
 * rate: samples per second (0: no limit); burst: bucket depth in samples (>= 1);
 * tsc_hz: rte_get_tsc_hz(). Returns 0 or -EINVAL.
 */
int vb_sample_init(void *mem, uint32_t nb_slots, uint32_t snap_len, uint32_t rate,
		   uint32_t burst, uint64_t tsc_hz);

/*
 * Writer (the owning lcore only): store a sample of the frame (data: len readable bytes;
 * orig_len: the frame's full length) unless the rate limit refuses it. Returns true when
 * stored. No allocation, no lock, no divide.
 */
bool vb_sample_put(void *mem, uint64_t now, uint32_t reason, uint16_t port, uint16_t queue,
		   const uint8_t *data, uint32_t len, uint32_t orig_len);

/* As vb_sample_put(), with a tag the reader gets back (a policy rule number). */
bool vb_sample_put_tag(void *mem, uint64_t now, uint32_t reason, uint16_t tag, uint16_t port,
		       uint16_t queue, const uint8_t *data, uint32_t len, uint32_t orig_len);

/*
 * Writer: count n samples refused without asking (the caller knows the bucket is empty:
 * vb_sample_put refused one at the same `now`, and the bucket refills with time only).
 */
void vb_sample_suppressed(void *mem, uint64_t n);

/*
 * Reader (any process, read-only): copy out up to max samples numbered >= from, oldest
 * first, into out. Torn and lost samples are skipped and counted in *st; st->next is the
 * number to pass as `from` next time (0 the first time for all history still held).
 * Returns the number copied.
 */
uint32_t vb_sample_read(const void *mem, uint64_t from, struct vb_sample *out, uint32_t max,
			struct vb_sample_read_stats *st);

/* Reader: the writer's counters, relaxed loads; all zero when mem is NULL (no ring). */
void vb_sample_ctrs_read(const void *mem, struct vb_sample_ctrs *c);

/* Reader: the ring's geometry; 0 if mem does not hold an initialised ring. */
uint32_t vb_sample_nb_slots(const void *mem);
uint32_t vb_sample_snap_len(const void *mem);

#endif /* VB_SAMPLE_H */
