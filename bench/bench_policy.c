/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy's cost per frame: vb_policy_burst() (key reading, rte_acl_classify of the
 * burst, per-rule counting) on bursts of 32 pre-built frames, with 10, 1,000 and 10,000 random
 * rules (random prefixes and ports: nearly every frame misses them all and gets the
 * default), in shadow mode so that no frame is freed. Also the build time and the rte_acl
 * memory of each rule set. Without a policy the loop pays one test per burst, so these
 * cycles are what a policy adds.
 *   bench_policy [EAL] -- [--rules N] [--mix uni64|mixed|mixed10] [--bursts N]
 * mixed10 is the mix with its addresses inside the rules' (10.0.0.0/8, 2001:db8::/32): no
 * frame is turned away by the pre-test (struct vb_pol_pretest), every one walks rte_acl.
 *   prints: result policy rules=N mix=M cycles_per_frame=C build_ms=B mem_kib=K alg=A
 *   bench_policy --write-rules N     prints such a rules file (no EAL; scripts/bench.sh)
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "policy.h"

#define BURST	32
#define FRAMES	4096

static uint64_t seed = 42;

static uint32_t
rnd(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(seed >> 33);
}

/* n random rules over 10.0.0.0/8 and 2001:db8::/32: the mixes' frames (198.18/15) miss. */
static char *
random_rules(unsigned int n)
{
	size_t cap = (size_t)n * 96 + 64, off = 0;
	char *t = malloc(cap);
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int k = rnd() % 4, lo = rnd() % 60000;

		if (k == 0)
			off += snprintf(t + off, cap - off, "deny ip src 10.%u.%u.0/24 tcp dport %u\n",
					rnd() % 256, rnd() % 256, lo);
		else if (k == 1)
			off += snprintf(t + off, cap - off, "deny ip dst 10.%u.0.0/16 udp dport %u-%u\n",
					rnd() % 256, lo, lo + rnd() % 100);
		else if (k == 2)
			off += snprintf(t + off, cap - off, "permit ip6 src 2001:db8:%x::/48 tcp "
					"sport %u\n", rnd() % 65536, lo);
		else
			off += snprintf(t + off, cap - off, "deny ip src 10.%u.%u.%u dst 10.%u.0.0/16\n",
					rnd() % 256, rnd() % 256, rnd() % 256, rnd() % 256);
	}
	snprintf(t + off, cap - off, "default permit\n");
	return t;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Frame i of a mix: uni64, IPv4 TCP; mixed, IPv4 TCP/UDP, IPv6 TCP, ARP, 802.1Q. */
static uint16_t
build(uint8_t *f, const char *mix, unsigned int i)
{
	bool near = strcmp(mix, "mixed10") == 0;
	unsigned int kind = strcmp(mix, "mixed") == 0 || near ? i % 5 : 0, l3 = 14;

	memset(f, 0, 128);
	f[0] = 0x02, f[5] = (uint8_t)i;
	f[6] = 0x02, f[11] = (uint8_t)(i >> 8);
	if (kind == 4) {
		put16(f + 12, 0x8100);
		put16(f + 14, 10);
		l3 = 18;
		kind = 0;
	}
	if (kind == 3) {
		put16(f + l3 - 2, 0x0806);
		return 60;
	}
	if (kind == 2) {
		put16(f + l3 - 2, 0x86dd);
		f[l3] = 0x60;
		f[l3 + 6] = 6;
		put16(f + l3 + 8, 0x2001);
		put16(f + l3 + 10, near ? 0x0db8 : 0x0002);
		put16(f + l3 + 40, (uint16_t)(1024 + i));
		put16(f + l3 + 42, 443);
		return 78;
	}
	put16(f + l3 - 2, 0x0800);
	f[l3] = 0x45;
	f[l3 + 9] = kind == 1 ? 17 : 6;
	f[l3 + 12] = near ? 10 : 198, f[l3 + 13] = 18;
	f[l3 + 14] = (uint8_t)(i >> 8), f[l3 + 15] = (uint8_t)i;
	f[l3 + 16] = near ? 10 : 198, f[l3 + 17] = 19, f[l3 + 19] = 1;
	put16(f + l3 + 20, (uint16_t)(1024 + i));
	/* Not from rnd(): the rules are then the same for every mix (and --write-rules N's). */
	put16(f + l3 + 22, (uint16_t)(i * 40503u));
	return 64;
}

