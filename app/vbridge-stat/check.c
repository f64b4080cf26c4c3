/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

static const char *const status_word[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

void
vb_check_limits_default(struct vb_check_limits *lim)
{
	lim->warn_drops = -1;
	lim->crit_drops = 0;
	lim->warn_loops = -1;
	lim->crit_loops = 0;
}

/* What the check found, most severe first when printed. */
struct verdict {
	enum vb_check_status status;
	char why[3][512];		/* by status: WARNING, CRITICAL texts */
	size_t used[3];
};

static void __rte_format_printf(3, 4)
say(struct verdict *v, enum vb_check_status s, const char *fmt, ...)
{
	unsigned int k = s == VB_CHECK_CRITICAL ? 2 : 1;
	size_t room = sizeof(v->why[k]) - v->used[k];
	va_list ap;
	int n;

	if (s > v->status)
		v->status = s;
	if (room <= 3)
		return;
	if (v->used[k] != 0) {
		memcpy(v->why[k] + v->used[k], "; ", 3);
		v->used[k] += 2;
		room -= 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(v->why[k] + v->used[k], room, fmt, ap);
	va_end(ap);
	if (n > 0)
		v->used[k] += (size_t)n < room ? (size_t)n : room - 1;
}

static void
limit(struct verdict *v, const char *what, double value, double warn, double crit)
{
	if (crit >= 0 && value > crit)
		say(v, VB_CHECK_CRITICAL, "%s %.1f/s > %g", what, value, crit);
	else if (warn >= 0 && value > warn)
		say(v, VB_CHECK_WARNING, "%s %.1f/s > %g", what, value, warn);
}

/* Findings that --check judges by its own rules, or that say nothing about now. */
static bool
judged_elsewhere(const char *code)
{
	static const char *const own[] = { "primary_stalled", "primary_not_running",
		"link_down", "peer_drops", "reflected", "looped" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(own); i++)
		if (strcmp(code, own[i]) == 0)
			return true;
	return false;
}

/* A perfdata threshold field: empty for no limit. */
static const char *
thr(double x, char *buf, size_t len)
{
	if (x < 0)
		return "";
	snprintf(buf, len, "%g", x);
	return buf;
}

enum vb_check_status
vb_check_eval(const struct vb_check_limits *lim, const struct vb_stat_snap *snap,
	      const struct vb_stat_delta *delta, const struct vb_stat_findings *fnd, char *line,
	      size_t len)
{
	struct verdict v;
	double rx = 0, tx = 0, drops = 0, loops = 0, secs;
	unsigned int i, up = 0;
	char t[4][32];
	size_t n;

	memset(&v, 0, sizeof(v));
	secs = delta->interval_s > 0 ? delta->interval_s : 1;
	if (snap->state != VB_STATE_RUNNING)
		say(&v, snap->state == VB_STATE_STARTING ? VB_CHECK_WARNING : VB_CHECK_CRITICAL,
		    "vbridge is %s", vb_state_name(snap->state));
	for (i = 0; i < fnd->n; i++)
		if (strcmp(fnd->f[i].code, "primary_stalled") == 0)
			say(&v, VB_CHECK_CRITICAL, "main lcore stalled %.1f s",
			    snap->heartbeat_age_ns / 1e9);
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		unsigned int r;

		if (p->link_up == 1)
			up++;
		else
			say(&v, VB_CHECK_CRITICAL, "link %s: %s", p->link_up == 0 ? "down" :
			    "unknown", p->name);
		rx += delta->rate[i].rx_fps;
		tx += delta->rate[i].tx_fps;
		for (r = 0; r < VB_DROP_REASONS; r++)
			drops += delta->dir[i].drop_frames[r];
		/* Frames the NIC dropped because vbridge did not take them in time. */
		if (p->eth.error == 0)
			drops += delta->eth[i].imissed + delta->eth[i].rx_nombuf;
		loops += delta->cls[i].v[VB_CLS_CTR_reflected] + delta->cls[i].v[VB_CLS_CTR_looped];
	}
	drops /= secs;
	loops /= secs;
	limit(&v, "drops", drops, lim->warn_drops, lim->crit_drops);
	limit(&v, "reflected/looped", loops, lim->warn_loops, lim->crit_loops);
	for (i = 0; i < fnd->n; i++)
		if (fnd->f[i].severity == VB_STAT_PROBLEM && !judged_elsewhere(fnd->f[i].code))
			say(&v, VB_CHECK_WARNING, "%s%s%s", fnd->f[i].code,
			    fnd->f[i].port[0] != '\0' ? " on " : "", fnd->f[i].port);

	n = (size_t)snprintf(line, len, "VBRIDGE %s - ", status_word[v.status]);
	if (n < len && v.used[2] != 0)
		n += (size_t)snprintf(line + n, len - n, "%s%s", v.why[2], v.used[1] ? "; " : "");
	if (n < len && v.used[1] != 0)
		n += (size_t)snprintf(line + n, len - n, "%s", v.why[1]);
	if (n < len && v.status != VB_CHECK_OK)
		n += (size_t)snprintf(line + n, len - n, "; ");
	if (n < len)
		n += (size_t)snprintf(line + n, len - n, "%u ports, %u/%u links up, %u worker(s), "
				      "rx %.0f fps, tx %.0f fps, drops %.1f/s", snap->nb_ports, up,
				      snap->nb_ports, snap->nb_workers, rx, tx, drops);
	if (n < len)
		n += (size_t)snprintf(line + n, len - n, " | rx_fps=%.0f;;;0 tx_fps=%.0f;;;0 "
				      "drops_per_s=%.2f;%s;%s;0 loops_per_s=%.2f;%s;%s;0 "
				      "links_up=%u;;%u:;0;%u", rx, tx, drops,
				      thr(lim->warn_drops, t[0], sizeof(t[0])),
				      thr(lim->crit_drops, t[1], sizeof(t[1])), loops,
				      thr(lim->warn_loops, t[2], sizeof(t[2])),
				      thr(lim->crit_loops, t[3], sizeof(t[3])), up, snap->nb_ports,
				      snap->nb_ports);
	for (i = 0; i < snap->nb_ports && n < len; i++)
		n += (size_t)snprintf(line + n, len - n, " 'rx_fps %s'=%.0f;;;0", snap->port[i].name,
				      delta->rate[i].rx_fps);
	return v.status;
}

bool
vb_check_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "-C") == 0)
			return true;
	return false;
}

