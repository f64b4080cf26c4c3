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
#include <unistd.h>

#include "layout.h"
#include "stat.h"

int
vb_stat_rules_read(const struct vb_shm *shm, struct vb_stat_rules *out)
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

void
vb_stat_rules_free(struct vb_stat_rules *r)
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

/* The protected kinds' line: no rule, always passed. */
#define PROTECTED_TEXT	"(ARP, ND, link-local control no rule names: always pass)"

/* The full-width line of --rules before the rule's text, as piped output has it. */
#define RULES_FIXED_W	74u
/* The compact one (units, short dates), and the narrowest text column worth having there. */
#define RULES_COMPACT_W	53u
#define RULES_TEXT_MIN	20u

/* Frames or bytes with their unit, in at most 8 characters: "999", "12.35 k", "1.23 G". */
static const char *
si_count(uint64_t v, char *buf, size_t len)
{
	static const char * const prefix[] = { "k", "M", "G", "T", "P", "E" };
	double x = (double)v;
	unsigned int i = 0;

	if (v < 1000) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	x /= 1000.0;
	while (x >= 999.995 && i + 1 < RTE_DIM(prefix)) {
		x /= 1000.0;
		i++;
	}
	snprintf(buf, len, "%.2f %s", x, prefix[i]);
	return buf;
}

/* "12-01 22:47:45" (local time, as the full layout's date), "never". */
static const char *
when_short(const struct vb_stat_rules *r, uint64_t tsc, char *buf, size_t len)
{
	time_t t = (time_t)unix_s(r, tsc);
	struct tm tm;

	if (tsc == 0)
		return "never";
	localtime_r(&t, &tm);
	strftime(buf, len, "%m-%d %H:%M:%S", &tm);
	return buf;
}

/*
 * One row of the compact layout: rule, line, action, frames and bytes with their units, the
 * last hit; then the text in the column that is left (broken at spaces, the continuation
 * lines under it), or, when that column would be narrower than RULES_TEXT_MIN, on lines of
 * its own below, indented.
 */
static void
print_rule_compact(FILE *f, unsigned int width, const char *rule, const char *line,
		   const char *action, uint64_t frames, uint64_t bytes, const char *last,
		   const char *text)
{
	char a[16], b[16], head[96];
	size_t room = width > RULES_COMPACT_W ? width - RULES_COMPACT_W : 0, cut;

	snprintf(head, sizeof(head), "%4s %5s %-6s %8s %8s  %-14s  ", rule, line, action,
		 si_count(frames, a, sizeof(a)), si_count(bytes, b, sizeof(b)), last);
	if (room < RULES_TEXT_MIN) {
		cut = strlen(head);
		while (cut > 0 && head[cut - 1] == ' ')
			cut--;
		fprintf(f, "%.*s\n", (int)cut, head);
		do {
			cut = vb_layout_break(text, width > 6 ? width - 6 : 1);
			fprintf(f, "      %.*s\n", (int)cut, text);
			text += cut;
			while (*text == ' ')
				text++;
		} while (*text != '\0');
		return;
	}
	fputs(head, f);
	do {
		cut = vb_layout_break(text, room);
		fprintf(f, "%.*s\n", (int)cut, text);
		text += cut;
		while (*text == ' ')
			text++;
		if (*text != '\0')
			fprintf(f, "%*s", (int)RULES_COMPACT_W, "");
	} while (*text != '\0');
}

