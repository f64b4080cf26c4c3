/* SPDX-License-Identifier: BSD-3-Clause */
/* What a config parse must guarantee whatever its input; abort() makes libFuzzer keep it. */
#ifndef VB_FUZZ_CHECK_H
#define VB_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static inline void
fuzz_check_result(const struct vb_config *cfg, int ret, const char *err)
{
	const struct vb_opt *opts;
	unsigned int n, i, p, s;

	if (ret < 0) {
		/* An error must say something (exit 2 with an empty message is a silent failure). */
		if (err[0] == '\0') {
			fprintf(stderr, "fuzz: error %d with an empty message\n", ret);
			abort();
		}
		if (memchr(err, '\0', 512) == NULL) {
			fprintf(stderr, "fuzz: message not terminated\n");
			abort();
		}
		return;
	}
	opts = vb_config_options(&n);
	for (i = 0; i < n; i++) {
		const void *field = (const char *)cfg + opts[i].offset;
		uint32_t v;

		if (opts[i].type == VB_OPT_UINT || opts[i].type == VB_OPT_POW2) {
			memcpy(&v, field, sizeof(v));
			if (v < opts[i].min || v > opts[i].max) {
				fprintf(stderr, "fuzz: %s = %u accepted, outside %u..%u\n",
					opts[i].key, v, opts[i].min, opts[i].max);
				abort();
			}
			/* 0 may be a documented "automatic" value; otherwise a power of two */
			if (opts[i].type == VB_OPT_POW2 && v != 0 && (v & (v - 1)) != 0) {
				fprintf(stderr, "fuzz: %s = %u accepted, not a power of two\n",
					opts[i].key, v);
				abort();
			}
		}
	}
	if (cfg->nb_pairs > VB_MAX_PAIRS) {
		fprintf(stderr, "fuzz: nb_pairs %u > %d\n", cfg->nb_pairs, VB_MAX_PAIRS);
		abort();
	}
	for (p = 0; p < cfg->nb_pairs; p++)
		for (s = 0; s < 2; s++) {
			const char *name = cfg->pairs[p][s];

			if (memchr(name, '\0', VB_PORT_NAME_LEN) == NULL || name[0] == '\0') {
				fprintf(stderr, "fuzz: pair %u side %u: empty or unterminated\n",
					p, s);
				abort();
			}
		}
}

#endif /* VB_FUZZ_CHECK_H */
