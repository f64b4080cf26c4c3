/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pcapng writer for samples (draft-ietf-opsawg-pcapng): a section header, one interface
 * description per bridge port, one enhanced packet block per sample. Written here, over stdio,
 * rather than with DPDK's rte_pcapng, because:
 * - rte_pcapng 22.11 converts TSC to time with a clock that underflows for timestamps taken
 *   before its first use (samples are, by definition), writing dates centuries ahead;
 * - it writes mbufs from a mempool, and the monitor must not depend on the primary's pools;
 * - it names interfaces from the ethdevs this process sees, not from vbridge's bridge ports.
 * Blocks are in host byte order, which the section header's byte-order magic declares. Each
 * block goes out in one fwrite, so a reader of a growing file (--follow) sees whole blocks
 * after each flush.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "stat.h"

#define PCAPNG_SHB		0x0a0d0d0aU
#define PCAPNG_IDB		0x00000001U
#define PCAPNG_EPB		0x00000006U
#define PCAPNG_BOM		0x1a2b3c4dU
#define LINKTYPE_ETHERNET	1

#define OPT_ENDOFOPT		0
#define OPT_COMMENT		1
#define SHB_HARDWARE		2
#define SHB_OS			3
#define SHB_USERAPPL		4
#define IF_NAME			2
#define IF_DESCRIPTION		3
#define IF_TSRESOL		9
#define EPB_FLAGS		2
#define EPB_FLAG_INBOUND	1	/* bits 0-1: direction, 01 = inbound */

#define BLOCK_MAX		2048	/* an EPB: 28 + snap (<= 256) + options (< 256) + 4 */

struct vb_pcapng {
	FILE *f;
	uint16_t nb_ports;
	bool failed;
	uint8_t buf[BLOCK_MAX];
};

/* A block being built in p->buf. */
struct blk {
	uint8_t *b;
	size_t len;
};

static void
put(struct blk *k, const void *v, size_t n)
{
	if (k->len + n > BLOCK_MAX - 4)	/* keep room for the trailing length */
		n = k->len < BLOCK_MAX - 4 ? BLOCK_MAX - 4 - k->len : 0;
	memcpy(k->b + k->len, v, n);
	k->len += n;
}

static void
put32(struct blk *k, uint32_t v)
{
	put(k, &v, sizeof(v));
}

static void
put16(struct blk *k, uint16_t v)
{
	put(k, &v, sizeof(v));
}

static void
pad4(struct blk *k)
{
	static const uint8_t zero[4];

	put(k, zero, (4 - (k->len & 3)) & 3);
}

/* An option: code, length, value, zero padding to 32 bits. Options over 1 KiB are cut. */
static void
opt(struct blk *k, uint16_t code, const void *v, size_t n)
{
	n = RTE_MIN(n, (size_t)1024);
	put16(k, code);
	put16(k, (uint16_t)n);
	put(k, v, n);
	pad4(k);
}

static void
opt_str(struct blk *k, uint16_t code, const char *s)
{
	if (s != NULL && s[0] != '\0')
		opt(k, code, s, strlen(s));
}

static void
begin(struct vb_pcapng *p, struct blk *k, uint32_t type)
{
	k->b = p->buf;
	k->len = 0;
	put32(k, type);
	put32(k, 0);	/* total length, set by finish() */
}

/* End of options, the trailing length, and out in one write. */
static int
finish(struct vb_pcapng *p, struct blk *k, bool options)
{
	uint32_t total;

	if (options) {
		put16(k, OPT_ENDOFOPT);
		put16(k, 0);
	}
	total = (uint32_t)k->len + 4;
	memcpy(k->b + 4, &total, sizeof(total));
	memcpy(k->b + k->len, &total, sizeof(total));
	if (fwrite(k->b, 1, total, p->f) != total) {
		p->failed = true;
		return -1;
	}
	return 0;
}

struct vb_pcapng *
vb_pcapng_open(FILE *f, const struct vb_stat_snap *snap, uint32_t snap_len)
{
	const uint8_t tsresol = 9;	/* 10^-9 s: timestamps in ns */
	struct vb_pcapng *p;
	struct utsname un;
	struct blk k;
	char text[256];
	unsigned int i;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->f = f;
	p->nb_ports = snap->nb_ports;

	begin(p, &k, PCAPNG_SHB);
	put32(&k, PCAPNG_BOM);
	put16(&k, 1);			/* major */
	put16(&k, 0);			/* minor */
	put32(&k, UINT32_MAX);		/* section length: unknown (-1) */
	put32(&k, UINT32_MAX);
	if (uname(&un) == 0) {
		opt_str(&k, SHB_HARDWARE, un.machine);
		snprintf(text, sizeof(text), "%s %s", un.sysname, un.release);
		opt_str(&k, SHB_OS, text);
	}
	snprintf(text, sizeof(text), "vbridge-stat %s", VB_VERSION);
	opt_str(&k, SHB_USERAPPL, text);
	snprintf(text, sizeof(text), "samples of vbridge pid %d: frames its classifier found "
		 "interesting, as received on each bridge port, cut to %u bytes", snap->pid,
		 snap_len);
	opt_str(&k, OPT_COMMENT, text);
	if (finish(p, &k, true) != 0)
		goto fail;

	/* Interface i is bridge port i: EPBs refer to it by the sample's port. */
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *pt = &snap->port[i];

		begin(p, &k, PCAPNG_IDB);
		put16(&k, LINKTYPE_ETHERNET);
		put16(&k, 0);
		put32(&k, snap_len);
		opt_str(&k, IF_NAME, pt->name);
		snprintf(text, sizeof(text), "vbridge port %u (%s, peer %s)", i, pt->driver,
			 snap->port[pt->peer].name);
		opt_str(&k, IF_DESCRIPTION, text);
		opt(&k, IF_TSRESOL, &tsresol, 1);
		if (finish(p, &k, true) != 0)
			goto fail;
	}
	if (fflush(f) != 0)
		goto fail;
	return p;
fail:
	free(p);
	return NULL;
}

int
vb_pcapng_write(struct vb_pcapng *p, const struct vb_stat_snap *snap, const struct vb_sample *s)
{
	uint64_t ts = vb_stat_sample_unix_ns(snap, s->tsc);
	uint32_t flags = EPB_FLAG_INBOUND;
	char words[128], comment[160];
	uint16_t cap = RTE_MIN(s->cap_len, (uint16_t)VB_SAMPLE_SNAP_MAX);
	struct blk k;

	if (s->port >= p->nb_ports) {
		errno = EINVAL;
		return -1;
	}
	begin(p, &k, PCAPNG_EPB);
	put32(&k, s->port);
	put32(&k, (uint32_t)(ts >> 32));
	put32(&k, (uint32_t)ts);
	put32(&k, cap);
	put32(&k, RTE_MAX(s->orig_len, (uint32_t)cap));
	put(&k, s->data, cap);
	pad4(&k);
	snprintf(comment, sizeof(comment), "vbridge: %s",
		 vb_stat_sample_reason(s, words, sizeof(words)));
	opt_str(&k, OPT_COMMENT, comment);
	opt(&k, EPB_FLAGS, &flags, sizeof(flags));
	return finish(p, &k, true);
}

int
vb_pcapng_flush(struct vb_pcapng *p)
{
	if (fflush(p->f) != 0)
		p->failed = true;
	return p->failed ? -1 : 0;
}

int
vb_pcapng_close(struct vb_pcapng *p)
{
	int ret;

	if (p == NULL)
		return 0;
	ret = vb_pcapng_flush(p);
	free(p);
	return ret;
}
