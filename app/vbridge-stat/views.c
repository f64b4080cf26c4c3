/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Each view's loop: read a snapshot of the segment (snapshot.c), sleep, read again, print
 * (output.c, diagnose.c), once or until stopped; --macs and --samples / --pcapng read the
 * classifier's table and rings. The segment stays mapped for as long as we read it, even
 * after vbridge exits (its file is then only unlinked), so no read can fault.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "stat.h"

#define EXIT_RUNTIME		1
#define FOLLOW_INTERVAL_S	0.2	/* --follow: rings hold 512 samples, 1000/s at most */

/* Every finding: the counters' and samples' rules (diagnose.c), then the policy's (rules.c). */
static void
diagnose_all(const struct vb_shm *shm, const struct vb_stat_snap *snap,
	     const struct vb_stat_delta *delta, const struct vb_stat_samples *smp,
	     struct vb_stat_findings *findings)
{
	struct vb_stat_rules rules;

	vb_stat_diagnose(snap, delta, smp, findings);
	if (vb_stat_rules_read(shm, &rules) == 0)
		vb_stat_rules_diagnose(&rules, findings);
	vb_stat_rules_free(&rules);
}

static int
print_view(const struct vb_stat_opts *o, const struct vb_shm *shm, const struct vb_stat_snap *snap,
	   const struct vb_stat_delta *delta, const struct vb_stat_samples *smp, bool tty)
{
	struct vb_stat_findings findings;

	switch (o->view) {
	case VB_STAT_VIEW_JSON:
		diagnose_all(shm, snap, delta, smp, &findings);
		return vb_stat_print_json(stdout, !o->watch, snap, delta, &findings);
	case VB_STAT_VIEW_PROMETHEUS:
		return vb_stat_print_prometheus(stdout, snap);
	case VB_STAT_VIEW_DIAGNOSE:
		diagnose_all(shm, snap, delta, smp, &findings);
		if (o->json)
			return vb_stat_print_findings_json(stdout, snap, delta, &findings);
		return vb_stat_print_findings(stdout, vb_layout_width(STDOUT_FILENO), snap, delta,
					      &findings);
	case VB_STAT_VIEW_SUMMARY:
	case VB_STAT_VIEW_MACS:
	case VB_STAT_VIEW_SAMPLES:
	case VB_STAT_VIEW_RULES:
		break;
	}
	if (o->watch)
		return vb_stat_print_watch(stdout, tty, vb_layout_width(STDOUT_FILENO), snap, delta);
	return vb_stat_print_summary(stdout, vb_layout_width(STDOUT_FILENO), snap,
				     delta);
}

/* The policy's part of the Prometheus view (rules.c). */
static int
policy_extra(const struct vb_stat_opts *o, const struct vb_shm *shm)
{
	if (o->view == VB_STAT_VIEW_PROMETHEUS)
		return vb_stat_print_rules_prometheus(stdout, shm);
	return 0;
}

/* The findings' evidence (delays, MACs, unanswered requests) comes from the samples. */
static const struct vb_stat_samples *
samples_for_rules(const struct vb_stat_opts *o, const struct vb_shm *shm,
		  struct vb_stat_samples *smp)
{
	if (o->view != VB_STAT_VIEW_DIAGNOSE && o->view != VB_STAT_VIEW_JSON)
		return NULL;
	memset(smp->next, 0, sizeof(smp->next));	/* all history, every time */
	return vb_stat_samples_read(shm, smp) == 0 ? smp : NULL;
}

static int
run_macs(const struct vb_stat_opts *o, const struct vb_shm *shm, struct vb_stat_snap *snap)
{
	struct vb_stat_macs macs;
	int ret;

	ret = vb_stat_macs_read(shm, &macs);
	if (ret == -ENOENT) {
		fprintf(stderr, "vbridge-stat: vbridge's classifier is off ([classifier] enabled "
			"= off): it keeps no MAC table\n");
		return EXIT_RUNTIME;
	}
	if (ret != 0) {
		vb_stat_macs_free(&macs);
		fprintf(stderr, "vbridge-stat: %s\n", strerror(-ret));
		return EXIT_RUNTIME;
	}
	ret = vb_stat_print_macs(stdout, o->json, vb_layout_width(STDOUT_FILENO), snap, &macs);
	vb_stat_macs_free(&macs);
	return ret == 0 ? EXIT_SUCCESS : EXIT_RUNTIME;
}

/*
 * --samples and --pcapng: print or write what the rings hold, then (--follow) what is new
 * every FOLLOW_INTERVAL_S, sleeping in between, until Ctrl-C or the primary exits.
 */
