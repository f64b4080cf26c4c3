/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counter lists (lib/counters.h) drive every output: each counter of every group gets a
 * distinct value in made-up shared memory and snapshots, and must come out, with that value
 * and under its name, in the sums over lcores, the deltas, vbridge's final lines, the JSON,
 * the Prometheus exposition and the text summary. No EAL.
 *
 * Built twice (tests/unit/meson.build): as the lists are, with the exact final-line formats
 * scripts rely on checked byte for byte; and with VB_CTR_TEST_EXTRA, which adds one line to
 * every list, to show that the new counter reaches every output with nothing else changed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "counters.h"
#include "layout.h"
#include "report.h"
#include "stat.h"

struct group {
	const char *what;
	const struct vb_ctr_desc *d;
	unsigned int n;
	size_t size;		/* the struct the offsets are in */
};

static const struct group groups[] = {
	{ "dir", vb_dir_ctr_desc, VB_DIR_CTRS, sizeof(struct vb_dir_ctrs) },
	{ "drop frames", vb_drop_frames_desc, VB_DROP_REASONS, sizeof(struct vb_dir_ctrs) },
	{ "drop bytes", vb_drop_bytes_desc, VB_DROP_REASONS, sizeof(struct vb_dir_ctrs) },
	{ "dir all", vb_dir_all_desc, VB_DIR_ALL_CTRS, sizeof(struct vb_dir_ctrs) },
	{ "cap", vb_cap_ctr_desc, VB_CAP_CTRS, sizeof(struct vb_cap_ctrs) },
	{ "mirror", vb_mirror_ctr_desc, VB_MIRROR_CTRS, sizeof(struct vb_mirror_ctrs) },
	{ "cls", vb_cls_ctr_desc, VB_CLS_CTR_COUNT, sizeof(struct vb_cls_ctrs) },
	{ "tables", vb_table_ctr_desc, VB_TABLE_ALL_CTRS, sizeof(struct vb_table_ctrs) },
	{ "worker", vb_worker_ctr_desc, VB_WORKER_CTRS, sizeof(struct vb_worker_ctrs) },
	{ "eth", vb_eth_ctr_desc, VB_ETH_CTRS, sizeof(struct vb_eth_ctrs) },
};

#define NB_PORTS	2
#define NB_WORKERS	3
#define MIRROR_IFACE	"vbmtest0"

static bool
name_ok(const char *s, const char *extra)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      (extra != NULL && strchr(extra, *s) != NULL)))
			return false;
	return true;
}

/* Every descriptor: a name, help, a uint64_t inside its struct, a unique name and offset. */
static void
test_descriptors(void)
{
	unsigned int g, i, j;

	for (g = 0; g < RTE_DIM(groups); g++) {
		const struct group *gr = &groups[g];

		CHECK(gr->n * sizeof(uint64_t) <= gr->size, "%s: %u counters in %zu bytes",
		      gr->what, gr->n, gr->size);
		for (i = 0; i < gr->n; i++) {
			const struct vb_ctr_desc *d = &gr->d[i];

			CHECK(name_ok(d->name, NULL), "%s counter %u: name '%s' not [a-z0-9_]",
			      gr->what, i, d->name != NULL ? d->name : "(null)");
			CHECK(d->help != NULL && d->help[0] != '\0', "%s %s: no help", gr->what,
			      d->name);
			CHECK(d->off % sizeof(uint64_t) == 0 && d->off < gr->size,
			      "%s %s: offset %u outside its %zu-byte struct", gr->what, d->name,
			      d->off, gr->size);
			CHECK(d->type == VB_CTR_COUNTER || d->type == VB_CTR_GAUGE, "%s %s: type %u",
			      gr->what, d->name, d->type);
			CHECK(d->unit < VB_UNIT_UNITS && strcmp(vb_ctr_unit_name(d->unit), "?") != 0,
			      "%s %s: unit %u", gr->what, d->name, d->unit);
			if (d->prom != NULL) {
				size_t len = strlen(d->prom);
				bool total = len > 6 && strcmp(d->prom + len - 6, "_total") == 0;

				CHECK(name_ok(d->prom, NULL) && strncmp(d->prom, "vbridge_", 8) == 0,
				      "%s %s: Prometheus name '%s'", gr->what, d->name, d->prom);
				CHECK(total == (d->type == VB_CTR_COUNTER),
				      "%s %s: %s named '%s' (counters, and only they, end _total)",
				      gr->what, d->name, d->type == VB_CTR_COUNTER ? "counter" :
				      "gauge", d->prom);
			}
			for (j = 0; j < i; j++) {
				/* dir all has each reason twice: frames and bytes. */
				CHECK(gr->d == vb_dir_all_desc || strcmp(d->name, gr->d[j].name) != 0,
				      "%s: name %s twice", gr->what, d->name);
				CHECK(d->off != gr->d[j].off, "%s: %s and %s at the same offset",
				      gr->what, d->name, gr->d[j].name);
			}
		}
	}
	CHECK(strcmp(vb_drop_reason_name(0), "peer_full") == 0 &&
	      strcmp(vb_drop_reason_name(VB_DROP_REASONS), "unknown") == 0,
	      "drop reason names: '%s', '%s'", vb_drop_reason_name(0),
	      vb_drop_reason_name(VB_DROP_REASONS));
#ifdef VB_CTR_TEST_EXTRA
	for (g = 0; g < RTE_DIM(groups); g++) {
		bool found = false;

		for (i = 0; i < groups[g].n; i++)
			found |= strcmp(groups[g].d[i].name, "test_extra") == 0;
		CHECK(found, "%s: the test build's extra line is not in the table", groups[g].what);
	}
#endif
}

