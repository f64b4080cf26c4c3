/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge: a transparent bridge between pairs of DPDK ports. This file owns the process
 * lifecycle: options, EAL, ports, the worker lcores, housekeeping, and an orderly shutdown.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_version.h>

#include "capture.h"
#include "config.h"
#include "fwd.h"
#include "live.h"
#include "log.h"
#include "netlink.h"
#include "notify.h"
#include "policy.h"
#include "port.h"
#include "reload.h"
#include "report.h"
#include "shm.h"
#include "telemetry.h"
#include "trust.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

/* systemd's view of this process (lib/notify.c; nothing is sent without systemd). */
static struct vb_notify notify;

/* What SIGHUP re-reads: the configuration (lib/live.c). */
static struct vb_live live;

/* SIGTERM to exit, at most (the promise of README), and the least the clean-up gets. */
#define VB_STOP_BUDGET_MS	1200
#define VB_CLEANUP_MIN_MS	100

static void
usage(const char *prog)
{
	const struct vb_opt *opts;
	unsigned int n, i;
	char name[48];

	printf("Usage: %s [EAL options] -- [options]\n"
	       "\n"
	       "Forward every frame received on one port of a pair, unchanged, out of the other.\n"
	       "No MAC learning, no filtering. Ports are DPDK ethdev ports: NICs bound with\n"
	       "dpdk-devbind.py, or --vdev virtual ones (net_af_xdp0,iface=eth1 ...).\n"
	       "\n"
	       "Options (each also a key of the configuration file, in its [section]):\n"
	       "  %-26s %s\n", prog, "--config FILE", "read this INI file first "
	       "(config/vbridge.ini documents it)");
	opts = vb_config_options(&n);
	for (i = 0; i < n; i++) {
		unsigned int k;

		snprintf(name, sizeof(name), "--%s %s", vb_opt_cli_name(&opts[i]),
			 opts[i].type == VB_OPT_BOOL ? "on|off" :
			 opts[i].type == VB_OPT_PAIRS ? "LIST" :
			 opts[i].type == VB_OPT_STRING ? "EXPR" :
			 opts[i].type == VB_OPT_IFNAME ? "NAME" :
			 opts[i].type == VB_OPT_GROUP ? "GROUP" : "N");
		for (k = 2; name[k] != ' '; k++)
			if (name[k] == '_')
				name[k] = '-';
		printf("  %-26s [%s] %s", name, opts[i].section, opts[i].help);
		if (opts[i].def != NULL && opts[i].def[0] != '\0')
			printf(" (default %s)", opts[i].def);
		printf("\n");
	}
	printf("  %-26s %s\n", "--no-strict-files", "accept a config or rules file that others may "
	       "write or another user owns (labs only)");
	printf("  %-26s %s\n  %-26s %s\n"
	       "\n"
	       "EAL: give a main lcore for housekeeping and one worker lcore or more (-l 0,1);\n"
	       "--file-prefix names the instance that vbridge-stat, dpdk-proc-info and\n"
	       "dpdk-telemetry.py -f attach to.\n"
	       "\n"
	       "Exit status: 0 stopped by SIGINT/SIGTERM, 1 runtime failure, 2 usage or\n"
	       "configuration error.\n"
	       "Example: %s -l 0,1 --vdev net_af_xdp0,iface=eth1 --vdev net_af_xdp1,iface=eth2"
	       " -- --pairs '(0,1)'\n",
	       "--help", "this text", "--version", "print the version", prog);
}

/* The capture side: filters compiled before EAL starts, the mirror once ports are up. */
struct capture {
	struct vb_filter mirror_filter;
	struct vb_filter sample_filter;
	struct vb_mirror mirror;
	struct vb_fwd_capture plan;
};

