/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat: the monitor. A DPDK secondary process that attaches to a running vbridge,
 * reads its shared counters and the ports' ethdev stats, and prints them. It never writes to
 * the shared memory, never sets up a port, never polls (it sleeps between reads), and can be
 * started, stopped or killed at any time without disturbing forwarding.
 *
 * This file owns the process lifecycle: options, the EAL arguments it builds itself (as
 * dpdk-dumpcap does, so that users never type EAL options), attaching, the liveness checks of
 * the primary, the read loop and cleanup. snapshot.c reads, output.c and diagnose.c print.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_version.h>

#include "shm.h"
#include "stat.h"

#define EXIT_RUNTIME		1
#define EXIT_USAGE		2

#define DEFAULT_PREFIX		"rte"	/* EAL's, and so vbridge's, default --file-prefix */
#define SLEEP_STEP_NS		(50 * 1000 * 1000)	/* liveness checks while sleeping */
#define ATTACH_WAIT_NS		(2000ULL * 1000 * 1000)	/* a vbridge still starting up */
#define ATTACH_STEP_NS		(100ULL * 1000 * 1000)
#define ATTACH_STUCK_S		10	/* rte_eal_init() longer than this: a stuck lock */
#define MAX_EAL_ARGS		16
#define FOLLOW_INTERVAL_S	0.2	/* --follow: rings hold 512 samples, 1000/s at most */

enum view {
	VIEW_SUMMARY,
	VIEW_JSON,
	VIEW_PROMETHEUS,
	VIEW_DIAGNOSE,
	VIEW_MACS,
	VIEW_SAMPLES,
};

struct options {
	const char *prefix;
	enum view view;
	bool watch;
	bool rates;
	bool verbose;
	bool json;		/* --json: the view's JSON form */
	bool follow;		/* --samples: keep reading new samples */
	const char *pcapng;	/* --samples: write them to this file ("-": stdout) */
	double interval_s;	/* --watch refresh, or the one-shot rate interval */
	unsigned long count;	/* --watch refreshes, 0: until stopped */
	long lcore;		/* CPU for the EAL main lcore, -1: choose */
};

static bool vb_quit;

/*
 * Set while a snapshot reads the shared memory, for the fault handler: see read_guarded().
 * (Signal handler state, the one kind of global besides the quit flag.)
 */
static sigjmp_buf read_fault_jmp;
static volatile sig_atomic_t reading_shm;

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [options]\n"
		"\n"
		"Show what a running vbridge is doing: its ports, pairs and links, frames and\n"
		"bytes per direction, drops by reason, rates, the PMDs' own counters, and how\n"
		"busy its worker lcores are. Attaches as a DPDK secondary process and only reads;\n"
		"run it as often as you like, forwarding is not disturbed.\n"
		"\n"
		"Views (one at a time; the default is a summary with rates over 1 s):\n"
		"  -j, --json               the same data as JSON (schema: docs/vbridge-stat.md)\n"
		"  -P, --prometheus         Prometheus text exposition (vbridge_* metrics)\n"
		"  -d, --diagnose           plain-language findings with their evidence\n"
		"  -w, --watch[=SECONDS]    refresh every SECONDS (default 1) with per-second\n"
		"                           rates, until Ctrl-C; with --json, one JSON object a line\n"
		"  -m, --macs               the MAC table: where each MAC was last seen, its moves\n"
		"                           (most moves first); with --json, as JSON\n"
		"  -s, --samples            the sampled frames (ARP, ND, reflections, moves ...),\n"
		"                           one line each; with --json, one JSON object a line\n"
		"  -p, --pcapng FILE        write the samples to a pcapng file (- for stdout) with\n"
		"                           one interface per port and the reasons as comments\n"
		"  -F, --follow             with --samples or --pcapng: keep adding new samples\n"
		"                           until Ctrl-C or until vbridge exits\n"
		"\n"
		"Options:\n"
		"  -f, --file-prefix P      the vbridge started with --file-prefix P (default: %s)\n"
		"  -c, --count N            with --watch: stop after N refreshes\n"
		"  -i, --interval SECONDS   interval the one-shot rates are measured over (default 1)\n"
		"  -n, --no-rates           one read, no rates: answers at once\n"
		"  -l, --lcore CPU          CPU to run on (default: one no vbridge worker polls)\n"
		"  -v, --verbose            show DPDK's own messages while attaching\n"
		"  -V, --version            print the version\n"
		"  -h, --help               this text\n"
		"\n"
		"Exit status: 0 success (also when vbridge exits during --follow), 1 no vbridge\n"
		"to read or it went away, 2 usage error.\n",
		prog, DEFAULT_PREFIX);
}

