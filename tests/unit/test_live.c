/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live reload's key arithmetic (lib/live.c): which keys a reload applies, and the key-by-key
 * difference of two configurations that names what needs a restart.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "live.h"

struct seen {
	unsigned int n;
	char keys[16][48];
};

static void
collect(const struct vb_opt *opt, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		snprintf(s->keys[s->n++], sizeof(s->keys[0]), "%s.%s", opt->section, opt->key);
}

static bool
has(const struct seen *s, const char *key)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->keys[i], key) == 0)
			return true;
	return false;
}

int
main(void)
{
	const struct vb_opt *opts;
	struct vb_config a, b;
	struct seen s = { 0 };
	unsigned int n, i, live = 0;
	char err[256];
	char *argv[] = { "vbridge", "--burst", "64", "--sample-filter", "arp", "--pairs",
			 "(1,0)", "--mac-ageing-s", "60", "--mirror", "on", NULL };

	opts = vb_config_options(&n);
	for (i = 0; i < n; i++)
		if (vb_live_key(&opts[i])) {
			live++;
			CHECK(strcmp(opts[i].key, "mirror_filter") == 0 ||
			      strcmp(opts[i].key, "sample_filter") == 0 ||
			      strcmp(opts[i].key, "dup_window_ms") == 0 ||
			      strcmp(opts[i].key, "mac_ageing_s") == 0, "%s is live", opts[i].key);
		}
	CHECK(live == 4, "%u live keys, expected 4 (a key was renamed?)", live);

	vb_config_defaults(&a);
	vb_config_defaults(&b);
	CHECK(vb_config_diff(&a, &b, collect, &s) == 0 && s.n == 0, "defaults differ: %u", s.n);

	CHECK(vb_config_parse_args(&b, 11, argv, err, sizeof(err)) == 0, "parse: %s", err);
	n = vb_config_diff(&a, &b, collect, &s);
	CHECK(n == 5, "%u keys differ, expected 5", n);
	CHECK(has(&s, "bridge.burst"), "burst not seen");
	CHECK(has(&s, "bridge.pairs"), "pairs not seen");
	CHECK(has(&s, "classifier.sample_filter"), "sample_filter not seen");
	CHECK(has(&s, "classifier.mac_ageing_s"), "mac_ageing_s not seen");
	CHECK(has(&s, "capture.mirror"), "mirror not seen");

	/* The same pairs written again compare equal; one more pair does not. */
	vb_config_defaults(&a);
	a = b;
	s.n = 0;
	CHECK(vb_config_diff(&a, &b, collect, &s) == 0, "a copy differs: %s", s.keys[0]);
	b.nb_pairs++;
	CHECK(vb_config_diff(&a, &b, NULL, NULL) == 1, "an added pair not seen");

	printf("live: %u checks, %d failed\n", checks, failures);
	return failures != 0;
}