/* A value no other counter of the test has: group, item (port, worker, lcore), index. */
static uint64_t
val(unsigned int g, unsigned int item, unsigned int i)
{
	return 1000000ULL * (g + 1) + 1000ULL * (item + 1) + i + 1;
}

static void
fill(void *base, const struct vb_ctr_desc *d, unsigned int n, unsigned int g,
     unsigned int item)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*vb_ctr_ptr(base, &d[i]) = val(g, item, i);
}

static struct vb_shm *
make_shm(void)
{
	struct vb_shm *shm = calloc(1, sizeof(*shm));
	unsigned int lc, p;

	if (shm == NULL)
		abort();
	shm->nb_ports = NB_PORTS;
	shm->nb_workers = NB_WORKERS;
	shm->cls.enabled = 1;
	shm->mirror_enabled = 1;
	snprintf(shm->mirror_iface, sizeof(shm->mirror_iface), MIRROR_IFACE);
	for (p = 0; p < NB_PORTS; p++) {
		snprintf(shm->port[p].name, sizeof(shm->port[p].name), "p%u", p);
		shm->port[p].peer = 1 - p;
	}
	for (lc = 0; lc < NB_WORKERS; lc++) {
		for (p = 0; p < NB_PORTS; p++) {
			fill(&shm->lcore[lc].dir[p], vb_dir_all_desc, VB_DIR_ALL_CTRS, lc, p);
			fill(&shm->lcore[lc].cls[p], vb_cls_ctr_desc, VB_CLS_CTR_COUNT, lc, p);
			fill(&shm->lcore[lc].cap[p], vb_cap_ctr_desc, VB_CAP_CTRS, lc, p);
		}
		fill(&shm->lcore[lc].worker, vb_worker_ctr_desc, VB_WORKER_CTRS, lc, 0);
	}
	fill(&shm->mirror, vb_mirror_ctr_desc, VB_MIRROR_CTRS, 0, 0);
	return shm;
}

/* The sum over lcores of what make_shm put in counter i of item p. */
static uint64_t
summed(unsigned int p, unsigned int i)
{
	uint64_t s = 0;
	unsigned int lc;

	for (lc = 0; lc < NB_WORKERS; lc++)
		s += val(lc, p, i);
	return s;
}

