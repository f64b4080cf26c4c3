/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a sample says: its reason flags as words, a tcpdump-like summary of its bytes, and its
 * wall-clock time. Pure functions of a copied sample and a snapshot (no DPDK calls), shared by
 * the printers, the pcapng writer and the rules. The frame is parsed again by the classifier
 * itself (vb_classify_slow), so that what is shown is what vbridge counted. Also the other
 * names the rules print, so that diagnose.c links without EAL.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "stat.h"

uint64_t
vb_stat_sample_unix_ns(const struct vb_stat_snap *snap, uint64_t tsc)
{
	unsigned __int128 ns;

	if (snap->tsc_hz == 0)
		return snap->start_unix_ns;
	/* 128-bit product: days of uptime in ticks times 1e9 overflows 64 bits. */
	if (tsc >= snap->start_tsc) {
		ns = (unsigned __int128)(tsc - snap->start_tsc) * 1000000000u / snap->tsc_hz;
		return snap->start_unix_ns + (uint64_t)ns;
	}
	ns = (unsigned __int128)(snap->start_tsc - tsc) * 1000000000u / snap->tsc_hz;
	return snap->start_unix_ns > (uint64_t)ns ? snap->start_unix_ns - (uint64_t)ns : 0;
}

double
vb_stat_tsc_us(const struct vb_stat_snap *snap, uint64_t ticks)
{
	return snap->tsc_hz == 0 ? 0.0 : (double)ticks * 1e6 / (double)snap->tsc_hz;
}

const char *
vb_stat_reason_words(uint32_t reason, char *buf, size_t len)
{
	/* The words of --samples, pcapng comments and docs/vbridge-stat.md. */
	static const struct {
		uint32_t flag;
		const char *word;
	} words[] = {
		{ VB_CLS_ARP, "arp" },
		{ VB_CLS_ND, "nd" },
		{ VB_CLS_REFLECTED, "reflected" },
		{ VB_CLS_DUPLICATE, "duplicate" },
		{ VB_CLS_LOOPED, "looped" },
		{ VB_CLS_MAC_MOVED, "moved" },
		{ VB_CLS_WOULD_FILTER, "would-filter" },
		{ VB_CLS_FILTER, "filter" },
		{ VB_CLS_POLICY, "policy-deny" },
		{ VB_CLS_SHADOW, "shadow" },
		{ VB_CLS_MALFORMED, "malformed" },
	};
	size_t off = 0;
	unsigned int i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(words) && off < len; i++)
		if (reason & words[i].flag)
			off += snprintf(buf + off, len - off, "%s%s", off > 0 ? "," : "",
					words[i].word);
	return buf;
}

const char *
vb_stat_mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *
ip4(const uint8_t *a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return buf;
}

static const char *
ip6(const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static size_t
arp_summary(const struct vb_cls *c, char *buf, size_t len)
{
	char a[16], b[16], m[18];

	switch (c->arp) {
	case VB_ARP_REQUEST:
		return snprintf(buf, len, "ARP who-has %s tell %s", ip4(c->arp_tpa, a, sizeof(a)),
				ip4(c->arp_spa, b, sizeof(b)));
	case VB_ARP_PROBE:
		return snprintf(buf, len, "ARP probe who-has %s (from 0.0.0.0)",
				ip4(c->arp_tpa, a, sizeof(a)));
	case VB_ARP_ANNOUNCE:
		return snprintf(buf, len, "ARP announcement %s is-at %s",
				ip4(c->arp_spa, a, sizeof(a)), vb_stat_mac_str(c->arp_sha, m,
									      sizeof(m)));
	case VB_ARP_REPLY:
		return snprintf(buf, len, "ARP reply %s is-at %s", ip4(c->arp_spa, a, sizeof(a)),
				vb_stat_mac_str(c->arp_sha, m, sizeof(m)));
	case VB_ARP_GRATUITOUS:
		return snprintf(buf, len, "ARP gratuitous reply %s is-at %s",
				ip4(c->arp_spa, a, sizeof(a)), vb_stat_mac_str(c->arp_sha, m,
									      sizeof(m)));
	case VB_ARP_OTHER:
		return snprintf(buf, len, "ARP opcode %u", c->arp_op);
	default:
		return snprintf(buf, len, "ARP malformed");
	}
}

static size_t
nd_summary(const struct vb_cls *c, char *buf, size_t len)
{
	char t[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];

	switch (c->nd) {
	case VB_ND_NS:
		return snprintf(buf, len, "IPv6 ND NS who-has %s tell %s",
				ip6(c->nd_target, t, sizeof(t)), ip6(c->nd_src, s, sizeof(s)));
	case VB_ND_DAD:
		return snprintf(buf, len, "IPv6 ND NS (DAD) who-has %s",
				ip6(c->nd_target, t, sizeof(t)));
	case VB_ND_NA:
		return snprintf(buf, len, "IPv6 ND NA %s from %s", ip6(c->nd_target, t, sizeof(t)),
				ip6(c->nd_src, s, sizeof(s)));
	case VB_ND_RS:
		return snprintf(buf, len, "IPv6 ND router solicitation from %s",
				ip6(c->nd_src, s, sizeof(s)));
	case VB_ND_RA:
		return snprintf(buf, len, "IPv6 ND router advertisement from %s",
				ip6(c->nd_src, s, sizeof(s)));
	case VB_ND_REDIRECT:
		return snprintf(buf, len, "IPv6 ND redirect to %s from %s",
				ip6(c->nd_target, t, sizeof(t)), ip6(c->nd_src, s, sizeof(s)));
	default:
		return snprintf(buf, len, "IPv6 ND malformed");
	}
}

const char *
vb_stat_sample_summary(const struct vb_sample *smp, char *buf, size_t len)
{
	struct vb_cls c;
	size_t off = 0;
	unsigned int i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	memset(&c, 0, sizeof(c));
	vb_classify_slow(smp->data, smp->cap_len, &c);
	for (i = 0; i < c.nb_vlan && i < RTE_DIM(c.vlan) && off < len; i++)
		off += snprintf(buf + off, len - off, "vlan %u (0x%04x), ", c.vlan[i], c.tpid[i]);
	if (off >= len)
		return buf;
	if (smp->cap_len < VB_ETH_HLEN)
		snprintf(buf + off, len - off, "runt len %u", smp->orig_len);
	else if ((c.flags & VB_CLS_ARP) != 0)
		arp_summary(&c, buf + off, len - off);
	else if ((c.flags & VB_CLS_ND) != 0 && c.nd != VB_ND_NONE)
		nd_summary(&c, buf + off, len - off);
	else
		snprintf(buf + off, len - off, "ethertype 0x%04x len %u%s", c.ethertype,
			 smp->orig_len, (c.flags & VB_CLS_MALFORMED) ? " malformed" : "");
	return buf;
}

const char *
vb_stat_sample_reason(const struct vb_sample *s, char *buf, size_t len)
{
	size_t off;

	vb_stat_reason_words(s->reason, buf, len);
	off = strlen(buf);
	if ((s->reason & VB_CLS_POLICY) && off < len) {
		if (s->tag == 0)
			snprintf(buf + off, len - off, ",rule-default");
		else
			snprintf(buf + off, len - off, ",rule-%u", s->tag);
	}
	return buf;
}
