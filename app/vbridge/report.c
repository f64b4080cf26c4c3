/* SPDX-License-Identifier: BSD-3-Clause */
/* vbridge's final counters, the lines scripts parse after it stops. */
#include <inttypes.h>
#include <stdio.h>

#include "policy.h"
#include "report.h"

static void
print_ctrs(FILE *f, const char *prefix, const struct vb_ctr_desc *d, unsigned int n,
	   const void *base)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fprintf(f, " %s%s=%" PRIu64, prefix, d[i].name, vb_ctr_get(base, &d[i]));
}

void
vb_report_counters(FILE *f, const struct vb_shm *shm)
{
	struct vb_cls_ctrs cls;
	struct vb_cap_ctrs cap;
	struct vb_dir_ctrs sum;
	unsigned int bp;

	/* Direction lines first, always: every script and test reads them. */
	for (bp = 0; bp < shm->nb_ports; bp++) {
		const struct vb_port_info *pi = &shm->port[bp];

		vb_shm_sum_dir(shm, bp, &sum);
		fprintf(f, "dir %u->%u %s->%s", bp, pi->peer, pi->name, shm->port[pi->peer].name);
		print_ctrs(f, "", vb_dir_ctr_desc, VB_DIR_CTRS, &sum);
		fprintf(f, " dropped=%" PRIu64, vb_dir_dropped(&sum));
		print_ctrs(f, "drop_", vb_drop_frames_desc, VB_DROP_REASONS, &sum);
		fprintf(f, "\n");
	}
	for (bp = 0; (shm->mirror_enabled || shm->sample_filter[0]) && bp < shm->nb_ports; bp++) {
		vb_shm_sum_cap(shm, bp, &cap);
		fprintf(f, "cap %u %s", bp, shm->port[bp].name);
		print_ctrs(f, "", vb_cap_ctr_desc, VB_CAP_CTRS, &cap);
		fprintf(f, "\n");
	}
	if (shm->mirror_enabled) {
		fprintf(f, "mirror %s", shm->mirror_iface);
		print_ctrs(f, "", vb_mirror_ctr_desc, VB_MIRROR_CTRS, &shm->mirror);
		fprintf(f, "\n");
	}
	if (shm->pol.enabled)
		fprintf(f, "policy %s mode=%s rules=%u generation=%" PRIu64 " reloads=%" PRIu64
			" reload_failures=%" PRIu64 "\n", shm->pol.path,
			vb_pol_mode_name(shm->pol.mode),
			shm->pol.nb_rules ? shm->pol.nb_rules - 1 : 0, shm->pol.generation,
			shm->pol.reloads, shm->pol.reload_failures);
	for (bp = 0; shm->cls.enabled && bp < shm->nb_ports; bp++) {
		vb_shm_sum_cls(shm, bp, &cls);
		fprintf(f, "cls %u %s", bp, shm->port[bp].name);
		print_ctrs(f, "", vb_cls_ctr_desc, VB_CLS_CTR_COUNT, &cls);
		fprintf(f, "\n");
	}
	fflush(f);
}

