#!/usr/bin/env python3
"""Per-message CPU account of the mail-flow benchmark from `perf` (issue 14): every thread of the server, Java,
JVM and kernel alike, which JFR's method samples do not see.

    bench/scripts/mailflow-perf.py [--mailboxes 1000] [--messages 4000] [--out DIR] [--workloads inbound,submission]

Why beside mailflow-profile.py/jfr-account.py: JFR samples only threads running Java code, and jfr-account.py spreads
the rest of the CPU (kernel: sockets, file creation, syncs; the JVM: collector, compiler) over the Java samples in
proportion, so Java-heavy work reads larger than it is. On 2026-12-01 its account put the text index at 2.1 ms per
inbound message while the index alone (TextIndex.put, same JVM flags) measured 0.5 ms; in this account it is ~10 %
of the server's CPU.

Runs `./civicmail bench mailflow` with the launcher's JVM flags plus -XX:+PreserveFramePointer and
-XX:+DumpPerfMapAtExit (Java frames in the call stacks; the map is written when the benchmark stops its server) and
records `perf record -g -e cpu-clock` of the benchmark's server per phase, up to the phase's report line. Each sample
is 1/FREQ s of CPU; those up to the last stored message are charged to the component of the innermost frame that
names one (rules below), else to the thread (JIT compiler, collector, ActiveMQ's threads, ...). Needs perf (root).
Only the benchmark's own scratch server is touched.
"""
import argparse
import collections
import os
import re
import shlex
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FREQ = 499
RULES = [(name, re.compile(pattern)) for name, pattern in [
    ("S/MIME signing", r"org\.civicmail\.smime\.(SignAsSender|SmimeSigner|SigningCredential|AccountKeyStore|NssRsa)"),
    ("S/MIME verification", r"org\.civicmail\.(smime\.VerifySignature|verdict\.)"),
    ("text index (Lucene)", r"org\.civicmail\.search\.|org\.apache\.lucene\."),
    ("IMAP (the benchmark's probe)", r"org\.apache\.james\.imap\.|org\.civicmail\.imap\."),
    ("James's user and alias look-ups", r"org\.apache\.james\.(user|rrt|domainlist)\."),
    ("our account look-ups and sender rules", r"org\.civicmail\.(account|mailflow\.sender|ca)\."),
    ("Derby (table writer, look-ups)", r"org\.apache\.derby\."),
    ("grouped delivery (our code)", r"org\.civicmail\.(mailflow\.delivery|broadcast\.delivery)\."),
    ("James's JPA mailbox (OpenJPA)", r"org\.apache\.openjpa\.|org\.apache\.james\.mailbox\.(jpa|store)\."),
    ("TLS", r"sun\.security\.ssl\.|javax\.net\.ssl\.|sun\.security\.(ec|util)\."),
    ("spool (ActiveMQ/KahaDB, JMS)", r"org\.apache\.activemq\.|org\.apache\.james\.queue\.|org\.civicmail\.james\.(Spool|Stoppable|Inline|Synced)"),
    ("SMTP (James protocols, Netty)", r"org\.apache\.james\.protocols\.|io\.netty\.|org\.civicmail\.mailflow\.smtp\."),
    ("mailet pipeline (James, javax.mail, mime4j)", r"org\.apache\.james\.(mailetcontainer|transport|server\.core)\.|org\.apache\.mailet\.|javax\.mail\.|org\.apache\.james\.mime4j\.|org\.civicmail\.(mailflow|mime)\."),
    ("event bus, Reactor", r"org\.apache\.james\.events\.|reactor\."),
]]


def launcher_flags():
    with open(os.path.join(HERE, "civicmail")) as f:
        m = re.search(r'^DEFAULT_JAVA_OPTS="([^"]*)"', f.read(), re.M)
    return os.environ.get("CIVICMAIL_JAVA_OPTS") or m.group(1)


