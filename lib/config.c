/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "config.h"
#include "duptab.h"
#include "log.h"
#include "mactab.h"
#include "sample.h"
#include "trust.h"

#define OPT_AT(sec, name, field, option, kind, lo, hi, dflt, text) { \
	.section = sec, .key = name, .cli = option, .type = kind, \
	.offset = offsetof(struct vb_config, field), .min = lo, .max = hi, .def = dflt, \
	.help = text }
#define OPT(sec, name, kind, lo, hi, dflt, text) \
	OPT_AT(sec, #name, name, NULL, kind, lo, hi, dflt, text)

/*
 * Every key, once, with its range and its default (as the INI file writes it): the INI
 * parser, the command line, the defaults and --help all read this table. Keys of a section
 * stand together; the sections the file may have are the ones named here, in this order.
 */
static const struct vb_opt options[] = {
	OPT("bridge", pairs, VB_OPT_PAIRS, 0, 0, NULL,
	    "port pairs, l2fwd style: (0,1),(2,3); ports by id or ethdev name"),
	OPT("bridge", burst, VB_OPT_UINT, 1, VB_MAX_BURST, "32",
	    "frames per RX burst and per TX flush"),
	OPT("bridge", drain_us, VB_OPT_UINT, 0, 100000, "100",
	    "longest a frame waits in a TX buffer, us (0: flush every burst)"),
	OPT("bridge", link_propagation, VB_OPT_BOOL, 0, 1, "off",
	    "a port going down takes its peer down (on/off)"),
	OPT("bridge", link_poll_ms, VB_OPT_UINT, 10, 10000, "100",
	    "how often the main lcore reads link state, ms"),
	OPT("ports", mtu, VB_OPT_UINT, 68, 9600, "1500",
	    "MTU of every port, bytes (frames up to MTU + 14 + 2 VLAN tags)"),
	OPT("ports", queues, VB_OPT_UINT, 0, 16, "0",
	    "RX/TX queue pairs per port (0: one per worker lcore and direction)"),
	OPT("ports", rx_desc, VB_OPT_UINT, 64, 16384, "1024", "RX descriptors per queue"),
	OPT("ports", tx_desc, VB_OPT_UINT, 64, 16384, "1024", "TX descriptors per queue"),
	OPT("ports", mbufs, VB_OPT_UINT, 0, 4194304, "0",
	    "mbufs per NUMA socket (0: sized from ports, queues and lcores)"),
	OPT_AT("classifier", "enabled", cls_enabled, "classifier", VB_OPT_BOOL, 0, 1, "on",
	       "count and sample ARP, ND, duplicated/reflected broadcasts, MAC moves"),
	OPT("classifier", dup_window_ms, VB_OPT_UINT, 1, 10000, "50",
	    "how long a broadcast is remembered to spot its copies, ms"),
	OPT("classifier", dup_hash_len, VB_OPT_UINT, 14, 9600, RTE_STR(VB_DUPTAB_DEF_HASH_LEN),
	    "bytes of a frame hashed to recognise its copies"),
	OPT("classifier", dup_entries, VB_OPT_POW2, VB_DUPTAB_MIN_ENTRIES, VB_DUPTAB_MAX_ENTRIES,
	    "4096", "duplicate-table entries (a power of two)"),
	OPT("classifier", mac_entries, VB_OPT_POW2, VB_MACTAB_MIN_ENTRIES, VB_MACTAB_MAX_ENTRIES,
	    "16384", "MAC-table entries (a power of two)"),
	OPT("classifier", mac_ageing_s, VB_OPT_UINT, 1, 600, "300",
	    "seconds after which an unseen MAC is forgotten"),
	OPT("classifier", mac_unicast, VB_OPT_BOOL, 0, 1, "off",
	    "learn MACs from plain unicast frames too (a table lookup per frame)"),
	OPT("classifier", snap_len, VB_OPT_UINT, 14, VB_SAMPLE_SNAP_MAX, RTE_STR(VB_SAMPLE_SNAP_DEF),
	    "bytes kept of a sampled frame"),
	OPT("classifier", sample_slots, VB_OPT_POW2, 2, VB_SAMPLE_SLOTS_MAX,
	    RTE_STR(VB_SAMPLE_SLOTS_DEF), "samples kept per worker lcore (a power of two)"),
	OPT("classifier", sample_rate, VB_OPT_UINT, 0, 1000000, RTE_STR(VB_SAMPLE_RATE_DEF),
	    "samples per second per worker lcore at most (0: no limit)"),
	OPT("classifier", sample_filter, VB_OPT_STRING, 0, VB_FILTER_TEXT_LEN - 1, "",
	    "also sample frames that match this tcpdump expression"),
	OPT("capture", mirror, VB_OPT_BOOL, 0, 1, "off",
	    "copy bridged frames to a kernel TAP interface for tcpdump (on/off)"),
	OPT("capture", mirror_iface, VB_OPT_IFNAME, 1, VB_IFNAME_LEN - 1, "vbmirror0",
	    "name of the mirror interface"),
	OPT("capture", mirror_filter, VB_OPT_STRING, 0, VB_FILTER_TEXT_LEN - 1, "",
	    "mirror only frames that match this tcpdump expression (empty: all)"),
	OPT("capture", mirror_ring, VB_OPT_POW2, 64, 65536, "1024",
	    "frames waiting for the mirror, per worker lcore (a power of two)"),
	OPT_AT("monitor", "group", monitor_group, "monitor-group", VB_OPT_GROUP, 0,
	       VB_GROUP_NAME_LEN - 1, "",
	       "group that may read the stats segment (empty: vbridge if it exists, else root)"),
	OPT_AT("policy", "rules", policy_rules, "policy", VB_OPT_STRING, 0, 255, "",
	       "rules file: permit/deny, first match wins (docs/policy.md); empty: none"),
	OPT_AT("policy", "mode", policy_mode, "policy-mode", VB_OPT_STRING, 0, 15, "enforce",
	       "enforce (drop what the rules deny) or shadow (forward it, count it)"),
};

static int apply(struct vb_config *cfg, const struct vb_opt *opt, const char *value,
		 char *why, size_t whylen);

void
vb_config_defaults(struct vb_config *cfg)
{
	char why[160];
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < RTE_DIM(options); i++) {
		if (options[i].def == NULL)
			continue;
		/* A default outside its own range is a bug of this table: any test finds it. */
		if (apply(cfg, &options[i], options[i].def, why, sizeof(why)) != 0) {
			fprintf(stderr, "vbridge: built-in default of [%s] %s: %s\n",
				options[i].section, options[i].key, why);
			abort();
		}
	}
}