static void
test_sums(const struct vb_shm *shm)
{
	struct vb_dir_ctrs dir;
	struct vb_cls_ctrs cls;
	struct vb_cap_ctrs cap;
	unsigned int p, i;

	for (p = 0; p < NB_PORTS; p++) {
		vb_shm_sum_dir(shm, p, &dir);
		vb_shm_sum_cls(shm, p, &cls);
		vb_shm_sum_cap(shm, p, &cap);
		for (i = 0; i < VB_DIR_ALL_CTRS; i++)
			CHECK(vb_ctr_get(&dir, &vb_dir_all_desc[i]) == summed(p, i),
			      "dir %u %s: summed %" PRIu64 ", expected %" PRIu64, p,
			      vb_dir_all_desc[i].name, vb_ctr_get(&dir, &vb_dir_all_desc[i]),
			      summed(p, i));
		for (i = 0; i < VB_CLS_CTR_COUNT; i++)
			CHECK(vb_ctr_get(&cls, &vb_cls_ctr_desc[i]) == summed(p, i),
			      "cls %u %s: summed %" PRIu64, p, vb_cls_ctr_desc[i].name,
			      vb_ctr_get(&cls, &vb_cls_ctr_desc[i]));
		for (i = 0; i < VB_CAP_CTRS; i++)
			CHECK(vb_ctr_get(&cap, &vb_cap_ctr_desc[i]) == summed(p, i),
			      "cap %u %s: summed %" PRIu64, p, vb_cap_ctr_desc[i].name,
			      vb_ctr_get(&cap, &vb_cap_ctr_desc[i]));
	}
}

/* A stream into memory: *buf holds what was written once the stream is closed. */
static FILE *
capture(char **buf, size_t *len)
{
	FILE *f;

	*buf = NULL;
	f = open_memstream(buf, len);
	if (f == NULL)
		abort();
	return f;
}

static bool
has(const char *out, const char *want)
{
	return out != NULL && strstr(out, want) != NULL;
}

/* vbridge's final lines: every counter as " name=value"; today's formats byte for byte. */
static void
test_report(const struct vb_shm *shm)
{
	char want[4096], *out;
	unsigned int p, i;
	size_t len;
	FILE *f;

	f = capture(&out, &len);
	vb_report_counters(f, shm);
	fclose(f);
	for (p = 0; p < NB_PORTS; p++) {
		for (i = 0; i < VB_DIR_CTRS + VB_DROP_REASONS; i++) {
			snprintf(want, sizeof(want), " %s%s=%" PRIu64 "",
				 i < VB_DIR_CTRS ? "" : "drop_", vb_dir_all_desc[i].name,
				 summed(p, i));
			CHECK(has(out, want), "final lines: no '%s' in:\n%s", want, out);
		}
		for (i = 0; i < VB_CLS_CTR_COUNT; i++) {
			snprintf(want, sizeof(want), " %s=%" PRIu64, vb_cls_ctr_desc[i].name,
				 summed(p, i));
			CHECK(has(out, want), "final lines: no '%s'", want);
		}
		for (i = 0; i < VB_CAP_CTRS; i++) {
			snprintf(want, sizeof(want), " %s=%" PRIu64, vb_cap_ctr_desc[i].name,
				 summed(p, i));
			CHECK(has(out, want), "final lines: no '%s'", want);
		}
	}
	for (i = 0; i < VB_MIRROR_CTRS; i++) {
		snprintf(want, sizeof(want), " %s=%" PRIu64, vb_mirror_ctr_desc[i].name,
			 val(0, 0, i));
		CHECK(has(out, want), "final lines: no '%s'", want);
	}
#ifndef VB_CTR_TEST_EXTRA
	/* The formats scripts parse (README, tests/e2e): keys and their order, exactly. */
	snprintf(want, sizeof(want), "dir 0->1 p0->p1 rx_frames=%" PRIu64 " rx_bytes=%" PRIu64
		 " tx_frames=%" PRIu64 " tx_bytes=%" PRIu64 " policy_would_deny=%" PRIu64
		 " dropped=%" PRIu64 " drop_peer_full=%" PRIu64 " drop_policy=%" PRIu64
		 " drop_peer_down=%" PRIu64 "\n",
		 summed(0, 0), summed(0, 1), summed(0, 2), summed(0, 3), summed(0, 4),
		 summed(0, 5) + summed(0, 6) + summed(0, 7), summed(0, 5), summed(0, 6),
		 summed(0, 7));
	CHECK(strncmp(out, want, strlen(want)) == 0, "first line:\n%.200s\nexpected:\n%s", out,
	      want);
	snprintf(want, sizeof(want), "\ncap 1 p1 mirror_matched=%" PRIu64 " mirrored=%" PRIu64
		 " mirror_full=%" PRIu64 " sample_matched=%" PRIu64 "\nmirror " MIRROR_IFACE
		 " tx_frames=%" PRIu64 " tx_bytes=%" PRIu64 " tx_dropped=%" PRIu64
		 " rx_discarded=%" PRIu64 "\ncls 0 p0 bcast=%" PRIu64 " mcast=", summed(1, 0),
		 summed(1, 1), summed(1, 2), summed(1, 3), val(0, 0, 0), val(0, 0, 1),
		 val(0, 0, 2), val(0, 0, 3), summed(0, 0));
	CHECK(has(out, want), "cap/mirror/cls lines: no\n%s\nin\n%s", want, out);
	CHECK(has(out, " mac_torn=") && has(out, " samples=") &&
	      strstr(out, " mac_torn=") < strstr(out, " samples="), "cls line order: %s", out);
#else
	CHECK(has(out, " test_extra=") && has(out, " drop_test_extra="),
	      "the extra counter is not in the final lines:\n%s", out);
#endif
	free(out);
}