static void
on_signal(int sig __rte_unused)
{
	__atomic_store_n(&vb_quit, true, __ATOMIC_RELAXED);
}

static bool
quitting(void)
{
	return __atomic_load_n(&vb_quit, __ATOMIC_RELAXED);
}

/* Seconds as a decimal, within [min, max]. */
static int
parse_seconds(const char *arg, const char *name, double min, double max, double *out)
{
	char *end;
	double v;

	if (arg == NULL) {
		fprintf(stderr, "vbridge-stat: %s needs a value\n", name);
		return -1;
	}
	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) || v < min || v > max) {
		fprintf(stderr, "vbridge-stat: %s '%s': expected seconds from %g to %g\n", name,
			arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_ulong(const char *arg, const char *name, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (arg == NULL) {
		fprintf(stderr, "vbridge-stat: %s needs a value\n", name);
		return -1;
	}
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v > max) {
		fprintf(stderr, "vbridge-stat: %s '%s': expected a number from 0 to %lu\n", name,
			arg, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Returns 0, 1 for --help / --version (done), or -1 after a message (usage error). */
static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'P' },
		{ "diagnose", no_argument, NULL, 'd' },
		{ "macs", no_argument, NULL, 'm' },
		{ "samples", no_argument, NULL, 's' },
		{ "pcapng", required_argument, NULL, 'p' },
		{ "follow", no_argument, NULL, 'F' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "file-prefix", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "no-rates", no_argument, NULL, 'n' },
		{ "lcore", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int views = 0;
	unsigned long v;
	int c;

	o->prefix = DEFAULT_PREFIX;
	o->view = VIEW_SUMMARY;
	o->rates = true;
	o->interval_s = 1.0;
	o->lcore = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jPdmsp:Fw::f:c:i:nl:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'm':
			o->view = VIEW_MACS;
			views++;
			break;
		case 's':
			if (o->view != VIEW_SAMPLES)
				views++;
			o->view = VIEW_SAMPLES;
			break;
		case 'p':
			if (optarg == NULL || optarg[0] == '\0') {
				fprintf(stderr, "vbridge-stat: --pcapng needs a file name (- for "
					"stdout)\n");
				return -1;
			}
			o->pcapng = optarg;
			if (o->view != VIEW_SAMPLES)
				views++;
			o->view = VIEW_SAMPLES;
			break;
		case 'F':
			o->follow = true;
			break;
		case 'P':
			o->view = VIEW_PROMETHEUS;
			views++;
			break;
		case 'd':
			o->view = VIEW_DIAGNOSE;
			views++;
			break;
		case 'w':
			o->watch = true;
			/* "--watch 2" as well as "--watch=2": take a following number. */
			if (optarg == NULL && optind < argc && argv[optind][0] >= '0' &&
			    argv[optind][0] <= '9')
				optarg = argv[optind++];
			if (optarg != NULL &&
			    parse_seconds(optarg, "--watch", 0.1, 3600, &o->interval_s) != 0)
				return -1;
			break;
		case 'f':
			if (optarg == NULL || optarg[0] == '\0' || strchr(optarg, '/') != NULL) {
				fprintf(stderr, "vbridge-stat: --file-prefix '%s': give the name "
					"vbridge was started with, not a path\n", optarg);
				return -1;
			}
			o->prefix = optarg;
			break;
		case 'c':
			if (parse_ulong(optarg, "--count", ULONG_MAX, &o->count) != 0)
				return -1;
			if (o->count == 0) {
				fprintf(stderr, "vbridge-stat: --count must be at least 1\n");
				return -1;
			}
			break;
		case 'i':
			if (parse_seconds(optarg, "--interval", 0.1, 60, &o->interval_s) != 0)
				return -1;
			break;
		case 'n':
			o->rates = false;
			break;
		case 'l':
			if (parse_ulong(optarg, "--lcore", CPU_SETSIZE - 1, &v) != 0)
				return -1;
			o->lcore = (long)v;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf("vbridge-stat %s (DPDK %s, shared layout %d)\n", VB_VERSION,
			       rte_version(), VB_LAYOUT_VERSION);
			return 1;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		case ':':
			fprintf(stderr, "vbridge-stat: option %s needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "vbridge-stat: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vbridge-stat: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -1;
	}
	if (views > 1 || (o->json && (o->view == VIEW_PROMETHEUS || o->view == VIEW_DIAGNOSE))) {
		fprintf(stderr, "vbridge-stat: --json, --prometheus, --diagnose, --macs and "
			"--samples are separate views: give one (--json also goes with --macs and "
			"--samples)\n");
		return -1;
	}
	if (o->json && o->view == VIEW_SUMMARY)
		o->view = VIEW_JSON;
	if (o->json && o->pcapng != NULL) {
		fprintf(stderr, "vbridge-stat: --pcapng writes pcapng, not JSON: give one\n");
		return -1;
	}
	if (o->follow && o->view != VIEW_SAMPLES) {
		fprintf(stderr, "vbridge-stat: --follow goes with --samples or --pcapng\n");
		return -1;
	}
	if (o->watch && (o->view == VIEW_MACS || o->view == VIEW_SAMPLES)) {
		fprintf(stderr, "vbridge-stat: --watch does not go with --macs or --samples (use "
			"--follow for new samples)\n");
		return -1;
	}
	if (o->watch && (o->view == VIEW_PROMETHEUS || o->view == VIEW_DIAGNOSE)) {
		fprintf(stderr, "vbridge-stat: --watch goes with the default view or --json; for "
			"Prometheus, let the scraper call vbridge-stat --prometheus\n");
		return -1;
	}
	if (o->watch && !o->rates) {
		fprintf(stderr, "vbridge-stat: --watch shows rates; --no-rates does not apply\n");
		return -1;
	}
	if (o->count != 0 && !o->watch) {
		fprintf(stderr, "vbridge-stat: --count goes with --watch\n");
		return -1;
	}
	return 0;
}

/* EAL's runtime directory for a prefix (eal_get_runtime_dir() is not public). */
static void
runtime_dir(const char *prefix, char *buf, size_t len)
{
	const char *base = "/var/run";

	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL)
			base = "/tmp";
	}
	snprintf(buf, len, "%s/dpdk/%s", base, prefix);
}

/*
 * A DPDK primary holds a write lock on its runtime config file for as long as it lives
 * (rte_eal_primary_proc_alive() tests the same lock). Returns the holder's pid, 0 when nobody
 * holds it (a stale directory), or -errno when the file cannot be opened.
 */
static int
primary_lock_holder(const char *config)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, ret;

	fd = open(config, O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = fcntl(fd, F_GETLK, &fl);
	close(fd);
	if (ret < 0)
		return -errno;
	return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}

/* The CPUs the primary's EAL worker threads are pinned to (DPDK 22.11 and later names). */
static void
primary_worker_cpus(int pid, cpu_set_t *workers)
{
	char path[PATH_MAX], comm[32];
	struct dirent *de;
	DIR *dir;

	CPU_ZERO(workers);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		cpu_set_t set;
		FILE *f;
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%ld/comm", pid, tid);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) == NULL)
			comm[0] = '\0';
		fclose(f);
		if (strncmp(comm, "lcore-worker", 12) != 0 && strncmp(comm, "dpdk-worker", 11) != 0)
			continue;
		if (sched_getaffinity((pid_t)tid, sizeof(set), &set) == 0)
			CPU_OR(workers, workers, &set);
	}
	closedir(dir);
}

