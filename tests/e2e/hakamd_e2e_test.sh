#!/usr/bin/env bash
# End to end with the real binaries: start hakamd on a free port with the
# shipped rules and a fresh SQLite audit file, moderate through `hakam check
# --server`, send SIGTERM, and check the clean exit and the audit rows.
# Then hot reload on a copy of the rules: SIGHUP and the rules watcher, with
# a good change (used at once) and a broken one (refused, old rules serve).
set -euo pipefail
hakamd=$1
hakam=$2
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

# With a commit delay, so group commit is exercised end to end too, and
# the memory trimmer at its shortest interval.
"$hakamd" --listen=127.0.0.1:0 --rules=./rules --audit_db="$work/var/audit.db" \
  --audit_commit_delay_us=2000 --memory_trim_interval_s=1 2> "$work/hakamd.log" &
pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/hakamd.log" && break
  kill -0 $pid 2>/dev/null || { cat "$work/hakamd.log"; exit 1; }
  sleep 0.1
done
grep -q "ruleset sha256:" "$work/hakamd.log"
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/hakamd.log")
[ -n "$port" ]

out=$(printf '%s\n' '{"comment_id":"e1","text":"اسكت يا كلب"}' \
                    '{"comment_id":"e2","text":"Good analysis of the Gaza talks"}' \
      | "$hakam" check --server=127.0.0.1:$port -)
echo "$out"
[ "$(echo "$out" | grep -c '"action":"REJECT"')" = 1 ]
[ "$(echo "$out" | grep -c '"action":"ALLOW"')" = 1 ]

kill -TERM $pid
wait $pid   # set -e: a non-zero exit fails the test
grep -q "audit flushed" "$work/hakamd.log"
rows=$(sqlite3 "$work/var/audit.db" "SELECT group_concat(comment_id || ':' || action, ',') FROM decisions ORDER BY seq")
echo "audit: $rows"
[ "$rows" = "e1:REJECT,e2:ALLOW" ]
# A clean stop copied the spool into the database and deleted it.
[ ! -e "$work/var/audit.db-spool" ]

# A broken rules directory is a clear error naming the file and line.
mkdir -p "$work/badrules"
cp rules/policies.yaml "$work/badrules/"
printf 'pack: bad\nrules:\n  - id: x\n    category: c\n    weight: 1\n    pattern: "(oops"\n' > "$work/badrules/bad.yaml"
if "$hakamd" --listen=127.0.0.1:0 --rules="$work/badrules" --audit_db="$work/x.db" 2> "$work/bad.log"; then
  echo "hakamd started with broken rules"; exit 1
fi
grep -q "bad.yaml:3:5: error: bad RE2 pattern" "$work/bad.log"

# A flag out of range is refused, naming it.
if "$hakamd" --audit_commit_delay_us=-1 --audit_db="$work/y.db" 2> "$work/flag.log"; then
  echo "hakamd started with --audit_commit_delay_us=-1"; exit 1
fi
grep -q -- "--audit_commit_delay_us=-1: must be 0 to 1000000" "$work/flag.log"
if "$hakamd" --memory_trim_interval_s=3601 --audit_db="$work/z.db" 2> "$work/flag.log"; then
  echo "hakamd started with --memory_trim_interval_s=3601"; exit 1
fi
grep -q -- "--memory_trim_interval_s=3601: must be 0 to 3600" "$work/flag.log"
# A negative limit used to mean "no limit", silently.
for flag in --max_in_flight=-1 --max_concurrent_streams=-1 --shutdown_grace_seconds=-1; do
  if "$hakamd" "$flag" --audit_db="$work/n.db" 2> "$work/flag.log"; then
    echo "hakamd started with $flag"; exit 1
  fi
  grep -q -- "$flag: must be 0 to " "$work/flag.log"
done

# --- Hot reload, on a copy of the rules ------------------------------------
# wait_for PATTERN FILE: waits (up to 10 s) for a line matching PATTERN.
wait_for() {
  for _ in $(seq 100); do
    grep -q -- "$1" "$2" && return 0
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  echo "timed out waiting for '$1' in $2:"; cat "$2"; return 1
}
# start_hakamd LOG ARGS...: starts hakamd on a free port, sets $pid, $port.
start_hakamd() {
  local log=$1; shift
  "$hakamd" --listen=127.0.0.1:0 --rules="$work/rules" "$@" 2> "$log" &
  pid=$!
  wait_for "listening on" "$log"
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$log")
  [ -n "$port" ]
}
# check TEXT: the decision of the running hakamd, as "ACTION VERSION".
check() {
  local out
  out=$("$hakam" check --server=127.0.0.1:$port "$1")
  echo "$(echo "$out" | sed -n 's/.*"action":"\([A-Z]*\)".*/\1/p') $(echo "$out" | sed -n 's/.*"ruleset_version":"\(sha256:[0-9a-f]*\)".*/\1/p')"
}
new_rule='pack: e2e
rules:
  - id: e2e.zorblax
    category: insult
    weight: 10
    words: [zorblax]
