/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat: the monitor. It maps a running vbridge's stats segment read-only, copies what
 * it sees into plain memory and prints it. It is no DPDK process: it calls no rte_eal_init(),
 * takes no DPDK lock, never writes to the segment, never polls (it sleeps between reads), and
 * can be started, stopped or killed at any instruction without disturbing forwarding or the
 * next monitor.
 *
 * This file owns the process: main() is the list of verbs; each verb is in a file named for
 * its job (stat.h lists them).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stat.h"
#include "listen.h"

#define EXIT_USAGE	2

static bool vb_quit;

static void
on_signal(int sig __rte_unused)
{
	__atomic_store_n(&vb_quit, true, __ATOMIC_RELAXED);
}

bool
vb_stat_quitting(void)
{
	return __atomic_load_n(&vb_quit, __ATOMIC_RELAXED);
}

/* Set by SIGWINCH: like the quit flag, the one way a handler can tell the loop. */
static bool vb_resized;

static void
on_resize(int sig __rte_unused)
{
	__atomic_store_n(&vb_resized, true, __ATOMIC_RELAXED);
}

bool
vb_stat_resized(void)
{
	return __atomic_exchange_n(&vb_resized, false, __ATOMIC_RELAXED);
}

/* Ctrl-C and SIGTERM end a --watch or --follow cleanly; a closed pipe ends the output. */
static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	/* A resized terminal: --watch redraws its screen at the new width at once. */
	sa.sa_handler = on_resize;
	sigaction(SIGWINCH, &sa, NULL);
}

/* --lcore: keep off the CPUs the bridge polls on, when the user knows which those are. */
static int
pin_cpu(const struct vb_stat_opts *o)
{
	cpu_set_t set;

	if (o->lcore < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(o->lcore, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "vbridge-stat: --lcore %ld: cannot run there: %s\n", o->lcore,
			strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct vb_shm_reader seg;
	struct vb_stat_opts opts;
	int status;

	if (vb_check_wanted(argc, argv))
		return vb_check_main(argc, argv);	/* the health check has its own options */
	memset(&opts, 0, sizeof(opts));
	status = vb_stat_parse_opts(argc, argv, &opts);
	if (status != 0)
		return status > 0 ? EXIT_SUCCESS : EXIT_USAGE;
	status = pin_cpu(&opts);
	if (status != 0)
		return status;
	if (opts.listen)
		return vb_stat_listen(opts.listen_at, opts.prefix);
	install_signals();
	status = vb_stat_open(&seg, &opts);
	if (status != 0)
		return status;
	status = vb_stat_run(&opts, &seg);
	vb_shm_close(&seg);
	return status;
}
