/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Printers: text summary, --watch lines, JSON (docs/vbridge-stat.md documents the schema) and
 * Prometheus text exposition, all over plain snapshots. Nothing here touches DPDK.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "layout.h"
#include "stat.h"

#define WRAP_COLUMNS	96

/* 12345678 -> "12.35 M": rates are read by people, counters are printed in full. */
static const char *
si(double v, char *buf, size_t len)
{
	static const char * const prefix[] = { "", "k", "M", "G", "T", "P" };
	unsigned int i = 0;

	while (fabs(v) >= 1000.0 && i + 1 < RTE_DIM(prefix)) {
		v /= 1000.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.2f %s", v, prefix[i]);
	return buf;
}

static const char *
duration(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000ULL;

	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h%02" PRIu64 "m", s / 86400,
			 s / 3600 % 24, s / 60 % 60);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s", s / 3600,
			 s / 60 % 60, s % 60);
	else if (s >= 60)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "s", s);
	return buf;
}

static const char *
utc(uint64_t unix_ns, char *buf, size_t len)
{
	time_t t = (time_t)(unix_ns / 1000000000ULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *
link_text(const struct vb_stat_port *p, char *buf, size_t len)
{
	/* A kernel interface's own words; its PMD's speed is a constant, not the link's. */
	if (p->kif_state != VB_KIF_NONE && p->link_up != VB_LINK_UNKNOWN)
		snprintf(buf, len, "%s %s: %s%s", p->link_up ? "up" : "DOWN", p->kif_name,
			 vb_kif_state_text(p->kif_state),
			 p->link_forced_down ? " by vbridge" : "");
	else if (p->link_up == VB_LINK_UNKNOWN)
		snprintf(buf, len, "not polled yet");
	else if (!p->link_up)
		snprintf(buf, len, "DOWN%s", p->link_forced_down ? " (set by vbridge)" : "");
	else if (p->link_speed_mbps == 0 || p->link_speed_mbps == UINT32_MAX)
		snprintf(buf, len, "up%s", p->link_full_duplex ? " full-duplex" : "");
	else
		snprintf(buf, len, "up %u Mbps%s", p->link_speed_mbps,
			 p->link_full_duplex ? " full-duplex" : " half-duplex");
	return buf;
}

/* A column heading from a counter's name: "rx_frames" -> "rx frames". */
static const char *
heading(const struct vb_ctr_desc *d, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", d->name);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
	return buf;
}

/* Columns wide enough for a counter of its unit after a long run (bytes grow fastest). */
static int
col_width(const struct vb_ctr_desc *d)
{
	switch (d->unit) {
	case VB_UNIT_BYTES:
		return 18;
	case VB_UNIT_FRAMES:
	case VB_UNIT_POLLS:
		return 16;
	default:
		return 12;
	}
}

static uint64_t
uptime_ns(const struct vb_stat_snap *snap)
{
	return snap->unix_ns > snap->start_unix_ns ? snap->unix_ns - snap->start_unix_ns : 0;
}

/* The first line of every view: who, since when, how it runs. */
static const char *
header_text(const struct vb_stat_snap *snap, char *buf, size_t len)
{
	char up[32];

	snprintf(buf, len, "vbridge pid %d, %s, up %s; %u worker lcore%s, burst %u, drain %u us, "
		 "link propagation %s; shared layout %u", snap->pid,
		 vb_state_name(snap->state), duration(uptime_ns(snap), up, sizeof(up)),
		 snap->nb_workers, snap->nb_workers == 1 ? "" : "s", snap->burst, snap->drain_us,
		 snap->link_propagation ? "on" : "off", snap->layout_version);
	return buf;
}

static void
print_header(FILE *f, const struct vb_stat_snap *snap)
{
	char line[256];

	fprintf(f, "%s\n", header_text(snap, line, sizeof(line)));
}

/* Text broken at spaces into lines of at most width characters (VB_LAYOUT_UNLIMITED: one). */
static void
print_fitted(FILE *f, const char *s, unsigned int width)
{
	while (*s != '\0') {
		size_t cut = vb_layout_break(s, width);

		fprintf(f, "%.*s\n", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

/*
 * Text after a lead on its first line (indent on the others), broken at spaces to width;
 * VB_LAYOUT_UNLIMITED: one line, as piped output always had it.
 */
static void
print_indented(FILE *f, const char *first, const char *indent, const char *s, unsigned int width)
{
	const char *lead = first;

	do {
		size_t room = width == VB_LAYOUT_UNLIMITED ? VB_LAYOUT_UNLIMITED :
			      width > strlen(lead) + 8 ? width - strlen(lead) : 8;
		size_t cut = vb_layout_break(s, room);

		fprintf(f, "%s%.*s\n", lead, (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
		lead = indent;
	} while (*s != '\0');
}

/*
 * A table of the summary: a lead (the row's label: port, direction, counter) and columns.
 * Without a width each cell is printed at its column's fixed width, as the summary always
 * was (scripts read it); with one, columns are as wide as their widest cell and the table
 * is folded into blocks of the width (vb_layout_fold), the lead repeated: every number stays,
 * whole and right-aligned under its heading.
 */
#define TBL_COLS	(VB_MAX_PORTS + 8)	/* the classifier has a column per port */
#define TBL_ROWS	64			/* ports, workers, classifier counters */
#define TBL_CELL	96			/* a link's text */
#define TBL_LEAD	(VB_LAYOUT_NAME_MAX + 16)

struct tbl_col {
	char head[48];
	unsigned int sep;	/* spaces before it */
	unsigned int fixed;	/* its width without a width limit (a minimum, as printf's) */
	bool left;		/* text, left-aligned; else a number, right-aligned */
};

struct tbl {
	unsigned int ncols, nrows;
	char lead_head[TBL_LEAD];
	struct tbl_col col[TBL_COLS];
	char lead[TBL_ROWS][TBL_LEAD];
	char msg[TBL_ROWS][TBL_CELL];	/* not empty: the row is this text after its lead */
	char cell[TBL_ROWS][TBL_COLS][TBL_CELL];
};

/* A new table (zeroed: the caller's tbl is reused section after section). */
static void
tbl_init(struct tbl *t)
{
	memset(t, 0, sizeof(*t));
}

/* s into buf, cut to fit (a table's cells are sized for what they hold). Returns its length. */
static size_t
copy_str(char *buf, size_t len, const char *s)
{
	size_t n = strnlen(s, len - 1);

	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

static void
tbl_col(struct tbl *t, const char *head, unsigned int sep, unsigned int fixed, bool left)
{
	struct tbl_col *c;

	if (t->ncols >= TBL_COLS)
		return;
	c = &t->col[t->ncols++];
	copy_str(c->head, sizeof(c->head), head);
	c->sep = sep;
	c->fixed = fixed;
	c->left = left;
}

/* The counters of a list as columns, headed by their names (rx_frames -> "rx frames"). */
static void
tbl_ctr_cols(struct tbl *t, const struct vb_ctr_desc *d, unsigned int n)
{
	char h[64];
	unsigned int i;

	for (i = 0; i < n; i++)
		tbl_col(t, heading(&d[i], h, sizeof(h)), 1, col_width(&d[i]), false);
}

/* A new row with its lead; returns its index (cells are set with tbl_set). */
static unsigned int
tbl_row(struct tbl *t, const char *lead)
{
	unsigned int r = t->nrows < TBL_ROWS ? t->nrows++ : TBL_ROWS - 1;

	copy_str(t->lead[r], sizeof(t->lead[r]), lead);
	return r;
}

static void
tbl_set(struct tbl *t, unsigned int r, unsigned int c, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
tbl_set(struct tbl *t, unsigned int r, unsigned int c, const char *fmt, ...)
{
	va_list ap;

	if (c >= TBL_COLS)
		return;
	va_start(ap, fmt);
	vsnprintf(t->cell[r][c], TBL_CELL, fmt, ap);
	va_end(ap);
}

/* The counters at base in the row's cells from column c on. */
static void
tbl_set_ctrs(struct tbl *t, unsigned int r, unsigned int c, const struct vb_ctr_desc *d,
	     unsigned int n, const void *base)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tbl_set(t, r, c + i, "%" PRIu64, vb_ctr_get(base, &d[i]));
}

/* Append a cell of width w (0: its own) at sep spaces, aligned, to line; cut at max. */
static size_t
tbl_put(char *line, size_t at, size_t max, unsigned int sep, unsigned int w, bool left,
	const char *v)
{
	int n = snprintf(line + at, max - at, "%*s%*s", (int)sep, "", left ? -(int)w : (int)w, v);

	return n < 0 ? at : RTE_MIN(at + (size_t)n, max - 1);
}

static void
tbl_print(FILE *f, const struct tbl *t, unsigned int width)
{
	const bool fit = width != VB_LAYOUT_UNLIMITED;
	unsigned int w[TBL_COLS], sep[TBL_COLS], span[TBL_COLS], first[TBL_COLS + 1], nb, b, c, r;
	unsigned int lead;
	char line[4096];

	lead = strlen(t->lead_head);
	for (c = 0; c < t->ncols; c++) {
		w[c] = fit ? strlen(t->col[c].head) : t->col[c].fixed;
		for (r = 0; fit && r < t->nrows; r++)
			if (t->msg[r][0] == '\0' && strlen(t->cell[r][c]) > w[c])
				w[c] = strlen(t->cell[r][c]);
		/* fitted, two spaces at least: with columns only as wide as their cells, one
		 * space between two numbers would not tell where a heading ends */
		sep[c] = fit ? RTE_MAX(t->col[c].sep, 2u) : t->col[c].sep;
		span[c] = sep[c] + w[c];
	}
	nb = vb_layout_fold(span, t->ncols, lead, width, first);
	first[nb] = t->ncols;
	for (b = 0; b < nb; b++) {
		/* A fitted line is cut at the width: only a cell wider than a whole block is. */
		size_t max = fit ? RTE_MIN((size_t)width + 1, sizeof(line)) : sizeof(line);
		size_t at;

		at = tbl_put(line, 0, max, 0, 0, true, t->lead_head);
		for (c = first[b]; c < first[b + 1]; c++)
			at = tbl_put(line, at, max, sep[c], w[c], t->col[c].left,
				     t->col[c].head);
		while (fit && at > 0 && line[at - 1] == ' ')
			at--;
		fprintf(f, "%.*s\n", (int)at, line);
		for (r = 0; r < t->nrows; r++) {
			if (t->msg[r][0] != '\0' && b > 0)
				continue;	/* a message row says it once */
			at = tbl_put(line, 0, max, 0, 0, true, t->lead[r]);
			if (t->msg[r][0] != '\0')
				at = tbl_put(line, at, max, 1, 0, true, t->msg[r]);
			for (c = first[b]; t->msg[r][0] == '\0' && c < first[b + 1]; c++)
				at = tbl_put(line, at, max, sep[c], w[c], t->col[c].left,
					     t->cell[r][c]);
			while (fit && at > 0 && line[at - 1] == ' ')
				at--;
			fprintf(f, "%.*s\n", (int)at, line);
		}
	}
}

/*
 * The ports' names for a table in width columns, in names[]: whole without a width (the full
 * layout's 20-character column grows for a longer one, as printf's did), else shortened by
 * vb_layout_names() to max characters (0: a fifth of the width, 8 to 24), never two alike.
 * Returns the name column's width.
 */
static unsigned int
table_names(const struct vb_stat_snap *snap, unsigned int width, unsigned int max,
	    char (*names)[VB_LAYOUT_NAME_MAX])
{
	const char *full[VB_MAX_PORTS];
	unsigned int i;

	if (width == VB_LAYOUT_UNLIMITED) {
		for (i = 0; i < snap->nb_ports; i++)
			snprintf(names[i], VB_LAYOUT_NAME_MAX, "%s", snap->port[i].name);
		return 20;
	}
	for (i = 0; i < snap->nb_ports; i++)
		full[i] = snap->port[i].name;
	if (max == 0)
		max = RTE_MAX(8u, RTE_MIN(24u, width / 5));
	return RTE_MAX(4u, vb_layout_names(full, snap->nb_ports, max, names));
}

/* The lead of a per-port row: "   0  net_null0           " (and its heading). */
static void
port_lead(char *buf, size_t len, const char *index, const char *name, unsigned int name_w)
{
	char name_col[VB_LAYOUT_NAME_MAX + 1];
	size_t n = copy_str(name_col, sizeof(name_col), name);

	/* padded by hand: the width is bounded by the names, which printf cannot know */
	while (n < name_w && n + 1 < sizeof(name_col))
		name_col[n++] = ' ';
	name_col[n] = '\0';
	if (snprintf(buf, len, "  %2s  %s", index, name_col) >= (int)len)
		buf[len - 1] = '\0';
}

void
vb_stat_print_fitted(FILE *f, const char *s, unsigned int width)
{
	print_fitted(f, s, width);
}

/* The counters that name the scenario's fault: always shown, even at 0. */
static bool
cls_always_shown(unsigned int k)
{
	return k == VB_CLS_CTR_duplicate || k == VB_CLS_CTR_reflected ||
	       k == VB_CLS_CTR_looped || k == VB_CLS_CTR_mac_moves ||
	       k == VB_CLS_CTR_would_be_filtered || k == VB_CLS_CTR_arp_request ||
	       k == VB_CLS_CTR_arp_reply || k == VB_CLS_CTR_bcast;
}

/*
 * One row per classifier counter, one column per receiving port. Rows that are 0 on every
 * port are left out (JSON and Prometheus have all of them), except the ones that tell the
 * scenario's story. Port names head the columns: at most 16 characters (tail kept, never two
 * alike), fewer when the terminal is narrow, so that more ports fit in one block.
 */
static void
print_classifier(FILE *f, struct tbl *t, unsigned int width, const struct vb_stat_snap *snap)
{
	const struct vb_stat_tables *tb = &snap->tables;
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX], line[512];
	const char *full[VB_MAX_PORTS];
	unsigned int i, k, r, hidden = 0, max = 16, lead_w = 20;

	if (!tb->enabled) {
		fprintf(f, "\nClassifier: off\n");
		return;
	}
	fprintf(f, "\nClassifier (frames received on each port)\n");
	tbl_init(t);
	if (width != VB_LAYOUT_UNLIMITED) {
		lead_w = 0;
		for (k = 0; k < VB_CLS_CTR_COUNT; k++)
			lead_w = RTE_MAX(lead_w, (unsigned int)strlen(vb_cls_ctr_desc[k].name));
		if (snap->nb_ports > 0 && width > lead_w + 2)
			max = RTE_MAX(8u, RTE_MIN(16u, (width - lead_w - 2) / snap->nb_ports - 2));
	}
	for (i = 0; i < snap->nb_ports; i++)
		full[i] = snap->port[i].name;
	vb_layout_names(full, snap->nb_ports, max, names);
	snprintf(t->lead_head, sizeof(t->lead_head), "  %-*s", (int)lead_w, "");
	for (i = 0; i < snap->nb_ports; i++)
		tbl_col(t, names[i], 1, 16, false);
	for (k = 0; k < VB_CLS_CTR_COUNT; k++) {
		bool any = false;

		for (i = 0; i < snap->nb_ports; i++)
			any |= snap->port[i].cls.v[k] != 0;
		if (!any && !cls_always_shown(k)) {
			hidden++;
			continue;
		}
		snprintf(line, sizeof(line), "  %-*s", (int)lead_w, vb_cls_ctr_desc[k].name);
		r = tbl_row(t, line);
		for (i = 0; i < snap->nb_ports; i++)
			tbl_set(t, r, i, "%" PRIu64, snap->port[i].cls.v[k]);
	}
	tbl_print(f, t, width);
	if (hidden > 0) {
		snprintf(line, sizeof(line), "(%u more counters, 0 on every port: see --json)",
			 hidden);
		print_indented(f, "  ", "   ", line, width);
	}
	fprintf(f, "\nTables\n");
	snprintf(line, sizeof(line), "%" PRIu64 " of %" PRIu64 " entries live (window %" PRIu64
		 " ms)", tb->dup_live, tb->dup_entries, tb->dup_window_ms);
	print_indented(f, "  duplicate table  ", "                   ", line, width);
	snprintf(line, sizeof(line), "%" PRIu64 " of %" PRIu64 " entries live (ageing %" PRIu64
		 " s)", tb->mac_live, tb->mac_entries, tb->mac_ageing_s);
	print_indented(f, "  MAC table        ", "                   ", line, width);
	snprintf(line, sizeof(line), "%" PRIu64 " written, %" PRIu64 " overwritten, %" PRIu64
		 " suppressed by the rate limit (%" PRIu64 "/s per worker, %" PRIu64 " slots, %"
		 PRIu64 " bytes each)", tb->samples_written, tb->samples_overwritten,
		 tb->samples_suppressed, tb->sample_rate, tb->sample_slots, tb->snap_len);
	print_indented(f, "  samples          ", "                   ", line, width);
}

static void
print_capture(FILE *f, struct tbl *t, unsigned int width, const struct vb_stat_snap *snap)
{
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX], lead[TBL_LEAD], idx[8], line[512];
	unsigned int i, r, nw = table_names(snap, width, 0, names);

	fprintf(f, "\nCapture (frames received on each port)\n");
	tbl_init(t);
	port_lead(t->lead_head, sizeof(t->lead_head), "#", "name", nw);
	tbl_ctr_cols(t, vb_cap_ctr_desc, VB_CAP_CTRS);
	for (i = 0; i < snap->nb_ports; i++) {
		snprintf(idx, sizeof(idx), "%u", i);
		port_lead(lead, sizeof(lead), idx, names[i], nw);
		r = tbl_row(t, lead);
		tbl_set_ctrs(t, r, 0, vb_cap_ctr_desc, VB_CAP_CTRS, &snap->port[i].cap);
	}
	tbl_print(f, t, width);
	if (snap->mirror_enabled) {
		snprintf(line, sizeof(line), "mirror interface %s: %" PRIu64 " frames, %" PRIu64
			 " bytes sent, %" PRIu64 " dropped (its reader was too slow), %" PRIu64
			 " received and discarded", snap->mirror_iface, snap->mirror.tx_frames,
			 snap->mirror.tx_bytes, snap->mirror.tx_dropped, snap->mirror.rx_discarded);
		print_indented(f, "  ", "    ", line, width);
	} else {
		fprintf(f, "  mirror: off\n");
	}
}

static void
print_ports(FILE *f, struct tbl *t, unsigned int width, const struct vb_stat_snap *snap)
{
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX], peers[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX];
	char lead[TBL_LEAD], idx[8];
	const bool fit = width != VB_LAYOUT_UNLIMITED;
	/* This table says which name each index is: its names whole while the width allows. */
	unsigned int i, r, nw = table_names(snap, width, fit && width > 16 ? width - 16 : 0, names);

	table_names(snap, width, 0, peers);
	fprintf(f, "\nPorts\n");
	tbl_init(t);
	port_lead(t->lead_head, sizeof(t->lead_head), "#", "name", nw);
	/* Fitted, what the ethdev is (driver, id) comes last, so that it is what folds. */
	const unsigned int c_drv = fit ? 4 : 0, c_id = fit ? 5 : 1, c_peer = fit ? 0 : 2;
	const unsigned int c_link = fit ? 1 : 3, c_mtu = fit ? 2 : 4, c_q = fit ? 3 : 5;
	static const struct {
		const char *head;
		unsigned int sep, fixed;
		bool left;
	} cols[] = {
		{ "driver", 1, 14, true }, { "id", 1, 5, false }, { "peer", 2, 20, true },
		{ "link", 2, 30, true }, { "mtu", 1, 5, false }, { "queues", 1, 6, false },
	}, fitted[] = {
		{ "peer", 2, 20, true }, { "link", 2, 30, true }, { "mtu", 1, 5, false },
		{ "queues", 1, 6, false }, { "driver", 1, 14, true }, { "id", 1, 5, false },
	};

	for (i = 0; i < RTE_DIM(cols); i++) {
		if (fit)
			tbl_col(t, fitted[i].head, fitted[i].sep, fitted[i].fixed, fitted[i].left);
		else
			tbl_col(t, cols[i].head, cols[i].sep, cols[i].fixed, cols[i].left);
	}
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		snprintf(idx, sizeof(idx), "%u", i);
		port_lead(lead, sizeof(lead), idx, names[i], nw);
		r = tbl_row(t, lead);
		tbl_set(t, r, c_drv, "%s", p->driver);
		tbl_set(t, r, c_id, "%u", p->port_id);
		tbl_set(t, r, c_peer, "%s", p->peer < snap->nb_ports ? peers[p->peer] : "?");
		link_text(p, t->cell[r][c_link], TBL_CELL);
		tbl_set(t, r, c_mtu, "%u", p->mtu);
		tbl_set(t, r, c_q, "%u", p->nb_queues);
	}
	tbl_print(f, t, width);
}

static void
print_directions(FILE *f, struct tbl *t, unsigned int width, const struct vb_stat_snap *snap,
		 const struct vb_stat_delta *delta)
{
	char a[16], b[16], c[16], d[16], e[16], lead[TBL_LEAD];
	unsigned int i, r, row, k;

	fprintf(f, "\nDirections (received on -> sent out of)\n");
	tbl_init(t);
	snprintf(t->lead_head, sizeof(t->lead_head), "  %-8s", "");
	tbl_ctr_cols(t, vb_dir_ctr_desc, VB_DIR_CTRS);
	tbl_col(t, "dropped", 1, 12, false);
	for (r = 0; r < VB_DROP_REASONS; r++)
		tbl_col(t, vb_drop_reason_name(r), 1, 12, false);
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_dir_ctrs *dc = &snap->port[i].dir;

		snprintf(a, sizeof(a), "%u -> %u", i, snap->port[i].peer);
		snprintf(lead, sizeof(lead), "  %-8s", a);
		row = tbl_row(t, lead);
		tbl_set_ctrs(t, row, 0, vb_dir_ctr_desc, VB_DIR_CTRS, dc);
		tbl_set(t, row, VB_DIR_CTRS, "%" PRIu64, vb_dir_dropped(dc));
		for (k = 0; k < VB_DROP_REASONS; k++)
			tbl_set(t, row, VB_DIR_CTRS + 1 + k, "%" PRIu64, dc->drop_frames[k]);
	}
	tbl_print(f, t, width);
	if (delta == NULL)
		return;

	/* Rates keep their units (k/M/G): the cells are si()'s, whole. */
	fprintf(f, "\nRates over the last %.2f s\n", delta->interval_s);
	tbl_init(t);
	snprintf(t->lead_head, sizeof(t->lead_head), "  %-8s", "");
	tbl_col(t, "rx frames/s", 1, 14, false);
	tbl_col(t, "rx bits/s", 1, 14, false);
	tbl_col(t, "tx frames/s", 1, 14, false);
	tbl_col(t, "tx bits/s", 1, 14, false);
	tbl_col(t, "drops/s", 1, 14, false);
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_dir_rate *rt = &delta->rate[i];

		snprintf(a, sizeof(a), "%u -> %u", i, snap->port[i].peer);
		snprintf(lead, sizeof(lead), "  %-8s", a);
		row = tbl_row(t, lead);
		tbl_set(t, row, 0, "%s", si(rt->rx_fps, a, sizeof(a)));
		tbl_set(t, row, 1, "%s", si(rt->rx_bps, b, sizeof(b)));
		tbl_set(t, row, 2, "%s", si(rt->tx_fps, c, sizeof(c)));
		tbl_set(t, row, 3, "%s", si(rt->tx_bps, d, sizeof(d)));
		tbl_set(t, row, 4, "%s", si(rt->drop_fps, e, sizeof(e)));
	}
	tbl_print(f, t, width);
}

static void
print_ethdev(FILE *f, struct tbl *t, unsigned int width, const struct vb_stat_snap *snap)
{
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX], lead[TBL_LEAD], idx[8];
	unsigned int i, r, k, nw = table_names(snap, width, 0, names);

	fprintf(f, "\nEthdev counters (the PMD's, as vbridge copied them)\n");
	tbl_init(t);
	port_lead(t->lead_head, sizeof(t->lead_head), "#", "name", nw);
	for (k = 0; k < VB_ETH_CTRS; k++)
		tbl_col(t, vb_eth_ctr_desc[k].name, 1, col_width(&vb_eth_ctr_desc[k]), false);
	tbl_col(t, "age", 1, 8, false);
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		snprintf(idx, sizeof(idx), "%u", i);
		port_lead(lead, sizeof(lead), idx, names[i], nw);
		r = tbl_row(t, lead);
		if (p->eth.error != 0) {
			snprintf(t->msg[r], TBL_CELL, "%s", p->eth.error == -EAGAIN ?
				 "not copied by vbridge yet" : strerror(-p->eth.error));
			continue;
		}
		tbl_set_ctrs(t, r, 0, vb_eth_ctr_desc, VB_ETH_CTRS, &p->eth.c);
		tbl_set(t, r, VB_ETH_CTRS, "%.0f ms", p->eth_age_ns / 1e6);
	}
	tbl_print(f, t, width);
}

