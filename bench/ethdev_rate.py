#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Frames per second through a running DPDK primary, from its telemetry socket.

Reads /ethdev/stats of the given ports twice, INTERVAL seconds apart, and prints
`mpps=<sum of opackets per second / 1e6> rx_mpps=<ipackets ...> seconds=<measured>`.
Sampling a running process avoids start-up and shutdown in the figure. It talks to the
socket directly (what dpdk-telemetry.py does) so that no extra process runs while sampling.

With --pid PID it also reads the CPU time of the process's EAL worker threads (rte-worker-N)
over the same interval and prints `cpu_s=<worker CPU seconds> mpps_cpu=<frames per worker
CPU second / 1e6>`: on a shared machine, the rate the worker achieved while it had its core.

Usage: ethdev_rate.py [--pid PID] FILE_PREFIX INTERVAL [PORT...]     (ports default: 0 1)
"""
import glob
import json
import os
import socket
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def worker_cpu(pid):
    """CPU seconds (user + system) of the EAL worker threads of pid."""
    total = 0
    for task in glob.glob("/proc/%d/task/*" % pid):
        try:
            with open(task + "/comm") as f:
                if not f.read().startswith(("rte-worker", "lcore-worker")):
                    continue
            with open(task + "/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / TICK


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
    args = sys.argv[1:]
    pid = None
    if args[:1] == ["--pid"]:
        pid, args = int(args[1]), args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    prefix, interval = args[0], float(args[1])
    ports = [int(p) for p in args[2:]] or [0, 1]
    s = connect(prefix)
    c0 = worker_cpu(pid) if pid else 0
    tx0, rx0, t0 = totals(s, ports)
    time.sleep(interval)
    tx1, rx1, t1 = totals(s, ports)
    c1 = worker_cpu(pid) if pid else 0
    dt = t1 - t0
    line = "mpps=%.3f rx_mpps=%.3f seconds=%.3f" % ((tx1 - tx0) / dt / 1e6,
                                                   (rx1 - rx0) / dt / 1e6, dt)
    if pid and c1 > c0:
        line += " cpu_s=%.2f mpps_cpu=%.3f" % (c1 - c0, (tx1 - tx0) / (c1 - c0) / 1e6)
    print(line)


if __name__ == "__main__":
    main()