static struct vb_stat_snap snap, zero;

static void
make_snap(void)
{
	unsigned int p, w;

	memset(&snap, 0, sizeof(snap));
	snap.nb_ports = NB_PORTS;
	snap.nb_workers = NB_WORKERS;
	snap.state = VB_STATE_RUNNING;
	snap.tsc_hz = 1000000000ULL;
	snap.mono_ns = 2000000000ULL;
	snap.tables.enabled = true;
	snap.mirror_enabled = true;
	snprintf(snap.mirror_iface, sizeof(snap.mirror_iface), MIRROR_IFACE);
	for (p = 0; p < NB_PORTS; p++) {
		struct vb_stat_port *sp = &snap.port[p];

		snprintf(sp->name, sizeof(sp->name), "p%u", p);
		snprintf(sp->driver, sizeof(sp->driver), "net_test");
		sp->peer = 1 - p;
		sp->link_up = 1;
		fill(&sp->dir, vb_dir_all_desc, VB_DIR_ALL_CTRS, 0, p);
		fill(&sp->eth.c, vb_eth_ctr_desc, VB_ETH_CTRS, 1, p);
		fill(&sp->cls, vb_cls_ctr_desc, VB_CLS_CTR_COUNT, 2, p);
		fill(&sp->cap, vb_cap_ctr_desc, VB_CAP_CTRS, 3, p);
	}
	for (w = 0; w < NB_WORKERS; w++)
		fill(&snap.worker[w].c, vb_worker_ctr_desc, VB_WORKER_CTRS, 4, w);
	fill(&snap.tables.c, vb_table_ctr_desc, VB_TABLE_ALL_CTRS, 5, 0);
	fill(&snap.mirror, vb_mirror_ctr_desc, VB_MIRROR_CTRS, 6, 0);
	zero = snap;
	memset(zero.port, 0, sizeof(zero.port));
	zero.mono_ns = 1000000000ULL;
}

/* Every counter of n descriptors of item `item` of group g as "name": value in the JSON. */
static void
json_has(const char *out, const struct vb_ctr_desc *d, unsigned int n, unsigned int g,
	 unsigned int item, const char *what)
{
	char want[256];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "\"%s\": %" PRIu64, d[i].name, val(g, item, i));
		CHECK(has(out, want), "JSON: %s %u: no '%s'", what, item, want);
	}
}

