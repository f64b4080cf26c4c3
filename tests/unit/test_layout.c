/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat's width logic (app/vbridge-stat/layout.c) and the --watch screen laid out at
 * 60, 80, 120 and 200 columns: every line fits, two ports never look alike, rates keep their
 * units, and without a width the screen is today's full one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "stat.h"

static unsigned int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static void
test_width(void)
{
	CHECK(vb_layout_width_from(0, NULL) == VB_LAYOUT_UNLIMITED, "no tty, no COLUMNS");
	CHECK(vb_layout_width_from(0, "") == VB_LAYOUT_UNLIMITED, "empty COLUMNS");
	CHECK(vb_layout_width_from(0, "80") == 80, "COLUMNS=80");
	CHECK(vb_layout_width_from(120, "80") == 120, "the terminal wins over COLUMNS");
	CHECK(vb_layout_width_from(0, "80x") == VB_LAYOUT_UNLIMITED, "COLUMNS=80x ignored");
	CHECK(vb_layout_width_from(0, "5") == VB_LAYOUT_UNLIMITED, "COLUMNS=5 ignored");
	CHECK(vb_layout_width_from(0, "-80") == VB_LAYOUT_UNLIMITED, "COLUMNS=-80 ignored");
}

static void
test_names(void)
{
	static const char * const eth[] = { "net_af_packet0", "net_af_packet1" };
	static const char * const pci[] = { "0000:0b:00.0", "0000:0c:00.0" };
	static const char * const tails[] = { "left_uplink0", "right_uplink0" };
	static const char * const same[] = { "net_null0", "net_null0" };
	char out[4][VB_LAYOUT_NAME_MAX];
	unsigned int w;

	w = vb_layout_names(eth, 2, 20, out);
	CHECK(w == 14 && strcmp(out[0], "net_af_packet0") == 0, "short enough: kept, got %s",
	      out[0]);
	w = vb_layout_names(eth, 2, 8, out);
	CHECK(w == 8 && strcmp(out[0], "~packet0") == 0 && strcmp(out[1], "~packet1") == 0,
	      "ethdev names keep their tail: %s %s", out[0], out[1]);
	vb_layout_names(pci, 2, 8, out);
	CHECK(strcmp(out[0], "~0b:00.0") == 0 && strcmp(out[1], "~0c:00.0") == 0,
	      "PCI addresses keep bus:dev.fn: %s %s", out[0], out[1]);
	vb_layout_names(tails, 2, 8, out);
	CHECK(strcmp(out[0], "port 0") == 0 && strcmp(out[1], "port 1") == 0,
	      "same tail: the bridge port index instead, got %s %s", out[0], out[1]);
	vb_layout_names(same, 2, 20, out);
	CHECK(strcmp(out[0], out[1]) != 0, "two ports of one name still told apart");
	vb_layout_names(eth, 2, 3, out);
	CHECK(strcmp(out[0], "#0") == 0 && strcmp(out[1], "#1") == 0, "3 wide: %s %s", out[0],
	      out[1]);
}

