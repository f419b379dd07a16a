#!/usr/bin/env bash
# Smoke test of hakam-load against a real hakamd on a free port (ctest
# load_smoke). Checks that runs complete and count correctly; never timings:
#   1. closed loop, Moderate and Health/Check: some OK calls, zero errors;
#   2. open loop at a low rate: some OK calls, zero errors;
#   3. a third of the requests invalid UTF-8: INVALID_ARGUMENT counted as
#      errors, the rest OK, and ok + errors is every measured call;
#   4. a closed port: every call an UNAVAILABLE error, none OK;
#   5. values it cannot run (a negative corpus, a rate that schedules no
#      call, an infinite window, ...) are refused, naming the value;
#   6. hakam-bench-server (hakamd without an audit store, for bench/run):
#      Moderate answers with zero errors, and a non-loopback --listen is
#      refused.
set -euo pipefail
hakamd=$1
load=$2
bench_server=$3
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT

# serve LOG COMMAND...: starts a server that logs "(port N)" to LOG; sets
# pid and port.
serve() {
  local log=$1
  shift
  "$@" 2> "$log" &
  pid=$!
  for _ in $(seq 100); do
    grep -q "listening on" "$log" && break
    kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
  done
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$log")
  [ -n "$port" ]
}

serve "$work/hakamd.log" "$hakamd" --listen=127.0.0.1:0 --rules=./rules \
  --audit_db="$work/audit.db" --audit_full_sync=false
target=127.0.0.1:$port
short=(--duration=1s --warmup=0.2s --connections=2 --in_flight=4 --corpus_size=200)

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
result() { echo "$1" | grep '^RESULT '; }
fail() { echo "load_smoke: $*"; exit 1; }

for rpc in moderate health; do
  out=$("$load" --target=$target --rpc=$rpc "${short[@]}")
  echo "$out"
  line=$(result "$out")
  [ "$(field errors "$line")" = 0 ] || fail "$rpc: errors on a healthy server"
  [ "$(field ok "$line")" -gt 0 ] || fail "$rpc: no successful call"
done

out=$("$load" --target=$target --rate=200 --duration=1s --warmup=0.2s --corpus_size=200)
echo "$out"
line=$(result "$out")
[ "$(field mode "$line")" = open ] || fail "open loop not selected"
[ "$(field errors "$line")" = 0 ] || fail "open loop: errors"
[ "$(field ok "$line")" -gt 0 ] || fail "open loop: no successful call"

# Invalid UTF-8 is refused by the server and must be counted as errors.
set +e
out=$("$load" --target=$target "${short[@]}" --invalid_utf8_fraction=0.33 --max_errors=0)
status=$?
set -e
echo "$out"
[ $status = 2 ] || fail "--max_errors=0 with failures should exit 2, got $status"
line=$(result "$out")
codes=$(field error_codes "$line")
errors=$(field errors "$line")
ok=$(field ok "$line")
[ "$errors" -gt 0 ] || fail "invalid UTF-8 not counted as errors"
[ "$ok" -gt 0 ] || fail "valid requests not counted as OK"
[[ "$codes" =~ ^INVALID_ARGUMENT:([0-9]+)$ ]] || fail "unexpected codes $codes"
[ "${BASH_REMATCH[1]}" = "$errors" ] || fail "errors by code do not add up"

kill -TERM $pid
wait $pid
pid=

# The server is gone: its port is closed, every call must fail.
out=$("$load" --target=$target "${short[@]}" --connect_timeout=0.5s --deadline=1s)
echo "$out"
line=$(result "$out")
[ "$(field ok "$line")" = 0 ] || fail "calls to a closed port counted as OK"
[ "$(field errors "$line")" -gt 0 ] || fail "calls to a closed port not counted"
[[ "$(field error_codes "$line")" =~ UNAVAILABLE ]] || fail "expected UNAVAILABLE"

# A non-loopback target is refused.
if "$load" --target=192.0.2.1:1 --duration=1s 2> "$work/err"; then
  fail "non-loopback target accepted"
fi
grep -q loopback "$work/err"

# Values it cannot run are refused before any call, with a message naming
# them (the bounds themselves: load_generator_test).
for bad in --corpus_size=-1 --corpus_size=1000001 --invalid_utf8_fraction=2 \
           --rate=1e-11 --duration=inf --in_flight=999999999; do
  if "$load" --target=$target --rpc=health $bad 2> "$work/err" > /dev/null; then
    fail "$bad accepted"
  fi
  name=${bad%%=*}
  grep -q "${name#--}" "$work/err" || fail "$bad: the message does not name it: $(cat "$work/err")"
done

serve "$work/bench-server.log" "$bench_server" --listen=127.0.0.1:0 --rules=./rules
out=$("$load" --target=127.0.0.1:$port --rpc=moderate "${short[@]}")
echo "$out"
line=$(result "$out")
[ "$(field errors "$line")" = 0 ] || fail "hakam-bench-server: errors"
[ "$(field ok "$line")" -gt 0 ] || fail "hakam-bench-server: no successful call"
kill -TERM $pid
wait $pid
pid=
if "$bench_server" --listen=0.0.0.0:0 --rules=./rules 2> "$work/err"; then
  fail "hakam-bench-server accepted a non-loopback address"
fi
grep -q loopback "$work/err"
echo "load_smoke: ok"
