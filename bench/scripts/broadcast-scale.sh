#!/usr/bin/env bash
# The broadcast scale curve (issue 13 point 5). For each N, on a fresh scratch data directory:
#   1. `civicmail bench broadcast --recipients N --personalised 0 --stock 0` (the CLI's own listener-less server):
#      deliveries/s of a signed notice to N citizens, heap after a full GC, data-directory size;
#   2. `civicmail start` on the populated data directory: seconds until "CivicMail ready" (as the server prints it,
#      and wall clock from the launch, JVM start included);
#   3. the bench's probe citizen (one of the N; DATA/bench-probe.txt): IMAPS LOGIN, SELECT 通知 and
#      UID FETCH 1:* (FLAGS ENVELOPE) over loopback, timed each (python3 imaplib, best of 5 after one warm-up);
#   4. the webmail's page of that folder for the same citizen (curl, after signing in; best of 5 after a warm-up).
# Usage: bench/scripts/broadcast-scale.sh N [N ...]
#   CIVICMAIL   the launcher to run (default: ./civicmail from the repository root)
#   KEEP=1      keep the data directories (printed) instead of deleting them
#   DATA_DIR=D  skip step 1 and measure steps 2-4 on D, populated before (one N, e.g. an interrupted run's)
# Prints one block per N and the load average beside it: on a shared machine the figures move with the load.
set -euo pipefail
CIVICMAIL=${CIVICMAIL:-./civicmail}
export CIVICMAIL_CA_PASSPHRASE=${CIVICMAIL_CA_PASSPHRASE:-bench-scale-ca-passphrase-$$}
ports=()
for key in smtp submission imap imaps webadmin admin ca broadcast webmail; do ports+=("-Dcivicmail.$key.port=0"); done

for n in "$@"; do
  if [ -n "${DATA_DIR:-}" ]; then
    data=$DATA_DIR
    echo "== N = $n, populated data $data, $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  else
    data=$(mktemp -d /tmp/civicmail-scale-XXXXXX)
    echo "== N = $n, data $data, $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$CIVICMAIL" bench broadcast --data "$data" --recipients "$n" --personalised 0 --stock 0 | tee "$data.bench.txt"
  fi
  echo "data directory on disk (du): $(du -sm "$data" | cut -f1) MiB"

  log="$data.server.txt"
  t0=$(date +%s.%N)
  "$CIVICMAIL" start --data "$data" "${ports[@]}" > "$log" 2>&1 &
  server=$!
  # A failing probe ends the script (set -e): the server it started must not outlive it.
  trap 'kill -TERM "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    grep -q '^CivicMail ready' "$log" && grep -q '^admin ' "$log" && break
    kill -0 "$server" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
  done
  t1=$(date +%s.%N)
  echo "start-up: $(grep -o '^CivicMail ready ([0-9.]* s)' "$log") ; launch to ready (JVM start included, polled every 0.2 s): $(echo "$t1 - $t0" | bc) s"
  imaps=$(sed -n 's/^imaps [0-9.]*:\([0-9]*\)$/\1/p' "$log" | head -1)
  webmail=$(sed -n 's/^webmail [0-9.]*:\([0-9]*\)$/\1/p' "$log" | head -1)
  user=$(sed -n 1p "$data/bench-probe.txt")
  password=$(sed -n 2p "$data/bench-probe.txt")

  PROBE_USER=$user PROBE_PASSWORD=$password python3 - "$imaps" <<'EOF'
import base64, imaplib, os, ssl, sys, time
def mutf7(s):
    out, run = [], ''
    for ch in s + '\0':
        if ' ' <= ch <= '~' and ch != '\0':
            if run:
                out.append('&' + base64.b64encode(run.encode('utf-16-be')).decode().rstrip('=').replace('/', ',') + '-'); run = ''
            out.append('&-' if ch == '&' else ch)
        elif ch != '\0':
            run += ch
        elif run:
            out.append('&' + base64.b64encode(run.encode('utf-16-be')).decode().rstrip('=').replace('/', ',') + '-')
    return ''.join(out)
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
best = None
for i in range(6):
    t0 = time.perf_counter()
    m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
    m.login(os.environ['PROBE_USER'], os.environ['PROBE_PASSWORD']); t1 = time.perf_counter()
    typ, count = m.select('"' + mutf7('通知') + '"', readonly=True); t2 = time.perf_counter()
    typ, rows = m.uid('FETCH', '1:*', '(FLAGS ENVELOPE)'); t3 = time.perf_counter()
    try:
        m.logout()
    except (imaplib.IMAP4.abort, OSError):
        pass  # a connection closed at LOGOUT (seen once right after start at N = 100,000) does not void the timings
    assert typ == 'OK' and int(count[0]) >= 1, (typ, count)
    times = (t1 - t0, t2 - t1, t3 - t2, t3 - t0)
    if i > 0 and (best is None or times[3] < best[3]):
        best = times
print('IMAP (probe citizen, best of 5 after a warm-up): connect+TLS+LOGIN %.0f ms, SELECT 通知 %.0f ms, '
      'UID FETCH 1:* (FLAGS ENVELOPE) %.0f ms, total %.0f ms' % tuple(1000 * t for t in best))
EOF

  if [ -n "$webmail" ]; then
    jar=$(mktemp); base="https://127.0.0.1:$webmail"
    curl -sk -o /dev/null "$base/login" || base="http://127.0.0.1:$webmail"
    csrf=$(curl -sk -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -sk -c "$jar" -b "$jar" -o /dev/null --data-urlencode "user=$user" --data-urlencode "password=$password" \
      --data-urlencode "csrf=$csrf" "$base/login"
    folder=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("通知"))')
    best=""
    for i in 0 1 2 3 4 5; do
      t=$(curl -sk -b "$jar" -o "$data.page.html" -w '%{http_code} %{time_total}' "$base/mail?f=$folder")
      [ "${t%% *}" = 200 ] || { echo "webmail page: HTTP $t"; break; }
      ms=$(echo "${t#* } * 1000" | bc); ms=${ms%.*}
      if [ "$i" -gt 0 ] && { [ -z "$best" ] || [ "$ms" -lt "$best" ]; }; then best=$ms; fi
    done
    echo "webmail page of 通知 (probe citizen, signed in, best of 5 after a warm-up): ${best:-?} ms"
    rm -f "$jar"
  else
    echo "webmail page: skipped (the webmail is not enabled in this configuration)"
  fi

  kill -TERM "$server"; wait "$server" || true
  echo "load average after N = $n: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$data"; fi
done
