#!/usr/bin/env python3
"""Linux on keel-run: Debian's cloud kernel and our busybox initramfs boot
on the translator to a shell, run commands typed on stdin, and power off.

    tests/hosted/linux.py [--smp N] [--timeout S] [--keel-run PATH]

The way an operator would use it: keel-run -m 256 -kernel vmlinuz -initrd
initrd.gz -append "console=ttyS0" with the guest's COM1 on our stdin and
stdout. Passes when the shell answers a command with its computed output
and keel-run exits 0 after `poweroff -f` (the init script powers off when
the shell exits). The transcript goes to build/hosted/linux-smpN.log.
"""
import argparse
import os
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Guest:
    def __init__(self, argv, log):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        self.text = b''
        self.pos = 0
        self.log = open(log, 'wb')
        self.t0 = time.monotonic()

    def wait_for(self, what, timeout):
        """Waits for bytes `what` after the last match; returns the time."""
        end = time.monotonic() + timeout
        while True:
            i = self.text.find(what, self.pos)
            if i >= 0:
                self.pos = i + len(what)
                return time.monotonic() - self.t0
            left = end - time.monotonic()
            if left <= 0 or self.p.poll() is not None and not self._read(0):
                raise AssertionError('no %r within %ds (keel-run %s)' % (
                    what, timeout, 'running' if self.p.poll() is None else
                    'exited %d' % self.p.returncode))
            self._read(min(left, 1.0))

    def _read(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.p.stdout.fileno(), 65536)
        if not data:
            return False
        self.text += data
        self.log.write(data)
        self.log.flush()
        return True

    def type(self, line):
        """Types a line slowly enough for the 16-byte UART FIFO."""
        for ch in line.encode():
            self.p.stdin.write(bytes([ch]))
            time.sleep(0.01)

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--smp', type=int, default=1)
    ap.add_argument('--timeout', type=int, default=600, help='seconds to the shell prompt')
    ap.add_argument('--keel-run', default=os.path.join(ROOT, 'build', 'keel-run'))
    a = ap.parse_args()

    kernel = os.path.join(ROOT, 'build', 'guest', 'linux', 'vmlinuz')
    initrd = os.path.join(ROOT, 'build', 'guest', 'initrd.gz')
    for f in (a.keel_run, kernel, initrd):
        if not os.path.exists(f):
            sys.exit('linux.py: %s missing (make hosted guest)' % f)
    os.makedirs(os.path.join(ROOT, 'build', 'hosted'), exist_ok=True)
    log = os.path.join(ROOT, 'build', 'hosted', 'linux-smp%d.log' % a.smp)
    argv = [a.keel_run, '-m', '256', '-smp', str(a.smp), '-kernel', kernel, '-initrd', initrd,
            '-append', 'console=ttyS0', '-serial', 'stdio', '-display', 'none', '-no-reboot']
    g = Guest(argv, log)
    try:
        t_banner = g.wait_for(b'Linux version 6.', 120)
        if a.smp > 1:
            g.wait_for(b'smp: Brought up 1 node, %d CPUs' % a.smp, a.timeout)
        t_init = g.wait_for(b'keel-guest: init started', a.timeout)
        t_shell = g.wait_for(b'guest# ', 120)
        g.type('echo keel-$((6*7)) $(cat /proc/cpuinfo | grep -c ^processor)\n')
        g.wait_for(b'keel-42 %d' % a.smp, 120)
        g.wait_for(b'guest# ', 60)
        g.type('exit\n')
        g.wait_for(b'reboot: Power down', 120)
        g.p.wait(timeout=60)
        assert g.p.returncode == 0, 'keel-run exited %d after power-off' % g.p.returncode
        print('linux smp %d on keel-run: banner %.1fs, init %.1fs, shell %.1fs, command and '
              'power-off ok' % (a.smp, t_banner, t_init, t_shell))
    except AssertionError as e:
        tail = g.text[-1500:].decode('utf-8', 'replace')
        print('linux smp %d on keel-run: FAILED: %s\n--- last output (%s) ---\n%s' % (
            a.smp, e, log, tail))
        return 1
    finally:
        g.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
