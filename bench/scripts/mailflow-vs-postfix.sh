#!/usr/bin/env bash
# Everyday mail, CivicMail beside Postfix in the same run (issue 14's workload): N Maildir/citizen mailboxes,
# M messages of 4 KiB, sessions of 10 messages, 20 at a time; time until the last message is in its mailbox.
#
#   bench/scripts/mailflow-vs-postfix.sh                 # 1,000 mailboxes, 10,000 messages
#   MAILBOXES=100 MESSAGES=1000 bench/scripts/mailflow-vs-postfix.sh
#   CIVICMAIL_CONF=/tmp/conf-variant bench/scripts/mailflow-vs-postfix.sh   # CivicMail with another configuration directory
#
# Postfix (Debian's package, installed when missing, as root) runs from scratch directories under one temporary
# directory, listens on 127.0.0.1 only and delivers to Maildirs there; the system's own Postfix configuration is
# neither used nor changed. Both sides get the same load generator (`civicmail bench mailflow`); only loopback.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MAILBOXES="${MAILBOXES:-1000}"
MESSAGES="${MESSAGES:-10000}"
CONCURRENCY="${CONCURRENCY:-20}"
PORT="${POSTFIX_PORT:-2526}"
DOMAIN="$(sed -n 's/^civicmail.domain.citizen=//p' "$HERE/conf/civicmail.properties")"

if ! command -v postfix >/dev/null; then
  echo "Installing Debian's postfix (no system configuration: it will not start by itself)..." >&2
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi

WORK="$(mktemp -d /tmp/postfix-peer.XXXXXX)"
mkdir -p "$WORK/etc" "$WORK/spool" "$WORK/lib" "$WORK/mail"
# mktemp makes the directory root-only; Postfix's own user must reach its data directory and the Maildirs.
chmod 755 "$WORK"
chown postfix "$WORK/lib" "$WORK/mail"
cleanup() { postfix -c "$WORK/etc" stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cat > "$WORK/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $WORK/spool
data_directory = $WORK/lib
mail_owner = postfix
myhostname = peer.bench.example
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $WORK/mail
virtual_mailbox_maps = texthash:$WORK/etc/vmailbox
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = 1
maillog_file = $WORK/maillog
maillog_file_prefixes = $WORK
CF
# One Maildir per mailbox (the virtual agent allows no regexp substitution, so the map lists them all).
for ((i = 0; i < MAILBOXES; i++)); do printf 'mf-%05d@%s mf-%05d/\n' "$i" "$DOMAIN" "$i"; done > "$WORK/etc/vmailbox"
# Debian's master.cf with no chroot (the scratch queue has no copy of /etc) and smtpd on our loopback port only.
awk -v port="$PORT" '
  /^smtp[ \t]+inet/ { print "127.0.0.1:" port " inet n - n - - smtpd"; next }
  /^[a-z]/ && NF >= 8 { $5 = "n" }
  { print }' /etc/postfix/master.cf > "$WORK/etc/master.cf"
# Postfix reports configuration errors to syslog; there may be none here, so show its own log on failure.
postfix -c "$WORK/etc" check && postfix -c "$WORK/etc" start >/dev/null \
  || { echo "Postfix did not start; its log:" >&2; cat "$WORK/maillog" >&2 2>/dev/null; exit 1; }

run_bench() { "$HERE/civicmail" bench mailflow --mailboxes "$MAILBOXES" --messages "$MESSAGES" --concurrency "$CONCURRENCY" "$@"; }

echo "== Postfix $(postconf -d -h mail_version) on 127.0.0.1:$PORT"
POSTFIX_OUT="$(run_bench --peer "postfix=127.0.0.1:$PORT" --peer-maildir "$WORK/mail" | tee -a /dev/stderr)"
echo "== CivicMail"
CIVIC_OUT="$(run_bench ${CIVICMAIL_CONF:+--conf "$CIVICMAIL_CONF"} | tee -a /dev/stderr)"

rate() { sed -n "s/^RESULT $1 rate=\([0-9.]*\).*/\1/p" <<<"$2"; }
P="$(rate postfix-inbound "$POSTFIX_OUT")"
I="$(rate civicmail-inbound "$CIVIC_OUT")"
S="$(rate civicmail-submission-signed "$CIVIC_OUT")"
echo "== Same run: Postfix inbound $P msg/s; CivicMail inbound $I msg/s ($(awk -v a="$I" -v b="$P" 'BEGIN{printf "%.2f", a/b}')x Postfix); CivicMail signed submission $S msg/s"