int
vb_stat_print_rules(FILE *f, bool json, unsigned int width, const struct vb_stat_rules *r)
{
	const struct vb_pol_info *pi = &r->info;
	char t[32], num[12], text[VB_POL_TEXT_LEN + 4], head[768];
	unsigned int i;
	size_t widest = strlen(PROTECTED_TEXT);
	bool compact;

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
			const struct vb_stat_rule *x = &r->r[i];

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
	snprintf(head, sizeof(head), "policy %s, %s mode, rte_acl %s, %" PRIu64 " KiB; loaded %"
		 PRIu64 " times, %" PRIu64 " reloads, %" PRIu64 " failed%s%s", pi->path,
		 pi->mode ? "shadow" : "enforce", pi->alg, pi->mem_bytes / 1024, pi->generation,
		 pi->reloads, pi->reload_failures, pi->last_error[0] ? ": last: " : "",
		 pi->last_error);
	if (width == VB_LAYOUT_UNLIMITED)
		fprintf(f, "%s\n", head);
	else
		vb_stat_print_fitted(f, head, width);
	/* The full layout when it fits (always, piped); else units, short dates, text broken. */
	for (i = 0; i < r->n; i++)
		widest = RTE_MAX(widest, strlen(r->r[i].e.text) + (r->r[i].e.truncated ? 3 : 0));
	compact = width != VB_LAYOUT_UNLIMITED && RULES_FIXED_W + widest > width;
	if (compact)
		fprintf(f, "%4s %5s %-6s %8s %8s  %-14s  %s\n", "rule", "line", "action", "frames",
			"bytes", "last hit", "text");
	else
		fprintf(f, "%5s %5s %-7s %14s %16s  %-19s  %s\n", "rule", "line", "action",
			"frames", "bytes", "last hit", "text");
	for (i = 0; i < r->n; i++) {
		const struct vb_stat_rule *x = &r->r[i];
		char line[12];

		snprintf(num, sizeof(num), "%u", i + 1);
		snprintf(text, sizeof(text), "%s%s", x->e.text, x->e.truncated ? "..." : "");
		if (compact) {
			snprintf(line, sizeof(line), "%u", x->e.line);
			print_rule_compact(f, width, i + 1 == r->n ? "-" : num, line,
					   x->e.action ? "permit" : "deny", x->c.frames, x->c.bytes,
					   when_short(r, x->c.last_tsc, t, sizeof(t)), text);
			continue;
		}
		fprintf(f, "%5s %5u %-7s %14" PRIu64 " %16" PRIu64 "  %-19s  %s\n",
			i + 1 == r->n ? "-" : num, x->e.line, x->e.action ? "permit" : "deny",
			x->c.frames, x->c.bytes, when(r, x->c.last_tsc, t, sizeof(t)), text);
	}
	if (compact)
		print_rule_compact(f, width, "-", "-", "permit", r->prot.frames, r->prot.bytes,
				   when_short(r, r->prot.last_tsc, t, sizeof(t)), PROTECTED_TEXT);
	else
		fprintf(f, "%5s %5s %-7s %14" PRIu64 " %16" PRIu64 "  %-19s  %s\n", "-", "-",
			"permit", r->prot.frames, r->prot.bytes,
			when(r, r->prot.last_tsc, t, sizeof(t)), PROTECTED_TEXT);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int
vb_stat_run_rules(const struct vb_stat_opts *o, const struct vb_shm *shm)
{
	struct vb_stat_rules r;
	int ret = vb_stat_rules_read(shm, &r);

	if (ret == -ENOENT) {
		fprintf(stderr, "vbridge-stat: this vbridge runs without a policy (--policy FILE)\n");
		return EXIT_FAILURE;
	}
	if (ret != 0) {
		fprintf(stderr, "vbridge-stat: cannot read the rule set: %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}
	ret = vb_stat_print_rules(stdout, o->json, vb_layout_width(STDOUT_FILENO), &r);
	vb_stat_rules_free(&r);
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

	if (vb_stat_rules_read(shm, &r) != 0)
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
			const struct vb_stat_rule *x = &r.r[i];
			char rule[16];

			/* The default is last; the rules are numbered as in the file. */
			if (i + 1 == r.n)
				snprintf(rule, sizeof(rule), "default");
			else
				snprintf(rule, sizeof(rule), "%u", i + 1);
			fprintf(f, "%s{rule=\"%s\",line=\"%u\",action=\"%s\",text=\"", fam[k].name,
				rule, x->e.line, x->e.action ? "permit" : "deny");
			prom_label(f, x->e.text);
			if (k == 0)
				fprintf(f, "\"} %" PRIu64 "\n", x->c.frames);
			else if (k == 1)
				fprintf(f, "\"} %" PRIu64 "\n", x->c.bytes);
			else
				fprintf(f, "\"} %.3f\n", unix_s(&r, x->c.last_tsc));
		}
	}
	vb_stat_rules_free(&r);
	return ferror(f) ? -1 : 0;
}

void
vb_stat_rules_diagnose(const struct vb_stat_rules *r, struct vb_stat_findings *out)
{
	unsigned int i;
	int n;

	for (i = 0; i + 1 < r->n; i++) {
		const struct vb_stat_rule *x = &r->r[i];
		struct vb_stat_finding *fd;
		const char *what;

		if (x->e.action != 0 || (x->e.named & 3) == 0)
			continue;
		what = (x->e.named & 3) == 3 ? "ARP and IPv6 neighbour discovery" :
		       (x->e.named & 1) ? "ARP" : "IPv6 neighbour discovery";
		fd = vb_stat_finding_add(out, VB_STAT_WARNING, "policy_drops_neighbours", NULL);
		if (fd == NULL)
			return;
		n = snprintf(fd->text, sizeof(fd->text), "Policy rule %u (%s line %u) '%s%s' drops "
			     "%s%s: hosts behind the bridge can lose their neighbours and gateway. "
			     "ARP and ND pass unless a rule names them: take them out of this rule, "
			     "or permit them before it, unless cutting them off is what you want.",
			     i + 1, r->info.path, x->e.line, x->e.text,
			     x->e.truncated ? "..." : "", what,
			     r->info.mode ? " (shadow mode: would drop)" : "");
		/* A long path and rule can fill the text: then it ends in "..." */
		if (n >= (int)sizeof(fd->text))
			memcpy(fd->text + sizeof(fd->text) - 4, "...", 4);
		snprintf(fd->evidence, sizeof(fd->evidence), "rule %u matched %" PRIu64 " frames, %"
			 PRIu64 " bytes so far%s", i + 1, x->c.frames, x->c.bytes,
			 x->c.frames ? "" : "; nothing matched yet");
	}
}
