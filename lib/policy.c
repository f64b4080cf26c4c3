/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules file parser: one rule per line, `#` comments, words separated by blanks.
 * No EAL here: it runs before rte_eal_init() at start, on the main lcore on reload, and
 * under the fuzzer.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_string_fns.h>

#include "log.h"
#include "policy.h"
#include "trust.h"
#include "trust.h"

#define MAX_WORDS	64

const char *
vb_pol_action_name(unsigned int action)
{
	return action == VB_POL_PERMIT ? "permit" : "deny";
}

const char *
vb_pol_mode_name(unsigned int mode)
{
	return mode == VB_POL_MODE_SHADOW ? "shadow" : "enforce";
}

void
vb_rules_free(struct vb_rules *r)
{
	unsigned int i;

	for (i = 0; r->rule != NULL && i < r->nb; i++)
		free(r->rule[i].text);
	free(r->rule);
	memset(r, 0, sizeof(*r));
}

/* One line being parsed: its words, where we are, and where to report. */
struct line_ctx {
	const char *file;
	unsigned int line;
	char *word[MAX_WORDS];
	unsigned int nb;
	unsigned int i;
	const struct vb_pol_port *ports;
	unsigned int nb_ports;
	char *err;
	size_t errlen;
};

#define LERR(lc, fmt, ...) \
	vb_errf((lc)->err, (lc)->errlen, "%s:%u: " fmt, (lc)->file, (lc)->line, ##__VA_ARGS__)

/* Decimal without sign, or 0x hex when hex_ok; within [0, max]. */
static int
parse_num(const char *s, unsigned long max, bool hex_ok, unsigned long *out)
{
	unsigned long v;
	char *end;
	int base = 10;

	if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
	} else if (!isdigit((unsigned char)s[0])) {
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(s, &end, base);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* "N" or "N-M" with N <= M <= max. */
static int
parse_range(struct line_ctx *lc, const char *what, const char *s, unsigned long max,
	    uint16_t *lo, uint16_t *hi)
{
	char buf[32], *dash;
	unsigned long a, b;
	int ret;

	if (rte_strscpy(buf, s, sizeof(buf)) < 0)
		return LERR(lc, "%s '%.40s': not a number or range N-M (0-%lu)", what, s, max);
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash = '\0';
	ret = parse_num(buf, max, false, &a);
	if (ret == 0 && dash != NULL)
		ret = parse_num(dash + 1, max, false, &b);
	else if (ret == 0)
		b = a;
	if (ret == -ERANGE)
		return LERR(lc, "%s %s is out of range 0-%lu", what, s, max);
	if (ret != 0)
		return LERR(lc, "%s '%s': not a number or range N-M (0-%lu)", what, s, max);
	if (a > b)
		return LERR(lc, "%s %s: the range is backwards (write %lu-%lu)", what, s, b, a);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int
parse_mac(struct line_ctx *lc, const char *s, uint8_t mac[6])
{
	struct rte_ether_addr ea;

	/*
	 * Two hex digits per byte, colons between: sscanf's %2x also took "+1", "-1" and " 1",
	 * and rte_ether_unformat_addr alone also takes XXXX:XXXX:XXXX.
	 */
	if (strlen(s) != 17 || rte_ether_unformat_addr(s, &ea) != 0)
		return LERR(lc, "'%s' is not a MAC address (02:00:00:00:00:01)", s);
	memcpy(mac, ea.addr_bytes, RTE_ETHER_ADDR_LEN);
	return 0;
}

/* ADDR or ADDR/LEN, IPv4 or IPv6; *family: 0 not yet known, else must agree. */
static int
parse_prefix(struct line_ctx *lc, const char *what, const char *s, uint8_t *family,
	     uint8_t addr[16], uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long plen;
	unsigned int fam, max, i;

	if (rte_strscpy(buf, s, sizeof(buf)) < 0)
		return LERR(lc, "bad prefix '%.50s' after %s", s, what);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		fam = 6;
	else
		return LERR(lc, "bad prefix '%s' after %s: not an IPv4 or IPv6 address", s, what);
	max = fam == 4 ? 32 : 128;
	plen = max;
	if (slash != NULL && parse_num(slash + 1, max, false, &plen) != 0)
		return LERR(lc, "bad prefix '%s': the length after '/' must be 0-%u", s, max);
	/* Host bits set: most likely a typo for a host or for another network. */
	for (i = (unsigned int)plen; i < max; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return LERR(lc, "bad prefix '%s': bits set beyond /%lu (a host is "
				    "written without /LEN)", s, plen);
	if (*family != 0 && *family != fam)
		return LERR(lc, "%s %s is an IPv%u address in an IPv%u rule", what, s, fam,
			    *family);
	*family = (uint8_t)fam;
	*len = (uint8_t)plen;
	return 0;
}

static int
parse_in(struct line_ctx *lc, const char *s, uint16_t *port)
{
	unsigned long id;
	unsigned int i;
	int ret;

	ret = parse_num(s, UINT16_MAX, false, &id);
	if (ret == -ERANGE)
		return LERR(lc, "in %s: port id out of range (ethdev ids are 0-65535)", s);
	/* Before EAL the ports are not known yet: check the syntax only. */
	if (lc->ports == NULL) {
		*port = ret == 0 ? (uint16_t)id : 0;
		return 0;
	}
	for (i = 0; i < lc->nb_ports; i++)
		if (strcmp(lc->ports[i].name, s) == 0) {
			*port = lc->ports[i].id;
			return 0;
		}
	if (ret != 0)
		return LERR(lc, "in %s: unknown port name (the bridge ports are given by name "
			    "or ethdev id%s%s)", s, lc->nb_ports ? ", e.g. " : "",
			    lc->nb_ports ? lc->ports[0].name : "");
	for (i = 0; i < lc->nb_ports; i++)
		if (lc->ports[i].id == id) {
			*port = (uint16_t)id;
			return 0;
		}
	return LERR(lc, "in %s: port out of range: no bridge port has ethdev id %s", s, s);
}

/* The next word, for a keyword that needs a value. */
static const char *
need_value(struct line_ctx *lc, const char *kw, const char *what)
{
	if (lc->i >= lc->nb) {
		LERR(lc, "'%s' needs %s", kw, what);
		return NULL;
	}
	return lc->word[lc->i++];
}

/* A keyword that sets a protocol (tcp, udp, icmp, icmp6, proto N). */
static int
set_proto(struct line_ctx *lc, struct vb_rule *r, const char *kw, uint8_t proto,
	  uint8_t family)
{
	if (r->has & VB_RULE_PROTO)
		return LERR(lc, "'%s': the rule names a protocol already (one per rule)", kw);
	if (r->has & VB_RULE_ETYPE)
		return LERR(lc, "'%s' with ether-type or arp: %s sets the EtherType", kw, kw);
	if (family != 0 && r->family != 0 && r->family != family)
		return LERR(lc, "'%s' is IPv%u, the rule is IPv%u", kw, family, r->family);
	if (family != 0)
		r->family = family;
	r->has |= VB_RULE_PROTO;
	r->proto = proto;
	return 0;
}

static int
set_family(struct line_ctx *lc, struct vb_rule *r, const char *kw, uint8_t family)
{
	if (r->family != 0 && r->family != family)
		return LERR(lc, "'%s' in an IPv%u rule", kw, r->family);
	if (r->has & VB_RULE_ETYPE)
		return LERR(lc, "'%s' and ether-type in one rule: %s sets the EtherType", kw, kw);
	r->family = family;
	return 0;
}

/* Parse the words after the action into r. */
static int
parse_matches(struct line_ctx *lc, struct vb_rule *r)
{
	bool any = false;
	const char *kw, *v;
	unsigned long n;
	int ret;

	while (lc->i < lc->nb) {
		kw = lc->word[lc->i++];
		if (strcmp(kw, "any") == 0) {
			if (any)
				return LERR(lc, "'any' given twice");
			any = true;
		} else if (strcmp(kw, "in") == 0) {
			v = need_value(lc, kw, "a port name or ethdev id");
			if (v == NULL)
				return -EINVAL;
			if (r->has & VB_RULE_IN)
				return LERR(lc, "'in' given twice");
			ret = parse_in(lc, v, &r->in_port);
			if (ret != 0)
				return ret;
			r->has |= VB_RULE_IN;
		} else if (strcmp(kw, "ip") == 0 || strcmp(kw, "ip6") == 0) {
			ret = set_family(lc, r, kw, kw[2] == '6' ? 6 : 4);
			if (ret != 0)
				return ret;
		} else if (strcmp(kw, "arp") == 0) {
			if (r->family != 0 || (r->has & (VB_RULE_PROTO | VB_RULE_ETYPE)))
				return LERR(lc, "'arp' with an IP match or an ether-type");
			r->has |= VB_RULE_ETYPE;
			r->etype = VB_POL_ETH_ARP;
			r->named |= VB_POL_CLS_ARP;
		} else if (strcmp(kw, "tcp") == 0 || strcmp(kw, "udp") == 0) {
			ret = set_proto(lc, r, kw, kw[0] == 't' ? 6 : 17, 0);
			if (ret != 0)
				return ret;
		} else if (strcmp(kw, "icmp") == 0 || strcmp(kw, "icmp6") == 0) {
			ret = set_proto(lc, r, kw, kw[4] == '6' ? 58 : 1, kw[4] == '6' ? 6 : 4);
			if (ret != 0)
				return ret;
			r->icmp = 1;
		} else if (strcmp(kw, "proto") == 0) {
			v = need_value(lc, kw, "an IP protocol number (0-255)");
			if (v == NULL)
				return -EINVAL;
			if (parse_num(v, 255, false, &n) != 0)
				return LERR(lc, "proto %s: not an IP protocol number (0-255)", v);
			ret = set_proto(lc, r, kw, (uint8_t)n, 0);
			if (ret != 0)
				return ret;
			r->icmp = (n == 1 && r->family == 4) || (n == 58 && r->family == 6);
		} else if (strcmp(kw, "src") == 0 || strcmp(kw, "dst") == 0) {
			uint16_t bit = kw[0] == 's' ? VB_RULE_SRC : VB_RULE_DST;

			v = need_value(lc, kw, "an address or prefix (198.18.0.0/24, 2001:db8::/32)");
			if (v == NULL)
				return -EINVAL;
			if (r->has & bit)
				return LERR(lc, "'%s' given twice", kw);
			if (r->has & VB_RULE_ETYPE)
				return LERR(lc, "'%s %s' with an ether-type: an address needs ip or "
					    "ip6", kw, v);
			ret = parse_prefix(lc, kw, v, &r->family,
					   bit == VB_RULE_SRC ? r->src : r->dst,
					   bit == VB_RULE_SRC ? &r->src_len : &r->dst_len);
			if (ret != 0)
				return ret;
			r->has |= bit;
		} else if (strcmp(kw, "sport") == 0 || strcmp(kw, "dport") == 0 ||
			   strcmp(kw, "port") == 0) {
			uint16_t bit = kw[0] == 's' ? VB_RULE_SPORT :
				       kw[0] == 'd' ? VB_RULE_DPORT : VB_RULE_PORT;

			v = need_value(lc, kw, "a port or range (23, 161-162)");
			if (v == NULL)
				return -EINVAL;
			if (!(r->has & VB_RULE_PROTO) || (r->proto != 6 && r->proto != 17))
				return LERR(lc, "'%s %s' needs tcp or udp before it", kw, v);
			if ((bit == VB_RULE_PORT &&
			     (r->has & (VB_RULE_SPORT | VB_RULE_DPORT | VB_RULE_PORT))) ||
			    (bit != VB_RULE_PORT && (r->has & (bit | VB_RULE_PORT))))
				return LERR(lc, "'%s' given twice, or with 'port'", kw);
			ret = parse_range(lc, kw, v, 65535,
					  bit == VB_RULE_DPORT ? &r->dport_lo : &r->sport_lo,
					  bit == VB_RULE_DPORT ? &r->dport_hi : &r->sport_hi);
			if (ret != 0)
				return ret;
			r->has |= bit;
		} else if (strcmp(kw, "type") == 0 || strcmp(kw, "code") == 0) {
			uint16_t bit = kw[0] == 't' ? VB_RULE_SPORT : VB_RULE_DPORT;

			v = need_value(lc, kw, "a number or range (0-255)");
			if (v == NULL)
				return -EINVAL;
			if (!r->icmp)
				return LERR(lc, "'%s %s' needs icmp or icmp6 before it", kw, v);
			if (r->has & bit)
				return LERR(lc, "'%s' given twice", kw);
			ret = parse_range(lc, kw, v, 255,
					  bit == VB_RULE_SPORT ? &r->sport_lo : &r->dport_lo,
					  bit == VB_RULE_SPORT ? &r->sport_hi : &r->dport_hi);
			if (ret != 0)
				return ret;
			r->has |= bit;
			if (bit == VB_RULE_SPORT && r->proto == 58 && r->sport_lo <= 137 &&
			    r->sport_hi >= 133)
				r->named |= VB_POL_CLS_ND;
		} else if (strcmp(kw, "ether") == 0) {
			const char *side = need_value(lc, kw, "src or dst and a MAC address");
			uint16_t bit;

			if (side == NULL)
				return -EINVAL;
			if (strcmp(side, "src") != 0 && strcmp(side, "dst") != 0)
				return LERR(lc, "'ether %s': expected ether src MAC or ether dst MAC",
					    side);
			bit = side[0] == 's' ? VB_RULE_ETHER_SRC : VB_RULE_ETHER_DST;
			v = need_value(lc, side, "a MAC address (02:00:00:00:00:01)");
			if (v == NULL)
				return -EINVAL;
			if (r->has & bit)
				return LERR(lc, "'ether %s' given twice", side);
			ret = parse_mac(lc, v, bit == VB_RULE_ETHER_SRC ? r->smac : r->dmac);
			if (ret != 0)
				return ret;
			r->has |= bit;
			if (bit == VB_RULE_ETHER_DST && r->dmac[0] == 0x01 && r->dmac[1] == 0x80 &&
			    r->dmac[2] == 0xc2 && r->dmac[3] == 0 && r->dmac[4] == 0 &&
			    (r->dmac[5] & 0xf0) == 0)
				r->named |= VB_POL_CLS_LINKLOCAL;
		} else if (strcmp(kw, "vlan") == 0) {
			v = need_value(lc, kw, "a VLAN id (0-4095)");
			if (v == NULL)
				return -EINVAL;
			if (r->has & VB_RULE_VLAN)
				return LERR(lc, "'vlan' given twice");
			ret = parse_num(v, 4095, false, &n);
			if (ret == -ERANGE)
				return LERR(lc, "vlan %s is out of range 0-4095", v);
			if (ret != 0)
				return LERR(lc, "vlan %s: not a VLAN id (0-4095)", v);
			r->vlan = (uint16_t)n;
			r->has |= VB_RULE_VLAN;
		} else if (strcmp(kw, "ether-type") == 0) {
			v = need_value(lc, kw, "an EtherType (0x88cc)");
			if (v == NULL)
				return -EINVAL;
			if (r->has & VB_RULE_ETYPE)
				return LERR(lc, "'ether-type' given twice (or with arp)");
			if (r->family != 0 || (r->has & VB_RULE_PROTO))
				return LERR(lc, "'ether-type' with an IP match: ip, ip6, tcp... set "
					    "the EtherType");
			ret = parse_num(v, 0xffff, true, &n);
			if (ret == -ERANGE)
				return LERR(lc, "ether-type %s is out of range 0-0xffff", v);
			if (ret != 0)
				return LERR(lc, "ether-type %s: not a number (0x88cc)", v);
			r->etype = (uint16_t)n;
			r->has |= VB_RULE_ETYPE;
			r->named |= VB_POL_CLS_LINKLOCAL;
			if (n == VB_POL_ETH_ARP)
				r->named |= VB_POL_CLS_ARP;
		} else {
			return LERR(lc, "unknown word '%.40s' (see docs/policy.md for the grammar)",
				    kw);
		}
	}
	if (lc->nb == 1)
		return LERR(lc, "'%s' needs match words, or 'any' for every frame", lc->word[0]);
	if (any && ((r->has & ~VB_RULE_IN) != 0 || r->family != 0))
		return LERR(lc, "'any' with other match words: any matches every frame (only "
			    "'in PORT' may go with it)");
	return 0;
}

/* Words joined by one blank: the rule's identity across reloads. */
static char *
join_words(struct line_ctx *lc)
{
	size_t len = 0, pos = 0, n, i;
	char *s;

	for (i = 0; i < lc->nb; i++)
		len += strlen(lc->word[i]) + 1;
	s = malloc(len + 1);
	if (s == NULL)
		return NULL;
	for (i = 0; i < lc->nb; i++) {
		if (i > 0)
			s[pos++] = ' ';
		n = strlen(lc->word[i]);
		memcpy(s + pos, lc->word[i], n);
		pos += n;
	}
	s[pos] = '\0';
	return s;
}

static int
parse_line(struct line_ctx *lc, char *text, struct vb_rules *out, unsigned int *cap)
{
	char *hash, *p, *save = NULL;
	struct vb_rule r;
	int ret;

	hash = strchr(text, '#');
	if (hash != NULL)
		*hash = '\0';
	lc->nb = 0;
	lc->i = 0;
	for (p = strtok_r(text, " \t\r\n\v\f", &save); p != NULL;
	     p = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (lc->nb == MAX_WORDS)
			return LERR(lc, "more than %d words in one rule", MAX_WORDS);
		lc->word[lc->nb++] = p;
	}
	if (lc->nb == 0)
		return 0;

	if (strcmp(lc->word[0], "default") == 0) {
		if (lc->nb != 2 || (strcmp(lc->word[1], "deny") != 0 &&
				    strcmp(lc->word[1], "permit") != 0))
			return LERR(lc, "expected 'default deny' or 'default permit'");
		if (out->default_line != 0)
			return LERR(lc, "a second 'default' (the first is on line %u)",
				    out->default_line);
		out->default_action = lc->word[1][0] == 'p' ? VB_POL_PERMIT : VB_POL_DENY;
		out->default_line = lc->line;
		return 0;
	}

	memset(&r, 0, sizeof(r));
	r.line = lc->line;
	if (strcmp(lc->word[0], "permit") == 0)
		r.action = VB_POL_PERMIT;
	else if (strcmp(lc->word[0], "deny") == 0)
		r.action = VB_POL_DENY;
	else
		return LERR(lc, "unknown word '%.40s': a rule starts with permit, deny or default",
			    lc->word[0]);
	lc->i = 1;
	ret = parse_matches(lc, &r);
	if (ret != 0)
		return ret;

	if (out->nb == VB_POL_MAX_RULES)
		return LERR(lc, "more than %d rules", VB_POL_MAX_RULES);
	if (out->nb == *cap) {
		unsigned int ncap = *cap ? *cap * 2 : 64;
		struct vb_rule *nr = realloc(out->rule, sizeof(*nr) * ncap);

		if (nr == NULL)
			return vb_errf(lc->err, lc->errlen, "%s: out of memory", lc->file), -ENOMEM;
		out->rule = nr;
		*cap = ncap;
	}
	r.text = join_words(lc);
	if (r.text == NULL)
		return vb_errf(lc->err, lc->errlen, "%s: out of memory", lc->file), -ENOMEM;
	out->rule[out->nb++] = r;
	return 0;
}

int
vb_rules_parse_buf(const char *name, const char *text, size_t len,
		   const struct vb_pol_port *ports, unsigned int nb_ports,
		   struct vb_rules *out, char *err, size_t errlen)
{
	struct line_ctx lc = {
		.file = name, .ports = ports, .nb_ports = nb_ports, .err = err, .errlen = errlen,
	};
	char buf[VB_POL_LINE_MAX + 1];
	unsigned int cap = 0;
	size_t pos = 0, n;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->default_action = VB_POL_PERMIT;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);

		n = (nl != NULL ? (size_t)(nl - text) : len) - pos;
		lc.line++;
		if (memchr(text + pos, '\0', n) != NULL) {
			ret = LERR(&lc, "not a text file (a NUL byte)");
			break;
		}
		if (n > VB_POL_LINE_MAX) {
			ret = LERR(&lc, "line longer than %d characters", VB_POL_LINE_MAX);
			break;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		ret = parse_line(&lc, buf, out, &cap);
		if (ret != 0)
			break;
		pos += n + 1;
	}
	if (ret != 0)
		vb_rules_free(out);
	return ret;
}

int
vb_rules_parse_file(const char *path, const struct vb_pol_port *ports, unsigned int nb_ports,
		    struct vb_rules *out, char *err, size_t errlen)
{
	size_t len = 0, got;
	char *buf;
	FILE *f;
	int ret;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "r");
	if (f == NULL)
		return vb_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
	/* The rules decide what is forwarded: only a trusted file (lib/trust.h). */
	ret = vb_file_trusted(fileno(f), path, err, errlen);
	if (ret != 0) {
		fclose(f);
		return ret;
	}
	buf = malloc(VB_POL_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return vb_errf(err, errlen, "%s: out of memory", path), -ENOMEM;
	}
	/* Bounded: /dev/zero or a huge file must not be read whole. */
	while (len <= VB_POL_FILE_MAX &&
	       (got = fread(buf + len, 1, VB_POL_FILE_MAX + 1 - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		ret = vb_errf(err, errlen, "%s: read error: %s", path, strerror(errno));
	} else if (len > VB_POL_FILE_MAX) {
		vb_errf(err, errlen, "%s: larger than %u bytes", path, VB_POL_FILE_MAX);
		ret = -E2BIG;
	} else {
		ret = vb_rules_parse_buf(path, buf, len, ports, nb_ports, out, err, errlen);
	}
	free(buf);
	fclose(f);
	return ret;
}
