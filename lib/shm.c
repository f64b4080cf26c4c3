/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_string_fns.h>

#include "config.h"
#include "log.h"
#include "shm.h"

const char *
vb_state_name(uint32_t state)
{
	static const char * const names[] = {
		[VB_STATE_STARTING] = "starting",
		[VB_STATE_RUNNING] = "running",
		[VB_STATE_STOPPING] = "stopping",
	};

	return state < RTE_DIM(names) ? names[state] : "unknown";
}

const char *
vb_kif_state_name(uint32_t state)
{
	static const char * const names[VB_KIF_STATES] = {
		[VB_KIF_NONE] = "none",
		[VB_KIF_UNKNOWN] = "unknown",
		[VB_KIF_UP] = "up",
		[VB_KIF_NO_CARRIER] = "no_carrier",
		[VB_KIF_ADMIN_DOWN] = "admin_down",
		[VB_KIF_REMOVED] = "removed",
		[VB_KIF_REPLACED] = "replaced",
	};

	return state < VB_KIF_STATES ? names[state] : "invalid";
}

const char *
vb_kif_state_text(uint32_t state)
{
	static const char * const text[VB_KIF_STATES] = {
		[VB_KIF_NONE] = "no kernel interface",
		[VB_KIF_UNKNOWN] = "state not known yet",
		[VB_KIF_UP] = "up",
		[VB_KIF_NO_CARRIER] = "no carrier",
		[VB_KIF_ADMIN_DOWN] = "set down",
		[VB_KIF_REMOVED] = "interface removed",
		[VB_KIF_REPLACED] = "interface removed, a new one has its name",
	};

	return state < VB_KIF_STATES ? text[state] : "invalid state";
}

/* Lay the classifier's tables out after the header, each on its own cache lines. */
static size_t
layout_cls(const struct vb_config *cfg, unsigned int nb_workers, struct vb_cls_info *ci)
{
	size_t off = RTE_ALIGN_CEIL(sizeof(struct vb_shm), RTE_CACHE_LINE_SIZE);

	memset(ci, 0, sizeof(*ci));
	if (!cfg->cls_enabled)
		return off;
	ci->enabled = 1;
	ci->dup_window_ms = cfg->dup_window_ms;
	ci->dup_hash_len = cfg->dup_hash_len;
	ci->mac_ageing_s = cfg->mac_ageing_s;
	ci->mac_unicast = cfg->mac_unicast;
	ci->snap_len = cfg->snap_len;
	ci->sample_rate = cfg->sample_rate;
	ci->sample_slots = cfg->sample_slots;
	ci->dup_off = off;
	off += RTE_ALIGN_CEIL(vb_duptab_mem_size(cfg->dup_entries), RTE_CACHE_LINE_SIZE);
	ci->mac_off = off;
	off += RTE_ALIGN_CEIL(vb_mactab_mem_size(cfg->mac_entries), RTE_CACHE_LINE_SIZE);
	ci->sample_off = off;
	ci->sample_stride = RTE_ALIGN_CEIL(vb_sample_mem_size(cfg->sample_slots, cfg->snap_len),
					   RTE_CACHE_LINE_SIZE);
	return off + ci->sample_stride * nb_workers;
}

/* The policy's rule table and per-worker counter slots, after the classifier's tables. */
static size_t
layout_pol(const struct vb_config *cfg, unsigned int nb_workers, size_t off,
	   struct vb_pol_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	if (cfg->policy_rules[0] == '\0')
		return off;
	pi->enabled = 1;
	pi->mode = strcmp(cfg->policy_mode, "shadow") == 0;
	pi->nb_slots = VB_POL_SHM_SLOTS;
	strlcpy(pi->path, cfg->policy_rules, sizeof(pi->path));
	off = RTE_ALIGN_CEIL(off, RTE_CACHE_LINE_SIZE);
	pi->table_off = off;
	off += RTE_ALIGN_CEIL(sizeof(struct vb_pol_entry) * pi->nb_slots, RTE_CACHE_LINE_SIZE);
	pi->ctr_off = off;
	pi->ctr_stride = RTE_ALIGN_CEIL(sizeof(struct vb_pol_ctrs) * pi->nb_slots,
					RTE_CACHE_LINE_SIZE);
	return off + pi->ctr_stride * nb_workers;
}

