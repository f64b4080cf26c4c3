/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy's life on the main lcore: loaded at start, replaced on SIGHUP through
 * vb_rcu_swap(), its rule table and counter slots kept in the shared layout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "log.h"
#include "policy.h"
#include "reload.h"

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A slot no rule of the running set holds, its counters zeroed in every worker's block. */
static int
take_slot(struct vb_pol_run *run, uint8_t *taken, uint32_t *out)
{
	const struct vb_shm *shm = run->shm;
	uint32_t s;
	unsigned int w;

	for (s = VB_POL_SLOT_FIRST; s < shm->pol.nb_slots; s++) {
		if (run->used[s] || taken[s])
			continue;
		/* Nobody writes it: the set that last used it is past its grace period. */
		for (w = 0; w < shm->nb_workers; w++)
			memset(&vb_shm_pol_ctrs(shm, w)[s], 0, sizeof(struct vb_pol_ctrs));
		taken[s] = 1;
		*out = s;
		return 0;
	}
	return -ENOSPC;
}

struct by_text {
	const char *text;
	uint32_t slot;
	bool claimed;
};

static int
cmp_text(const void *a, const void *b)
{
	return strcmp(((const struct by_text *)a)->text, ((const struct by_text *)b)->text);
}

/*
 * Slots for a new rule set: a rule whose text the running set has too keeps that rule's
 * slot (each running rule gives its slot once), the others get free ones.
 */
static int
assign_slots(struct vb_pol_run *run, const struct vb_rules *nr, uint32_t *slot,
	     uint32_t *dflt_slot, uint8_t *taken, char *err, size_t errlen)
{
	const struct vb_rules *or = &run->rules;
	struct by_text *old = NULL, key, *hit;
	unsigned int i;
	int ret = 0;

	if (or->nb != 0) {
		old = malloc(sizeof(*old) * or->nb);
		if (old == NULL)
			return vb_errf(err, errlen, "policy: out of memory"), -ENOMEM;
		for (i = 0; i < or->nb; i++)
			old[i] = (struct by_text){ or->rule[i].text, run->slot[i], false };
		qsort(old, or->nb, sizeof(*old), cmp_text);
	}
	for (i = 0; i < nr->nb && ret == 0; i++) {
		hit = NULL;
		if (old != NULL) {
			key = (struct by_text){ .text = nr->rule[i].text };
			hit = bsearch(&key, old, or->nb, sizeof(*old), cmp_text);
			/* bsearch finds one of the equal texts: step to the first, then along */
			while (hit != NULL && hit > old && strcmp(hit[-1].text, key.text) == 0)
				hit--;
			while (hit != NULL && hit < old + or->nb && hit->claimed &&
			       strcmp(hit->text, key.text) == 0)
				hit++;
			if (hit != NULL && (hit == old + or->nb || hit->claimed ||
					    strcmp(hit->text, key.text) != 0))
				hit = NULL;
		}
		if (hit != NULL) {
			hit->claimed = true;
			slot[i] = hit->slot;
			taken[hit->slot] = 1;
		} else {
			ret = take_slot(run, taken, &slot[i]);
		}
	}
	free(old);
	if (ret == 0) {
		/* The default keeps its counts while its action stays. */
		if (run->dflt_slot != 0 && or->default_action == nr->default_action) {
			*dflt_slot = run->dflt_slot;
			taken[*dflt_slot] = 1;
		} else {
			ret = take_slot(run, taken, dflt_slot);
		}
	}
	if (ret != 0)
		return vb_errf(err, errlen, "policy: more than %u rules between the running and "
			       "the new set", run->shm->pol.nb_slots - VB_POL_SLOT_FIRST), ret;
	return 0;
}

static void
fill_entry(struct vb_pol_entry *e, uint32_t slot, uint32_t line, uint8_t action, uint8_t named,
	   const char *text)
{
	memset(e, 0, sizeof(*e));
	e->slot = slot;
	e->line = line;
	e->action = action;
	e->named = named;
	e->truncated = strlcpy(e->text, text, sizeof(e->text)) >= sizeof(e->text);
}

