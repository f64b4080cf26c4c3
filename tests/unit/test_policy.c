/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules-file parser (lib/policy.c) and the key reader (lib/policy_key.h), no EAL:
 * the grammar's examples parse into the constraints they say; bad lines are refused with
 * file:line and what is wrong; the key of each frame kind holds the fields the rules match,
 * and what is missing is flagged, never read past the frame.
 * The verdicts themselves (rte_acl) are checked in tests/integration/test_policy.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

#include "check.h"

static const struct vb_pol_port ports[] = {
	{ "net_af_packet0", 0 }, { "net_af_packet1", 1 },
};

static int
parse(const char *text, struct vb_rules *r, char *err, size_t errlen)
{
	return vb_rules_parse_buf("t.rules", text, strlen(text), ports, RTE_DIM(ports), r, err,
				  errlen);
}

/* The forms the issue gives, exactly as written. */
static void
test_examples(void)
{
	static const char text[] =
		"deny tcp dport 23\n"
		"deny in net_af_packet1 udp dport 161-162\n"
		"permit ip src 198.18.0.0/24 dst 198.19.0.1\n"
		"deny ip6 dst 2001:db8::/32 tcp dport 22\n"
		"deny ether src 02:00:00:00:00:66\n"
		"deny vlan 30\n"
		"deny ether-type 0x88cc\n"
		"permit icmp\n"
		"permit any\n"
		"default deny            # for what no rule matches; default: permit\n";
	struct vb_rules r;
	char err[256] = "";
	const struct vb_rule *x;

	CHECK(parse(text, &r, err, sizeof(err)) == 0, "examples refused: %s", err);
	CHECK(r.nb == 9, "%u rules, expected 9", r.nb);
	if (r.nb != 9)
		return;
	CHECK(r.default_action == VB_POL_DENY && r.default_line == 10, "default %u line %u",
	      r.default_action, r.default_line);
	x = &r.rule[0];
	CHECK(x->action == VB_POL_DENY && x->proto == 6 && x->family == 0 &&
	      x->has == (VB_RULE_PROTO | VB_RULE_DPORT) && x->dport_lo == 23 && x->dport_hi == 23,
	      "rule 1 has %#x proto %u dport %u-%u", x->has, x->proto, x->dport_lo, x->dport_hi);
	CHECK(strcmp(x->text, "deny tcp dport 23") == 0, "text '%s'", x->text);
	x = &r.rule[1];
	CHECK((x->has & VB_RULE_IN) && x->in_port == 1 && x->proto == 17 && x->dport_lo == 161 &&
	      x->dport_hi == 162, "rule 2: in %u proto %u dport %u-%u", x->in_port, x->proto,
	      x->dport_lo, x->dport_hi);
	x = &r.rule[2];
	CHECK(x->action == VB_POL_PERMIT && x->family == 4 && x->src_len == 24 &&
	      x->dst_len == 32 && x->src[0] == 198 && x->src[1] == 18 && x->dst[1] == 19 &&
	      x->dst[3] == 1, "rule 3: family %u src /%u dst /%u", x->family, x->src_len,
	      x->dst_len);
	x = &r.rule[3];
	CHECK(x->family == 6 && x->dst_len == 32 && x->dst[0] == 0x20 && x->dst[1] == 0x01 &&
	      x->dst[2] == 0x0d && x->dst[3] == 0xb8 && x->proto == 6 && x->dport_lo == 22,
	      "rule 4: family %u dst /%u proto %u", x->family, x->dst_len, x->proto);
	x = &r.rule[4];
	CHECK(x->has == VB_RULE_ETHER_SRC && x->smac[0] == 2 && x->smac[5] == 0x66,
	      "rule 5: has %#x", x->has);
	x = &r.rule[5];
	CHECK(x->has == VB_RULE_VLAN && x->vlan == 30, "rule 6: vlan %u", x->vlan);
	x = &r.rule[6];
	CHECK(x->has == VB_RULE_ETYPE && x->etype == 0x88cc &&
	      x->named == VB_POL_CLS_LINKLOCAL, "rule 7: etype %#x named %#x", x->etype,
	      x->named);
	x = &r.rule[7];
	CHECK(x->proto == 1 && x->family == 4 && x->icmp, "rule 8: proto %u", x->proto);
	x = &r.rule[8];
	CHECK(x->has == 0 && x->family == 0 && x->action == VB_POL_PERMIT, "rule 9: has %#x",
	      x->has);
	vb_rules_free(&r);
}

