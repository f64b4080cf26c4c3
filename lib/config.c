/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_string_fns.h>

#include "config.h"
#include "log.h"

#define OPT_AT(sec, name, field, option, kind, lo, hi, text) { \
	.section = sec, .key = name, .cli = option, .type = kind, \
	.offset = offsetof(struct vb_config, field), .min = lo, .max = hi, .help = text }
#define OPT(sec, name, kind, lo, hi, text) OPT_AT(sec, #name, name, NULL, kind, lo, hi, text)

/* Every key, once: the INI parser, the command line and --help all read this table. */
static const struct vb_opt options[] = {
	OPT("bridge", pairs, VB_OPT_PAIRS, 0, 0,
	    "port pairs, l2fwd style: (0,1),(2,3); ports by id or ethdev name"),
	OPT("bridge", burst, VB_OPT_UINT, 1, VB_MAX_BURST,
	    "frames per RX burst and per TX flush"),
	OPT("bridge", drain_us, VB_OPT_UINT, 0, 100000,
	    "longest a frame waits in a TX buffer, us (0: flush every burst)"),
	OPT("bridge", link_propagation, VB_OPT_BOOL, 0, 1,
	    "a port going down takes its peer down (on/off)"),
	OPT("bridge", link_poll_ms, VB_OPT_UINT, 10, 10000,
	    "how often the main lcore reads link state, ms"),
	OPT("ports", mtu, VB_OPT_UINT, 68, 9600,
	    "MTU of every port, bytes (frames up to MTU + 14 + 2 VLAN tags)"),
	OPT("ports", queues, VB_OPT_UINT, 0, 16,
	    "RX/TX queue pairs per port (0: one per worker lcore and direction)"),
	OPT("ports", rx_desc, VB_OPT_UINT, 64, 16384, "RX descriptors per queue"),
	OPT("ports", tx_desc, VB_OPT_UINT, 64, 16384, "TX descriptors per queue"),
	OPT("ports", mbufs, VB_OPT_UINT, 0, 4194304,
	    "mbufs per NUMA socket (0: sized from ports, queues and lcores)"),
	OPT_AT("classifier", "enabled", cls_enabled, "classifier", VB_OPT_BOOL, 0, 1,
	       "count and sample ARP, ND, duplicated/reflected broadcasts, MAC moves"),
	OPT("classifier", dup_window_ms, VB_OPT_UINT, 1, 10000,
	    "how long a broadcast is remembered to spot its copies, ms"),
	OPT("classifier", dup_hash_len, VB_OPT_UINT, 14, 9600,
	    "bytes of a frame hashed to recognise its copies"),
	OPT("classifier", dup_entries, VB_OPT_POW2, 4, 1u << 24,
	    "duplicate-table entries (a power of two)"),
	OPT("classifier", mac_entries, VB_OPT_POW2, 4, 1u << 24,
	    "MAC-table entries (a power of two)"),
	OPT("classifier", mac_ageing_s, VB_OPT_UINT, 1, 600,
	    "seconds after which an unseen MAC is forgotten"),
	OPT("classifier", mac_unicast, VB_OPT_BOOL, 0, 1,
	    "learn MACs from plain unicast frames too (a table lookup per frame)"),
	OPT("classifier", snap_len, VB_OPT_UINT, 14, 256, "bytes kept of a sampled frame"),
	OPT("classifier", sample_slots, VB_OPT_POW2, 2, 1u << 20,
	    "samples kept per worker lcore (a power of two)"),
	OPT("classifier", sample_rate, VB_OPT_UINT, 0, 1000000,
	    "samples per second per worker lcore at most (0: no limit)"),
	OPT("classifier", sample_filter, VB_OPT_STRING, 0, VB_FILTER_TEXT_LEN - 1,
	    "also sample frames that match this tcpdump expression"),
	OPT("capture", mirror, VB_OPT_BOOL, 0, 1,
	    "copy bridged frames to a kernel TAP interface for tcpdump (on/off)"),
	OPT("capture", mirror_iface, VB_OPT_IFNAME, 1, 15, "name of the mirror interface"),
	OPT("capture", mirror_filter, VB_OPT_STRING, 0, VB_FILTER_TEXT_LEN - 1,
	    "mirror only frames that match this tcpdump expression (empty: all)"),
	OPT("capture", mirror_ring, VB_OPT_POW2, 64, 65536,
	    "frames waiting for the mirror, per worker lcore (a power of two)"),
};

