#!/usr/bin/env python3
"""Shares of a JFR recording's CPU samples (jdk.ExecutionSample) by what the server was doing, for issue 14's cost
account. Each sample goes to the first rule, in the order below, that names a frame of its stack.

    bench/scripts/jfr-account.py RECORDING.jfr [CPU_MS_PER_MESSAGE MESSAGES] [--until EPOCH_SECONDS]

With the server's CPU time per message (mailflow-profile.py prints it) and the phase's message count, each share is
also given in ms/message: the collector's pauses (serial GC: its CPU time, from the recording's jdk.GarbageCollection
events) first, the rest of the CPU time spread over the components by their share of the Java samples (what JFR
does not sample, the compiler threads and the JVM's own, is thereby spread in proportion).
--until (mailflow-profile.py prints it per phase) keeps only the samples and collections up to the last stored
message, so the account is of the delivery alone (pass the CPU per message of that window too).
"""
import collections
import datetime
import re
import subprocess
import sys

RULES = [
    ("S/MIME signing", r"org\.civicmail\.smime\.(SignAsSender|SmimeSigner|SigningCredential|AccountKeyStore)"),
    ("S/MIME verification", r"org\.civicmail\.(smime\.VerifySignature|verdict\.)"),
    ("PBKDF2 (logins)", r"PBKDF2|org\.civicmail\.login\."),
    ("text index (Lucene)", r"org\.civicmail\.search\.|org\.apache\.lucene\."),
    ("IMAP (the benchmark's delivery probe)", r"org\.apache\.james\.imap\.|org\.civicmail\.imap\."),
    ("James's user and alias look-ups (RecipientIsLocal, ValidRcptHandler, RecipientRewriteTable)",
     r"org\.apache\.james\.(user|rrt|domainlist)\."),
    ("mailbox reads of the benchmark's IMAP probe (EXAMINE, FETCH)",
     r"JPAMessageMapper\.(findMessagesInMailboxBetweenUIDs|findFirstUnseenMessageUid|countMessagesInMailbox|countUnseenMessagesInMailbox|findRecentMessageUids|lambda\$listAllMessageUids)"),
    ("grouped delivery: table writer (JDBC/Derby)", r"org\.civicmail\.broadcast\.delivery\.MailboxBatchWriter"),
    ("grouped delivery: events, parsing", r"org\.civicmail\.(mailflow\.delivery|broadcast\.delivery)\."),
    ("James's JPA mailbox append (OpenJPA + Derby)", r"org\.apache\.openjpa\.|org\.apache\.james\.mailbox\.(jpa|store)\."),
    ("Derby, other (account and policy look-ups)", r"org\.apache\.derby\."),
    ("TLS", r"sun\.security\.ssl\.|javax\.net\.ssl\.|sun\.security\.(ec|util)\."),
    ("spool (ActiveMQ/KahaDB, JMS)", r"org\.apache\.activemq\.|org\.apache\.james\.queue\."),
    ("SMTP (James protocols, Netty)", r"org\.apache\.james\.protocols\.|io\.netty\.|org\.civicmail\.mailflow\.smtp\."),
    ("mailet pipeline (James, mime4j, javax.mail)", r"org\.apache\.james\.(mailetcontainer|transport)\.|org\.apache\.mailet\.|javax\.mail\.|org\.apache\.james\.mime4j\.|org\.civicmail\.(mailflow|mime)\."),
    ("event bus, Reactor", r"org\.apache\.james\.events\.|reactor\."),
]


def events(path, kind, until, *options):
    """The printed events of one kind, those that started after `until` (epoch seconds, local time) left out."""
    text = subprocess.run(["jfr", "print", "--events", kind, *options, path], capture_output=True, text=True,
                          check=True).stdout
    for event in text.split(kind + " {")[1:]:
        if until is not None:
            # jfr prints the local time of day, and the date only for events of another day than today's.
            m = re.search(r"startTime = (\d+:\d+:\d+\.\d+)(?: \((\d+-\d+-\d+)\))?", event)
            day = m and (m.group(2) or datetime.date.fromtimestamp(until).isoformat())
            if m and datetime.datetime.strptime(f"{day} {m.group(1)}", "%Y-%m-%d %H:%M:%S.%f").timestamp() > until:
                continue
        yield event


def samples(path, until):
    for event in events(path, "jdk.ExecutionSample", until, "--stack-depth", "200"):
        yield re.findall(r"^\s+([\w$.]+)\(", event, re.M)


def gc_pause_ms(path, until):
    units = {"s": 1000.0, "ms": 1.0, "us": 0.001, "ns": 0.000001}
    return sum(float(v.replace(",", "")) * units[u]
               for event in events(path, "jdk.GarbageCollection", until)
               for v, u in re.findall(r"sumOfPauses = ([\d.,]+) (s|ms|us|ns)", event))


def main():
    args = sys.argv[1:]
    until = None
    if "--until" in args:
        i = args.index("--until")
        until = float(args[i + 1])
        del args[i:i + 2]
    path = args[0]
    per_message = float(args[1]) if len(args) > 2 else None
    if per_message:
        gc = gc_pause_ms(path, until) / int(args[2])
        print(f"  garbage collection (serial, pauses): {gc:.2f} ms/message of {per_message:.2f}")
        per_message -= gc
    counts = collections.Counter()
    total = 0
    for frames in samples(path, until):
        total += 1
        stack = "\n".join(frames)
        for name, pattern in RULES:
            if re.search(pattern, stack):
                counts[name] += 1
                break
        else:
            counts["other: " + (frames[0].rsplit(".", 2)[0] if frames else "?")] += 1
    print(f"{path}: {total} samples")
    other = 0
    for name, n in counts.most_common():
        if name.startswith("other: ") and n / total < 0.01:
            other += n
            continue
        ms = f"  {per_message * n / total:5.2f} ms/message" if per_message else ""
        print(f"  {100 * n / total:5.1f} %{ms}  {name}")
    if other:
        ms = f"  {per_message * other / total:5.2f} ms/message" if per_message else ""
        print(f"  {100 * other / total:5.1f} %{ms}  other (each under 1 %)")


if __name__ == "__main__":
    main()
