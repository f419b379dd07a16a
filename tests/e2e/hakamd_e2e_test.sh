#!/usr/bin/env bash
# End to end with the real binaries: start hakamd on a free port with the
# shipped rules and a fresh SQLite audit file, moderate through `hakam check
# --server`, send SIGTERM, and check the clean exit and the audit rows.
set -euo pipefail
hakamd=$1
hakam=$2
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

"$hakamd" --listen=127.0.0.1:0 --rules=./rules --audit_db="$work/var/audit.db" \
  2> "$work/hakamd.log" &
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

# A broken rules directory is a clear error naming the file and line.
mkdir -p "$work/badrules"
cp rules/policies.yaml "$work/badrules/"
printf 'pack: bad\nrules:\n  - id: x\n    category: c\n    weight: 1\n    pattern: "(oops"\n' > "$work/badrules/bad.yaml"
if "$hakamd" --listen=127.0.0.1:0 --rules="$work/badrules" --audit_db="$work/x.db" 2> "$work/bad.log"; then
  echo "hakamd started with broken rules"; exit 1
fi
grep -q "bad.yaml:3:5: error: bad RE2 pattern" "$work/bad.log"
echo "e2e ok"
