/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's view of a network interface, over rtnetlink (libmnl): what state it is in,
 * whether anything changed, and setting it up or down. For ports whose PMD works through a
 * kernel interface (net_af_packet, net_af_xdp, net_tap), whose own link report is a constant
 * "up". Main lcore only: requests wait for the kernel's answer (at most a second).
 */
#ifndef VB_NETLINK_H
#define VB_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

#include <net/if.h>

struct vb_nl;

/* One interface as the kernel reports it. */
struct vb_nl_link {
	uint32_t ifindex;
	uint32_t flags;			/* IFF_UP, IFF_RUNNING, IFF_LOWER_UP, ... */
	char name[IF_NAMESIZE];
};

/*
 * Open a request socket and a non-blocking socket subscribed to link events.
 * Returns NULL with errno set.
 */
struct vb_nl *vb_nl_open(void);

/* Close both sockets; NULL is ignored. */
void vb_nl_close(struct vb_nl *nl);

/*
 * Ask the kernel for one interface: by ifindex when it is not 0, else by name.
 * Returns 0 with *link filled, -ENODEV when there is no such interface, another -errno when
 * the kernel did not answer.
 */
int vb_nl_get(struct vb_nl *nl, uint32_t ifindex, const char *name, struct vb_nl_link *link);

/*
 * Set interface ifindex administratively up or down (IFF_UP, nothing else).
 * Returns 0 or -errno (-EPERM without CAP_NET_ADMIN, -ENODEV when it is gone).
 */
int vb_nl_set_up(struct vb_nl *nl, uint32_t ifindex, bool up);

/* May this process change interface ifindex? A request that changes nothing: 0 or -errno. */
int vb_nl_probe(struct vb_nl *nl, uint32_t ifindex);

/*
 * Read every pending link event without waiting. True when any interface was added, removed
 * or changed, or when events were lost (the socket overflowed): the caller reads the
 * interfaces it watches again. False for nl == NULL.
 */
bool vb_nl_changed(struct vb_nl *nl);

#endif /* VB_NETLINK_H */