static void
test_pick(void)
{
	static const struct vb_layout_col c[] = { { 10, 2 }, { 10, 0 }, { 30, 1 }, { 5, 3 } };

	CHECK(vb_layout_pick(c, 4, VB_LAYOUT_UNLIMITED) == 0xf, "unlimited: all");
	CHECK(vb_layout_pick(c, 4, 10) == 0x2, "10: the first rank only");
	CHECK(vb_layout_pick(c, 4, 25) == 0xb, "25: rank 1 does not fit, 2 and 3 do");
	CHECK(vb_layout_pick(c, 4, 55) == 0xf, "55: all");
	CHECK(vb_layout_pick(c, 4, 4) == 0, "4: none");
	CHECK(vb_layout_break("abc def ghi", 7) == 7, "break at the space");
	CHECK(vb_layout_break("abc def ghi", 6) == 3, "break back at the space");
	CHECK(vb_layout_break("abcdefghi", 4) == 4, "a long word is cut");
	CHECK(vb_layout_break("abc", VB_LAYOUT_UNLIMITED) == 3, "unlimited: whole");
	{
		static const unsigned int w[] = { 10, 10, 30, 10, 50 };
		unsigned int first[RTE_DIM(w)], nb;

		nb = vb_layout_fold(w, RTE_DIM(w), 10, VB_LAYOUT_UNLIMITED, first);
		CHECK(nb == 1 && first[0] == 0, "fold unlimited: one block, got %u", nb);
		nb = vb_layout_fold(w, RTE_DIM(w), 10, 60, first);
		CHECK(nb == 3 && first[0] == 0 && first[1] == 3 && first[2] == 4,
		      "fold at 60: blocks from 0, 3, 4; got %u blocks", nb);
		nb = vb_layout_fold(w, RTE_DIM(w), 10, 40, first);
		CHECK(nb == 4 && first[1] == 2 && first[2] == 3 && first[3] == 4,
		      "fold at 40: a column wider than a block gets its own, got %u", nb);
		CHECK(vb_layout_fold(w, 0, 10, 40, first) == 0, "fold: no columns, no block");
	}
}

static const char * const port_names[] = {
	"net_af_packet0", "net_af_packet1", "0000:0b:00.0", "0000:0c:00.0",
};

static void
make_snap(struct vb_stat_snap *s, struct vb_stat_delta *d)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	memset(d, 0, sizeof(*d));
	s->nb_ports = RTE_DIM(port_names);
	s->nb_workers = 2;
	s->pid = 4242;
	s->burst = 32;
	s->drain_us = 100;
	s->layout_version = 6;
	s->unix_ns = 1700000000000000000ULL;
	s->start_unix_ns = s->unix_ns - 3600000000000ULL;
	d->interval_s = 1.0;
	for (i = 0; i < s->nb_ports; i++) {
		struct vb_stat_port *p = &s->port[i];

		snprintf(p->name, sizeof(p->name), "%s", port_names[i]);
		p->peer = i ^ 1;
		p->link_up = 1;
		p->link_full_duplex = 1;
		p->link_speed_mbps = 10000;
		p->dir.rx_frames = 123456789012ULL;
		/* The same numbers on every port: only the names tell the rows apart. */
		d->rate[i].rx_fps = 12345678;
		d->rate[i].rx_bps = 9876543210.0;
		d->rate[i].tx_fps = 12345678;
		d->rate[i].tx_bps = 9876543210.0;
		d->rate[i].drop_fps = 1500;
	}
}