/*
 * The monitor's main lcore: the lowest CPU we may run on that no worker of the primary
 * polls, so that we never take time from forwarding (with -l 0,1, CPU 0, where vbridge's
 * main lcore only sleeps between housekeeping passes). Falls back to our lowest CPU.
 */
static long
choose_lcore(int primary_pid)
{
	cpu_set_t mine, workers;
	long cpu, first = -1;

	if (sched_getaffinity(0, sizeof(mine), &mine) != 0)
		return 0;
	primary_worker_cpus(primary_pid, &workers);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &mine))
			continue;
		if (first < 0)
			first = cpu;
		if (!CPU_ISSET(cpu, &workers))
			return cpu;
	}
	return first < 0 ? 0 : first;
}


static void
on_attach_stuck(int sig __rte_unused)
{
	static const char msg[] = "vbridge-stat: attaching is stuck inside DPDK: a monitor or "
		"other secondary process killed while it was attaching left DPDK's memory lock "
		"held. Forwarding is not affected and telemetry still works (dpdk-telemetry.py "
		"-f PREFIX); restarting vbridge clears it.\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_RUNTIME);
	_exit(EXIT_RUNTIME);
}

/*
 * Start EAL as a secondary of the vbridge with this prefix. The arguments, and why:
 * --proc-type=secondary  never "auto": a monitor must not become a primary of its own;
 * --file-prefix          the instance to attach to;
 * -l CPU                 one lcore, on a CPU no vbridge worker polls (choose_lcore);
 * --no-telemetry         the primary serves telemetry, a second socket would only clash;
 * --log-level=notice     into a buffer, shown only when attaching fails or with --verbose.
 * Like dpdk-dumpcap and dpdk-proc-info it keeps the PCI scan and takes the vdev list from
 * the primary: a secondary only sees the ports it probes itself, and ethdev stats need them.
 * Probing the PCI devices the primary does not drive fails harmlessly, but loudly: hence
 * the buffer.
 */