'
broken='pack: broken
rules:
  - id: e2e.broken
    category: c
    weight: 1
    pattern: "(oops"
'

# SIGHUP (watcher off): a changed rule file is reloaded and used; a broken
# one is refused, logged with file:line, and the old rules keep answering.
cp -r rules "$work/rules"
start_hakamd "$work/hup.log" --audit_db="$work/hup.db" --watch_rules=false
old=$(sed -n 's/.*ruleset \(sha256:[0-9a-f]*\).*/\1/p' "$work/hup.log")
[ "$(check "zorblax")" = "ALLOW $old" ]
printf '%s' "$new_rule" > "$work/rules/en/e2e.yaml"
kill -HUP $pid
wait_for "reloaded rules: .* \[SIGHUP; was $old\]" "$work/hup.log"
new=$(sed -n 's/.*reloaded rules: \(sha256:[0-9a-f]*\).*/\1/p' "$work/hup.log")
[ -n "$new" ] && [ "$new" != "$old" ]
[ "$(check "zorblax")" = "REJECT $new" ]

printf '%s' "$broken" > "$work/rules/en/broken.yaml"
kill -HUP $pid
wait_for "refused reload, still serving $new: 1 error(s) \[SIGHUP\]" "$work/hup.log"
grep -q "^$work/rules/en/broken.yaml:3:5: error: bad RE2 pattern" "$work/hup.log"
[ "$(check "zorblax")" = "REJECT $new" ]
kill -TERM $pid
wait $pid
rm "$work/rules/en/broken.yaml"

# The watcher: saving a file reloads by itself; a broken save is refused.
start_hakamd "$work/watch.log" --audit_db="$work/watch.db" --watch_debounce_ms=100
[ "$(check "zorblax")" = "REJECT $new" ]
rm "$work/rules/en/e2e.yaml"
# Back to the shipped files, so back to the shipped version: a content hash.
wait_for "reloaded rules: $old .* \[rules changed: en/e2e.yaml; was $new\]" "$work/watch.log"
[ "$(check "zorblax")" = "ALLOW $old" ]
printf '%s' "$broken" > "$work/rules/en/.broken.yaml.tmp"
mv "$work/rules/en/.broken.yaml.tmp" "$work/rules/en/broken.yaml"
wait_for "refused reload, still serving $old: 1 error(s) \[rules changed: en/broken.yaml\]" "$work/watch.log"
grep -q "^$work/rules/en/broken.yaml:3:5: error: bad RE2 pattern" "$work/watch.log"
[ "$(check "zorblax")" = "ALLOW $old" ]
kill -TERM $pid
wait $pid
cat "$work/hup.log" "$work/watch.log"

# --- The audit spool across a crash ------------------------------------------
# SIGKILL right after the replies: every decision answered is in the trail
# after the next start, whether the copier had copied it before the kill or
# the next start copies it from the spool (which of the two is a race here;
# tests/audit covers each).
rm -f "$work/rules/en/broken.yaml"
start_hakamd "$work/kill.log" --audit_db="$work/kill.db"
[ "$(check "zorblax")" = "ALLOW $old" ]
[ "$(check "اسكت يا كلب" | cut -d' ' -f1)" = REJECT ]
kill -KILL $pid
wait $pid || true
[ -s "$work/kill.db-spool" ]
start_hakamd "$work/restart.log" --audit_db="$work/kill.db"
[ "$(check "third")" = "ALLOW $old" ]
kill -TERM $pid
wait $pid
[ ! -e "$work/kill.db-spool" ]
rows=$(sqlite3 "$work/kill.db" "SELECT group_concat(action, ',') FROM (SELECT action FROM decisions ORDER BY seq)")
echo "audit after the crash: $rows"
[ "$rows" = "ALLOW,REJECT,ALLOW" ]
echo "e2e ok"
