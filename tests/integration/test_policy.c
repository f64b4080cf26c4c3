/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy engine (lib/policy_acl.c, rte_acl) judged against libpcap, under EAL (rte_acl
 * allocates with rte_malloc; --no-huge is enough):
 * - the issue's rules, exactly as written, on hand-made frames, with the verdict stated;
 * - an oracle: random rule sets, each rule also written as tcpdump expressions (one per VLAN
 *   depth: none, one tag, two tags, since libpcap's `vlan` shifts what follows it); for
 *   thousands of random frames (tagged, QinQ, three tags, IPv6, IPv4 options and fragments,
 *   frames cut at each header, ARP, LLDP, STP, EAPOL) the first rule whose expression
 *   pcap_offline_filter() accepts must be the rule vbridge says, or the default (protected
 *   frames: permit). Protected kinds (ARP, ND, 01:80:c2:00:00:0X) are found by libpcap too;
 *   which kinds a rule names is worked out here from how the rule was made, as
 *   docs/policy.md defines it. Frames are at least 14 bytes and IPv6 frames carry no
 *   extension headers: libpcap reads partial Ethernet headers, and does not walk extension
 *   headers, where vbridge (on purpose) does not and does; tests/unit/test_policy.c checks
 *   those keys by hand;
 * - vb_policy_burst(): enforce drops and frees exactly the denied frames, shadow keeps them,
 *   every frame counted once on its rule's slot.
 * The seed is printed; VB_POLICY_SEED=N repeats a run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <pcap/pcap.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "config.h"
#include "policy.h"

static int failures;
static unsigned int checks;

#define CHECK(cond, ...) do { \
	checks++; \
	if (!(cond)) { \
		if (++failures <= 40) { \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} \
} while (0)

static struct rte_mempool *pool;
static pcap_t *pcap;
static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

static bool
chance(unsigned int percent)
{
	return rnd(100) < percent;
}

/* ---- frames -------------------------------------------------------------------------------- */

struct frame {
	uint8_t b[300];
	uint32_t len;
	const char *kind;
};

static void put8(struct frame *f, uint8_t v) { f->b[f->len++] = v; }
static void put16(struct frame *f, uint16_t v) { put8(f, v >> 8); put8(f, v & 0xff); }
static void putn(struct frame *f, const void *p, unsigned int n)
{
	memcpy(&f->b[f->len], p, n);
	f->len += n;
}

static const char *const macs[] = {
	"02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:66", "ff:ff:ff:ff:ff:ff",
	"33:33:00:00:00:01", "01:80:c2:00:00:0e", "01:80:c2:00:00:00",
};
static const char *const ip4s[] = {
	"198.18.0.1", "198.18.0.2", "198.18.1.1", "198.19.0.1", "10.0.0.1",
};
static const char *const pfx4[] = {
	"198.18.0.0/16", "198.18.0.0/24", "198.18.1.0/24", "198.19.0.1", "198.18.0.2",
	"10.0.0.0/8",
};
static const char *const ip6s[] = {
	"2001:db8::1", "2001:db8::2", "2001:db8:1::1", "fe80::1", "ff02::1",
};
static const char *const pfx6[] = {
	"2001:db8::/32", "2001:db8::/48", "2001:db8:1::/48", "2001:db8::1", "fe80::/10",
	"ff02::/16",
};
static const uint16_t l4ports[] = { 22, 23, 53, 80, 161, 162, 443, 1024, 40000 };
static const char *const portranges[] = { "22", "23", "161-162", "1-1023", "1024-65535",
					  "80-443" };
static const uint8_t icmp4types[] = { 0, 3, 8, 11 };
static const uint8_t icmp6types[] = { 1, 128, 129, 133, 134, 135, 136, 137 };
static const char *const icmp4ranges[] = { "8", "0", "3-11", "0-255" };
static const char *const icmp6ranges[] = { "128", "128-129", "135", "133-137", "0-255",
					    "136" };
static const char *const etypes[] = { "0x88cc", "0x0806", "0x8100", "0x0800", "0x86dd",
				      "0x888e", "0x9000" };
static const uint16_t vids[] = { 10, 30, 99 };
static const uint16_t tpids[] = { 0x8100, 0x88a8, 0x9100 };

static void
put_mac(struct frame *f, const char *s)
{
	unsigned int b[6], i;

	sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
	for (i = 0; i < 6; i++)
		put8(f, (uint8_t)b[i]);
}

static void
put_ip(struct frame *f, const char *s, bool v6)
{
	uint8_t a[16];

	inet_pton(v6 ? AF_INET6 : AF_INET, s, a);
	putn(f, a, v6 ? 16 : 4);
}

/* A random frame; *cuts receives header boundaries where it may be cut short. */
static void
make_frame(struct frame *f, uint32_t *cuts, unsigned int *nb_cuts)
{
	unsigned int tags = chance(50) ? 0 : chance(60) ? 1 : chance(75) ? 2 : 3, i, kind;
	uint32_t l3, l4 = 0;
	uint8_t proto = 0;

	f->len = 0;
	*nb_cuts = 0;
	kind = rnd(100);
	if (kind < 8) {
		/* link-local control */
		static const char *const ll[] = { "01:80:c2:00:00:0e", "01:80:c2:00:00:00",
						  "01:80:c2:00:00:03" };
		put_mac(f, ll[rnd(3)]);
	} else {
		put_mac(f, macs[rnd(chance(90) ? 5 : RTE_DIM(macs))]);
	}
	put_mac(f, macs[rnd(3)]);
	for (i = 0; i < tags; i++) {
		put16(f, tpids[rnd(3)]);
		put16(f, (uint16_t)(rnd(8) << 13 | vids[rnd(RTE_DIM(vids))]));
		cuts[(*nb_cuts)++] = f->len - 2;
	}
	l3 = f->len + 2;
	if (kind < 8) {
		static const uint16_t llt[] = { 0x88cc, 0x0026, 0x888e };

		f->kind = "link-local";
		put16(f, llt[rnd(3)]);
		for (i = 0; i < 40; i++)
			put8(f, (uint8_t)rnd(256));
	} else if (kind < 18) {
		f->kind = "arp";
		put16(f, 0x0806);
		put16(f, 1); put16(f, 0x0800); put8(f, 6); put8(f, 4); put16(f, 1 + rnd(2));
		put_mac(f, macs[0]); put_ip(f, ip4s[rnd(5)], false);
		put_mac(f, macs[1]); put_ip(f, ip4s[rnd(5)], false);
	} else if (kind < 25) {
		f->kind = "other";
		put16(f, chance(50) ? 0x9000 : 0x88b5);
		for (i = 0; i < 30; i++)
			put8(f, (uint8_t)rnd(256));
	} else if (kind < 62) {
		unsigned int opt = chance(20), frag = rnd(10);
		uint16_t fragf = frag == 0 ? 0x2000 : frag == 1 ? 0x0003 : frag == 2 ? 0x2005 : 0;

		f->kind = "ipv4";
		put16(f, 0x0800);
		proto = (uint8_t[]){ 6, 17, 1, 47 }[rnd(4)];
		put8(f, (uint8_t)(0x45 + opt)); put8(f, 0); put16(f, 60); put16(f, 7);
		put16(f, fragf); put8(f, 64); put8(f, proto); put16(f, 0);
		put_ip(f, ip4s[rnd(5)], false);
		put_ip(f, ip4s[rnd(5)], false);
		if (opt)
			put16(f, 0x0101), put16(f, 0x0101);
		cuts[(*nb_cuts)++] = l3;
		cuts[(*nb_cuts)++] = l3 + 20;
	} else {
		f->kind = "ipv6";
		put16(f, 0x86dd);
		proto = (uint8_t[]){ 6, 17, 58, 58, 47 }[rnd(5)];
		put16(f, 0x6000); put16(f, 0); put16(f, 24); put8(f, proto); put8(f, 255);
		put_ip(f, ip6s[rnd(5)], true);
		put_ip(f, ip6s[rnd(5)], true);
		cuts[(*nb_cuts)++] = l3;
	}
	if (proto != 0) {
		l4 = f->len;
		cuts[(*nb_cuts)++] = l4;
		if (proto == 6 || proto == 17) {
			put16(f, l4ports[rnd(RTE_DIM(l4ports))]);
			put16(f, l4ports[rnd(RTE_DIM(l4ports))]);
		} else if (proto == 1) {
			put8(f, icmp4types[rnd(RTE_DIM(icmp4types))]);
			put8(f, (uint8_t)rnd(2));
			put16(f, 0);
		} else if (proto == 58) {
			put8(f, icmp6types[rnd(RTE_DIM(icmp6types))]);
			put8(f, (uint8_t)rnd(2));
			put16(f, 0);
		} else {
			put16(f, 0); put16(f, 0x0800);
		}
		cuts[(*nb_cuts)++] = l4 + 4;
		for (i = 0; i < 16; i++)
			put8(f, (uint8_t)rnd(256));
	}
}

/* ---- rules, twice: vbridge's grammar and tcpdump's ------------------------------------------ */

struct orule {
	char text[512];			/* vbridge */
	char expr[512];			/* tcpdump, without VLAN handling */
	int vlan;			/* -1: none */
	int in;				/* -1: any port */
	bool all;			/* no match word: every frame */
	uint8_t named;
	uint8_t action;
	struct bpf_program prog[3];	/* by VLAN depth; prog[0] alone when all */
	char full[3][1200];		/* what was compiled */
	bool has_prog[3];
};

static void
cat(char *s, size_t n, const char *fmt, const char *a)
{
	size_t l = strlen(s);

	snprintf(s + l, n - l, fmt, a);
}

static bool
range_has_nd(const char *r)
{
	unsigned int lo, hi;

	if (sscanf(r, "%u-%u", &lo, &hi) != 2)
		hi = lo = (unsigned int)atoi(r);
	return lo <= 137 && hi >= 133;
}

static void
and_expr(struct orule *o, const char *fmt, const char *a)
{
	char part[200];

	snprintf(part, sizeof(part), fmt, a);
	if (o->expr[0] != '\0')
		cat(o->expr, sizeof(o->expr), " and %s", part);
	else
		cat(o->expr, sizeof(o->expr), "%s", part);
}

static void
word(struct orule *o, const char *fmt, const char *a)
{
	cat(o->text, sizeof(o->text), " ", "");
	cat(o->text, sizeof(o->text), fmt, a);
}

static void
range_expr(struct orule *o, const char *field, const char *r)
{
	char buf[160];
	unsigned int lo, hi;

	if (sscanf(r, "%u-%u", &lo, &hi) != 2)
		hi = lo = (unsigned int)atoi(r);
	snprintf(buf, sizeof(buf), "%s >= %u and %s <= %u", field, lo, field, hi);
	and_expr(o, "%s", buf);
}

static void
make_rule(struct orule *o)
{
	unsigned int fam = 0, proto = 0;	/* proto: 0 none, 6, 17, 1, 58, 47 */
	bool said = false;			/* "ip" or "ip6" written */
	const char *p;

	memset(o, 0, sizeof(*o));
	o->vlan = -1;
	o->in = -1;
	o->action = chance(50) ? VB_POL_PERMIT : VB_POL_DENY;
	snprintf(o->text, sizeof(o->text), "%s", vb_pol_action_name(o->action));
	if (chance(20)) {
		o->in = (int)rnd(2);
		snprintf(o->text + strlen(o->text), 16, " in %d", o->in);
	}
	if (chance(6)) {
		word(o, "%s", "any");
		o->all = true;
		return;
	}
	if (chance(15)) {
		p = macs[rnd(RTE_DIM(macs))];
		word(o, "ether src %s", p);
		and_expr(o, "ether src %s", p);
	}
	if (chance(15)) {
		p = macs[rnd(RTE_DIM(macs))];
		word(o, "ether dst %s", p);
		and_expr(o, "ether dst %s", p);
		if (strncmp(p, "01:80:c2:00:00:0", 16) == 0)
			o->named |= VB_POL_CLS_LINKLOCAL;
	}
	if (chance(15)) {
		o->vlan = vids[rnd(RTE_DIM(vids))];
		snprintf(o->text + strlen(o->text), 16, " vlan %d", o->vlan);
	}
	if (chance(30)) {
		if (chance(20)) {
			word(o, "%s", "arp");
			and_expr(o, "%s", "arp");
			o->named |= VB_POL_CLS_ARP;
		} else if (chance(70)) {
			p = etypes[rnd(RTE_DIM(etypes))];
			word(o, "ether-type %s", p);
			and_expr(o, "ether proto %s", p);
			o->named |= VB_POL_CLS_LINKLOCAL;
			if (strcmp(p, "0x0806") == 0)
				o->named |= VB_POL_CLS_ARP;
		}
	} else {
		fam = rnd(3) == 0 ? 4 : rnd(2) == 0 ? 6 : 0;
		said = fam != 0 && chance(60);
		if (said) {
			word(o, "%s", fam == 4 ? "ip" : "ip6");
			and_expr(o, "%s", fam == 4 ? "ip" : "ip6");
		}
		switch (rnd(6)) {
		case 0: proto = 6; break;
		case 1: proto = 17; break;
		case 2: proto = fam == 6 ? 58 : 1; break;
		case 3: proto = fam == 4 ? 1 : 58; break;
		case 4: proto = 47; break;
		default: proto = 0;
		}
		if (proto == 1 || proto == 58)
			fam = proto == 1 ? 4 : 6;
		if (proto == 6 || proto == 17) {
			word(o, "%s", proto == 6 ? "tcp" : "udp");
			and_expr(o, "%s", proto == 6 ? "tcp" : "udp");
		} else if (proto == 1 || proto == 58) {
			word(o, "%s", proto == 1 ? "icmp" : "icmp6");
			and_expr(o, "%s", proto == 1 ? "icmp" : "icmp6");
		} else if (proto == 47) {
			word(o, "%s", "proto 47");
			and_expr(o, "%s", !said ? "(ip proto 47 or ip6 proto 47)" :
				 fam == 4 ? "ip proto 47" : "ip6 proto 47");
		}
		if (chance(30)) {
			if (fam == 0)
				fam = chance(50) ? 4 : 6;
			p = fam == 4 ? pfx4[rnd(RTE_DIM(pfx4))] : pfx6[rnd(RTE_DIM(pfx6))];
			word(o, "src %s", p);
			and_expr(o, fam == 4 ? "ip src net %s" : "ip6 src net %s", p);
		}
		if (chance(30)) {
			if (fam == 0)
				fam = chance(50) ? 4 : 6;
			p = fam == 4 ? pfx4[rnd(RTE_DIM(pfx4))] : pfx6[rnd(RTE_DIM(pfx6))];
			word(o, "dst %s", p);
			and_expr(o, fam == 4 ? "ip dst net %s" : "ip6 dst net %s", p);
		}
		if (proto == 6 || proto == 17) {
			const char *l4 = proto == 6 ? "tcp" : "udp";
			static const char *const side[3] = { "port", "sport", "dport" };
			static const char *const pside[3] = { "", "src ", "dst " };
			unsigned int k;
			char e[64];

			for (k = 0; k < 3; k++) {
				if (!chance(k == 0 ? 15 : k == 1 ? 30 : 40))
					continue;
				p = portranges[rnd(RTE_DIM(portranges))];
				word(o, side[k], "");
				word(o, "%s", p);
				/* "portrange 23-23": libpcap's range needs both ends */
				snprintf(e, sizeof(e), "%s %sportrange %s%s%s", l4, pside[k], p,
					 strchr(p, '-') ? "" : "-", strchr(p, '-') ? "" : p);
				and_expr(o, "%s", e);
				if (k == 0)
					break;
			}
		} else if (proto == 1 || proto == 58) {
			if (chance(50)) {
				p = proto == 1 ? icmp4ranges[rnd(RTE_DIM(icmp4ranges))] :
						 icmp6ranges[rnd(RTE_DIM(icmp6ranges))];
				word(o, "type %s", p);
				range_expr(o, proto == 1 ? "icmp[0]" : "icmp6[0]", p);
				if (proto == 58 && range_has_nd(p))
					o->named |= VB_POL_CLS_ND;
			}
			if (chance(20)) {
				p = chance(50) ? "0" : "1";
				word(o, "code %s", p);
				range_expr(o, proto == 1 ? "icmp[1]" : "icmp6[1]", p);
			}
		}
	}
	if (o->expr[0] == '\0' && o->vlan < 0) {
		word(o, "%s", "any");
		o->all = true;
	}
}

#define NOTAG(o) "ether[" #o ":2] != 0x8100 and ether[" #o ":2] != 0x88a8 and ether[" #o \
	":2] != 0x9100"

/* Compile a rule's expressions; false (and a message) when libpcap refuses one. */
static bool
compile_rule(struct orule *o)
{
	char e[1200], vl[16] = "vlan";
	unsigned int d;

	if (o->all) {
		o->has_prog[0] = pcap_compile(pcap, &o->prog[0], "", 1,
					      PCAP_NETMASK_UNKNOWN) == 0;
		return o->has_prog[0];
	}
	if (o->vlan >= 0)
		snprintf(vl, sizeof(vl), "vlan %d", o->vlan);
	for (d = 0; d < 3; d++) {
		const char *rest = o->expr[0] ? o->expr : "";
		const char *and = o->expr[0] ? " and " : "";

		if (d == 0 && o->vlan >= 0)
			continue;
		if (d == 0)
			snprintf(e, sizeof(e), NOTAG(12) "%s%s", and, rest);
		else if (d == 1)
			snprintf(e, sizeof(e), "%s and " NOTAG(16) "%s%s", vl, and, rest);
		else
			snprintf(e, sizeof(e), "%s and vlan%s%s", vl, and, rest);
		snprintf(o->full[d], sizeof(o->full[d]), "%s", e);
		if (pcap_compile(pcap, &o->prog[d], e, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			printf("FAIL: libpcap refuses '%s' (rule '%s'): %s\n", e, o->text,
			       pcap_geterr(pcap));
			failures++;
			return false;
		}
		o->has_prog[d] = true;
	}
	return true;
}

static void
free_rule(struct orule *o)
{
	unsigned int d;

	for (d = 0; d < 3; d++)
		if (o->has_prog[d])
			pcap_freecode(&o->prog[d]);
}

static bool
run(const struct bpf_program *p, const struct frame *f)
{
	struct pcap_pkthdr h = { .caplen = f->len, .len = f->len };

	return pcap_offline_filter(p, &h, f->b) != 0;
}

static bool
rule_matches(const struct orule *o, const struct frame *f)
{
	unsigned int d;

	for (d = 0; d < 3; d++)
		if (o->has_prog[d] && run(&o->prog[d], f))
			return true;
	return false;
}

/* The protected kinds, by libpcap, at each VLAN depth. */
static struct bpf_program prot_prog[2][3];
static struct bpf_program ll_prog;

static void
compile_protected(void)
{
	static const char *const what[2] = {
		"arp", "icmp6 and icmp6[0] >= 133 and icmp6[0] <= 137",
	};
	char e[400];
	unsigned int k, d;

	if (pcap_compile(pcap, &ll_prog, "ether[0:4] = 0x0180c200 and ether[4:2] & 0xfff0 = 0",
			 1, PCAP_NETMASK_UNKNOWN) != 0)
		exit(1);
	for (k = 0; k < 2; k++)
		for (d = 0; d < 3; d++) {
			if (d == 0)
				snprintf(e, sizeof(e), NOTAG(12) " and %s", what[k]);
			else if (d == 1)
				snprintf(e, sizeof(e), "vlan and " NOTAG(16) " and %s", what[k]);
			else
				snprintf(e, sizeof(e), "vlan and vlan and %s", what[k]);
			if (pcap_compile(pcap, &prot_prog[k][d], e, 1, PCAP_NETMASK_UNKNOWN) != 0) {
				printf("FAIL: libpcap refuses '%s'\n", e);
				exit(1);
			}
		}
}

static uint8_t
protected_kinds(const struct frame *f)
{
	static const uint8_t bit[2] = { VB_POL_CLS_ARP, VB_POL_CLS_ND };
	uint8_t k, d, out = 0;

	for (k = 0; k < 2; k++)
		for (d = 0; d < 3; d++)
			if (run(&prot_prog[k][d], f))
				out |= bit[k];
	/* The control group is known by its destination, whatever follows. */
	if (run(&ll_prog, f))
		out |= VB_POL_CLS_LINKLOCAL;
	return out;
}

/* ---- running vbridge's engine ------------------------------------------------------------ */

static struct vb_policy *
build(const char *text, struct vb_rules *rules)
{
	static const struct vb_pol_port ports[] = { { "net_null0", 0 }, { "net_null1", 1 } };
	uint32_t slots[VB_POL_MAX_RULES];
	struct vb_policy *pol;
	char err[512] = "";
	unsigned int i;

	if (vb_rules_parse_buf("oracle", text, strlen(text), ports, 2, rules, err,
			       sizeof(err)) != 0) {
		printf("FAIL: rules refused: %s\n", err);
		failures++;
		return NULL;
	}
	for (i = 0; i < rules->nb; i++)
		slots[i] = VB_POL_SLOT_FIRST + i;
	pol = vb_policy_build(rules, slots, VB_POL_SLOT_DEFAULT, VB_POL_SLOT_PROTECTED, err,
			      sizeof(err));
	if (pol == NULL) {
		printf("FAIL: build: %s\n", err);
		failures++;
	}
	return pol;
}

static struct rte_mbuf *
to_mbuf(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL) {
		printf("FAIL: out of mbufs\n");
		exit(1);
	}
	memcpy(rte_pktmbuf_append(m, (uint16_t)f->len), f->b, f->len);
	return m;
}

static void
hexdump(const struct frame *f)
{
	uint32_t i;

	for (i = 0; i < f->len; i++)
		printf("%02x%s", f->b[i], (i % 32) == 31 ? "\n    " : "");
	printf("\n");
}

#define SETS	120
#define FRAMES	100

static void
test_oracle(void)
{
	static struct orule o[16];
	static struct frame fr[FRAMES];
	unsigned int s, i, j, nb_rules, frames = 0, denied = 0, by_rule = 0, prot = 0;
	unsigned int kinds[VB_POL_NB_KINDS] = { 0 };

	compile_protected();
	for (s = 0; s < SETS; s++) {
		char text[8192] = "";
		struct vb_rules rules;
		struct vb_policy *pol;
		uint8_t dflt = chance(50) ? VB_POL_DENY : VB_POL_PERMIT;
		bool ok = true;

		nb_rules = 1 + rnd(RTE_DIM(o));
		for (i = 0; i < nb_rules; i++) {
			make_rule(&o[i]);
			ok = compile_rule(&o[i]) && ok;
			cat(text, sizeof(text), "%s\n", o[i].text);
		}
		if (dflt == VB_POL_DENY)
			cat(text, sizeof(text), "%s", "default deny\n");
		pol = ok ? build(text, &rules) : NULL;
		for (i = 0; pol != NULL && i < FRAMES; i += 32) {
			const struct vb_pol_verdict *v[32];
			struct rte_mbuf *m[32];
			uint16_t port = (uint16_t)rnd(2), n = RTE_MIN(32u, FRAMES - i);

			for (j = 0; j < n; j++) {
				struct frame *f = &fr[i + j];
				uint32_t cuts[16];
				unsigned int nb_cuts;

				make_frame(f, cuts, &nb_cuts);
				if (nb_cuts != 0 && chance(20))
					f->len = RTE_MAX(14u, cuts[rnd(nb_cuts)]);
				m[j] = to_mbuf(f);
			}
			vb_policy_judge(pol, m, n, port, v);
			for (j = 0; j < n; j++) {
				const struct frame *f = &fr[i + j];
				uint8_t p = protected_kinds(f);
				const struct vb_pol_verdict *alone;
				unsigned int want = 0, k;
				struct vb_pol_key key;
				uint8_t act;

				kinds[vb_pol_key_read(&key, f->b, f->len, port)]++;
				/* Alone, a frame takes the path of bursts of one kind. */
				vb_policy_judge(pol, &m[j], 1, port, &alone);
				CHECK(alone == v[j], "set %u frame %u: rule %u alone, %u in its burst",
				      s, i + j, alone->number, v[j]->number);
				for (k = 0; k < nb_rules; k++)
					if ((o[k].in < 0 || o[k].in == port) &&
					    (p & ~o[k].named) == 0 && rule_matches(&o[k], f))
						break;
				if (k < nb_rules) {
					want = k + 1;
					act = o[k].action;
				} else {
					act = p ? VB_POL_PERMIT : dflt;
				}
				frames++;
				denied += act == VB_POL_DENY;
				by_rule += want != 0;
				prot += p != 0;
				CHECK(v[j]->number == want && v[j]->action == act &&
				      (want != 0 || v[j]->slot == (p ? VB_POL_SLOT_PROTECTED :
								   VB_POL_SLOT_DEFAULT)),
				      "set %u frame %u (%s, %u bytes, port %u, protected %#x): "
				      "vbridge says rule %u (%s), libpcap rule %u (%s: '%s')\n"
				      "rules:\n%s    ", s, i + j, f->kind, f->len, port, p,
				      v[j]->number, vb_pol_action_name(v[j]->action), want,
				      vb_pol_action_name(act), want ? o[want - 1].expr : "-", text);
				if (v[j]->number != want && failures <= 40) {
					unsigned int r = v[j]->number ? v[j]->number : want;

					hexdump(f);
					if (r != 0)
						printf("    rule %u as libpcap: '%s' | '%s' | '%s'\n", r,
						       o[r - 1].full[0], o[r - 1].full[1],
						       o[r - 1].full[2]);
				}
			}
			rte_pktmbuf_free_bulk(m, n);
		}
		for (i = 0; i < nb_rules; i++)
			free_rule(&o[i]);
		if (pol != NULL) {
			vb_policy_free(pol);
			vb_rules_free(&rules);
		}
	}
	printf("oracle: %u rule sets, %u frames: %u matched a rule, %u denied, %u protected\n",
	       SETS, frames, by_rule, denied, prot);
	CHECK(by_rule > frames / 5 && denied > frames / 10 && prot > frames / 20,
	      "the generator hardly exercises the rules: %u %u %u of %u", by_rule, denied, prot,
	      frames);
	/* Each rte_acl context of the policy judged many of them. */
	printf("oracle: by context: whole IPv4 %u, whole IPv6 %u, non-IP %u, other IPv4 %u, "
	       "other IPv6 %u\n", kinds[VB_POL_K_IP4], kinds[VB_POL_K_IP6], kinds[VB_POL_K_L2],
	       kinds[VB_POL_K_IP4_REST], kinds[VB_POL_K_IP6_REST]);
	for (i = 0; i < VB_POL_NB_KINDS; i++)
		CHECK(kinds[i] > frames / 50, "only %u frames of kind %u", kinds[i], i);
}

/*
 * The pre-test (struct vb_pol_pretest) against rte_acl alone: the same policy with every
 * pre-test removed must give each frame the same verdict, rules with prefixes, port ranges
 * across a byte (1-1023, 80-443), MACs, VLANs and `port N` among them; and the pre-test must
 * have turned many frames away from rte_acl.
 */
static void
test_pretest(void)
{
	static struct orule o[16];
	static struct frame fr[32];
	unsigned int s, i, j, nb_rules, frames = 0, turned = 0, sets = 0;

	for (s = 0; s < 2 * SETS; s++) {
		char text[8192] = "";
		struct vb_rules rules;
		struct vb_policy *pol, bare;
		const struct vb_pol_verdict *v[32], *w[32];
		struct rte_mbuf *m[32];
		uint16_t port = (uint16_t)rnd(2);
		bool any_test = false;

		/* No rule that matches every frame: a context with one has no pre-test. */
		nb_rules = 1 + rnd(RTE_DIM(o));
		for (i = 0; i < nb_rules; i++) {
			make_rule(&o[i]);
			if (o[i].all) {
				i--;
				continue;
			}
			cat(text, sizeof(text), "%s\n", o[i].text);
		}
		if (chance(50))
			cat(text, sizeof(text), "%s", "default deny\n");
		pol = build(text, &rules);
		if (pol == NULL)
			continue;
		bare = *pol;
		memset(bare.pre, 0, sizeof(bare.pre));
		for (i = 0; i < VB_POL_NB_KINDS; i++)
			any_test |= pol->ctx[i] != NULL && pol->pre[i].nb != 0;
		sets += any_test;
		for (j = 0; j < RTE_DIM(fr); j++) {
			uint32_t cuts[16];
			unsigned int nb_cuts;

			make_frame(&fr[j], cuts, &nb_cuts);
			if (nb_cuts != 0 && chance(20))
				fr[j].len = RTE_MAX(14u, cuts[rnd(nb_cuts)]);
			m[j] = to_mbuf(&fr[j]);
		}
		vb_policy_judge(pol, m, RTE_DIM(m), port, v);
		vb_policy_judge(&bare, m, RTE_DIM(m), port, w);
		for (j = 0; j < RTE_DIM(fr); j++) {
			struct vb_pol_key key;
			unsigned int k = vb_pol_key_read(&key, fr[j].b, fr[j].len, port);

			frames++;
			turned += pol->ctx[k] != NULL && !vb_pol_pretest_pass(&pol->pre[k], &key);
			/* bare's protected verdict is its own copy: compare what they say */
			CHECK(v[j]->number == w[j]->number && v[j]->action == w[j]->action &&
			      v[j]->slot == w[j]->slot, "set %u frame %u (%s, %u bytes): rule %u with the "
			      "pre-test, %u by rte_acl alone\nrules:\n%s", s, j, fr[j].kind,
			      fr[j].len, v[j]->number, w[j]->number, text);
		}
		rte_pktmbuf_free_bulk(m, RTE_DIM(m));
		vb_policy_free(pol);
		vb_rules_free(&rules);
	}
	printf("pre-test: %u rule sets, %u with a pre-test; %u of %u frames turned away before "
	       "rte_acl\n", 2 * SETS, sets, turned, frames);
	CHECK(sets > SETS / 2 && turned > frames / 10, "the pre-test hardly ran: %u sets, %u of "
	      "%u frames", sets, turned, frames);
}

/* The issue's rules as written, on frames whose verdict is stated here. */
static void
test_issue_rules(void)
{
	static const char text[] =
		"deny tcp dport 23\n"
		"deny in net_null1 udp dport 161-162\n"
		"permit ip src 198.18.0.0/24 dst 198.19.0.1\n"
		"deny ip6 dst 2001:db8::/32 tcp dport 22\n"
		"deny ether src 02:00:00:00:00:66\n"
		"deny vlan 30\n"
		"deny ether-type 0x88cc\n"
		"permit icmp\n"
		"permit tcp dport 22\n"
		"default deny            # for what no rule matches; default: permit\n";
	struct vb_rules rules;
	struct vb_policy *pol = build(text, &rules);
	struct frame f;
	unsigned int i;

	static const struct {
		const char *what;
		uint16_t port;
		unsigned int tags;	/* VID 30 */
		uint16_t etype;
		uint8_t proto;
		uint16_t dport;
		bool v6;
		const char *src, *dst, *smac, *dmac;
		unsigned int rule;
		uint8_t action;
	} cases[] = {
		{ "telnet", 0, 0, 0x0800, 6, 23, false, "198.18.0.1", "198.18.0.2", NULL, NULL, 1,
		  VB_POL_DENY },
		{ "telnet tagged", 0, 1, 0x0800, 6, 23, false, "198.18.0.1", "198.18.0.2", NULL,
		  NULL, 1, VB_POL_DENY },
		{ "telnet v6", 1, 0, 0x86dd, 6, 23, true, "2001:db8::1", "2001:db8::2", NULL,
		  NULL, 1, VB_POL_DENY },
		{ "snmp on port 1", 1, 0, 0x0800, 17, 161, false, "198.18.0.1", "198.18.5.5", NULL,
		  NULL, 2, VB_POL_DENY },
		{ "snmp on port 0: default", 0, 0, 0x0800, 17, 162, false, "198.18.5.1",
		  "198.18.5.5", NULL, NULL, 0, VB_POL_DENY },
		{ "permitted net", 0, 0, 0x0800, 17, 53, false, "198.18.0.77", "198.19.0.1", NULL,
		  NULL, 3, VB_POL_PERMIT },
		{ "ssh v6 to the denied net", 0, 0, 0x86dd, 6, 22, true, "2001:db9::1",
		  "2001:db8:5::1", NULL, NULL, 4, VB_POL_DENY },
		{ "ssh v6 elsewhere", 0, 0, 0x86dd, 6, 22, true, "2001:db9::1", "2001:db9::2",
		  NULL, NULL, 9, VB_POL_PERMIT },
		{ "bad source MAC", 0, 0, 0x0800, 6, 80, false, "198.18.9.1", "198.18.9.2",
		  "02:00:00:00:00:66", NULL, 5, VB_POL_DENY },
		{ "vlan 30", 0, 1, 0x0800, 6, 80, false, "198.18.9.1", "198.18.9.2", NULL, NULL, 6,
		  VB_POL_DENY },
		{ "LLDP", 0, 0, 0x88cc, 0, 0, false, NULL, NULL, NULL, "01:80:c2:00:00:0e", 7,
		  VB_POL_DENY },
		{ "ping", 0, 0, 0x0800, 1, 0, false, "198.18.9.1", "198.18.9.2", NULL, NULL, 8,
		  VB_POL_PERMIT },
		{ "ARP passes default deny", 0, 0, 0x0806, 0, 0, false, NULL, NULL, NULL,
		  "ff:ff:ff:ff:ff:ff", 0, VB_POL_PERMIT },
		{ "ARP from the bad MAC: named? no", 0, 0, 0x0806, 0, 0, false, NULL, NULL,
		  "02:00:00:00:00:66", "ff:ff:ff:ff:ff:ff", 0, VB_POL_PERMIT },
		{ "STP passes default deny", 0, 0, 0x0026, 0, 0, false, NULL, NULL, NULL,
		  "01:80:c2:00:00:00", 0, VB_POL_PERMIT },
		{ "web: default deny", 0, 0, 0x0800, 6, 80, false, "198.18.9.1", "198.18.9.2", NULL,
		  NULL, 0, VB_POL_DENY },
		{ "unknown EtherType: default deny", 0, 0, 0x9000, 0, 0, false, NULL, NULL, NULL,
		  NULL, 0, VB_POL_DENY },
	};

	if (pol == NULL)
		return;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct vb_pol_verdict *v;
		struct rte_mbuf *m;
		unsigned int t;

		f.len = 0;
		put_mac(&f, cases[i].dmac ? cases[i].dmac : "02:00:00:00:00:02");
		put_mac(&f, cases[i].smac ? cases[i].smac : "02:00:00:00:00:01");
		for (t = 0; t < cases[i].tags; t++)
			put16(&f, 0x8100), put16(&f, 30);
		put16(&f, cases[i].etype);
		if (cases[i].etype == 0x0800) {
			put16(&f, 0x4500); put16(&f, 40); put16(&f, 0); put16(&f, 0);
			put8(&f, 64); put8(&f, cases[i].proto); put16(&f, 0);
			put_ip(&f, cases[i].src, false);
			put_ip(&f, cases[i].dst, false);
		} else if (cases[i].etype == 0x86dd) {
			put16(&f, 0x6000); put16(&f, 0); put16(&f, 20);
			put8(&f, cases[i].proto); put8(&f, 64);
			put_ip(&f, cases[i].src, true);
			put_ip(&f, cases[i].dst, true);
		}
		if (cases[i].proto == 1) {
			put16(&f, 0x0800); put16(&f, 0);
		} else if (cases[i].proto != 0) {
			put16(&f, 40000); put16(&f, cases[i].dport);
		}
		memset(f.b + f.len, 0, 28);
		f.len += 28;
		m = to_mbuf(&f);
		vb_policy_judge(pol, &m, 1, cases[i].port, &v);
		CHECK(v->number == cases[i].rule && v->action == cases[i].action,
		      "%s: rule %u %s, expected rule %u %s", cases[i].what, v->number,
		      vb_pol_action_name(v->action), cases[i].rule,
		      vb_pol_action_name(cases[i].action));
		rte_pktmbuf_free(m);
	}
	vb_policy_free(pol);
	vb_rules_free(&rules);
}