static int
run_samples(const struct vb_stat_opts *o, const struct vb_shm_reader *r,
	    const struct vb_stat_snap *snap)
{
	struct vb_stat_samples smp = { 0 };
	struct vb_pcapng *pc = NULL;
	FILE *pf = NULL, *text = o->pcapng != NULL || o->json ? stderr : stdout;
	uint64_t shown = 0, lost = 0, torn = 0;
	int status = EXIT_RUNTIME, ret;
	char why[PATH_MAX + 128];
	uint32_t i;

	if (o->pcapng != NULL) {
		if (strcmp(o->pcapng, "-") == 0) {
			pf = stdout;
		} else {
			pf = fopen(o->pcapng, "wb");
			if (pf == NULL) {
				fprintf(stderr, "vbridge-stat: cannot write %s: %s\n", o->pcapng,
					strerror(errno));
				return EXIT_RUNTIME;
			}
		}
		pc = vb_pcapng_open(pf, snap, snap->tables.snap_len);
		if (pc == NULL) {
			fprintf(stderr, "vbridge-stat: %s: %s\n", o->pcapng, strerror(errno));
			goto out;
		}
	}
	for (;;) {
		ret = vb_stat_samples_read(r->shm, &smp);
		if (ret == -ENOENT) {
			fprintf(stderr, "vbridge-stat: vbridge's classifier is off ([classifier] "
				"enabled = off): it takes no samples\n");
			goto out;
		}
		if (ret != 0) {
			fprintf(stderr, "vbridge-stat: %s\n", strerror(-ret));
			goto out;
		}
		shown += smp.n;
		lost += smp.lost;
		torn += smp.torn;
		if (pc != NULL) {
			for (i = 0; i < smp.n; i++)
				if (vb_pcapng_write(pc, snap, &smp.s[i]) != 0)
					break;
			if (vb_pcapng_flush(pc) != 0) {
				if (!vb_stat_quitting())
					fprintf(stderr, "vbridge-stat: writing %s: %s\n", o->pcapng,
						strerror(errno));
				goto out;
			}
		} else if (vb_stat_print_samples(stdout, o->json, vb_layout_width(STDOUT_FILENO),
						 snap, &smp) != 0) {
			status = vb_stat_quitting() ? EXIT_SUCCESS : EXIT_RUNTIME;	/* reader left */
			goto out;
		}
		if (!o->follow)
			break;
		ret = vb_stat_sleep(FOLLOW_INTERVAL_S, false, r, why, sizeof(why));
		if (ret > 0)
			break;
		if (ret < 0) {
			/* Following ends with vbridge: not an error, what it had is written. */
			fprintf(stderr, "vbridge-stat: %s\n", why);
			break;
		}
	}
	status = EXIT_SUCCESS;
	vb_stat_print_samples_footer(text, vb_layout_width(fileno(text)), snap, shown, lost, torn);
	if (pc != NULL && strcmp(o->pcapng, "-") != 0)
		fprintf(stderr, "vbridge-stat: %" PRIu64 " sample%s written to %s\n", shown,
			shown == 1 ? "" : "s", o->pcapng);
out:
	if (pc != NULL && vb_pcapng_close(pc) != 0 && status == EXIT_SUCCESS)
		status = EXIT_RUNTIME;
	if (pf != NULL && pf != stdout && fclose(pf) != 0 && status == EXIT_SUCCESS) {
		fprintf(stderr, "vbridge-stat: writing %s: %s\n", o->pcapng, strerror(errno));
		status = EXIT_RUNTIME;
	}
	vb_stat_samples_free(&smp);
	return status;
}

/* Read, sleep, read again and print, once or (--watch) until stopped. */
int
vb_stat_run(const struct vb_stat_opts *o, const struct vb_shm_reader *r)
{
	const struct vb_shm *shm = r->shm;
	struct vb_stat_samples smp = { 0 };
	struct vb_stat_snap snaps[2];
	const struct vb_stat_samples *rs;
	struct vb_stat_delta delta;
	const bool tty = isatty(STDOUT_FILENO);
	const bool redraw = tty && o->watch && o->view == VB_STAT_VIEW_SUMMARY;
	unsigned long shown = 0;
	unsigned int cur = 0;
	char why[PATH_MAX + 128];
	int ret;

	vb_stat_snap_take(shm, &snaps[cur]);
	if (o->view == VB_STAT_VIEW_MACS)
		return run_macs(o, shm, &snaps[cur]);
	if (o->view == VB_STAT_VIEW_SAMPLES)
		return run_samples(o, r, &snaps[cur]);
	if (o->view == VB_STAT_VIEW_RULES)
		return vb_stat_run_rules(o, shm);
	if (!o->rates) {
		rs = samples_for_rules(o, shm, &smp);
		ret = print_view(o, shm, &snaps[cur], NULL, rs, tty);
		if (ret == 0)
			ret = policy_extra(o, shm);
		vb_stat_samples_free(&smp);
		return ret == 0 ? EXIT_SUCCESS : EXIT_RUNTIME;
	}
	for (;;) {
		ret = vb_stat_sleep(o->interval_s, redraw, r, why, sizeof(why));
		if (ret == 2) {
			/* Resized: the last screen again at the new width, then the next one. */
			if (shown > 0 && vb_stat_print_watch(stdout, tty,
					vb_layout_width(STDOUT_FILENO), &snaps[cur], &delta) != 0)
				return vb_stat_quitting() ? EXIT_SUCCESS : EXIT_RUNTIME;
			continue;
		}
		if (ret > 0)
			return EXIT_SUCCESS;
		if (ret < 0)
			goto gone;
		cur ^= 1;
		vb_stat_snap_take(shm, &snaps[cur]);
		vb_stat_delta_compute(&snaps[cur ^ 1], &snaps[cur], &delta);
		rs = samples_for_rules(o, shm, &smp);
		if (print_view(o, shm, &snaps[cur], &delta, rs, tty) != 0 ||
		    policy_extra(o, shm) != 0) {
			vb_stat_samples_free(&smp);
			return vb_stat_quitting() ? EXIT_SUCCESS : EXIT_RUNTIME;	/* EPIPE: reader left */
		}
		shown++;
		if (!o->watch || (o->count != 0 && shown >= o->count)) {
			vb_stat_samples_free(&smp);
			return EXIT_SUCCESS;
		}
	}
gone:
	fflush(stdout);
	fprintf(stderr, "vbridge-stat: %s\n", why);
	return EXIT_RUNTIME;
}