static int
eal_start(const struct options *o, const char *prog, long lcore)
{
	char lcore_arg[24], prefix_arg[PATH_MAX], shown[PATH_MAX + 128];
	char *argv[MAX_EAL_ARGS];
	char *log_buf = NULL;
	size_t off = 0;
	size_t log_len = 0;
	sigset_t block, saved;
	struct sigaction sa;
	FILE *log;
	int argc = 0, ret, err, i;

	snprintf(lcore_arg, sizeof(lcore_arg), "%ld", lcore);
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", o->prefix);
	argv[argc++] = (char *)(uintptr_t)prog;
	argv[argc++] = (char *)(uintptr_t)"--proc-type=secondary";
	argv[argc++] = prefix_arg;
	argv[argc++] = (char *)(uintptr_t)"-l";
	argv[argc++] = lcore_arg;
	argv[argc++] = (char *)(uintptr_t)"--no-telemetry";
	argv[argc++] = (char *)(uintptr_t)"--log-level=notice";
	argv[argc] = NULL;
	/* rte_eal_init() reorders argv: keep a copy to show. */
	shown[0] = '\0';
	for (i = 1; i < argc && off < sizeof(shown); i++)
		off += snprintf(shown + off, sizeof(shown) - off, " %s", argv[i]);

	log = open_memstream(&log_buf, &log_len);
	if (log != NULL)
		rte_openlog_stream(log);
	/*
	 * A secondary that dies inside rte_eal_init() can leave DPDK's shared memory lock held
	 * for good (DPDK 22.11): later monitors then block in it. So Ctrl-C waits until the
	 * attach is over, and an attach stuck behind such a lock ends with a message, not a hang.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &saved);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_attach_stuck;
	sigaction(SIGALRM, &sa, NULL);
	alarm(ATTACH_STUCK_S);
	ret = rte_eal_init(argc, argv);
	err = rte_errno;
	alarm(0);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	rte_openlog_stream(NULL);	/* stderr again */
	if (log != NULL)
		fclose(log);
	rte_log_set_global_level(o->verbose ? RTE_LOG_NOTICE : RTE_LOG_ERR);
	if (ret < 0 || o->verbose) {
		fprintf(stderr, "vbridge-stat: EAL arguments:%s\n%s", shown,
			log_buf != NULL ? log_buf : "");
	}
	free(log_buf);
	if (ret >= 0)
		return 0;

	fprintf(stderr, "vbridge-stat: cannot attach to the DPDK process with file prefix '%s': "
		"%s\n", o->prefix, rte_strerror(err));
	switch (err) {
	case EACCES:
	case EPERM:
		fprintf(stderr, "vbridge-stat: run it as the user vbridge runs as (root?): it "
			"needs the hugepages and the runtime directory\n");
		break;
	case ENOMEM:
		fprintf(stderr, "vbridge-stat: cannot map vbridge's hugepage memory: is it "
			"running with --no-huge or --in-memory? Those disable secondary "
			"processes; use dpdk-telemetry.py -f %s instead\n", o->prefix);
		break;
	default:
		fprintf(stderr, "vbridge-stat: is it built with the same DPDK version as "
			"vbridge? DPDK's messages are above\n");
		break;
	}
	return -1;
}

