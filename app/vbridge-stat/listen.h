/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat --listen: a Prometheus exporter. An HTTP server (libmicrohttpd) that reads the
 * stats segment at each scrape of /metrics and answers with the metrics --prometheus prints;
 * without a vbridge it answers vbridge_up 0, and it follows a restarted one by itself.
 */
#ifndef VB_STAT_LISTEN_H
#define VB_STAT_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * The default endpoint. Loopback, because the metrics say what a network-analysis appliance
 * sees: exposing them is the operator's decision. The port: docs/vbridge-stat.md says why.
 */
#define VB_STAT_LISTEN_ADDR	"127.0.0.1"
#define VB_STAT_LISTEN_PORT	9478

/*
 * Parse "[ADDR:]PORT": "9478" (on 127.0.0.1), "0.0.0.0:9478", "localhost:9478",
 * "[::1]:9478", "[::]:9478". ADDR is numeric (IPv4 dotted quad, IPv6 in brackets) or
 * "localhost"; no name is ever resolved. PORT is decimal, 0 to 65535 (0: the kernel picks a
 * free one). Fills *ss and *len. Returns 0, or -EINVAL with a message for the user in err
 * (which names arg and says what was expected).
 */
int vb_stat_listen_parse(const char *arg, struct sockaddr_storage *ss, socklen_t *len,
			 char *err, size_t errlen);

/* "127.0.0.1:9478" or "[::1]:9478" for an AF_INET or AF_INET6 address. Returns buf. */
const char *vb_stat_listen_addr_str(const struct sockaddr *sa, char *buf, size_t len);

/*
 * Serve http://ADDR:PORT/metrics (and a landing page at /) for the vbridge with file prefix
 * prefix, until SIGINT or SIGTERM. addr_port as for vb_stat_listen_parse, NULL for the
 * default. Prints "vbridge-stat: serving http://ADDR:PORT/metrics ..." on stderr once the
 * socket listens, then one line each time vbridge appears or goes away. Returns the exit
 * status: 0 stopped by a signal, 1 the port is in use or the server could not start, 2 a bad
 * address (syntax, not an address of this machine, a privileged port).
 */
int vb_stat_listen(const char *addr_port, const char *prefix);

#endif /* VB_STAT_LISTEN_H */
