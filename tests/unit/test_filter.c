/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vb_filter_match (lib/capture.h) against libpcap, no EAL: a table of hand-built frames and
 * tcpdump expressions, each pair evaluated by vbridge's datapath call on an mbuf and by
 * pcap_offline_filter() on the same bytes; they must agree, and where the table states the
 * answer (the cases that DPDK 22.11's rte_bpf gets wrong or crashes on, ports behind IP
 * options, VLAN offsets, fragments) both must give it.
 * Every frame ends exactly at a page boundary followed by a PROT_NONE page, so a read past
 * the mbuf's data_len would crash the test; truncated frames (pkt_len > data_len, cut at every
 * length) must be judged on the bytes present only.
 * The mbufs are built by hand (buf_addr, data_off, data_len, pkt_len): no mempool, no EAL.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_mbuf.h>

#include "capture.h"


#include "check.h"

/* ---- frame building ---------------------------------------------------------------------- */

struct frame {
	const char *name;
	uint8_t b[256];
	uint16_t len;
};

static void put8(struct frame *f, uint8_t v) { f->b[f->len++] = v; }
static void put16(struct frame *f, uint16_t v) { put8(f, v >> 8); put8(f, v & 0xff); }
static void put32(struct frame *f, uint32_t v) { put16(f, v >> 16); put16(f, v & 0xffff); }
static void putn(struct frame *f, const uint8_t *p, unsigned int n)
{
	memcpy(&f->b[f->len], p, n);
	f->len += n;
}

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0xca, 0xfe, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0xca, 0xfe, 0x0b };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MC6[6] = { 0x33, 0x33, 0xff, 0, 0, 0x02 };
#define IP_A 0xc6120001u	/* 198.18.0.1 */
#define IP_B 0xc6120002u	/* 198.18.0.2 */

static void eth(struct frame *f, const uint8_t *dst, const uint8_t *src, int vlan, uint16_t type)
{
	putn(f, dst, 6);
	putn(f, src, 6);
	if (vlan >= 0) {
		put16(f, 0x8100);
		put16(f, (uint16_t)vlan);
	}
	put16(f, type);
}

/* IPv4 header with opt_words 32-bit words of options (NOPs); returns its offset. */
static unsigned int ip4(struct frame *f, uint8_t proto, unsigned int opt_words, uint16_t frag,
			uint16_t payload)
{
	unsigned int at = f->len, i;

	put8(f, 0x40 | (5 + opt_words));
	put8(f, 0);
	put16(f, (uint16_t)((5 + opt_words) * 4 + payload));
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);		/* checksum: no filter here looks at it */
	put32(f, IP_A);
	put32(f, IP_B);
	for (i = 0; i < opt_words * 4; i++)
		put8(f, 1);	/* NOP */
	return at;
}

static void tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 1000);
	put32(f, (flags & 0x10) ? 1 : 0);
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport, uint16_t payload)
{
	unsigned int i;

	put16(f, sport);
	put16(f, dport);
	put16(f, (uint16_t)(8 + payload));
	put16(f, 0);
	for (i = 0; i < payload; i++)
		put8(f, 'q');
}

static void pad60(struct frame *f)
{
	while (f->len < 60)
		put8(f, 0);
}

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define TCP_FIN 0x01

enum {
	F_SYN80, F_ACK80, F_SYNACK80, F_PSHACK443, F_SYN80_OPTS, F_ACK80_OPTS, F_UDP53, F_UDP53_OPTS,
	F_UDP53_MAXOPTS, F_UDP5353, F_UDP53_FRAG, F_VLAN_UDP53, F_VLAN_SYN80, F_ARP, F_ICMP,
	F_ICMP6_NS, F_IP6_UDP53, F_LLDP, F_RUNT, NB_FRAMES
};

static struct frame frames[NB_FRAMES];

