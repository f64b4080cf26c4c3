/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat --listen's [ADDR:]PORT, table-driven: what each accepted form means (family,
 * address, port, read back through inet_ntop by vb_stat_listen_addr_str), and that each bad
 * one is refused with a message that names it and says what was expected. No socket is
 * opened here: binding (a port in use, an address not of this machine) is checked by
 * tests/integration/test_listen.sh.
 */
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "stat.h"
#include "listen.h"
#include "check.h"

struct good {
	const char *arg;
	const char *addr;	/* vb_stat_listen_addr_str of the result */
};

static const struct good goods[] = {
	{ "9478", "127.0.0.1:9478" },
	{ "0", "127.0.0.1:0" },
	{ "1", "127.0.0.1:1" },
	{ "65535", "127.0.0.1:65535" },
	{ "00080", "127.0.0.1:80" },
	{ "127.0.0.1:9478", "127.0.0.1:9478" },
	{ "0.0.0.0:9100", "0.0.0.0:9100" },
	{ "198.18.0.1:9478", "198.18.0.1:9478" },
	{ "localhost:9478", "127.0.0.1:9478" },
	{ "[::1]:9478", "[::1]:9478" },
	{ "[::]:9478", "[::]:9478" },
	{ "[2001:2::1]:80", "[2001:2::1]:80" },
	{ "[::ffff:127.0.0.1]:9478", "[::ffff:127.0.0.1]:9478" },
};

struct bad {
	const char *arg;
	const char *says;	/* a piece of the message */
};

static const struct bad bads[] = {
	{ "", "expected [ADDR:]PORT" },
	{ "abc", "the port 'abc' is not a number from 0 to 65535" },
	{ "65536", "not a number from 0 to 65535" },
	{ "99999999999999999999", "not a number from 0 to 65535" },
	{ "-1", "not a number" },
	{ "+80", "not a number" },
	{ " 80", "not a number" },
	{ "80 ", "not a number" },
	{ "0x50", "not a number" },
	{ "127.0.0.1", "not a number" },
	{ "127.0.0.1:", "the port '' is not a number" },
	{ ":9478", "name the address: 127.0.0.1:9478 for this machine only" },
	{ "1.2.3:80", "'1.2.3' is not an IPv4 address" },
	{ "256.0.0.1:80", "'256.0.0.1' is not an IPv4 address" },
	{ "example.org:80", "'example.org' is not an IPv4 address" },
	{ "::1:80", "write an IPv6 address in brackets" },
	{ "::1", "write an IPv6 address in brackets" },
	{ "[::1", "no ']' after the IPv6 address" },
	{ "[::1]", "expected a port after the address" },
	{ "[::1]9478", "expected a port after the address" },
	{ "[::1]:", "the port '' is not a number" },
	{ "[]:80", "'' is not an IP address" },
	{ "[127.0.0.1]:80", "'127.0.0.1' is not an IPv6 address" },
	{ "[::g]:80", "'::g' is not an IPv6 address" },
	{ "[0000:0000:0000:0000:0000:0000:0000:0000:0000]:80", "is not an IPv6 address" },
	{ "[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]:80", "is not an IP address" },
	{ "1111111111111111111111111111111111111111111111111111.0.0.1:80", "not an IP address" },
};

/* reader.c asks main.c whether to stop waiting; nothing here waits. */
bool
vb_stat_quitting(void)
{
	return false;
}

bool
vb_stat_resized(void)
{
	return false;
}

int
main(void)
{
	struct sockaddr_storage ss;
	char err[256], buf[64];
	socklen_t len;
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];

		err[0] = '\0';
		len = 0;
		rc = vb_stat_listen_parse(g->arg, &ss, &len, err, sizeof(err));
		CHECK(rc == 0, "'%s': refused (%d: %s), expected %s", g->arg, rc, err, g->addr);
		if (rc != 0)
			continue;
		vb_stat_listen_addr_str((struct sockaddr *)&ss, buf, sizeof(buf));
		CHECK(strcmp(buf, g->addr) == 0, "'%s': saw %s, expected %s", g->arg, buf,
		      g->addr);
		CHECK(len == (g->addr[0] == '[' ? sizeof(struct sockaddr_in6) :
			      sizeof(struct sockaddr_in)), "'%s': length %u for %s", g->arg,
		      (unsigned int)len, buf);
	}
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		char quoted[128];

		err[0] = '\0';
		rc = vb_stat_listen_parse(b->arg, &ss, &len, err, sizeof(err));
		CHECK(rc == -EINVAL, "'%s': saw %d, expected -EINVAL (%d)", b->arg, rc, -EINVAL);
		CHECK(strstr(err, b->says) != NULL, "'%s': message '%s', expected it to say '%s'",
		      b->arg, err, b->says);
		snprintf(quoted, sizeof(quoted), "--listen '%s'", b->arg);
		CHECK(strncmp(err, quoted, strlen(quoted)) == 0,
		      "'%s': message '%s' does not start with %s", b->arg, err, quoted);
	}
	CHECK(vb_stat_listen_parse(NULL, &ss, &len, err, sizeof(err)) == -EINVAL,
	      "NULL accepted");
	if (failures != 0) {
		printf("test_listen: %d failure(s) in %u checks\n", failures, checks);
		return 1;
	}
	printf("test_listen: ok, %u checks\n", checks);
	return 0;
}
