/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy's views: --rules (each rule of the running set with its hits, bytes and last
 * hit; --json), the per-rule Prometheus series after --prometheus, and the --diagnose
 * warnings about rules that drop ARP or IPv6 neighbour discovery. The rule table and the
 * counter slots are read here (read-only, the table under its sequence count) and copied
 * into a struct vb_stat_rules before anything is printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stat.h"

struct stat_rule {
	struct vb_pol_entry e;
	struct vb_pol_ctrs c;
};

struct vb_stat_rules {
	unsigned int n;			/* the default last */
	struct stat_rule *r;
	struct vb_pol_ctrs prot;	/* protected frames no rule named */
	struct vb_pol_info info;
	uint64_t tsc_hz, start_tsc, start_unix_ns;
};

/* Copy the running rule set and its counters. Returns 0, -ENOENT (no policy), -ENOMEM. */
static int
rules_read(const struct vb_shm *shm, struct vb_stat_rules *out)
{
	struct vb_pol_entry *tab;
	unsigned int i;
	int n;

	memset(out, 0, sizeof(*out));
	if (!shm->pol.enabled || shm->pol.table_off == 0)
		return -ENOENT;
	tab = calloc(shm->pol.nb_slots, sizeof(*tab));
	if (tab == NULL)
		return -ENOMEM;
	n = vb_shm_pol_read(shm, tab, shm->pol.nb_slots);
	if (n < 0) {
		free(tab);
		return n;
	}
	out->r = calloc((size_t)n + 1, sizeof(*out->r));
	if (out->r == NULL) {
		free(tab);
		return -ENOMEM;
	}
	for (i = 0; i < (unsigned int)n; i++) {
		out->r[i].e = tab[i];
		vb_shm_sum_rule(shm, tab[i].slot, &out->r[i].c);
	}
	free(tab);
	out->n = (unsigned int)n;
	vb_shm_sum_rule(shm, shm->pol.protected_slot, &out->prot);
	memcpy(&out->info, &shm->pol, sizeof(out->info));
	out->tsc_hz = shm->tsc_hz;
	out->start_tsc = shm->start_tsc;
	out->start_unix_ns = shm->start_unix_ns;
	return 0;
}

static void
rules_free(struct vb_stat_rules *r)
{
	free(r->r);
	r->r = NULL;
}

/* Seconds since the epoch of a TSC reading of the primary; 0 for "never". */
static double
unix_s(const struct vb_stat_rules *r, uint64_t tsc)
{
	if (tsc == 0 || r->tsc_hz == 0)
		return 0;
	return (double)r->start_unix_ns / 1e9 + ((double)tsc - (double)r->start_tsc) /
	       (double)r->tsc_hz;
}

