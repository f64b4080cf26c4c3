/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration parsing, table-driven, no EAL: each case is an INI text and/or a command
 * line, and either the values it must produce or the words its error must contain.
 * Usage: test_config PATH/TO/config/vbridge.ini
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

struct config_case {
	const char *name;
	const char *ini;		/* NULL: no file */
	const char *args[8];		/* after the program name, NULL-terminated */
	bool ok;
	const char *err_has[3];		/* for failures: each must be in the message */
	/* for successes: expectations, 0 meaning "not checked" */
	uint32_t burst, drain_us, mtu, queues, nb_pairs;
	const char *first_pair[2];
};

static const struct config_case cases[] = {
	{ .name = "empty file", .ini = "", .ok = true, .burst = 32, .drain_us = 100,
	  .mtu = 1500 },
	{ .name = "comments and blanks", .ini = "; hello\n\n[bridge]\n  ; indented\nburst = 64 ; why\n",
	  .ok = true, .burst = 64 },
	{ .name = "all keys", .ini = "[bridge]\npairs = (0,1),(net_ring2, net_ring3)\nburst=256\n"
	  "drain_us=0\nlink_propagation=on\nlink_poll_ms=50\n[ports]\nmtu=9000\nqueues=2\n"
	  "rx_desc=512\ntx_desc=2048\nmbufs=16383\n", .ok = true, .burst = 256, .mtu = 9000,
	  .queues = 2, .nb_pairs = 2, .first_pair = { "0", "1" } },
	{ .name = "pairs with names and spaces", .ini = "[bridge]\npairs = ( 0000:0b:00.0 , x )\n",
	  .ok = true, .nb_pairs = 1, .first_pair = { "0000:0b:00.0", "x" } },
	{ .name = "option overrides file", .ini = "[bridge]\nburst = 64\n",
	  .args = { "--burst", "16" }, .ok = true, .burst = 16 },
	{ .name = "option overrides file wherever it stands", .ini = "[bridge]\nburst = 64\n",
	  .args = { "--burst=8", "--drain-us", "7" }, .ok = true, .burst = 8, .drain_us = 7 },
	{ .name = "option pairs", .args = { "--pairs", "(1,0)" }, .ok = true, .nb_pairs = 1,
	  .first_pair = { "1", "0" } },

	{ .name = "unknown section", .ini = "[brdige]\nburst = 1\n",
	  .err_has = { "unknown section", "brdige", "[bridge], [ports], [classifier], [capture]" } },
	{ .name = "value too long", .ini = "[classifier]\n\nsample_filter = "
	  "ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or "
	  "ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or "
	  "ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or "
	  "ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip or ip\n",
	  .err_has = { ":3:", "sample_filter", "too long" } },
	{ .name = "section name trimmed, comment after it", .ini = "[ ports ] ; x\nmtu = 9000\n",
	  .ok = true, .mtu = 9000 },
	{ .name = "key set twice in a section reopened later is refused as a section",
	  .ini = "[ports]\nmtu = 9000\n[bridge]\n[ports]\n", .err_has = { ":4:", "twice" } },
	{ .name = "unknown key", .ini = "[bridge]\nbrust = 1\n",
	  .err_has = { ":2:", "brust", "unknown key" } },
	{ .name = "key in the wrong section", .ini = "[ports]\nburst = 1\n",
	  .err_has = { "burst", "[bridge]" } },
	{ .name = "zero burst", .ini = "[bridge]\nburst = 0\n",
	  .err_has = { ":2:", "burst", "1 to 256" } },
	{ .name = "burst too big", .ini = "[bridge]\nburst = 257\n", .err_has = { "burst" } },
	{ .name = "negative", .ini = "[bridge]\ndrain_us = -1\n", .err_has = { "drain_us" } },
	{ .name = "overflow", .ini = "[ports]\nmtu = 99999999999999999999999\n",
	  .err_has = { "mtu", "out of range" } },
	{ .name = "trailing junk", .ini = "[ports]\nmtu = 1500x\n", .err_has = { "mtu" } },
	{ .name = "hex is not decimal", .ini = "[ports]\nmtu = 0x500\n", .err_has = { "mtu" } },
	{ .name = "empty value", .ini = "[ports]\nmtu =\n", .err_has = { "mtu", "empty" } },
	{ .name = "mtu too small", .ini = "[ports]\nmtu = 67\n", .err_has = { "mtu" } },
	{ .name = "mtu too big", .ini = "[ports]\nmtu = 9601\n", .err_has = { "mtu" } },
	{ .name = "absurd mbufs", .ini = "[ports]\nmbufs = 4000000000\n", .err_has = { "mbufs" } },
	{ .name = "duplicate key", .ini = "[bridge]\nburst = 8\nburst = 16\n",
	  .err_has = { ":3:", "burst", "twice" } },
	{ .name = "duplicate section", .ini = "[bridge]\nburst = 8\n[bridge]\n",
	  .err_has = { "[bridge]", "twice" } },
	{ .name = "line without =", .ini = "[bridge]\nburst 8\n", .err_has = { ":2:", "burst 8" } },
	{ .name = "key outside a section", .ini = "burst = 8\n", .err_has = { ":1:", "burst" } },
	{ .name = "bad bool", .ini = "[bridge]\nlink_propagation = maybe\n",
	  .err_has = { "link_propagation", "maybe" } },
	{ .name = "port in two pairs", .ini = "[bridge]\npairs = (0,1),(1,2)\n",
	  .err_has = { "pairs", "two pairs" } },
	{ .name = "port paired with itself", .ini = "[bridge]\npairs = (3,3)\n",
	  .err_has = { "pairs", "itself" } },
	{ .name = "pairs syntax", .ini = "[bridge]\npairs = 0,1\n", .err_has = { "pairs", "(" } },
	{ .name = "pairs unclosed", .ini = "[bridge]\npairs = (0,1\n", .err_has = { "pairs" } },
	{ .name = "pairs one port", .ini = "[bridge]\npairs = (0)\n", .err_has = { "pairs" } },
	{ .name = "pairs empty port", .ini = "[bridge]\npairs = (,1)\n",
	  .err_has = { "pairs", "missing" } },
	{ .name = "binary garbage", .ini = "[bridge]\nburst = 1\0\xff\xfe\n",
	  .err_has = { "not a text file" } },
	{ .name = "classifier keys", .ini = "[classifier]\nenabled = off\ndup_entries = 1024\n"
	  "sample_rate = 0\n", .args = { "--classifier", "on" }, .ok = true },
	{ .name = "not a power of two", .ini = "[classifier]\ndup_entries = 1000\n",
	  .err_has = { "dup_entries", "power of two" } },
	{ .name = "absurd table size", .args = { "--mac-entries", "1073741824" },
	  .err_has = { "--mac-entries" } },
	{ .name = "snap length below a header", .ini = "[classifier]\nsnap_len = 13\n",
	  .err_has = { "snap_len" } },
	{ .name = "unknown option", .args = { "--brust", "3" }, .err_has = { "--brust" } },
	{ .name = "option without value", .args = { "--burst" }, .err_has = { "--burst" } },
	{ .name = "option bad value", .args = { "--queues", "17" }, .err_has = { "--queues" } },
	{ .name = "missing file", .args = { "--config", "/nonexistent/vb.ini" },
	  .err_has = { "/nonexistent/vb.ini", "cannot open" } },
	{ .name = "config without name", .args = { "--config" }, .err_has = { "--config" } },
};

