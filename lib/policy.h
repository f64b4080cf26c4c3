/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inline policy: an ordered rules file, first match wins (docs/policy.md has the grammar).
 *
 * Two halves, so that the parser runs (and is fuzzed, and unit-tested) without EAL:
 * - vb_rules_parse*(): text -> struct vb_rules, plain malloc, no DPDK state;
 * - vb_policy_build(): struct vb_rules -> struct vb_policy, one rte_acl context per kind of
 *   frame (enum vb_pol_kind), built on the main lcore, read by the workers.
 *
 * The datapath never interprets a rule: vb_policy_burst() reads a fixed key out of each
 * frame (after up to two VLAN tags), and rte_acl classifies the whole burst at once.
 *
 * ARP, IPv6 neighbour discovery (ICMPv6 types 133-137) and frames to the link-local control
 * group 01:80:c2:00:00:00-0f are "protected": only rules that name them match them, and the
 * default action never applies to them. A rule names
 * - ARP when it says `arp` or `ether-type 0x0806`;
 * - ND when it says `icmp6 type N[-M]` with a range that includes one of 133-137;
 * - the control group when it says `ether dst 01:80:c2:00:00:0X` or any `ether-type`.
 */
#ifndef VB_POLICY_H
#define VB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shm.h"

#define VB_POL_DENY		0
#define VB_POL_PERMIT		1

#define VB_POL_MODE_ENFORCE	0
#define VB_POL_MODE_SHADOW	1

#define VB_POL_MAX_RULES	65535	/* rule numbers fit a sample's 16-bit tag */
#define VB_POL_LINE_MAX		1024	/* characters of one line of the rules file */
#define VB_POL_FILE_MAX		(16u << 20)	/* bytes of a rules file */

/* Bits of the key's cls field: what kind of protected frame, and what is missing. */
#define VB_POL_CLS_ARP		(1u << 0)
#define VB_POL_CLS_ND		(1u << 1)
#define VB_POL_CLS_LINKLOCAL	(1u << 2)
#define VB_POL_CLS_PROTECTED	(VB_POL_CLS_ARP | VB_POL_CLS_ND | VB_POL_CLS_LINKLOCAL)
#define VB_POL_CLS_NO_L4	(1u << 3)	/* no ports/type: a later fragment, or cut short */
#define VB_POL_CLS_NO_L3	(1u << 4)	/* IP EtherType, but no whole IP header */

/* What a rule constrains (struct vb_rule.has). */
#define VB_RULE_IN		(1u << 0)
#define VB_RULE_PROTO		(1u << 1)
#define VB_RULE_SRC		(1u << 2)
#define VB_RULE_DST		(1u << 3)
#define VB_RULE_SPORT		(1u << 4)	/* or ICMP type */
#define VB_RULE_DPORT		(1u << 5)	/* or ICMP code */
#define VB_RULE_PORT		(1u << 6)	/* either port: two ACL entries */
#define VB_RULE_ETHER_SRC	(1u << 7)
#define VB_RULE_ETHER_DST	(1u << 8)
#define VB_RULE_VLAN		(1u << 9)
#define VB_RULE_ETYPE		(1u << 10)

/* One parsed rule: a conjunction of constraints. */
struct vb_rule {
	uint32_t line;		/* in the rules file */
	uint8_t action;		/* VB_POL_PERMIT or VB_POL_DENY */
	uint8_t family;		/* 0: either, 4, 6 */
	uint8_t named;		/* VB_POL_CLS_* protected kinds this rule names */
	uint8_t icmp;		/* sport/dport hold ICMP type/code */
	uint16_t has;		/* VB_RULE_* */
	uint16_t in_port;	/* ethdev port id */
	uint16_t etype;
	uint16_t vlan;
	uint8_t proto;
	uint8_t src_len;
	uint8_t dst_len;
	uint8_t smac[6];
	uint8_t dmac[6];
	uint8_t src[16];	/* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
	uint16_t sport_lo, sport_hi;	/* also `port` */
	uint16_t dport_lo, dport_hi;
	char *text;		/* the rule as written, blanks squeezed, without its comment */
};

/* A parsed rules file. */
struct vb_rules {
	unsigned int nb;
	struct vb_rule *rule;
	uint8_t default_action;	/* VB_POL_PERMIT unless the file says `default deny` */
	uint32_t default_line;	/* 0: not in the file */
};

/* A port `in PORT` may name: its ethdev name and id. */
struct vb_pol_port {
	const char *name;
	uint16_t id;
};

/*
 * Parse a rules file held in memory (name: for messages). ports[] are the bridge ports
 * `in` may name (by name or id); NULL: not known yet (before EAL), any name passes. Returns 0 and fills *out, or -EINVAL / -E2BIG / -ENOMEM with
 * "name:line: what is wrong" in err; *out is then empty. Free with vb_rules_free().
 */