/* The built-in defaults; config/vbridge.ini says the same, and a unit test checks it. */
void
vb_config_defaults(struct vb_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->burst = 32;
	cfg->drain_us = 100;
	cfg->link_propagation = false;
	cfg->link_poll_ms = 100;
	cfg->mtu = 1500;
	cfg->queues = 0;
	cfg->rx_desc = 1024;
	cfg->tx_desc = 1024;
	cfg->mbufs = 0;
	cfg->cls_enabled = true;
	cfg->dup_window_ms = 50;
	cfg->dup_hash_len = 128;
	cfg->dup_entries = 4096;
	cfg->mac_entries = 16384;
	cfg->mac_ageing_s = 300;
	cfg->mac_unicast = false;
	cfg->snap_len = 128;
	cfg->sample_slots = 512;
	cfg->sample_rate = 1000;
	cfg->mirror = false;
	strlcpy(cfg->mirror_iface, "vbmirror0", sizeof(cfg->mirror_iface));
	cfg->mirror_ring = 1024;
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

static bool
section_known(const char *section)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(options); i++)
		if (strcmp(options[i].section, section) == 0)
			return true;
	return false;
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
	}
	snprintf(why, whylen, "internal error: option type %d", opt->type);
	return -EINVAL;
}

/* Where each key was set, for messages and to catch what rte_cfgfile lets through. */
struct key_line {
	char section[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	unsigned int line;
};

#define MAX_KEY_LINES 256
#define MAX_LINE_LEN 1024
#define MAX_SECTIONS 8	/* more than the known ones: the rest are refused by name */

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

/* One line of the file: a comment, a [section] or a key; records keys in scan->keys. */
struct scan {
	const char *path;
	unsigned int line;
	char section[CFG_NAME_LEN];
	unsigned int nb_keys;
	struct key_line keys[MAX_KEY_LINES];
	struct key_line sections[MAX_SECTIONS];	/* key unused: where each [section] was */
	unsigned int nb_sections;
};

static int
scan_line(struct scan *sc, char *text, char *err, size_t errlen)
{
	const char *path = sc->path;
	unsigned int line = sc->line, i;
	char *s, *eq, *key, *value, *semi;

	semi = strchr(text, ';');
	if (semi != NULL)
		*semi = '\0';
	s = trim(text);
	if (*s == '\0')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']');

		if (close == NULL || close[1] != '\0')
			return vb_errf(err, errlen, "%s:%u: malformed section header '%s'",
				    path, line, s);
		*close = '\0';
		if (strlen(s + 1) >= CFG_NAME_LEN)
			return vb_errf(err, errlen, "%s:%u: section name too long", path, line);
		strlcpy(sc->section, trim(s + 1), sizeof(sc->section));
		/* Known sections only, so rte_cfgfile never sees more than a handful. */
		if (!section_known(sc->section))
			return vb_errf(err, errlen, "%s:%u: unknown section [%s] (known: [bridge], "
				    "[ports], [classifier], [capture])", path, line, sc->section);
		for (i = 0; i < sc->nb_sections; i++)
			if (strcmp(sc->sections[i].section, sc->section) == 0)
				return vb_errf(err, errlen, "%s:%u: section [%s] appears twice "
					    "(first on line %u)", path, line, sc->section,
					    sc->sections[i].line);
		strlcpy(sc->sections[sc->nb_sections].section, sc->section, CFG_NAME_LEN);
		sc->sections[sc->nb_sections++].line = line;
		return 0;
	}
	eq = strchr(s, '=');
	if (eq == NULL)
		return vb_errf(err, errlen,
			    "%s:%u: '%s' is not 'key = value', '[section]' or a ';' comment",
			    path, line, s);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (sc->section[0] == '\0')
		return vb_errf(err, errlen, "%s:%u: key '%s' before any [section]", path, line, key);
	if (*key == '\0')
		return vb_errf(err, errlen, "%s:%u: [%s] a value without a key", path, line,
			    sc->section);
	if (strlen(key) >= CFG_NAME_LEN || strlen(value) >= CFG_VALUE_LEN)
		return vb_errf(err, errlen, "%s:%u: [%s] %.*s: key or value too long", path, line,
			    sc->section, 32, key);
	for (i = 0; i < sc->nb_keys; i++)
		if (strcmp(sc->keys[i].section, sc->section) == 0 &&
		    strcmp(sc->keys[i].key, key) == 0)
			return vb_errf(err, errlen, "%s:%u: [%s] %s set twice (first on line %u)",
				    path, line, sc->section, key, sc->keys[i].line);
	if (sc->nb_keys == MAX_KEY_LINES)
		return vb_errf(err, errlen, "%s:%u: more than %d keys", path, line, MAX_KEY_LINES);
	strlcpy(sc->keys[sc->nb_keys].section, sc->section, CFG_NAME_LEN);
	strlcpy(sc->keys[sc->nb_keys].key, key, CFG_NAME_LEN);
	sc->keys[sc->nb_keys].line = line;
	sc->nb_keys++;
	return 0;
}