/* Rewrite the shared table for the set now running; readers retry while seq is odd. */
static void
publish_table(struct vb_pol_run *run, uint64_t build_ns)
{
	struct vb_shm *shm = run->shm;
	struct vb_pol_info *pi = &shm->pol;
	struct vb_pol_entry *table = vb_shm_at(shm, pi->table_off);
	const struct vb_rules *r = &run->rules;
	unsigned int i;
	uint32_t seq = pi->seq;

	__atomic_store_n(&pi->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (i = 0; i < r->nb && i + 1 < pi->nb_slots; i++)
		fill_entry(&table[i], run->slot[i], r->rule[i].line, r->rule[i].action,
			   r->rule[i].named, r->rule[i].text);
	fill_entry(&table[i], run->dflt_slot, r->default_line, r->default_action, 0,
		   r->default_action == VB_POL_PERMIT ? "default permit" : "default deny");
	__atomic_store_n(&pi->nb_rules, i + 1, __ATOMIC_RELAXED);
	pi->protected_slot = VB_POL_SLOT_PROTECTED;
	pi->generation++;
	pi->loaded_unix_ns = now_ns(CLOCK_REALTIME);
	pi->build_ns = build_ns;
	pi->mem_bytes = run->cur->mem;
	strlcpy(pi->alg, run->cur->alg, sizeof(pi->alg));
	__atomic_store_n(&pi->seq, seq + 2, __ATOMIC_RELEASE);
}

/* Parse, assign slots, build: the new set, not yet published. */
static int
prepare(struct vb_pol_run *run, struct vb_rules *nr, uint32_t **slot, uint32_t *dflt_slot,
	uint8_t *taken, struct vb_policy **pol, char *err, size_t errlen)
{
	int ret;

	ret = vb_rules_parse_file(run->shm->pol.path, run->ports, run->nb_ports, nr, err, errlen);
	if (ret != 0)
		return ret;
	*slot = malloc(sizeof(**slot) * (nr->nb + 1));
	if (*slot == NULL) {
		vb_errf(err, errlen, "policy: out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	ret = assign_slots(run, nr, *slot, dflt_slot, taken, err, errlen);
	if (ret != 0)
		goto fail;
	*pol = vb_policy_build(nr, *slot, *dflt_slot, VB_POL_SLOT_PROTECTED, err, errlen);
	if (*pol == NULL) {
		ret = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	free(*slot);
	*slot = NULL;
	vb_rules_free(nr);
	return ret;
}

int
vb_pol_run_start(struct vb_pol_run *run, struct vb_shm *shm, struct vb_reload *rl,
		 char *err, size_t errlen)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	uint32_t *slot = NULL, dflt_slot = 0;
	struct vb_rules nr;
	unsigned int i;
	uint8_t *taken;
	int ret;

	memset(run, 0, sizeof(*run));
	run->shm = shm;
	run->rl = rl;
	for (i = 0; i < shm->nb_ports; i++)
		run->ports[i] = (struct vb_pol_port){ shm->port[i].name, shm->port[i].port_id };
	run->nb_ports = shm->nb_ports;
	run->used = calloc(shm->pol.nb_slots, 1);
	taken = calloc(shm->pol.nb_slots, 1);
	if (run->used == NULL || taken == NULL) {
		free(taken);
		free(run->used);
		return vb_errf(err, errlen, "policy: out of memory"), -ENOMEM;
	}
	run->used[VB_POL_SLOT_PROTECTED] = 1;
	/* run->rules stays empty until the new set is complete: it is the "old" set here. */
	ret = prepare(run, &nr, &slot, &dflt_slot, taken, &run->cur, err, errlen);
	if (ret != 0) {
		free(taken);
		free(run->used);
		run->used = NULL;
		return ret;
	}
	run->rules = nr;
	run->slot = slot;
	run->dflt_slot = dflt_slot;
	memcpy(run->used, taken, shm->pol.nb_slots);
	run->used[VB_POL_SLOT_PROTECTED] = 1;
	free(taken);
	publish_table(run, now_ns(CLOCK_MONOTONIC) - t0);
	return 0;
}

int
vb_pol_run_reload(void *arg, char *err, size_t errlen)
{
	struct vb_pol_run *run = arg;
	struct vb_pol_info *pi = &run->shm->pol;
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	struct vb_policy *pol = NULL, *old;
	struct vb_rules nr;
	uint32_t *slot = NULL, dflt_slot = 0;
	uint8_t *taken = calloc(pi->nb_slots, 1);
	int ret;

	if (taken == NULL) {
		ret = vb_errf(err, errlen, "policy: out of memory");
		goto failed;
	}
	taken[VB_POL_SLOT_PROTECTED] = 1;
	ret = prepare(run, &nr, &slot, &dflt_slot, taken, &pol, err, errlen);
	if (ret != 0)
		goto failed;
	old = vb_rcu_swap(run->rl, (void **)&run->cur, pol);
	/* Past the grace period: no worker holds the old set or writes a slot it alone had. */
	vb_policy_free(old);
	vb_rules_free(&run->rules);
	free(run->slot);
	run->rules = nr;
	run->slot = slot;
	run->dflt_slot = dflt_slot;
	memcpy(run->used, taken, pi->nb_slots);
	free(taken);
	publish_table(run, now_ns(CLOCK_MONOTONIC) - t0);
	__atomic_store_n(&pi->reloads, pi->reloads + 1, __ATOMIC_RELAXED);
	snprintf(err, errlen, "%s: %u rules, %s", pi->path, nr.nb, run->cur->alg);
	return 0;
failed:
	free(taken);
	strlcpy(pi->last_error, err, sizeof(pi->last_error));
	__atomic_store_n(&pi->reload_failures, pi->reload_failures + 1, __ATOMIC_RELAXED);
	return ret;
}

void
vb_pol_run_stop(struct vb_pol_run *run)
{
	vb_policy_free(run->cur);
	run->cur = NULL;
	vb_rules_free(&run->rules);
	free(run->slot);
	free(run->used);
	run->slot = NULL;
	run->used = NULL;
}