int vb_rules_parse_buf(const char *name, const char *text, size_t len,
		       const struct vb_pol_port *ports, unsigned int nb_ports,
		       struct vb_rules *out, char *err, size_t errlen);

/* As vb_rules_parse_buf() for the file at path (at most VB_POL_FILE_MAX bytes). */
int vb_rules_parse_file(const char *path, const struct vb_pol_port *ports, unsigned int nb_ports,
			struct vb_rules *out, char *err, size_t errlen);

/* Free what vb_rules_parse*() allocated; r may be empty (zeroed). */
void vb_rules_free(struct vb_rules *r);

/* "permit" or "deny". */
const char *vb_pol_action_name(unsigned int action);

/* "enforce" or "shadow". */
const char *vb_pol_mode_name(unsigned int mode);

/*
 * The key rte_acl classifies, read out of a frame. Multi-byte fields in network order, as
 * rte_acl expects its input (rule values are in host order). The layout is the contract with
 * the field definitions in policy_acl.c: proto alone first (rte_acl's first field is one byte),
 * then groups of 4 bytes. The contexts of whole IP frames (VB_POL_K_IP4/IP6) read neither cls
 * nor etype (both are known there), which is why those two come last.
 */
struct vb_pol_key {
	uint8_t proto;		/* IP protocol after IPv6 extension headers; 0 when not IP */
	uint8_t pad[3];
	uint32_t addr[8];	/* IPv4: source, destination, 0...; IPv6: source[4], dest.[4] */
	uint16_t sport;		/* ICMP: type */
	uint16_t dport;		/* ICMP: code */
	uint16_t vlan;		/* outer VID, 0xffff untagged */
	uint16_t in_port;	/* ethdev port id */
	uint8_t mac[12];	/* destination, source: as in the frame (one copy) */
	uint16_t cls;		/* VB_POL_CLS_* */
	uint16_t etype;		/* after up to two VLAN tags */
};

/*
 * Which rte_acl context judges a frame (vb_pol_key_read() says). Most frames are whole IP
 * frames: a whole IPv4 or IPv6 header, the first 4 bytes after it (after IPv6 extension
 * headers), not a later fragment, not ND, not to the link-local group. For them cls is 0 and
 * the EtherType known, so their contexts leave both out of the trie: 13 bytes walked per
 * IPv4 frame (protocol, addresses, ports) when no rule names a VLAN, port or MAC. Every
 * other frame goes to a context over the whole key, as rare as such frames are.
 */
enum vb_pol_kind {
	/* The whole IP frames first: kinds below VB_POL_K_L2 are never protected. */
	VB_POL_K_IP4,		/* a whole IPv4 frame: cls 0 */
	VB_POL_K_IP6,		/* a whole IPv6 frame: cls 0 */
	VB_POL_K_L2,		/* EtherType neither IPv4 nor IPv6, or none (runt, cut tags) */
	VB_POL_K_IP4_REST,	/* IPv4 EtherType, not a whole IPv4 frame */
	VB_POL_K_IP6_REST,	/* IPv6 EtherType, not a whole IPv6 frame */
	VB_POL_NB_KINDS
};

#include "policy_key.h"

/* Counter slots: the default, protected frames no rule named, then the rules'. */
#define VB_POL_SLOT_DEFAULT	0
#define VB_POL_SLOT_PROTECTED	1
#define VB_POL_SLOT_FIRST	2

/* struct vb_pol_ctrs, the per-rule counters, is part of the shared layout (shm.h). */

/* What a rule does when it matches, and where it counts. */
struct vb_pol_verdict {
	uint32_t slot;		/* in the counter blocks */
	uint16_t number;	/* 1-based position in the file's rules; 0: the default */
	uint8_t action;
};

struct rte_acl_ctx;
struct rte_mbuf;

/*
 * A necessary condition for a frame to match any rule of a context, tested before rte_acl:
 * each rule entry is assigned one key byte it constrains, and a frame can match only if one
 * of the tested bytes holds a value some entry assigned there allows. A frame that fails it
 * matches no rule there, exactly, and skips rte_acl. nb 0: no such test (every frame is
 * classified); a context without rules has a test no frame passes.
 */
#define VB_POL_PRE_MAX	4

struct vb_pol_pretest {
	uint8_t nb;			/* bytes tested, 0: none */
	uint8_t pos[VB_POL_PRE_MAX];	/* offsets in struct vb_pol_key */
	uint64_t allow[VB_POL_PRE_MAX][4];	/* by byte value: some entry allows it */
};

