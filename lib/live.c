/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "duptab.h"
#include "live.h"
#include "log.h"
#include "mactab.h"

#define MAC_AGEING_MAX	(UINT64_C(1) << 42)	/* as lib/shm.c sets it up */

static const char *const live_keys[] = {
	"mirror_filter", "sample_filter", "dup_window_ms", "mac_ageing_s",
};

bool
vb_live_key(const struct vb_opt *opt)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(live_keys); i++)
		if (strcmp(opt->key, live_keys[i]) == 0)
			return true;
	return false;
}

static bool
opt_equal(const struct vb_opt *o, const struct vb_config *a, const struct vb_config *b)
{
	const char *pa = (const char *)a + o->offset, *pb = (const char *)b + o->offset;

	switch (o->type) {
	case VB_OPT_UINT:
	case VB_OPT_POW2:
		return *(const uint32_t *)(const void *)pa == *(const uint32_t *)(const void *)pb;
	case VB_OPT_BOOL:
		return *(const bool *)pa == *(const bool *)pb;
	case VB_OPT_PAIRS:
		return a->nb_pairs == b->nb_pairs &&
		       memcmp(a->pairs, b->pairs, sizeof(a->pairs[0]) * a->nb_pairs) == 0;
	case VB_OPT_STRING:
	case VB_OPT_IFNAME:
	case VB_OPT_GROUP:
		return strcmp(pa, pb) == 0;
	}
	return false;
}

unsigned int
vb_config_diff(const struct vb_config *a, const struct vb_config *b,
	       void (*fn)(const struct vb_opt *opt, void *arg), void *arg)
{
	const struct vb_opt *opts;
	unsigned int n, i, diff = 0;

	opts = vb_config_options(&n);
	for (i = 0; i < n; i++)
		if (!opt_equal(&opts[i], a, b)) {
			diff++;
			if (fn != NULL)
				fn(&opts[i], arg);
		}
	return diff;
}

void
vb_live_init(struct vb_live *lv, int argc, char **argv, const struct vb_config *cur,
	     struct vb_shm *shm, struct vb_worker *workers, unsigned int nb_workers,
	     struct rte_rcu_qsbr *qs, const struct vb_fwd_capture *plan)
{
	memset(lv, 0, sizeof(*lv));
	lv->argc = argc;
	lv->argv = argv;
	lv->cur = *cur;
	lv->shm = shm;
	lv->workers = workers;
	lv->nb_workers = nb_workers;
	lv->qs = qs;
	lv->mirror_running = plan->mirror_rings != NULL;
	lv->mirror_cur = plan->mirror_filter;
	lv->sample_cur = plan->sample_filter;
}