static void
print_workers(FILE *f, struct tbl *t, unsigned int width, const struct vb_stat_snap *snap,
	      const struct vb_stat_delta *delta)
{
	char lead[TBL_LEAD];
	unsigned int i, r;

	fprintf(f, "\nWorkers (busy: share of polls that received frames)\n");
	tbl_init(t);
	snprintf(t->lead_head, sizeof(t->lead_head), "  %2s", "#");
	tbl_ctr_cols(t, vb_worker_ctr_desc, VB_WORKER_CTRS);
	tbl_col(t, "busy", 1, 16, false);
	tbl_col(t, "busy since start", 1, 18, false);
	for (i = 0; i < snap->nb_workers; i++) {
		const struct vb_stat_worker *w = &snap->worker[i];

		snprintf(lead, sizeof(lead), "  %2u", i);
		r = tbl_row(t, lead);
		tbl_set_ctrs(t, r, 0, vb_worker_ctr_desc, VB_WORKER_CTRS, &w->c);
		if (delta != NULL)
			tbl_set(t, r, VB_WORKER_CTRS, "%.1f %%", 100.0 * delta->busy[i]);
		else
			tbl_set(t, r, VB_WORKER_CTRS, "-");
		tbl_set(t, r, VB_WORKER_CTRS + 1, "%.1f %%", 100.0 * vb_stat_busy_lifetime(w));
	}
	tbl_print(f, t, width);
}

