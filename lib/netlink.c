/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

/* One link message with its attributes; stats are not asked for, so it stays small. */
#define NL_BUF_SIZE	16384
#define NL_TIMEOUT_S	1	/* the most a request waits for the kernel's answer */

struct vb_nl {
	struct mnl_socket *req;		/* requests and their answers */
	struct mnl_socket *ev;		/* RTMGRP_LINK events, non-blocking */
	uint32_t portid;		/* of req: answers are addressed to it */
	uint32_t seq;
	char buf[NL_BUF_SIZE];
};

void
vb_nl_close(struct vb_nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->req != NULL)
		mnl_socket_close(nl->req);
	if (nl->ev != NULL)
		mnl_socket_close(nl->ev);
	free(nl);
}

struct vb_nl *
vb_nl_open(void)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
	struct vb_nl *nl = calloc(1, sizeof(*nl));
	int e;

	if (nl == NULL)
		return NULL;
	nl->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->req == NULL || mnl_socket_bind(nl->req, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* A kernel that does not answer must not stall the main lcore's housekeeping. */
	if (setsockopt(mnl_socket_get_fd(nl->req), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) != 0)
		goto fail;
	nl->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl->ev == NULL || mnl_socket_bind(nl->ev, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->req);
	nl->seq = (uint32_t)time(NULL);
	return nl;
fail:
	e = errno;
	vb_nl_close(nl);
	errno = e;
	return NULL;
}

static struct nlmsghdr *
put_link_msg(struct vb_nl *nl, uint16_t type, uint16_t flags, uint32_t ifindex,
	     struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	(*ifm)->ifi_index = (int)ifindex;
	return nlh;
}

/*
 * Send the request in nl->buf and run cb over its answer. Returns 0, or -errno: the kernel's
 * error for the request, or the socket's (-EAGAIN after NL_TIMEOUT_S without an answer).
 */
static int
transact(struct vb_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->req, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
		/* An answer to an earlier request that timed out: not ours, read on. */
		if (ret == MNL_CB_ERROR && errno == ESRCH)
			continue;
		if (ret == MNL_CB_ERROR)
			return -errno;
		return 0;
	}
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct vb_nl_link *link = data;
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	link->ifindex = (uint32_t)ifm->ifi_index;
	link->flags = ifm->ifi_flags;
	link->name[0] = '\0';
	mnl_attr_for_each(attr, nlh, sizeof(*ifm))
		if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(link->name, sizeof(link->name), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

int
vb_nl_get(struct vb_nl *nl, uint32_t ifindex, const char *name, struct vb_nl_link *link)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_msg(nl, RTM_GETLINK, 0, ifindex, &ifm);
	int ret;

	if (ifindex == 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(link, 0, sizeof(*link));
	ret = transact(nl, nlh, link_cb, link);
	if (ret == 0 && link->ifindex == 0)
		return -ENODEV;		/* answered, but not with a link */
	return ret;
}

static int
set_flags(struct vb_nl *nl, uint32_t ifindex, uint32_t change, uint32_t flags)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_msg(nl, RTM_NEWLINK, NLM_F_ACK, ifindex, &ifm);

	ifm->ifi_change = change;
	ifm->ifi_flags = flags;
	return transact(nl, nlh, NULL, NULL);
}

int
vb_nl_set_up(struct vb_nl *nl, uint32_t ifindex, bool up)
{
	return set_flags(nl, ifindex, IFF_UP, up ? IFF_UP : 0);
}

int
vb_nl_probe(struct vb_nl *nl, uint32_t ifindex)
{
	/* The kernel checks CAP_NET_ADMIN before it looks at what is to change. */
	return set_flags(nl, ifindex, 0, 0);
}

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	bool *changed = data;

	if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK)
		*changed = true;
	return MNL_CB_OK;
}

bool
vb_nl_changed(struct vb_nl *nl)
{
	bool changed = false;
	ssize_t n;

	if (nl == NULL)
		return false;
	for (;;) {
		n = mnl_socket_recvfrom(nl->ev, nl->buf, sizeof(nl->buf));
		if (n < 0) {
			/* ENOBUFS: events were lost; what they said is read again. */
			if (errno == ENOBUFS)
				changed = true;
			return changed;
		}
		mnl_cb_run(nl->buf, (size_t)n, 0, 0, event_cb, &changed);
	}
}