static bool
magic_ok(const struct vb_shm *shm)
{
	return __atomic_load_n(&shm->magic, __ATOMIC_ACQUIRE) == VB_SHM_MAGIC;
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	nanosleep(&ts, NULL);
}

/* Find vbridge's shared memory; a vbridge still starting gets a moment to publish it. */
static const struct vb_shm *
attach(const char *prefix)
{
	const struct vb_shm *shm;
	uint32_t version = 0;
	uint64_t waited = 0;

	for (;;) {
		shm = vb_shm_attach(&version);
		if (shm != NULL)
			return shm;
		/* ENOENT before vb_shm_create(), EPROTO with version 0 until the magic. */
		if ((rte_errno != ENOENT && version != 0) || waited >= ATTACH_WAIT_NS ||
		    quitting())
			break;
		sleep_ns(ATTACH_STEP_NS);
		waited += ATTACH_STEP_NS;
	}
	if (rte_errno == ENOENT)
		fprintf(stderr, "vbridge-stat: a DPDK primary runs with file prefix '%s' but it "
			"is not vbridge (it has no '%s' memzone)\n", prefix, VB_SHM_NAME);
	else if (version == 0)
		fprintf(stderr, "vbridge-stat: the '%s' memzone of file prefix '%s' is not "
			"vbridge's shared layout, or vbridge is stopping\n", VB_SHM_NAME, prefix);
	else if (version != VB_LAYOUT_VERSION)
		fprintf(stderr, "vbridge-stat: this vbridge publishes shared layout version %u, "
			"this vbridge-stat reads version %d: use the vbridge-stat built with that "
			"vbridge\n", version, VB_LAYOUT_VERSION);
	else
		fprintf(stderr, "vbridge-stat: vbridge's shared layout version %u has another "
			"size than this vbridge-stat's: built from different sources? Use the "
			"vbridge-stat built with that vbridge\n", version);
	return NULL;
}