int
main(int argc, char **argv)
{
	static struct vb_pol_ctrs ctrs[VB_POL_MAX_RULES + 4];
	struct rte_mbuf *m[FRAMES];
	struct rte_mempool *pool;
	unsigned int nrules = 1000, bursts = 200000, i, b;
	const char *mix = "uni64";
	uint32_t *slots;
	struct vb_rules rules;
	struct vb_policy *pol;
	struct vb_pol_sample smp = { 0 };
	struct vb_pol_burst res;
	uint64_t t0, t1, cycles = 0;
	char err[512], *text;
	int n;

	if (argc == 3 && strcmp(argv[1], "--write-rules") == 0) {
		text = random_rules((unsigned int)atoi(argv[2]));
		fputs(text, stdout);
		free(text);
		return 0;
	}
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "bench_policy: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	for (i = 1; i + 1 < (unsigned int)argc; i += 2) {
		if (strcmp(argv[i], "--rules") == 0)
			nrules = (unsigned int)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--mix") == 0)
			mix = argv[i + 1];
		else if (strcmp(argv[i], "--bursts") == 0)
			bursts = (unsigned int)atoi(argv[i + 1]);
	}
	pool = rte_pktmbuf_pool_create("bench_pol", FRAMES * 2, 0, 0, 2048, (int)rte_socket_id());
	if (pool == NULL)
		return 1;
	for (i = 0; i < FRAMES; i++) {
		m[i] = rte_pktmbuf_alloc(pool);
		uint16_t len = build(rte_pktmbuf_mtod(m[i], uint8_t *), mix, i);

		m[i]->data_len = len;
		m[i]->pkt_len = len;
	}
	text = random_rules(nrules);
	t0 = rte_get_tsc_cycles();
	if (vb_rules_parse_buf("bench", text, strlen(text), NULL, 0, &rules, err,
			       sizeof(err)) != 0) {
		fprintf(stderr, "bench_policy: %s\n", err);
		return 1;
	}
	slots = malloc(sizeof(*slots) * (rules.nb + 1));
	for (i = 0; i < rules.nb; i++)
		slots[i] = VB_POL_SLOT_FIRST + i;
	pol = vb_policy_build(&rules, slots, VB_POL_SLOT_DEFAULT, VB_POL_SLOT_PROTECTED, err,
			      sizeof(err));
	t1 = rte_get_tsc_cycles();
	if (pol == NULL) {
		fprintf(stderr, "bench_policy: %s\n", err);
		return 1;
	}
	for (b = 0; b < bursts; b++) {
		struct rte_mbuf *burst[BURST];
		unsigned int at = (b * BURST) % FRAMES;
		uint64_t s;

		memcpy(burst, &m[at], sizeof(burst));
		s = rte_rdtsc_precise();
		vb_policy_burst(pol, VB_POL_MODE_SHADOW, burst, BURST, 0, s, ctrs, &smp, &res);
		cycles += rte_rdtsc_precise() - s;
	}
	printf("result policy rules=%u mix=%s cycles_per_frame=%.1f build_ms=%.1f mem_kib=%zu "
	       "alg=%s\n", nrules, mix, (double)cycles / ((double)bursts * BURST),
	       (double)(t1 - t0) * 1000.0 / (double)rte_get_tsc_hz(), pol->mem / 1024, pol->alg);
	vb_policy_free(pol);
	vb_rules_free(&rules);
	free(slots);
	free(text);
	rte_pktmbuf_free_bulk(m, FRAMES);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}
