#!/usr/bin/env bash
# `hakam check -` through the real binary and real pipes, as batch jobs and
# scripts drive it:
# - a co-process gets each answer before it sends the next line (hakam's
#   output is flushed before it waits for input, whatever its buffering);
# - a file of JSON Lines gets one output line per input line, in order,
#   a bad line answered with an error object naming it, exit status 1.
set -euo pipefail
hakam=$1
rules=$2

coproc HAKAM { "$hakam" check --rules="$rules" -; }
echo '{"comment_id":"p1","text":"اسكت يا كلب"}' >&"${HAKAM[1]}"
# No second line is sent until the first answer is read: a hakam that
# buffered its answer would hang here until the timeout.
read -r -t 60 first <&"${HAKAM[0]}" || { echo "no answer to line 1"; exit 1; }
echo "$first"
grep -q '"comment_id":"p1","action":"REJECT"' <<< "$first"
echo '{"comment_id":"p2","text":"Good analysis of the Gaza talks"}' >&"${HAKAM[1]}"
read -r -t 60 second <&"${HAKAM[0]}" || { echo "no answer to line 2"; exit 1; }
grep -q '"comment_id":"p2","action":"ALLOW"' <<< "$second"
exec {HAKAM[1]}>&-   # end of input: hakam exits
wait "$HAKAM_PID"

status=0
out=$(printf '%s\n' '{"comment_id":"b1","text":"hello"}' \
                    '{"comment_id":"b2","text":"hello",}' \
                    '' \
                    '{"comment_id":"b3","text":"hello"}' \
      | "$hakam" check --rules="$rules" -) || status=$?
echo "$out"
[ "$status" = 1 ]
[ "$(wc -l <<< "$out")" = 3 ]
sed -n 1p <<< "$out" | grep -q '"comment_id":"b1"'
sed -n 2p <<< "$out" | grep -q '^{"line":2,"error":{"code":"INVALID_ARGUMENT","message":"not valid JSON'
sed -n 3p <<< "$out" | grep -q '"comment_id":"b3"'
echo "hakam check e2e: ok"
