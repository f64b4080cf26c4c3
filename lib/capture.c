/* SPDX-License-Identifier: BSD-3-Clause */
/* rte_pcapng_copy() is experimental in DPDK 22.11; only this file uses it. */
#define ALLOW_EXPERIMENTAL_API 1

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_pcapng.h>
#include <rte_pdump.h>

#include "capture.h"
#include "log.h"

#define MIRROR_BURST	32
#define MIRROR_IDLE_US	200	/* the thread's nap when every ring is empty */

int
vb_filter_compile(struct vb_filter *f, const char *expr, char *err, size_t errlen)
{
	pcap_t *pcap;
	int ret = 0;

	if (expr == NULL || *expr == '\0')
		return vb_errf(err, errlen, "empty filter expression");
	pcap = pcap_open_dead(DLT_EN10MB, UINT16_MAX);
	if (pcap == NULL)
		return vb_errf(err, errlen, "libpcap: cannot open a dead handle");
	if (pcap_compile(pcap, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
		ret = vb_errf(err, errlen, "filter '%s': %s", expr, pcap_geterr(pcap));
	pcap_close(pcap);
	return ret;
}

void
vb_filter_free(struct vb_filter *f)
{
	pcap_freecode(&f->prog);
}

/*
 * DPDK 22.11's pcapng starts its TSC-to-wall-clock base on first use, in the process that
 * uses it: here, in the worker that copies the first captured frame. That frame's TSC was
 * read just before, so the difference is negative, wraps, and pushes every timestamp of the
 * capture about 195 years ahead (what dpdk-dumpcap showed). Using it once now, with a time
 * half a second ahead, sets the base while nothing is captured yet.
 */
static void
start_pcapng_clock(struct rte_mempool *pool)
{
	struct rte_mbuf *m, *copy;
	uint16_t port_id;

	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return;
	memset(rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN), 0, RTE_ETHER_MIN_LEN);
	RTE_ETH_FOREACH_DEV(port_id) {
		copy = rte_pcapng_copy(port_id, 0, m, pool, RTE_ETHER_MIN_LEN,
				       rte_get_tsc_cycles() + rte_get_tsc_hz() / 2,
				       RTE_PCAPNG_DIRECTION_IN);
		rte_pktmbuf_free(copy);
		break;
	}
	rte_pktmbuf_free(m);
}

int
vb_pdump_start(struct rte_mempool *pool)
{
	if (rte_pdump_init() != 0)
		return -rte_errno;
	start_pcapng_clock(pool);
	return 0;
}

void
vb_pdump_stop(void)
{
	rte_pdump_uninit();
}

/* Hand one ring's frames to the TAP; what it refuses is dropped and counted. */
static unsigned int
mirror_drain(struct vb_mirror *mr, struct rte_ring *ring)
{
	struct vb_mirror_ctrs *c = &mr->shm->mirror;
	struct rte_mbuf *pkts[MIRROR_BURST];
	unsigned int nb, sent, i;
	uint64_t bytes = 0;

	nb = rte_ring_sc_dequeue_burst(ring, (void **)pkts, MIRROR_BURST, NULL);
	if (nb == 0)
		return 0;
	/* The analyser does not see that the ring filled pkts[0..nb). */
	for (i = 0; i < nb; i++)
		bytes += pkts[i]->pkt_len; // NOLINT(clang-analyzer-core.NullDereference)
	sent = rte_eth_tx_burst(mr->port_id, 0, pkts, nb);
	for (i = sent; i < nb; i++)
		bytes -= pkts[i]->pkt_len;
	if (sent < nb) {
		rte_pktmbuf_free_bulk(&pkts[sent], nb - sent);
		vb_ctr_add(&c->tx_dropped, nb - sent);
	}
	vb_ctr_add(&c->tx_frames, sent);
	vb_ctr_add(&c->tx_bytes, bytes);
	return nb;
}

/* The kernel may send into the TAP (IPv6 router solicitations, ...): nobody wants those. */
static void
mirror_discard_rx(struct vb_mirror *mr)
{
	struct rte_mbuf *pkts[MIRROR_BURST];
	uint16_t nb;

	nb = rte_eth_rx_burst(mr->port_id, 0, pkts, MIRROR_BURST);
	if (nb != 0) {
		rte_pktmbuf_free_bulk(pkts, nb);
		vb_ctr_add(&mr->shm->mirror.rx_discarded, nb);
	}
}

static void *
mirror_thread(void *arg)
{
	struct vb_mirror *mr = arg;
	unsigned int w, moved;
	bool stopping;

	do {
		stopping = __atomic_load_n(&mr->stop, __ATOMIC_ACQUIRE);
		moved = 0;
		for (w = 0; w < mr->nb_rings; w++)
			moved += mirror_drain(mr, mr->ring[w]);
		mirror_discard_rx(mr);
		/* A control thread, not a poller: it naps whenever there is nothing to move. */
		if (moved == 0 && !stopping)
			usleep(MIRROR_IDLE_US);
	} while (!stopping || moved != 0);
	return NULL;
}

static int
tap_start(struct vb_mirror *mr, const char *iface, struct rte_mempool *pool, char *err,
	  size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	char name[RTE_DEV_NAME_MAX_LEN], devargs[RTE_DEV_NAME_MAX_LEN + 32];
	int ret;

	snprintf(name, sizeof(name), "net_tap_%s", iface);
	snprintf(devargs, sizeof(devargs), "%s,iface=%s", name, iface);
	ret = rte_dev_probe(devargs);
	if (ret != 0)
		return vb_errf(err, errlen, "mirror: cannot create TAP interface %s: %s (root? "
			    "/dev/net/tun? an interface of that name already?)", iface,
			    strerror(-ret));
	if (rte_eth_dev_get_port_by_name(name, &mr->port_id) != 0)
		return vb_errf(err, errlen, "mirror: TAP %s created but has no port", iface);
	ret = rte_eth_dev_configure(mr->port_id, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(mr->port_id, 0, 256, rte_socket_id(), NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(mr->port_id, 0, 1024, rte_socket_id(), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(mr->port_id);
	if (ret != 0) {
		rte_eth_dev_close(mr->port_id);
		return vb_errf(err, errlen, "mirror: TAP %s: set-up failed: %s", iface,
			    strerror(-ret));
	}
	return 0;
}

int
vb_mirror_start(struct vb_mirror *mr, struct vb_shm *shm, const char *iface,
		unsigned int nb_workers, unsigned int ring_size, struct rte_mempool *pool,
		char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int w;
	int ret;

	memset(mr, 0, sizeof(*mr));
	ret = tap_start(mr, iface, pool, err, errlen);
	if (ret != 0)
		return ret;
	mr->shm = shm;	/* from here on, vb_mirror_stop has something to undo */
	for (w = 0; w < nb_workers; w++) {
		snprintf(name, sizeof(name), "vb_mirror_%u", w);
		mr->ring[w] = rte_ring_create(name, ring_size, rte_socket_id(),
					      RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (mr->ring[w] == NULL) {
			ret = vb_errf(err, errlen, "mirror: cannot create ring %s: %s", name,
				   rte_strerror(rte_errno));
			goto fail;
		}
		mr->nb_rings++;
	}
	ret = rte_ctrl_thread_create(&mr->thread, "vb-mirror", NULL, mirror_thread, mr);
	if (ret != 0) {
		ret = vb_errf(err, errlen, "mirror: cannot start its thread: %s", strerror(ret));
		goto fail;
	}
	mr->thread_started = true;
	VB_LOG(INFO, "mirror: bridged frames copied to %s (port %u)", iface, mr->port_id);
	return 0;
fail:
	vb_mirror_stop(mr);
	return ret;
}

void
vb_mirror_join(struct vb_mirror *mr)
{
	if (mr->shm == NULL || !mr->thread_started)
		return;
	__atomic_store_n(&mr->stop, true, __ATOMIC_RELEASE);
	pthread_join(mr->thread, NULL);
	mr->thread_started = false;
}

void
vb_mirror_stop(struct vb_mirror *mr)
{
	unsigned int w;

	if (mr->shm == NULL)
		return;
	vb_mirror_join(mr);
	for (w = 0; w < mr->nb_rings; w++) {
		struct rte_mbuf *m;

		/* Whatever the thread could not move (it moved all, unless it never ran). */
		while (rte_ring_sc_dequeue(mr->ring[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(mr->ring[w]);
	}
	mr->nb_rings = 0;
	rte_eth_dev_stop(mr->port_id);
	rte_eth_dev_close(mr->port_id);
	mr->shm = NULL;
}
