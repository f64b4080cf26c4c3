/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_string_fns.h>

#include "log.h"
#include "netlink.h"
#include "port.h"

#define POOL_CACHE_SIZE		256
#define MIRROR_TAP_MBUFS	(256 + 1024 + 32)	/* TAP RX and TX rings, one burst */
#define DEFAULT_DATA_ROOM	RTE_MBUF_DEFAULT_BUF_SIZE
/* The largest frame a port must carry: MTU plus Ethernet header and two VLAN tags. */
#define FRAME_LEN(mtu)		((mtu) + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN)

/* The NUMA socket of a port's memory; a port that does not say gets the main lcore's. */
static int
port_socket(uint16_t port_id)
{
	int socket = rte_eth_dev_socket_id(port_id);

	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES)
		socket = (int)rte_socket_id();
	return socket;
}

/* A port reference as written: a port id ("0") or an ethdev name ("net_ring0", a PCI address). */
static int
lookup_port(const char *ref, uint16_t *port_id)
{
	unsigned long id;
	char *end;

	errno = 0;
	id = strtoul(ref, &end, 10);
	if (*ref != '\0' && *end == '\0' && errno == 0) {
		if (id >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port((uint16_t)id))
			return -ENODEV;
		*port_id = (uint16_t)id;
		return 0;
	}
	return rte_eth_dev_get_port_by_name(ref, port_id) == 0 ? 0 : -ENODEV;
}

static void
list_ports(char *buf, size_t len)
{
	uint16_t pid;
	size_t used = 0;
	char name[RTE_ETH_NAME_MAX_LEN];

	buf[0] = '\0';
	RTE_ETH_FOREACH_DEV(pid) {
		if (rte_eth_dev_get_name_by_port(pid, name) != 0)
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%u=%s",
				 used ? ", " : "", pid, name);
	}
	if (used == 0)
		strlcpy(buf, "none", len);
}

static void
set_port(struct vb_shm *shm, unsigned int bp, uint16_t port_id, unsigned int peer,
	 const struct rte_eth_dev_info *info)
{
	struct vb_port_info *pi = &shm->port[bp];

	pi->port_id = port_id;
	pi->peer = peer;
	/* So that the first poll sees a change, and propagates a link down at start too. */
	pi->link_up = VB_LINK_UNKNOWN;
	rte_eth_dev_get_name_by_port(port_id, pi->name);
	if (info->driver_name != NULL)
		strlcpy(pi->driver, info->driver_name, sizeof(pi->driver));
	/* af_packet, af_xdp and tap work through a kernel interface: its link is the truth. */
	pi->kif_state = VB_KIF_NONE;
	if (info->if_index != 0 && if_indextoname(info->if_index, pi->kif_name) != NULL) {
		pi->kif_index = info->if_index;
		pi->kif_state = VB_KIF_UNKNOWN;
	}
}

/*
 * Turn the configured pairs (or, without any, consecutive ports 0<->1, 2<->3 ...) into ethdev
 * ports, fill shm->nb_ports and shm->port[] (name, driver, port id, peer) and each port's
 * device info in info[]. Fails with a message: no ports, an odd count, an unknown port, a
 * port in two pairs or paired with itself, a port that gives no device info.
 */
