/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VB_REPORT_H
#define VB_REPORT_H

#include <stdio.h>

#include "shm.h"

/*
 * Print the final counters to f: one line per direction (dir), then capture (cap, when the
 * mirror or the sample filter is on), mirror (when on) and classifier (cls, when on) lines,
 * each "name=value" in the order of counters.h's lists, so that a counter added to a list is
 * printed too. The formats are a contract with scripts (README): keys are only ever added.
 */
void vb_report_counters(FILE *f, const struct vb_shm *shm);

#endif /* VB_REPORT_H */