/* Is the primary gone? If so, say why in buf. */
static bool
primary_gone(const struct vb_shm *shm, int pid, char *buf, size_t len)
{
	if (!rte_eal_primary_proc_alive(NULL) || (kill(pid, 0) != 0 && errno == ESRCH))
		snprintf(buf, len, "vbridge (pid %d) has exited", pid);
	else if (!magic_ok(shm))
		snprintf(buf, len, "vbridge (pid %d) has stopped: it released its shared memory",
			 pid);
	else if (__atomic_load_n(&shm->state, __ATOMIC_ACQUIRE) == VB_STATE_STOPPING)
		snprintf(buf, len, "vbridge (pid %d) is stopping", pid);
	else
		return false;
	return true;
}

/*
 * Sleep for seconds, looking every SLEEP_STEP_NS at Ctrl-C and at the primary.
 * Returns 0 after the full sleep, 1 when asked to quit, -1 when the primary went away.
 */
static int
watchful_sleep(double seconds, const struct vb_shm *shm, int pid, char *why, size_t len)
{
	uint64_t left = (uint64_t)(seconds * 1e9);

	while (left > 0) {
		uint64_t step = RTE_MIN(left, (uint64_t)SLEEP_STEP_NS);

		if (quitting())
			return 1;
		if (primary_gone(shm, pid, why, len))
			return -1;
		sleep_ns(step);
		left -= step;
	}
	if (quitting())
		return 1;
	return primary_gone(shm, pid, why, len) ? -1 : 0;
}

/*
 * A stopping primary may return its memory to the system, and DPDK then unmaps it in
 * secondaries too, while a snapshot is being read. Such a fault ends that read (the caller
 * then finds the primary gone) instead of the monitor.
 */
