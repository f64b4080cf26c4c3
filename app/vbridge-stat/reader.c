/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Finding and watching the vbridge: the stats segment opened with vb_shm_open() (lib/shm.c),
 * plus what a user at a terminal needs around it: a moment's wait for a vbridge still
 * starting, a DPDK primary that is not vbridge named as such, "has it gone?" between reads.
 * No EAL, no DPDK lock: nothing here can wait on, or leave held, anything of the primary's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stat.h"

#define OPEN_WAIT_NS	(2000ULL * 1000 * 1000)	/* a vbridge still starting up */
#define OPEN_STEP_NS	(50ULL * 1000 * 1000)
#define SLEEP_STEP_NS	(50ULL * 1000 * 1000)	/* liveness checks while sleeping */

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	nanosleep(&ts, NULL);
}

/*
 * Is a DPDK primary running with this file prefix? It holds a write lock on its runtime
 * config file for as long as it lives (what rte_eal_primary_proc_alive() tests); testing it
 * takes no lock. False as well when we may not look (DPDK's directory is root's, 0700).
 */
static bool
dpdk_primary_alive(const char *prefix)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	const char *base = "/var/run";
	char config[PATH_MAX];
	int fd, ret;

	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL)
			base = "/tmp";
	}
	snprintf(config, sizeof(config), "%s/dpdk/%s/config", base, prefix);
	fd = open(config, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ret = fcntl(fd, F_GETLK, &fl);
	close(fd);
	return ret == 0 && fl.l_type != F_UNLCK;
}

static uint32_t
state_of(const struct vb_shm_reader *r)
{
	return __atomic_load_n(&r->shm->state, __ATOMIC_ACQUIRE);
}

static void
say_what(const struct vb_shm_reader *r)
{
	const struct vb_shm *shm = r->shm;

	fprintf(stderr, "vbridge-stat: %s: vbridge pid %d, shared layout %u, %zu bytes, "
		"%u port(s), %u worker(s), state %s\n", r->path, (int)r->pid,
		shm->layout_version, r->len, shm->nb_ports, shm->nb_workers,
		vb_state_name(state_of(r)));
}

int
vb_stat_open(struct vb_shm_reader *r, const struct vb_stat_opts *o)
{
	uint64_t waited = 0;
	char err[PATH_MAX + 256];
	int ret;

	for (;;) {
		ret = vb_shm_open(r, o->prefix, err, sizeof(err));
		if (ret != -ENOENT || waited >= OPEN_WAIT_NS || vb_stat_quitting() ||
		    !dpdk_primary_alive(o->prefix))
			break;
		/* EAL is up but the segment is not there yet: vbridge is starting, or not it. */
		sleep_ns(OPEN_STEP_NS);
		waited += OPEN_STEP_NS;
	}
	if (ret == -ENOENT && waited >= OPEN_WAIT_NS) {
		fprintf(stderr, "vbridge-stat: a DPDK primary runs with file prefix '%s' but it "
			"is not vbridge (it publishes no stats segment: %s)\n", o->prefix, r->path);
		return EXIT_FAILURE;
	}
	if (ret != 0) {
		fprintf(stderr, "vbridge-stat: %s\n", err);
		return EXIT_FAILURE;
	}
	/* Published, but its ports are filled in while it sets them up. */
	while (state_of(r) == VB_STATE_STARTING && waited < OPEN_WAIT_NS && !vb_shm_gone(r) &&
	       !vb_stat_quitting()) {
		sleep_ns(OPEN_STEP_NS);
		waited += OPEN_STEP_NS;
	}
	if (o->verbose)
		say_what(r);
	if (state_of(r) == VB_STATE_STARTING) {
		fprintf(stderr, "vbridge-stat: vbridge (pid %d) is still starting: try again in a "
			"moment\n", (int)r->pid);
		vb_shm_close(r);
		return EXIT_FAILURE;
	}
	if (vb_stat_gone(r, err, sizeof(err))) {
		fprintf(stderr, "vbridge-stat: %s\n", err);
		vb_shm_close(r);
		return EXIT_FAILURE;
	}
	return 0;
}

/* Nobody holds the segment's lock: its vbridge has exited (it may not be reaped yet). */
static bool
lock_free(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	return fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK;
}

bool
vb_stat_gone(const struct vb_shm_reader *r, char *why, size_t len)
{
	if (vb_shm_gone(r)) {
		if (lock_free(r->fd) || (kill(r->pid, 0) != 0 && errno == ESRCH))
			snprintf(why, len, "vbridge (pid %d) has exited", (int)r->pid);
		else
			snprintf(why, len, "vbridge (pid %d) has stopped: its stats segment is "
				 "no longer published (a restarted vbridge has a new one)",
				 (int)r->pid);
	} else if (state_of(r) == VB_STATE_STOPPING) {
		snprintf(why, len, "vbridge (pid %d) is stopping", (int)r->pid);
	} else {
		return false;
	}
	return true;
}

int
vb_stat_sleep(double seconds, bool on_resize, const struct vb_shm_reader *r, char *why,
	      size_t len)
{
	uint64_t left = (uint64_t)(seconds * 1e9);

	while (left > 0) {
		uint64_t step = left < SLEEP_STEP_NS ? left : SLEEP_STEP_NS;

		if (vb_stat_quitting())
			return 1;
		if (vb_stat_gone(r, why, len))
			return -1;
		if (on_resize && vb_stat_resized())
			return 2;
		sleep_ns(step);
		left -= step;
	}
	if (vb_stat_quitting())
		return 1;
	return vb_stat_gone(r, why, len) ? -1 : 0;
}
