/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: arbitrary bytes, of any length from 0 to jumbo, as a frame for the
 * classifier. The frame is copied into a heap block of exactly its length, so ASan reports
 * any read at frame[len] or beyond. Checks the contract of classify.h besides:
 *   - the fast path says "plain" exactly when the slow path finds no flag;
 *   - vb_classify() and vb_classify_slow() agree;
 *   - l3_off <= len, nb_vlan <= 2, QINQ exactly with two tags, TAGGED with a tag;
 *   - an ARP/ND kind exactly when the ARP/ND flag is set; a MALFORMED kind sets MALFORMED;
 *   - frames shorter than an Ethernet header are MALFORMED.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_classify: %s (len %zu, flags 0x%x)\n", #cond, size, \
			c.flags); \
		abort(); \
	} \
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_cls c, c2;
	uint8_t *frame;
	uint32_t f, f2;
	bool plain;

	if (size > 16384)
		return -1;
	/* malloc(0) may return NULL or a unique pointer; either way nothing may be read. */
	frame = malloc(size > 0 ? size : 1);
	if (frame == NULL)
		abort();
	memcpy(frame, data, size);
	if (size == 0) {
		free(frame);
		frame = NULL;	/* a zero-length frame: any dereference faults */
	}

	plain = vb_cls_fast(frame, (uint32_t)size);
	memset(&c, 0xa5, sizeof(c));
	f = vb_classify_slow(frame, (uint32_t)size, &c);
	memset(&c2, 0x5a, sizeof(c2));
	f2 = vb_classify(frame, (uint32_t)size, &c2);

	EXPECT(f == c.flags);
	EXPECT(plain == (f == 0));
	EXPECT(f2 == f);
	EXPECT(c2.flags == f);
	if (!plain)
		EXPECT(memcmp(&c, &c2, sizeof(c)) == 0);
	if (size < VB_ETH_HLEN)
		EXPECT((f & VB_CLS_MALFORMED) != 0);
	EXPECT(c.l3_off <= size);
	EXPECT(c.nb_vlan <= 2);
	/* TAGGED: a parsed tag, or a first tag cut short (then MALFORMED, no tag parsed) */
	if (c.nb_vlan > 0)
		EXPECT((f & VB_CLS_TAGGED) != 0);
	else if ((f & VB_CLS_TAGGED) != 0)
		EXPECT((f & VB_CLS_MALFORMED) != 0);
	EXPECT(((f & VB_CLS_QINQ) != 0) == (c.nb_vlan == 2));
	EXPECT(((f & VB_CLS_ARP) != 0) == (c.arp != VB_ARP_NONE));
	EXPECT(((f & VB_CLS_ND) != 0) == (c.nd != VB_ND_NONE));
	EXPECT(c.arp < VB_ARP_KINDS && c.nd < VB_ND_KINDS);
	if (c.arp == VB_ARP_MALFORMED || c.nd == VB_ND_MALFORMED)
		EXPECT((f & VB_CLS_MALFORMED) != 0);
	EXPECT(!((f & VB_CLS_BCAST) && (f & VB_CLS_MCAST)));
	EXPECT((f & ~0xffu) == 0);	/* the tables' bits are not the classifier's */

	free(frame);
	return 0;
}
