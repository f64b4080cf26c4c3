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

/*
 * Turn the configured pairs (or, without any, consecutive ports 0<->1, 2<->3 ...) into ethdev
 * ports, and fill shm->nb_ports and shm->port[] (name, driver, port id, peer). Returns 0 or
 * -errno with a message: no ports, an odd count, an unknown port, a port in two pairs or
 * paired with itself.
 */
int vb_ports_resolve(const struct vb_config *cfg, struct vb_shm *shm, char *err, size_t errlen);

/*
 * Queues per port: the configured number, or enough that every worker lcore has a path,
 * capped by what every port can do. Returns 0 or -errno with a message.
 */
int vb_ports_queue_count(const struct vb_config *cfg, const struct vb_shm *shm,
		unsigned int nb_workers, uint16_t *nb_queues, char *err, size_t errlen);

/*
 * Create one mbuf pool per NUMA socket that has ports, sized for the descriptors, the TX
 * buffers and the lcore caches (or cfg->mbufs), with a data room that holds a whole frame on
 * ports that cannot scatter. pools[] is indexed by socket id.
 */
int vb_pools_create(const struct vb_config *cfg, const struct vb_shm *shm, uint16_t nb_queues,
		unsigned int nb_workers, struct rte_mempool *pools[], char *err, size_t errlen);

/* Free the pools made by vb_pools_create (after the ports are closed). */
void vb_pools_free(struct rte_mempool *pools[]);

/*
 * Configure and start bridge port bp: nb_queues RX/TX queue pairs (RSS when more than one),
 * the MTU (refused with the PMD's limit when it cannot), scatter / multi-segment offloads
 * where offered, no VLAN or checksum offload that would rewrite frames, promiscuous and
 * all-multicast. Returns 0 or -errno with a message naming the port.
 */
int vb_port_start(const struct vb_config *cfg, struct vb_shm *shm, unsigned int bp,
		uint16_t nb_queues, struct rte_mempool *pools[], char *err, size_t errlen);

/*
 * The whole port set-up, in order: resolve the pairs, count queues, create the pools, start
 * every port. *started says how many ports to close later, also after a failure.
 * Returns 0, -EINVAL for what the configuration asks that cannot be (a usage error), or
 * another -errno for a runtime failure; the message is in err.
 */
int vb_ports_setup(const struct vb_config *cfg, struct vb_shm *shm, unsigned int nb_workers,
		   struct rte_mempool *pools[], uint16_t *nb_queues, unsigned int *started,
		   char *err, size_t errlen);

/* Stop and close the first nb bridge ports, logging what fails. */
void vb_ports_close(struct vb_shm *shm, unsigned int nb);

/*
 * Link housekeeping, called periodically by the main lcore: read every port's link state
 * without waiting, publish it in shm, log changes, and with propagation take the peer of a
 * port that went down down too (and up again when it returns).
 */
void vb_ports_poll_links(struct vb_shm *shm, bool propagate);

/* Probe which ports can set their link down, and say once which cannot. */
void vb_ports_probe_link_control(struct vb_shm *shm);

#endif /* VB_PORT_H */
