/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat --check: a health check in the monitoring-plugins convention (Nagios, Icinga,
 * Naemon, Sensu): one line "VBRIDGE OK - ... | perfdata" on stdout and the exit status
 * 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. It has its own command line (the plugin
 * convention's -w/-c thresholds mean something else in vbridge-stat's other views), reads two
 * snapshots an interval apart and judges them with vb_stat_check_eval() and the --diagnose
 * rules.
 */
#ifndef VB_STAT_CHECK_H
#define VB_STAT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "stat.h"

enum vb_check_status {
	VB_CHECK_OK = 0,
	VB_CHECK_WARNING = 1,
	VB_CHECK_CRITICAL = 2,
	VB_CHECK_UNKNOWN = 3,
};

/* Thresholds: above a limit is that status; a negative limit is no limit. */
struct vb_check_limits {
	double warn_drops;	/* frames dropped per second, over every direction */
	double crit_drops;
	double warn_loops;	/* frames reflected or looped per second, over every port */
	double crit_loops;
};

/* Defaults: any growing drop count, any reflection or loop in the interval is CRITICAL. */
void vb_check_limits_default(struct vb_check_limits *lim);

/*
 * Judge a snapshot and the interval before it (delta, not NULL) with the --diagnose findings
 * of the same (fnd): CRITICAL when vbridge is not running or its main lcore is stalled, a
 * link is down, drops or reflections/loops are above their critical limit; WARNING when they
 * are above their warning limit, or a finding says a problem is happening now (duplicates,
 * MAC moves, an ARP storm, PMD misses ...); else OK. Writes the plugin's whole line (no
 * newline) into line and returns the status. Pure: no I/O.
 */
enum vb_check_status vb_check_eval(const struct vb_check_limits *lim,
				   const struct vb_stat_snap *snap,
				   const struct vb_stat_delta *delta,
				   const struct vb_stat_findings *fnd, char *line, size_t len);

/* Is --check among argv's options? Then main() hands the process to vb_check_main(). */
bool vb_check_wanted(int argc, char **argv);

/* The whole check: its options, the segment, two snapshots, the line. Returns the status. */
int vb_check_main(int argc, char **argv);

#endif /* VB_STAT_CHECK_H */
