/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Array sizes that the configuration (config.h) and the shared-memory layout (shm.h) both
 * use. A leaf header, so that config.h needs neither shm.h nor the classifier's headers.
 */
#ifndef VB_SIZES_H
#define VB_SIZES_H

#define VB_MAX_PORTS		32	/* bridge ports, pairs * 2 */
#define VB_PORT_NAME_LEN	64	/* RTE_ETH_NAME_MAX_LEN */
#define VB_FILTER_TEXT_LEN	256	/* a tcpdump expression, with its NUL */
#define VB_IFNAME_LEN		16	/* IFNAMSIZ: the mirror interface's name, with its NUL */

#endif /* VB_SIZES_H */
