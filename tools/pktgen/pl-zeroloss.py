#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pl-zeroloss.py: the highest rate portlens takes without losing a frame, found by binary
search (RFC 2544 style) with pktgen-dpdk 23.06.1 as the generator. docs/pktgen.md tells how
to build pktgen and wire it; this script only drives what is there.

Two set-ups:

* memif (default), one host: the script starts pktgen under a pseudo-terminal (pktgen needs
  one) and portlens, joined by a net_memif pair, drives pktgen through its Lua socket (-g),
  and reads portlens's balance from its HTTP snapshot (/api/snapshot). The memif server
  starts first and the client stops first (pktgen is the server unless --memif-server
  portlens).
* remote, across hosts: pktgen runs on another host, cabled to portlens's NIC ports. The
  script reads portlens only: one it starts here on the NIC ports (--pl-eal) or one already
  running (--portlens-url). TX counts come from that pktgen's Lua socket (--pktgen-lua
  HOST:PORT, through which the script also sets the rate and starts and stops) or from the
  operator (--tx-manual), who runs each trial by hand and types what pktgen sent.

A trial stops pktgen, sets the rate, sends for --seconds (or --count frames), stops, waits
until pktgen's TX counter and portlens's balance stop moving, and compares the changes:
lost = sent - processed (frames that never arrived, and frames portlens dropped). A trial
passes when nothing was lost and pktgen reached at least --min-offered of the rate asked:
over memif a receiver that falls behind does not drop, it makes pktgen wait, so a rate not
reached is a failure too. The search tests --hi, then --lo, then halves the interval
between the highest pass and the lowest failure until it is no wider than --resolution.