/* Whether a frame whose key is k can match some rule of the context whose pre-test is pt. */
static inline bool
vb_pol_pretest_pass(const struct vb_pol_pretest *pt, const struct vb_pol_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	unsigned int p;

	if (pt->nb == 0)
		return true;
	for (p = 0; p < pt->nb; p++) {
		uint8_t v = b[pt->pos[p]];

		if (pt->allow[p][v >> 6] & (1ULL << (v & 63)))
			return true;
	}
	return false;
}

/* A built policy: immutable once published; freed only after an RCU grace period. */
struct vb_policy {
	struct rte_acl_ctx *ctx[VB_POL_NB_KINDS];	/* by enum vb_pol_kind; NULL: no rule applies */
	struct vb_pol_pretest pre[VB_POL_NB_KINDS];	/* before ctx[] */
	unsigned int nb_rules;
	struct vb_pol_verdict prot;	/* no rule named a protected frame: permit */
	/* By rte_acl's result (userdata): [0] the default (no rule matched), [i] rule i. */
	struct vb_pol_verdict *verdict;
	size_t mem;			/* bytes of every context, as the rte_malloc heap grew */
	const char *alg;		/* the classify method in use ("avx2", "sse", "scalar" ...) */
};

/*
 * Build the rte_acl contexts for rules on the calling (main) lcore. slots[i] is the counter
 * slot of rule i, dflt_slot the default's, prot_slot where protected frames no rule named
 * count. Returns NULL with rte_errno set and a message in err. Needs EAL.
 */
struct vb_policy *vb_policy_build(const struct vb_rules *rules, const uint32_t *slots,
				  uint32_t dflt_slot, uint32_t prot_slot, char *err,
				  size_t errlen);

/*
 * The verdict of each of nb (<= VB_MAX_BURST) frames received on ethdev port in_port, into
 * out[]: a rule's, the default's, or pol->prot. Counts nothing, changes nothing.
 */
void vb_policy_judge(const struct vb_policy *pol, struct rte_mbuf *const *pkts, uint16_t nb,
		     uint16_t in_port, const struct vb_pol_verdict **out);

/* Free a policy no worker can still see; NULL is ignored. */
void vb_policy_free(struct vb_policy *pol);

/* Per-burst results of vb_policy_burst(), for the caller's direction counters. */
struct vb_pol_burst {
	uint16_t denied;	/* enforce: dropped and freed; shadow: would have been */
	uint64_t denied_bytes;
};

struct vb_pol_sample {
	void *ring;		/* a vb_sample ring, NULL: no samples */
	uint16_t bridge_port;
	uint16_t queue;
};

/*
 * Judge a burst by one policy: classify every frame, count each on its rule's slot in ctrs
 * (this worker's block), and in enforce mode free the denied frames and close the gaps in
 * pkts (order kept). Denied frames are offered to the sample ring with their rule number.
 * Returns the number of frames left in pkts; res says what was denied.
 */
uint16_t vb_policy_burst(const struct vb_policy *pol, unsigned int mode, struct rte_mbuf **pkts,
			 uint16_t nb, uint16_t in_port, uint64_t now, struct vb_pol_ctrs *ctrs,
			 const struct vb_pol_sample *smp, struct vb_pol_burst *res);

/*
 * The main lcore's side of a running policy: the rules file, the rule set the workers read,
 * which counter slot each rule has, and the shared layout's table (struct vb_pol_info).
 */
struct vb_reload;

struct vb_pol_run {
	struct vb_policy *cur;		/* published to the workers (vb_rcu_swap) */
	struct vb_shm *shm;
	struct vb_reload *rl;
	struct vb_pol_port ports[VB_MAX_PORTS];
	unsigned int nb_ports;
	struct vb_rules rules;		/* the running set */
	uint32_t *slot;			/* of each running rule */
	uint32_t dflt_slot;
	uint8_t *used;			/* by slot: held by the running set */
};

/*
 * Load shm->pol.path with the bridge ports of shm, build it and make it current, before
 * the workers start. Returns 0, or -EINVAL (the file is wrong: "file:line: ..." in err) or
 * another -errno.
 */
int vb_pol_run_start(struct vb_pol_run *run, struct vb_shm *shm, struct vb_reload *rl,
		     char *err, size_t errlen);

/*
 * A reload step (vb_reload_fn, arg: struct vb_pol_run): re-read the file, build, swap,
 * free the old set after the grace period. Rules whose text did not change keep their
 * counters. On failure the running set stays and the failure is counted in the segment.
 */
int vb_pol_run_reload(void *run, char *err, size_t errlen);

/* Free everything, once the workers have stopped. */
void vb_pol_run_stop(struct vb_pol_run *run);

#endif /* VB_POLICY_H */