/* Everything f printed, as lines (at most max), the clear-screen escape taken off. */
static unsigned int
split_lines(char *buf, char lines[][512], unsigned int max)
{
	char *p = buf, *nl;
	unsigned int n = 0;

	if (strncmp(p, "\033[H\033[2J", 7) == 0)
		p += 7;
	for (; *p != '\0' && n < max; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		snprintf(lines[n++], 512, "%.*s", (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
	return n;
}

/* Append line to joined, its indent taken off, and a space: a broken text joined again. */
static void
join(char *joined, size_t len, const char *line)
{
	size_t at = strlen(joined);

	snprintf(joined + at, len - at, "%s ", line + strspn(line, " "));
}

/* Lines longer than width (none allowed), shown with VB_LAYOUT_SHOW=1. */
static void
check_fits(const char *view, unsigned int width, char lines[][512], unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (getenv("VB_LAYOUT_SHOW") != NULL)
			printf("%3u|%s\n", width, lines[i]);
		CHECK(width == VB_LAYOUT_UNLIMITED || strlen(lines[i]) <= width,
		      "%s at %u: line %u is %zu long: \"%s\"", view, width, i, strlen(lines[i]),
		      lines[i]);
	}
}

/* A stream to render a view into; view_lines() reads it back. */
static FILE *
view_open(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (f == NULL) {
		perror("FAIL: open_memstream");
		exit(1);
	}
	return f;
}

/*
 * What a view printed into f (from view_open(&buf)) as lines, each checked to fit width;
 * status is the printer's (non-zero: the test cannot go on).
 */
static unsigned int
view_lines(FILE *f, char **buf, int status, const char *view, unsigned int width,
	   char lines[][512], unsigned int max)
{
	unsigned int n;

	fclose(f);
	if (status != 0) {
		fprintf(stderr, "FAIL: could not render %s at %u\n", view, width);
		exit(1);
	}
	n = split_lines(*buf, lines, max);
	free(*buf);
	check_fits(view, width, lines, n);
	return n;
}

/* The --watch screen as lines (the clear-screen escape taken off); returns how many. */
static unsigned int
render(unsigned int width, char lines[][512], unsigned int max)
{
	static struct vb_stat_snap s;
	static struct vb_stat_delta d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	make_snap(&s, &d);
	f = view_open(&buf, &len);
	return view_lines(f, &buf, vb_stat_print_watch(f, true, width, &s, &d), "--watch", width,
			  lines, max);
}

static void
test_watch(unsigned int width)
{
	static char lines[64][512];
	unsigned int n = render(width, lines, RTE_DIM(lines)), i, j, rows = 0;
	unsigned int row[8];

	/* VB_LAYOUT_SHOW=1 to look at the screens. */
	for (i = 0; getenv("VB_LAYOUT_SHOW") != NULL && i < n; i++)
		printf("%3u|%s\n", width, lines[i]);
	for (i = 0; i < n; i++) {
		CHECK(width == VB_LAYOUT_UNLIMITED || strlen(lines[i]) <= width,
		      "width %u: line %u is %zu long: \"%s\"", width, i, strlen(lines[i]), lines[i]);
		if (strstr(lines[i], " -> ") != NULL && rows < RTE_DIM(row))
			row[rows++] = i;
	}
	CHECK(rows == RTE_DIM(port_names), "width %u: %u direction rows", width, rows);
	for (i = 0; i < rows; i++) {
		CHECK(strstr(lines[row[i]], "12.35 M") != NULL, "width %u: rx frames/s keeps its "
		      "unit: \"%s\"", width, lines[row[i]]);
		CHECK(strstr(lines[row[i]], "9.88 G") != NULL, "width %u: rx bits/s keeps its "
		      "unit: \"%s\"", width, lines[row[i]]);
		for (j = i + 1; j < rows; j++)
			CHECK(strcmp(lines[row[i]], lines[row[j]]) != 0,
			      "width %u: two directions look alike: \"%s\"", width, lines[row[i]]);
	}
	/* Rates line up under their heading whatever the width. */
	for (i = 0; i + 1 < rows; i++)
		CHECK(strstr(lines[row[i]], "12.35 M") - lines[row[i]] ==
		      strstr(lines[row[i + 1]], "12.35 M") - lines[row[i + 1]],
		      "width %u: rx frames/s not aligned", width);
	if (rows > 0 && (width == VB_LAYOUT_UNLIMITED || width >= 200)) {
		CHECK(strstr(lines[row[0]], "net_af_packet0 -> net_af_packet1") != NULL,
		      "width %u: full names when there is room: \"%s\"", width, lines[row[0]]);
		CHECK(strstr(lines[row[0]], "up 10000 Mbps full-duplex") != NULL,
		      "width %u: the link text when there is room: \"%s\"", width, lines[row[0]]);
	}
}

/*
 * The summary: every line fits, every counter is still there (folded, not left out), rates
 * keep their units and their column, the ports' names are shortened but never alike; and
 * without a width each table is one block, as scripts read it.
 */
static void
test_summary(unsigned int width)
{
	static struct vb_stat_snap s;
	static struct vb_stat_delta d;
	static char lines[256][512];
	char *buf = NULL, want[64];
	size_t len = 0;
	unsigned int n, i, j, k, rate_rows = 0, frame_rows = 0, head = 0;
	FILE *f;

	make_snap(&s, &d);
	s.tables.enabled = true;
	s.port[1].cls.v[VB_CLS_CTR_reflected] = 987654321;
	f = view_open(&buf, &len);
	n = view_lines(f, &buf, vb_stat_print_summary(f, width, &s, &d), "the summary", width,
		       lines, RTE_DIM(lines));
	for (k = 0; k < VB_DIR_CTRS; k++) {
		bool found = false;

		snprintf(want, sizeof(want), "%s", vb_dir_ctr_desc[k].name);
		for (j = 0; want[j] != '\0'; j++)
			want[j] = want[j] == '_' ? ' ' : want[j];
		for (i = 0; i < n && !found; i++)
			found = strstr(lines[i], want) != NULL;
		CHECK(found, "summary at %u: no column '%s'", width, want);
	}
	for (i = 0; i < n; i++) {
		const char *r = strstr(lines[i], "12.35 M");

		if (strstr(lines[i], "rx frames/s") != NULL)
			head = i;
		if (r != NULL && strstr(lines[i], " -> ") != NULL) {
			const char *h = strstr(lines[head], "rx frames/s");

			rate_rows++;
			CHECK(h != NULL && r + 7 - lines[i] == h + 11 - lines[head],
			      "summary at %u: rx frames/s not under its heading: \"%s\" / \"%s\"",
			      width, lines[head], lines[i]);
		}
		if (strstr(lines[i], " 123456789012") != NULL && strstr(lines[i], " -> ") != NULL)
			frame_rows++;
		if (width == VB_LAYOUT_UNLIMITED && strstr(lines[i], "rx frames  ") != NULL)
			CHECK(strstr(lines[i], "peer_down") != NULL, "summary unlimited: the "
			      "directions table folded: \"%s\"", lines[i]);
	}
	CHECK(rate_rows == s.nb_ports, "summary at %u: %u rate rows with their unit", width,
	      rate_rows);
	CHECK(frame_rows == s.nb_ports, "summary at %u: %u rows with rx frames", width,
	      frame_rows);
	for (i = 0, k = 0; i < n; i++)
		k += strstr(lines[i], " 987654321") != NULL;
	CHECK(k == 1, "summary at %u: the classifier's counter shown %u times", width, k);
	/* The Ports table's rows: each port's name (maybe shortened) unlike the others. */
	for (i = 0; i < n && strcmp(lines[i], "Ports") != 0; i++)
		;
	for (j = i + 2; j < i + 2 + s.nb_ports && j < n; j++) {
		char a[64], b[64];

		sscanf(lines[j], "%*u %63s", a);
		for (k = j + 1; k < i + 2 + s.nb_ports && k < n; k++) {
			sscanf(lines[k], "%*u %63s", b);
			CHECK(strcmp(a, b) != 0, "summary at %u: two ports named %s", width, a);
		}
	}
	if (width == VB_LAYOUT_UNLIMITED || width >= 200)
		CHECK(strstr(lines[i + 2], "net_af_packet0") != NULL, "summary at %u: full "
		      "names when there is room: \"%s\"", width, lines[i + 2]);
}

/* Ports whose names are longer than --macs' 24 columns and alike but for their middle. */
static const char * const long_names[] = {
	"net_af_packet_left_uplink_0", "net_af_packet_right_uplink_0", "net_af_xdp_server_0",
	"0000:0b:00.0",
};

static void
make_long_snap(struct vb_stat_snap *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->nb_ports = RTE_DIM(long_names);
	s->nb_workers = 1;
	s->tsc_hz = 2000000000ULL;
	s->start_tsc = 1000;
	s->start_unix_ns = 1714564800000000000ULL;	/* 2024-05-01T12:00:00Z */
	s->unix_ns = s->start_unix_ns + 1000000000ULL;
	s->tables.enabled = true;
	s->tables.mac_entries = 16384;
	s->tables.mac_ageing_s = 300;
	s->tables.sample_slots = 512;
	for (i = 0; i < s->nb_ports; i++) {
		snprintf(s->port[i].name, sizeof(s->port[i].name), "%s", long_names[i]);
		s->port[i].peer = i ^ 1;
	}
}

/* The port column of a --macs row: after the MAC and the VLAN. */
static void
macs_port(const char *line, char *out, size_t len)
{
	char word[64] = "";

	if (sscanf(line, "%*s %*u %63s", word) != 1)
		word[0] = '\0';
	snprintf(out, len, "%s", word);
}

/* --macs: every line fits, names over 24 shortened and never alike; piped, whole. */
static void
test_macs(unsigned int width)
{
	static struct vb_stat_snap s;
	static char lines[32][512];
	static struct vb_mac_entry e[RTE_DIM(long_names)];
	struct vb_stat_macs macs = { .n = RTE_DIM(e), .e = e };
	char *buf = NULL, a[64], b[64];
	size_t len = 0;
	unsigned int n, i, j;
	FILE *f;

	make_long_snap(&s);
	for (i = 0; i < RTE_DIM(e); i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].mac[0] = 2;
		e[i].mac[5] = i;
		e[i].port = i;
		e[i].vlan = 4094;
		e[i].moves = 255;
		e[i].age = 123456789;
	}
	f = view_open(&buf, &len);
	n = view_lines(f, &buf, vb_stat_print_macs(f, false, width, &s, &macs), "--macs", width,
		       lines, RTE_DIM(lines));
	CHECK(n == RTE_DIM(e) + 2, "--macs at %u: %u lines", width, n);
	for (i = 1; i <= RTE_DIM(e) && i < n; i++) {
		macs_port(lines[i], a, sizeof(a));
		if (width == VB_LAYOUT_UNLIMITED)
			CHECK(strcmp(a, long_names[i - 1]) == 0, "--macs piped: the whole name, "
			      "got \"%s\"", lines[i]);
		CHECK(strstr(lines[i], "255+") != NULL, "--macs at %u: moves: \"%s\"", width,
		      lines[i]);
		for (j = i + 1; j <= RTE_DIM(e) && j < n; j++) {
			macs_port(lines[j], b, sizeof(b));
			CHECK(strcmp(a, b) != 0, "--macs at %u: two ports look alike: %s", width, a);
		}
		/* The columns after the port stay where the heading puts them. */
		CHECK(width == VB_LAYOUT_UNLIMITED || strlen(lines[i]) == strlen(lines[0]),
		      "--macs at %u: last seen not aligned: \"%s\" / \"%s\"", width, lines[0],
		      lines[i]);
	}
}

/* An ARP request from 02:5e:1c:0a:44:b1 for 198.18.0.1, received on port. */
static void
arp_sample(struct vb_sample *x, uint16_t port, uint64_t tsc, uint32_t reason)
{
	static const uint8_t frame[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x5e, 0x1c, 0x0a, 0x44, 0xb1,
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x02, 0x5e, 0x1c, 0x0a, 0x44, 0xb1, 198, 18, 0, 2,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 1,
	};

	memset(x, 0, sizeof(*x));
	x->tsc = tsc;
	x->reason = reason;
	x->port = port;
	x->orig_len = 60;
	x->cap_len = sizeof(frame);
	memcpy(x->data, frame, sizeof(frame));
}

/*
 * --samples: every line fits, each sample's port (shortened, never alike), reasons, MACs
 * and summary all there; a date line on a terminal when the day is not on each line; the
 * footer broken at spaces. Piped: one line each, as before.
 */
static void
test_samples(unsigned int width)
{
	static struct vb_stat_snap s;
	static char lines[64][512];
	static struct vb_sample x[RTE_DIM(long_names)];
	struct vb_stat_samples smp = { .n = RTE_DIM(x), .s = x };
	char *buf = NULL, joined[8192] = "", *p;
	size_t len = 0;
	unsigned int n, i, who = 0, dates = 0;
	FILE *f;

	make_long_snap(&s);
	for (i = 0; i < RTE_DIM(x); i++)
		arp_sample(&x[i], i, s.start_tsc + 2000000ULL * i, VB_CLS_ARP | VB_CLS_BCAST |
			   (i == 1 ? VB_CLS_REFLECTED | VB_CLS_MAC_MOVED | VB_CLS_WOULD_FILTER : 0));
	f = view_open(&buf, &len);
	n = view_lines(f, &buf, vb_stat_print_samples(f, false, width, &s, &smp) != 0 ||
		       vb_stat_print_samples_footer(f, width, &s, 4, 0, 0) != 0, "--samples",
		       width, lines, RTE_DIM(lines));
	/* The lines joined as one text, the breaks' indents taken off. */
	for (i = 0; i < n; i++) {
		join(joined, sizeof(joined), lines[i]);
		dates += strcmp(lines[i], "2024-05-01 (UTC)") == 0;
	}
	for (p = joined; (p = strstr(p, "ARP who-has 198.18.0.1 tell 198.18.0.2")) != NULL; p++)
		who++;
	CHECK(who == RTE_DIM(x), "--samples at %u: %u summaries", width, who);
	CHECK(strstr(joined, "arp,reflected,moved,would-filter") != NULL,
	      "--samples at %u: the reasons", width);
	CHECK(strstr(joined, "02:5e:1c:0a:44:b1 > ff:ff:ff:ff:ff:ff") != NULL,
	      "--samples at %u: the MACs", width);
	CHECK(strstr(joined, "12:00:00.001000000") != NULL, "--samples at %u: the time", width);
	CHECK(strstr(joined, "4 samples shown; 0 lost") != NULL, "--samples at %u: the footer",
	      width);
	if (width == VB_LAYOUT_UNLIMITED) {
		CHECK(n == RTE_DIM(x) + 1 && dates == 0, "--samples piped: %u lines, %u dates", n,
		      dates);
		CHECK(strncmp(lines[0], "2024-05-01T12:00:00.000000000Z net_af_packet_left_uplink_0 ",
			      59) == 0, "--samples piped: \"%s\"", lines[0]);
	} else {
		CHECK(strstr(joined, "2024-05-01") != NULL, "--samples at %u: no date", width);
		CHECK(strstr(joined, "port 0 ") != NULL || strstr(joined, "~") != NULL ||
		      width >= 200, "--samples at %u: names not shortened", width);
	}
}

/* A rule set as vb_stat_rules_read() copies it: the rules, a long one, the default. */
static void
make_rules(struct vb_stat_rules *r, struct vb_stat_rule *tab, unsigned int n)
{
	static const struct {
		const char *text;
		uint8_t action, named;
	} rules[] = {
		{ "deny tcp dport 23", 0, 0 },
		{ "permit in net_af_packet1 ip6 src 2001:db8:1234:5678::/64 dst 2001:db8:abcd::1 "
		  "tcp sport 1024-65535 dport 443", 1, 0 },
		{ "deny arp", 0, 1 },
		{ "deny icmp6 type 135-136", 0, 2 },
		{ "permit any", 1, 0 },
		{ "default deny", 0, 0 },
	};
	unsigned int i;

	memset(r, 0, sizeof(*r));
	memset(tab, 0, n * sizeof(*tab));
	for (i = 0; i < RTE_DIM(rules) && i < n; i++) {
		snprintf(tab[i].e.text, sizeof(tab[i].e.text), "%s", rules[i].text);
		tab[i].e.line = i + 1 == RTE_DIM(rules) ? 0 : i + 2;
		tab[i].e.action = rules[i].action;
		tab[i].e.named = rules[i].named;
		tab[i].c.frames = 123456789012ULL >> i;
		tab[i].c.bytes = 98765432109876ULL >> i;
		tab[i].c.last_tsc = i == 0 ? 0 : 5000000000ULL;
	}
	r->n = i;
	r->r = tab;
	r->info.enabled = 1;
	snprintf(r->info.path, sizeof(r->info.path), "/etc/vbridge/rules");
	snprintf(r->info.alg, sizeof(r->info.alg), "avx2");
	r->tsc_hz = 1000000000ULL;
	r->start_unix_ns = 1714564800000000000ULL;
}

/*
 * --rules: every line fits; each rule's text all there (broken at spaces, not cut); frames
 * and bytes with their units when the full numbers do not fit, right-aligned under their
 * headings; piped, the full lines as before.
 */
static void
test_rules(unsigned int width)
{
	static struct vb_stat_rule tab[8];
	static char lines[96][512];
	struct vb_stat_rules r;
	char *buf = NULL, joined[8192] = "", *h;
	size_t len = 0;
	unsigned int n, i, k, frames_col = 0;
	FILE *f;

	make_rules(&r, tab, RTE_DIM(tab));
	f = view_open(&buf, &len);
	n = view_lines(f, &buf, vb_stat_print_rules(f, false, width, &r), "--rules", width, lines,
		       RTE_DIM(lines));
	for (i = 0; i < n; i++) {
		join(joined, sizeof(joined), lines[i]);
		h = strstr(lines[i], "frames");
		if (h != NULL && strstr(lines[i], "last hit") != NULL)
			frames_col = h + 6 - lines[i];
	}
	for (k = 0; k < r.n; k++)
		CHECK(strstr(joined, tab[k].e.text) != NULL, "--rules at %u: rule text \"%s\" not "
		      "whole", width, tab[k].e.text);
	CHECK(strstr(joined, "(ARP, ND, link-local control no rule names: always pass)") != NULL,
	      "--rules at %u: the protected line", width);
	CHECK(frames_col > 0, "--rules at %u: no heading", width);
	if (width == VB_LAYOUT_UNLIMITED || width >= 200) {
		CHECK(strstr(joined, " 123456789012 ") != NULL, "--rules at %u: full numbers when "
		      "they fit", width);
	} else {
		/* Units, and the number's end under the heading's. */
		for (i = 0; i < n; i++) {
			const char *v = strstr(lines[i], "123.46 G");

			if (v == NULL)
				continue;
			CHECK((unsigned int)(v + 8 - lines[i]) == frames_col, "--rules at %u: "
			      "frames not under their heading: \"%s\"", width, lines[i]);
			frames_col = ~0u;	/* seen */
		}
		CHECK(frames_col == ~0u, "--rules at %u: frames without their unit", width);
		CHECK(strstr(joined, "98.77 T") != NULL, "--rules at %u: bytes with their unit",
		      width);
	}
}

/* The policy's findings: a warning for each rule that denies ARP or ND, in the JSON too. */
static void
test_rules_findings(void)
{
	static struct vb_stat_rule tab[8];
	static struct vb_stat_findings fs;
	static struct vb_stat_snap s;
	static struct vb_stat_delta d;
	struct vb_stat_rules r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	make_rules(&r, tab, RTE_DIM(tab));
	make_snap(&s, &d);
	memset(&fs, 0, sizeof(fs));
	vb_stat_rules_diagnose(&r, &fs);
	CHECK(fs.n == 2, "policy findings: %u, expected 2 (deny arp, deny icmp6 naming ND)", fs.n);
	CHECK(fs.n >= 1 && strcmp(fs.f[0].code, "policy_drops_neighbours") == 0 &&
	      fs.f[0].severity == VB_STAT_WARNING && strstr(fs.f[0].text, "'deny arp' drops ARP") &&
	      strstr(fs.f[0].text, "/etc/vbridge/rules line 4") != NULL &&
	      strstr(fs.f[0].evidence, "matched 30864197253 frames") != NULL,
	      "policy finding 0: %s: %s / %s", fs.f[0].code, fs.f[0].text, fs.f[0].evidence);
	CHECK(fs.n >= 2 && strstr(fs.f[1].text, "drops IPv6 neighbour discovery") != NULL,
	      "policy finding 1: %s", fs.f[1].text);
	r.info.mode = 1;
	memset(&fs, 0, sizeof(fs));
	vb_stat_rules_diagnose(&r, &fs);
	CHECK(fs.n == 2 && strstr(fs.f[0].text, "(shadow mode: would drop)") != NULL,
	      "policy finding in shadow mode: %s", fs.f[0].text);
	f = open_memstream(&buf, &len);
	if (f == NULL || vb_stat_print_json(f, true, &s, &d, &fs) != 0) {
		fprintf(stderr, "FAIL: could not print the JSON\n");
		exit(1);
	}
	fclose(f);
	CHECK(strstr(buf, "\"code\": \"policy_drops_neighbours\"") != NULL &&
	      strstr(buf, "\"severity\": \"warning\"") != NULL, "JSON without the policy "
	      "finding:\n%s", buf);
	free(buf);
}

/* --diagnose: every line within the width, the whole evidence still there. */
static void
test_findings(unsigned int width)
{
	static struct vb_stat_snap s;
	static struct vb_stat_delta d;
	static struct vb_stat_findings fs;
	char *buf = NULL, *p, *nl, joined[2048] = "";
	size_t len = 0;
	FILE *f;

	make_snap(&s, &d);
	memset(&fs, 0, sizeof(fs));
	fs.n = 1;
	fs.f[0].severity = VB_STAT_WARNING;
	snprintf(fs.f[0].code, sizeof(fs.f[0].code), "duplicates_seen");
	snprintf(fs.f[0].port, sizeof(fs.f[0].port), "net_af_packet0");
	snprintf(fs.f[0].text, sizeof(fs.f[0].text), "%s", "Broadcasts came back duplicated on "
		 "this port: something upstream copies frames (a second path, a hub, a mirror "
		 "port that is also bridged). Check the switch ports this link goes to.");
	snprintf(fs.f[0].evidence, sizeof(fs.f[0].evidence), "%s", "duplicate=123456 of "
		 "bcast=234567 since start; 1.50 k/s over the last 1.0 s; MACs 02:00:00:00:00:01 "
		 "02:00:00:00:00:02 moved between net_af_packet0 and net_af_packet1");
	f = open_memstream(&buf, &len);
	if (f == NULL || vb_stat_print_findings(f, width, &s, &d, &fs) != 0) {
		fprintf(stderr, "FAIL: could not render --diagnose at %u\n", width);
		exit(1);
	}
	fclose(f);
	for (p = buf; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		if (getenv("VB_LAYOUT_SHOW") != NULL)
			printf("%3u|%.*s\n", width, (int)(nl - p), p);
		CHECK(width == VB_LAYOUT_UNLIMITED || (size_t)(nl - p) <= width,
		      "--diagnose at %u: a line of %zu: \"%.*s\"", width, (size_t)(nl - p),
		      (int)(nl - p), p);
		strncat(joined, p, RTE_MIN((size_t)(nl - p) + 1, sizeof(joined) - strlen(joined) - 1));
	}
	CHECK(strstr(joined, "moved between net_af_packet0") != NULL ||
	      strstr(joined, "moved between\n") != NULL, "--diagnose at %u: evidence kept", width);
	CHECK(strstr(joined, "net_af_packet1") != NULL, "--diagnose at %u: evidence kept", width);
	free(buf);
}

int
main(void)
{
	static const unsigned int widths[] = { 60, 80, 120, 200, VB_LAYOUT_UNLIMITED };
	unsigned int i;

	test_width();
	test_names();
	test_pick();
	for (i = 0; i < RTE_DIM(widths); i++)
		test_watch(widths[i]);
	for (i = 0; i < RTE_DIM(widths); i++)
		test_findings(widths[i]);
	for (i = 0; i < RTE_DIM(widths); i++)
		test_summary(widths[i]);
	for (i = 0; i < RTE_DIM(widths); i++)
		test_macs(widths[i]);
	for (i = 0; i < RTE_DIM(widths); i++)
		test_samples(widths[i]);
	for (i = 0; i < RTE_DIM(widths); i++)
		test_rules(widths[i]);
	test_rules_findings();
	if (failures != 0) {
		fprintf(stderr, "%u check(s) failed\n", failures);
		return 1;
	}
	printf("layout: all checks passed\n");
	return 0;
}