/* The MAC table keeps time in 32 bits of 2^12 ticks: ~25 min at 3 GHz, less on faster TSCs. */
#define MAC_AGEING_MAX	(UINT64_C(1) << 42)

static int
init_cls(struct vb_shm *shm, const struct vb_config *cfg, unsigned int nb_workers)
{
	const uint64_t hz = shm->tsc_hz;
	unsigned int w;

	if (!shm->cls.enabled)
		return 0;
	if (vb_duptab_init(vb_shm_at(shm, shm->cls.dup_off), cfg->dup_entries, cfg->dup_hash_len,
			   hz / 1000 * cfg->dup_window_ms) != 0 ||
	    vb_mactab_init(vb_shm_at(shm, shm->cls.mac_off), cfg->mac_entries,
			   RTE_MIN(hz * cfg->mac_ageing_s, MAC_AGEING_MAX)) != 0)
		return -EINVAL;
	for (w = 0; w < nb_workers; w++)
		if (vb_sample_init(vb_shm_sample_ring(shm, w), cfg->sample_slots, cfg->snap_len,
				   cfg->sample_rate, VB_SAMPLE_BURST_DEF, hz) != 0)
			return -EINVAL;
	return 0;
}

/* Is the directory's file system one whose pages are never written back to a disk? */
static bool
in_memory_fs(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf) != 0)
		return false;
	return sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC;
}

int
vb_shm_path(const char *file_prefix, char *buf, size_t len)
{
	const char *base = getenv(VB_RUN_DIR_ENV);
	int n;

	if (base == NULL || base[0] == '\0')
		base = in_memory_fs("/run") ? VB_RUN_DIR : VB_RUN_DIR_SHM;
	n = snprintf(buf, len, "%s/%s/%s", base, file_prefix, VB_SHM_FILE);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Everything up to the last '/' of path, into buf. */
static void
dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : (size_t)(slash - path);

	if (n >= len)
		n = len - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
}

/*
 * Make dir (mode, group gid, -1: leave) if it is missing, and make sure it is ours: a real
 * directory owned by us that nobody else can write to. /dev/shm is writable by everyone, so
 * someone could have made the directory first to put their own files in it.
 */
static int
own_dir(const char *dir, mode_t mode, gid_t gid, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, mode) != 0 && errno != EEXIST)
		return vb_errf(err, errlen, "cannot create %s: %s%s", dir, strerror(errno),
			    errno == EACCES ? " (not root? set " VB_RUN_DIR_ENV " to a directory "
			    "of yours, for vbridge and vbridge-stat alike)" : "");
	if (lstat(dir, &st) != 0)
		return vb_errf(err, errlen, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return vb_errf(err, errlen, "%s is not a directory of uid %u (it belongs to uid "
			    "%u): remove it, or set " VB_RUN_DIR_ENV " to a directory of yours (for "
			    "vbridge and vbridge-stat alike)", dir, (unsigned int)geteuid(),
			    (unsigned int)st.st_uid);
	if ((gid != (gid_t)-1 && st.st_gid != gid && chown(dir, (uid_t)-1, gid) != 0) ||
	    ((st.st_mode & 07777) != mode && chmod(dir, mode) != 0))
		return vb_errf(err, errlen, "cannot set the owner or mode of %s: %s", dir,
			    strerror(errno));
	return 0;
}

/* Who holds a write lock on the file (its pid), 0 when nobody does, or -errno. */
static int
lock_holder(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &fl) != 0)
		return -errno;
	return fl.l_type == F_UNLCK ? 0 : (int)fl.l_pid;
}

/*
 * The group that may read the segment: the configured one, else "vbridge" if it exists
 * (*shared set); else nobody's but ours (our own group, owner-only modes: root only).
 */
