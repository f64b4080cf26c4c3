/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /vbridge/... telemetry commands, served by the primary's telemetry thread from the shared
 * counters, so dpdk-telemetry.py works also when vbridge runs with --no-huge (no secondary).
 */
#ifndef VB_TELEMETRY_H
#define VB_TELEMETRY_H

#include "shm.h"

/* Register the commands, which read shm; 0 or -errno. */
int vb_telemetry_register(const struct vb_shm *shm);

/* Make the commands answer -ENODEV from now on, before shm is freed (DPDK 22.11 has no way
 * to unregister a command). */
void vb_telemetry_unregister(void);

#endif /* VB_TELEMETRY_H */
