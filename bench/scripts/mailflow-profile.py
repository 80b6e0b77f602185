#!/usr/bin/env python3
"""Per-message cost account of the mail-flow benchmark (issue 14): CPU, disk syncs and a JFR profile per phase.

    bench/scripts/mailflow-profile.py [--mailboxes 1000] [--messages 4000] [--out DIR] [--conf DIR]

Runs `./civicmail bench mailflow` (launcher defaults unless CIVICMAIL_JAVA_OPTS says otherwise) and, on the
benchmark's forked server only, for each phase (inbound; signed submission), from the line that starts it to the
line that reports its last stored message:
  - the server's CPU time (/proc/PID/stat utime + stime) per message,
  - every fsync/fdatasync and every write to a file opened for synchronous writes (Derby's log, opened O_DSYNC),
    counted per file with `perf record` on the syscall tracepoints, files named from /proc/PID/fd,
  - a JFR recording (settings=profile) started and dumped with jcmd, so the load generator is not in it.
The CPU is also given up to the benchmark's "last stored message" time (sampled every 0.1 s): what the server
spent to deliver, without what the benchmark's IMAP probe costs it after the last delivery (it then checks every
mailbox once). For the JFR split of that window: jfr-account.py RECORDING CPU_MS MESSAGES --until EPOCH_SECONDS
(printed per phase).
Prints one account per phase; the recordings stay in --out for `jfr print`/`jfr summary`. Needs perf (root).
Only the benchmark's own scratch server is touched.
"""
import argparse
import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TICKS = os.sysconf("SC_CLK_TCK")
SYSCALLS = ["fsync", "fdatasync", "write", "pwrite64", "writev"]


def server_pid(bench_pid):
    """The forked server: a descendant of the benchmark running `org.civicmail.cli.Main start`."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if b"org.civicmail.cli.Main" in cmd and b"start" in cmd and b"--data" in cmd and parent(pid) == bench_pid:
            return int(pid)
    return None


def parent(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"PPid:\s*(\d+)", f.read()).group(1))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def sync_files(pid):
    """fd -> (path, opened for synchronous writes) of the server's open files."""
    files = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            path = os.readlink(f"/proc/{pid}/fd/{fd}")
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                flags = int(re.search(r"flags:\s*(\d+)", f.read()).group(1), 8)
        except OSError:
            continue
        files[int(fd)] = (path, bool(flags & 0o10000))  # O_DSYNC (O_SYNC includes it)
    return files


class Phase:
    def __init__(self, name, pid, out, messages):
        self.name, self.pid, self.out, self.messages = name, pid, out, messages
        self.cpu0 = cpu_seconds(pid)
        self.t0 = time.time()
        self.perf_data = os.path.join(out, f"{name}.perf.data")
        events = ",".join(f"syscalls:sys_enter_{s}" for s in SYSCALLS)
        self.perf = subprocess.Popen(["perf", "record", "-q", "-e", events, "-p", str(pid), "-o", self.perf_data],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["jcmd", str(pid), "JFR.start", f"name={name}", "settings=profile"], stdout=subprocess.DEVNULL, check=True)
        self.cpu_samples = [(self.t0, self.cpu0)]
        self.sampling = True
        self.sampler = threading.Thread(target=self.sample_cpu, daemon=True)
        self.sampler.start()

    def sample_cpu(self):
        while self.sampling:
            time.sleep(0.1)
            try:
                self.cpu_samples.append((time.time(), cpu_seconds(self.pid)))
            except OSError:
                return

    def cpu_until(self, t):
        """The server's CPU seconds from the phase's start to wall time t (the last sample at or before it)."""
        return max(c for (s, c) in self.cpu_samples if s <= t) - self.cpu0

    def finish(self, line):
        self.sampling = False
        self.sampler.join()
        cpu = cpu_seconds(self.pid) - self.cpu0
        wall = time.time() - self.t0
        # "... msg/s to the last stored message (S s; SMTP done after ...": S counts from the load's start, which is
        # just after this phase's start, so the window below ends at or after the last delivery (never too short).
        m = re.search(r"to the last stored message \(([\d.,]+) s", line)
        delivered_at = self.t0 + float(m.group(1).replace(",", "")) if m else None
        jfr = os.path.join(self.out, f"{self.name}.jfr")
        # Dump, then stop: a stop with a file name has left an empty file once (the second recording of a run).
        subprocess.run(["jcmd", str(self.pid), "JFR.dump", f"name={self.name}", f"filename={jfr}"], stdout=subprocess.DEVNULL, check=True)
        subprocess.run(["jcmd", str(self.pid), "JFR.stop", f"name={self.name}"], stdout=subprocess.DEVNULL, check=True)
        files = sync_files(self.pid)
        self.perf.send_signal(signal.SIGINT)
        self.perf.wait()
        script = subprocess.run(["perf", "script", "-i", self.perf_data, "-F", "event,trace"], capture_output=True, text=True).stdout
        counts = collections.Counter()
        for line in script.splitlines():
            m = re.search(r"sys_enter_(\w+):\s+fd:\s+(0x[0-9a-f]+|\d+)", line)
            if not m:
                continue
            call, fd = m.group(1), int(m.group(2), 0)
            path, dsync = files.get(fd, ("fd %d (closed)" % fd, False))
            kind = re.sub(r"\d+", "N", os.path.basename(path))
            if call in ("fsync", "fdatasync"):
                counts[(call, kind)] += 1
            elif dsync:
                counts[(call + " (O_DSYNC)", kind)] += 1
        print(f"== {self.name}: {self.messages} messages in {wall:.1f} s; server CPU {cpu:.1f} s = "
              f"{1000 * cpu / self.messages:.2f} ms/message ({cpu / wall:.2f} cores busy)")
        if delivered_at:
            until = self.cpu_until(delivered_at)
            print(f"   up to the last stored message ({delivered_at - self.t0:.1f} s): server CPU {until:.1f} s = "
                  f"{1000 * until / self.messages:.2f} ms/message; the rest, {cpu - until:.1f} s, came after it "
                  f"(the probe's check of every mailbox); jfr-account.py ... --until {delivered_at:.1f}")
        for (call, kind), n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"   {call:22s} {kind:40s} {n:7d} = {n / self.messages:.2f}/message")
        print(f"   JFR: {jfr}")
        sys.stdout.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mailboxes", type=int, default=1000)
    p.add_argument("--messages", type=int, default=4000)
    p.add_argument("--out", default="/tmp/mailflow-profile")
    p.add_argument("--conf", help="configuration directory (default: the installation's conf/), e.g. a copy with one change")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    bench = subprocess.Popen([os.path.join(HERE, "civicmail"), "bench", "mailflow", "--mailboxes", str(a.mailboxes),
                              "--messages", str(a.messages)] + (["--conf", a.conf] if a.conf else []),
                             stdout=subprocess.PIPE, text=True)
    phase = None
    pid = None
    for line in bench.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.startswith("created "):
            pid = server_pid(bench.pid)
            phase = Phase("inbound", pid, a.out, a.messages)
        elif line.startswith("civicmail inbound:"):
            phase.finish(line)
        elif line.startswith("  server") and phase and phase.name == "inbound":
            phase = Phase("signed", pid, a.out, a.messages)
        elif line.startswith("civicmail submission"):
            # The benchmark stops its server right after this line: hold the benchmark until the recording is saved.
            os.kill(bench.pid, signal.SIGSTOP)
            try:
                phase.finish(line)
            finally:
                os.kill(bench.pid, signal.SIGCONT)
    sys.exit(bench.wait())


if __name__ == "__main__":
    main()