static void build_frames(void)
{
	struct frame *f;
	unsigned int i;

#define NEW(id, n) do { f = &frames[id]; f->name = (n); f->len = 0; } while (0)
	NEW(F_SYN80, "tcp syn to 80");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 6, 0, 0, 20); tcp(f, 40000, 80, TCP_SYN); pad60(f);
	NEW(F_ACK80, "tcp ack to 80");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 6, 0, 0, 20); tcp(f, 40000, 80, TCP_ACK); pad60(f);
	NEW(F_SYNACK80, "tcp syn-ack from 80");
	eth(f, MAC_A, MAC_B, -1, 0x0800); ip4(f, 6, 0, 0, 20);
	tcp(f, 80, 40000, TCP_SYN | TCP_ACK); pad60(f);
	NEW(F_PSHACK443, "tcp psh-ack to 443");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 6, 0, 0, 20);
	tcp(f, 40001, 443, TCP_PSH | TCP_ACK); pad60(f);
	/* IP options move the TCP header: tcp[13] is an indirect load (X = 4 * IHL). */
	NEW(F_SYN80_OPTS, "tcp syn to 80, 8 bytes of IP options");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 6, 2, 0, 20); tcp(f, 40000, 80, TCP_SYN); pad60(f);
	NEW(F_ACK80_OPTS, "tcp ack to 80, 4 bytes of IP options");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 6, 1, 0, 20); tcp(f, 40000, 80, TCP_ACK); pad60(f);
	NEW(F_UDP53, "udp to 53");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 17, 0, 0, 8 + 12); udp(f, 40100, 53, 12); pad60(f);
	NEW(F_UDP53_OPTS, "udp to 53, 4 bytes of IP options");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 17, 1, 0, 8 + 12); udp(f, 40100, 53, 12); pad60(f);
	NEW(F_UDP53_MAXOPTS, "udp from 53, 40 bytes of IP options (IHL 15)");
	eth(f, MAC_A, MAC_B, -1, 0x0800); ip4(f, 17, 10, 0, 8 + 4); udp(f, 53, 40100, 4); pad60(f);
	NEW(F_UDP5353, "udp to 5353");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 17, 0, 0, 8 + 12); udp(f, 40100, 5353, 12); pad60(f);
	/* A non-first fragment: its first payload bytes only look like a UDP header to port 53. */
	NEW(F_UDP53_FRAG, "ip fragment (offset 185) whose payload reads like udp to 53");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 17, 0, 185, 8 + 12); udp(f, 40100, 53, 12); pad60(f);
	NEW(F_VLAN_UDP53, "802.1Q vlan 200, udp to 53");
	eth(f, MAC_B, MAC_A, 200, 0x0800); ip4(f, 17, 0, 0, 8 + 12); udp(f, 40100, 53, 12);
	pad60(f);
	NEW(F_VLAN_SYN80, "802.1Q vlan 200, tcp syn to 80");
	eth(f, MAC_B, MAC_A, 200, 0x0800); ip4(f, 6, 0, 0, 20); tcp(f, 40000, 80, TCP_SYN);
	pad60(f);
	NEW(F_ARP, "arp request, broadcast");
	eth(f, BCAST, MAC_A, -1, 0x0806);
	put16(f, 1); put16(f, 0x0800); put8(f, 6); put8(f, 4); put16(f, 1);
	putn(f, MAC_A, 6); put32(f, IP_A);
	for (i = 0; i < 6; i++)
		put8(f, 0);
	put32(f, IP_B); pad60(f);
	NEW(F_ICMP, "icmp echo request");
	eth(f, MAC_B, MAC_A, -1, 0x0800); ip4(f, 1, 0, 0, 8 + 8);
	put8(f, 8); put8(f, 0); put16(f, 0); put16(f, 0x4242); put16(f, 1);
	putn(f, (const uint8_t *)"vbcapvbc", 8); pad60(f);
	NEW(F_ICMP6_NS, "icmp6 neighbour solicitation");
	eth(f, MC6, MAC_A, -1, 0x86dd);
	put32(f, 0x60000000); put16(f, 24); put8(f, 58); put8(f, 255);
	put32(f, 0x20010002); put32(f, 0); put32(f, 0); put32(f, 1);		/* 2001:2::1 */
	put32(f, 0xff020000); put32(f, 0); put32(f, 1); put32(f, 0xff000002);	/* solicited-node */
	put8(f, 135); put8(f, 0); put16(f, 0); put32(f, 0);
	put32(f, 0x20010002); put32(f, 0); put32(f, 0); put32(f, 2);
	NEW(F_IP6_UDP53, "ipv6 udp to 53");
	eth(f, MAC_B, MAC_A, -1, 0x86dd);
	put32(f, 0x60000000); put16(f, 8 + 4); put8(f, 17); put8(f, 64);
	put32(f, 0x20010002); put32(f, 0); put32(f, 0); put32(f, 1);
	put32(f, 0x20010002); put32(f, 0); put32(f, 0); put32(f, 2);
	udp(f, 40100, 53, 4);
	NEW(F_LLDP, "lldp to 01:80:c2:00:00:0e");
	eth(f, (const uint8_t[6]){ 0x01, 0x80, 0xc2, 0, 0, 0x0e }, MAC_A, -1, 0x88cc);
	put16(f, 0x0207); put8(f, 4); putn(f, MAC_A, 6); put16(f, 0x0000); pad60(f);
	NEW(F_RUNT, "14-byte runt, broadcast, ethertype ipv4, no ip header");
	eth(f, BCAST, MAC_A, -1, 0x0800);
#undef NEW
}