static int
ports_resolve(const struct vb_config *cfg, struct vb_shm *shm, struct rte_eth_dev_info info[],
	      char *err, size_t errlen)
{
	uint16_t nb_avail = rte_eth_dev_count_avail();
	uint16_t ids[VB_MAX_PORTS], pid;
	char known[256];
	unsigned int i, j, n = 0;
	int ret;

	if (nb_avail == 0)
		return vb_errf(err, errlen, "no Ethernet ports: bind NICs to a DPDK driver "
			    "(dpdk-devbind.py -b vfio-pci ...) or add virtual ones with --vdev");

	if (cfg->nb_pairs == 0) {
		if (nb_avail % 2 != 0) {
			list_ports(known, sizeof(known));
			return vb_errf(err, errlen, "%u ports (%s) cannot be paired consecutively: "
				    "say which to pair with --pairs or [bridge] pairs", nb_avail,
				    known);
		}
		if (nb_avail > VB_MAX_PORTS)
			return vb_errf(err, errlen, "%u ports, at most %d supported: say which to "
				    "pair with --pairs", nb_avail, VB_MAX_PORTS);
		RTE_ETH_FOREACH_DEV(pid)
			ids[n++] = pid;
	} else {
		for (i = 0; i < cfg->nb_pairs * 2; i++) {
			if (lookup_port(cfg->pairs[i / 2][i % 2], &ids[n]) != 0) {
				list_ports(known, sizeof(known));
				return vb_errf(err, errlen, "pairs: no port '%s' (ports: %s)",
					    cfg->pairs[i / 2][i % 2], known);
			}
			n++;
		}
	}

	/* "0" and "net_ring0" may name the same port: check again by id. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (ids[i] == ids[j])
				return vb_errf(err, errlen, "pairs: port %u %s", ids[i],
					    i / 2 == j / 2 ? "is paired with itself" :
					    "is in two pairs");

	for (i = 0; i < n; i++) {
		ret = rte_eth_dev_info_get(ids[i], &info[i]);
		if (ret != 0)
			return vb_errf(err, errlen, "port %u: cannot get device info: %s", ids[i],
				    strerror(-ret));
		set_port(shm, i, ids[i], i ^ 1, &info[i]);
	}
	shm->nb_ports = n;
	return 0;
}

/*
 * Queues per port: the configured number, or enough that every worker lcore has a path,
 * capped by what every port can do.
 */
static int
ports_queue_count(const struct vb_config *cfg, const struct vb_shm *shm,
		  const struct rte_eth_dev_info info[], unsigned int nb_workers,
		  uint16_t *nb_queues, char *err, size_t errlen)
{
	unsigned int bp, want, cap = UINT16_MAX;

	if (shm->nb_ports == 0)
		return vb_errf(err, errlen, "no ports to give queues to");
	for (bp = 0; bp < shm->nb_ports; bp++)
		cap = RTE_MIN(cap, (unsigned int)RTE_MIN(info[bp].max_rx_queues,
							 info[bp].max_tx_queues));
	/* Every direction is a path; enough queues that no worker lcore is left idle. */
	want = cfg->queues != 0 ? cfg->queues :
		RTE_MAX(1u, (nb_workers + shm->nb_ports - 1) / shm->nb_ports);
	if (cfg->queues != 0 && want > cap)
		return vb_errf(err, errlen, "queues = %u, but a port here has at most %u",
			    want, cap);
	*nb_queues = (uint16_t)RTE_MIN(want, cap);
	return 0;
}

/* Does this port need whole frames in one mbuf (it cannot scatter)? */
static bool
needs_big_mbuf(const struct rte_eth_dev_info *info, uint32_t mtu)
{
	if (FRAME_LEN(mtu) + RTE_PKTMBUF_HEADROOM <= DEFAULT_DATA_ROOM)
		return false;
	return !(info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER);
}

/*
 * One mbuf pool per NUMA socket that has ports, sized for the descriptors, the TX buffers
 * and the lcore caches (or cfg->mbufs), with a data room that holds a whole frame on ports
 * that cannot scatter. pools[] is indexed by socket id.
 */
static int
pools_create(const struct vb_config *cfg, const struct vb_shm *shm,
	     const struct rte_eth_dev_info info[], uint16_t nb_queues, unsigned int nb_workers,
	     struct rte_mempool *pools[], char *err, size_t errlen)
{
	unsigned int need[RTE_MAX_NUMA_NODES] = { 0 };
	uint32_t data_room = DEFAULT_DATA_ROOM;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int bp, s, n;
	int socket;

	for (bp = 0; bp < shm->nb_ports; bp++) {
		socket = port_socket(shm->port[bp].port_id);
		/*
		 * Frames held per port and queue: a full RX ring, a full TX ring (until the
		 * PMD frees them) and the TX buffer (up to two bursts).
		 */
		need[socket] += nb_queues * (cfg->rx_desc + cfg->tx_desc + 2 * cfg->burst);
		if (needs_big_mbuf(&info[bp], cfg->mtu))
			data_room = RTE_MAX(data_room,
					    FRAME_LEN(cfg->mtu) + RTE_PKTMBUF_HEADROOM);
	}

	/*
	 * Full mirror rings, the TAP's own rings and the mirror thread's burst hold mbufs too;
	 * without room for them a mirror nobody reads would starve RX.
	 */
	if (cfg->mirror)
		need[rte_socket_id()] += nb_workers * cfg->mirror_ring + MIRROR_TAP_MBUFS;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		if (need[s] == 0)
			continue;
		/* Per-lcore caches can hold mbufs the rings never see. */
		need[s] += (nb_workers + 1) * POOL_CACHE_SIZE * 3 / 2;
		n = cfg->mbufs;
		if (n == 0) {
			n = rte_align32pow2(need[s] + 1) - 1;	/* the ring under the pool is 2^k */
		} else if (n < need[s]) {
			vb_pools_free(pools);
			return vb_errf(err, errlen, "[ports] mbufs = %u is fewer than the %u that "
				    "socket %u's rings, buffers%s and lcore caches can hold: raise "
				    "it, or set 0 to size it automatically", n, need[s], s,
				    cfg->mirror ? ", mirror rings" : "");
		}
		snprintf(name, sizeof(name), "vb_mbufs_%u", s);
		pools[s] = rte_pktmbuf_pool_create(name, n, POOL_CACHE_SIZE, 0, data_room, s);
		if (pools[s] == NULL) {
			vb_errf(err, errlen, "cannot create a pool of %u mbufs of %u bytes on socket "
			     "%u: %s (reserve more hugepages, or lower [ports] mbufs)", n,
			     data_room, s, rte_strerror(rte_errno));
			vb_pools_free(pools);
			return -ENOMEM;
		}
		VB_LOG(INFO, "socket %u: %u mbufs of %u bytes", s, n, data_room);
	}
	return 0;
}