static void
test_json(void)
{
	struct vb_stat_findings findings = { 0 };
	char want[256], *out;
	unsigned int p, r;
	size_t len;
	FILE *f;

	f = capture(&out, &len);
	CHECK(vb_stat_print_json(f, true, &snap, NULL, &findings) == 0, "JSON printer failed");
	fclose(f);
	for (p = 0; p < NB_PORTS; p++) {
		json_has(out, vb_dir_ctr_desc, VB_DIR_CTRS, 0, p, "direction");
		json_has(out, vb_eth_ctr_desc, VB_ETH_CTRS, 1, p, "ethdev");
		json_has(out, vb_cls_ctr_desc, VB_CLS_CTR_COUNT, 2, p, "classifier");
		json_has(out, vb_cap_ctr_desc, VB_CAP_CTRS, 3, p, "capture");
		for (r = 0; r < VB_DROP_REASONS; r++) {
			snprintf(want, sizeof(want), "\"%s\": {\n          \"frames\": %" PRIu64
				 ",\n          \"bytes\": %" PRIu64, vb_drop_reason_name(r),
				 val(0, p, VB_DIR_CTRS + r),
				 val(0, p, VB_DIR_CTRS + VB_DROP_REASONS + r));
			CHECK(has(out, want), "JSON: no drop reason '%s' in:\n%s", want, out);
		}
	}
	for (p = 0; p < NB_WORKERS; p++)
		json_has(out, vb_worker_ctr_desc, VB_WORKER_CTRS, 4, p, "worker");
	json_has(out, vb_table_ctr_desc, VB_TABLE_ALL_CTRS, 5, 0, "tables");
	json_has(out, vb_mirror_ctr_desc, VB_MIRROR_CTRS, 6, 0, "mirror");
	free(out);
}

/* Every exported counter of item `item` as exactly one sample line with its labels. */
static void
prom_has(const char *out, const struct vb_ctr_desc *d, unsigned int n, unsigned int g,
	 const char *item_label, unsigned int item, const char *what)
{
	char want[512], type[256];
	unsigned int i;

	for (i = 0; i < n; i++) {
		const char *lab = d[i].plabel;

		if (d[i].prom == NULL)
			continue;
		if (item_label != NULL && lab != NULL)
			snprintf(want, sizeof(want), "\n%s{%s,%s} %" PRIu64 "\n", d[i].prom,
				 item_label, lab, val(g, item, i));
		else if (item_label != NULL || lab != NULL)
			snprintf(want, sizeof(want), "\n%s{%s} %" PRIu64 "\n", d[i].prom,
				 item_label != NULL ? item_label : lab, val(g, item, i));
		else
			snprintf(want, sizeof(want), "\n%s %" PRIu64 "\n", d[i].prom,
				 val(g, item, i));
		CHECK(has(out, want), "Prometheus: %s: no '%s'", what, want + 1);
		snprintf(type, sizeof(type), "# TYPE %s %s\n", d[i].prom,
			 d[i].type == VB_CTR_COUNTER ? "counter" : "gauge");
		CHECK(has(out, type), "Prometheus: %s: no '%s'", what, type);
	}
}