def server_pid(bench_pid):
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
            with open(f"/proc/{pid}/status") as f:
                ppid = int(re.search(r"PPid:\s*(\d+)", f.read()).group(1))
        except OSError:
            continue
        if b"org.civicmail.cli.Main" in cmd and b"start" in cmd and b"--data" in cmd and ppid == bench_pid:
            return int(pid)
    return None


def account(data, seconds, messages):
    """Samples of the first `seconds` of the recording, charged to components; prints ms of CPU per message."""
    first = subprocess.run(["perf", "script", "-i", data, "-F", "time"], capture_output=True, text=True).stdout.split()
    if not first:
        print("   (no samples)")
        return
    t0 = float(first[0].rstrip(":"))
    out = subprocess.run(["perf", "script", "-i", data, "--time", f"{t0:.6f},{t0 + seconds:.6f}", "-F", "comm,ip,sym"],
                         capture_output=True, text=True).stdout
    counts = collections.Counter()
    kernel = 0
    total = 0
    for block in out.split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        thread = lines[0]
        frames = [line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else "" for line in lines[1:]]
        total += 1
        if len(lines) > 1 and lines[1].startswith("ffffffff"):
            kernel += 1  # the sampled instruction is the kernel's
        charged = next((name for f in frames for name, rule in RULES if rule.search(f)), None)
        if charged is None:
            charged = "thread " + re.sub(r"[-\d]+$", "", thread).strip()
        counts[charged] += 1
    if total == 0:
        print("   (no samples in the window)")
        return
    cpu_ms = 1000.0 * total / FREQ
    print(f"   {total} samples = {cpu_ms / 1000:.1f} s of server CPU in {seconds:.1f} s = {cpu_ms / messages:.2f} ms/message"
          f" (in the kernel: {100.0 * kernel / total:.0f} %)")
    for name, n in counts.most_common():
        if 100.0 * n / total >= 0.5:
            print(f"   {100.0 * n / total:5.1f} %  {cpu_ms * n / total / messages:5.2f} ms/message  {name}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mailboxes", type=int, default=1000)
    p.add_argument("--messages", type=int, default=4000)
    p.add_argument("--workloads", default="inbound,submission")
    p.add_argument("--out", default="/tmp/mailflow-perf")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    env = dict(os.environ)
    env["CIVICMAIL_JAVA_OPTS"] = launcher_flags() + " -XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit"
    bench = subprocess.Popen([os.path.join(HERE, "civicmail"), "bench", "mailflow", "--mailboxes", str(a.mailboxes),
                              "--messages", str(a.messages), "--workloads", a.workloads], stdout=subprocess.PIPE, text=True, env=env)
    print("JVM flags:", env["CIVICMAIL_JAVA_OPTS"])
    workloads = a.workloads.split(",")
    phases = []
    perf = None
    pid = None
    for line in bench.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        phase_end = re.match(r"civicmail (inbound|submission).*to the last stored message \(([\d.,]+) s", line)
        # A phase starts right after the accounts are made, or after the previous phase's memory line.
        starts = line.startswith("created ") or (line.startswith("  server") and pid is not None)
        if starts and perf is None and len(phases) < len(workloads):
            pid = pid or server_pid(bench.pid)
            name = workloads[len(phases)]
            data = os.path.join(a.out, f"{name}.perf.data")
            perf = subprocess.Popen(["perf", "record", "-q", "-g", "-e", "cpu-clock", "-F", str(FREQ), "-p", str(pid), "-o", data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            phases.append([name, data, None])
        elif phase_end and perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
            perf = None
            phases[-1][2] = float(phase_end.group(2).replace(",", ""))
    bench.wait()
    # The perf map (/tmp/perf-PID.map) exists once the benchmark has stopped its server.
    for name, data, seconds in phases:
        if seconds is None:
            continue
        print(f"== {name}: server CPU up to the last stored message ({a.messages} messages)")
        account(data, seconds, a.messages)
    print("recordings:", " ".join(shlex.quote(d) for _, d, _ in phases))
    sys.exit(bench.returncode)


if __name__ == "__main__":
    main()