static int
segment_group(const struct vb_config *cfg, gid_t *gid, bool *shared, char *err,
	      size_t errlen)
{
	const struct group *gr;

	*gid = getegid();
	*shared = true;
	if (cfg->monitor_group[0] == '\0') {
		gr = getgrnam(VB_MONITOR_GROUP);
		if (gr != NULL)
			*gid = gr->gr_gid;
		else
			*shared = false;
		return 0;
	}
	gr = getgrnam(cfg->monitor_group);
	if (gr == NULL)
		return vb_errf(err, errlen, "[monitor] group: no group '%s' on this system",
			    cfg->monitor_group);
	*gid = gr->gr_gid;
	return 0;
}

/* Fill the header of a new, zeroed segment; everything but the magic. */
static int
init_header(struct vb_shm *shm, const struct vb_config *cfg, unsigned int nb_workers,
	    const struct vb_cls_info *ci, const struct vb_pol_info *pi, size_t total)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	shm->layout_version = VB_LAYOUT_VERSION;
	shm->size = sizeof(*shm);
	shm->total_size = total;
	shm->tsc_hz = rte_get_tsc_hz();
	shm->start_tsc = rte_get_tsc_cycles();
	shm->start_unix_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	shm->primary_pid = getpid();
	shm->state = VB_STATE_STARTING;
	shm->nb_workers = nb_workers;
	shm->burst = cfg->burst;
	shm->drain_us = cfg->drain_us;
	shm->link_propagation = cfg->link_propagation;
	shm->cls = *ci;
	shm->pol = *pi;
	shm->mirror_enabled = cfg->mirror;
	strlcpy(shm->mirror_iface, cfg->mirror_iface, sizeof(shm->mirror_iface));
	strlcpy(shm->mirror_filter, cfg->mirror_filter, sizeof(shm->mirror_filter));
	strlcpy(shm->sample_filter, cfg->sample_filter, sizeof(shm->sample_filter));
	return init_cls(shm, cfg, nb_workers);
}