static void
test_prometheus(void)
{
	char lab[64], want[256], *out;
	unsigned int p, i;
	size_t len;
	FILE *f;

	f = capture(&out, &len);
	CHECK(vb_stat_print_prometheus(f, &snap) == 0, "Prometheus printer failed");
	fclose(f);
	for (p = 0; p < NB_PORTS; p++) {
		snprintf(lab, sizeof(lab), "port=\"p%u\"", p);
		prom_has(out, vb_eth_ctr_desc, VB_ETH_CTRS, 1, lab, p, "ethdev");
		prom_has(out, vb_cls_ctr_desc, VB_CLS_CTR_COUNT, 2, lab, p, "classifier");
		prom_has(out, vb_cap_ctr_desc, VB_CAP_CTRS, 3, lab, p, "capture");
		for (i = 0; i < VB_DROP_REASONS; i++) {
			const struct vb_ctr_desc *d = &vb_drop_frames_desc[i];

			snprintf(want, sizeof(want), "\n%s{%s,%s} %" PRIu64 "\n", d->prom, lab,
				 d->plabel, val(0, p, VB_DIR_CTRS + i));
			CHECK(has(out, want), "Prometheus: drops: no '%s'", want + 1);
			d = &vb_drop_bytes_desc[i];
			snprintf(want, sizeof(want), "\n%s{%s,%s} %" PRIu64 "\n", d->prom, lab,
				 d->plabel, val(0, p, VB_DIR_CTRS + VB_DROP_REASONS + i));
			CHECK(has(out, want), "Prometheus: drops: no '%s'", want + 1);
		}
		/* A direction's tx side is counted on the port it leaves through: the peer's. */
		for (i = 0; i < VB_DIR_CTRS; i++) {
			const struct vb_ctr_desc *d = &vb_dir_ctr_desc[i];
			unsigned int from = d->side == VB_SIDE_TX ? 1 - p : p;

			if (d->plabel != NULL)
				snprintf(want, sizeof(want), "\n%s{%s,%s} %" PRIu64 "\n", d->prom,
					 lab, d->plabel, val(0, from, i));
			else
				snprintf(want, sizeof(want), "\n%s{%s} %" PRIu64 "\n", d->prom, lab,
					 val(0, from, i));
			CHECK(has(out, want), "Prometheus: direction: no '%s'", want + 1);
		}
	}
	for (p = 0; p < NB_WORKERS; p++) {
		snprintf(lab, sizeof(lab), "worker=\"%u\"", p);
		prom_has(out, vb_worker_ctr_desc, VB_WORKER_CTRS, 4, lab, p, "worker");
	}
	prom_has(out, vb_table_ctr_desc, VB_TABLE_ALL_CTRS, 5, NULL, 0, "tables");
	prom_has(out, vb_mirror_ctr_desc, VB_MIRROR_CTRS, 6, "interface=\"" MIRROR_IFACE "\"", 0,
		 "mirror");
#ifndef VB_CTR_TEST_EXTRA
	/* Names dashboards use, spelled out: the lists must keep making them. */
	CHECK(has(out, "\nvbridge_frames_total{port=\"p0\",direction=\"tx\"} ") &&
	      has(out, "\nvbridge_dropped_frames_total{port=\"p1\",reason=\"peer_full\"} ") &&
	      has(out, "\nvbridge_classifier_nd_neighbour_solicit_total{port=\"p0\"} ") &&
	      has(out, "\nvbridge_table_live_entries{table=\"mac\"} ") &&
	      has(out, "\nvbridge_mirror_tx_dropped_frames_total{interface=\"" MIRROR_IFACE
		       "\"} ") &&
	      has(out, "\nvbridge_ethdev_missed_frames_total{port=\"p1\"} ") &&
	      has(out, "\nvbridge_worker_idle_polls_total{worker=\"2\"} "),
	      "Prometheus: a known metric is missing:\n%s", out);
#endif
	free(out);
}

/* The text summary: each counter of the per-port tables under a heading, with its value. */
static void
test_text(void)
{
	char want[256], *out;
	unsigned int p, i;
	size_t len;
	FILE *f;

	f = capture(&out, &len);
	CHECK(vb_stat_print_summary(f, VB_LAYOUT_UNLIMITED, &snap, NULL) == 0, "summary printer failed");
	fclose(f);
	for (p = 0; p < NB_PORTS; p++) {
		for (i = 0; i < VB_DIR_ALL_CTRS - VB_DROP_REASONS; i++) {
			snprintf(want, sizeof(want), " %" PRIu64 "", val(0, p, i));
			CHECK(has(out, want), "summary: direction %s of port %u (%s) missing",
			      vb_dir_all_desc[i].name, p, want);
		}
		for (i = 0; i < VB_ETH_CTRS; i++) {
			snprintf(want, sizeof(want), " %" PRIu64 "", val(1, p, i));
			CHECK(has(out, want) && has(out, vb_eth_ctr_desc[i].name),
			      "summary: ethdev %s missing", vb_eth_ctr_desc[i].name);
		}
		for (i = 0; i < VB_CLS_CTR_COUNT; i++) {
			snprintf(want, sizeof(want), " %" PRIu64 "", val(2, p, i));
			CHECK(has(out, want) && has(out, vb_cls_ctr_desc[i].name),
			      "summary: classifier %s missing", vb_cls_ctr_desc[i].name);
		}
		for (i = 0; i < VB_CAP_CTRS; i++) {
			snprintf(want, sizeof(want), " %" PRIu64 "", val(3, p, i));
			CHECK(has(out, want), "summary: capture %s missing",
			      vb_cap_ctr_desc[i].name);
		}
	}
	for (i = 0; i < VB_WORKER_CTRS; i++) {
		snprintf(want, sizeof(want), " %" PRIu64 "", val(4, 0, i));
		CHECK(has(out, want), "summary: worker %s missing", vb_worker_ctr_desc[i].name);
	}
	free(out);
}