static int
write_tmp(const char *text, size_t len, char *path, size_t pathlen)
{
	int fd;

	snprintf(path, pathlen, "/tmp/vb_test_config_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* The binary-garbage case holds a NUL: its length is the literal's, not strlen. */
static size_t
ini_len(const struct config_case *c)
{
	if (strcmp(c->name, "binary garbage") == 0)
		return sizeof("[bridge]\nburst = 1\0\xff\xfe\n") - 1;
	return strlen(c->ini);
}

static int
run_case(const struct config_case *c)
{
	char *argv[16], path[64] = "", err[512] = "";
	struct vb_config cfg;
	int argc = 0, ret, failed = 0, i;

	argv[argc++] = (char *)"vbridge";
	if (c->ini != NULL) {
		if (write_tmp(c->ini, ini_len(c), path, sizeof(path)) != 0) {
			printf("FAIL %s: cannot write a temporary file\n", c->name);
			return 1;
		}
		argv[argc++] = (char *)"--config";
		argv[argc++] = path;
	}
	for (i = 0; c->args[i] != NULL; i++)
		argv[argc++] = (char *)c->args[i];
	argv[argc] = NULL;

	vb_config_defaults(&cfg);
	ret = vb_config_parse_args(&cfg, argc, argv, err, sizeof(err));
	if (path[0] != '\0')
		unlink(path);

	if (c->ok) {
		if (ret != 0) {
			printf("FAIL %s: expected success, got %d: %s\n", c->name, ret, err);
			return 1;
		}
#define CHECK(field) \
	if (c->field != 0 && cfg.field != c->field) { \
		printf("FAIL %s: " #field " = %u, expected %u\n", c->name, \
		       (unsigned int)cfg.field, (unsigned int)c->field); \
		failed = 1; \
	}
		CHECK(burst);
		CHECK(drain_us);
		CHECK(mtu);
		CHECK(queues);
		CHECK(nb_pairs);
#undef CHECK
		if (c->first_pair[0] != NULL &&
		    (strcmp(cfg.pairs[0][0], c->first_pair[0]) != 0 ||
		     strcmp(cfg.pairs[0][1], c->first_pair[1]) != 0)) {
			printf("FAIL %s: first pair (%s,%s), expected (%s,%s)\n", c->name,
			       cfg.pairs[0][0], cfg.pairs[0][1], c->first_pair[0],
			       c->first_pair[1]);
			failed = 1;
		}
		return failed;
	}

	if (ret >= 0) {
		printf("FAIL %s: expected an error, got %d\n", c->name, ret);
		return 1;
	}
	for (i = 0; i < 3 && c->err_has[i] != NULL; i++)
		if (strstr(err, c->err_has[i]) == NULL) {
			printf("FAIL %s: message lacks '%s': %s\n", c->name, c->err_has[i], err);
			failed = 1;
		}
	return failed;
}

/* Every key has its paragraph in the shipped file, set or commented out (";key ="). */
static int
check_documented(const char *path)
{
	const struct vb_opt *opts;
	unsigned int n, i, failed = 0;
	char text[16384], want[80], alt[80];
	size_t len;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		printf("FAIL %s: cannot open\n", path);
		return 1;
	}
	len = fread(text + 1, 1, sizeof(text) - 2, f);
	fclose(f);
	text[0] = '\n';
	text[len + 1] = '\0';
	opts = vb_config_options(&n);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "\n%s =", opts[i].key);
		snprintf(alt, sizeof(alt), "\n;%s =", opts[i].key);
		if (strstr(text, want) == NULL && strstr(text, alt) == NULL) {
			printf("FAIL %s: key [%s] %s is not documented there\n", path,
			       opts[i].section, opts[i].key);
			failed = 1;
		}
	}
	return failed;
}

/* The shipped file documents the defaults: it must parse, to exactly the defaults. */
static int
check_shipped_file(const char *path)
{
	struct vb_config from_file, defaults;
	char err[512];

	vb_config_defaults(&defaults);
	vb_config_defaults(&from_file);
	if (vb_config_load(&from_file, path, err, sizeof(err)) != 0) {
		printf("FAIL %s: %s\n", path, err);
		return 1;
	}
	if (memcmp(&from_file, &defaults, sizeof(defaults)) != 0) {
		printf("FAIL %s: its values differ from the built-in defaults\n", path);
		return 1;
	}
	return check_documented(path);
}

int
main(int argc, char **argv)
{
	unsigned int i, failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		failed += run_case(&cases[i]);
	if (argc > 1)
		failed += check_shipped_file(argv[1]);
	else
		printf("note: no path to config/vbridge.ini given, its check skipped\n");
	printf("%u config cases, %u failed\n", i + (argc > 1), failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