int
vb_shm_create(struct vb_shm_writer *w, const struct vb_config *cfg, unsigned int nb_workers,
	      char *err, size_t errlen)
{
	char dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX + 32];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	const char *prefix;
	struct vb_cls_info ci;
	struct vb_pol_info pi;
	size_t total;
	void *addr;
	bool shared;
	gid_t gid;
	int ret, fd, holder;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	prefix = strrchr(rte_eal_get_runtime_dir(), '/');
	prefix = prefix == NULL ? rte_eal_get_runtime_dir() : prefix + 1;
	if (vb_shm_path(prefix, w->path, sizeof(w->path)) != 0)
		return vb_errf(err, errlen, "stats segment: path too long for prefix '%s'", prefix);
	ret = segment_group(cfg, &gid, &shared, err, errlen);
	if (ret != 0)
		return ret;
	dir_of(w->path, dir, sizeof(dir));
	dir_of(dir, base, sizeof(base));
	ret = own_dir(base, 0755, (gid_t)-1, err, errlen);
	if (ret == 0)
		ret = own_dir(dir, shared ? 0750 : 0700, gid, err, errlen);
	if (ret != 0)
		return ret;

	/* A live vbridge with this prefix (EAL refuses a second primary, but be sure). */
	fd = open(w->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		holder = lock_holder(fd);
		close(fd);
		if (holder > 0 && holder != getpid()) {
			vb_errf(err, errlen, "%s is held by a running vbridge (pid %d) with the "
				"same file prefix", w->path, holder);
			return -EEXIST;
		}
	}

	/* A new file, complete before it gets its name: a reader never sees half of one. */
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d", dir, VB_SHM_FILE, (int)getpid());
	unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vb_errf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
	w->fd = fd;
	total = layout_pol(cfg, nb_workers, layout_cls(cfg, nb_workers, &ci), &pi);
	if (fchown(fd, (uid_t)-1, gid) != 0 || fchmod(fd, shared ? 0640 : 0600) != 0 ||
	    fcntl(fd, F_SETLK, &fl) != 0 || ftruncate(fd, (off_t)total) != 0) {
		ret = vb_errf(err, errlen, "cannot set up %s: %s", tmp, strerror(errno));
		goto fail;
	}
	/* Populated now, so that no worker takes a page fault on its first frame. */
	addr = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (addr == MAP_FAILED) {
		ret = vb_errf(err, errlen, "cannot map %s (%zu bytes): %s", tmp, total,
			   strerror(errno));
		goto fail;
	}
	w->shm = addr;
	w->len = total;
	/* Never swapped out under a worker; without the privilege it still works. */
	if (mlock(addr, total) != 0)
		VB_LOG(NOTICE, "stats segment: not locked in memory (%s)", strerror(errno));
	if (init_header(w->shm, cfg, nb_workers, &ci, &pi, total) != 0) {
		ret = vb_errf(err, errlen, "stats segment: bad classifier table sizes");
		goto fail;
	}
	/* Magic last: a reader that sees it sees an initialised header. */
	__atomic_store_n(&w->shm->magic, VB_SHM_MAGIC, __ATOMIC_RELEASE);
	if (rename(tmp, w->path) != 0) {
		ret = vb_errf(err, errlen, "cannot publish %s: %s", w->path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	if (w->shm != NULL)
		munmap(w->shm, w->len);
	close(fd);
	w->shm = NULL;
	w->fd = -1;
	return ret;
}

void
vb_shm_unpublish(struct vb_shm_writer *w)
{
	struct stat st, mine;

	if (w->fd < 0 || w->path[0] == '\0')
		return;
	/* Only our own file: a newer vbridge may have replaced it (it cannot while we live). */
	if (fstat(w->fd, &mine) == 0 && stat(w->path, &st) == 0 && st.st_ino == mine.st_ino &&
	    st.st_dev == mine.st_dev)
		unlink(w->path);
	w->path[0] = '\0';
}

void
vb_shm_free(struct vb_shm_writer *w)
{
	if (w->fd < 0)
		return;
	vb_shm_unpublish(w);
	if (w->shm != NULL)
		munmap(w->shm, w->len);
	close(w->fd);
	w->shm = NULL;
	w->fd = -1;
}

void
vb_shm_eth_write(struct vb_port_info *pi, const struct vb_eth_ctrs *eth, int error,
		 uint64_t tsc)
{
	uint32_t seq = pi->eth_seq;
	unsigned int i;

	/* A seqlock with one writer: odd while writing, readers retry. */
	__atomic_store_n(&pi->eth_seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (i = 0; i < VB_ETH_CTRS; i++)
		__atomic_store_n(vb_ctr_ptr(&pi->eth, &vb_eth_ctr_desc[i]),
				 vb_ctr_get(eth, &vb_eth_ctr_desc[i]), __ATOMIC_RELAXED);
	__atomic_store_n(&pi->eth_error, error, __ATOMIC_RELAXED);
	__atomic_store_n(&pi->eth_tsc, tsc, __ATOMIC_RELAXED);
	__atomic_store_n(&pi->eth_seq, seq + 2, __ATOMIC_RELEASE);
}

#define ETH_READ_TRIES	1000	/* the writer holds it for a few stores, every 10 ms */

void
vb_shm_eth_read(const struct vb_port_info *pi, struct vb_eth_ctrs *eth, int *error,
		uint64_t *tsc)
{
	unsigned int tries, i;
	uint32_t s1, s2;

	for (tries = 0; tries < ETH_READ_TRIES; tries++) {
		s1 = __atomic_load_n(&pi->eth_seq, __ATOMIC_ACQUIRE);
		for (i = 0; i < VB_ETH_CTRS; i++)
			*vb_ctr_ptr(eth, &vb_eth_ctr_desc[i]) =
				vb_ctr_get(&pi->eth, &vb_eth_ctr_desc[i]);
		*error = __atomic_load_n(&pi->eth_error, __ATOMIC_RELAXED);
		*tsc = __atomic_load_n(&pi->eth_tsc, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&pi->eth_seq, __ATOMIC_RELAXED);
		if (s1 == s2 && (s1 & 1) == 0)
			return;
		sched_yield();
	}
	/* A writer stuck half-way (it was killed mid-copy): each field is whole anyway. */
}

/* The name of the group that owns path's directory, for "join group X". */
static void
group_of(const char *path, char *buf, size_t len)
{
	char dir[PATH_MAX];
	const struct group *gr;
	struct stat st;

	dir_of(path, dir, sizeof(dir));
	buf[0] = '\0';
	if (stat(dir, &st) != 0)
		return;
	gr = getgrgid(st.st_gid);
	if (gr != NULL)
		snprintf(buf, len, "%s", gr->gr_name);
	else
		snprintf(buf, len, "%u", (unsigned int)st.st_gid);
	if (st.st_gid == 0)
		buf[0] = '\0';	/* root's: nobody is meant to join it */
}

static int
open_refused(const char *path, char *err, size_t errlen)
{
	const struct passwd *pw = getpwuid(geteuid());
	char grp[64];

	group_of(path, grp, sizeof(grp));
	if (grp[0] == '\0')
		snprintf(err, errlen, "not allowed to read %s: only root may (vbridge's "
			 "[monitor] group names a group that may read it)", path);
	else
		snprintf(err, errlen, "not allowed to read %s: join the group '%s' (as root: "
			 "usermod -aG %s %s, then log in again) or run as root", path, grp, grp,
			 pw != NULL ? pw->pw_name : "USER");
	return -EACCES;
}

/* Checks on a mapped header, which may come from anyone who could write the file. */
static int
check_header(const struct vb_shm *shm, size_t len, const char *path, char *err,
	     size_t errlen)
{
	uint64_t end;

	if (shm->size != sizeof(*shm)) {
		snprintf(err, errlen, "%s: shared layout version %u with a header of %u bytes, "
			 "this reader's has %zu: built from different sources? Use the vbridge-stat "
			 "built with that vbridge", path, shm->layout_version, shm->size,
			 sizeof(*shm));
		return -EPROTO;
	}
	end = shm->cls.sample_off + (uint64_t)shm->cls.sample_stride * shm->nb_workers;
	if (shm->total_size > len || shm->total_size < sizeof(*shm) ||
	    shm->nb_ports > VB_MAX_PORTS || shm->nb_workers > VB_MAX_WORKERS ||
	    (shm->cls.enabled && (shm->cls.dup_off >= shm->total_size ||
				  shm->cls.mac_off >= shm->total_size ||
				  end > shm->total_size))) {
		snprintf(err, errlen, "%s: the header does not fit the file (%zu bytes): not a "
			 "whole vbridge segment", path, len);
		return -EPROTO;
	}
	return 0;
}

int
vb_shm_open(struct vb_shm_reader *r, const char *file_prefix, char *err, size_t errlen)
{
	struct {
		uint64_t magic;
		uint32_t layout_version;
	} head;
	struct stat st;
	void *addr;
	int ret, holder;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (vb_shm_path(file_prefix, r->path, sizeof(r->path)) != 0) {
		snprintf(err, errlen, "file prefix '%s' is too long", file_prefix);
		return -ENAMETOOLONG;
	}
	r->fd = open(r->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd < 0) {
		ret = -errno;
		if (ret == -EACCES)
			return open_refused(r->path, err, errlen);
		if (ret == -ENOENT || ret == -ENOTDIR)
			snprintf(err, errlen, "no vbridge running with file prefix '%s' (no %s)",
				 file_prefix, r->path);
		else
			snprintf(err, errlen, "cannot open %s: %s", r->path, strerror(-ret));
		return ret == -ENOTDIR ? -ENOENT : ret;
	}
	/* Only root's, or our own: nobody else may publish counters we would believe. */
	if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		snprintf(err, errlen, "%s is not vbridge's: not a file of root's", r->path);
		ret = -EPROTO;
		goto fail;
	}
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	if ((size_t)st.st_size < sizeof(head) ||
	    pread(r->fd, &head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
	    head.magic != VB_SHM_MAGIC) {
		snprintf(err, errlen, "%s is not a vbridge stats segment (no magic)", r->path);
		ret = -EPROTO;
		goto fail;
	}
	holder = lock_holder(r->fd);
	if (holder <= 0) {
		int32_t pid = 0;

		if (pread(r->fd, &pid, sizeof(pid), offsetof(struct vb_shm, primary_pid)) !=
		    (ssize_t)sizeof(pid))
			pid = 0;
		snprintf(err, errlen, "no vbridge running with file prefix '%s': %s is left from "
			 "a process that has exited (pid %d); the next vbridge with this prefix "
			 "replaces it", file_prefix, r->path, (int)pid);
		ret = -ESRCH;
		goto fail;
	}
	if (head.layout_version != VB_LAYOUT_VERSION) {
		snprintf(err, errlen, "this vbridge (pid %d) publishes shared layout version %u, "
			 "this reader reads version %d: use the vbridge-stat built with that "
			 "vbridge", holder, head.layout_version, VB_LAYOUT_VERSION);
		ret = -EPROTO;
		goto fail;
	}
	/* The primary sized the file before naming it and never shrinks it. */
	if ((size_t)st.st_size < sizeof(struct vb_shm)) {
		snprintf(err, errlen, "%s: %zu bytes, shorter than a header: not a whole "
			 "vbridge segment", r->path, (size_t)st.st_size);
		ret = -EPROTO;
		goto fail;
	}
	addr = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, r->fd, 0);
	if (addr == MAP_FAILED) {
		ret = -errno;
		snprintf(err, errlen, "cannot map %s: %s", r->path, strerror(-ret));
		goto fail;
	}
	r->shm = addr;
	r->len = (size_t)st.st_size;
	ret = check_header(r->shm, r->len, r->path, err, errlen);
	if (ret != 0)
		goto fail;
	r->pid = r->shm->primary_pid;
	return 0;
fail:
	vb_shm_close(r);
	return ret;
}

bool
vb_shm_gone(const struct vb_shm_reader *r)
{
	struct stat st;

	if (r->fd < 0)
		return true;
	if (lock_holder(r->fd) == 0)
		return true;
	return stat(r->path, &st) != 0 || st.st_ino != r->ino || st.st_dev != r->dev;
}

void
vb_shm_close(struct vb_shm_reader *r)
{
	if (r->shm != NULL)
		munmap((void *)(uintptr_t)r->shm, r->len);
	if (r->fd >= 0)
		close(r->fd);
	r->shm = NULL;
	r->len = 0;
	r->fd = -1;
}

/* The receive counters, which a worker adds to before the frames' fate (sent or dropped). */
static bool
is_rx(const struct vb_ctr_desc *d)
{
	return d->off == offsetof(struct vb_dir_ctrs, rx_frames) ||
	       d->off == offsetof(struct vb_dir_ctrs, rx_bytes);
}

/* Each counter summed over the worker lcores, relaxed loads, as the group's list says. */
void
vb_shm_sum_dir(const struct vb_shm *shm, unsigned int bridge_port, struct vb_dir_ctrs *sum)
{
	unsigned int lc, i;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < shm->nb_workers; lc++) {
		const struct vb_dir_ctrs *d = &shm->lcore[lc].dir[bridge_port];

		/*
		 * TX and drops first, RX after: the worker adds a frame to rx before it is
		 * sent or dropped, so read in this order a sum never has tx + dropped > rx
		 * (read RX first, a burst sent in between showed tx 32 above rx).
		 */
		for (i = 0; i < VB_DIR_ALL_CTRS; i++)
			if (!is_rx(&vb_dir_all_desc[i]))
				*vb_ctr_ptr(sum, &vb_dir_all_desc[i]) += vb_ctr_get(d, &vb_dir_all_desc[i]);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		for (i = 0; i < VB_DIR_ALL_CTRS; i++)
			if (is_rx(&vb_dir_all_desc[i]))
				*vb_ctr_ptr(sum, &vb_dir_all_desc[i]) += vb_ctr_get(d, &vb_dir_all_desc[i]);
	}
}

