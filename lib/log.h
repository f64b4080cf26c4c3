/* SPDX-License-Identifier: BSD-3-Clause */
/* Log types of the vbridge library and programs, registered once in lib/log.c. */
#ifndef VB_LOG_H
#define VB_LOG_H

#include <rte_log.h>

extern int vb_logtype;

/* Control path only: worker lcores never log (house style rule 4). */
#define VB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vb_logtype, "vbridge: " fmt "\n", ##__VA_ARGS__)

#endif /* VB_LOG_H */
