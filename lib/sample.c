/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-lcore sample ring; see sample.h for the protocol between writer and readers. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "sample.h"

#define VB_SAMPLE_MAGIC		0x5642534d504c5231ULL	/* "VBSMPLR1" */

/* Line 0: geometry, written once by init. Line 1: the writer's state and counters. */
struct vb_sample_hdr {
	uint64_t magic;
	uint32_t nb_slots;
	uint32_t mask;
	uint32_t snap_len;
	uint32_t slot_size;
	uint64_t cost;		/* TSC ticks of credit one sample costs; 0: no limit */
	uint64_t credit_max;	/* burst * cost */
	uint64_t reserved0[3];
	/* writer only (readers load the first four with relaxed atomics) */
	uint64_t head;		/* next sample number */
	uint64_t written;
	uint64_t overwritten;
	uint64_t suppressed;
	uint64_t credit;
	uint64_t last_tsc;
	uint64_t reserved1[2];
};

struct vb_sample_slot {
	uint64_t seq;		/* 2n+1 while sample n is written, 2n+2 when complete */
	uint64_t tsc;
	uint32_t reason;
	uint16_t port;
	uint16_t queue;
	uint32_t orig_len;
	uint16_t cap_len;
	uint16_t tag;
	uint8_t data[];
};

_Static_assert(sizeof(struct vb_sample_hdr) == 128, "header is two cache lines");
_Static_assert(sizeof(struct vb_sample_slot) == 32, "slot header");

static inline uint32_t
slot_size(uint32_t snap_len)
{
	return RTE_ALIGN_CEIL(sizeof(struct vb_sample_slot) + snap_len, 64);
}

static inline struct vb_sample_slot *
slot_at(const struct vb_sample_hdr *hdr, uint64_t n)
{
	return (struct vb_sample_slot *)((uintptr_t)hdr + sizeof(*hdr) +
					 (size_t)(n & hdr->mask) * hdr->slot_size);
}

