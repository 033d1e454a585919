#!/usr/bin/env python3
"""The translator against QEMU's TCG, measured in one run (make bench).

    tests/hosted/bench_tcg.py [--runs N] [--mib M]

Boots the same Debian kernel and busybox initramfs under build/keel-run
and under qemu-system-x86_64 -accel tcg (same -m, -smp 1, command line),
and for each prints:
  - the wall time from start to the guest's shell prompt;
  - a CPU-bound job in the guest: `dd if=/dev/zero bs=1M count=M |
    sha256sum`, timed from the Enter key to the hash on the console;
and the same job run natively on this host with the same busybox, as the
physical limit. Ratios are keel / QEMU: below 1.0 means keel is faster.
Medians of N runs (default 3).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linux import ROOT, Guest  # noqa: E402

KERNEL = os.path.join(ROOT, 'build', 'guest', 'linux', 'vmlinuz')
INITRD = os.path.join(ROOT, 'build', 'guest', 'initrd.gz')
BUSYBOX = '/bin/busybox'


def argv_for(which):
    common = ['-m', '256', '-smp', '1', '-kernel', KERNEL, '-initrd', INITRD,
              '-append', 'console=ttyS0', '-serial', 'stdio', '-display', 'none', '-no-reboot']
    if which == 'keel':
        return [os.path.join(ROOT, 'build', 'keel-run')] + common
    return ['qemu-system-x86_64', '-accel', 'tcg', '-monitor', 'none'] + common


def one_run(which, mib, logdir):
    g = Guest(argv_for(which), os.path.join(logdir, 'bench-%s.log' % which))
    try:
        t_shell = g.wait_for(b'guest# ', 300)
        g.type('dd if=/dev/zero bs=1M count=%d 2>/dev/null | sha256sum\n' % mib)
        t0 = time.monotonic()
        g.wait_for(b'  -', 600)
        t_job = time.monotonic() - t0
        g.wait_for(b'guest# ', 60)
        g.type('exit\n')
        g.wait_for(b'Power down', 120)
        return t_shell, t_job
    finally:
        g.close()


def native(mib):
    t0 = time.monotonic()
    dd = subprocess.Popen([BUSYBOX, 'dd', 'if=/dev/zero', 'bs=1M', 'count=%d' % mib],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = subprocess.run([BUSYBOX, 'sha256sum'], stdin=dd.stdout, capture_output=True, check=True)
    dd.wait()
    assert out.stdout.strip().endswith(b'-')
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--mib', type=int, default=64)
    a = ap.parse_args()
    for f in (KERNEL, INITRD, os.path.join(ROOT, 'build', 'keel-run'), BUSYBOX):
        if not os.path.exists(f):
            sys.exit('bench_tcg.py: %s missing (make hosted guest; busybox-static)' % f)
    logdir = os.path.join(ROOT, 'build', 'hosted')
    os.makedirs(logdir, exist_ok=True)

    res = {'keel': [], 'qemu': []}
    for i in range(a.runs):
        for which in ('keel', 'qemu'):  # interleaved, so load changes hit both
            res[which].append(one_run(which, a.mib, logdir))
    nat = statistics.median(native(a.mib) for _ in range(a.runs))

    med = {w: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v))
           for w, v in res.items()}
    print('translator vs QEMU TCG (median of %d runs, Linux 6.1 + busybox, -m 256 -smp 1):' % a.runs)
    print('  %-34s keel-run %6.2f s   QEMU TCG %6.2f s   ratio %.2f' % (
        'start to shell prompt', med['keel'][0], med['qemu'][0], med['keel'][0] / med['qemu'][0]))
    print('  %-34s keel-run %6.2f s   QEMU TCG %6.2f s   ratio %.2f' % (
        'sha256sum of %d MiB of zeros' % a.mib, med['keel'][1], med['qemu'][1],
        med['keel'][1] / med['qemu'][1]))
    print('  %-34s native   %6.2f s   (the physical limit; keel-run is %.1fx slower)' % (
        'same job on this host', nat, med['keel'][1] / nat))
    return 0


if __name__ == '__main__':
    sys.exit(main())