/* Exit UNKNOWN with a plugin line, as monitoring plugins do for bad usage. */
static int __rte_format_printf(1, 2)
unknown(const char *fmt, ...)
{
	va_list ap;

	printf("VBRIDGE UNKNOWN - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return VB_CHECK_UNKNOWN;
}

static int
parse_limit(const char *arg, const char *name, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(x) || x < 0)
		return unknown("%s '%s': expected a rate >= 0 (per second)", name, arg);
	*out = x;
	return 0;
}

static void
sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s,
			       .tv_nsec = (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

int
vb_check_main(int argc, char **argv)
{
	enum { OPT_WARN_LOOPS = 256, OPT_CRIT_LOOPS };
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "file-prefix", required_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "warning-loops", required_argument, NULL, OPT_WARN_LOOPS },
		{ "critical-loops", required_argument, NULL, OPT_CRIT_LOOPS },
		{ NULL, 0, NULL, 0 },
	};
	const char *prefix = VB_STAT_DEFAULT_PREFIX;
	struct vb_stat_findings fnd;
	struct vb_stat_snap snap[2];
	struct vb_stat_delta delta;
	struct vb_check_limits lim;
	struct vb_shm_reader seg;
	enum vb_check_status st;
	double interval = 1.0;
	char err[PATH_MAX + 256], line[2048], *end;
	int c, ret;

	vb_check_limits_default(&lim);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":Cf:i:w:c:", longopts, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'C':
			break;
		case 'f':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL)
				return unknown("--file-prefix '%s': give the name vbridge was "
					       "started with, not a path", optarg);
			prefix = optarg;
			break;
		case 'i':
			errno = 0;
			interval = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(interval >= 0.1) ||
			    interval > 60)
				return unknown("--interval '%s': expected seconds from 0.1 to 60",
					       optarg);
			break;
		case 'w':
			ret = parse_limit(optarg, "--warning", &lim.warn_drops);
			break;
		case 'c':
			ret = parse_limit(optarg, "--critical", &lim.crit_drops);
			break;
		case OPT_WARN_LOOPS:
			ret = parse_limit(optarg, "--warning-loops", &lim.warn_loops);
			break;
		case OPT_CRIT_LOOPS:
			ret = parse_limit(optarg, "--critical-loops", &lim.crit_loops);
			break;
		case ':':
			return unknown("%s needs a value", argv[optind - 1]);
		default:
			return unknown("--check does not take '%s' (it takes -f, -i, -w, -c, "
				       "--warning-loops, --critical-loops)", argv[optind - 1]);
		}
		if (ret != 0)
			return ret;
	}
	if (optind < argc)
		return unknown("unexpected argument '%s'", argv[optind]);

	ret = vb_shm_open(&seg, prefix, err, sizeof(err));
	if (ret == -ENOENT) {
		printf("VBRIDGE CRITICAL - %s\n", err);
		return VB_CHECK_CRITICAL;
	}
	if (ret != 0)
		return unknown("%s", err);
	vb_stat_snap_take(seg.shm, &snap[0]);
	sleep_s(interval);
	if (vb_shm_gone(&seg)) {
		vb_shm_close(&seg);
		printf("VBRIDGE CRITICAL - vbridge (pid %d) went away during the check\n",
		       (int)snap[0].pid);
		return VB_CHECK_CRITICAL;
	}
	vb_stat_snap_take(seg.shm, &snap[1]);
	vb_stat_delta_compute(&snap[0], &snap[1], &delta);
	vb_stat_diagnose(&snap[1], &delta, NULL, &fnd);
	vb_shm_close(&seg);
	st = vb_check_eval(&lim, &snap[1], &delta, &fnd, line, sizeof(line));
	printf("%s\n", line);
	return st;
}