static inline void
ctr_inc(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

size_t
vb_sample_mem_size(uint32_t nb_slots, uint32_t snap_len)
{
	return sizeof(struct vb_sample_hdr) + (size_t)nb_slots * slot_size(snap_len);
}

int
vb_sample_init(void *mem, uint32_t nb_slots, uint32_t snap_len, uint32_t rate, uint32_t burst,
	       uint64_t tsc_hz)
{
	struct vb_sample_hdr *hdr = mem;

	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || !rte_is_power_of_2(nb_slots) ||
	    nb_slots < 2 || nb_slots > VB_SAMPLE_SLOTS_MAX ||
	    snap_len == 0 || snap_len > VB_SAMPLE_SNAP_MAX || burst == 0 ||
	    (rate != 0 && (tsc_hz == 0 || tsc_hz / rate == 0)))
		return -EINVAL;
	memset(mem, 0, vb_sample_mem_size(nb_slots, snap_len));
	hdr->nb_slots = nb_slots;
	hdr->mask = nb_slots - 1;
	hdr->snap_len = snap_len;
	hdr->slot_size = slot_size(snap_len);
	/* the one divide: per-frame work is then an add, a compare and a subtract */
	hdr->cost = rate == 0 ? 0 : tsc_hz / rate;
	hdr->credit_max = hdr->cost * burst;
	hdr->credit = hdr->credit_max;
	__atomic_store_n(&hdr->magic, VB_SAMPLE_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

/* Token bucket: refill with the ticks elapsed, take one sample's cost if there. */
static inline bool
rate_ok(struct vb_sample_hdr *hdr, uint64_t now)
{
	uint64_t credit;

	if (hdr->cost == 0)
		return true;
	credit = hdr->credit;
	if (now > hdr->last_tsc)
		credit += now - hdr->last_tsc;
	hdr->last_tsc = now;
	if (credit > hdr->credit_max)
		credit = hdr->credit_max;
	if (credit < hdr->cost) {
		hdr->credit = credit;
		return false;
	}
	hdr->credit = credit - hdr->cost;
	return true;
}

bool
vb_sample_put(void *mem, uint64_t now, uint32_t reason, uint16_t port, uint16_t queue,
	      const uint8_t *data, uint32_t len, uint32_t orig_len)
{
	return vb_sample_put_tag(mem, now, reason, 0, port, queue, data, len, orig_len);
}

bool
vb_sample_put_tag(void *mem, uint64_t now, uint32_t reason, uint16_t tag, uint16_t port,
		  uint16_t queue, const uint8_t *data, uint32_t len, uint32_t orig_len)
{
	struct vb_sample_hdr *hdr = mem;
	struct vb_sample_slot *s;
	uint64_t n = hdr->head;
	uint32_t cap = RTE_MIN(len, hdr->snap_len);

	if (!rate_ok(hdr, now)) {
		ctr_inc(&hdr->suppressed);
		return false;
	}
	s = slot_at(hdr, n);
	/* odd: readers discard what they copy from here on */
	__atomic_store_n(&s->seq, 2 * n + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->tsc = now;
	s->reason = reason;
	s->port = port;
	s->queue = queue;
	s->tag = tag;
	s->orig_len = orig_len;
	s->cap_len = (uint16_t)cap;
	memcpy(s->data, data, cap);
	__atomic_store_n(&s->seq, 2 * n + 2, __ATOMIC_RELEASE);
	__atomic_store_n(&hdr->head, n + 1, __ATOMIC_RELEASE);
	if (n >= hdr->nb_slots)
		ctr_inc(&hdr->overwritten);
	ctr_inc(&hdr->written);
	return true;
}

void
vb_sample_suppressed(void *mem, uint64_t n)
{
	struct vb_sample_hdr *hdr = mem;

	__atomic_store_n(&hdr->suppressed, hdr->suppressed + n, __ATOMIC_RELAXED);
}

uint32_t
vb_sample_read(const void *mem, uint64_t from, struct vb_sample *out, uint32_t max,
	       struct vb_sample_read_stats *st)
{
	const struct vb_sample_hdr *hdr = mem;
	uint64_t head, oldest, n, s1, s2;
	uint32_t copied = 0;

	st->lost = 0;
	st->torn = 0;
	st->next = from;
	if (mem == NULL || __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != VB_SAMPLE_MAGIC)
		return 0;
	head = __atomic_load_n(&hdr->head, __ATOMIC_ACQUIRE);
	if (from > head)	/* a reader of a previous run of the ring: start over */
		from = 0;
	oldest = head > hdr->nb_slots ? head - hdr->nb_slots : 0;
	if (from < oldest) {
		st->lost += oldest - from;
		from = oldest;
	}
	for (n = from; n < head && copied < max; n++) {
		const struct vb_sample_slot *s = slot_at(hdr, n);
		struct vb_sample *o = &out[copied];

		s1 = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (s1 != 2 * n + 2) {
			if ((s1 & 1) == 0 && s1 > 2 * n + 2)
				st->lost++;	/* overwritten by a newer sample */
			else
				st->torn++;
			continue;
		}
		o->seq = n;
		o->tsc = s->tsc;
		o->reason = s->reason;
		o->port = s->port;
		o->queue = s->queue;
		o->orig_len = s->orig_len;
		/* a torn cap_len must not overrun out->data: clamp before copying */
		o->cap_len = RTE_MIN(s->cap_len, (uint16_t)hdr->snap_len);
		o->tag = s->tag;
		memcpy(o->data, s->data, o->cap_len);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
		if (s2 != s1) {
			/* the writer came round to this slot while we copied it */
			st->torn++;
			continue;
		}
		copied++;
	}
	st->next = n;
	return copied;
}

void
vb_sample_ctrs_read(const void *mem, struct vb_sample_ctrs *c)
{
	const struct vb_sample_hdr *hdr = mem;

	if (hdr == NULL) {	/* no ring: the classifier is off */
		memset(c, 0, sizeof(*c));
		return;
	}
	c->written = __atomic_load_n(&hdr->written, __ATOMIC_RELAXED);
	c->overwritten = __atomic_load_n(&hdr->overwritten, __ATOMIC_RELAXED);
	c->suppressed = __atomic_load_n(&hdr->suppressed, __ATOMIC_RELAXED);
}

uint32_t
vb_sample_nb_slots(const void *mem)
{
	const struct vb_sample_hdr *hdr = mem;

	if (mem == NULL || __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != VB_SAMPLE_MAGIC)
		return 0;
	return hdr->nb_slots;
}

uint32_t
vb_sample_snap_len(const void *mem)
{
	const struct vb_sample_hdr *hdr = mem;

	if (vb_sample_nb_slots(mem) == 0)
		return 0;
	return hdr->snap_len;
}