/* Deltas: increments of every counter; a counter that went back shows no change. */
static void
test_delta(void)
{
	static struct vb_stat_delta delta;
	unsigned int p, i;

	vb_stat_delta_compute(&zero, &snap, &delta);
	CHECK(delta.interval_s > 0.99 && delta.interval_s < 1.01, "interval %f", delta.interval_s);
	for (p = 0; p < NB_PORTS; p++) {
		for (i = 0; i < VB_DIR_ALL_CTRS; i++)
			CHECK(vb_ctr_get(&delta.dir[p], &vb_dir_all_desc[i]) == val(0, p, i),
			      "delta dir %u %s: %" PRIu64, p, vb_dir_all_desc[i].name,
			      vb_ctr_get(&delta.dir[p], &vb_dir_all_desc[i]));
		for (i = 0; i < VB_ETH_CTRS; i++)
			CHECK(vb_ctr_get(&delta.eth[p].c, &vb_eth_ctr_desc[i]) == val(1, p, i),
			      "delta eth %u %s", p, vb_eth_ctr_desc[i].name);
		for (i = 0; i < VB_CLS_CTR_COUNT; i++)
			CHECK(vb_ctr_get(&delta.cls[p], &vb_cls_ctr_desc[i]) == val(2, p, i),
			      "delta cls %u %s", p, vb_cls_ctr_desc[i].name);
	}
	vb_stat_delta_compute(&snap, &zero, &delta);
	for (i = 0; i < VB_DIR_ALL_CTRS; i++)
		CHECK(vb_ctr_get(&delta.dir[0], &vb_dir_all_desc[i]) == 0,
		      "delta dir %s of a restarted primary: %" PRIu64, vb_dir_all_desc[i].name,
		      vb_ctr_get(&delta.dir[0], &vb_dir_all_desc[i]));
}

static void
keys(const char *cmd, const char *prefix, const struct vb_ctr_desc *d, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		printf("%s %s%s\n", cmd, prefix, d[i].name);
}

/*
 * The keys each telemetry command must answer with, from the lists, for
 * tests/integration/test_telemetry.sh to compare with what dpdk-telemetry.py reads.
 */
static void
telemetry_keys(void)
{
	printf("/vbridge/stats port\n/vbridge/stats port_id\n/vbridge/stats peer\n"
	       "/vbridge/stats peer_port_id\n/vbridge/stats link_up\n"
	       "/vbridge/stats link_forced_down\n");
	keys("/vbridge/stats", "", vb_dir_ctr_desc, VB_DIR_CTRS);
	printf("/vbridge/stats dropped\n");
	keys("/vbridge/stats", "drop_", vb_drop_frames_desc, VB_DROP_REASONS);
	keys("/vbridge/stats", "", vb_cap_ctr_desc, VB_CAP_CTRS);
	printf("/vbridge/classifier port\n/vbridge/classifier enabled\n");
	keys("/vbridge/classifier", "", vb_cls_ctr_desc, VB_CLS_CTR_COUNT);
	printf("/vbridge/tables enabled\n");
	keys("/vbridge/tables", "", vb_table_ctr_desc, VB_TABLE_ALL_CTRS);
	keys("/vbridge/info", "mirror_", vb_mirror_ctr_desc, VB_MIRROR_CTRS);
}

int
main(int argc, char **argv)
{
	struct vb_shm *shm;

	if (argc == 2 && strcmp(argv[1], "--telemetry-keys") == 0) {
		telemetry_keys();
		return 0;
	}

	test_descriptors();
	shm = make_shm();
	test_sums(shm);
	test_report(shm);
	free(shm);
	make_snap();
	test_json();
	test_prometheus();
	test_text();
	test_delta();
	printf("%u checks, %d failed\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