const char *
vb_opt_cli_name(const struct vb_opt *opt)
{
	return opt->cli != NULL ? opt->cli : opt->key;
}

const struct vb_opt *
vb_config_options(unsigned int *count)
{
	*count = RTE_DIM(options);
	return options;
}

static const struct vb_opt *
find_option(const char *section, const char *key)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(options); i++)
		if ((section == NULL || strcmp(options[i].section, section) == 0) &&
		    strcmp(options[i].key, key) == 0)
			return &options[i];
	return NULL;
}

/* A section stands for the index of its first key in the table; -1: no such section. */
static int
section_index(const char *section)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(options); i++)
		if (strcmp(options[i].section, section) == 0)
			return (int)i;
	return -1;
}

/* "[bridge], [ports], ...": the sections of the table, for the message refusing another. */
static void
known_sections(char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(options) && used < len; i++)
		if (section_index(options[i].section) == (int)i)
			used += snprintf(buf + used, len - used, "%s[%s]", used > 0 ? ", " : "",
					 options[i].section);
}

/* Decimal only: a leading 0 is not octal, a sign is not a wrap-around. */
static int
parse_uint(const char *text, uint32_t min, uint32_t max, uint32_t *out, char *why, size_t whylen)
{
	unsigned long long v;
	char *end;

	if (*text == '\0') {
		snprintf(why, whylen, "empty value, expected a number from %u to %u", min, max);
		return -EINVAL;
	}
	if (!isdigit((unsigned char)*text)) {
		snprintf(why, whylen, "'%s' is not a number from %u to %u", text, min, max);
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end != '\0') {
		snprintf(why, whylen, "'%s' is not a number from %u to %u", text, min, max);
		return -EINVAL;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(why, whylen, "%s is out of range: from %u to %u", text, min, max);
		return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
parse_bool(const char *text, bool *out, char *why, size_t whylen)
{
	static const char * const yes[] = { "on", "yes", "true", "1" };
	static const char * const no[] = { "off", "no", "false", "0" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(yes); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(why, whylen, "'%s' is not on or off", text);
	return -EINVAL;
}

/* Copy one port reference out of text up to a stop character, trimming blanks. */
static const char *
parse_port_ref(const char *p, char stop, char *out, char *why, size_t whylen)
{
	const char *start, *end;

	while (isblank((unsigned char)*p))
		p++;
	start = p;
	while (*p != '\0' && *p != stop && *p != '(' && *p != ')' && *p != ',')
		p++;
	end = p;
	while (end > start && isblank((unsigned char)end[-1]))
		end--;
	if (*p != stop) {
		snprintf(why, whylen, "expected '%c' after '%.*s'", stop, (int)(p - start), start);
		return NULL;
	}
	if (end == start) {
		snprintf(why, whylen, "a port is missing before '%c'", stop);
		return NULL;
	}
	if ((size_t)(end - start) >= VB_PORT_NAME_LEN) {
		snprintf(why, whylen, "port name '%.*s' is longer than %d characters",
			 (int)(end - start), start, VB_PORT_NAME_LEN - 1);
		return NULL;
	}
	memcpy(out, start, end - start);
	out[end - start] = '\0';
	return p + 1;
}

/* "(a,b),(c,d)": the syntax of l2fwd's --portmap, which DPDK users already know. */
static int
parse_pairs(const char *text, struct vb_config *cfg, char *why, size_t whylen)
{
	char pair[VB_MAX_PAIRS][2][VB_PORT_NAME_LEN];
	unsigned int n = 0, i, j, s;
	const char *p = text;

	for (;;) {
		while (isblank((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (n > 0) {
			if (*p != ',') {
				snprintf(why, whylen, "expected ',' between pairs at '%s'", p);
				return -EINVAL;
			}
			p++;
			while (isblank((unsigned char)*p))
				p++;
		}
		if (*p != '(') {
			snprintf(why, whylen, "expected '(' at '%s' (syntax: (0,1),(2,3))", p);
			return -EINVAL;
		}
		if (n == VB_MAX_PAIRS) {
			snprintf(why, whylen, "more than %d pairs", VB_MAX_PAIRS);
			return -EINVAL;
		}
		p = parse_port_ref(p + 1, ',', pair[n][0], why, whylen);
		if (p == NULL)
			return -EINVAL;
		p = parse_port_ref(p, ')', pair[n][1], why, whylen);
		if (p == NULL)
			return -EINVAL;
		n++;
	}
	if (n == 0) {
		snprintf(why, whylen, "no pairs given (syntax: (0,1),(2,3))");
		return -EINVAL;
	}
	/* Same spelling twice; port.c checks again once names are resolved to port ids. */
	for (i = 0; i < n * 2; i++)
		for (j = i + 1; j < n * 2; j++)
			if (strcmp(pair[i / 2][i % 2], pair[j / 2][j % 2]) == 0) {
				s = i / 2 == j / 2;
				snprintf(why, whylen, "port %s %s", pair[i / 2][i % 2],
					 s ? "is paired with itself" : "is in two pairs");
				return -EINVAL;
			}
	memcpy(cfg->pairs, pair, sizeof(pair));
	cfg->nb_pairs = n;
	return 0;
}

/*
 * Free text (a filter: checked by libpcap when vbridge starts), or an interface name:
 * letters, digits, '_', '-', '.', as the kernel accepts.
 */
static int
parse_text(const char *text, uint32_t max, bool ifname, char *out, char *why, size_t whylen)
{
	const char *c;

	if (strlen(text) > max) {
		snprintf(why, whylen, "longer than %u characters", max);
		return -EINVAL;
	}
	if (ifname) {
		if (*text == '\0') {
			snprintf(why, whylen, "empty interface name");
			return -EINVAL;
		}
		for (c = text; *c != '\0'; c++)
			if (!isalnum((unsigned char)*c) && strchr("_-.", *c) == NULL) {
				snprintf(why, whylen, "'%s' is not an interface name", text);
				return -EINVAL;
			}
	}
	strlcpy(out, text, max + 1);
	return 0;
}

/* A group that exists now (vbridge sets the segment's group to it), or empty: the default. */
static int
parse_group(const char *text, uint32_t max, char *out, char *why, size_t whylen)
{
	if (strlen(text) > max) {
		snprintf(why, whylen, "longer than %u characters", max);
		return -EINVAL;
	}
	if (*text != '\0' && getgrnam(text) == NULL) {
		snprintf(why, whylen, "no group '%s' on this system (create it with groupadd %s, "
			 "or leave the key empty: root only)", text, text);
		return -EINVAL;
	}
	strlcpy(out, text, max + 1);
	return 0;
}

static int
apply(struct vb_config *cfg, const struct vb_opt *opt, const char *value,
      char *why, size_t whylen)
{
	void *field = (char *)cfg + opt->offset;

	switch (opt->type) {
	case VB_OPT_UINT:
		return parse_uint(value, opt->min, opt->max, field, why, whylen);
	case VB_OPT_POW2:
		if (parse_uint(value, opt->min, opt->max, field, why, whylen) != 0)
			return -EINVAL;
		if (!rte_is_power_of_2(*(uint32_t *)field)) {
			snprintf(why, whylen, "%s is not a power of two (from %u to %u)", value,
				 opt->min, opt->max);
			return -EINVAL;
		}
		return 0;
	case VB_OPT_BOOL:
		return parse_bool(value, field, why, whylen);
	case VB_OPT_PAIRS:
		return parse_pairs(value, cfg, why, whylen);
	case VB_OPT_STRING:
		return parse_text(value, opt->max, false, field, why, whylen);
	case VB_OPT_IFNAME:
		return parse_text(value, opt->max, true, field, why, whylen);
	case VB_OPT_GROUP:
		return parse_group(value, opt->max, field, why, whylen);
	}
	snprintf(why, whylen, "internal error: option type %d", opt->type);
	return -EINVAL;
}

/*
 * The INI reader, one pass, a line at a time. Not rte_cfgfile: it skips lines without '='
 * silently, keeps the first of two equal keys, truncates names over 63 and values over 255
 * characters without a word, and cannot say on which line a key stands (platform notes);
 * here each of those is an error naming the file and line. It needs no EAL either.
 */
#define MAX_LINE_LEN	1024
#define MAX_NAME_LEN	63			/* longer is no section or key of ours */
#define MAX_VALUE_LEN	(VB_FILTER_TEXT_LEN - 1)	/* the longest value a key takes */

struct ini {
	const char *path;
	unsigned int line;
	int section;					/* see section_index(); -1: none yet */
	unsigned int section_line[RTE_DIM(options)];	/* by section_index(): 0, not seen */
	unsigned int key_line[RTE_DIM(options)];	/* by key: where it was set, 0: not */
};

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int
parse_section(struct ini *ini, char *s, char *err, size_t errlen)
{
	char *close = strchr(s, ']'), *name, known[128];
	int sec;

	if (close == NULL || close[1] != '\0')
		return vb_errf(err, errlen, "%s:%u: malformed section header '%s'", ini->path,
			       ini->line, s);
	*close = '\0';
	name = trim(s + 1);
	if (strlen(name) > MAX_NAME_LEN)
		return vb_errf(err, errlen, "%s:%u: section name too long", ini->path, ini->line);
	sec = section_index(name);
	if (sec < 0) {
		known_sections(known, sizeof(known));
		return vb_errf(err, errlen, "%s:%u: unknown section [%s] (known: %s)", ini->path,
			       ini->line, name, known);
	}
	if (ini->section_line[sec] != 0)
		return vb_errf(err, errlen, "%s:%u: section [%s] appears twice (first on line %u)",
			       ini->path, ini->line, name, ini->section_line[sec]);
	ini->section_line[sec] = ini->line;
	ini->section = sec;
	return 0;
}

static int
parse_key(struct ini *ini, struct vb_config *cfg, char *s, char *err, size_t errlen)
{
	const struct vb_opt *opt, *elsewhere;
	const char *section;
	char *eq = strchr(s, '='), *key, *value, why[160];
	unsigned int k;

	if (eq == NULL)
		return vb_errf(err, errlen,
			       "%s:%u: '%s' is not 'key = value', '[section]' or a ';' comment",
			       ini->path, ini->line, s);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (ini->section < 0)
		return vb_errf(err, errlen, "%s:%u: key '%s' before any [section]", ini->path,
			       ini->line, key);
	section = options[ini->section].section;
	if (*key == '\0')
		return vb_errf(err, errlen, "%s:%u: [%s] a value without a key", ini->path,
			       ini->line, section);
	if (strlen(key) > MAX_NAME_LEN)
		return vb_errf(err, errlen, "%s:%u: [%s] %.32s...: key too long", ini->path,
			       ini->line, section, key);
	opt = find_option(section, key);
	if (opt == NULL) {
		elsewhere = find_option(NULL, key);
		if (elsewhere != NULL)
			return vb_errf(err, errlen, "%s:%u: [%s] %s: this key belongs in [%s]",
				       ini->path, ini->line, section, key, elsewhere->section);
		return vb_errf(err, errlen, "%s:%u: [%s] %s: unknown key", ini->path, ini->line,
			       section, key);
	}
	k = (unsigned int)(opt - options);
	if (ini->key_line[k] != 0)
		return vb_errf(err, errlen, "%s:%u: [%s] %s set twice (first on line %u)",
			       ini->path, ini->line, section, key, ini->key_line[k]);
	ini->key_line[k] = ini->line;
	if (strlen(value) > MAX_VALUE_LEN)
		return vb_errf(err, errlen, "%s:%u: [%s] %s: value too long (more than %d "
			       "characters)", ini->path, ini->line, section, key, MAX_VALUE_LEN);
	if (apply(cfg, opt, value, why, sizeof(why)) < 0)
		return vb_errf(err, errlen, "%s:%u: [%s] %s: %s", ini->path, ini->line, section,
			       key, why);
	return 0;
}

/* One line: a comment or blank, a [section], or key = value applied to cfg at once. */
static int
parse_line(struct ini *ini, struct vb_config *cfg, char *text, char *err, size_t errlen)
{
	char *semi = strchr(text, ';'), *s;

	if (semi != NULL)
		*semi = '\0';
	s = trim(text);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return parse_section(ini, s, err, errlen);
	return parse_key(ini, cfg, s, err, errlen);
}

/*
 * One line into buf (MAX_LINE_LEN + 2 bytes), without reading further than that: a file with
 * no end of line (/dev/zero, a binary) must not be read whole. Returns its length, -1 at the
 * end of the file, -E2BIG when too long, -EILSEQ on a NUL byte.
 */
static int
read_line(FILE *f, char *buf)
{
	int c, len = 0;

	while ((c = getc(f)) != EOF) {
		if (c == '\0')
			return -EILSEQ;
		if (len == MAX_LINE_LEN)
			return -E2BIG;
		buf[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (len == 0 && c == EOF)
		return -1;
	buf[len] = '\0';
	return len;
}

int
vb_config_load(struct vb_config *cfg, const char *path, char *err, size_t errlen)
{
	char buf[MAX_LINE_LEN + 2] = { 0 };	/* zeroed: the analyser cannot follow read_line */
	struct ini ini = { .path = path, .section = -1 };
	int len, ret = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		return vb_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
	/* Checked on the file read, not on the name: nothing can swap it in between. */
	if (!cfg->lax_files) {
		ret = vb_file_trusted(fileno(f), path, err, errlen);
		if (ret != 0) {
			fclose(f);
			return ret;
		}
	}
	while (ret == 0 && (len = read_line(f, buf)) != -1) {
		ini.line++;
		if (len == -EILSEQ)
			ret = vb_errf(err, errlen, "%s:%u: not a text file", path, ini.line);
		else if (len == -E2BIG)
			ret = vb_errf(err, errlen, "%s:%u: line longer than %d characters", path,
				      ini.line, MAX_LINE_LEN);
		else
			ret = parse_line(&ini, cfg, buf, err, errlen);
	}
	if (ret == 0 && ferror(f))
		ret = vb_errf(err, errlen, "%s: read error: %s", path, strerror(errno));
	fclose(f);
	return ret;
}

/* "--drain-us" names the key drain_us; returns false if arg is not that option. */
static bool
option_matches(const struct vb_opt *opt, const char *arg, const char **inline_value)
{
	const char *k;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	for (k = vb_opt_cli_name(opt); *k != '\0'; k++, arg++)
		if (*arg != (*k == '_' ? '-' : *k))
			return false;
	if (*arg == '=') {
		*inline_value = arg + 1;
		return true;
	}
	*inline_value = NULL;
	return *arg == '\0';
}

/* Option value: "--opt=value" or "--opt value". Returns NULL when missing. */
static const char *
option_value(int argc, char * const argv[], int *i, const char *inline_value)
{
	if (inline_value != NULL)
		return inline_value;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int
vb_config_parse_args(struct vb_config *cfg, int argc, char * const argv[],
		     char *err, size_t errlen)
{
	const char *name, *value, *inline_value;
	char why[160];
	unsigned int o;
	int i, ret;

	/* Whether the files must be trusted, before any is read. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--no-strict-files") == 0)
			cfg->lax_files = true;
	/* The file first, so that options override it wherever they stand. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return VB_CONFIG_HELP;
		if (strcmp(argv[i], "--version") == 0)
			return VB_CONFIG_VERSION;
		if (strcmp(argv[i], "--config") == 0 || strncmp(argv[i], "--config=", 9) == 0) {
			value = option_value(argc, argv, &i,
					     argv[i][8] == '=' ? argv[i] + 9 : NULL);
			if (value == NULL || *value == '\0')
				return vb_errf(err, errlen, "--config needs a file name");
			ret = vb_config_load(cfg, value, err, errlen);
			if (ret < 0)
				return ret;
		}
	}

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0 || strcmp(argv[i], "--no-strict-files") == 0)
			continue;
		for (o = 0; o < RTE_DIM(options); o++)
			if (option_matches(&options[o], argv[i], &inline_value))
				break;
		if (o == RTE_DIM(options))
			return vb_errf(err, errlen, "unknown option '%s' (see --help)", argv[i]);
		name = argv[i];
		value = option_value(argc, argv, &i, inline_value);
		if (value == NULL)
			return vb_errf(err, errlen, "%s needs a value", name);
		ret = apply(cfg, &options[o], value, why, sizeof(why));
		if (ret < 0)
			return vb_errf(err, errlen, "%s: %s", name, why);
	}
	return 0;
}