/* Returns 0 or an exit status, having said what is wrong. */
static int
capture_compile(struct capture *cap, const struct vb_config *cfg)
{
	char err[512];

	memset(cap, 0, sizeof(*cap));
	if (cfg->mirror_filter[0] != '\0') {
		if (!cfg->mirror) {
			fprintf(stderr, "vbridge: [capture] mirror_filter is set but mirror is off: "
				"set mirror = on (--mirror on)\n");
			return EXIT_USAGE;
		}
		if (vb_filter_compile(&cap->mirror_filter, cfg->mirror_filter, err,
				      sizeof(err)) != 0) {
			fprintf(stderr, "vbridge: [capture] mirror_filter: %s\n", err);
			return EXIT_USAGE;
		}
		cap->plan.mirror_filter = &cap->mirror_filter;
	}
	if (cfg->sample_filter[0] != '\0') {
		if (!cfg->cls_enabled) {
			fprintf(stderr, "vbridge: [classifier] sample_filter needs the classifier: "
				"set [classifier] enabled = on (--classifier on)\n");
			return EXIT_USAGE;
		}
		if (vb_filter_compile(&cap->sample_filter, cfg->sample_filter, err,
				      sizeof(err)) != 0) {
			fprintf(stderr, "vbridge: [classifier] sample_filter: %s\n", err);
			return EXIT_USAGE;
		}
		cap->plan.sample_filter = &cap->sample_filter;
	}
	return 0;
}

static void
capture_free(struct capture *cap)
{
	vb_mirror_stop(&cap->mirror);
	if (cap->plan.mirror_filter != NULL)
		vb_filter_free(&cap->mirror_filter);
	if (cap->plan.sample_filter != NULL)
		vb_filter_free(&cap->sample_filter);
	memset(&cap->plan, 0, sizeof(cap->plan));
}

static void
on_signal(int sig __rte_unused)
{
	vb_fwd_request_stop();
}

static void
on_reload(int sig __rte_unused)
{
	vb_fwd_request_reload();
}

/*
 * Before EAL: the policy's mode, and the rules file's syntax (port names are checked once
 * the ports exist). Returns 0 or an exit status, having said what is wrong.
 */
static int
policy_check(const struct vb_config *cfg)
{
	struct vb_rules rules;
	char err[512];

	if (strcmp(cfg->policy_mode, "enforce") != 0 && strcmp(cfg->policy_mode, "shadow") != 0) {
		fprintf(stderr, "vbridge: [policy] mode (--policy-mode): '%s' is not enforce or "
			"shadow\n", cfg->policy_mode);
		return EXIT_USAGE;
	}
	if (cfg->policy_rules[0] == '\0')
		return 0;
	if (vb_rules_parse_file(cfg->policy_rules, NULL, 0, &rules, err, sizeof(err)) != 0) {
		fprintf(stderr, "vbridge: [policy] rules: %s\n", err);
		return EXIT_USAGE;
	}
	vb_rules_free(&rules);
	return 0;
}

/*
 * The policy in shm (which names its file and mode), made current for the workers, and
 * its reload step. Returns 0 or an exit status, having said what is wrong.
 */
static int
policy_start(struct vb_pol_run *pol, struct vb_shm *shm, struct vb_reload *rl,
	     struct vb_worker *workers, unsigned int nb_workers)
{
	char err[512];
	int ret;

	if (!shm->pol.enabled)
		return 0;
	ret = vb_pol_run_start(pol, shm, rl, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "vbridge: [policy] rules: %s\n", err);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	vb_reload_add(rl, "policy", vb_pol_run_reload, pol);
	vb_fwd_attach_policy(workers, nb_workers, shm, &pol->cur);
	VB_LOG(INFO, "policy %s: %u rules, default %s, %s mode, rte_acl %s, %" PRIu64 " KiB, "
	       "built in %" PRIu64 " us", shm->pol.path, pol->rules.nb,
	       vb_pol_action_name(pol->rules.default_action), vb_pol_mode_name(shm->pol.mode),
	       pol->cur->alg, shm->pol.mem_bytes / 1024, shm->pol.build_ns / 1000);
	return 0;
}

static void
on_cleanup_stuck(int sig __rte_unused)
{
	static const char msg[] = "vbridge: stopped and counted, but DPDK's clean-up is stuck "
		"(a secondary process killed while attaching holds its lock); exiting anyway\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_SUCCESS);
	_exit(EXIT_SUCCESS);
}

/*
 * Forwarding has stopped and the final counters are out; what is left (closing ports,
 * freeing rings, pools and memzones, EAL clean-up) takes DPDK's shared memory lock or its
 * heap locks, which a secondary process (dpdk-proc-info, dpdk-dumpcap) killed in the middle
 * of its own EAL start can leave held for good. Waiting then would break the promise that
 * SIGTERM ends vbridge: the clean-up gets until VB_STOP_BUDGET_MS after the stop was seen.
 */
