/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge's configuration: built-in defaults, then an INI file (config/vbridge.ini documents
 * every key), then command-line options, each overriding the one before. Parsing needs no EAL:
 * it runs before rte_eal_init() so that a typo is reported without touching hugepages.
 */
#ifndef VB_CONFIG_H
#define VB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sizes.h"

#define VB_MAX_PAIRS	(VB_MAX_PORTS / 2)
#define VB_MAX_BURST	256
#define VB_GROUP_NAME_LEN	32

struct vb_config {
	/* Ports as the user wrote them: an ethdev port id or name. None: 0<->1, 2<->3 ... */
	unsigned int nb_pairs;
	char pairs[VB_MAX_PAIRS][2][VB_PORT_NAME_LEN];
	uint32_t burst;			/* frames per RX burst and per TX flush */
	uint32_t drain_us;		/* longest a frame waits in a TX buffer; 0: never waits */
	uint32_t mtu;			/* L3 MTU of every port */
	uint32_t rx_desc;
	uint32_t tx_desc;
	uint32_t queues;		/* per port; 0: enough for every worker lcore */
	uint32_t mbufs;			/* per NUMA socket; 0: sized from ports and queues */
	bool link_propagation;		/* a port going down takes its peer down */
	uint32_t link_poll_ms;
	/* The classifier: counts and samples, never changes forwarding. */
	bool cls_enabled;
	uint32_t dup_window_ms;		/* how long a broadcast is remembered */
	uint32_t dup_hash_len;		/* bytes of a frame that identify it */
	uint32_t dup_entries;		/* power of two */
	uint32_t mac_entries;		/* power of two */
	uint32_t mac_ageing_s;
	bool mac_unicast;		/* learn from plain unicast frames too (costs a lookup) */
	uint32_t snap_len;		/* bytes kept of a sampled frame */
	uint32_t sample_slots;		/* per worker lcore, power of two */
	uint32_t sample_rate;		/* samples per second per worker lcore, 0: no limit */
	/* Capture: the mirror interface and filters (tcpdump syntax; empty: none). */
	bool mirror;
	char mirror_iface[VB_IFNAME_LEN];
	char mirror_filter[VB_FILTER_TEXT_LEN];
	uint32_t mirror_ring;		/* per worker lcore, power of two */
	char sample_filter[VB_FILTER_TEXT_LEN];
	/* The policy (docs/policy.md): a rules file; empty: none, at no cost. */
	char policy_rules[256];
	char policy_mode[16];		/* enforce or shadow */
	/* Who may read the stats segment besides root; empty: "vbridge" if it exists. */
	char monitor_group[VB_GROUP_NAME_LEN];
	/* --no-strict-files (command line only): accept configuration and rules files that
	 * others may write or that belong to another user (lib/trust.h). */
	bool lax_files;
};

enum vb_opt_type {
	VB_OPT_UINT,
	VB_OPT_POW2,		/* a power of two within [min, max] */
	VB_OPT_BOOL,
	VB_OPT_PAIRS,
	VB_OPT_STRING,		/* text of at most max characters */
	VB_OPT_IFNAME,		/* a network interface name */
	VB_OPT_GROUP,		/* a group name that exists, or empty */
};

/* One configuration key: its INI section and name, and its option --name (with '-' for '_'). */
struct vb_opt {
	const char *section;
	const char *key;
	const char *cli;		/* option name when not the key's ("classifier") */
	enum vb_opt_type type;
	size_t offset;			/* in struct vb_config */
	uint32_t min;
	uint32_t max;
	const char *def;		/* the default as the INI file writes it; NULL: none */
	const char *help;
};

/* Result of vb_config_parse_args() other than 0 and -errno. */
#define VB_CONFIG_HELP		1	/* --help asked for: print usage and exit 0 */
#define VB_CONFIG_VERSION	2	/* --version asked for */

/* The keys, for --help and documentation; *count receives their number. */
const struct vb_opt *vb_config_options(unsigned int *count);

/* The option's name on the command line, without "--" and with '_' where '-' is typed. */
const char *vb_opt_cli_name(const struct vb_opt *opt);

/*
 * Fill cfg with the built-in defaults: each key's def in the table, parsed as a value in the
 * file would be (config/vbridge.ini documents the same values; a unit test checks it).
 */
void vb_config_defaults(struct vb_config *cfg);

/*
 * Apply an INI file on top of cfg. Unless cfg->lax_files, the file must be a trusted one
 * (lib/trust.h: only its owner may write it, owned by root or by us): -EPERM otherwise.
 * Returns 0, or -errno with a message in err naming the
 * file, line, section and key, and what is allowed. Unknown sections and keys, lines that
 * are not "key = value", duplicate keys, empty and out-of-range values are all errors.
 */
int vb_config_load(struct vb_config *cfg, const char *path, char *err, size_t errlen);

/*
 * Apply the application's command line (the part after "--"; argv[0] is the program name):
 * --no-strict-files and --config FILE first, wherever they appear, then the other options
 * in order.
 * Returns 0, VB_CONFIG_HELP, VB_CONFIG_VERSION, or -errno with a message in err.
 */
int vb_config_parse_args(struct vb_config *cfg, int argc, char * const argv[],
		char *err, size_t errlen);

#endif /* VB_CONFIG_H */
