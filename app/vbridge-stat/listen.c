/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat --listen: the Prometheus exporter (docs/vbridge-stat.md, "Prometheus").
 *
 * As the exporter guidelines ask: every scrape of /metrics reads the stats segment there and
 * then (synchronous; nothing is cached between scrapes, no timestamps), and prints exactly
 * what --prometheus prints, the policy's per-rule series included (the same functions). The
 * segment stays mapped between scrapes; before each read the mapping is checked, and one
 * whose vbridge has exited or been replaced by a restart is unmapped and the segment opened
 * anew, so that the exporter follows vbridge by itself.
 * Without a vbridge a scrape still succeeds (HTTP 200) with vbridge_up 0 and the reason as a
 * comment: "the target is up, the bridge is not" is what an alert rule needs to tell apart.
 *
 * HTTP is libmicrohttpd's: one internal thread polls the listening socket and the
 * connections and calls on_request(), so the reader state below is only ever touched by that
 * thread (and by the main thread before the daemon starts). The main thread waits for
 * SIGINT or SIGTERM, then stops the daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <rte_common.h>

#include "shm.h"
#include "stat.h"
#include "listen.h"

#define EXIT_RUNTIME		1
#define EXIT_USAGE		2

#define LISTEN_BACKLOG		64
#define HTTP_MAX_CONNECTIONS	32	/* Prometheus needs one per scraping server */
#define HTTP_TIMEOUT_S		10	/* an idle or stuck client is dropped after this */

#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct exporter {
	const char *prefix;
	struct vb_shm_reader reader;
	bool mapped;			/* reader holds a mapping */
	char why[PATH_MAX + 256];	/* why there is nothing to read (vbridge_up 0) */
	char logged[PATH_MAX + 320];	/* the last state logged, so that each is logged once */
	char *landing;			/* the page at /, made once */
	size_t landing_len;
	struct vb_stat_snap snap;	/* one scrape's scratch space: never read across scrapes */
};

static int
set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int
vb_stat_listen_parse(const char *arg, struct sockaddr_storage *ss, socklen_t *len,
		     char *err, size_t errlen)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN];
	const char *port_s, *colon, *p;
	unsigned long port;
	size_t hlen;
	int family;

	memset(ss, 0, sizeof(*ss));
	if (arg == NULL || arg[0] == '\0')
		return set_err(err, errlen, "--listen '': expected [ADDR:]PORT, e.g. %d, "
			       "127.0.0.1:%d or [::1]:%d", VB_STAT_LISTEN_PORT,
			       VB_STAT_LISTEN_PORT, VB_STAT_LISTEN_PORT);
	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');

		if (end == NULL)
			return set_err(err, errlen, "--listen '%s': no ']' after the IPv6 "
				       "address", arg);
		if (end[1] != ':')
			return set_err(err, errlen, "--listen '%s': expected a port after the "
				       "address, e.g. [::1]:%d", arg, VB_STAT_LISTEN_PORT);
		family = AF_INET6;
		p = arg + 1;
		hlen = end - p;
		port_s = end + 2;
	} else if ((colon = strrchr(arg, ':')) != NULL) {
		if (strchr(arg, ':') != colon)
			return set_err(err, errlen, "--listen '%s': write an IPv6 address in "
				       "brackets, e.g. [::1]:%d", arg, VB_STAT_LISTEN_PORT);
		if (colon == arg)
			return set_err(err, errlen, "--listen '%s': name the address: "
				       "127.0.0.1%s for this machine only, 0.0.0.0%s for every "
				       "IPv4 address, [::]%s for every address", arg, arg, arg,
				       arg);
		family = AF_INET;
		p = arg;
		hlen = colon - arg;
		port_s = colon + 1;
	} else {
		family = AF_INET;
		p = VB_STAT_LISTEN_ADDR;
		hlen = strlen(p);
		port_s = arg;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return set_err(err, errlen, "--listen '%s': '%.*s' is not an IP address", arg,
			       (int)hlen, p);
	memcpy(host, p, hlen);
	host[hlen] = '\0';

	/* Decimal digits only: strtoul alone would take "+80", " 80" and "0x50". */
	for (p = port_s; *p >= '0' && *p <= '9'; p++)
		;
	port = strtoul(port_s, NULL, 10);
	if (*port_s == '\0' || *p != '\0' || p - port_s > 5 || port > 65535)
		return set_err(err, errlen, "--listen '%s': the port '%s' is not a number from "
			       "0 to 65535", arg, port_s);

	if (family == AF_INET) {
		if (strcmp(host, "localhost") == 0)
			strcpy(host, "127.0.0.1");
		if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
			return set_err(err, errlen, "--listen '%s': '%s' is not an IPv4 address "
				       "(give a numeric address, or an IPv6 one in brackets)", arg,
				       host);
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
	} else {
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return set_err(err, errlen, "--listen '%s': '%s' is not an IPv6 address",
				       arg, host);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
	}
	return 0;
}