void
vb_shm_sum_cls(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cls_ctrs *sum)
{
	unsigned int lc;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < shm->nb_workers; lc++)
		vb_ctr_sum(sum, &shm->lcore[lc].cls[bridge_port], vb_cls_ctr_desc,
			   VB_CLS_CTR_COUNT);
}

void
vb_shm_sum_cap(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cap_ctrs *sum)
{
	unsigned int lc;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < shm->nb_workers; lc++)
		vb_ctr_sum(sum, &shm->lcore[lc].cap[bridge_port], vb_cap_ctr_desc, VB_CAP_CTRS);
}

unsigned int
vb_shm_read_tables(const struct vb_shm *shm, uint64_t now, struct vb_table_ctrs *t,
		   struct vb_mac_entry *top, unsigned int max)
{
	unsigned int nb_workers = RTE_MIN(shm->nb_workers, (uint16_t)VB_MAX_WORKERS), w;
	unsigned int nb_top = 0;
	const void *dup, *mac;
	uint32_t live = 0;

	memset(t, 0, sizeof(*t));
	if (!shm->cls.enabled)
		return 0;
	t->dup_window_ms = shm->cls.dup_window_ms;
	t->mac_ageing_s = shm->cls.mac_ageing_s;
	t->snap_len = shm->cls.snap_len;
	t->sample_rate = shm->cls.sample_rate;
	t->sample_slots = shm->cls.sample_slots;
	dup = vb_shm_at(shm, shm->cls.dup_off);
	mac = vb_shm_at(shm, shm->cls.mac_off);
	if (dup != NULL) {
		t->dup_entries = vb_duptab_entries(dup);
		t->dup_live = vb_duptab_occupancy(dup, now);
	}
	if (mac != NULL) {
		t->mac_entries = vb_mactab_entries(mac);
		if (top != NULL)
			nb_top = vb_mactab_top(mac, now, top, max, &live);
		else
			live = vb_mactab_occupancy(mac, now);
		t->mac_live = live;
	}
	for (w = 0; w < nb_workers; w++) {
		const void *ring = vb_shm_sample_ring(shm, w);
		struct vb_sample_ctrs c;

		if (vb_sample_nb_slots(ring) == 0)
			continue;
		vb_sample_ctrs_read(ring, &c);
		t->samples_written += c.written;
		t->samples_overwritten += c.overwritten;
		t->samples_suppressed += c.suppressed;
	}
	return nb_top;
}

