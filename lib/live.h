/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live reconfiguration (SIGHUP, `systemctl reload vbridge`): the configuration is read again
 * the way it was at start (built-in defaults, the --config file, the command line's
 * overrides) and what can change while forwarding does:
 *   [capture] mirror_filter, [classifier] sample_filter: compiled off the datapath,
 *     published to every path with a release store, the old freed after every worker has
 *     passed its quiescent state (rte_rcu_qsbr; the top of its poll loop);
 *   [classifier] dup_window_ms, mac_ageing_s: stored into the shared tables' headers (one
 *     aligned word each, which the workers read per frame).
 * Every other key keeps its running value and the log names it ("needs a restart"). A file
 * that does not parse, or a filter that does not compile, changes nothing.
 * Main lcore only.
 */
#ifndef VB_LIVE_H
#define VB_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include <rte_rcu_qsbr.h>

#include "capture.h"
#include "config.h"
#include "fwd.h"
#include "shm.h"

/* Keys that a reload applies; any other key's change needs a restart. */
bool vb_live_key(const struct vb_opt *opt);

/*
 * Compare two configurations key by key: fn(opt, arg) for each key whose value differs.
 * Returns the number of such keys. Pure.
 */
unsigned int vb_config_diff(const struct vb_config *a, const struct vb_config *b,
			    void (*fn)(const struct vb_opt *opt, void *arg), void *arg);

struct vb_live {
	int argc;			/* the application's command line, as at start */
	char **argv;
	struct vb_config cur;		/* what runs */
	struct vb_shm *shm;
	struct vb_worker *workers;
	unsigned int nb_workers;
	struct rte_rcu_qsbr *qs;	/* the workers' quiescent states */
	bool mirror_running;		/* the mirror was started: its filter can change */
	/* The paths' filters now (NULL: mirror all / sample none), and those a reload compiled
	 * (malloc'd, ours to free); the start's belong to main.c. */
	const struct vb_filter *mirror_cur;
	const struct vb_filter *sample_cur;
	struct vb_filter *mirror_own;
	struct vb_filter *sample_own;
	unsigned long reloads;
	unsigned long failures;
};

/*
 * Keep what a reload needs: the command line after "--" (argv[0] the program; argv must
 * live as long as lv), the running configuration, the workers (planned with plan, the
 * capture set-up) and their quiescent-state variable (every worker registered and
 * reporting; NULL only without workers).
 */
void vb_live_init(struct vb_live *lv, int argc, char **argv, const struct vb_config *cur,
		  struct vb_shm *shm, struct vb_worker *workers, unsigned int nb_workers,
		  struct rte_rcu_qsbr *qs, const struct vb_fwd_capture *plan);

/*
 * Re-read and apply, as above; logs the keys that need a restart. Returns 0 with what was
 * applied in err, or -errno with the reason in err, having changed nothing. A step of the
 * reload machinery (lib/reload.h, vb_reload_fn).
 */
int vb_live_reload(void *arg, char *err, size_t errlen);

/* Free the filters a reload compiled; only once the workers have stopped. */
void vb_live_free(struct vb_live *lv);

#endif /* VB_LIVE_H */