Exit status: 0 search done (a zero-loss rate found or not), 1 a run failed (a process died,
a timeout, nothing arrived), 2 bad options or something missing (pktgen, portlens, a file).
"""
import argparse
import datetime
import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import urllib.error
import urllib.request

PROG = "pl-zeroloss"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# traffic profile -> (Lua script, needs a capture, how to make the capture)
TRAFFIC = {
        "sweep64": ("sweep64.lua", False, None),
        "imix": ("imix.lua", False, None),
        "finmark": ("replay.lua", True, "finmark"),
        "imix-pcap": ("replay.lua", True, "imix"),
        "pcap": ("replay.lua", True, None),
}

LONG_OPEN = "[==["
LONG_CLOSE = "]==]"


class Failure(Exception):
    """A run that cannot go on: a process died, a timeout, a protocol error (exit 1)."""


class Usage(Exception):
    """Bad options or something missing (exit 2)."""


def say(msg):
    print("%s: %s" % (PROG, msg), flush=True)


def warn(msg):
    print("%s: warning: %s" % (PROG, msg), file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# options


def host_port(text):
    m = re.fullmatch(r"\[?([^\]]*?)\]?:(\d+)", text)
    if not m or not m.group(1) or not 0 < int(m.group(2)) < 65536:
        raise argparse.ArgumentTypeError("'%s' is not HOST:PORT" % text)
    return (m.group(1), int(m.group(2)))


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not a number" % text)
    if not v > 0:
        raise argparse.ArgumentTypeError("'%s' must be greater than 0" % text)
    return v


def positive_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not an integer" % text)
    if v < 1:
        raise argparse.ArgumentTypeError("'%s' must be at least 1" % text)
    return v


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Usage(message)


def build_parser():
    p = Parser(prog="pl-zeroloss.py", description=__doc__.split("\n\n")[0],
               formatter_class=argparse.RawDescriptionHelpFormatter,
               epilog="examples (docs/pktgen.md):\n"
               "  tools/pktgen/pl-zeroloss.py --pktgen /opt/pktgen/bin/pktgen --traffic sweep64 "
               "--lo 0.1 --hi 5 --resolution 0.1\n"
               "  tools/pktgen/pl-zeroloss.py --mode remote --pktgen-lua 192.0.2.7:22022 "
               "--pl-eal '-l 0-4 -a 0000:3b:00.0' --unit mpps --lo 1 --hi 14.88\n")
    g = p.add_argument_group("set-up")
    g.add_argument("--mode", choices=("memif", "remote"), default="memif",
                   help="memif: both here over net_memif (default); remote: pktgen on another host")
    g.add_argument("--traffic", choices=sorted(TRAFFIC), default="sweep64",
                   help="sweep64 (default), imix (sequence packets, 12 flows), finmark or "
                   "imix-pcap (a capture made with pl-gen), pcap (--pcap FILE)")
    g.add_argument("--pcap", metavar="FILE",
                   help="capture for --traffic pcap; for finmark/imix-pcap, use FILE instead "
                   "of generating one")
    g.add_argument("--capture-frames", type=positive_int, default=100000, metavar="N",
                   help="frames in a generated capture (default 100000)")
    g.add_argument("--pktgen", metavar="PATH",
                   help="pktgen binary (default: $PKTGEN, else 'pktgen' on PATH)")
    g.add_argument("--portlens", metavar="PATH", default=os.path.join(ROOT, "build/app/portlens"),
                   help="portlens binary (default build/app/portlens)")
    g.add_argument("--pl-gen", metavar="PATH", default=os.path.join(ROOT, "build/tools/gen/pl-gen"),
                   help="capture generator (default build/tools/gen/pl-gen)")
    g.add_argument("--workers", type=positive_int, default=1, metavar="W",
                   help="portlens worker lcores (default 1)")
    g.add_argument("--pl-lcores", metavar="MAP",
                   help="portlens EAL --lcores (default: from the CPUs this process may use)")
    g.add_argument("--pg-lcores", metavar="MAP",
                   help="pktgen EAL --lcores: main lcore, then the port's lcore (default: "
                   "from the CPUs)")
    g.add_argument("--pl-args", default="", metavar="ARGS",
                   help="more portlens options (after --), one shell-quoted string")
    g.add_argument("--pg-args", default="", metavar="ARGS",
                   help="more pktgen EAL options, one shell-quoted string")
    g.add_argument("--memif-server", choices=("pktgen", "portlens"), default="pktgen",
                   help="which side is the memif server (default pktgen)")
    g.add_argument("--socket", metavar="PATH",
                   help="memif control socket (default /run/pl-zeroloss-PID.sock)")
    g.add_argument("--lua-port", type=int, default=0, metavar="PORT",
                   help="pktgen's Lua socket port in memif mode (default: a free one)")
    g.add_argument("--pg-port", type=int, default=0, metavar="N",
                   help="pktgen port number that sends (default 0)")

    g = p.add_argument_group("remote mode")
    g.add_argument("--pktgen-lua", type=host_port, metavar="HOST:PORT",
                   help="Lua socket of the remote pktgen (its -g option)")
    g.add_argument("--tx-manual", action="store_true",
                   help="run each trial on pktgen by hand and type the frames it sent")
    g.add_argument("--portlens-url", metavar="URL",
                   help="a running portlens's --http address, e.g. http://127.0.0.1:8080")
    g.add_argument("--http-token", metavar="FILE",
                   help="bearer token file for --portlens-url (portlens --http-token)")
    g.add_argument("--pl-eal", metavar="ARGS",
                   help="start portlens here with these EAL options (NIC ports), e.g. "
                   "'-l 0-4 -a 0000:3b:00.0'")

    g = p.add_argument_group("search")
    g.add_argument("--unit", choices=("pct", "mpps"), default="pct",
                   help="unit of --lo/--hi/--resolution: percent of the link speed pktgen "
                   "sees (default) or Mpps")
    g.add_argument("--lo", type=positive_float, default=0.1, help="lowest rate (default 0.1)")
    g.add_argument("--hi", type=positive_float, default=10.0, help="highest rate (default 10)")
    g.add_argument("--resolution", type=positive_float, default=0.1,
                   help="stop when the interval is this narrow (default 0.1)")
    g.add_argument("--seconds", type=positive_float, metavar="T",
                   help="send for T seconds per trial (default 5)")
    g.add_argument("--count", type=positive_int, metavar="N",
                   help="send N frames per trial instead of --seconds")
    g.add_argument("--repeat", type=positive_int, default=1, metavar="K",
                   help="a rate passes only if K trials in a row pass (default 1)")
    g.add_argument("--min-offered", type=float, default=0.95, metavar="F",
                   help="a trial fails if pktgen sent at less than F of the rate asked "
                   "(default 0.95; 0 turns the check off)")
    g.add_argument("--settle", type=positive_float, default=15.0, metavar="SEC",
                   help="longest wait for counters to stop moving (default 15)")

    g = p.add_argument_group("output")
    g.add_argument("--json", metavar="FILE", help="write the trials and the result as JSON")
    g.add_argument("--out", metavar="DIR",
                   help="logs of pktgen and portlens, final snapshot (default: a new /tmp folder)")
    g.add_argument("--dry-run", action="store_true",
                   help="check the options, print the commands, start nothing")
    g.add_argument("--self-check", action="store_true",
                   help="test option handling and the search on a simulated device; needs "
                   "neither pktgen nor portlens")
    return p


def check_options(a):
    """Cross-option rules argparse cannot say; raises Usage."""
    if a.count is not None and a.seconds is not None:
        raise Usage("--count and --seconds are exclusive")
    if a.count is None and a.seconds is None:
        a.seconds = 5.0
    if a.lo > a.hi:
        raise Usage("--lo %g is above --hi %g" % (a.lo, a.hi))
    if a.unit == "pct" and a.hi > 100:
        raise Usage("--hi %g: pktgen rates stop at 100 %%" % a.hi)
    if a.resolution >= a.hi - a.lo and a.hi != a.lo:
        raise Usage("--resolution %g is not below --hi - --lo" % a.resolution)
    if not 0 <= a.min_offered <= 1:
        raise Usage("--min-offered must be between 0 and 1")
    if a.pg_port < 0:
        raise Usage("--pg-port must be 0 or more")
    if a.mode == "memif" and a.pg_port != 0:
        raise Usage("--pg-port: over memif pktgen has one port, 0")
    if a.traffic == "imix" and a.pg_port != 0:
        raise Usage("--traffic imix works on pktgen port 0 only (docs/pktgen.md); "
                    "imix-pcap works on any")
    _, needs_pcap, gen_mix = TRAFFIC[a.traffic]
    if a.pcap and not needs_pcap:
        raise Usage("--pcap goes with --traffic pcap, finmark or imix-pcap, not %s" % a.traffic)
    if a.traffic == "pcap" and not a.pcap:
        raise Usage("--traffic pcap needs --pcap FILE")
    if a.mode == "memif":
        for opt, val in (("--pktgen-lua", a.pktgen_lua), ("--tx-manual", a.tx_manual),
                         ("--portlens-url", a.portlens_url), ("--pl-eal", a.pl_eal),
                         ("--http-token", a.http_token)):
            if val:
                raise Usage("%s is for --mode remote" % opt)
        if a.lua_port and not 0 < a.lua_port < 65536:
            raise Usage("--lua-port %d is not a port" % a.lua_port)
    else:
        if bool(a.pktgen_lua) == bool(a.tx_manual):
            raise Usage("--mode remote needs one of --pktgen-lua HOST:PORT and --tx-manual")
        if bool(a.portlens_url) == bool(a.pl_eal):
            raise Usage("--mode remote needs one of --portlens-url URL and --pl-eal ARGS")
        for opt, val in (("--pktgen", a.pktgen), ("--pg-lcores", a.pg_lcores),
                         ("--pg-args", a.pg_args), ("--socket", a.socket),
                         ("--lua-port", a.lua_port)):
            if val:
                raise Usage("%s is for --mode memif (pktgen runs elsewhere)" % opt)
        if a.pcap and a.pktgen_lua:
            raise Usage("--pcap: in remote mode give the capture to the remote pktgen "
                        "(-s %d:FILE)" % a.pg_port)
        if a.portlens_url and (a.pl_lcores or a.pl_args or a.workers != 1):
            raise Usage("--pl-lcores, --pl-args and --workers start a portlens; "
                        "--portlens-url attaches to one that runs")
        if a.http_token and not a.portlens_url:
            raise Usage("--http-token goes with --portlens-url")
        if a.portlens_url and not re.match(r"https?://[^/]+", a.portlens_url):
            raise Usage("--portlens-url '%s' is not http://HOST:PORT" % a.portlens_url)
    for opt, val in (("--pl-args", a.pl_args), ("--pg-args", a.pg_args), ("--pl-eal", a.pl_eal)):
        try:
            shlex.split(val or "")
        except ValueError as e:
            raise Usage("%s: %s" % (opt, e))


def find_pktgen(a):
    path = a.pktgen or os.environ.get("PKTGEN") or shutil.which("pktgen")
    if not path:
        raise Usage("pktgen not found: give --pktgen PATH or set PKTGEN (it is built outside "
                    "the project: docs/pktgen.md)")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise Usage("pktgen '%s' is not an executable file" % path)
    return path


def need_exec(path, what, hint):
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise Usage("%s '%s' not found or not executable (%s)" % (what, path, hint))


def cpu_layout(workers):
    """Default lcore maps: with enough CPUs each lcore gets its own; otherwise pktgen shares
    the first CPU and portlens the others (functional runs only)."""
    cpus = sorted(os.sched_getaffinity(0))
    need = 2 + 2 + workers  # pktgen main + TX, portlens stats + RX + workers
    if len(cpus) >= need:
        pg = "0@%d,1@%d" % (cpus[0], cpus[1])
        pl = ",".join("%d@%d" % (i, cpus[2 + i]) for i in range(2 + workers))
        return pg, pl, False
    rest = cpus[1:] or cpus
    pg = "0@%d,1@%d" % (cpus[0], cpus[0])
    pl = ",".join("%d@%d" % (i, rest[i % len(rest)]) for i in range(2 + workers))
    return pg, pl, True


# ---------------------------------------------------------------------------------------
# pktgen: the process under a pseudo-terminal, and its Lua socket


class LuaSocket:
    """pktgen's Lua socket (-g HOST:PORT): one connection per request; the request is Lua
    read line by line, the answer what the code wrote with io.write. Errors come back as a
    line 'PL-ERROR: ...' (print() and Lua's own error reports go to pktgen's terminal)."""

    def __init__(self, host, port):
        self.host = host
        self.port = port

    def reachable(self):
        try:
            with socket.create_connection((self.host, self.port), timeout=2):
                return True
        except OSError:
            return False

    def run(self, code, timeout=60):
        # One chunk: the socket's read-eval loop runs each complete statement as it
        # arrives, so a local set by one statement would be gone in the next.
        wrapped = ("do local ok, err = pcall(function()\n%s\nend)\n"
                   "if not ok then io.write('PL-ERROR: ', tostring(err), '\\n') end\n"
                   "io.flush() end\n" % code)
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout) as s:
                s.sendall(wrapped.encode())
                s.shutdown(socket.SHUT_WR)
                out = b""
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    out += d
        except OSError as e:
            raise Failure("pktgen Lua socket %s:%d: %s" % (self.host, self.port, e))
        text = out.decode(errors="replace")
        m = re.search(r"PL-ERROR: (.*)", text)
        if m:
            raise Failure("pktgen Lua error: %s" % m.group(1).strip())
        return text

    def values(self, code):
        """Run code that writes 'key=value' lines; return them as a dict of strings."""
        out = {}
        for line in self.run(code).splitlines():
            k, sep, v = line.partition("=")
            if sep:
                out[k.strip()] = v.strip()
        return out


def lua_string(text):
    if LONG_CLOSE in text:
        raise Usage("a Lua script contains %s" % LONG_CLOSE)
    return LONG_OPEN + "\n" + text + LONG_CLOSE


class PktgenControl:
    """Drives one pktgen port through the Lua socket (local or remote pktgen alike)."""

    def __init__(self, lua, port):
        self.lua = lua
        self.port = port
        self.p = '"%d"' % port

    def load_profile(self, script_path, rate):
        with open(script_path) as f:
            text = f.read()
        name = os.path.basename(script_path)
        self.lua.run("PL_PORT = %d\nPL_RATE = %s\n"
                     "local f, e = load(%s, '=%s')\nif not f then error(e) end\nf()"
                     % (self.port, repr(float(rate)), lua_string(text), name))

    def link(self):
        # pktgen refreshes its link state only when it draws the screen, which the Lua
        # socket (-g) turns off: turn it on for a moment.
        v = self.lua.values('pktgen.screen("on"); pktgen.delay(700)\n'
                            'local s = pktgen.linkState(%s)[%d]\npktgen.screen("off")\n'
                            'io.write("link=", s, "\\n")' % (self.p, self.port))
        return v.get("link", "")

    def set_rate(self, pct, count=None):
        """Set the rate (percent) and the frame count (0: until stopped); return pktgen's
        own target in frames per second."""
        v = self.lua.values('pktgen.stop(%s)\npktgen.set(%s, "count", %d)\n'
                            'pktgen.set(%s, "rate", %r)\n'
                            'local i = pktgen.portInfo(%s)[%d].info\n'
                            'io.write("pps=", i.tx_debug.tx_pps, "\\n")'
                            % (self.p, self.p, count or 0, self.p, float(pct), self.p, self.port))
        return int(float(v.get("pps", "0")))

    def pps_per_pct(self):
        return self.set_rate(1.0) or 0

    def start(self):
        self.lua.run("pktgen.start(%s)" % self.p)

    def stop(self):
        self.lua.run("pktgen.stop(%s)" % self.p)

    def sending(self):
        v = self.lua.values('io.write("s=", pktgen.isSending(%s)[%d], "\\n")'
                            % (self.p, self.port))
        return v.get("s", "n").startswith("y")

    def tx(self):
        v = self.lua.values('local s = pktgen.portStats(%s, "port")[%d]\n'
                            'io.write("tx=", s.opackets, "\\n", "oerr=", s.oerrors, "\\n")'
                            % (self.p, self.port))
        return int(v.get("tx", "0")), int(v.get("oerr", "0"))

    def tx_settled(self, timeout):
        """pktgen copies the port counters once a second: wait for two equal reads more
        than a second apart."""
        end = time.monotonic() + timeout
        last, t_last = self.tx(), time.monotonic()
        while True:
            time.sleep(0.4)
            cur, now = self.tx(), time.monotonic()
            if cur != last:
                last, t_last = cur, now
            elif now - t_last > 1.2:
                return cur
            if now > end:
                raise Failure("pktgen's TX counter still moving after %g s" % timeout)


class PtyProcess:
    """A program under a pseudo-terminal whose output is copied to a log file."""

    def __init__(self, argv, log_path, rows=60, cols=160):
        self.argv = argv
        self.log_path = log_path
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.status = None
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.log = open(log_path, "wb")
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        while True:
            try:
                r, _, _ = select.select([self.fd], [], [], 0.5)
                if not r:
                    if self.poll() is not None:
                        break
                    continue
                d = os.read(self.fd, 65536)
            except OSError:
                break
            if not d:
                break
            self.log.write(d)
            self.log.flush()

    def poll(self):
        if self.status is None:
            try:
                pid, st = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return self.status
            if pid:
                self.status = os.waitstatus_to_exitcode(st)
        return self.status

    def write(self, text):
        try:
            os.write(self.fd, text.encode())
        except OSError:
            pass

    def wait(self, timeout):
        end = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < end:
            time.sleep(0.1)
        return self.status

    def signal(self, sig):
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def tail(self, n=15):
        return log_tail(self.log_path, n)


def log_tail(path, n):
    try:
        with open(path, "rb") as f:
            text = f.read()[-20000:].decode(errors="replace")
    except OSError:
        return ""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\r", "", text)
    lines = [l.rstrip() for l in text.split("\n") if l.strip()]
    return "\n".join("    " + l[:200] for l in lines[-n:])


class LocalPktgen:
    """pktgen started here: a net_memif port, the Lua socket on 127.0.0.1 (pktgen itself
    listens on every address: see docs/pktgen.md)."""

    def __init__(self, argv, log_path, lua_port):
        self.argv = argv
        self.proc = PtyProcess(argv, log_path)
        self.lua = LuaSocket("127.0.0.1", lua_port)

    def wait_ready(self, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise Failure("pktgen exited (%s) while starting; its last output:\n%s"
                              % (self.proc.status, self.proc.tail()))
            if self.lua.reachable():
                return
            time.sleep(0.5)
        raise Failure("pktgen's Lua socket did not open in %d s; its last output:\n%s"
                      % (timeout, self.proc.tail()))

    def quit(self):
        if self.proc.poll() is not None:
            return self.proc.status
        # pktgen.quit() from the Lua socket's thread crashes 23.06.1: quit from its CLI.
        self.proc.write("\rquit\r")
        if self.proc.wait(20) is None:
            warn("pktgen did not quit in 20 s: SIGTERM")
            self.proc.signal(signal.SIGTERM)
            if self.proc.wait(5) is None:
                self.proc.signal(signal.SIGKILL)
                self.proc.wait(5)
        return self.proc.status


# ---------------------------------------------------------------------------------------
# portlens


class Portlens:
    """portlens started here (or attached to by URL): snapshots over --http."""

    def __init__(self, url, token=None, argv=None, log_path=None):
        self.url = url.rstrip("/")
        self.token = token
        self.argv = argv
        self.proc = None
        self.log_path = log_path
        if argv:
            self.log = open(log_path, "wb")
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                         stderr=subprocess.STDOUT)

    def snapshot(self):
        req = urllib.request.Request(self.url + "/api/snapshot")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.load(r)

    def wait_ready(self, timeout=60):
        end = time.monotonic() + timeout
        err = None
        while time.monotonic() < end:
            if self.proc and self.proc.poll() is not None:
                raise Failure("portlens exited (%d) while starting; its last output:\n%s"
                              % (self.proc.returncode, log_tail(self.log_path, 15)))
            try:
                return self.snapshot()
            except (OSError, ValueError, urllib.error.URLError) as e:
                err = e
            time.sleep(0.3)
        raise Failure("no snapshot from %s/api/snapshot in %d s (%s)" % (self.url, timeout, err))

    def settled(self, timeout):
        """The first snapshot after which received no longer moves and nothing is in
        flight: two snapshots in a row agree."""
        end = time.monotonic() + timeout
        last = None
        while True:
            if self.proc and self.proc.poll() is not None:
                raise Failure("portlens exited (%d); its last output:\n%s"
                              % (self.proc.returncode, log_tail(self.log_path, 15)))
            s = self.snapshot()
            b = s["balance"]
            if (last is not None and s["seq"] != last["seq"] and b["in_flight"] == 0 and
                b["received"] == last["balance"]["received"]):
                return s
            last = s
            if time.monotonic() > end:
                raise Failure("portlens's balance still moving after %g s" % timeout)
            time.sleep(0.2)

    def stop(self, timeout=30):
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                warn("portlens did not stop in %d s: SIGKILL" % timeout)
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def counters(s):
    """What a trial compares, from one snapshot."""
    b = s["balance"]
    hw = s.get("ports_hw", [])
    sizes = {}
    for bucket in s.get("sizes", []):
        key = "%s-%s" % (bucket["min"], "" if bucket["max"] is None else bucket["max"])
        sizes[key] = bucket["packets"]
    return {
            "received": b["received"],
            "processed": b["processed"],
            "dropped": dict(b["dropped"]),
            "imissed": sum(p.get("imissed", 0) for p in hw),
            "rx_nombuf": sum(p.get("rx_nombuf", 0) for p in hw),
            "bytes": s["totals"]["bytes"],
            "tcp": s["protocols"]["tcp"],
            "udp": s["protocols"]["udp"],
            "flows": s.get("flows", {}).get("created", 0),
            "sizes": sizes,
    }


def delta(c1, c0):
    d = {}
    for k, v in c1.items():
        if isinstance(v, dict):
            d[k] = {kk: vv - c0[k].get(kk, 0) for kk, vv in v.items()}
        else:
            d[k] = v - c0[k]
    return d


# ---------------------------------------------------------------------------------------
# trials and the search


def judge(tx, d, asked_pps, elapsed, min_offered):
    """A trial's verdict from what pktgen sent (tx) and the change in portlens's counters
    (d). Returns (result, lost, achieved_pps); result is pass, loss, short (the rate asked
    was not reached) or extra (portlens got more than was sent: other traffic)."""
    dropped = sum(d["dropped"].values())
    lost = tx - d["processed"]
    achieved = tx / elapsed if elapsed > 0 else 0.0
    if d["received"] > tx:
        return "extra", lost, achieved
    if lost > 0 or dropped > 0:
        return "loss", lost, achieved
    if asked_pps and min_offered > 0 and achieved < min_offered * asked_pps:
        return "short", lost, achieved
    return "pass", lost, achieved


def search(lo, hi, resolution, passes):
    """RFC 2544 style: hi first (done if it passes), then lo (no answer if it fails), then
    halve [highest pass, lowest failure] until it is no wider than resolution. passes(rate)
    runs the trials of one rate. Returns the highest rate that passed, or None."""
    if passes(hi):
        return hi
    if lo == hi or not passes(lo):
        return None
    while hi - lo > resolution:
        mid = round((lo + hi) / 2, 6)
        if mid in (lo, hi):
            break
        if passes(mid):
            lo = mid
        else:
            hi = mid
    return lo


class Run:
    """One search: the set-up, the trials, the result."""

    def __init__(self, a, ctl, pl, pps_per_pct):
        self.a = a
        self.ctl = ctl
        self.pl = pl
        self.pps_per_pct = pps_per_pct
        self.trials = []
        self.checked_traffic = False

    def pct(self, rate):
        """The rate in pktgen's unit; None when rates are in Mpps and pktgen is run by hand
        (the operator converts)."""
        if self.a.unit == "pct":
            return rate
        if not self.pps_per_pct:
            return None
        return rate * 1e6 / self.pps_per_pct

    def manual_trial(self, rate):
        unit = "%" if self.a.unit == "pct" else " Mpps"
        how = ("for %g s" % self.a.seconds) if self.a.seconds else ("%d frames" % self.a.count)
        print("\n  trial at %g%s: on pktgen set the rate (set %d rate PERCENT), send %s, stop,"
              % (rate, unit, self.a.pg_port, how))
        print("  then type the frames it sent in this trial (Tx Pkts after minus before),")
        print("  and the seconds it sent for if not %s:" % (self.a.seconds or "known"))
        while True:
            line = input("  sent [seconds]> ").split()
            try:
                tx = int(line[0])
                secs = float(line[1]) if len(line) > 1 else (self.a.seconds or 0.0)
                if tx < 0 or secs < 0:
                    raise ValueError
                return tx, secs
            except (ValueError, IndexError):
                print("  a frame count, optionally followed by seconds, please")

    def trial(self, rate):
        a = self.a
        pct = self.pct(rate)
        if self.ctl:
            asked = self.ctl.set_rate(pct, a.count)
            tx0, _ = self.ctl.tx_settled(a.settle)
        else:
            asked = 0
        c0 = counters(self.pl.settled(a.settle))
        if self.ctl:
            t0 = time.monotonic()
            self.ctl.start()
            if a.count:
                limit = t0 + a.count / max(asked, 1) * 3 + 30
                while self.ctl.sending():
                    if time.monotonic() > limit:
                        self.ctl.stop()
                        raise Failure("pktgen still sending %d frames after %.0f s"
                                      % (a.count, limit - t0))
                    time.sleep(0.05)
            else:
                time.sleep(a.seconds)
                self.ctl.stop()
            elapsed = time.monotonic() - t0
            tx1, oerr = self.ctl.tx_settled(a.settle)
            tx = tx1 - tx0
        else:
            tx, elapsed = self.manual_trial(rate)
            oerr = 0
        c1 = counters(self.pl.settled(a.settle))
        d = delta(c1, c0)
        if self.ctl and tx == 0:
            raise Failure("pktgen sent nothing in %.1f s at %g %% (is its port up, its TX lcore "
                          "running? its log shows its screen)" % (elapsed, pct))
        if tx > 0 and d["received"] == 0:
            raise Failure("pktgen sent %d frames and portlens received none: check the "
                          "wiring (docs/pktgen.md)" % tx)
        result, lost, achieved = judge(tx, d, asked, elapsed, a.min_offered)
        t = {
                "rate": rate, "pct": None if pct is None else round(pct, 6),
            "asked_pps": asked, "sent": tx,
                "tx_errors": oerr, "elapsed_s": round(elapsed, 3),
                "sent_pps": round(achieved, 1), "received": d["received"],
                "processed": d["processed"],
                "dropped": {k: v for k, v in d["dropped"].items() if v},
                "lost": lost, "imissed": d["imissed"], "rx_nombuf": d["rx_nombuf"],
                "bytes": d["bytes"], "flows_created": d["flows"],
                "sizes": {k: v for k, v in d["sizes"].items() if v}, "result": result,
        }
        self.trials.append(t)
        print_trial(len(self.trials), t, a.unit)
        if not self.checked_traffic and tx > 0:
            self.check_traffic(d)
            self.checked_traffic = True
        return result == "pass"

    def check_traffic(self, d):
        """After the first trial: did portlens see the profile's traffic? (pktgen sends its
        default single packet when a profile did not take, e.g. replay without -s.) Sizes
        count every frame received; protocols only the frames analysed, not those dropped."""
        sizes = d["sizes"]
        total = sum(sizes.values()) or 1
        share = {k: v / total for k, v in sizes.items()}
        kind = self.a.traffic
        problem = None
        if kind == "sweep64":
            if share.get("64-64", 0) < 0.99 and share.get("0-63", 0) < 0.99:
                problem = "frames are not all 60 bytes"
            elif d["udp"] < 0.99 * d["processed"]:
                problem = "frames are not UDP"
        elif kind in ("imix", "imix-pcap"):
            small = share.get("64-64", 0) + share.get("0-63", 0)
            if abs(small - 7 / 12) > 0.05 or abs(share.get("1024-1518", 0) - 1 / 12) > 0.03:
                problem = "sizes are not 7:4:1 (%s)" % sizes
        elif kind == "finmark":
            if d["tcp"] < 0.5 * d["processed"] or sum(1 for v in share.values() if v) < 3:
                problem = "this is not the FinMark capture"
        elif kind == "pcap":
            if sum(1 for v in share.values() if v) == 1 and d["flows"] <= 1:
                warn("one frame size and at most one new flow: is this the capture, or "
                     "pktgen's default packet (no -s)?")
        if problem:
            raise Failure("traffic check after the first trial: %s; did the profile load "
                          "(replay needs pktgen -s)?" % problem)
        shown = sorted((k for k in share if share[k] > 0), key=lambda k: int(k.split("-")[0]))
        say("traffic check: frame sizes %s" % ", ".join("%s %.1f%%" % (k, 100 * share[k])
                                                        for k in shown))

    def passes(self, rate):
        for _ in range(self.a.repeat):
            if not self.trial(rate):
                return False
        return True


def print_header(unit):
    u = "rate %" if unit == "pct" else "rate Mpps"
    print("%3s %10s %12s %12s %8s %10s %12s %10s %10s  %s"
          % ("#", u, "asked pps", "sent", "secs", "sent Mpps", "received", "dropped",
             "lost", "result"), flush=True)


def print_trial(i, t, unit):
    print("%3d %10g %12d %12d %8.2f %10.4f %12d %10d %10d  %s"
          % (i, t["rate"], t["asked_pps"], t["sent"], t["elapsed_s"], t["sent_pps"] / 1e6,
             t["received"], sum(t["dropped"].values()), t["lost"], t["result"]), flush=True)


# ---------------------------------------------------------------------------------------
# set-up and the whole run


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def capture_plan(a, out):
    """The capture pktgen replays (-s): (path, None) for a given file, (path, pl-gen command)
    for one to make, (None, None) when the profile needs none. In remote mode the capture
    is the remote pktgen's business."""
    _, needs, mix = TRAFFIC[a.traffic]
    if not needs or a.mode == "remote":
        return None, None
    if a.pcap:
        if not os.path.isfile(a.pcap):
            raise Usage("capture '%s' not found" % a.pcap)
        return os.path.abspath(a.pcap), None
    need_exec(a.pl_gen, "pl-gen", "build the project: ninja -C build")
    path = os.path.join(out, "%s.pcap" % mix)
    return path, [a.pl_gen, "--mix", mix, "--count", str(a.capture_frames), "--seed", "1",
                  "--out", path]


