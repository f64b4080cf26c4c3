/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live reload: SIGHUP asks for it (vb_fwd_request_reload), the main lcore runs every
 * registered step in turn (parse and build off the datapath), and each step publishes what
 * it built with vb_rcu_swap(): a release store of the new pointer, then a wait until every
 * worker has passed its quiescent state (the top of its poll loop, once per pass), after
 * which no worker can still hold the old object and the step frees it. A worker loads the
 * pointer once per burst, so a burst is judged by one object, old or new, never both.
 * A step that fails keeps what runs and says why; the others still run.
 */
#ifndef VB_RELOAD_H
#define VB_RELOAD_H

#include <stddef.h>

#include <rte_rcu_qsbr.h>

#define VB_RELOAD_MAX_STEPS	8

/* One thing that reloads: returns 0 or -errno with a message in err. */
typedef int (*vb_reload_fn)(void *arg, char *err, size_t errlen);

struct vb_reload_step {
	const char *name;
	vb_reload_fn fn;
	void *arg;
};

struct vb_reload {
	unsigned int nb;
	struct vb_reload_step step[VB_RELOAD_MAX_STEPS];
	struct rte_rcu_qsbr *qs;	/* the workers' quiescent states; NULL: none yet */
};

/*
 * Create the quiescent-state variable for nb_workers worker lcores (thread ids 0 to
 * nb_workers - 1, the worker's index) and register them. Returns 0 or -ENOMEM.
 */
int vb_reload_init(struct vb_reload *rl, unsigned int nb_workers);

/* Free the variable; only once the workers have stopped. */
void vb_reload_free(struct vb_reload *rl);

/* Add a step (main lcore, before the first reload). Returns 0 or -ENOSPC. */
int vb_reload_add(struct vb_reload *rl, const char *name, vb_reload_fn fn, void *arg);

/*
 * Main lcore: run every step in order, logging each outcome. Returns the number of steps
 * that failed (and kept what was running).
 */
unsigned int vb_reload_run(struct vb_reload *rl);

/*
 * Main lcore: publish p in *slot (release), wait until every online worker has passed a
 * quiescent state, and return the previous value, which no worker can reach any more.
 * With no quiescent-state variable (no workers) it only swaps.
 */
void *vb_rcu_swap(struct vb_reload *rl, void **slot, void *p);

#endif /* VB_RELOAD_H */