/* A new filter for expr ("": none, *out NULL). Returns 0 or -errno with the reason in err. */
static int
filter_new(const char *expr, struct vb_filter **out, char *err, size_t errlen)
{
	struct vb_filter *f;

	*out = NULL;
	if (expr[0] == '\0')
		return 0;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		vb_errf(err, errlen, "out of memory for a filter");
		return -ENOMEM;
	}
	if (vb_filter_compile(f, expr, err, errlen) != 0) {
		free(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

static void
filter_drop(struct vb_filter *f)
{
	if (f == NULL)
		return;
	vb_filter_free(f);
	free(f);
}

/* Publish both filters to every path, then wait until no worker can hold the old ones. */
static void
publish_filters(struct vb_live *lv)
{
	unsigned int w, i;

	for (w = 0; w < lv->nb_workers; w++)
		for (i = 0; i < lv->workers[w].nb_paths; i++) {
			struct vb_path *p = &lv->workers[w].path[i];

			if (p->mirror != NULL)
				__atomic_store_n(&p->mirror_filter, lv->mirror_cur, __ATOMIC_RELEASE);
			if (p->cls.samples != NULL)
				__atomic_store_n(&p->sample_filter, lv->sample_cur, __ATOMIC_RELEASE);
		}
	if (lv->qs != NULL)
		rte_rcu_qsbr_synchronize(lv->qs, RTE_QSBR_THRID_INVALID);
}

/*
 * The text readers show (vbridge-stat, telemetry); torn for an instant at worst. The tail is
 * zeroed first, the NUL at dst[n] included; n is bounded so the memset never underflows.
 */
static void
set_text(char *dst, const char *src)
{
	size_t n = strnlen(src, VB_FILTER_TEXT_LEN - 1);

	memset(dst + n, 0, VB_FILTER_TEXT_LEN - n);
	memcpy(dst, src, n);
}

/* Text appended to a fixed buffer, ", " between items; silently cut when full. */
struct words {
	char buf[768];
	size_t used;
};

static void __rte_format_printf(2, 3)
words_add(struct words *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->used + 3 >= sizeof(w->buf))
		return;
	if (w->used != 0) {
		memcpy(w->buf + w->used, ", ", 3);
		w->used += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->used, sizeof(w->buf) - w->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->used += RTE_MIN((size_t)n, sizeof(w->buf) - w->used - 1);
}

static void
note_restart(const struct vb_opt *opt, void *arg)
{
	if (!vb_live_key(opt))
		words_add(arg, "[%s] %s", opt->section, opt->key);
}

int
vb_live_reload(void *arg, char *err, size_t errlen)
{
	struct vb_live *lv = arg;
	struct vb_filter *mirror = NULL, *sample = NULL;
	struct words applied = { .used = 0 }, restart = { .used = 0 };
	struct vb_config next;
	bool mirror_changed, sample_changed;
	const uint64_t hz = rte_get_tsc_hz();
	char why[512];
	int ret;

	lv->reloads++;
	vb_config_defaults(&next);
	ret = vb_config_parse_args(&next, lv->argc, lv->argv, why, sizeof(why));
	if (ret != 0) {
		lv->failures++;
		vb_errf(err, errlen, "%s", why);
		return ret < 0 ? ret : -EINVAL;
	}

	mirror_changed = strcmp(next.mirror_filter, lv->cur.mirror_filter) != 0;
	sample_changed = strcmp(next.sample_filter, lv->cur.sample_filter) != 0;
	/* The mirror's interface and rings exist only when it was on at start. */
	if (mirror_changed && !lv->mirror_running) {
		mirror_changed = false;
		words_add(&restart, "[capture] mirror_filter (the mirror is off)");
	}
	/* Sampling needs the classifier's rings. */
	if (sample_changed && !lv->cur.cls_enabled) {
		sample_changed = false;
		words_add(&restart, "[classifier] sample_filter (the classifier is off)");
	}
	if (mirror_changed && (ret = filter_new(next.mirror_filter, &mirror, why,
						 sizeof(why))) != 0) {
		lv->failures++;
		vb_errf(err, errlen, "[capture] mirror_filter: %s", why);
		return ret;
	}
	if (sample_changed && (ret = filter_new(next.sample_filter, &sample, why,
						 sizeof(why))) != 0) {
		filter_drop(mirror);
		lv->failures++;
		vb_errf(err, errlen, "[classifier] sample_filter: %s", why);
		return ret;
	}

	/* Everything is checked: from here on nothing fails. */
	if (mirror_changed || sample_changed) {
		struct vb_filter *old_mirror = lv->mirror_own, *old_sample = lv->sample_own;

		if (mirror_changed) {
			lv->mirror_own = mirror;
			lv->mirror_cur = mirror;
		}
		if (sample_changed) {
			lv->sample_own = sample;
			lv->sample_cur = sample;
		}
		publish_filters(lv);
		if (mirror_changed) {
			filter_drop(old_mirror);
			set_text(lv->shm->mirror_filter, next.mirror_filter);
			snprintf(lv->cur.mirror_filter, sizeof(lv->cur.mirror_filter), "%s",
				 next.mirror_filter);
			words_add(&applied, "[capture] mirror_filter '%s'", next.mirror_filter);
		}
		if (sample_changed) {
			filter_drop(old_sample);
			set_text(lv->shm->sample_filter, next.sample_filter);
			snprintf(lv->cur.sample_filter, sizeof(lv->cur.sample_filter), "%s",
				 next.sample_filter);
			words_add(&applied, "[classifier] sample_filter '%s'", next.sample_filter);
		}
	}
	if (lv->cur.cls_enabled && next.dup_window_ms != lv->cur.dup_window_ms) {
		struct vb_duptab_hdr *h = vb_shm_at(lv->shm, lv->shm->cls.dup_off);

		__atomic_store_n(&h->window, hz / 1000 * next.dup_window_ms, __ATOMIC_RELAXED);
		__atomic_store_n(&lv->shm->cls.dup_window_ms, next.dup_window_ms, __ATOMIC_RELAXED);
		lv->cur.dup_window_ms = next.dup_window_ms;
		words_add(&applied, "[classifier] dup_window_ms %u", next.dup_window_ms);
	}
	if (lv->cur.cls_enabled && next.mac_ageing_s != lv->cur.mac_ageing_s) {
		struct vb_mactab_hdr *h = vb_shm_at(lv->shm, lv->shm->cls.mac_off);
		uint32_t units = (uint32_t)(RTE_MIN(hz * next.mac_ageing_s, MAC_AGEING_MAX) >>
					    VB_MAC_TSHIFT);

		__atomic_store_n(&h->refresh, units / 8, __ATOMIC_RELAXED);
		__atomic_store_n(&h->ageing, units, __ATOMIC_RELAXED);
		__atomic_store_n(&lv->shm->cls.mac_ageing_s, next.mac_ageing_s, __ATOMIC_RELAXED);
		lv->cur.mac_ageing_s = next.mac_ageing_s;
		words_add(&applied, "[classifier] mac_ageing_s %u", next.mac_ageing_s);
	}

	/* Everything else keeps its running value: name what changed in the file. */
	vb_config_diff(&lv->cur, &next, note_restart, &restart);
	if (restart.used != 0)
		VB_LOG(WARNING, "reload of config: changed, but kept at the running value until "
		       "a restart: %s", restart.buf);
	/* The reload machinery logs it: "reloaded config: ..." */
	snprintf(err, errlen, "%s", applied.used != 0 ? applied.buf :
		 "nothing that can change while running has changed");
	return 0;
}

void
vb_live_free(struct vb_live *lv)
{
	filter_drop(lv->mirror_own);
	filter_drop(lv->sample_own);
	lv->mirror_own = NULL;
	lv->sample_own = NULL;
}