const char *
vb_stat_listen_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(in4->sin_port));
	}
	return buf;
}

/*
 * The listening socket, made here rather than by libmicrohttpd so that each way binding can
 * fail gets its own message and exit status. Returns the socket, or -1 with *status set.
 */
static int
listen_socket(const struct sockaddr *sa, socklen_t len, const char *where, int *status)
{
	int fd, one = 1;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "vbridge-stat: --listen %s: cannot make a socket: %s%s\n", where,
			strerror(errno), errno == EAFNOSUPPORT ? " (IPv6 is off here?)" : "");
		*status = errno == EAFNOSUPPORT ? EXIT_USAGE : EXIT_RUNTIME;
		return -1;
	}
	/* A restarted exporter must get its port back while old connections sit in TIME_WAIT;
	 * on Linux this still refuses a port that another socket listens on. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) != 0) {
		int e = errno;

		switch (e) {
		case EADDRINUSE:
			fprintf(stderr, "vbridge-stat: --listen %s: the port is in use by another "
				"program (another vbridge-stat --listen? 'ss -ltnp' names it): give "
				"another port\n", where);
			*status = EXIT_RUNTIME;
			break;
		case EADDRNOTAVAIL:
			fprintf(stderr, "vbridge-stat: --listen %s: not an address of this machine "
				"('ip address' lists them)\n", where);
			*status = EXIT_USAGE;
			break;
		case EACCES:
			fprintf(stderr, "vbridge-stat: --listen %s: ports below 1024 need root "
				"(CAP_NET_BIND_SERVICE): give a port from 1024 on (default %d)\n",
				where, VB_STAT_LISTEN_PORT);
			*status = EXIT_USAGE;
			break;
		case EINVAL:	/* a link-local IPv6 address: it would need a scope id */
			fprintf(stderr, "vbridge-stat: --listen %s: cannot listen on this address "
				"(%s)\n", where, strerror(e));
			*status = EXIT_USAGE;
			break;
		default:
			fprintf(stderr, "vbridge-stat: --listen %s: cannot bind: %s\n", where,
				strerror(e));
			*status = EXIT_RUNTIME;
		}
		close(fd);
		return -1;
	}
	if (listen(fd, LISTEN_BACKLOG) != 0) {
		fprintf(stderr, "vbridge-stat: --listen %s: cannot listen: %s\n", where,
			strerror(errno));
		*status = EXIT_RUNTIME;
		close(fd);
		return -1;
	}
	return fd;
}

/* Log a change of state once, not at every scrape. */
static void
log_state(struct exporter *x, const char *text)
{
	if (strcmp(x->logged, text) == 0)
		return;
	snprintf(x->logged, sizeof(x->logged), "%s", text);
	fprintf(stderr, "vbridge-stat: %s\n", text);
}

/*
 * Make x->reader map the running vbridge's segment, if there is one: drop a mapping whose
 * vbridge has exited, stopped or been replaced by a restart, then (re)open. Returns true when
 * there is something to read, false with x->why saying why not.
 */
