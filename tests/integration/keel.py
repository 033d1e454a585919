"""Drives a keel image booted by tools/qemu-run or tools/bochs-run through its
serial console, the way an operator would (stdlib only).

    k = Keel.qemu('qemu_smp1', image='build/itest/smp.img', smp=1)
    k.expect(r'keel> ', 90)
    out = k.cmd('info cpus')
    status = k.close()

The launcher runs in a new session; the emulator in yet another (the
launchers' setsid), so close() kills both groups. The whole transcript, ANSI
escapes and CRs removed, goes to build/itest/<name>.log as it arrives.
"""
import codecs
import os
import re
import signal
import subprocess
import threading
import time
import tty

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOGDIR = os.path.join(ROOT, 'build', 'itest')
# ECMA-48 CSI sequences (OVMF also sends private ones like ESC[=3h), charset
# selections and two-byte escapes.
ANSI = re.compile(r'\x1b(?:\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_])')
PROMPT = r'keel> '


class Failure(Exception):
    """An expectation was not met; the message carries the transcript tail."""


class Keel:
    def __init__(self, name, argv, pty=False):
        self.name = name
        os.makedirs(LOGDIR, exist_ok=True)
        self.log_path = os.path.join(LOGDIR, name + '.log')
        self.log = open(self.log_path, 'w')
        self.text = ''          # the cleaned transcript
        self.pos = 0            # expect() searches from here
        self.cond = threading.Condition()
        self.eof = False
        self.started = time.monotonic()
        self._dec = codecs.getincrementaldecoder('utf-8')(errors='replace')
        self._hold = ''
        self.master = None
        if pty:
            # Bochs opens the pty slave by name; raw mode so the line
            # discipline neither echoes our input nor rewrites line ends.
            self.master, slave = os.openpty()
            tty.setraw(slave)
            self._slave = slave  # kept open: reads on the master get EIO without one
            argv = argv + ['--serial-pty', os.ttyname(slave)]
            self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                                         stdout=self.log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            self._rfd = self.master
        else:
            self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            self._rfd = self.proc.stdout.fileno()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    @classmethod
    def qemu(cls, name, image=None, pxe=None, smp=1, mem=1024, limit=600, ipxe=False, pty=False):
        """limit: the launcher's own watchdog, in case this driver dies.
        ipxe: with pxe, boot through the NIC's iPXE ROM, not OVMF's PXE."""
        argv = [os.path.join(ROOT, 'tools', 'qemu-run'), '--smp', str(smp), '-m', str(mem),
                '--timeout', str(limit)]
        argv += ['--pxe', pxe] if pxe else ['--image', image]
        argv += ['--ipxe'] if ipxe else []
        return cls(name, argv, pty=pty)

    @classmethod
    def bochs(cls, name, image, cpus=2, limit=900):
        argv = [os.path.join(ROOT, 'tools', 'bochs-run'), '--image', image,
                '--cpus', str(cpus), '--timeout', str(limit),
                '--log-dir', os.path.join(LOGDIR, name + '.bochs')]
        return cls(name, argv, pty=True)

    def _read(self):
        while True:
            try:
                data = os.read(self._rfd, 4096)
            except OSError:      # EIO: pty closed
                data = b''
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self._feed(self._dec.decode(data))
                self.cond.notify_all()

    def _feed(self, s):
        s = self._hold + s
        # Hold back a possibly incomplete escape sequence at the end.
        cut = s.rfind('\x1b')
        if cut >= 0 and len(s) - cut < 16 and not ANSI.match(s, cut):
            s, self._hold = s[:cut], s[cut:]
        else:
            self._hold = ''
        s = ANSI.sub('', s).replace('\r', '')
        self.text += s
        self.log.write(s)
        self.log.flush()

    def tail(self, n=40):
        with self.cond:
            lines = self.text.splitlines()[-n:]
        return '\n'.join('    | ' + l for l in lines)

    def expect(self, regex, timeout=30):
        """Waits for regex (re.M) in the output not yet consumed; returns the
        match and consumes through its end. Raises Failure on timeout or exit."""
        pat = re.compile(regex, re.M)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = pat.search(self.text, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    break
                if self.master is not None and self.proc.poll() is not None:
                    # A pty never reports EOF while we hold the slave; give
                    # the reader a moment to drain what is buffered.
                    self.cond.wait(0.5)
                    self.eof = True
                    continue
                self.cond.wait(min(left, 1.0))
        why = 'emulator exited (status %s)' % self.proc.poll() if self.eof else \
            'timed out after %gs' % timeout
        raise Failure('no /%s/: %s; last lines:\n%s' % (regex, why, self.tail()))

    def line(self, regex, timeout=30):
        """expect() through the end of the line; returns that whole line."""
        m = self.expect(r'^.*?(?:%s).*\n' % regex, timeout)
        return m.group(0).strip()

    def send(self, s):
        data = s.encode()
        try:
            if self.master is not None:
                os.write(self.master, data)
            else:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
        except OSError as e:
            raise Failure('cannot type %r: %s (status %s); last lines:\n%s'
                          % (s, e, self.proc.poll(), self.tail()))

    def cmd(self, line, until=PROMPT, timeout=30):
        """Types line and Enter (CR, as a terminal sends it); returns the output
        up to the next `until`, without the echo of the line itself."""
        with self.cond:
            self.pos = len(self.text)
        start = self.pos
        self.send(line + '\r')
        m = self.expect(until, timeout)
        out = self.text[start:m.start()]
        first, _, rest = out.partition('\n')
        return rest if first.strip() == line.strip() else out

    def wait(self, timeout):
        """The launcher's exit status (QEMU's), or None if still running."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _groups(self):
        # The launcher's group, and the emulator's: the launcher's child in
        # a session of its own, found by parent pid while the launcher lives.
        pgids = {self.proc.pid}
        for d in os.listdir('/proc'):
            if d.isdigit():
                try:
                    with open('/proc/%s/stat' % d) as f:
                        fields = f.read().rsplit(')', 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:   # ppid
                    pgids.add(int(fields[2]))         # pgrp
        return pgids

    def close(self):
        """Stops the launcher and the emulator (whole process groups), saves
        the log, returns the exit status (negative: killed by that signal)."""
        if self.proc.poll() is None:
            groups = self._groups()
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for g in groups:
                    try:
                        os.killpg(g, sig)
                    except ProcessLookupError:
                        pass
                if self.wait(5) is not None:
                    break
        status = self.proc.wait()
        if self.master is not None:
            os.close(self._slave)     # last slave holder: the reader gets EIO
        self.reader.join(5)
        if self.master is not None:
            os.close(self.master)
        elif self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.log.close()
        return status