/* What else engineers write, and what each rule names among the protected kinds. */
static void
test_more(void)
{
	static const struct {
		const char *text;
		uint16_t has;
		uint8_t named;
	} cases[] = {
		{ "deny arp", VB_RULE_ETYPE, VB_POL_CLS_ARP },
		{ "deny ether-type 0x0806", VB_RULE_ETYPE, VB_POL_CLS_ARP | VB_POL_CLS_LINKLOCAL },
		{ "deny ether-type 2054", VB_RULE_ETYPE, VB_POL_CLS_ARP | VB_POL_CLS_LINKLOCAL },
		{ "deny icmp6 type 135", VB_RULE_PROTO | VB_RULE_SPORT, VB_POL_CLS_ND },
		{ "deny icmp6 type 128-255", VB_RULE_PROTO | VB_RULE_SPORT, VB_POL_CLS_ND },
		{ "deny icmp6 type 128", VB_RULE_PROTO | VB_RULE_SPORT, 0 },
		{ "deny icmp6", VB_RULE_PROTO, 0 },
		{ "deny ether dst 01:80:c2:00:00:0e", VB_RULE_ETHER_DST, VB_POL_CLS_LINKLOCAL },
		{ "deny ether dst 01:80:c2:00:00:10", VB_RULE_ETHER_DST, 0 },
		{ "permit tcp port 22", VB_RULE_PROTO | VB_RULE_PORT, 0 },
		{ "permit in 0 any", VB_RULE_IN, 0 },
		{ "permit icmp type 8 code 0", VB_RULE_PROTO | VB_RULE_SPORT | VB_RULE_DPORT, 0 },
		{ "deny ip proto 47", VB_RULE_PROTO, 0 },
		{ "deny src 198.18.0.1", VB_RULE_SRC, 0 },
		{ "deny dst ::/0", VB_RULE_DST, 0 },
		{ "  deny\ttcp   sport 1-1023  # comment", VB_RULE_PROTO | VB_RULE_SPORT, 0 },
		{ "deny vlan 0 ether-type 0x88a8", VB_RULE_VLAN | VB_RULE_ETYPE,
		  VB_POL_CLS_LINKLOCAL },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		struct vb_rules r;
		char err[256] = "";
		int ret = parse(cases[i].text, &r, err, sizeof(err));

		CHECK(ret == 0 && r.nb == 1, "'%s': %d %s", cases[i].text, ret, err);
		if (ret != 0 || r.nb != 1)
			continue;
		CHECK(r.rule[0].has == cases[i].has && r.rule[0].named == cases[i].named,
		      "'%s': has %#x named %#x, expected %#x %#x", cases[i].text, r.rule[0].has,
		      r.rule[0].named, cases[i].has, cases[i].named);
		vb_rules_free(&r);
	}
}