/* ---- expressions, and what is known of their answers --------------------------------------- */

struct expr {
	const char *text;
	const char *why;
	uint64_t match;		/* frames that must match; others must not (when 'known') */
	bool known;
};

#define B(x) (UINT64_C(1) << (x))

static const struct expr exprs[] = {
	{ "tcp[13] & 2 = 2", "rte_bpf 22.11 cBPF conversion: an indirect byte load (matches ACKs)",
	  B(F_SYN80) | B(F_SYNACK80) | B(F_SYN80_OPTS), true },
	{ "tcp[tcpflags] & tcp-syn != 0", "rte_bpf 22.11 x86 JIT crashes on it",
	  B(F_SYN80) | B(F_SYNACK80) | B(F_SYN80_OPTS), true },
	{ "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-ack", "pure ACKs",
	  B(F_ACK80) | B(F_PSHACK443) | B(F_ACK80_OPTS), true },
	{ "tcp port 80", "ports behind a variable IP header",
	  B(F_SYN80) | B(F_ACK80) | B(F_SYNACK80) | B(F_SYN80_OPTS) | B(F_ACK80_OPTS), true },
	{ "udp port 53", "IP options, IPv6, and not a later fragment",
	  B(F_UDP53) | B(F_UDP53_OPTS) | B(F_UDP53_MAXOPTS) | B(F_IP6_UDP53), true },
	{ "udp dst port 53", NULL, B(F_UDP53) | B(F_UDP53_OPTS) | B(F_IP6_UDP53), true },
	{ "vlan", "802.1Q tagged", B(F_VLAN_UDP53) | B(F_VLAN_SYN80), true },
	{ "vlan 200 and udp port 53", "offsets shift by 4 after 'vlan'", B(F_VLAN_UDP53), true },
	{ "vlan and tcp[13] & 2 = 2", NULL, B(F_VLAN_SYN80), true },
	{ "arp", NULL, B(F_ARP), true },
	{ "icmp", NULL, B(F_ICMP), true },
	{ "arp or icmp", "the e2e test's mirror filter", B(F_ARP) | B(F_ICMP), true },
	{ "icmp6", NULL, B(F_ICMP6_NS), true },
	{ "arp or icmp6", "the issue's example", B(F_ARP) | B(F_ICMP6_NS), true },
	{ "ether broadcast", NULL, B(F_ARP) | B(F_RUNT), true },
	{ "ether multicast", NULL, B(F_ARP) | B(F_RUNT) | B(F_ICMP6_NS) | B(F_LLDP), true },
	{ "ether proto 0x88cc", "LLDP", B(F_LLDP), true },
	{ "ip[0] & 0xf > 5", "IPv4 with options",
	  B(F_SYN80_OPTS) | B(F_ACK80_OPTS) | B(F_UDP53_OPTS) | B(F_UDP53_MAXOPTS), true },
	{ "ip[6:2] & 0x1fff != 0", "later fragments", B(F_UDP53_FRAG), true },
	{ "ip", NULL, 0, false },
	{ "ip6", NULL, 0, false },
	{ "greater 61", NULL, 0, false },
	{ "less 60", NULL, 0, false },
	{ "ether src 02:00:00:ca:fe:0a and not ip6", NULL, 0, false },
	{ "not (tcp or udp)", NULL, 0, false },
	{ "udp[8:4] = 0x71717171", NULL, 0, false },
	{ "tcp[((tcp[12] & 0xf0) >> 2):1] = 0", "doubly indirect", 0, false },
	{ "ip host 198.18.0.2 and (tcp dst port 80 or udp dst port 5353)", NULL, 0, false },
};

/* ---- the frames at a page's end, mbufs by hand ------------------------------------------- */

static uint8_t *page;		/* two pages: the second is PROT_NONE */
static long page_size;

static void guard_init(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	page = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (page == MAP_FAILED || mprotect(page + page_size, page_size, PROT_NONE) != 0) {
		perror("mmap/mprotect");
		exit(1);
	}
}

/* An mbuf whose data_len bytes end right at the guard page; pkt_len may be larger. */
static void mbuf_at_guard(struct rte_mbuf *m, const struct frame *f, uint16_t data_len,
			  uint32_t pkt_len)
{
	uint8_t *data = page + page_size - data_len;

	memcpy(data, f->b, data_len);
	memset(m, 0, sizeof(*m));
	m->buf_addr = data - RTE_PKTMBUF_HEADROOM;	/* headroom never read */
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = data_len;
	m->pkt_len = pkt_len;
	m->nb_segs = 1;
}

/* The bytes are those mbuf_at_guard() placed last: caplen of them, before the guard page. */
static bool libpcap_says(const struct bpf_program *prog, uint16_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = len };

	return pcap_offline_filter(prog, &h, page + page_size - caplen) != 0;
}