def commands(a, out, pid):
    """The pktgen and portlens command lines of a memif run."""
    pg_lcores, pl_lcores, shared = cpu_layout(a.workers)
    pg_lcores = a.pg_lcores or pg_lcores
    pl_lcores = a.pl_lcores or pl_lcores
    sock = a.socket or "/run/pl-zeroloss-%d.sock" % pid
    pg_role = "server" if a.memif_server == "pktgen" else "client"
    pl_role = "client" if pg_role == "server" else "server"
    pktgen = a.pktgen_path
    pg = ([pktgen, "--lcores", pg_lcores, "--file-prefix", "plzl-pg-%d" % pid, "--huge-unlink",
           "--no-pci", "--vdev", "net_memif0,role=%s,id=0,socket=%s" % (pg_role, sock)] +
            shlex.split(a.pg_args) +
            ["--", "-P", "-m", "1.%d" % a.pg_port, "-g", "127.0.0.1:%d" % a.lua_port])
    if a.capture:
        pg += ["-s", "%d:%s" % (a.pg_port, a.capture)]
    pl_opts = ["--workers", str(a.workers), "--http", "127.0.0.1:%d" % a.http_port,
               "--tick-ms", "250", "--json", os.path.join(out, "portlens-final.json")]
    if shared:
        pl_opts.append("--idle-yield")
    pl = ([a.portlens, "--lcores", pl_lcores, "--file-prefix", "plzl-pl-%d" % pid,
           "--huge-unlink", "--no-pci", "--vdev",
           "net_memif0,role=%s,id=0,socket=%s" % (pl_role, sock), "--"] + pl_opts +
            shlex.split(a.pl_args))
    return pg, pl, shared


