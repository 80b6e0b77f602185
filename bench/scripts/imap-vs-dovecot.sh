#!/usr/bin/env bash
# The mixed IMAP workload of issue 18 (`civicmail bench imap`: APPEND, FETCH, STORE, EXPUNGE, COPY, MOVE, SEARCH,
# IDLE by C clients on two users' shared folders) against Dovecot from Debian and against CivicMail, in the same run,
# same users, same preloaded mbox, same seed; prints operations/s, p50/p99 latency and errors for both.
#
#   bench/scripts/imap-vs-dovecot.sh                      # 8 clients, 30 s each
#   CLIENTS=10 SECONDS_EACH=60 bench/scripts/imap-vs-dovecot.sh
#
# Dovecot (dovecot-imapd, installed when missing, as root) runs from a scratch configuration under one temporary
# directory, listens on 127.0.0.1 only with a self-signed certificate and keeps Maildirs there; the system's own
# Dovecot configuration is neither used nor changed. CivicMail runs from a scratch data directory there too, on
# loopback. Both are stopped and the directory removed at the end.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLIENTS="${CLIENTS:-8}"
SECONDS_EACH="${SECONDS_EACH:-30}"
PRELOAD="${PRELOAD:-20}"
DOVECOT_PORT="${DOVECOT_PORT:-19931}"
CIVIC_IMAPS="${CIVIC_IMAPS:-19930}"
CIVIC_CA="${CIVIC_CA:-19088}"
DOMAIN="$(sed -n 's/^civicmail.domain.citizen=//p' "$HERE/conf/civicmail.properties")"
USERS=("bench-a@$DOMAIN" "bench-b@$DOMAIN")

if ! command -v dovecot >/dev/null; then
  echo "Installing Debian's dovecot-imapd (it will not be started with the system configuration)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
fi

WORK="$(mktemp -d /tmp/imap-peer.XXXXXX)"
chmod 755 "$WORK"
BENCH_IMAP_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export BENCH_IMAP_PASSWORD
CIVIC_PID=""
cleanup() {
  doveadm -c "$WORK/dovecot/dovecot.conf" stop >/dev/null 2>&1 || true
  if [ -n "$CIVIC_PID" ]; then kill "$CIVIC_PID" 2>/dev/null || true; wait "$CIVIC_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- Dovecot: scratch config, loopback, self-signed certificate, passwd-file users, Maildirs owned by "nobody".
mkdir -p "$WORK/dovecot/mail" "$WORK/dovecot/run"
chown nobody:nogroup "$WORK/dovecot/mail"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$WORK/dovecot/key.pem" -out "$WORK/dovecot/cert.pem" 2>/dev/null
openssl dhparam -dsaparam -out "$WORK/dovecot/dh.pem" 2048 2>/dev/null
HASH="$(doveadm pw -s SHA512-CRYPT -p "$BENCH_IMAP_PASSWORD")"
for u in "${USERS[@]}"; do echo "$u:$HASH"; done > "$WORK/dovecot/users"
cat > "$WORK/dovecot/dovecot.conf" <<CONF
base_dir = $WORK/dovecot/run
state_dir = $WORK/dovecot/run
log_path = $WORK/dovecot/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <$WORK/dovecot/cert.pem
ssl_key = <$WORK/dovecot/key.pem
ssl_dh = <$WORK/dovecot/dh.pem
auth_mechanisms = plain
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $WORK/dovecot/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$WORK/dovecot/mail/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DOVECOT_PORT
  }
}
CONF
dovecot -c "$WORK/dovecot/dovecot.conf" || { echo "Dovecot did not start; its log:" >&2; cat "$WORK/dovecot/dovecot.log" >&2; exit 1; }

# --- CivicMail: scratch data directory, loopback, the two citizens.
CIVIC_DATA="$WORK/civicmail"
CIVICMAIL_CA_PASSPHRASE="${CIVICMAIL_CA_PASSPHRASE:-$(head -c 18 /dev/urandom | base64)}" "$HERE/civicmail" start --data "$CIVIC_DATA" \
  -Dcivicmail.webmail.enabled=false -Dcivicmail.imaps.port="$CIVIC_IMAPS" -Dcivicmail.ca.port="$CIVIC_CA" \
  -Dcivicmail.smtp.port=0 -Dcivicmail.submission.port=0 -Dcivicmail.imap.port=0 -Dcivicmail.admin.port=0 \
  -Dcivicmail.broadcast.port=0 -Dcivicmail.webadmin.port=0 > "$WORK/civicmail.out" 2>&1 &
CIVIC_PID=$!
for _ in $(seq 1 300); do
  grep -q "^admin " "$WORK/civicmail.out" 2>/dev/null && break
  kill -0 "$CIVIC_PID" 2>/dev/null || { echo "CivicMail did not start:" >&2; cat "$WORK/civicmail.out" >&2; exit 1; }
  sleep 1
done
{
  echo "class,address,name,id-number,password"
  echo "citizen,${USERS[0]},基准甲,330106198001010013,$BENCH_IMAP_PASSWORD"
  echo "citizen,${USERS[1]},基准乙,330106198001010021,$BENCH_IMAP_PASSWORD"
} > "$WORK/citizens.csv"
CIVICMAIL_DATA="$CIVIC_DATA" "$HERE/civicmail" account import "$WORK/citizens.csv" >/dev/null
curl -fsS "http://127.0.0.1:$CIVIC_CA/ca/root.pem" -o "$WORK/civicmail-root.pem"

run_bench() {
  "$HERE/civicmail" bench imap --clients "$CLIENTS" --seconds "$SECONDS_EACH" --preload "$PRELOAD" \
    --user "${USERS[0]}" --user "${USERS[1]}" "$@"
}
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Dovecot $(dovecot --version) on 127.0.0.1:$DOVECOT_PORT"
DOVECOT_OUT="$(run_bench --name dovecot --server "127.0.0.1:$DOVECOT_PORT" --trust "$WORK/dovecot/cert.pem" | tee -a /dev/stderr)"
echo "== CivicMail on 127.0.0.1:$CIVIC_IMAPS"
CIVIC_OUT="$(run_bench --name civicmail --server "127.0.0.1:$CIVIC_IMAPS" --trust "$WORK/civicmail-root.pem" | tee -a /dev/stderr)"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

field() { sed -n "s/^RESULT $1 .*$2=\([0-9.]*\).*/\1/p" <<<"$3"; }
D="$(field dovecot ops-per-s "$DOVECOT_OUT")"
C="$(field civicmail ops-per-s "$CIVIC_OUT")"
echo "== Same run: Dovecot $D ops/s (p99 $(field dovecot p99-ms "$DOVECOT_OUT") ms, errors $(field dovecot errors "$DOVECOT_OUT"));" \
  "CivicMail $C ops/s (p99 $(field civicmail p99-ms "$CIVIC_OUT") ms, errors $(field civicmail errors "$CIVIC_OUT"))" \
  "= $(awk -v a="$C" -v b="$D" 'BEGIN{printf "%.2f", a/b}')x Dovecot"