static bool
follow(struct exporter *x)
{
	char line[sizeof(x->logged)];
	int rc;

	if (x->mapped && vb_stat_gone(&x->reader, x->why, sizeof(x->why))) {
		vb_shm_close(&x->reader);
		x->mapped = false;
		snprintf(line, sizeof(line), "vbridge_up 0: %s", x->why);
		log_state(x, line);
	}
	if (!x->mapped) {
		rc = vb_shm_open(&x->reader, x->prefix, x->why, sizeof(x->why));
		if (rc != 0) {
			snprintf(line, sizeof(line), "vbridge_up 0: %s", x->why);
			log_state(x, line);
			return false;
		}
		x->mapped = true;
		/* Opened while it stops (state "stopping"): down, and closed at the next scrape. */
		if (vb_stat_gone(&x->reader, x->why, sizeof(x->why))) {
			snprintf(line, sizeof(line), "vbridge_up 0: %s", x->why);
			log_state(x, line);
			return false;
		}
	}
	/* Published, but its ports are filled in while it sets them up: not yet. */
	if (__atomic_load_n(&x->reader.shm->state, __ATOMIC_ACQUIRE) == VB_STATE_STARTING) {
		snprintf(x->why, sizeof(x->why), "vbridge (pid %d) is starting", (int)x->reader.pid);
		snprintf(line, sizeof(line), "vbridge_up 0: %s", x->why);
		log_state(x, line);
		return false;
	}
	snprintf(line, sizeof(line), "reading vbridge pid %d (file prefix '%s')",
		 (int)x->reader.pid, x->prefix);
	log_state(x, line);
	return true;
}