void
vb_pools_free(struct rte_mempool *pools[])
{
	unsigned int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		rte_mempool_free(pools[s]);
		pools[s] = NULL;
	}
}

/*
 * The largest MTU a port takes. Some PMDs (net_af_packet) give only max_rx_pktlen; take the
 * L2 overhead the way ethdev does when it validates an MTU.
 */
static uint32_t
max_mtu_of(const struct rte_eth_dev_info *info)
{
	uint32_t overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;

	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	if (info->max_rx_pktlen <= overhead)
		return info->max_mtu;
	return RTE_MIN((uint32_t)info->max_mtu, info->max_rx_pktlen - overhead);
}

/*
 * Configure and start bridge port bp: nb_queues RX/TX queue pairs (RSS when more than one),
 * the MTU (refused with the PMD's limit when it cannot), scatter / multi-segment offloads
 * where offered, no VLAN or checksum offload that would rewrite frames, promiscuous and
 * all-multicast. A port that fails once configured is stopped and closed here, so that the
 * caller only ever closes the ports it was told started.
 */
static int
port_start(const struct vb_config *cfg, struct vb_shm *shm, unsigned int bp,
	   const struct rte_eth_dev_info *info, uint16_t nb_queues, struct rte_mempool *pools[],
	   char *err, size_t errlen)
{
	struct vb_port_info *pi = &shm->port[bp];
	uint16_t pid = pi->port_id, nb_rxd = cfg->rx_desc, nb_txd = cfg->tx_desc, q;
	int socket = port_socket(pid), ret;
	struct rte_mempool *pool = pools[socket];
	struct rte_eth_conf conf;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	uint32_t room, max_mtu;
	bool running = false;

	if (pool == NULL)
		return vb_errf(err, errlen, "port %s: no mbuf pool on its socket %d", pi->name,
			    socket);
	max_mtu = max_mtu_of(info);
	if (cfg->mtu > max_mtu || cfg->mtu < info->min_mtu)
		return vb_errf(err, errlen, "port %s (%s): MTU %u is outside what it can do "
			    "(%u to %u): set [ports] mtu or --mtu within that", pi->name,
			    pi->driver, cfg->mtu, info->min_mtu, max_mtu);

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = cfg->mtu;
	/* Deliberately no VLAN strip, no checksum or TSO offloads: frames leave as they came. */
	room = rte_pktmbuf_data_room_size(pool);
	room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	if (FRAME_LEN(cfg->mtu) > room) {
		if (!(info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER))
			return vb_errf(err, errlen, "port %s: frames of %u bytes need scatter, "
				    "which it does not offer", pi->name, FRAME_LEN(cfg->mtu));
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	}
	/* A frame from a scattering peer may arrive as a chain. */
	if (info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (nb_queues > 1) {
		/* Per-flow order holds: one flow hashes to one queue, and one queue to one path. */
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP |
						    RTE_ETH_RSS_UDP) & info->flow_type_rss_offloads;
		if (conf.rx_adv_conf.rss_conf.rss_hf == 0)
			return vb_errf(err, errlen, "port %s (%s) cannot spread frames over %u queues "
				    "(no RSS): set [ports] queues = 1", pi->name, pi->driver,
				    nb_queues);
	}

	ret = rte_eth_dev_configure(pid, nb_queues, nb_queues, &conf);
	if (ret != 0) {
		vb_errf(err, errlen, "port %s (%s): configure with %u queues failed: %s",
			pi->name, pi->driver, nb_queues, strerror(-ret));
		goto fail;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	if (ret != 0) {
		vb_errf(err, errlen, "port %s: descriptor counts: %s", pi->name, strerror(-ret));
		goto fail;
	}

	rxconf = info->default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	txconf = info->default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (q = 0; q < nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(pid, q, nb_rxd, socket, &rxconf, pool);
		if (ret != 0) {
			vb_errf(err, errlen, "port %s: RX queue %u: %s", pi->name, q,
				strerror(-ret));
			goto fail;
		}
		ret = rte_eth_tx_queue_setup(pid, q, nb_txd, socket, &txconf);
		if (ret != 0) {
			vb_errf(err, errlen, "port %s: TX queue %u: %s", pi->name, q,
				strerror(-ret));
			goto fail;
		}
	}

	ret = rte_eth_dev_start(pid);
	if (ret != 0) {
		vb_errf(err, errlen, "port %s (%s): start failed: %s", pi->name, pi->driver,
			strerror(-ret));
		goto fail;
	}
	running = true;

	/* A bridge that is not promiscuous silently loses frames to other MACs. */
	ret = rte_eth_promiscuous_enable(pid);
	if (ret != 0 && ret != -ENOTSUP) {
		vb_errf(err, errlen, "port %s: cannot enable promiscuous mode: %s", pi->name,
			strerror(-ret));
		goto fail;
	}
	if (rte_eth_promiscuous_get(pid) != 1)
		VB_LOG(WARNING, "port %s (%s) does not report promiscuous mode: frames to "
		       "other MACs may not reach the bridge", pi->name, pi->driver);
	ret = rte_eth_allmulticast_enable(pid);
	if (ret != 0 && ret != -ENOTSUP)
		VB_LOG(WARNING, "port %s: cannot enable all-multicast: %s", pi->name,
		       strerror(-ret));

	pi->nb_queues = nb_queues;
	pi->mtu = (uint16_t)cfg->mtu;
	VB_LOG(INFO, "port %u %s (%s): %u queue(s), %u/%u descriptors, MTU %u%s", pid,
	       pi->name, pi->driver, nb_queues, nb_rxd, nb_txd, cfg->mtu,
	       conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER ? ", scatter" : "");
	return 0;

fail:
	/* Configured queues hold descriptors and the PMD's memory: give them back now. */
	if (running)
		rte_eth_dev_stop(pid);
	rte_eth_dev_close(pid);
	return -EINVAL;
}

int
vb_ports_setup(const struct vb_config *cfg, struct vb_shm *shm, unsigned int nb_workers,
	       struct rte_mempool *pools[], uint16_t *nb_queues, unsigned int *started,
	       char *err, size_t errlen)
{
	struct rte_eth_dev_info info[VB_MAX_PORTS];
	unsigned int bp;
	int ret;

	*started = 0;
	memset(info, 0, sizeof(info));	/* only the ports resolved are filled in */
	ret = ports_resolve(cfg, shm, info, err, errlen);
	if (ret == 0)
		ret = ports_queue_count(cfg, shm, info, nb_workers, nb_queues, err, errlen);
	if (ret == 0)
		ret = pools_create(cfg, shm, info, *nb_queues, nb_workers, pools, err, errlen);
	for (bp = 0; ret == 0 && bp < shm->nb_ports; bp++) {
		ret = port_start(cfg, shm, bp, &info[bp], *nb_queues, pools, err, errlen);
		if (ret == 0)
			(*started)++;
	}
	return ret;
}

void
vb_ports_close(struct vb_shm *shm, unsigned int nb)
{
	unsigned int bp;
	int ret;

	for (bp = 0; bp < nb; bp++) {
		ret = rte_eth_dev_stop(shm->port[bp].port_id);
		if (ret != 0)
			VB_LOG(WARNING, "port %s: stop: %s", shm->port[bp].name, strerror(-ret));
		ret = rte_eth_dev_close(shm->port[bp].port_id);
		if (ret != 0)
			VB_LOG(WARNING, "port %s: close: %s", shm->port[bp].name, strerror(-ret));
	}
}

struct vb_nl *
vb_ports_kernel_open(const struct vb_shm *shm)
{
	struct vb_nl *nl;
	unsigned int bp;

	for (bp = 0; bp < shm->nb_ports; bp++)
		if (shm->port[bp].kif_index != 0)
			break;
	if (bp == shm->nb_ports)
		return NULL;
	nl = vb_nl_open();
	if (nl == NULL)
		VB_LOG(WARNING, "no rtnetlink (%s): the links of ports with a kernel interface "
		       "are their PMD's (always up)", strerror(errno));
	return nl;
}

/* Can vbridge set this port's link: its kernel interface's, or the PMD's? */
static int
link_set(struct vb_nl *nl, const struct vb_port_info *pi, bool up)
{
	if (pi->kif_index != 0 && nl != NULL)
		return vb_nl_set_up(nl, pi->kif_index, up);
	return up ? rte_eth_dev_set_link_up(pi->port_id) : rte_eth_dev_set_link_down(pi->port_id);
}

void
vb_ports_kernel_close(struct vb_nl *nl, struct vb_shm *shm)
{
	unsigned int bp;

	/* Kernel interfaces outlive vbridge: give back the ones propagation took down. */
	for (bp = 0; nl != NULL && bp < shm->nb_ports; bp++) {
		struct vb_port_info *pi = &shm->port[bp];

		if (pi->kif_index == 0 || !pi->link_forced_down)
			continue;
		if (vb_nl_set_up(nl, pi->kif_index, true) == 0)
			VB_LOG(NOTICE, "port %s: %s set up again (link propagation had set it down)",
			       pi->name, pi->kif_name);
		pi->link_forced_down = 0;
	}
	vb_nl_close(nl);
}

void
vb_ports_probe_link_control(struct vb_shm *shm, struct vb_nl *nl)
{
	unsigned int bp;

	for (bp = 0; bp < shm->nb_ports; bp++) {
		struct vb_port_info *pi = &shm->port[bp];

		/*
		 * A kernel interface: a request that changes nothing tells whether we may. A PMD:
		 * setting an up link up is harmless, and -ENOTSUP says it has no control.
		 */
		if (pi->kif_index != 0 && nl != NULL)
			pi->can_set_link = vb_nl_probe(nl, pi->kif_index) == 0;
		else
			pi->can_set_link = rte_eth_dev_set_link_up(pi->port_id) == 0;
		if (!pi->can_set_link)
			VB_LOG(NOTICE, "port %s (%s) cannot set its link down: a link fault on "
			       "%s will not be propagated to it", pi->name, pi->driver,
			       shm->port[pi->peer].name);
	}
}

static void
propagate(struct vb_shm *shm, struct vb_nl *nl, unsigned int bp, bool up)
{
	struct vb_port_info *peer = &shm->port[shm->port[bp].peer];
	int ret;

	if (!peer->can_set_link || peer->link_forced_down == !up)
		return;
	/* A kernel interface that is gone has no link to set; its own state says so. */
	if (peer->kif_state == VB_KIF_REMOVED || peer->kif_state == VB_KIF_REPLACED)
		return;
	ret = link_set(nl, peer, up);
	if (ret != 0) {
		VB_LOG(WARNING, "port %s: cannot set link %s: %s", peer->name,
		       up ? "up" : "down", strerror(-ret));
		return;
	}
	peer->link_forced_down = !up;
	VB_LOG(NOTICE, "port %s: link set %s because %s went %s", peer->name,
	       up ? "up" : "down", shm->port[bp].name, up ? "up" : "down");
}

/*
 * The kernel's state of the port's interface. By the ifindex the port is bound to first (a
 * renamed interface is still the port's); only when that is gone, by name: a new interface of
 * the old name is not the one the PMD's socket is bound to.
 */
static uint8_t
kif_read(struct vb_nl *nl, struct vb_port_info *pi, struct vb_nl_link *link)
{
	int ret = vb_nl_get(nl, pi->kif_index, NULL, link);

	if (ret == -ENODEV) {
		ret = vb_nl_get(nl, 0, pi->kif_name, link);
		if (ret == -ENODEV)
			return VB_KIF_REMOVED;
		return ret == 0 ? VB_KIF_REPLACED : VB_KIF_UNKNOWN;
	}
	if (ret != 0)
		return VB_KIF_UNKNOWN;
	if (!(link->flags & IFF_UP))
		return VB_KIF_ADMIN_DOWN;
	/* IFF_RUNNING is the kernel's operational "up": carrier, and not dormant. */
	if (!(link->flags & IFF_RUNNING))
		return VB_KIF_NO_CARRIER;
	return VB_KIF_UP;
}

/* Publish a kernel port's state and say what changed; returns its link state (0 or 1). */
static uint8_t
kif_poll(struct vb_nl *nl, struct vb_port_info *pi)
{
	struct vb_nl_link link;
	uint8_t state = kif_read(nl, pi, &link);

	if (state == VB_KIF_UNKNOWN)
		return pi->link_up;	/* no answer this time: keep what we knew */
	if (state == pi->kif_state)
		return state == VB_KIF_UP;
	if (state == VB_KIF_REPLACED)
		VB_LOG(WARNING, "port %s: %s was removed and a new %s exists (ifindex %u, the "
		       "port is bound to %u): nothing goes through the port until vbridge is "
		       "restarted", pi->name, pi->kif_name, pi->kif_name, link.ifindex,
		       pi->kif_index);
	else if (state != VB_KIF_REMOVED && strcmp(link.name, pi->kif_name) != 0)
		VB_LOG(NOTICE, "port %s: %s (%s)", pi->name, link.name, vb_kif_state_text(state));
	else
		VB_LOG(NOTICE, "port %s: %s: %s", pi->name, pi->kif_name, vb_kif_state_text(state));
	__atomic_store_n(&pi->kif_state, state, __ATOMIC_RELAXED);
	return state == VB_KIF_UP;
}

void
vb_ports_poll_links(struct vb_shm *shm, struct vb_nl *nl, bool propagate_faults)
{
	struct rte_eth_link link;
	unsigned int bp;
	uint8_t up;

	for (bp = 0; bp < shm->nb_ports; bp++) {
		struct vb_port_info *pi = &shm->port[bp];
		bool pmd = rte_eth_link_get_nowait(pi->port_id, &link) == 0;

		if (pmd) {
			__atomic_store_n(&pi->link_speed_mbps, link.link_speed, __ATOMIC_RELAXED);
			__atomic_store_n(&pi->link_full_duplex, link.link_duplex, __ATOMIC_RELAXED);
		}
		/* The PMD of a kernel interface reports "up" whatever the kernel says. */
		if (pi->kif_index != 0 && nl != NULL)
			up = kif_poll(nl, pi);
		else if (pmd)
			up = link.link_status;
		else
			continue;
		if (up == pi->link_up)
			continue;
		__atomic_store_n(&pi->link_up, up, __ATOMIC_RELAXED);
		__atomic_store_n(&pi->tx_down, !up, __ATOMIC_RELAXED);
		__atomic_store_n(&pi->link_changes, pi->link_changes + 1, __ATOMIC_RELAXED);
		VB_LOG(NOTICE, "port %s: link %s%s", pi->name, up ? "up" : "down",
		       pi->link_forced_down ? " (set down by link-fault propagation)" : "");
		/* A link we forced down must not bounce the fault back to its cause. */
		if (propagate_faults && !pi->link_forced_down)
			propagate(shm, nl, bp, up);
	}
}

void
vb_ports_copy_stats(struct vb_shm *shm)
{
	struct rte_eth_stats st;
	struct vb_eth_ctrs eth;
	unsigned int bp;
	int ret;

	for (bp = 0; bp < shm->nb_ports; bp++) {
		struct vb_port_info *pi = &shm->port[bp];

		memset(&eth, 0, sizeof(eth));
		ret = rte_eth_stats_get(pi->port_id, &st);
		if (ret == 0) {
			/* The list's names are rte_eth_stats's. */
#define ETH_COPY_(name, ...) eth.name = st.name;
			VB_ETH_CTR_LIST(ETH_COPY_)
#undef ETH_COPY_
		}
		vb_shm_eth_write(pi, &eth, ret, rte_get_tsc_cycles());
	}
}