/* Bad lines: refused, with the file, the line and the problem. */
static void
test_errors(void)
{
	static const struct {
		const char *text;
		const char *expect;
	} cases[] = {
		{ "deny tcp dport 70000", "t.rules:1: dport 70000 is out of range 0-65535" },
		{ "# c\ndeny tcp dport 23-22", "t.rules:2: dport 23-22: the range is backwards" },
		{ "deny tcp dport", "t.rules:1: 'dport' needs a port" },
		{ "deny udp sport x", "t.rules:1: sport 'x': not a number" },
		{ "deny tcp dport -1", "t.rules:1: dport '-1'" },
		{ "deny dport 23", "t.rules:1: 'dport 23' needs tcp or udp" },
		{ "deny icmp dport 1", "needs tcp or udp" },
		{ "deny tcp type 3", "t.rules:1: 'type 3' needs icmp or icmp6" },
		{ "drop tcp", "t.rules:1: unknown word 'drop'" },
		{ "deny tcp from 1.2.3.4", "t.rules:1: unknown word 'from'" },
		{ "deny ip src 198.18.0.1/24", "t.rules:1: bad prefix '198.18.0.1/24': bits set" },
		{ "deny ip src 198.18.0.0/33", "t.rules:1: bad prefix '198.18.0.0/33'" },
		{ "deny ip src 300.1.1.1", "t.rules:1: bad prefix '300.1.1.1'" },
		{ "deny ip src", "t.rules:1: 'src' needs an address" },
		{ "deny ip6 src 198.18.0.1", "IPv4 address in an IPv6 rule" },
		{ "deny ip dst 2001:db8::1", "IPv6 address in an IPv4 rule" },
		{ "deny ip ip6", "'ip6' in an IPv4 rule" },
		{ "deny icmp6 ip", "'ip' in an IPv6 rule" },
		{ "deny tcp udp", "names a protocol already" },
		{ "deny in net_af_packet7 tcp", "t.rules:1: in net_af_packet7: unknown port name" },
		{ "deny in 5 tcp", "t.rules:1: in 5: port out of range" },
		{ "deny in 99999 tcp", "t.rules:1: in 99999: port id out of range" },
		{ "deny in", "'in' needs a port" },
		{ "deny ether src 02:00:00:00:00", "not a MAC address" },
		{ "deny ether src 02:00:00:00:00:0g", "not a MAC address" },
		{ "deny ether src -1:02:03:04:05:06", "not a MAC address" },
		{ "deny ether src +2:+0:+0:+0:+0:+1", "not a MAC address" },
		{ "deny ether 02:00:00:00:00:01", "expected ether src MAC or ether dst MAC" },
		{ "deny vlan 4096", "t.rules:1: vlan 4096 is out of range 0-4095" },
		{ "deny vlan ten", "vlan ten: not a VLAN id" },
		{ "deny ether-type 0x10000", "ether-type 0x10000 is out of range" },
		{ "deny ether-type lldp", "ether-type lldp: not a number" },
		{ "deny ether-type 0x88cc tcp", "'tcp' with ether-type" },
		{ "deny ip ether-type 0x88cc", "'ether-type' with an IP match" },
		{ "deny", "'deny' needs match words" },
		{ "permit any tcp", "'any' with other match words" },
		{ "default drop", "expected 'default deny' or 'default permit'" },
		{ "default deny\ndefault permit", "t.rules:2: a second 'default'" },
		{ "deny tcp dport 1 dport 2", "given twice" },
		{ "deny tcp port 1 sport 2", "given twice, or with 'port'" },
		{ "deny vlan 1 vlan 2", "'vlan' given twice" },
		{ "deny arp ip", "'ip' and ether-type" },
		{ "deny proto 256", "proto 256: not an IP protocol number" },
		{ "deny icmp type 256", "type 256 is out of range 0-255" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		struct vb_rules r;
		char err[256] = "";
		int ret = parse(cases[i].text, &r, err, sizeof(err));

		CHECK(ret < 0 && strstr(err, cases[i].expect) != NULL,
		      "'%s': ret %d message '%s', expected '%s'", cases[i].text, ret, err,
		      cases[i].expect);
		CHECK(r.nb == 0 && r.rule == NULL, "'%s': rules left after an error",
		      cases[i].text);
	}
	/* A NUL byte, a line too long. */
	{
		static const char nul[] = "deny tcp\n\0deny udp\n";
		char line[VB_POL_LINE_MAX + 16];
		struct vb_rules r;
		char err[256] = "";

		CHECK(vb_rules_parse_buf("t.rules", nul, sizeof(nul) - 1, ports, 2, &r, err,
					 sizeof(err)) < 0 && strstr(err, "t.rules:2: not a text") != NULL,
		      "NUL byte: '%s'", err);
		memset(line, 'a', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		CHECK(parse(line, &r, err, sizeof(err)) < 0 && strstr(err, "t.rules:1: line "
		      "longer") != NULL, "long line: '%s'", err);
	}
	/* Before EAL (no ports yet) names are not checked; after, they are. */
	{
		struct vb_rules r;
		char err[256] = "";

		CHECK(vb_rules_parse_buf("t", "deny in eth9 tcp", 16, NULL, 0, &r, err,
					 sizeof(err)) == 0, "unchecked ports refused: %s", err);
		vb_rules_free(&r);
	}
}

/* ---- keys ---------------------------------------------------------------------------------- */

struct frame {
	uint8_t b[256];
	uint32_t len;
};

static void put8(struct frame *f, uint8_t v) { f->b[f->len++] = v; }
static void put16(struct frame *f, uint16_t v) { put8(f, v >> 8); put8(f, v & 0xff); }
static void putn(struct frame *f, const uint8_t *p, unsigned int n)
{
	memcpy(&f->b[f->len], p, n);
	f->len += n;
}

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x66 };
static const uint8_t LLDP[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };

static void
eth(struct frame *f, const uint8_t *dst, unsigned int tags, uint16_t type)
{
	unsigned int i;

	f->len = 0;
	putn(f, dst, 6);
	putn(f, MAC_A, 6);
	for (i = 0; i < tags; i++) {
		put16(f, i == 0 && tags == 2 ? 0x88a8 : 0x8100);
		put16(f, (uint16_t)(0x2000 | (30 + i)));	/* PCP 1, VID 30, 31 */
	}
	put16(f, type);
}

static uint16_t
be(uint16_t v)
{
	return rte_be_to_cpu_16(v);
}

/*
 * Both key readers on one frame: the same key, and the same kind but for whole IP frames,
 * which only vb_pol_key_read() sends to their own contexts (and for which cls is 0).
 * Returns vb_pol_key_read()'s kind.
 */
static unsigned int
read_key(struct vb_pol_key *k, const uint8_t *f, uint32_t len, uint16_t port)
{
	static const unsigned int rest[VB_POL_NB_KINDS] = {
		[VB_POL_K_IP4] = VB_POL_K_IP4_REST, [VB_POL_K_IP6] = VB_POL_K_IP6_REST,
		[VB_POL_K_L2] = VB_POL_K_L2, [VB_POL_K_IP4_REST] = VB_POL_K_IP4_REST,
		[VB_POL_K_IP6_REST] = VB_POL_K_IP6_REST,
	};
	struct vb_pol_key full;
	unsigned int kind, kind_full;

	memset(k, 0xa5, sizeof(*k));	/* what the fast reader leaves unwritten shows */
	kind = vb_pol_key_read(k, f, len, port);
	kind_full = vb_pol_key_read_full(&full, f, len, port);
	CHECK(kind < VB_POL_NB_KINDS && rest[kind] == kind_full,
	      "%u bytes: kind %u, the full reader's %u", len, kind, kind_full);
	CHECK(memcmp(k, &full, sizeof(full)) == 0, "%u bytes: the two readers' keys differ",
	      len);
	CHECK(kind >= VB_POL_K_L2 || full.cls == 0, "%u bytes: a whole IP frame with cls %#x",
	      len, be(full.cls));
	return kind;
}

static void
test_keys(void)
{
	static const uint8_t ip6hdr_tail[32] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1,
						  0x20, 0x01, 0x0d, 0xb8, [31] = 2 };
	struct vb_pol_key k;
	struct frame f;
	unsigned int tags, cut;

	for (tags = 0; tags <= 2; tags++) {
		/* IPv4 TCP 1234 -> 23, with one word of options. */
		eth(&f, MAC_A, tags, 0x0800);
		put8(&f, 0x46); put8(&f, 0); put16(&f, 48); put16(&f, 1); put16(&f, 0);
		put8(&f, 64); put8(&f, 6); put16(&f, 0);
		put8(&f, 198); put8(&f, 18); put8(&f, 0); put8(&f, 1);
		put8(&f, 198); put8(&f, 19); put8(&f, 0); put8(&f, 1);
		put16(&f, 0x0101); put16(&f, 0x0101);
		put16(&f, 1234); put16(&f, 23);
		memset(f.b + f.len, 0, 16);
		f.len += 16;
		CHECK(read_key(&k, f.b, f.len, 7) == VB_POL_K_IP4, "tags %u: not a whole IPv4 frame",
		      tags);
		CHECK(k.proto == 6 && be(k.sport) == 1234 && be(k.dport) == 23 &&
		      be(k.etype) == 0x0800 && be(k.in_port) == 7 && be(k.cls) == 0,
		      "tags %u: proto %u ports %u %u etype %#x cls %#x", tags, k.proto,
		      be(k.sport), be(k.dport), be(k.etype), be(k.cls));
		CHECK(be(k.vlan) == (tags ? 30 : 0xffff), "tags %u: vlan %u", tags, be(k.vlan));
		CHECK(rte_be_to_cpu_32(k.addr[0]) == 0xc6120001 &&
		      rte_be_to_cpu_32(k.addr[1]) == 0xc6130001 && k.addr[2] == 0, "addresses");
		/* Every cut length: flagged, never read beyond; whole from 4 bytes of TCP on. */
		for (cut = 0; cut < f.len; cut++) {
			unsigned int kind = read_key(&k, f.b, cut, 7);

			CHECK((kind == VB_POL_K_IP4) == (cut >= 14 + 4 * tags + 28),
			      "cut %u tags %u: kind %u", cut, tags, kind);
			if (cut < 14 || (tags != 0 && cut < 18))
				CHECK(be(k.cls) & VB_POL_CLS_RUNT, "cut %u tags %u: cls %#x", cut,
				      tags, be(k.cls));
			else if (cut < 14 + 4 * tags)
				CHECK(be(k.cls) & VB_POL_CLS_NO_ETYPE && be(k.vlan) == 30,
				      "cut %u tags %u: cls %#x", cut, tags, be(k.cls));
			else if (cut < 14 + 4 * tags + 20)
				CHECK(be(k.cls) == (VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4) &&
				      be(k.etype) == 0x0800, "cut %u: cls %#x", cut, be(k.cls));
			else if (cut < 14 + 4 * tags + 28)
				CHECK(be(k.cls) == VB_POL_CLS_NO_L4 && k.proto == 6,
				      "cut %u: cls %#x", cut, be(k.cls));
			else
				CHECK(be(k.cls) == 0 && be(k.dport) == 23, "cut %u: cls %#x", cut,
				      be(k.cls));
		}
		/* A later fragment: no ports. */
		f.b[14 + 4 * tags + 6] = 0x00;
		f.b[14 + 4 * tags + 7] = 0x10;
		CHECK(read_key(&k, f.b, f.len, 7) == VB_POL_K_IP4_REST, "later fragment: kind");
		CHECK(be(k.cls) == VB_POL_CLS_NO_L4 && k.sport == 0 && k.proto == 6,
		      "later fragment: cls %#x sport %u", be(k.cls), be(k.sport));
	}

	/* IPv6 behind hop-by-hop and a first fragment header: ICMPv6 NS is ND. */
	eth(&f, MAC_A, 1, 0x86dd);
	put16(&f, 0x6000); put16(&f, 0); put16(&f, 40); put8(&f, 0); put8(&f, 255);
	putn(&f, ip6hdr_tail, 32);
	put8(&f, 44); put8(&f, 0); put16(&f, 0); put16(&f, 0); put16(&f, 0);	/* hop-by-hop */
	put8(&f, 58); put8(&f, 0); put16(&f, 0x0001); put16(&f, 0); put16(&f, 1); /* frag */
	put8(&f, 135); put8(&f, 0); put16(&f, 0);
	CHECK(read_key(&k, f.b, f.len, 0) == VB_POL_K_IP6_REST, "IPv6 ND: kind");
	CHECK(k.proto == 58 && be(k.sport) == 135 && be(k.cls) == VB_POL_CLS_ND &&
	      k.addr[4] == rte_cpu_to_be_32(0x20010db8), "IPv6 ND: proto %u type %u cls %#x",
	      k.proto, be(k.sport), be(k.cls));
	/* The same as a later fragment: no type, not ND. */
	f.b[18 + 40 + 8 + 3] = 0x08;
	CHECK(read_key(&k, f.b, f.len, 0) == VB_POL_K_IP6_REST, "later IPv6 fragment: kind");
	CHECK(be(k.cls) == VB_POL_CLS_NO_L4 && k.proto == 58, "later IPv6 fragment: cls %#x",
	      be(k.cls));

	/* Whole IPv6 frames: TCP, and ICMPv6 echo behind a destination-options header. */
	for (tags = 0; tags <= 2; tags++) {
		unsigned int l3 = 14 + 4 * tags;

		eth(&f, MAC_A, tags, 0x86dd);
		put16(&f, 0x6000); put16(&f, 0); put16(&f, 20); put8(&f, 6); put8(&f, 64);
		putn(&f, ip6hdr_tail, 32);
		put16(&f, 40000); put16(&f, 22);
		memset(f.b + f.len, 0, 16);
		f.len += 16;
		for (cut = 0; cut <= f.len; cut++) {
			unsigned int kind = read_key(&k, f.b, cut, 1);

			CHECK((kind == VB_POL_K_IP6) == (cut >= l3 + 44), "IPv6 cut %u tags %u: kind %u",
			      cut, tags, kind);
		}
		CHECK(k.proto == 6 && be(k.sport) == 40000 && be(k.dport) == 22 &&
		      k.addr[0] == rte_cpu_to_be_32(0x20010db8) && k.addr[7] == rte_cpu_to_be_32(2) &&
		      be(k.vlan) == (tags ? 30 : 0xffff) && be(k.in_port) == 1,
		      "IPv6 TCP tags %u: proto %u ports %u %u", tags, k.proto, be(k.sport),
		      be(k.dport));
		f.b[l3 + 6] = 60;	/* destination options, then ICMPv6 echo request */
		memmove(f.b + l3 + 48, f.b + l3 + 40, 20);
		memset(f.b + l3 + 40, 0, 8);
		f.b[l3 + 40] = 58;
		f.b[l3 + 48] = 128;
		f.b[l3 + 49] = 0;
		f.len += 8;
		CHECK(read_key(&k, f.b, f.len, 1) == VB_POL_K_IP6 && k.proto == 58 &&
		      be(k.sport) == 128 && be(k.dport) == 0, "ICMPv6 echo: proto %u type %u",
		      k.proto, be(k.sport));
		f.b[l3 + 48] = 136;	/* a neighbour advertisement: protected, not whole */
		CHECK(read_key(&k, f.b, f.len, 1) == VB_POL_K_IP6_REST &&
		      be(k.cls) == VB_POL_CLS_ND, "NA: cls %#x", be(k.cls));
	}
	/* IPv4 ICMP, GRE, and TCP to the link-local group (not whole: cls says so). */
	eth(&f, MAC_A, 0, 0x0800);
	put8(&f, 0x45); put8(&f, 0); put16(&f, 28); put16(&f, 1); put16(&f, 0x4000);
	put8(&f, 64); put8(&f, 1); put16(&f, 0);
	put8(&f, 198); put8(&f, 18); put8(&f, 0); put8(&f, 1);
	put8(&f, 198); put8(&f, 19); put8(&f, 0); put8(&f, 1);
	put8(&f, 8); put8(&f, 0); put16(&f, 0);
	CHECK(read_key(&k, f.b, f.len, 2) == VB_POL_K_IP4 && be(k.sport) == 8 && k.dport == 0,
	      "ICMP echo: type %u", be(k.sport));
	f.b[23] = 47;
	CHECK(read_key(&k, f.b, f.len, 2) == VB_POL_K_IP4 && k.proto == 47 && k.sport == 0,
	      "GRE: proto %u sport %u", k.proto, be(k.sport));
	memcpy(f.b, LLDP, 6);
	f.b[23] = 6;
	CHECK(read_key(&k, f.b, f.len, 2) == VB_POL_K_IP4_REST &&
	      be(k.cls) == VB_POL_CLS_LINKLOCAL, "TCP to 01:80:c2:00:00:0e: cls %#x", be(k.cls));

	/* ARP behind QinQ, LLDP: protected kinds. */
	eth(&f, MAC_A, 2, 0x0806);
	memset(f.b + f.len, 0, 28);
	f.len += 28;
	CHECK(read_key(&k, f.b, f.len, 0) == VB_POL_K_L2, "QinQ ARP: kind");
	CHECK(be(k.cls) & VB_POL_CLS_ARP && be(k.vlan) == 30 && be(k.etype) == 0x0806,
	      "QinQ ARP: cls %#x vlan %u", be(k.cls), be(k.vlan));
	eth(&f, LLDP, 0, 0x88cc);
	f.len += 20;
	CHECK(read_key(&k, f.b, f.len, 0) == VB_POL_K_L2, "LLDP: kind");
	CHECK(be(k.cls) & VB_POL_CLS_LINKLOCAL, "LLDP: cls %#x", be(k.cls));
	CHECK(memcmp(k.mac, LLDP, 6) == 0 && memcmp(k.mac + 6, MAC_A, 6) == 0, "macs");
}

int
main(void)
{
	test_examples();
	test_more();
	test_errors();
	test_keys();
	printf("%s: %u checks, %d failed\n", failures ? "FAIL" : "PASS", checks, failures);
	return failures ? 1 : 0;
}