def remote_portlens_command(a, out):
    http_port = free_port()
    pl = ([a.portlens] + shlex.split(a.pl_eal) +
          ["--", "--workers", str(a.workers), "--http", "127.0.0.1:%d" % http_port,
           "--tick-ms", "250", "--json", os.path.join(out, "portlens-final.json")] +
          shlex.split(a.pl_args))
    return pl, "http://127.0.0.1:%d" % http_port


def run(a):
    pid = os.getpid()
    script = os.path.join(HERE, TRAFFIC[a.traffic][0])
    if not os.path.isfile(script):
        raise Usage("profile '%s' not found" % script)
    # everything that can be missing is looked for before anything is made or started
    if a.mode == "memif":
        try:
            a.pktgen_path = find_pktgen(a)
        except Usage:
            if not a.dry_run:
                raise
            warn("no pktgen found; the commands below say 'pktgen'")
            a.pktgen_path = "pktgen"
    if a.mode == "memif" or a.pl_eal:
        need_exec(a.portlens, "portlens", "build the project: ninja -C build")
    if a.http_token and not os.path.isfile(a.http_token):
        raise Usage("token file '%s' not found" % a.http_token)
    if a.dry_run:
        out = a.out or os.path.join(tempfile.gettempdir(), "pl-zeroloss-OUT")
    else:
        out = a.out or tempfile.mkdtemp(prefix="pl-zeroloss-")
        os.makedirs(out, exist_ok=True)
    a.capture, gen_cmd = capture_plan(a, out)
    record = {
        "tool": "pl-zeroloss", "version": 1,
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": {"cpus": len(os.sched_getaffinity(0)), "uname": " ".join(os.uname())},
        "options": {k: v for k, v in vars(a).items() if k not in ("self_check",)},
        "trials": [],
    }
    pg = pl = None
    pktgen = portlens = None
    try:
        if a.mode == "memif":
            a.lua_port = a.lua_port or free_port()
            a.http_port = free_port()
            pg, pl, shared = commands(a, out, pid)
            url = "http://127.0.0.1:%d" % a.http_port
        elif a.pl_eal:
            pl, url = remote_portlens_command(a, out)
            shared = False
        else:
            url, shared = a.portlens_url, False
        record["commands"] = {"capture": gen_cmd, "pktgen": pg, "portlens": pl}
        for name, cmd in (("capture", gen_cmd), ("pktgen", pg), ("portlens", pl)):
            if cmd:
                say("%s: %s" % (name, " ".join(shlex.quote(c) for c in cmd)))
        if a.dry_run:
            return 0
        if shared:
            warn("%d CPUs: pktgen and portlens share them; rates are functional only"
                 % len(os.sched_getaffinity(0)))
        if gen_cmd:
            r = subprocess.run(gen_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
            if r.returncode:
                raise Failure("pl-gen failed: %s" % r.stderr.strip())

        token = None
        if a.http_token:
            with open(a.http_token) as f:
                token = f.readline().strip()
        if a.mode == "memif":
            # the memif server first
            if a.memif_server == "pktgen":
                pktgen = LocalPktgen(pg, os.path.join(out, "pktgen.log"), a.lua_port)
                pktgen.wait_ready()
                portlens = Portlens(url, argv=pl, log_path=os.path.join(out, "portlens.log"))
                portlens.wait_ready()
            else:
                portlens = Portlens(url, argv=pl, log_path=os.path.join(out, "portlens.log"))
                portlens.wait_ready()
                pktgen = LocalPktgen(pg, os.path.join(out, "pktgen.log"), a.lua_port)
                pktgen.wait_ready()
            ctl = PktgenControl(pktgen.lua, a.pg_port)
        else:
            portlens = Portlens(url, token=token, argv=pl,
                                log_path=os.path.join(out, "portlens.log") if pl else None)
            portlens.wait_ready()
            ctl = None
            if a.pktgen_lua:
                lua = LuaSocket(*a.pktgen_lua)
                if not lua.reachable():
                    raise Failure("no pktgen Lua socket at %s:%d (start pktgen with -g)"
                                  % a.pktgen_lua)
                ctl = PktgenControl(lua, a.pg_port)

        pps_per_pct = 0
        if ctl:
            end = time.monotonic() + 30
            while True:
                state = ctl.link()
                if "UP" in state:
                    break
                if time.monotonic() > end:
                    raise Failure("pktgen port %d link still %s after 30 s"
                                  % (a.pg_port, state))
                time.sleep(0.5)
            say("pktgen port %d link %s" % (a.pg_port, state))
            ctl.load_profile(script, a.lo if a.unit == "pct" else 1.0)
            pps_per_pct = ctl.pps_per_pct()
            record["pps_per_pct"] = pps_per_pct
            say("pktgen: %s loaded; 1 %% of the link is %d frames/s" % (a.traffic, pps_per_pct))
            if a.unit == "mpps" and a.hi * 1e6 > 100 * pps_per_pct:
                raise Usage("--hi %g Mpps is above the link's %g Mpps"
                            % (a.hi, pps_per_pct * 100 / 1e6))
        else:
            say("pktgen is driven by hand: load tools/pktgen/%s on it (with -s for a capture)"
                % os.path.basename(script))

        r = Run(a, ctl, portlens, pps_per_pct)
        record["trials"] = r.trials
        print_header(a.unit)
        best = search(a.lo, a.hi, a.resolution, r.passes)
        unit = "%" if a.unit == "pct" else " Mpps"
        res = {"rate": best, "unit": a.unit, "found": best is not None}
        if best is not None:
            passing = [t for t in r.trials if t["rate"] == best and t["result"] == "pass"]
            res["sent_mpps"] = round(max(t["sent_pps"] for t in passing) / 1e6, 6)
            say("zero-loss rate: %g%s (%.4f Mpps sent), resolution %g"
                % (best, unit, res["sent_mpps"], a.resolution))
        else:
            say("no zero-loss rate at or above --lo %g%s" % (a.lo, unit))
        record["zero_loss"] = res
        return 0
    finally:
        # the memif client stops first
        st = {}
        if a.mode == "memif" and a.memif_server == "portlens":
            if pktgen:
                st["pktgen"] = pktgen.quit()
            if portlens:
                st["portlens"] = portlens.stop()
        else:
            if portlens:
                st["portlens"] = portlens.stop()
            if pktgen:
                st["pktgen"] = pktgen.quit()
        if st:
            record["exit_status"] = st
            if st.get("portlens") not in (None, 0):
                warn("portlens exited %s; its last output:\n%s"
                     % (st["portlens"], log_tail(os.path.join(out, "portlens.log"), 10)))
            if st.get("pktgen") not in (None, 0):
                warn("pktgen exited %s (its log: %s)" % (st["pktgen"],
                                                         os.path.join(out, "pktgen.log")))
        if a.json and not a.dry_run:
            with open(a.json, "w") as f:
                json.dump(record, f, indent=1)
                f.write("\n")
        if pktgen or (portlens and portlens.proc):
            say("logs in %s" % out)


# ---------------------------------------------------------------------------------------
# self-check: option handling and the search, no pktgen needed


def self_check():
    fails = []

    def parse(argv):
        a = build_parser().parse_args(argv)
        check_options(a)
        return a

    good = [
            [],
            ["--traffic", "imix", "--lo", "1", "--hi", "2", "--resolution", "0.5"],
            ["--traffic", "finmark", "--count", "100000"],
            ["--traffic", "pcap", "--pcap", "x.pcap", "--unit", "mpps", "--lo", "1", "--hi", "5"],
            ["--mode", "remote", "--pktgen-lua", "192.0.2.7:22022", "--portlens-url",
         "http://127.0.0.1:8080"],
            ["--mode", "remote", "--tx-manual", "--pl-eal", "-l 0-4 -a 0000:3b:00.0",
         "--workers", "3"],
            ["--mode", "remote", "--pktgen-lua", "[2001:db8::7]:22022", "--pl-eal", "-l 0-2"],
    ]
    bad = [
            (["--lo", "5", "--hi", "1"], "above --hi"),
            (["--hi", "150"], "100 %"),
            (["--resolution", "0"], "greater than 0"),
            (["--lo", "1", "--hi", "2", "--resolution", "1"], "not below"),
            (["--count", "10", "--seconds", "1"], "exclusive"),
            (["--workers", "0"], "at least 1"),
            (["--traffic", "pcap"], "needs --pcap"),
            (["--traffic", "sweep64", "--pcap", "x.pcap"], "goes with"),
            (["--traffic", "nope"], "invalid choice"),
            (["--min-offered", "2"], "between 0 and 1"),
            (["--pktgen-lua", "h:1"], "for --mode remote"),
            (["--mode", "remote", "--portlens-url", "http://h:1"], "one of --pktgen-lua"),
            (["--mode", "remote", "--tx-manual", "--pktgen-lua", "h:1", "--portlens-url",
          "http://h:1"], "one of --pktgen-lua"),
            (["--mode", "remote", "--tx-manual"], "one of --portlens-url"),
            (["--mode", "remote", "--tx-manual", "--portlens-url", "h:1"], "not http"),
            (["--mode", "remote", "--tx-manual", "--portlens-url", "http://h:1",
          "--workers", "2"], "attaches"),
            (["--mode", "remote", "--tx-manual", "--pl-eal", "-l 0-2", "--pktgen", "/x"],
         "for --mode memif"),
            (["--mode", "remote", "--pktgen-lua", "nohost", "--pl-eal", "-l 0"], "HOST:PORT"),
            (["--mode", "remote", "--pktgen-lua", "h:99999", "--pl-eal", "-l 0"], "HOST:PORT"),
            (["--pl-args", "'unclosed"], "quotation"),
        (["--pg-port", "1"], "one port"),
        (["--mode", "remote", "--tx-manual", "--pl-eal", "-l 0-2", "--traffic", "imix",
          "--pg-port", "1"], "port 0 only"),
    ]
    for argv in good:
        try:
            parse(argv)
        except Usage as e:
            fails.append("refused %s: %s" % (argv, e))
    for argv, why in bad:
        try:
            parse(argv)
            fails.append("accepted %s (expected: %s)" % (argv, why))
        except Usage as e:
            if why not in str(e):
                fails.append("%s: message '%s' lacks '%s'" % (argv, e, why))

    # a missing pktgen is a usage error that says where to get it
    a = parse([])
    a.pktgen = "/nonexistent/pktgen"
    try:
        find_pktgen(a)
        fails.append("a missing pktgen was accepted")
    except Usage as e:
        if "not an executable" not in str(e):
            fails.append("missing pktgen: '%s'" % e)

    # the search, against a simulated device that passes below its capacity
    for cap, lo, hi, res, want in ((37.3, 1, 100, 0.5, "near"), (150, 1, 100, 0.5, 100),
                                   (0.5, 1, 100, 0.5, None), (1, 1, 100, 0.5, 1)):
        tried = []

        def passes(rate, cap=cap, tried=tried):
            tried.append(rate)
            return rate <= cap
        got = search(lo, hi, res, passes)
        if want == "near":
            if got is None or not cap - res <= got <= cap:
                fails.append("search cap %g: got %s" % (cap, got))
        elif got != want:
            fails.append("search cap %g: got %s, want %s" % (cap, got, want))
        if len(tried) > 12:
            fails.append("search cap %g: %d trials" % (cap, len(tried)))

    # verdicts
    d0 = {"received": 1000, "processed": 1000, "dropped": {"ring_full": 0}}
    cases = [
            (1000, d0, 1000, 1.0, "pass"),
            (1000, dict(d0, received=990, processed=990), 1000, 1.0, "loss"),
            (1000, dict(d0, processed=995, dropped={"ring_full": 5}), 1000, 1.0, "loss"),
            (1000, d0, 2000, 1.0, "short"),
            (1000, dict(d0, received=1010, processed=1010), 1000, 1.0, "extra"),
    ]
    for tx, d, asked, el, want in cases:
        got = judge(tx, d, asked, el, 0.95)[0]
        if got != want:
            fails.append("judge %s: %s, want %s" % (d, got, want))

    # the profiles exist and fit in a Lua long string
    for script, _, _ in TRAFFIC.values():
        path = os.path.join(HERE, script)
        try:
            with open(path) as f:
                lua_string(f.read())
        except (OSError, Usage) as e:
            fails.append("profile %s: %s" % (script, e))
    luac = shutil.which("luac5.3") or shutil.which("luac")
    if luac:
        for script in sorted({s for s, _, _ in TRAFFIC.values()}):
            r = subprocess.run([luac, "-p", os.path.join(HERE, script)], capture_output=True,
                               text=True)
            if r.returncode:
                fails.append("luac: %s" % r.stderr.strip())

    for f in fails:
        print("%s: self-check: FAIL %s" % (PROG, f))
    n = len(good) + len(bad) + 1 + 4 + len(cases) + len(TRAFFIC)
    print("%s: self-check: %d checks, %d failed%s" % (PROG, n, len(fails),
                                                      "" if luac else " (no luac: Lua syntax not checked)"))
    return 1 if fails else 0


def main(argv):
    try:
        a = build_parser().parse_args(argv)
        if a.self_check:
            return self_check()
        check_options(a)
        return run(a)
    except Usage as e:
        print("%s: %s (--help for usage)" % (PROG, e), file=sys.stderr)
        return 2
    except Failure as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("%s: interrupted" % PROG, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