static void
arm_cleanup_watchdog(uint64_t stop_tsc)
{
	uint64_t spent_ms = (rte_get_tsc_cycles() - stop_tsc) * 1000 / rte_get_tsc_hz();
	uint64_t left_ms = spent_ms + VB_CLEANUP_MIN_MS < VB_STOP_BUDGET_MS ?
		VB_STOP_BUDGET_MS - spent_ms : VB_CLEANUP_MIN_MS;
	struct itimerval it = {
		.it_value = { .tv_sec = left_ms / 1000, .tv_usec = left_ms % 1000 * 1000 },
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_cleanup_stuck;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * rte_eal_init(), with a base address for DPDK's memory in an ASan build. DPDK's default
 * base (4 GiB) lies in ASan's shadow gap, so EAL would map its memory wherever the kernel
 * put it, and a secondary (dpdk-proc-info, dpdk-dumpcap) whose own libraries happen to sit
 * there cannot attach ("Cannot get a virtual area"): a test that fails one run in a few. At
 * 32 TiB, in the range ASan leaves to the program and free in an uninstrumented secondary,
 * the address is fixed again, as it is without ASan. The user's --base-virtaddr wins.
 */
static int
eal_init(int argc, char **argv)
{
#if defined(__SANITIZE_ADDRESS__)
	static char asan_base[] = "--base-virtaddr=0x200000000000";
	char **args;
	int i, ret;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--base-virtaddr", strlen("--base-virtaddr")) == 0)
			return rte_eal_init(argc, argv);
	args = calloc(argc + 2, sizeof(*args));	/* the option added, and argv's NULL */
	if (args == NULL)
		return rte_eal_init(argc, argv);
	memcpy(args, argv, argc * sizeof(*args));
	args[argc] = asan_base;
	ret = rte_eal_init(argc + 1, args);
	free(args);	/* EAL keeps copies of the strings it needs, not the array */
	return ret;
#else
	return rte_eal_init(argc, argv);
#endif
}

/* What to tell the user when EAL refuses to start; returns the exit status. */
static int
eal_failed(void)
{
	int e = rte_errno;

	fprintf(stderr, "vbridge: EAL initialisation failed: %s\n", rte_strerror(e));
	switch (e) {
	case EINVAL:
		fprintf(stderr, "vbridge: check the EAL options before '--' (see above)\n");
		return EXIT_USAGE;
	case EACCES:
	case ENOMEM:
		fprintf(stderr, "vbridge: no usable hugepages? Reserve some, as root, "
			"with scripts/hugepages.sh (or dpdk-hugepages.py --setup 1G), or try "
			"--no-huge (which disables vbridge-stat and dpdk-proc-info)\n");
		return EXIT_RUNTIME;
	case EALREADY:
		fprintf(stderr, "vbridge: EAL was already initialised\n");
		return EXIT_RUNTIME;
	default:
		fprintf(stderr, "vbridge: is another DPDK primary running with this "
			"--file-prefix? Are you root?\n");
		return EXIT_RUNTIME;
	}
}

/*
 * Main lcore: never polls a port; wakes every 10 ms to watch links and signals and to copy
 * the PMDs' counters into the stats segment (readers have no ethdev). Links are read every
 * link_poll_ms, and at once when the kernel says one of its interfaces changed. Returns the
 * TSC at which it saw the stop.
 */
static uint64_t
housekeeping(struct vb_shm *shm, const struct vb_config *cfg, struct vb_nl *nl,
	     struct vb_reload *rl)
{
	const uint64_t poll_tsc = rte_get_tsc_hz() / 1000 * cfg->link_poll_ms;
	uint64_t next_poll = 0, now;

	while (!vb_fwd_stopping()) {
		now = rte_get_tsc_cycles();
		__atomic_store_n(&shm->heartbeat_tsc, now, __ATOMIC_RELAXED);
		if (vb_nl_changed(nl) || now >= next_poll) {
			vb_ports_poll_links(shm, nl, cfg->link_propagation);
			next_poll = now + poll_tsc;
		}
		vb_notify_housekeeping(&notify, shm, now);
		vb_ports_copy_stats(shm);
		if (vb_fwd_take_reload()) {
			vb_notify_reloading(&notify);
			vb_notify_reloaded(&notify, vb_reload_run(rl) == 0 ? "reloaded" :
					   "a reload failed, the running configuration stays (log)");
		}
		usleep(10 * 1000);
	}
	return rte_get_tsc_cycles();
}

/* The part after "--" as its own argv, with the program name first, as getopt expects. */
static char **
app_args(int argc, char **argv, int *app_argc)
{
	static char *none[1];
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			/* Reuse the slot of "--" for the program name. */
			argv[i] = argv[0];
			*app_argc = argc - i;
			return &argv[i];
		}
	none[0] = argv[0];
	*app_argc = 1;
	return none;
}

int
main(int argc, char **argv)
{
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES] = { NULL };
	struct vb_worker *workers = NULL;
	struct vb_shm_writer seg = { .fd = -1 };
	struct vb_shm *shm = NULL;
	struct vb_nl *nl = NULL;
	struct vb_config cfg;
	struct capture cap;
	struct vb_reload reload = { 0 };
	struct vb_pol_run pol = { 0 };
	struct sigaction sa;
	unsigned int nb_workers, lcore_id, w, bp, started = 0;
	uint16_t nb_queues;
	uint64_t stop_tsc;
	char err[512];
	char **app_argv;
	int app_argc, eal_argc, i, ret, status = EXIT_RUNTIME;

	/* Options first: a typo is reported without touching hugepages or devices. */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(argv[0]);
			return EXIT_SUCCESS;
		}
	eal_argc = i;
	vb_config_defaults(&cfg);
	app_argv = app_args(argc, argv, &app_argc);
	ret = vb_config_parse_args(&cfg, app_argc, app_argv, err, sizeof(err));
	if (ret == VB_CONFIG_HELP) {
		usage(argv[0]);
		return EXIT_SUCCESS;
	}
	if (ret == VB_CONFIG_VERSION) {
		printf("vbridge %s (%s)\n", VB_VERSION, rte_version());
		return EXIT_SUCCESS;
	}
	if (ret < 0) {
		fprintf(stderr, "vbridge: %s\n", err);
		return EXIT_USAGE;
	}
	vb_trust_files(!cfg.lax_files);	/* the rules files the configuration names */
	ret = policy_check(&cfg);
	if (ret != 0)
		return ret;
	ret = capture_compile(&cap, &cfg);
	if (ret != 0)
		return ret;

	ret = eal_init(eal_argc, argv);
	if (ret < 0) {
		capture_free(&cap);
		return eal_failed();
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);

	nb_workers = rte_lcore_count() - 1;
	if (nb_workers == 0 || nb_workers > VB_MAX_WORKERS) {
		fprintf(stderr, "vbridge: %u lcores given: vbridge needs a main lcore for "
			"housekeeping and 1 to %d worker lcores, e.g. -l 0,1\n",
			rte_lcore_count(), VB_MAX_WORKERS);
		status = EXIT_USAGE;
		goto cleanup;
	}

	ret = vb_shm_create(&seg, &cfg, nb_workers, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "vbridge: stats segment: %s\n", err);
		goto cleanup;
	}
	shm = seg.shm;

	ret = vb_ports_setup(&cfg, shm, nb_workers, pools, &nb_queues, &started, err,
			     sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "vbridge: %s\n", err);
		status = ret == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
		goto cleanup;
	}
	nl = vb_ports_kernel_open(shm);
	if (cfg.link_propagation)
		vb_ports_probe_link_control(shm, nl);
	if (cfg.mirror) {
		ret = vb_mirror_start(&cap.mirror, shm, cfg.mirror_iface, nb_workers,
				      cfg.mirror_ring, pools[rte_socket_id()], err, sizeof(err));
		if (ret != 0) {
			fprintf(stderr, "vbridge: %s\n", err);
			goto cleanup;
		}
		cap.plan.mirror_rings = cap.mirror.ring;
	}

	workers = rte_zmalloc("vb_workers", sizeof(*workers) * nb_workers, RTE_CACHE_LINE_SIZE);
	if (workers == NULL) {
		fprintf(stderr, "vbridge: out of memory for %u workers\n", nb_workers);
		goto cleanup;
	}
	if (vb_fwd_plan(&cfg, shm, nb_queues, &cap.plan, workers, nb_workers) != 0) {
		fprintf(stderr, "vbridge: more than %d paths on one lcore: give more lcores or "
			"fewer queues\n", VB_MAX_PATHS);
		status = EXIT_USAGE;
		goto cleanup;
	}
	if (vb_reload_init(&reload, nb_workers) != 0) {
		fprintf(stderr, "vbridge: out of memory for live reload\n");
		goto cleanup;
	}
	vb_fwd_attach_rcu(workers, nb_workers, reload.qs);
	vb_live_init(&live, app_argc, app_argv, &cfg, shm, workers, nb_workers, reload.qs,
		     &cap.plan);
	vb_reload_add(&reload, "config", vb_live_reload, &live);
	ret = policy_start(&pol, shm, &reload, workers, nb_workers);
	if (ret != 0) {
		status = ret;
		goto cleanup;
	}
	if (vb_telemetry_register(shm) != 0)
		VB_LOG(WARNING, "telemetry commands not registered (telemetry disabled?)");
	/* dpdk-dumpcap and dpdk-pdump attach through this; it costs nothing until they do. */
	ret = vb_pdump_start(pools[rte_socket_id()]);
	if (ret != 0)
		VB_LOG(WARNING, "packet capture (pdump) unavailable: %s", rte_strerror(-ret));

	vb_notify_init(&notify);
	w = 0;
	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		workers[w].lcore_id = lcore_id;
		/* A worker that did not start would leave its paths silently unforwarded. */
		ret = rte_eal_remote_launch(vb_fwd_loop, &workers[w], lcore_id);
		if (ret != 0) {
			fprintf(stderr, "vbridge: cannot start the worker on lcore %u: %s\n",
				lcore_id, strerror(-ret));
			goto cleanup;
		}
		w++;
	}
	__atomic_store_n(&shm->state, VB_STATE_RUNNING, __ATOMIC_RELEASE);
	for (bp = 0; bp < shm->nb_ports; bp += 2)
		VB_LOG(INFO, "pair %s <-> %s", shm->port[bp].name, shm->port[bp + 1].name);
	VB_LOG(INFO, "ready: %u port(s), %u worker lcore(s), %u queue(s) per port, burst %u, "
	       "drain %u us (pid %d, stop with Ctrl-C or SIGTERM)", shm->nb_ports, nb_workers,
	       nb_queues, cfg.burst, cfg.drain_us, (int)getpid());

	stop_tsc = housekeeping(shm, &cfg, nl, &reload);
	vb_notify_stopping(&notify);

	__atomic_store_n(&shm->state, VB_STATE_STOPPING, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	/*
	 * Workers have returned, having flushed their TX buffers, and the mirror thread has
	 * moved what they gave it: the counters are final. Out with them before anything that
	 * can take a DPDK lock.
	 */
	vb_mirror_join(&cap.mirror);
	vb_report_counters(stdout, shm);
	VB_LOG(INFO, "stopped; final counters on stdout");
	arm_cleanup_watchdog(stop_tsc);
	status = EXIT_SUCCESS;

cleanup:
	vb_fwd_request_stop();
	rte_eal_mp_wait_lcore();
	vb_shm_unpublish(&seg);		/* new monitors find no vbridge from here on */
	capture_free(&cap);
	if (shm != NULL) {
		vb_ports_kernel_close(nl, shm);
		vb_ports_close(shm, started);
	}
	vb_pdump_stop();
	vb_telemetry_unregister();
	vb_pol_run_stop(&pol);
	vb_live_free(&live);
	vb_reload_free(&reload);
	/*
	 * The segment stays mapped (and locked) until the process exits: a telemetry callback
	 * already past its check may still be reading it, and DPDK 22.11 cannot unregister one.
	 */
	rte_free(workers);
	vb_pools_free(pools);
	if (rte_eal_cleanup() != 0 && status == EXIT_SUCCESS)
		status = EXIT_RUNTIME;
	return status;
}
