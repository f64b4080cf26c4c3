/* SPDX-License-Identifier: BSD-3-Clause */
/* vbridge-stat's command line: the options, their checks and --help. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_version.h>

#include "stat.h"
#include "listen.h"

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [options]\n"
		"\n"
		"Show what a running vbridge is doing: its ports, pairs and links, frames and\n"
		"bytes per direction, drops by reason, rates, the PMDs' own counters, and how\n"
		"busy its worker lcores are. Maps vbridge's stats segment read-only (no DPDK, no\n"
		"root: a member of vbridge's [monitor] group will do); run it as often as you\n"
		"like, kill it when you like: forwarding is not disturbed.\n"
		"\n"
		"Views (one at a time; the default is a summary with rates over 1 s):\n"
		"  -j, --json               the same data as JSON (schema: docs/vbridge-stat.md)\n"
		"  -P, --prometheus         Prometheus text exposition (vbridge_* metrics)\n"
		"  -d, --diagnose           plain-language findings with their evidence (--json)\n"
		"  -w, --watch[=SECONDS]    refresh every SECONDS (default 1) with per-second\n"
		"                           rates, until Ctrl-C; with --json, one JSON object a line\n"
		"  -m, --macs               the MAC table: where each MAC was last seen, its moves\n"
		"                           (most moves first); with --json, as JSON\n"
		"  -R, --rules              the policy: each rule's hits, bytes, last hit (--json)\n"
		"  -s, --samples            the sampled frames (ARP, ND, reflections, moves ...),\n"
		"                           one line each; with --json, one JSON object a line\n"
		"  -p, --pcapng FILE        write the samples to a pcapng file (- for stdout) with\n"
		"                           one interface per port and the reasons as comments\n"
		"  -F, --follow             with --samples or --pcapng: keep adding new samples\n"
		"                           until Ctrl-C or until vbridge exits\n"
		"  -L, --listen [ADDR:]PORT\n"
		"                           serve the Prometheus view over HTTP at /metrics, read\n"
		"                           at each scrape, until SIGINT/SIGTERM; also while no\n"
		"                           vbridge runs (vbridge_up 0). Default %s:%d\n"
		"  -C, --check              health check for Nagios/Icinga: one line, exit 0 OK,\n"
		"                           1 WARNING, 2 CRITICAL (no vbridge, a link down, drops\n"
		"                           or reflections/loops above -c), 3 UNKNOWN; takes only\n"
		"                           -f, -i and these thresholds (per second, over -i):\n"
		"  -w, --warning DROPS      with --check: WARNING above DROPS dropped frames/s\n"
		"  -c, --critical DROPS     with --check: CRITICAL above (default 0: any drop)\n"
		"      --warning-loops N    with --check: WARNING above N reflected or looped/s\n"
		"      --critical-loops N   with --check: CRITICAL above (default 0: any)\n"
		"\n"
		"Options:\n"
		"  -f, --file-prefix P      the vbridge started with --file-prefix P (default: %s)\n"
		"  -c, --count N            with --watch: stop after N refreshes\n"
		"  -i, --interval SECONDS   interval the one-shot rates are measured over (default 1)\n"
		"  -n, --no-rates           one read, no rates: answers at once\n"
		"  -l, --lcore CPU          CPU to run on (default: any, as the kernel decides)\n"
		"  -v, --verbose            say which segment is read and what it holds\n"
		"  -V, --version            print the version\n"
		"  -h, --help               this text\n"
		"\n"
		"Exit status: 0 success (also when vbridge exits during --follow), 1 no vbridge\n"
		"to read or it went away, 2 usage error.\n",
		prog, VB_STAT_LISTEN_ADDR, VB_STAT_LISTEN_PORT, VB_STAT_DEFAULT_PREFIX);
}

/* Seconds as a decimal, within [min, max]. */
static int
parse_seconds(const char *arg, const char *name, double min, double max, double *out)
{
	char *end;
	double v;

	if (arg == NULL) {
		fprintf(stderr, "vbridge-stat: %s needs a value\n", name);
		return -1;
	}
	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) || v < min || v > max) {
		fprintf(stderr, "vbridge-stat: %s '%s': expected seconds from %g to %g\n", name,
			arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_ulong(const char *arg, const char *name, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (arg == NULL) {
		fprintf(stderr, "vbridge-stat: %s needs a value\n", name);
		return -1;
	}
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v > max) {
		fprintf(stderr, "vbridge-stat: %s '%s': expected a number from 0 to %lu\n", name,
			arg, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
vb_stat_parse_opts(int argc, char **argv, struct vb_stat_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'P' },
		{ "diagnose", no_argument, NULL, 'd' },
		{ "macs", no_argument, NULL, 'm' },
		{ "rules", no_argument, NULL, 'R' },
		{ "samples", no_argument, NULL, 's' },
		{ "pcapng", required_argument, NULL, 'p' },
		{ "follow", no_argument, NULL, 'F' },
		{ "listen", optional_argument, NULL, 'L' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "file-prefix", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "no-rates", no_argument, NULL, 'n' },
		{ "lcore", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int views = 0;
	unsigned long v;
	int c;

	o->prefix = VB_STAT_DEFAULT_PREFIX;
	o->view = VB_STAT_VIEW_SUMMARY;
	o->rates = true;
	o->interval_s = 1.0;
	o->lcore = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jPdmRsp:FL::w::f:c:i:nl:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'm':
			o->view = VB_STAT_VIEW_MACS;
			views++;
			break;
		case 'R':
			o->view = VB_STAT_VIEW_RULES;
			views++;
			break;
		case 's':
			if (o->view != VB_STAT_VIEW_SAMPLES)
				views++;
			o->view = VB_STAT_VIEW_SAMPLES;
			break;
		case 'p':
			if (optarg == NULL || optarg[0] == '\0') {
				fprintf(stderr, "vbridge-stat: --pcapng needs a file name (- for "
					"stdout)\n");
				return -1;
			}
			o->pcapng = optarg;
			if (o->view != VB_STAT_VIEW_SAMPLES)
				views++;
			o->view = VB_STAT_VIEW_SAMPLES;
			break;
		case 'F':
			o->follow = true;
			break;
		case 'L':
			/* "--listen 9478" as well as "--listen=9478"; alone: the default. */
			if (optarg == NULL && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			o->listen = true;
			o->listen_at = optarg;
			views++;
			break;
		case 'P':
			o->view = VB_STAT_VIEW_PROMETHEUS;
			views++;
			break;
		case 'd':
			o->view = VB_STAT_VIEW_DIAGNOSE;
			views++;
			break;
		case 'w':
			o->watch = true;
			/* "--watch 2" as well as "--watch=2": take a following number. */
			if (optarg == NULL && optind < argc && argv[optind][0] >= '0' &&
			    argv[optind][0] <= '9')
				optarg = argv[optind++];
			if (optarg != NULL &&
			    parse_seconds(optarg, "--watch", 0.1, 3600, &o->interval_s) != 0)
				return -1;
			break;
		case 'f':
			if (optarg == NULL || optarg[0] == '\0' || strchr(optarg, '/') != NULL) {
				fprintf(stderr, "vbridge-stat: --file-prefix '%s': give the name "
					"vbridge was started with, not a path\n", optarg);
				return -1;
			}
			o->prefix = optarg;
			break;
		case 'c':
			if (parse_ulong(optarg, "--count", ULONG_MAX, &o->count) != 0)
				return -1;
			if (o->count == 0) {
				fprintf(stderr, "vbridge-stat: --count must be at least 1\n");
				return -1;
			}
			break;
		case 'i':
			if (parse_seconds(optarg, "--interval", 0.1, 60, &o->interval_s) != 0)
				return -1;
			break;
		case 'n':
			o->rates = false;
			break;
		case 'l':
			if (parse_ulong(optarg, "--lcore", CPU_SETSIZE - 1, &v) != 0)
				return -1;
			o->lcore = (long)v;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf("vbridge-stat %s (%s, shared layout %d)\n", VB_VERSION,
			       rte_version(), VB_LAYOUT_VERSION);
			return 1;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		case ':':
			fprintf(stderr, "vbridge-stat: option %s needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "vbridge-stat: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vbridge-stat: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -1;
	}
	if (views > 1 || (o->json && o->view == VB_STAT_VIEW_PROMETHEUS)) {
		fprintf(stderr, "vbridge-stat: --json, --prometheus, --diagnose, --macs, "
			"--samples and --listen are separate views: give one (--json also goes with "
			"--diagnose, --macs, --samples and --rules)\n");
		return -1;
	}
	if (o->listen && (o->json || o->watch || o->follow || o->count != 0 || !o->rates)) {
		fprintf(stderr, "vbridge-stat: --listen goes with --file-prefix and --lcore only\n");
		return -1;
	}
	if (o->json && o->view == VB_STAT_VIEW_SUMMARY)
		o->view = VB_STAT_VIEW_JSON;
	if (o->json && o->pcapng != NULL) {
		fprintf(stderr, "vbridge-stat: --pcapng writes pcapng, not JSON: give one\n");
		return -1;
	}
	if (o->follow && o->view != VB_STAT_VIEW_SAMPLES) {
		fprintf(stderr, "vbridge-stat: --follow goes with --samples or --pcapng\n");
		return -1;
	}
	if (o->watch && (o->view == VB_STAT_VIEW_MACS || o->view == VB_STAT_VIEW_SAMPLES ||
			 o->view == VB_STAT_VIEW_RULES)) {
		fprintf(stderr, "vbridge-stat: --watch does not go with --macs or --samples (use "
			"--follow for new samples)\n");
		return -1;
	}
	if (o->watch && (o->view == VB_STAT_VIEW_PROMETHEUS || o->view == VB_STAT_VIEW_DIAGNOSE)) {
		fprintf(stderr, "vbridge-stat: --watch goes with the default view or --json; for "
			"Prometheus, let the scraper call vbridge-stat --prometheus\n");
		return -1;
	}
	if (o->watch && !o->rates) {
		fprintf(stderr, "vbridge-stat: --watch shows rates; --no-rates does not apply\n");
		return -1;
	}
	if (o->count != 0 && !o->watch) {
		fprintf(stderr, "vbridge-stat: --count goes with --watch\n");
		return -1;
	}
	return 0;
}

