/* SPDX-License-Identifier: BSD-3-Clause */
/* Log types of the vbridge library and programs, registered once in lib/log.c. */
#ifndef VB_LOG_H
#define VB_LOG_H

#include <stddef.h>

#include <rte_common.h>
#include <rte_log.h>

extern int vb_logtype;

/* Control path only: worker lcores never log (house style rule 4). */
#define VB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vb_logtype, "vbridge: " fmt "\n", ##__VA_ARGS__)

/*
 * Set-up functions do not print: they write what went wrong into the caller's err buffer
 * (the caller decides where it goes and which exit status it means). Returns -EINVAL.
 */
int vb_errf(char *err, size_t errlen, const char *fmt, ...) __rte_format_printf(3, 4);

#endif /* VB_LOG_H */