/* Enforce frees exactly the denied frames; shadow forwards them; every frame counted once. */
static void
test_burst(void)
{
	struct vb_pol_ctrs ctrs[VB_POL_SLOT_FIRST + 2];
	struct rte_mbuf *m[32];
	struct vb_pol_sample smp = { 0 };
	struct vb_pol_burst res;
	struct vb_rules rules;
	struct vb_policy *pol = build("deny udp\npermit tcp\n", &rules);
	unsigned int mode, i, avail;
	struct frame f;
	uint16_t kept;

	if (pol == NULL)
		return;
	for (mode = 0; mode < 2; mode++) {
		memset(ctrs, 0, sizeof(ctrs));
		avail = rte_mempool_avail_count(pool);
		for (i = 0; i < 32; i++) {
			f.len = 0;
			put_mac(&f, "02:00:00:00:00:02");
			put_mac(&f, "02:00:00:00:00:01");
			put16(&f, i % 4 == 3 ? 0x0806 : 0x0800);
			put16(&f, 0x4500); put16(&f, 40); put16(&f, 0); put16(&f, 0);
			put8(&f, 64); put8(&f, i % 4 == 0 ? 17 : 6); put16(&f, 0);
			memset(f.b + f.len, 0, 40);
			f.len += 40;
			f.b[15 + 30] = (uint8_t)i;	/* a mark to check the order */
			m[i] = to_mbuf(&f);
		}
		kept = vb_policy_burst(pol, mode, m, 32, 0, 1234, ctrs, &smp, &res);
		CHECK(res.denied == 8 && res.denied_bytes == 8 * f.len, "mode %u: denied %u %"
		      PRIu64, mode, res.denied, res.denied_bytes);
		CHECK(kept == (mode == VB_POL_MODE_SHADOW ? 32 : 24), "mode %u: kept %u", mode,
		      kept);
		for (i = 1; i < kept; i++)
			CHECK(rte_pktmbuf_mtod(m[i], uint8_t *)[45] >
			      rte_pktmbuf_mtod(m[i - 1], uint8_t *)[45], "order changed");
		/* ARP: protected, named by no rule. */
		CHECK(ctrs[VB_POL_SLOT_FIRST].frames == 8 && ctrs[VB_POL_SLOT_FIRST + 1].frames == 16
		      && ctrs[VB_POL_SLOT_DEFAULT].frames == 0 &&
		      ctrs[VB_POL_SLOT_PROTECTED].frames == 8 &&
		      ctrs[VB_POL_SLOT_FIRST].bytes == 8 * f.len &&
		      ctrs[VB_POL_SLOT_FIRST].last_tsc == 1234,
		      "mode %u: slots %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, mode,
		      ctrs[0].frames, ctrs[1].frames, ctrs[2].frames, ctrs[3].frames);
		rte_pktmbuf_free_bulk(m, kept);
		CHECK(rte_mempool_avail_count(pool) == avail, "mode %u: %u mbufs lost", mode,
		      avail - rte_mempool_avail_count(pool));
	}
	vb_policy_free(pol);
	vb_rules_free(&rules);
}

int
main(int argc, char **argv)
{
	const char *seed = getenv("VB_POLICY_SEED");

	if (rte_eal_init(argc, argv) < 0) {
		printf("SKIP: EAL did not start (%s)\n", rte_strerror(rte_errno));
		return 77;
	}
	pool = rte_pktmbuf_pool_create("vb_test_policy", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	pcap = pcap_open_dead(DLT_EN10MB, 65535);
	if (pool == NULL || pcap == NULL) {
		printf("FAIL: no mempool or pcap handle\n");
		return 1;
	}
	rng_state = seed != NULL ? strtoull(seed, NULL, 0) : (uint64_t)time(NULL);
	printf("seed %" PRIu64 " (VB_POLICY_SEED=%" PRIu64 " repeats this run)\n", rng_state,
	       rng_state);
	test_issue_rules();
	test_burst();
	test_oracle();
	test_pretest();
	pcap_close(pcap);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	printf("%s: %u checks, %d failed\n", failures ? "FAIL" : "PASS", checks, failures);
	return failures ? 1 : 0;
}