int
vb_stat_print_summary(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
		      const struct vb_stat_delta *delta)
{
	struct tbl *t = malloc(sizeof(*t));
	char line[512];

	if (t == NULL)
		return -1;
	print_fitted(f, header_text(snap, line, sizeof(line)), width);
	print_ports(f, t, width, snap);
	print_directions(f, t, width, snap, delta);
	print_ethdev(f, t, width, snap);
	print_classifier(f, t, width, snap);
	print_capture(f, t, width, snap);
	print_workers(f, t, width, snap, delta);
	free(t);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* The --watch screen's columns after the direction, in the order they are shown. */
enum watch_col {
	WATCH_RX_FPS, WATCH_RX_BPS, WATCH_TX_FPS, WATCH_TX_BPS, WATCH_DROP_FPS, WATCH_RX_FRAMES,
	WATCH_DROPPED, WATCH_LINK, WATCH_COLS
};

/*
 * Width with its leading space(s), and rank: what a narrow terminal keeps first (rates, then
 * the link, then the lifetime counters). The link's width is that of its longest text.
 */
static const struct vb_layout_col watch_cols[WATCH_COLS] = {
	[WATCH_RX_FPS] = { 13, 0 }, [WATCH_RX_BPS] = { 13, 1 }, [WATCH_TX_FPS] = { 13, 3 },
	[WATCH_TX_BPS] = { 13, 4 }, [WATCH_DROP_FPS] = { 11, 2 }, [WATCH_RX_FRAMES] = { 15, 7 },
	[WATCH_DROPPED] = { 11, 6 }, [WATCH_LINK] = { 16, 5 },
};

#define WATCH_DIR_FULL	30u	/* the direction column without a width limit */
#define WATCH_DIR_MIN	20u	/* "~" and 7 characters of each name, " -> " between */

/*
 * The terminal --watch screen in width columns (VB_LAYOUT_UNLIMITED: today's full layout):
 * the rates stay, the lifetime counters and the link text go first when it is narrow, and
 * port names are shortened by vb_layout_names() so that two directions never look alike.
 */
static void
print_watch_screen(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
		   const struct vb_stat_delta *delta)
{
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX];
	struct vb_layout_col cols[WATCH_COLS];
	const char *full[VB_MAX_PORTS];
	char t[32], a[16], b[16], c[16], d[16], e[16], link[96], line[512];
	unsigned int i, natural = 0, dirw, used, link_w = 0;
	uint32_t show;

	memcpy(cols, watch_cols, sizeof(cols));
	for (i = 0; i < snap->nb_ports; i++) {
		unsigned int n = strlen(snap->port[i].name) + 4 +
				 strlen(snap->port[snap->port[i].peer].name);

		full[i] = snap->port[i].name;
		if (n > natural)
			natural = n;
		n = 2 + strlen(link_text(&snap->port[i], link, sizeof(link)));
		if (n > cols[WATCH_LINK].width)
			cols[WATCH_LINK].width = n;
	}
	if (width == VB_LAYOUT_UNLIMITED) {
		dirw = RTE_MAX(natural, WATCH_DIR_FULL);	/* long names no longer misalign */
		show = vb_layout_pick(cols, WATCH_COLS, VB_LAYOUT_UNLIMITED);
		/* the names themselves: clang-analyzer does not tie this loop's bound to full[]'s */
		for (i = 0; i < snap->nb_ports; i++)
			snprintf(names[i], sizeof(names[i]), "%s", snap->port[i].name);
	} else {
		unsigned int dir_min = RTE_MIN(natural, WATCH_DIR_MIN);
		unsigned int budget = width > 2 + dir_min ? width - 2 - dir_min : 0;

		show = vb_layout_pick(cols, WATCH_COLS, budget);
		used = 2;
		for (i = 0; i < WATCH_COLS; i++)
			if (show & (UINT32_C(1) << i))
				used += cols[i].width;
		/* What the columns leave goes to the names, up to their full length. */
		dirw = width > used ? RTE_MIN(natural, width - used) : dir_min;
		if (dirw < dir_min)
			dirw = dir_min;
		vb_layout_names(full, snap->nb_ports, dirw > 4 ? (dirw - 4) / 2 : 1, names);
		/* The link text takes the rest of the line, cut: it is the last column. */
		if (show & (UINT32_C(1) << WATCH_LINK))
			link_w = width - (used - cols[WATCH_LINK].width) - dirw - 2;
	}

	utc(snap->unix_ns, t, sizeof(t));
	print_fitted(f, header_text(snap, line, sizeof(line)), width);
	snprintf(line, sizeof(line), "%s, rates over %.2f s (Ctrl-C to stop)", t,
		 delta->interval_s);
	print_fitted(f, line, width);
	fputc('\n', f);

	fprintf(f, "  %-*s", (int)dirw, "direction");
	if (show & (UINT32_C(1) << WATCH_RX_FPS))
		fprintf(f, " %12s", "rx frames/s");
	if (show & (UINT32_C(1) << WATCH_RX_BPS))
		fprintf(f, " %12s", "rx bits/s");
	if (show & (UINT32_C(1) << WATCH_TX_FPS))
		fprintf(f, " %12s", "tx frames/s");
	if (show & (UINT32_C(1) << WATCH_TX_BPS))
		fprintf(f, " %12s", "tx bits/s");
	if (show & (UINT32_C(1) << WATCH_DROP_FPS))
		fprintf(f, " %10s", "drops/s");
	if (show & (UINT32_C(1) << WATCH_RX_FRAMES))
		fprintf(f, " %14s", "rx frames");
	if (show & (UINT32_C(1) << WATCH_DROPPED))
		fprintf(f, " %10s", "dropped");
	if (show & (UINT32_C(1) << WATCH_LINK))
		fprintf(f, "  %s", "link (rx port)");
	fputc('\n', f);
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		const struct vb_stat_dir_rate *rt = &delta->rate[i];
		char dir[2 * VB_LAYOUT_NAME_MAX + 8];

		snprintf(dir, sizeof(dir), "%s -> %s", names[i], names[p->peer]);
		fprintf(f, "  %-*s", (int)dirw, dir);
		if (show & (UINT32_C(1) << WATCH_RX_FPS))
			fprintf(f, " %12s", si(rt->rx_fps, a, sizeof(a)));
		if (show & (UINT32_C(1) << WATCH_RX_BPS))
			fprintf(f, " %12s", si(rt->rx_bps, b, sizeof(b)));
		if (show & (UINT32_C(1) << WATCH_TX_FPS))
			fprintf(f, " %12s", si(rt->tx_fps, c, sizeof(c)));
		if (show & (UINT32_C(1) << WATCH_TX_BPS))
			fprintf(f, " %12s", si(rt->tx_bps, d, sizeof(d)));
		if (show & (UINT32_C(1) << WATCH_DROP_FPS))
			fprintf(f, " %10s", si(rt->drop_fps, e, sizeof(e)));
		if (show & (UINT32_C(1) << WATCH_RX_FRAMES))
			fprintf(f, " %14" PRIu64, p->dir.rx_frames);
		if (show & (UINT32_C(1) << WATCH_DROPPED))
			fprintf(f, " %10" PRIu64, vb_dir_dropped(&p->dir));
		if (show & (UINT32_C(1) << WATCH_LINK)) {
			link_text(p, link, sizeof(link));
			if (link_w > 0)
				fprintf(f, "  %.*s", (int)link_w, link);
			else
				fprintf(f, "  %s", link);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	for (i = 0; i < snap->nb_workers; i++)
		fprintf(f, "  worker %u: busy %.1f %% of polls\n", i, 100.0 * delta->busy[i]);
}

/*
 * A terminal gets a refreshed screen fitted to width columns; a pipe or file gets key=value
 * lines it can grep, whatever the width.
 */
int
vb_stat_print_watch(FILE *f, bool tty, unsigned int width, const struct vb_stat_snap *snap,
		    const struct vb_stat_delta *delta)
{
	char t[32];
	unsigned int i;

	if (tty) {
		fputs("\033[H\033[2J", f);
		print_watch_screen(f, width, snap, delta);
	} else {
		utc(snap->unix_ns, t, sizeof(t));
		for (i = 0; i < snap->nb_ports; i++) {
			const struct vb_stat_port *p = &snap->port[i];
			const struct vb_stat_dir_rate *rt = &delta->rate[i];

			fprintf(f, "%s dir=%u->%u rx_port=%s link=%s rx_fps=%.0f rx_bps=%.0f "
				"tx_fps=%.0f tx_bps=%.0f drop_fps=%.0f rx_frames=%" PRIu64
				" tx_frames=%" PRIu64 " dropped=%" PRIu64 "%s%s\n", t, i, p->peer,
				p->name,
				p->link_up == VB_LINK_UNKNOWN ? "unknown" : p->link_up ? "up" : "down",
				rt->rx_fps, rt->rx_bps, rt->tx_fps, rt->tx_bps, rt->drop_fps,
				p->dir.rx_frames, p->dir.tx_frames, vb_dir_dropped(&p->dir),
				p->kif_state != VB_KIF_NONE ? " kernel=" : "",
				p->kif_state != VB_KIF_NONE ? vb_kif_state_name(p->kif_state) : "");
		}
		for (i = 0; i < snap->nb_workers; i++)
			fprintf(f, "%s worker=%u busy=%.3f polls=%" PRIu64 "\n", t, i, delta->busy[i],
				snap->worker[i].polls);
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* A small JSON writer: pretty (indented) for people, compact (one line) for --watch. */
struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[16];
};

static void
j_string(struct json *j, const char *s)
{
	fputc('"', j->f);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(j->f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(j->f, "\\u%04x", ch);
		else
			fputc(ch, j->f);
	}
	fputc('"', j->f);
}

/* Separator and indentation before a value or a key; key NULL inside arrays. */
static void
j_item(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->pretty)
		fprintf(j->f, "\n%*s", 2 * (j->depth + 1), "");
	if (key != NULL) {
		j_string(j, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void
j_open(struct json *j, const char *key, char bracket)
{
	if (j->depth >= 0)
		j_item(j, key);
	fputc(bracket, j->f);
	j->depth++;
	j->first[j->depth] = true;
}

static void
j_close(struct json *j, char bracket)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (j->pretty && !empty)
		fprintf(j->f, "\n%*s", 2 * (j->depth + 1), "");
	fputc(bracket, j->f);
}

static void
j_u64(struct json *j, const char *key, uint64_t v)
{
	j_item(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

static void
j_int(struct json *j, const char *key, int64_t v)
{
	j_item(j, key);
	fprintf(j->f, "%" PRId64, v);
}

static void
j_double(struct json *j, const char *key, double v, int decimals)
{
	j_item(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
}

static void
j_bool(struct json *j, const char *key, bool v)
{
	j_item(j, key);
	fputs(v ? "true" : "false", j->f);
}

static void
j_null(struct json *j, const char *key)
{
	j_item(j, key);
	fputs("null", j->f);
}

static void
j_str(struct json *j, const char *key, const char *v)
{
	j_item(j, key);
	j_string(j, v);
}

/* n counters of the struct at base as "name": value, in list order. */
static void
j_ctrs(struct json *j, const struct vb_ctr_desc *d, unsigned int n, const void *base)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		j_u64(j, d[i].name, vb_ctr_get(base, &d[i]));
}

static void
json_ethdev(struct json *j, const struct vb_stat_ethdev *e, uint64_t age_ns)
{
	j_open(j, "ethdev", '{');
	j_double(j, "age_s", age_ns / 1e9, 3);
	if (e->error != 0) {
		j_str(j, "error", strerror(-e->error));
	} else {
		j_null(j, "error");
		j_ctrs(j, vb_eth_ctr_desc, VB_ETH_CTRS, &e->c);
	}
	j_close(j, '}');
}

static void
json_port(struct json *j, const struct vb_stat_snap *snap, unsigned int i)
{
	const struct vb_stat_port *p = &snap->port[i];

	j_open(j, NULL, '{');
	j_u64(j, "index", i);
	j_str(j, "name", p->name);
	j_str(j, "driver", p->driver);
	j_u64(j, "port_id", p->port_id);
	j_u64(j, "peer", p->peer);
	j_u64(j, "mtu", p->mtu);
	j_u64(j, "queues", p->nb_queues);
	j_open(j, "link", '{');
	if (p->link_up == VB_LINK_UNKNOWN)
		j_null(j, "up");
	else
		j_bool(j, "up", p->link_up != 0);
	j_u64(j, "speed_mbps", p->link_speed_mbps == UINT32_MAX ? 0 : p->link_speed_mbps);
	j_bool(j, "full_duplex", p->link_full_duplex != 0);
	j_bool(j, "forced_down", p->link_forced_down != 0);
	j_bool(j, "can_set_link", p->can_set_link != 0);
	j_u64(j, "changes", p->link_changes);
	if (p->kif_state == VB_KIF_NONE) {
		j_null(j, "kernel");
	} else {
		j_open(j, "kernel", '{');
		j_str(j, "iface", p->kif_name);
		j_u64(j, "ifindex", p->kif_index);
		j_str(j, "state", vb_kif_state_name(p->kif_state));
		j_close(j, '}');
	}
	j_close(j, '}');
	json_ethdev(j, &p->eth, p->eth_age_ns);
	if (snap->tables.enabled) {
		j_open(j, "classifier", '{');
		j_ctrs(j, vb_cls_ctr_desc, VB_CLS_CTR_COUNT, &p->cls);
		j_close(j, '}');
	} else {
		j_null(j, "classifier");
	}
	j_open(j, "capture", '{');
	j_ctrs(j, vb_cap_ctr_desc, VB_CAP_CTRS, &p->cap);
	j_close(j, '}');
	j_close(j, '}');
}

static void
json_direction(struct json *j, const struct vb_stat_snap *snap,
	       const struct vb_stat_delta *delta, unsigned int i)
{
	const struct vb_dir_ctrs *d = &snap->port[i].dir;
	unsigned int r;

	j_open(j, NULL, '{');
	j_u64(j, "rx_port", i);
	j_u64(j, "tx_port", snap->port[i].peer);
	j_ctrs(j, vb_dir_ctr_desc, VB_DIR_CTRS, d);
	j_u64(j, "dropped", vb_dir_dropped(d));
	j_open(j, "drops", '{');
	for (r = 0; r < VB_DROP_REASONS; r++) {
		j_open(j, vb_drop_reason_name(r), '{');
		j_u64(j, "frames", vb_ctr_get(d, &vb_drop_frames_desc[r]));
		j_u64(j, "bytes", vb_ctr_get(d, &vb_drop_bytes_desc[r]));
		j_close(j, '}');
	}
	j_close(j, '}');
	if (delta != NULL) {
		const struct vb_stat_dir_rate *rt = &delta->rate[i];

		j_open(j, "rates", '{');
		j_double(j, "rx_fps", rt->rx_fps, 1);
		j_double(j, "rx_bps", rt->rx_bps, 1);
		j_double(j, "tx_fps", rt->tx_fps, 1);
		j_double(j, "tx_bps", rt->tx_bps, 1);
		j_double(j, "drop_fps", rt->drop_fps, 1);
		j_close(j, '}');
	} else {
		j_null(j, "rates");
	}
	j_close(j, '}');
}

static void
json_tables(struct json *j, const struct vb_stat_snap *snap)
{
	const struct vb_stat_tables *t = &snap->tables;

	j_open(j, "tables", '{');
	j_bool(j, "enabled", t->enabled);
	j_ctrs(j, vb_table_ctr_desc, VB_TABLE_ALL_CTRS, &t->c);
	j_close(j, '}');
}

/* "findings": [ ... ], as --json and --diagnose --json give them. */
static void
json_findings(struct json *j, const struct vb_stat_findings *findings)
{
	unsigned int i;

	j_open(j, "findings", '[');
	for (i = 0; i < findings->n; i++) {
		const struct vb_stat_finding *fd = &findings->f[i];

		j_open(j, NULL, '{');
		j_str(j, "severity", vb_stat_severity_name(fd->severity));
		j_str(j, "code", fd->code);
		if (fd->port[0] != '\0')
			j_str(j, "port", fd->port);
		else
			j_null(j, "port");
		j_str(j, "text", fd->text);
		j_str(j, "evidence", fd->evidence);
		j_close(j, '}');
	}
	j_close(j, ']');
}

int
vb_stat_print_json(FILE *f, bool pretty, const struct vb_stat_snap *snap,
		   const struct vb_stat_delta *delta, const struct vb_stat_findings *findings)
{
	struct json j = { .f = f, .pretty = pretty, .depth = -1 };
	unsigned int i;

	j_open(&j, NULL, '{');
	j_str(&j, "schema", VB_STAT_SCHEMA);
	j_u64(&j, "layout_version", snap->layout_version);
	j_u64(&j, "time_unix_ns", snap->unix_ns);
	if (delta != NULL)
		j_double(&j, "interval_s", delta->interval_s, 3);
	else
		j_null(&j, "interval_s");

	j_open(&j, "primary", '{');
	j_int(&j, "pid", snap->pid);
	j_str(&j, "state", vb_state_name(snap->state));
	j_u64(&j, "start_unix_ns", snap->start_unix_ns);
	j_double(&j, "uptime_s", uptime_ns(snap) / 1e9, 3);
	j_double(&j, "heartbeat_age_s", snap->heartbeat_age_ns / 1e9, 3);
	j_u64(&j, "workers", snap->nb_workers);
	j_u64(&j, "burst", snap->burst);
	j_u64(&j, "drain_us", snap->drain_us);
	j_bool(&j, "link_propagation", snap->link_propagation);
	j_close(&j, '}');

	j_open(&j, "ports", '[');
	for (i = 0; i < snap->nb_ports; i++)
		json_port(&j, snap, i);
	j_close(&j, ']');

	j_open(&j, "directions", '[');
	for (i = 0; i < snap->nb_ports; i++)
		json_direction(&j, snap, delta, i);
	j_close(&j, ']');

	j_open(&j, "workers", '[');
	for (i = 0; i < snap->nb_workers; i++) {
		j_open(&j, NULL, '{');
		j_u64(&j, "index", i);
		j_ctrs(&j, vb_worker_ctr_desc, VB_WORKER_CTRS, &snap->worker[i].c);
		if (delta != NULL)
			j_double(&j, "busy_ratio", delta->busy[i], 4);
		else
			j_null(&j, "busy_ratio");
		j_double(&j, "busy_ratio_since_start", vb_stat_busy_lifetime(&snap->worker[i]), 4);
		j_close(&j, '}');
	}
	j_close(&j, ']');

	json_tables(&j, snap);
	j_open(&j, "mirror", '{');
	j_bool(&j, "enabled", snap->mirror_enabled);
	if (snap->mirror_enabled)
		j_str(&j, "interface", snap->mirror_iface);
	else
		j_null(&j, "interface");
	j_ctrs(&j, vb_mirror_ctr_desc, VB_MIRROR_CTRS, &snap->mirror);
	j_close(&j, '}');

	json_findings(&j, findings);
	j_close(&j, '}');
	fputc('\n', f);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int
vb_stat_print_findings_json(FILE *f, const struct vb_stat_snap *snap,
			    const struct vb_stat_delta *delta,
			    const struct vb_stat_findings *findings)
{
	struct json j = { .f = f, .pretty = true, .depth = -1 };

	j_open(&j, NULL, '{');
	j_str(&j, "schema", VB_STAT_SCHEMA);
	j_str(&j, "view", "diagnose");
	j_u64(&j, "time_unix_ns", snap->unix_ns);
	if (delta != NULL)
		j_double(&j, "interval_s", delta->interval_s, 3);
	else
		j_null(&j, "interval_s");
	j_int(&j, "pid", snap->pid);
	j_u64(&j, "not_shown", findings->dropped);
	json_findings(&j, findings);
	j_close(&j, '}');
	fputc('\n', f);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* Prometheus label values: backslash, double quote and newline escaped. */
static void
prom_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample with a port label and, when not NULL, a second label. */
static void
prom_port(FILE *f, const char *name, const char *port, const char *label, const char *value,
	  uint64_t v)
{
	fprintf(f, "%s{port=", name);
	prom_label(f, port);
	if (label != NULL && value != NULL) {
		fprintf(f, ",%s=", label);
		prom_label(f, value);
	}
	fprintf(f, "} %" PRIu64 "\n", v);
}

/*
 * A group of counters as Prometheus families: the descriptors that share a Prometheus name
 * are one family, in the order they first appear, with one sample per item (port, worker,
 * mirror interface; or one item and no label) and member, labelled by the member's plabel.
 * A new counter in a list is a new family, or a new labelled sample of its family, here.
 */
struct prom_group {
	const struct vb_ctr_desc *desc;
	unsigned int n;
	unsigned int items;
	const char *help;	/* the families' HELP; NULL: the members' own, joined */
	/* Where item i's counter d is (NULL: no sample for this item). */
	const void *(*base)(const struct vb_stat_snap *snap, unsigned int i,
			    const struct vb_ctr_desc *d);
	/* Item i's label, as label="value" (NULL function: no item label). */
	void (*label)(FILE *f, const struct vb_stat_snap *snap, unsigned int i);
};

static void
prom_help(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
prom_group(FILE *f, const struct vb_stat_snap *snap, const struct prom_group *g)
{
	unsigned int k, m, i, n_members;

	for (k = 0; k < g->n; k++) {
		const char *name = g->desc[k].prom;
		bool seen = false;

		if (name == NULL)
			continue;
		for (m = 0; m < k && !seen; m++)
			seen = g->desc[m].prom != NULL && strcmp(g->desc[m].prom, name) == 0;
		if (seen)
			continue;
		/* HELP: the group's, or each member's help with its label. */
		fprintf(f, "# HELP %s ", name);
		if (g->help != NULL) {
			prom_help(f, g->help);
		} else {
			n_members = 0;
			for (m = k; m < g->n; m++) {
				if (g->desc[m].prom == NULL || strcmp(g->desc[m].prom, name) != 0)
					continue;
				if (n_members++ > 0)
					fputs("; ", f);
				prom_help(f, g->desc[m].help);
				if (g->desc[m].plabel != NULL)
					fprintf(f, " (%s)", g->desc[m].plabel);
			}
		}
		fprintf(f, "\n# TYPE %s %s\n", name,
			g->desc[k].type == VB_CTR_COUNTER ? "counter" : "gauge");
		for (i = 0; i < g->items; i++) {
			for (m = k; m < g->n; m++) {
				const struct vb_ctr_desc *d = &g->desc[m];
				const void *base;

				if (d->prom == NULL || strcmp(d->prom, name) != 0)
					continue;
				base = g->base(snap, i, d);
				if (base == NULL)
					continue;
				fputs(name, f);
				if (g->label != NULL || d->plabel != NULL) {
					fputc('{', f);
					if (g->label != NULL)
						g->label(f, snap, i);
					if (g->label != NULL && d->plabel != NULL)
						fputc(',', f);
					if (d->plabel != NULL)
						fputs(d->plabel, f);
					fputc('}', f);
				}
				fprintf(f, " %" PRIu64 "\n", vb_ctr_get(base, d));
			}
		}
	}
}

static void
label_port(FILE *f, const struct vb_stat_snap *snap, unsigned int i)
{
	fputs("port=", f);
	prom_label(f, snap->port[i].name);
}

static void
label_worker(FILE *f, const struct vb_stat_snap *snap __rte_unused, unsigned int i)
{
	fprintf(f, "worker=\"%u\"", i);
}

static void
label_mirror(FILE *f, const struct vb_stat_snap *snap, unsigned int i __rte_unused)
{
	fputs("interface=", f);
	prom_label(f, snap->mirror_iface);
}

/* A direction's counters by port: received on it (side rx), or sent out of it (side tx). */
static const void *
base_dir(const struct vb_stat_snap *snap, unsigned int i, const struct vb_ctr_desc *d)
{
	return &snap->port[d->side == VB_SIDE_TX ? snap->port[i].peer : i].dir;
}

/* The PMD's counters, for the ports a secondary process can read them from. */
static const void *
base_eth(const struct vb_stat_snap *snap, unsigned int i, const struct vb_ctr_desc *d __rte_unused)
{
	return snap->port[i].eth.error != 0 ? NULL : &snap->port[i].eth.c;
}

static const void *
base_cls(const struct vb_stat_snap *snap, unsigned int i, const struct vb_ctr_desc *d __rte_unused)
{
	return &snap->port[i].cls;
}

static const void *
base_cap(const struct vb_stat_snap *snap, unsigned int i, const struct vb_ctr_desc *d __rte_unused)
{
	return &snap->port[i].cap;
}

static const void *
base_tables(const struct vb_stat_snap *snap, unsigned int i __rte_unused,
	    const struct vb_ctr_desc *d __rte_unused)
{
	return &snap->tables.c;
}

static const void *
base_worker(const struct vb_stat_snap *snap, unsigned int i,
	    const struct vb_ctr_desc *d __rte_unused)
{
	return &snap->worker[i].c;
}

static const void *
base_mirror(const struct vb_stat_snap *snap, unsigned int i __rte_unused,
	    const struct vb_ctr_desc *d __rte_unused)
{
	return &snap->mirror;
}

static void
prom_counters(FILE *f, const struct vb_stat_snap *snap)
{
	const struct prom_group groups[] = {
		{ vb_dir_ctr_desc, VB_DIR_CTRS, snap->nb_ports, NULL, base_dir, label_port },
		{ vb_drop_frames_desc, VB_DROP_REASONS, snap->nb_ports,
		  "Frames received on a port that were not sent out of its peer, by reason.",
		  base_dir, label_port },
		{ vb_drop_bytes_desc, VB_DROP_REASONS, snap->nb_ports,
		  "Bytes of the frames counted in vbridge_dropped_frames_total.",
		  base_dir, label_port },
		{ vb_eth_ctr_desc, VB_ETH_CTRS, snap->nb_ports, NULL, base_eth, label_port },
		/* Families need samples: the classifier's only when it is on. */
		{ vb_cls_ctr_desc, VB_CLS_CTR_COUNT, snap->tables.enabled ? snap->nb_ports : 0,
		  NULL, base_cls, label_port },
		{ vb_table_ctr_desc, VB_TABLE_ALL_CTRS, snap->tables.enabled ? 1 : 0, NULL,
		  base_tables, NULL },
		{ vb_cap_ctr_desc, VB_CAP_CTRS, snap->nb_ports, NULL, base_cap, label_port },
		{ vb_mirror_ctr_desc, VB_MIRROR_CTRS, snap->mirror_enabled ? 1 : 0, NULL,
		  base_mirror, label_mirror },
		{ vb_worker_ctr_desc, VB_WORKER_CTRS, snap->nb_workers, NULL, base_worker,
		  label_worker },
	};
	unsigned int g;

	for (g = 0; g < RTE_DIM(groups); g++)
		if (groups[g].items > 0)
			prom_group(f, snap, &groups[g]);
}

#define PROM_UP_HELP	"1 when vbridge-stat read a running vbridge's shared memory."

/*
 * Text exposition format 0.0.4: each family once, HELP and TYPE before its samples, counters
 * named *_total. A direction's frames are labelled with the port they were received on
 * (direction="rx") or sent out of (direction="tx").
 */
int
vb_stat_print_prometheus(FILE *f, const struct vb_stat_snap *snap)
{
	char pid[16], lv[16];
	unsigned int i;

	prom_family(f, "vbridge_up", "gauge", PROM_UP_HELP);
	fprintf(f, "vbridge_up 1\n");
	prom_family(f, "vbridge_info", "gauge",
		    "The vbridge instance read, as labels; the value is always 1.");
	snprintf(pid, sizeof(pid), "%d", snap->pid);
	snprintf(lv, sizeof(lv), "%u", snap->layout_version);
	fprintf(f, "vbridge_info{pid=\"%s\",layout_version=\"%s\",state=", pid, lv);
	prom_label(f, vb_state_name(snap->state));
	fprintf(f, "} 1\n");
	prom_family(f, "vbridge_start_time_seconds", "gauge",
		    "Unix time at which vbridge started.");
	fprintf(f, "vbridge_start_time_seconds %.3f\n", snap->start_unix_ns / 1e9);
	prom_family(f, "vbridge_heartbeat_age_seconds", "gauge",
		    "Time since vbridge's main lcore last ran its housekeeping.");
	fprintf(f, "vbridge_heartbeat_age_seconds %.6f\n", snap->heartbeat_age_ns / 1e9);

	prom_family(f, "vbridge_port_info", "gauge",
		    "A bridge port, its ethdev name, driver and peer, as labels; always 1.");
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		fprintf(f, "vbridge_port_info{port=");
		prom_label(f, p->name);
		fprintf(f, ",driver=");
		prom_label(f, p->driver);
		fprintf(f, ",peer=");
		prom_label(f, snap->port[p->peer].name);
		fprintf(f, ",port_id=\"%u\",index=\"%u\"} 1\n", p->port_id, i);
	}
	prom_family(f, "vbridge_link_up", "gauge",
		    "1 when the port's link is up, 0 when down (absent before the first poll).");
	for (i = 0; i < snap->nb_ports; i++)
		if (snap->port[i].link_up != VB_LINK_UNKNOWN)
			prom_port(f, "vbridge_link_up", snap->port[i].name, NULL, NULL,
				  snap->port[i].link_up != 0);
	prom_family(f, "vbridge_link_speed_mbps", "gauge",
		    "Link speed the PMD reports, in Mbit/s (0 when unknown).");
	for (i = 0; i < snap->nb_ports; i++)
		prom_port(f, "vbridge_link_speed_mbps", snap->port[i].name, NULL, NULL,
			  snap->port[i].link_speed_mbps == UINT32_MAX ? 0 :
			  snap->port[i].link_speed_mbps);
	prom_family(f, "vbridge_link_changes_total", "counter",
		    "Link state changes vbridge saw (its first poll counts as one).");
	for (i = 0; i < snap->nb_ports; i++)
		prom_port(f, "vbridge_link_changes_total", snap->port[i].name, NULL, NULL,
			  snap->port[i].link_changes);

	prom_counters(f, snap);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int
vb_stat_print_prometheus_down(FILE *f, const char *reason)
{
	fputs("# vbridge-stat: ", f);
	for (; *reason != '\0'; reason++)
		fputc(*reason == '\n' ? ' ' : *reason, f);
	fputc('\n', f);
	prom_family(f, "vbridge_up", "gauge", PROM_UP_HELP);
	fprintf(f, "vbridge_up 0\n");
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/*
 * Print s wrapped to width columns (at most WRAP_COLUMNS: prose is read, not scanned), the
 * first line after first, the others after indent.
 */
static void
wrapped(FILE *f, const char *first, const char *indent, const char *s, unsigned int width)
{
	if (width == VB_LAYOUT_UNLIMITED || width > WRAP_COLUMNS)
		width = WRAP_COLUMNS;
	print_indented(f, first, indent, s, width);
}

int
vb_stat_print_findings(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
		       const struct vb_stat_delta *delta, const struct vb_stat_findings *findings)
{
	char line[512];
	unsigned int i, serious = 0;

	if (width == VB_LAYOUT_UNLIMITED) {
		print_header(f, snap);
	} else {
		header_text(snap, line, sizeof(line));
		print_fitted(f, line, width);
	}
	if (delta != NULL)
		fprintf(f, "Looked at the counters since start and over the last %.1f s.\n\n",
			delta->interval_s);
	else
		fprintf(f, "Looked at the counters since start (no interval: --no-rates).\n\n");
	for (i = 0; i < findings->n; i++) {
		const struct vb_stat_finding *fd = &findings->f[i];
		char head[160];

		if (fd->severity != VB_STAT_INFO)
			serious++;
		snprintf(head, sizeof(head), "%s: %s%s%s", vb_stat_severity_name(fd->severity),
			 fd->code, fd->port[0] != '\0' ? " on " : "", fd->port);
		print_fitted(f, head, width);
		wrapped(f, "  ", "  ", fd->text, width);
		/* Piped, the evidence stays one line for grep; a terminal gets it wrapped. */
		if (width == VB_LAYOUT_UNLIMITED)
			fprintf(f, "  evidence: %s\n", fd->evidence);
		else
			wrapped(f, "  evidence: ", "    ", fd->evidence, width);
		fputc('\n', f);
	}
	if (findings->dropped > 0)
		fprintf(f, "(%u more findings not shown)\n\n", findings->dropped);
	if (serious == 0)
		snprintf(line, sizeof(line), "No problems seen: %u port%s, links up, nothing "
			 "dropped, no NIC-level drops or errors%s%s.", snap->nb_ports,
			 snap->nb_ports == 1 ? "" : "s",
			 snap->tables.enabled ? ", no broadcasts duplicated, reflected or looped, "
			 "no MAC moves" : " (the classifier is off)",
			 findings->n > 0 ? " (see the notes above)" : "");
	else
		snprintf(line, sizeof(line), "%u problem%s or warning%s found.", serious,
			 serious == 1 ? "" : "s", serious == 1 ? "" : "s");
	print_fitted(f, line, width);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

static const char *
port_name(const struct vb_stat_snap *snap, unsigned int port)
{
	return port < snap->nb_ports ? snap->port[port].name : "?";
}

static double
age_ms(const struct vb_stat_snap *snap, uint64_t ticks)
{
	return vb_stat_tsc_us(snap, ticks) / 1000.0;
}

/* The MAC table's columns but the port's: MAC, VLAN, moves, last seen, with their spaces. */
#define MACS_OTHER_COLS	47u
#define MACS_PORT_COL	24u

/*
 * --macs as text. Piped, the port column is 24 characters and a longer name is printed
 * whole, as always; on a terminal the names are shortened to what the width leaves them (24
 * at most, never two ports alike: vb_layout_names) and the footer is broken at spaces.
 */
static void
print_macs_text(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
		const struct vb_stat_macs *macs)
{
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX], mac[18], line[256];
	const char *full[VB_MAX_PORTS];
	unsigned int i, max = MACS_PORT_COL;

	for (i = 0; i < snap->nb_ports; i++)
		full[i] = snap->port[i].name;
	if (width != VB_LAYOUT_UNLIMITED) {
		max = width > MACS_OTHER_COLS + VB_LAYOUT_NAME_MIN ? width - MACS_OTHER_COLS :
		      VB_LAYOUT_NAME_MIN;
		max = RTE_MIN(max, MACS_PORT_COL);
		vb_layout_names(full, snap->nb_ports, max, names);
	} else {
		/* from the snapshot itself: clang-analyzer does not tie nb_ports to full[]'s */
		for (i = 0; i < snap->nb_ports; i++)
			snprintf(names[i], sizeof(names[i]), "%s", snap->port[i].name);
	}
	fprintf(f, "%-17s %5s  %-*s %6s %14s\n", "MAC", "VLAN", (int)max,
		max >= 17 ? "last seen on port" : "port", "moves", "last seen");
	for (i = 0; i < macs->n; i++) {
		const struct vb_mac_entry *e = &macs->e[i];
		char ago[32];

		snprintf(ago, sizeof(ago), "%.0f ms ago", age_ms(snap, e->age));
		fprintf(f, "%-17s %5u  %-*s %5u%s %14s\n",
			vb_stat_mac_str(e->mac, mac, sizeof(mac)), e->vlan, (int)max,
			e->port < snap->nb_ports ? names[e->port] : "?", e->moves,
			e->moves == 255 ? "+" : " ", ago);
	}
	snprintf(line, sizeof(line), "%u MAC%s live of %" PRIu64 " entries (ageing %" PRIu64
		 " s)%s", macs->n, macs->n == 1 ? "" : "s", snap->tables.mac_entries,
		 snap->tables.mac_ageing_s, macs->torn > 0 ?
		 ", some entries skipped: being written while read" : "");
	print_indented(f, "", "  ", line, width);
}

int
vb_stat_print_macs(FILE *f, bool json, unsigned int width, const struct vb_stat_snap *snap,
		   const struct vb_stat_macs *macs)
{
	char mac[18];
	uint32_t i;

	if (json) {
		struct json j = { .f = f, .pretty = true, .depth = -1 };

		j_open(&j, NULL, '{');
		j_str(&j, "schema", VB_STAT_SCHEMA);
		j_str(&j, "view", "macs");
		j_u64(&j, "time_unix_ns", snap->unix_ns);
		j_u64(&j, "entries", snap->tables.mac_entries);
		j_u64(&j, "ageing_s", snap->tables.mac_ageing_s);
		j_u64(&j, "torn", macs->torn);
		j_open(&j, "macs", '[');
		for (i = 0; i < macs->n; i++) {
			const struct vb_mac_entry *e = &macs->e[i];

			j_open(&j, NULL, '{');
			j_str(&j, "mac", vb_stat_mac_str(e->mac, mac, sizeof(mac)));
			j_u64(&j, "vlan", e->vlan);
			j_u64(&j, "pair", e->pair);
			j_u64(&j, "port_index", e->port);
			j_str(&j, "port", port_name(snap, e->port));
			j_u64(&j, "moves", e->moves);
			j_double(&j, "last_seen_ms", age_ms(snap, e->age), 1);
			j_close(&j, '}');
		}
		j_close(&j, ']');
		j_close(&j, '}');
		fputc('\n', f);
	} else {
		print_macs_text(f, width, snap, macs);
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* 2024-05-01T12:00:00.123456789Z: samples are ns apart, and a reflection a few µs. */
static const char *
utc_ns(uint64_t unix_ns, char *buf, size_t len)
{
	char s[32];

	utc(unix_ns, s, sizeof(s));
	s[strlen(s) - 1] = '\0';	/* the Z goes after the fraction */
	snprintf(buf, len, "%s.%09" PRIu64 "Z", s, (uint64_t)(unix_ns % 1000000000ULL));
	return buf;
}

/* One sample's parts, as its text line shows them. */
struct sample_text {
	uint64_t ns;
	char words[128], summary[256], src[18], dst[18];
};

static void
sample_text(const struct vb_stat_snap *snap, const struct vb_sample *s, struct sample_text *x)
{
	x->ns = vb_stat_sample_unix_ns(snap, s->tsc);
	vb_stat_sample_reason(s, x->words, sizeof(x->words));
	vb_stat_sample_summary(s, x->summary, sizeof(x->summary));
	if (s->cap_len >= 12) {
		vb_stat_mac_str(s->data + 6, x->src, sizeof(x->src));
		vb_stat_mac_str(s->data, x->dst, sizeof(x->dst));
	} else {
		snprintf(x->src, sizeof(x->src), "?");
		snprintf(x->dst, sizeof(x->dst), "?");
	}
}

static void
print_sample_json(FILE *f, const struct vb_stat_snap *snap, const struct vb_sample *s,
		  const struct sample_text *x)
{
	struct json j = { .f = f, .pretty = false, .depth = -1 };
	const char *w = x->words;

	j_open(&j, NULL, '{');
	j_u64(&j, "time_unix_ns", x->ns);
	j_str(&j, "port", port_name(snap, s->port));
	j_u64(&j, "port_index", s->port);
	j_u64(&j, "queue", s->queue);
	j_open(&j, "reasons", '[');
	while (*w != '\0') {
		size_t n = strcspn(w, ",");
		char one[32];

		snprintf(one, sizeof(one), "%.*s", (int)n, w);
		j_str(&j, NULL, one);
		w += n + (w[n] == ',');
	}
	j_close(&j, ']');
	j_str(&j, "src", x->src);
	j_str(&j, "dst", x->dst);
	j_u64(&j, "orig_len", s->orig_len);
	j_u64(&j, "cap_len", s->cap_len);
	j_str(&j, "summary", x->summary);
	j_close(&j, '}');
	fputc('\n', f);
}

#define SAMPLE_PORT_COL		16	/* the piped line's columns */
#define SAMPLE_REASON_COL	28
#define SAMPLE_UTC_NS		30	/* 2024-05-01T12:00:00.101662511Z */
#define SAMPLE_TOD_NS		18	/* 12:00:00.101662511 */

/* How the samples of one read are laid out on a terminal. */
enum sample_shape {
	SAMPLE_FULL,		/* as piped, the names fitted: everything fits on one line */
	SAMPLE_ONE_LINE,	/* the time of day (the date on its own line), one line each */
	SAMPLE_TWO_LINES,	/* time, port, reasons; then the MACs and summary, broken */
};

/*
 * The samples on a terminal of width columns: each sample on one line when every one of
 * this read fits (with its date when there is room, else the time of day under a date line
 * printed when the day changes), else on two: time, port and reasons, then the MACs and
 * the summary broken at spaces. Port names are shortened (never two alike), the reasons'
 * column is as wide as this read's widest (at most 28): a read's lines align, and all of it
 * is there.
 */
static void
print_samples_fitted(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
		     struct vb_stat_samples *smp)
{
	char names[VB_MAX_PORTS][VB_LAYOUT_NAME_MAX], t[48], line[640], first[160];
	const char *full[VB_MAX_PORTS];
	struct sample_text x;
	enum sample_shape shape = SAMPLE_FULL;
	unsigned int i, pw, rw = 0, max_rest = 0, max_words = 0;
	uint32_t k;

	for (i = 0; i < snap->nb_ports; i++)
		full[i] = snap->port[i].name;
	pw = vb_layout_names(full, snap->nb_ports,
			     RTE_MAX(8u, RTE_MIN((unsigned int)SAMPLE_PORT_COL, width / 8)), names);
	for (k = 0; k < smp->n; k++) {
		sample_text(snap, &smp->s[k], &x);
		max_words = RTE_MAX(max_words, (unsigned int)strlen(x.words));
		/* "src > dst summary" */
		max_rest = RTE_MAX(max_rest, (unsigned int)(strlen(x.src) + strlen(x.dst) + 4 +
							       strlen(x.summary)));
	}
	rw = RTE_MIN(max_words, (unsigned int)SAMPLE_REASON_COL);
	if (SAMPLE_UTC_NS + 1 + pw + 1 + RTE_MAX(max_words, (unsigned int)SAMPLE_REASON_COL) + 1 +
	    max_rest > width)
		shape = SAMPLE_TOD_NS + 1 + pw + 1 + max_words + 1 + max_rest <= width ?
			SAMPLE_ONE_LINE : SAMPLE_TWO_LINES;
	if (shape == SAMPLE_FULL)
		rw = RTE_MAX(max_words, (unsigned int)SAMPLE_REASON_COL);
	for (k = 0; k < smp->n; k++) {
		const struct vb_sample *s = &smp->s[k];
		uint64_t day;

		sample_text(snap, s, &x);
		day = x.ns / (86400ULL * 1000000000ULL);
		if (shape == SAMPLE_FULL) {
			utc_ns(x.ns, t, sizeof(t));
		} else {
			utc_ns(x.ns, line, sizeof(line));
			if (day != smp->text_day) {
				/* "2024-05-01 (UTC)": the lines below give the time of day */
				fprintf(f, "%.10s (UTC)\n", line);
				smp->text_day = day;
			}
			snprintf(t, sizeof(t), "%.18s", line + 11);
		}
		/* pw and rw are bounded by the names and words (a cut is only ever spaces) */
		if (snprintf(first, sizeof(first), "%s %-*s %-*s", t, (int)pw,
			     s->port < snap->nb_ports ? names[s->port] : "?", (int)rw,
			     x.words) >= (int)sizeof(first))
			first[sizeof(first) - 1] = '\0';
		snprintf(line, sizeof(line), "%s > %s %s", x.src, x.dst, x.summary);
		if (shape != SAMPLE_TWO_LINES) {
			fprintf(f, "%s %s\n", first, line);
		} else {
			size_t n = strlen(first);

			while (n > 0 && first[n - 1] == ' ')
				n--;
			fprintf(f, "%.*s\n", (int)n, first);
			print_indented(f, "    ", "      ", line, width);
		}
	}
}

int
vb_stat_print_samples(FILE *f, bool json, unsigned int width, const struct vb_stat_snap *snap,
		      struct vb_stat_samples *smp)
{
	struct sample_text x;
	char t[48];
	uint32_t i;

	if (!json && width != VB_LAYOUT_UNLIMITED) {
		print_samples_fitted(f, width, snap, smp);
		fflush(f);
		return ferror(f) ? -1 : 0;
	}
	for (i = 0; i < smp->n; i++) {
		const struct vb_sample *s = &smp->s[i];

		sample_text(snap, s, &x);
		if (json)
			print_sample_json(f, snap, s, &x);
		else
			fprintf(f, "%s %-16s %-28s %s > %s %s\n", utc_ns(x.ns, t, sizeof(t)),
				port_name(snap, s->port), x.words, x.src, x.dst, x.summary);
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int
vb_stat_print_samples_footer(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
			     uint64_t shown, uint64_t lost, uint64_t torn)
{
	const struct vb_stat_tables *t = &snap->tables;
	char line[512];

	snprintf(line, sizeof(line), "%" PRIu64 " sample%s shown; %" PRIu64 " lost (overwritten "
		 "before they were read), %" PRIu64 " torn (being written while read); the rings "
		 "hold %" PRIu64 " per worker: %" PRIu64 " written, %" PRIu64 " overwritten, %"
		 PRIu64 " suppressed by the rate limit (%" PRIu64 "/s)", shown, shown == 1 ? "" : "s",
		 lost, torn, t->sample_slots, t->samples_written, t->samples_overwritten,
		 t->samples_suppressed, t->sample_rate);
	print_indented(f, "", "  ", line, width);
	fflush(f);
	return ferror(f) ? -1 : 0;
}
