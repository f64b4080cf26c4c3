#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Frames per second through a running DPDK primary, from its telemetry socket.

Reads /ethdev/stats of the given ports twice, INTERVAL seconds apart, and prints
`mpps=<sum of opackets per second / 1e6> rx_mpps=<ipackets ...> seconds=<measured>`.
Sampling a running process avoids start-up and shutdown in the figure. It talks to the
socket directly (what dpdk-telemetry.py does) so that no extra process runs while sampling.

Usage: ethdev_rate.py FILE_PREFIX INTERVAL [PORT...]     (ports default: 0 1)
"""
import json
import socket
import sys
import time


def connect(prefix):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(4096).decode())  # the greeting: version, pid, max_output_len
    return s


def query(s, cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(65536).decode())


def totals(s, ports):
    tx = rx = 0
    for p in ports:
        st = query(s, "/ethdev/stats,%d" % p)["/ethdev/stats"]
        tx += st["opackets"]
        rx += st["ipackets"]
    return tx, rx, time.monotonic()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    prefix, interval = sys.argv[1], float(sys.argv[2])
    ports = [int(p) for p in sys.argv[3:]] or [0, 1]
    s = connect(prefix)
    tx0, rx0, t0 = totals(s, ports)
    time.sleep(interval)
    tx1, rx1, t1 = totals(s, ports)
    dt = t1 - t0
    print("mpps=%.3f rx_mpps=%.3f seconds=%.3f" % ((tx1 - tx0) / dt / 1e6,
                                                  (rx1 - rx0) / dt / 1e6, dt))


if __name__ == "__main__":
    main()
