#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vbridge under a stand-in for systemd: an AF_UNIX datagram socket as NOTIFY_SOCKET and
WATCHDOG_USEC set, as systemd does for a Type=notify unit with WatchdogSec=. On net_null
ports (full load): READY=1 within seconds, a STATUS= summary, WATCHDOG=1 at least twice in
every watchdog interval while it forwards, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on
SIGTERM and exit 0. Also: a
NOTIFY_SOCKET nobody listens on does not stop vbridge from forwarding.

    test_notify.py PATH/TO/vbridge
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

WATCHDOG_USEC = 600000		# systemd's WatchdogSec=0.6s
failed = 0
checks = 0


def check(cond, msg):
    global failed, checks
    checks += 1
    if not cond:
        failed += 1
        print('FAIL: ' + msg)


def start(vbridge, prefix, env):
    return subprocess.Popen(
        [vbridge, '-l', '0,1', '--no-huge', '-m', '256', '--no-pci', '--file-prefix', prefix,
         '--log-level', 'lib.eal:error', '--vdev', 'net_null0', '--vdev', 'net_null1'],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main():
    vbridge = sys.argv[1]
    prefix = 'vb_itest_notify_%d' % os.getpid()
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, 'notify')
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.05)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(WATCHDOG_USEC))
    env.pop('WATCHDOG_PID', None)

    t0 = time.monotonic()
    proc = start(vbridge, prefix, env)
    msgs = []			# (seconds since start, field) for every line received

    def receive(until):
        while time.monotonic() < until and proc.poll() is None:
            try:
                data = sock.recv(4096).decode()
            except socket.timeout:
                continue
            now = time.monotonic() - t0
            msgs.extend((now, line) for line in data.split('\n') if line)

    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(m == 'READY=1' for _, m in msgs):
            receive(time.monotonic() + 0.1)
            if proc.poll() is not None:
                break
        ready = [t for t, m in msgs if m == 'READY=1']
        check(bool(ready), 'no READY=1 within 20 s (exit %s)' % proc.poll())
        if not ready:
            return
        print('READY=1 %.3f s after start' % ready[0])
        check(ready[0] < 10, 'READY=1 only after %.1f s' % ready[0])
        # Forwarding: count WATCHDOG=1 over 3 s.
        t_from = time.monotonic() - t0
        receive(time.monotonic() + 3.0)
        t_to = time.monotonic() - t0
        pings = [t for t, m in msgs if m == 'WATCHDOG=1' and t >= t_from]
        interval = WATCHDOG_USEC / 1e6
        print('%d WATCHDOG=1 in %.2f s (interval %.1f s)' % (len(pings), t_to - t_from, interval))
        # At least two in every interval-long window.
        worst = min(sum(1 for p in pings if w <= p < w + interval)
                    for w in [t_from + i * 0.05 for i in range(int((t_to - t_from - interval) / 0.05))])
        check(worst >= 2, 'only %d WATCHDOG=1 in some %.1f s window' % (worst, interval))
        status = [m for _, m in msgs if m.startswith('STATUS=')]
        check(any('forwarding: 2 ports' in s and 'fps' in s for s in status),
              'no STATUS= with ports and rates: %s' % status[-3:])
        print('last ' + (status[-1] if status else 'STATUS= none'))

        # A reload (SIGHUP, what ExecReload= sends): RELOADING=1, then READY=1 again.
        t_hup = time.monotonic() - t0
        proc.send_signal(signal.SIGHUP)
        receive(time.monotonic() + 2)
        after = [(t, m) for t, m in msgs if t >= t_hup]
        rl = [t for t, m in after if m == 'RELOADING=1']
        rd = [t for t, m in after if m == 'READY=1' and rl and t >= rl[0]]
        check(bool(rl) and bool(rd), 'SIGHUP: RELOADING=1 %s, READY=1 after it %s' % (rl, rd))
        if rl and rd:
            print('SIGHUP: RELOADING=1 after %.3f s, READY=1 %.3f s later' %
                  (rl[0] - t_hup, rd[0] - rl[0]))
        check(any(m.startswith('MONOTONIC_USEC=') for _, m in after),
              'no MONOTONIC_USEC= with RELOADING=1')

        t_term = time.monotonic() - t0
        proc.send_signal(signal.SIGTERM)
        receive(time.monotonic() + 5)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        stopping = [t for t, m in msgs if m == 'STOPPING=1' and t >= t_term]
        check(bool(stopping), 'no STOPPING=1 after SIGTERM')
        if stopping:
            print('STOPPING=1 %.3f s after SIGTERM' % (stopping[0] - t_term))
            check(stopping[0] - t_term < 1, 'STOPPING=1 late')
            late = [t for t, m in msgs if m == 'WATCHDOG=1' and t > stopping[0]]
            check(not late, 'WATCHDOG=1 after STOPPING=1')
        check(proc.returncode == 0, 'exit %s after SIGTERM' % proc.returncode)
        out = proc.stdout.read()
        check('dir 0->1' in out, 'no final counters: ' + out[:200])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()

    # Nobody listening on NOTIFY_SOCKET: vbridge forwards and stops as without systemd.
    env['NOTIFY_SOCKET'] = os.path.join(tmp, 'nobody')
    proc = start(vbridge, prefix, env)
    try:
        time.sleep(3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        check(proc.returncode == 0 and 'dir 0->1' in out,
              'with a dead NOTIFY_SOCKET: exit %s, %s' % (proc.returncode, err[-300:]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    subprocess.run('rm -rf %s /var/run/dpdk/%s' % (tmp, prefix), shell=True, check=False)


if __name__ == '__main__':
    main()
    print('notify: %d checks, %d failed' % (checks, failed))
    sys.exit(1 if failed else 0)