static void
on_read_fault(int sig)
{
	if (reading_shm)
		siglongjmp(read_fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

enum read_what {
	READ_SNAP,	/* struct vb_stat_snap */
	READ_MACS,	/* struct vb_stat_macs */
	READ_SAMPLES,	/* struct vb_stat_samples */
};

/* Returns 0, -1 when the memory went away under the read, or the reader's negative errno. */
static int
read_guarded(const struct vb_shm *shm, enum read_what what, void *out)
{
	int ret = 0;

	if (sigsetjmp(read_fault_jmp, 1) != 0) {
		reading_shm = 0;
		return -1;
	}
	reading_shm = 1;
	switch (what) {
	case READ_SNAP:
		vb_stat_snap_take(shm, out);
		break;
	case READ_MACS:
		ret = vb_stat_macs_read(shm, out);
		break;
	case READ_SAMPLES:
		ret = vb_stat_samples_read(shm, out);
		break;
	}
	reading_shm = 0;
	return ret;
}

static int
print_view(const struct options *o, const struct vb_stat_snap *snap,
	   const struct vb_stat_delta *delta, const struct vb_stat_samples *smp, bool tty)
{
	struct vb_stat_findings findings;

	switch (o->view) {
	case VIEW_JSON:
		vb_stat_diagnose(snap, delta, smp, &findings);
		return vb_stat_print_json(stdout, !o->watch, snap, delta, &findings);
	case VIEW_PROMETHEUS:
		return vb_stat_print_prometheus(stdout, snap);
	case VIEW_DIAGNOSE:
		vb_stat_diagnose(snap, delta, smp, &findings);
		return vb_stat_print_findings(stdout, snap, delta, &findings);
	case VIEW_SUMMARY:
	case VIEW_MACS:
	case VIEW_SAMPLES:
		break;
	}
	if (o->watch)
		return vb_stat_print_watch(stdout, tty, snap, delta);
	return vb_stat_print_summary(stdout, snap, delta);
}

/* The findings' evidence (delays, MACs, unanswered requests) comes from the samples. */
static const struct vb_stat_samples *
samples_for_rules(const struct options *o, const struct vb_shm *shm,
		  struct vb_stat_samples *smp)
{
	if (o->view != VIEW_DIAGNOSE && o->view != VIEW_JSON)
		return NULL;
	memset(smp->next, 0, sizeof(smp->next));	/* all history, every time */
	return read_guarded(shm, READ_SAMPLES, smp) == 0 ? smp : NULL;
}

static int
run_macs(const struct options *o, const struct vb_shm *shm, struct vb_stat_snap *snap)
{
	struct vb_stat_macs macs;
	int ret;

	ret = read_guarded(shm, READ_MACS, &macs);
	if (ret == -ENOENT) {
		fprintf(stderr, "vbridge-stat: vbridge's classifier is off ([classifier] enabled "
			"= off): it keeps no MAC table\n");
		return EXIT_RUNTIME;
	}
	if (ret != 0) {
		vb_stat_macs_free(&macs);
		return ret == -ENOMEM ? EXIT_RUNTIME : -1;
	}
	ret = vb_stat_print_macs(stdout, o->json, snap, &macs);
	vb_stat_macs_free(&macs);
	return ret == 0 ? EXIT_SUCCESS : EXIT_RUNTIME;
}

/*
 * --samples and --pcapng: print or write what the rings hold, then (--follow) what is new
 * every FOLLOW_INTERVAL_S, sleeping in between, until Ctrl-C or the primary exits.
 */
static int
run_samples(const struct options *o, const struct vb_shm *shm, int pid,
	    const struct vb_stat_snap *snap)
{
	struct vb_stat_samples smp = { 0 };
	struct vb_pcapng *pc = NULL;
	FILE *pf = NULL, *text = o->pcapng != NULL || o->json ? stderr : stdout;
	uint64_t shown = 0, lost = 0, torn = 0;
	int status = EXIT_RUNTIME, ret;
	char why[128];
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
		ret = read_guarded(shm, READ_SAMPLES, &smp);
		if (ret == -ENOENT) {
			fprintf(stderr, "vbridge-stat: vbridge's classifier is off ([classifier] "
				"enabled = off): it takes no samples\n");
			goto out;
		}
		if (ret == -1)
			goto gone;
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
				if (!quitting())
					fprintf(stderr, "vbridge-stat: writing %s: %s\n", o->pcapng,
						strerror(errno));
				goto out;
			}
		} else if (vb_stat_print_samples(stdout, o->json, snap, &smp) != 0) {
			status = quitting() ? EXIT_SUCCESS : EXIT_RUNTIME;	/* reader left */
			goto out;
		}
		if (!o->follow)
			break;
		ret = watchful_sleep(FOLLOW_INTERVAL_S, shm, pid, why, sizeof(why));
		if (ret > 0)
			break;
		if (ret < 0) {
			/* Following ends with vbridge: not an error, what it had is written. */
			fprintf(stderr, "vbridge-stat: %s\n", why);
			break;
		}
	}
	status = EXIT_SUCCESS;
	vb_stat_print_samples_footer(text, snap, shown, lost, torn);
	if (pc != NULL && strcmp(o->pcapng, "-") != 0)
		fprintf(stderr, "vbridge-stat: %" PRIu64 " sample%s written to %s\n", shown,
			shown == 1 ? "" : "s", o->pcapng);
	goto out;
