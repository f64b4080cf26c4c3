/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: arbitrary bytes as a policy rules file for vb_rules_parse_buf(), and
 * the same bytes as a frame for the policy's key readers (vb_pol_key_read, and the full one
 * it leaves all but whole IP frames to).
 * Checks beyond "no crash, no sanitizer report": an error always comes with a message that
 * names the file; a success leaves every rule inside what the grammar allows (ranges in
 * order and in bounds, prefixes no longer than the family's address, a known action, a
 * port `in` names that is a bridge port), the key never claims fields the frame lacks, and
 * both readers write the same key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do { fprintf(stderr, "fuzz_policy: " __VA_ARGS__); abort(); } while (0)

static void
check_rule(const struct vb_rule *r)
{
	unsigned int max = r->family == 6 ? 128 : 32;

	if (r->action != VB_POL_PERMIT && r->action != VB_POL_DENY)
		FAIL("action %u\n", r->action);
	if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi)
		FAIL("backwards range in '%s'\n", r->text);
	if (r->icmp && (r->sport_hi > 255 || r->dport_hi > 255))
		FAIL("ICMP type/code beyond 255 in '%s'\n", r->text);
	if (((r->has & VB_RULE_SRC) && r->src_len > max) ||
	    ((r->has & VB_RULE_DST) && r->dst_len > max))
		FAIL("prefix longer than the address in '%s'\n", r->text);
	if ((r->has & (VB_RULE_SRC | VB_RULE_DST)) && r->family == 0)
		FAIL("an address without a family in '%s'\n", r->text);
	if ((r->has & VB_RULE_VLAN) && r->vlan > 4095)
		FAIL("vlan %u\n", r->vlan);
	if ((r->has & VB_RULE_IN) && r->in_port != 3 && r->in_port != 7)
		FAIL("in %u is no bridge port\n", r->in_port);
	if ((r->has & (VB_RULE_SPORT | VB_RULE_DPORT | VB_RULE_PORT)) && !r->icmp &&
	    r->proto != 6 && r->proto != 17)
		FAIL("ports without tcp or udp in '%s'\n", r->text);
	if (r->text == NULL || strncmp(r->text, r->action ? "permit" : "deny",
				       r->action ? 6 : 4) != 0)
		FAIL("text '%s'\n", r->text ? r->text : "(null)");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vb_pol_port ports[] = { { "net_null0", 3 }, { "eth1", 7 } };
	struct vb_pol_key k, full;
	unsigned int kind, kind_full;
	struct vb_rules r;
	char err[512];
	unsigned int i;
	uint8_t *copy;

	if (size > 65536)
		return -1;
	err[0] = '\0';
	if (vb_rules_parse_buf("f.rules", (const char *)data, size, ports, 2, &r, err,
			       sizeof(err)) != 0) {
		if (strncmp(err, "f.rules", 7) != 0)
			FAIL("an error without the file's name: '%s'\n", err);
		if (r.nb != 0 || r.rule != NULL)
			FAIL("rules left after an error\n");
	} else {
		for (i = 0; i < r.nb; i++)
			check_rule(&r.rule[i]);
		vb_rules_free(&r);
	}

	/* An exact heap copy: ASan sees any read past the frame. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	kind = vb_pol_key_read(&k, copy, (uint32_t)size, 3);
	kind_full = vb_pol_key_read_full(&full, copy, (uint32_t)size, 3);
	if (size < 14 && !(rte_be_to_cpu_16(k.cls) & VB_POL_CLS_RUNT))
		FAIL("a %zu-byte frame with a header\n", size);
	if ((rte_be_to_cpu_16(k.cls) & VB_POL_CLS_NO_L3) && (k.proto != 0 || k.addr[0] != 0))
		FAIL("L3 fields without an L3 header\n");
	/* The fast reader: the full one's key, and its kind but for whole IP frames (cls 0). */
	if (memcmp(&k, &full, sizeof(k)) != 0)
		FAIL("the two key readers differ\n");
	if (kind == VB_POL_K_IP4 ? kind_full != VB_POL_K_IP4_REST || full.cls != 0 :
	    kind == VB_POL_K_IP6 ? kind_full != VB_POL_K_IP6_REST || full.cls != 0 :
	    kind != kind_full)
		FAIL("kind %u, the full reader's %u\n", kind, kind_full);
	free(copy);
	return 0;
}
