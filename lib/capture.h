/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Giving the user back their capture tools: tcpdump-syntax filters, a mirror of the bridged
 * traffic to a kernel TAP interface, and the pdump hooks that dpdk-dumpcap attaches to.
 * Set-up runs on the main lcore; the worker side is vb_filter_match() and the mirror ring.
 */
#ifndef VB_CAPTURE_H
#define VB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include <pcap/pcap.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "shm.h"

/*
 * A tcpdump expression, compiled by libpcap and run by libpcap's own interpreter on a frame's
 * first segment. Not DPDK's rte_bpf: on 22.11 its cBPF conversion gets indirect byte loads
 * wrong ("tcp[13] & 2 = 2" matches ACKs) and its x86 JIT crashes on "tcp[tcpflags] & tcp-syn
 * != 0" (checked with tests/unit/test_filter.c against libpcap); a filter must never be able
 * to take the bridge down or lie.
 */
struct vb_filter {
	struct bpf_program prog;
};

/*
 * Compile expr for Ethernet frames. Returns 0, or -EINVAL with libpcap's message in err.
 * An empty expression is an error: no filter is a NULL filter.
 */
int vb_filter_compile(struct vb_filter *f, const char *expr, char *err, size_t errlen);

void vb_filter_free(struct vb_filter *f);

/* Datapath: does the frame match? Reads the first segment only, never past it. */
static inline bool
vb_filter_match(const struct vb_filter *f, const struct rte_mbuf *m)
{
	return bpf_filter(f->prog.bf_insns, rte_pktmbuf_mtod(m, const u_char *), m->pkt_len,
			  m->data_len) != 0;
}

/*
 * pdump: let dpdk-dumpcap and dpdk-pdump attach. Also starts DPDK 22.11's pcapng clock at a
 * known point, so that dumpcap's timestamps are not centuries ahead (docs/capture.md).
 * pool: any pktmbuf pool of the primary (borrowed for one mbuf). Returns 0 or -errno.
 */
int vb_pdump_start(struct rte_mempool *pool);
void vb_pdump_stop(void);

/*
 * The mirror: a TAP interface that receives a copy (a reference, not a byte copy) of every
 * bridged frame the filter selects. Each worker puts its frames on its own ring; a control
 * thread, not a poller, moves them to the TAP. When the ring is full the mirror's copy is
 * dropped and counted: a slow reader never slows the bridge.
 */
struct vb_mirror {
	uint16_t port_id;			/* the TAP port */
	unsigned int nb_rings;
	struct rte_ring *ring[VB_MAX_WORKERS];	/* one per worker: single producer, consumer */
	pthread_t thread;
	bool thread_started;
	bool stop;				/* set by vb_mirror_stop, read by the thread */
	struct vb_shm *shm;			/* its counters: shm->mirror */
};

/*
 * Create the TAP interface iface (net_tap), one ring of ring_size per worker, and start the
 * mirror thread. pool receives what the kernel sends into the TAP (freed at once).
 * Returns 0 or -errno with a message.
 */
int vb_mirror_start(struct vb_mirror *mr, struct vb_shm *shm, const char *iface,
		    unsigned int nb_workers, unsigned int ring_size, struct rte_mempool *pool,
		    char *err, size_t errlen);

/*
 * After the workers have stopped: the thread drains the rings to the TAP and ends; then the
 * mirror counters are final. Takes no DPDK lock. Does nothing when the thread is not running.
 */
void vb_mirror_join(struct vb_mirror *mr);

/* After the workers have stopped: vb_mirror_join, then free the rings and close the TAP. */
void vb_mirror_stop(struct vb_mirror *mr);

#endif /* VB_CAPTURE_H */