static const char *
when(const struct vb_stat_rules *r, uint64_t tsc, char *buf, size_t len)
{
	time_t t = (time_t)unix_s(r, tsc);
	struct tm tm;

	if (tsc == 0)
		return "never";
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* JSON string body: quotes and backslashes escaped, control characters dropped. */
static void
json_str(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
}

static int
print_rules(FILE *f, bool json, const struct vb_stat_rules *r)
{
	const struct vb_pol_info *pi = &r->info;
	char t[32];
	unsigned int i;

	if (json) {
		fprintf(f, "{\"schema\":\"%s\",\"policy\":{\"path\":\"", VB_STAT_SCHEMA);
		json_str(f, pi->path);
		fprintf(f, "\",\"mode\":\"%s\",\"generation\":%" PRIu64 ",\"reloads\":%" PRIu64
			",\"reload_failures\":%" PRIu64 ",\"last_error\":\"",
			pi->mode ? "shadow" : "enforce", pi->generation, pi->reloads,
			pi->reload_failures);
		json_str(f, pi->last_error);
		fprintf(f, "\",\"alg\":\"%s\",\"mem_bytes\":%" PRIu64 ",\"build_us\":%" PRIu64
			",\"protected_passed\":{\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64
			"},\"rules\":[", pi->alg, pi->mem_bytes, pi->build_ns / 1000,
			r->prot.frames, r->prot.bytes);
		for (i = 0; i < r->n; i++) {
			const struct stat_rule *x = &r->r[i];

			fprintf(f, "%s{\"rule\":%u,\"line\":%u,\"action\":\"%s\",\"default\":%s,"
				"\"text\":\"", i ? "," : "", i + 1 == r->n ? 0 : i + 1, x->e.line,
				x->e.action ? "permit" : "deny", i + 1 == r->n ? "true" : "false");
			json_str(f, x->e.text);
			fprintf(f, "\",\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64
				",\"last_hit_unix\":%.3f}", x->c.frames, x->c.bytes,
				unix_s(r, x->c.last_tsc));
		}
		fprintf(f, "]}}\n");
		return ferror(f) ? -1 : 0;
	}
	fprintf(f, "policy %s, %s mode, rte_acl %s, %" PRIu64 " KiB; loaded %" PRIu64
		" times, %" PRIu64 " reloads, %" PRIu64 " failed%s%s\n", pi->path,
		pi->mode ? "shadow" : "enforce", pi->alg, pi->mem_bytes / 1024, pi->generation,
		pi->reloads, pi->reload_failures, pi->last_error[0] ? ": last: " : "",
		pi->last_error);
	fprintf(f, "%5s %5s %-7s %14s %16s  %-19s  %s\n", "rule", "line", "action", "frames",
		"bytes", "last hit", "text");
	for (i = 0; i < r->n; i++) {
		const struct stat_rule *x = &r->r[i];
		char num[12];

		snprintf(num, sizeof(num), "%u", i + 1);
		fprintf(f, "%5s %5u %-7s %14" PRIu64 " %16" PRIu64 "  %-19s  %s%s\n",
			i + 1 == r->n ? "-" : num, x->e.line, x->e.action ? "permit" : "deny",
			x->c.frames, x->c.bytes, when(r, x->c.last_tsc, t, sizeof(t)), x->e.text,
			x->e.truncated ? "..." : "");
	}
	fprintf(f, "%5s %5s %-7s %14" PRIu64 " %16" PRIu64 "  %-19s  %s\n", "-", "-", "permit",
		r->prot.frames, r->prot.bytes, when(r, r->prot.last_tsc, t, sizeof(t)),
		"(ARP, ND, link-local control no rule names: always pass)");
	return ferror(f) ? -1 : 0;
}

int
vb_stat_run_rules(const struct vb_stat_opts *o, const struct vb_shm *shm)
{
	struct vb_stat_rules r;
	int ret = rules_read(shm, &r);

	if (ret == -ENOENT) {
		fprintf(stderr, "vbridge-stat: this vbridge runs without a policy (--policy FILE)\n");
		return EXIT_FAILURE;
	}
	if (ret != 0) {
		fprintf(stderr, "vbridge-stat: cannot read the rule set: %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}
	ret = print_rules(stdout, o->json, &r);
	rules_free(&r);
	return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Label value: backslash, quote and newline escaped, as the exposition format wants. */
static void
prom_label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

int
vb_stat_print_rules_prometheus(FILE *f, const struct vb_shm *shm)
{
	static const struct {
		const char *name, *help, *type;
	} fam[] = {
		{ "vbridge_policy_rule_frames_total", "Frames a policy rule matched", "counter" },
		{ "vbridge_policy_rule_bytes_total", "Bytes of the frames a policy rule matched",
		  "counter" },
		{ "vbridge_policy_rule_last_hit_seconds",
		  "Unix time of a policy rule's last match (0: never)", "gauge" },
	};
	struct vb_stat_rules r;
	unsigned int i, k;

	if (rules_read(shm, &r) != 0)
		return 0;
	fprintf(f, "# HELP vbridge_policy_reloads_total Reloads (SIGHUP) that replaced the rule "
		"set\n# TYPE vbridge_policy_reloads_total counter\nvbridge_policy_reloads_total %"
		PRIu64 "\n", r.info.reloads);
	fprintf(f, "# HELP vbridge_policy_reload_failures_total Reloads refused (the running set "
		"stayed)\n# TYPE vbridge_policy_reload_failures_total counter\n"
		"vbridge_policy_reload_failures_total %" PRIu64 "\n", r.info.reload_failures);
	fprintf(f, "# HELP vbridge_policy_protected_frames_total ARP, ND and link-local control "
		"frames no rule named (passed)\n# TYPE vbridge_policy_protected_frames_total "
		"counter\nvbridge_policy_protected_frames_total %" PRIu64 "\n", r.prot.frames);
	for (k = 0; k < RTE_DIM(fam); k++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam[k].name, fam[k].help, fam[k].name,
			fam[k].type);
		for (i = 0; i < r.n; i++) {
			const struct stat_rule *x = &r.r[i];

			fprintf(f, "%s{rule=\"%s%u\",line=\"%u\",action=\"%s\",text=\"", fam[k].name,
				i + 1 == r.n ? "default" : "", i + 1 == r.n ? 0 : i + 1, x->e.line,
				x->e.action ? "permit" : "deny");
			prom_label(f, x->e.text);
			if (k == 0)
				fprintf(f, "\"} %" PRIu64 "\n", x->c.frames);
			else if (k == 1)
				fprintf(f, "\"} %" PRIu64 "\n", x->c.bytes);
			else
				fprintf(f, "\"} %.3f\n", unix_s(&r, x->c.last_tsc));
		}
	}
	rules_free(&r);
	return ferror(f) ? -1 : 0;
}

int
vb_stat_print_rules_findings(FILE *f, const struct vb_shm *shm)
{
	struct vb_stat_rules r;
	unsigned int i;

	if (rules_read(shm, &r) != 0)
		return 0;
	for (i = 0; i + 1 < r.n; i++) {
		const struct stat_rule *x = &r.r[i];
		const char *what;

		if (x->e.action != 0 || (x->e.named & 3) == 0)
			continue;
		what = (x->e.named & 3) == 3 ? "ARP and IPv6 neighbour discovery" :
		       (x->e.named & 1) ? "ARP" : "IPv6 neighbour discovery";
		fprintf(f, "warning: policy rule %u (%s line %u) '%s' drops %s%s: hosts behind the "
			"bridge can lose their neighbours and gateway (%" PRIu64 " frames so far)%s\n",
			i + 1, r.info.path, x->e.line, x->e.text, what,
			r.info.mode ? " (shadow mode: would drop)" : "", x->c.frames,
			x->c.frames ? "" : "; nothing matched yet");
	}
	rules_free(&r);
	return ferror(f) ? -1 : 0;
}