int main(void)
{
	unsigned int e, i, nb_match[RTE_DIM(exprs)] = { 0 };
	struct rte_mbuf m;
	char err[512];

	build_frames();
	guard_init();

	for (e = 0; e < RTE_DIM(exprs); e++) {
		const struct expr *x = &exprs[e];
		struct vb_filter filt;

		if (vb_filter_compile(&filt, x->text, err, sizeof(err)) != 0) {
			CHECK(false, "'%s' does not compile: %s", x->text, err);
			continue;
		}
		for (i = 0; i < NB_FRAMES; i++) {
			const struct frame *f = &frames[i];
			bool got, ref;
			uint16_t cut;

			mbuf_at_guard(&m, f, f->len, f->len);
			got = vb_filter_match(&filt, &m);
			ref = libpcap_says(&filt.prog, f->len, f->len);
			CHECK(got == ref, "'%s' on %s: vb_filter_match %d, libpcap %d", x->text,
			      f->name, got, ref);
			if (x->known)
				CHECK(got == !!(x->match & B(i)), "'%s' on %s: %d, expected %d (%s)",
				      x->text, f->name, got, !!(x->match & B(i)),
				      x->why ? x->why : "");
			nb_match[e] += got;

			/*
			 * Truncated: only the first cut bytes in the segment, the frame's real
			 * length in pkt_len. Never a read past data_len (the guard page), and
			 * the same verdict as libpcap given caplen = cut, len = the frame's.
			 */
			for (cut = 0; cut < f->len; cut++) {
				mbuf_at_guard(&m, f, cut, f->len);
				got = vb_filter_match(&filt, &m);
				ref = libpcap_says(&filt.prog, cut, f->len);
				CHECK(got == ref, "'%s' on %s cut to %u of %u bytes: vb_filter_match "
				      "%d, libpcap %d", x->text, f->name, cut, f->len, got, ref);
			}
		}
		vb_filter_free(&filt);
	}

	/* The truncated cases that matter, by hand: tcp flags and ports just past the cut. */
	{
		static const struct { const char *text; unsigned int frame; uint16_t cut; } t[] = {
			{ "tcp[13] & 2 = 2", F_SYN80, 14 + 20 + 13 },	/* flags byte cut off */
			{ "tcp[13] & 2 = 2", F_SYN80, 14 + 20 + 14 },	/* flags byte present */
			{ "tcp port 80", F_SYN80, 14 + 20 + 3 },		/* half the dport */
			{ "tcp port 80", F_SYN80, 14 + 20 + 4 },
			{ "udp port 53", F_UDP53_MAXOPTS, 14 + 60 + 1 },	/* sport cut */
			{ "udp port 53", F_UDP53_MAXOPTS, 14 + 60 + 2 },
			{ "vlan 200 and udp port 53", F_VLAN_UDP53, 18 + 20 + 3 },
			{ "greater 61", F_SYN80, 14 },	/* a length test reads pkt_len */
		};
		static const bool want[] = { false, true, false, true, false, true, false, true };

		for (i = 0; i < RTE_DIM(t); i++) {
			struct vb_filter filt;
			const struct frame *f = &frames[t[i].frame];
			uint32_t wire = strcmp(t[i].text, "greater 61") == 0 ? 1500 : f->len;
			bool w = want[i];

			if (vb_filter_compile(&filt, t[i].text, err, sizeof(err)) != 0) {
				CHECK(false, "'%s': %s", t[i].text, err);
				continue;
			}
			mbuf_at_guard(&m, f, t[i].cut, wire);
			CHECK(vb_filter_match(&filt, &m) == w, "'%s' on %s cut to %u (pkt_len %u): "
			      "expected %d", t[i].text, f->name, t[i].cut, wire, w);
			vb_filter_free(&filt);
		}
	}

	/* Compile errors: libpcap's message, never a filter. */
	{
		static const char *const bad[] = { "arp or or", "tcp port", "udp port 70000",
						   "ether host 02:00", "vlan and and", "" };
		struct vb_filter filt;

		for (i = 0; i < RTE_DIM(bad); i++) {
			err[0] = '\0';
			CHECK(vb_filter_compile(&filt, bad[i], err, sizeof(err)) == -EINVAL &&
			      err[0] != '\0', "'%s' accepted or no message", bad[i]);
			printf("refused: '%s': %s\n", bad[i], err);
		}
	}

	for (e = 0; e < RTE_DIM(exprs); e++)
		printf("%-62s matches %2u of %u frames\n", exprs[e].text, nb_match[e], NB_FRAMES);
	printf("%u checks, %d failures\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
