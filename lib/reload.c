/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "log.h"
#include "reload.h"

int
vb_reload_init(struct vb_reload *rl, unsigned int nb_workers)
{
	size_t sz = rte_rcu_qsbr_get_memsize(nb_workers);
	unsigned int i;

	memset(rl, 0, sizeof(*rl));
	if (nb_workers == 0)
		return 0;
	rl->qs = rte_zmalloc("vb_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (rl->qs == NULL || rte_rcu_qsbr_init(rl->qs, nb_workers) != 0)
		goto fail;
	for (i = 0; i < nb_workers; i++)
		if (rte_rcu_qsbr_thread_register(rl->qs, i) != 0)
			goto fail;
	return 0;
fail:
	rte_free(rl->qs);
	rl->qs = NULL;
	return -ENOMEM;
}

void
vb_reload_free(struct vb_reload *rl)
{
	rte_free(rl->qs);
	rl->qs = NULL;
}

int
vb_reload_add(struct vb_reload *rl, const char *name, vb_reload_fn fn, void *arg)
{
	if (rl->nb == VB_RELOAD_MAX_STEPS)
		return -ENOSPC;
	rl->step[rl->nb++] = (struct vb_reload_step){ .name = name, .fn = fn, .arg = arg };
	return 0;
}

unsigned int
vb_reload_run(struct vb_reload *rl)
{
	unsigned int i, failed = 0;
	char err[512];

	for (i = 0; i < rl->nb; i++) {
		err[0] = '\0';
		if (rl->step[i].fn(rl->step[i].arg, err, sizeof(err)) != 0) {
			VB_LOG(ERR, "reload of %s failed, the running one stays: %s",
			       rl->step[i].name, err);
			failed++;
		} else {
			VB_LOG(INFO, "reloaded %s%s%s", rl->step[i].name, err[0] ? ": " : "", err);
		}
	}
	return failed;
}

void *
vb_rcu_swap(struct vb_reload *rl, void **slot, void *p)
{
	void *old = __atomic_exchange_n(slot, p, __ATOMIC_ACQ_REL);

	if (rl->qs != NULL)
		rte_rcu_qsbr_synchronize(rl->qs, RTE_QSBR_THRID_INVALID);
	return old;
}