/* One scrape into a malloc'd buffer. Returns 0, or -1 (out of memory). */
static int
scrape(struct exporter *x, char **buf, size_t *len)
{
	FILE *f;
	int rc;

	f = open_memstream(buf, len);
	if (f == NULL)
		return -1;
	if (follow(x)) {
		vb_stat_snap_take(x->reader.shm, &x->snap);
		rc = vb_stat_print_prometheus(f, &x->snap);
		/* and the policy's series, as --prometheus prints them after the counters */
		if (rc == 0)
			rc = vb_stat_print_rules_prometheus(f, x->reader.shm);
	} else {
		rc = vb_stat_print_prometheus_down(f, x->why);
	}
	if (fclose(f) != 0 || rc != 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

static enum MHD_Result
respond(struct MHD_Connection *conn, unsigned int code, const char *type, void *buf,
	size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, buf, mode);
	if (resp == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(buf);
		return MHD_NO;	/* libmicrohttpd closes the connection */
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
respond_text(struct MHD_Connection *conn, unsigned int code, const char *text)
{
	return respond(conn, code, "text/plain; charset=utf-8", (void *)(uintptr_t)text,
		       strlen(text), MHD_RESPMEM_PERSISTENT);
}

/*
 * Every request: GET or HEAD of /metrics or /, nothing else. libmicrohttpd calls this once
 * the headers are in, then for each piece of a body, then once more: answering in that last
 * call keeps the connection open for the next scrape (an answer in the first call closes
 * it). A body, which these requests should not have, is read and ignored. libmicrohttpd
 * leaves out the body of a HEAD answer by itself.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version __rte_unused, const char *upload_data __rte_unused,
	   size_t *upload_data_size, void **req_cls)
{
	static int headers_seen;
	struct exporter *x = cls;
	char *buf = NULL;
	size_t len = 0;

	if (*req_cls == NULL) {
		*req_cls = &headers_seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return respond_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				    "Only GET and HEAD are served here.\n");
	if (strcmp(url, "/metrics") == 0) {
		if (scrape(x, &buf, &len) != 0)
			return respond_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
					    "Out of memory while reading the counters.\n");
		return respond(conn, MHD_HTTP_OK, PROM_CONTENT_TYPE, buf, len,
			       MHD_RESPMEM_MUST_FREE);
	}
	if (strcmp(url, "/") == 0)
		return respond(conn, MHD_HTTP_OK, "text/html; charset=utf-8", x->landing,
			       x->landing_len, MHD_RESPMEM_PERSISTENT);
	return respond_text(conn, MHD_HTTP_NOT_FOUND,
			    "Not found: the metrics are at /metrics.\n");
}

static void
on_mhd_log(void *cls __rte_unused, const char *fmt, va_list ap)
{
	fputs("vbridge-stat: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* s with &, <, > and " as HTML entities (a file prefix may hold any of them). */
static void
html_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static int
make_landing(struct exporter *x, const char *where)
{
	FILE *f = open_memstream(&x->landing, &x->landing_len);

	if (f == NULL)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
	      "<title>vbridge-stat exporter</title></head>\n<body>\n"
	      "<h1>vbridge-stat exporter</h1>\n<p>The counters of the vbridge with file prefix "
	      "<code>", f);
	html_text(f, x->prefix);
	fputs("</code>, in Prometheus's text format: <a href=\"/metrics\">/metrics</a>.</p>\n"
	      "<p>Each scrape reads them afresh; without a running vbridge it answers "
	      "<code>vbridge_up 0</code>.</p>\n<p>vbridge-stat " VB_VERSION " on ", f);
	html_text(f, where);
	fputs(". The metrics: docs/vbridge-stat.md.</p>\n</body>\n</html>\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

int
vb_stat_listen(const char *addr_port, const char *prefix)
{
	struct sockaddr_storage ss, bound;
	socklen_t len, blen = sizeof(bound);
	struct MHD_Daemon *d;
	struct exporter *x;
	char err[256], where[INET6_ADDRSTRLEN + 16], def[32];
	sigset_t stop;
	int fd, sig, status = EXIT_RUNTIME;

	memset(&bound, 0, sizeof(bound));
	len = 0;
	if (addr_port == NULL) {
		snprintf(def, sizeof(def), "%s:%d", VB_STAT_LISTEN_ADDR, VB_STAT_LISTEN_PORT);
		addr_port = def;
	}
	if (vb_stat_listen_parse(addr_port, &ss, &len, err, sizeof(err)) != 0) {
		fprintf(stderr, "vbridge-stat: %s\n", err);
		return EXIT_USAGE;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		fprintf(stderr, "vbridge-stat: out of memory\n");
		return EXIT_RUNTIME;
	}
	x->prefix = prefix;

	fd = listen_socket((struct sockaddr *)&ss, len,
			   vb_stat_listen_addr_str((struct sockaddr *)&ss, where, sizeof(where)),
			   &status);
	if (fd < 0)
		goto out;
	/* The port the kernel gave, for --listen PORT 0. */
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0)
		vb_stat_listen_addr_str((struct sockaddr *)&bound, where, sizeof(where));
	if (make_landing(x, where) != 0) {
		fprintf(stderr, "vbridge-stat: out of memory\n");
		close(fd);
		goto out;
	}

	/*
	 * SIGINT and SIGTERM are blocked before the daemon's thread starts, so that it inherits
	 * the mask and both come to sigwait() below; a client gone mid-answer must not end us.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	follow(x);	/* say at once whether there is a vbridge */
	d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, on_request, x,
			     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,	/* first */
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_MAX_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
			     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "vbridge-stat: --listen %s: the HTTP server did not start\n",
			where);
		close(fd);
		goto out;
	}
	fprintf(stderr, "vbridge-stat: serving http://%s/metrics for file prefix '%s'\n", where,
		prefix);

	while (sigwait(&stop, &sig) != 0)
		;
	MHD_stop_daemon(d);	/* joins its thread, closes the connections and the socket */
	fprintf(stderr, "vbridge-stat: stopped by %s\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	status = EXIT_SUCCESS;
out:
	if (x->mapped)
		vb_shm_close(&x->reader);
	free(x->landing);
	free(x);
	return status;
}
