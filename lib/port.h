/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port set-up and link housekeeping, run by the main lcore only. The resolved ports live in
 * the shared header (shm->port[]), so the monitor sees exactly what the bridge uses.
 */
#ifndef VB_PORT_H
#define VB_PORT_H

#include <stddef.h>

#include <rte_mempool.h>

#include "config.h"
#include "shm.h"

/* Free the pools made by vb_ports_setup (after the ports are closed). */
void vb_pools_free(struct rte_mempool *pools[]);

/*
 * The whole port set-up, in order, reading each port's device info once:
 * - resolve the configured pairs (or, without any, consecutive ports 0<->1, 2<->3 ...) into
 *   ethdev ports and fill shm->nb_ports and shm->port[] (name, driver, port id, peer);
 * - queues per port: the configured number, or enough that every worker lcore has a path,
 *   capped by what every port can do;
 * - one mbuf pool per NUMA socket with ports (pools[], indexed by socket id), sized for the
 *   descriptors, TX buffers and lcore caches (or [ports] mbufs), holding a whole frame on
 *   ports that cannot scatter;
 * - configure and start every port: the queues (RSS when more than one), the MTU (refused
 *   with the PMD's limit), scatter / multi-segment where offered, no offload that rewrites
 *   frames, promiscuous and all-multicast.
 * *started says how many ports to close later, also after a failure; a port that failed
 * after it was configured is closed already. Returns 0, -EINVAL for what the configuration
 * asks that cannot be (a usage error), or another -errno for a runtime failure; the message
 * is in err.
 */
int vb_ports_setup(const struct vb_config *cfg, struct vb_shm *shm, unsigned int nb_workers,
		   struct rte_mempool *pools[], uint16_t *nb_queues, unsigned int *started,
		   char *err, size_t errlen);

/* Stop and close the first nb bridge ports, logging what fails. */
void vb_ports_close(struct vb_shm *shm, unsigned int nb);

struct vb_nl;

/*
 * For ports whose PMD works through a kernel interface (net_af_packet, net_af_xdp, net_tap):
 * rtnetlink, to read and set their links. NULL when no port has one, or when netlink cannot
 * be opened (said once; their links are then their PMDs').
 */
struct vb_nl *vb_ports_kernel_open(const struct vb_shm *shm);

/*
 * Set the kernel interfaces that link propagation took down up again (they outlive vbridge),
 * then close nl. NULL is ignored.
 */
void vb_ports_kernel_close(struct vb_nl *nl, struct vb_shm *shm);

/*
 * Link housekeeping, called periodically (and on a netlink event) by the main lcore: read
 * every port's link without waiting, the kernel's for a port with a kernel interface (nl
 * may be NULL: the PMD's), publish it in shm (link_up, tx_down, kif_state), log changes, and
 * with propagation take the peer of a port that went down down too (its kernel interface,
 * or its PMD's link) and up again when it returns.
 */
void vb_ports_poll_links(struct vb_shm *shm, struct vb_nl *nl, bool propagate);

/* Probe which ports can set their link down (nl may be NULL), and say once which cannot. */
void vb_ports_probe_link_control(struct vb_shm *shm, struct vb_nl *nl);

/*
 * Main lcore: copy each port's rte_eth_stats (the fields of struct vb_eth_ctrs) into the
 * stats segment with the time of the copy, for readers that have no ethdev (vbridge-stat).
 */
void vb_ports_copy_stats(struct vb_shm *shm);

#endif /* VB_PORT_H */