/*
 * rte_cfgfile silently skips lines without '=', keeps the first of duplicate keys and
 * truncates long names and values, and it does not say on which line a key was: read the
 * file once ourselves for those, and let rte_cfgfile do the parsing proper.
 */
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

static int
scan_file(struct scan *sc, FILE *f, char *err, size_t errlen)
{
	char buf[MAX_LINE_LEN + 2] = { 0 };	/* zeroed: the analyser cannot follow read_line */
	int len, ret = 0;

	while (ret == 0 && (len = read_line(f, buf)) != -1) {
		sc->line++;
		if (len == -EILSEQ)
			ret = vb_errf(err, errlen, "%s:%u: not a text file", sc->path, sc->line);
		else if (len == -E2BIG)
			ret = vb_errf(err, errlen, "%s:%u: line longer than %d characters", sc->path,
				   sc->line, MAX_LINE_LEN);
		else
			ret = scan_line(sc, buf, err, errlen);
	}
	if (ret == 0 && ferror(f))
		ret = vb_errf(err, errlen, "%s: read error: %s", sc->path, strerror(errno));
	return ret;
}

static unsigned int
line_of(const struct scan *sc, const char *section, const char *key)
{
	unsigned int i;

	for (i = 0; i < sc->nb_keys; i++)
		if (strcmp(sc->keys[i].section, section) == 0 && strcmp(sc->keys[i].key, key) == 0)
			return sc->keys[i].line;
	return 0;
}

int
vb_config_load(struct vb_config *cfg, const char *path, char *err, size_t errlen)
{
	struct rte_cfgfile_entry *entries = NULL;
	struct scan *sc;
	struct rte_cfgfile *file = NULL;
	char *names[MAX_KEY_LINES] = { NULL };
	char section[CFG_NAME_LEN], why[160];
	int nb_sections = 0, s, e, nb, ret;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		return vb_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL) {
		fclose(f);
		return vb_errf(err, errlen, "%s: out of memory", path);
	}
	sc->path = path;
	ret = scan_file(sc, f, err, errlen);
	fclose(f);
	if (ret < 0) {
		free(sc);
		return ret;
	}

	/* Empty values reach our checks, which name the key; rte_cfgfile would only fail. */
	file = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (file == NULL) {
		free(sc);
		return vb_errf(err, errlen, "%s: rte_cfgfile could not parse it", path);
	}

	nb_sections = rte_cfgfile_num_sections(file, NULL, 0);
	for (s = 0; s < nb_sections; s++) {
		names[s] = malloc(CFG_NAME_LEN);
		if (names[s] == NULL) {
			ret = vb_errf(err, errlen, "%s: out of memory", path);
			goto out;
		}
	}
	rte_cfgfile_sections(file, names, nb_sections);
	entries = malloc(sizeof(*entries) * MAX_KEY_LINES);
	if (entries == NULL) {
		ret = vb_errf(err, errlen, "%s: out of memory", path);
		goto out;
	}

	for (s = 0; s < nb_sections; s++) {
		strlcpy(section, names[s], sizeof(section));
		/* scan_line() refused unknown sections already; this guards a parser mismatch. */
		if (!section_known(section)) {
			ret = vb_errf(err, errlen, "%s: unknown section [%s]", path, section);
			goto out;
		}
		nb = rte_cfgfile_section_entries(file, section, entries, MAX_KEY_LINES);
		for (e = 0; e < nb; e++) {
			const struct vb_opt *opt = find_option(section, entries[e].name);
			unsigned int line = line_of(sc, section, entries[e].name);

			if (opt == NULL) {
				const struct vb_opt *elsewhere = find_option(NULL, entries[e].name);

				if (elsewhere != NULL)
					ret = vb_errf(err, errlen,
						   "%s:%u: [%s] %s: this key belongs in [%s]",
						   path, line, section, entries[e].name,
						   elsewhere->section);
				else
					ret = vb_errf(err, errlen, "%s:%u: [%s] %s: unknown key",
						   path, line, section, entries[e].name);
				goto out;
			}
			ret = apply(cfg, opt, entries[e].value, why, sizeof(why));
			if (ret < 0) {
				vb_errf(err, errlen, "%s:%u: [%s] %s: %s", path, line, section,
				     opt->key, why);
				goto out;
			}
		}
	}
	ret = 0;
out:
	free(entries);
	for (s = 0; s < nb_sections; s++)
		free(names[s]);
	rte_cfgfile_close(file);
	free(sc);
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
		if (strncmp(argv[i], "--config=", 9) == 0)
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