gone:
	if (!primary_gone(shm, pid, why, sizeof(why)))
		snprintf(why, sizeof(why), "vbridge (pid %d) released its memory", pid);
	fprintf(stderr, "vbridge-stat: %s\n", why);
	status = o->follow && shown > 0 ? EXIT_SUCCESS : EXIT_RUNTIME;
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
static int
run(const struct options *o, const struct vb_shm *shm, int pid)
{
	struct vb_stat_samples smp = { 0 };
	struct vb_stat_snap snaps[2];
	const struct vb_stat_samples *rs;
	struct vb_stat_delta delta;
	const bool tty = isatty(STDOUT_FILENO);
	unsigned long shown = 0;
	unsigned int cur = 0;
	char why[128];
	int ret;

	if (read_guarded(shm, READ_SNAP, &snaps[cur]) != 0)
		goto gone;
	if (o->view == VIEW_MACS) {
		ret = run_macs(o, shm, &snaps[cur]);
		if (ret < 0)
			goto gone;
		return ret;
	}
	if (o->view == VIEW_SAMPLES)
		return run_samples(o, shm, pid, &snaps[cur]);
	if (!o->rates) {
		rs = samples_for_rules(o, shm, &smp);
		ret = print_view(o, &snaps[cur], NULL, rs, tty);
		vb_stat_samples_free(&smp);
		return ret == 0 ? EXIT_SUCCESS : EXIT_RUNTIME;
	}
	for (;;) {
		ret = watchful_sleep(o->interval_s, shm, pid, why, sizeof(why));
		if (ret > 0)
			return EXIT_SUCCESS;
		if (ret < 0)
			goto gone_why;
		cur ^= 1;
		if (read_guarded(shm, READ_SNAP, &snaps[cur]) != 0)
			goto gone;
		vb_stat_delta_compute(&snaps[cur ^ 1], &snaps[cur], &delta);
		rs = samples_for_rules(o, shm, &smp);
		if (print_view(o, &snaps[cur], &delta, rs, tty) != 0) {
			vb_stat_samples_free(&smp);
			return quitting() ? EXIT_SUCCESS : EXIT_RUNTIME;	/* EPIPE: reader left */
		}
		shown++;
		if (!o->watch || (o->count != 0 && shown >= o->count)) {
			vb_stat_samples_free(&smp);
			return EXIT_SUCCESS;
		}
	}
gone:
	if (!primary_gone(shm, pid, why, sizeof(why)))
		snprintf(why, sizeof(why), "vbridge (pid %d) released its memory", pid);
gone_why:
	fflush(stdout);
	fprintf(stderr, "vbridge-stat: %s\n", why);
	return EXIT_RUNTIME;
}

int
main(int argc, char **argv)
{
	const struct vb_shm *shm;
	struct options opts = { 0 };
	struct sigaction sa;
	char dir[PATH_MAX], config[PATH_MAX + 16], why[128];
	long lcore;
	int pid, status;

	memset(&opts, 0, sizeof(opts));
	status = parse_options(argc, argv, &opts);
	if (status != 0)
		return status > 0 ? EXIT_SUCCESS : EXIT_USAGE;

	/* Before EAL: no vbridge, no EAL noise, and no chance of becoming a primary. */
	runtime_dir(opts.prefix, dir, sizeof(dir));
	snprintf(config, sizeof(config), "%s/config", dir);
	pid = primary_lock_holder(config);
	if (pid == -ENOENT) {
		fprintf(stderr, "vbridge-stat: no vbridge running with file prefix '%s' (no %s)\n",
			opts.prefix, config);
		return EXIT_RUNTIME;
	}
	if (pid < 0) {
		fprintf(stderr, "vbridge-stat: cannot open %s: %s%s\n", config, strerror(-pid),
			pid == -EACCES ? " (run as the user vbridge runs as, root?)" : "");
		return EXIT_RUNTIME;
	}
	if (pid == 0) {
		fprintf(stderr, "vbridge-stat: no vbridge running with file prefix '%s': %s is "
			"left from a process that has exited\n", opts.prefix, dir);
		return EXIT_RUNTIME;
	}

	lcore = opts.lcore >= 0 ? opts.lcore : choose_lcore(pid);
	if (eal_start(&opts, argv[0], lcore) != 0)
		return EXIT_RUNTIME;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);	/* a closed pipe ends the output, not the process */
	sa.sa_handler = on_read_fault;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	status = EXIT_RUNTIME;
	shm = attach(opts.prefix);
	if (shm == NULL)
		goto cleanup;
	pid = shm->primary_pid;
	if (primary_gone(shm, pid, why, sizeof(why))) {
		fprintf(stderr, "vbridge-stat: %s\n", why);
		goto cleanup;
	}
	status = run(&opts, shm, pid);

cleanup:
	return rte_eal_cleanup() ? EXIT_FAILURE : status;
}