void
vb_shm_sum_rule(const struct vb_shm *shm, uint32_t slot, struct vb_pol_ctrs *sum)
{
	unsigned int w;

	memset(sum, 0, sizeof(*sum));
	if (shm->pol.ctr_off == 0 || slot >= shm->pol.nb_slots)
		return;
	for (w = 0; w < shm->nb_workers; w++) {
		const struct vb_pol_ctrs *c = &vb_shm_pol_ctrs(shm, w)[slot];
		uint64_t last = vb_ctr_read(&c->last_tsc);

		sum->frames += vb_ctr_read(&c->frames);
		sum->bytes += vb_ctr_read(&c->bytes);
		if (last > sum->last_tsc)
			sum->last_tsc = last;
	}
}

int
vb_shm_pol_read(const struct vb_shm *shm, struct vb_pol_entry *out, unsigned int max)
{
	const struct vb_pol_entry *table = vb_shm_at(shm, shm->pol.table_off);
	unsigned int tries, n;
	uint32_t s1, s2;

	if (table == NULL)
		return 0;
	for (tries = 0; tries < 1000; tries++) {
		s1 = __atomic_load_n(&shm->pol.seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			usleep(100);
			continue;
		}
		n = RTE_MIN(__atomic_load_n(&shm->pol.nb_rules, __ATOMIC_RELAXED), max);
		n = RTE_MIN(n, shm->pol.nb_slots);
		memcpy(out, table, sizeof(*out) * n);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&shm->pol.seq, __ATOMIC_RELAXED);
		if (s1 == s2)
			return (int)n;
	}
	return -EAGAIN;
}
