#!/usr/bin/env bash
# Smoke test of bench/run itself (ctest bench_run_smoke), so that the script
# that prints the summary table cannot rot between full runs. Checks what
# the table says and how the script ends, never timings:
#   1. a bad option value is refused up front, with exit status 2;
#   2. a short real run on this build's binaries prints every target's row
#      (the 50k-rule one "skipped", since --max-rules=1000), each measured
#      row with a number, no row FAILED, exit status 0; its Markdown table
#      has the same rows; --report prints the very same table again;
#   3. with a hakamd that does not start, a hakam-bench that crashes and a
#      hakam-load that reports failed calls (stand-in scripts), the table
#      says so (FAILED rows with the cause in a note, "[N errors]") and the
#      exit status is 1.
#
# Usage: bench_run_smoke_test.sh BENCH_RUN BUILD_DIR
set -euo pipefail
bench_run=$1
build_dir=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bench_run_smoke: $*" >&2; exit 1; }

# 1. Option values.
set +e
"$bench_run" --skip-build --build-dir="$build_dir" --rounds=two > /dev/null 2> "$work/err"
status=$?
set -e
[ $status = 2 ] || fail "--rounds=two: exit status $status, want 2"
grep -q -- "--rounds must be a whole number >= 1, got 'two'" "$work/err" ||
  fail "--rounds=two: unclear message: $(cat "$work/err")"

# 2. A short real run.
short=(--skip-build --duration=1 --warmup=0.3 --rounds=1 --soak-minutes=0.05
       --pack-rules=1000 --pack-warmup=0 --min-time=0.01 --repetitions=1
       --max-rules=1000 --match-seconds=0.01)
out=$work/run
"$bench_run" --build-dir="$build_dir" "${short[@]}" --out="$out" \
  > "$work/run.txt" 2> "$work/run.err" || {
  cat "$work/run.txt" "$work/run.err"; fail "short run: exit status $?"; }
cat "$work/run.txt"
tsv=$out/summary.tsv
[ -s "$tsv" ] || fail "no summary.tsv"
grep -q '^build:    ' "$out/header.txt" || fail "the header does not name the build type"

# status_of TSV PREFIX: the status of the one row of TSV whose figure
# starts with PREFIX.
status_of() {
  local n
  n=$(awk -F'\t' -v p="$2" 'index($1, p) == 1' "$1" | wc -l)
  [ "$n" = 1 ] || fail "$n rows of $1 start with '$2', want 1"
  awk -F'\t' -v p="$2" 'index($1, p) == 1 { print $7 }' "$1"
}
target_status() { status_of "$tsv" "$1"; }
for prefix in "Moderate QPS, closed loop" "Moderate p99, open loop at 50% of max" \
              "Pipeline in-process" "Soak 0.05 min at 50% load"; do
  s=$(target_status "$prefix")
  [ "$s" = met ] || [ "$s" = MISSED ] || fail "'$prefix': status '$s', want met or MISSED"
done
[ "$(target_status "Match 50000 rules")" = skipped ] || fail "the 50k-rule row is not 'skipped'"
grep -q $'Match 50000 rules[^\t]*\tnot measured (--max-rules=1000)' "$tsv" ||
  fail "the 50k-rule row does not say why it was skipped"
! awk -F'\t' '$7 == "FAILED"' "$tsv" | grep -q . || fail "FAILED rows in a healthy run"
grep -q 'errors\]' "$tsv" && fail "load runs with errors on a healthy hakamd"
# Every ratio is a number, and every row measured against a baseline has one.
awk -F'\t' '$5 != "" && $5 !~ /^[0-9]+(\.[0-9]+)?$/ { print; bad = 1 }
            $3 != "" && $5 == "" && $1 !~ /send lag/ { print; bad = 1 }
            END { exit bad }' "$tsv" || fail "rows with a missing or non-numeric ratio"
for row in "hakamd peak RSS (VmHWM), default rules" "hakamd peak RSS (VmHWM), 1000-rule pack" \
           "Audit append, SQLite group commit of 64, synchronous=NORMAL" \
           "  Moderate QPS with no rules and no audit store"; do
  grep -qF "$row" "$tsv" || fail "no row '$row'"
done
[ "$(grep -c '^| ' "$out/summary.md")" = $(( $(wc -l < "$tsv") + 1 )) ] ||
  fail "summary.md does not hold every row of summary.tsv"
"$bench_run" --report="$out" > "$work/report.txt" 2> /dev/null || fail "--report: exit status $?"
diff <(sed -n '/^figure/,$p' "$work/run.txt") <(sed -n '/^figure/,$p' "$work/report.txt") ||
  fail "--report does not print the run's table"

# 3. Failures, with stand-ins for the binaries.
fake=$work/fake
mkdir -p "$fake/bench"
printf '#!/bin/sh\necho "hakamd: error: rules/x.yaml:3: not a rule" >&2\nexit 1\n' > "$fake/hakamd"
printf '#!/bin/sh\necho "hakam-bench: out of memory" >&2\nexit 3\n' > "$fake/bench/hakam-bench"
ln -s "$build_dir/bench/hakam-load" "$fake/bench/hakam-load"
ln -s "$build_dir/bench/hakam-bench-data" "$fake/bench/hakam-bench-data"
ln -s "$build_dir/bench/hakam-bench-server" "$fake/bench/hakam-bench-server"
chmod +x "$fake/hakamd" "$fake/bench/hakam-bench"
set +e
"$bench_run" --build-dir="$fake" "${short[@]}" --no-full-sync --no-tmpfs-audit \
  --out="$work/broken" > "$work/broken.txt" 2> /dev/null
status=$?
set -e
cat "$work/broken.txt"
[ $status = 1 ] || fail "broken binaries: exit status $status, want 1"
grep -qF $'hakamd (default rules)\tdid not start' "$work/broken/summary.tsv" ||
  fail "no FAILED row for a hakamd that did not start"
grep -qF 'not a rule' "$work/broken.txt" || fail "the table does not quote hakamd's error"
grep -qF $'micro-benchmarks (hakam-bench)\texited with status 3' "$work/broken/summary.tsv" ||
  fail "no FAILED row for a crashed hakam-bench"
for prefix in "Pipeline in-process" "Soak 0.05 min" "hakamd with a 1000-rule pack"; do
  [ "$(status_of "$work/broken/summary.tsv" "$prefix")" = FAILED ] ||
    fail "'$prefix' is not FAILED with broken binaries"
done

# A load generator whose calls fail: counted, shown, and exit status 1.
rm "$fake/hakamd" "$fake/bench/hakam-load"
ln -s "$build_dir/hakamd" "$fake/hakamd"
cat > "$fake/bench/hakam-load" <<'EOF'
#!/bin/sh
echo "RESULT rpc=moderate mode=closed connections=1 in_flight=1 rate=0 seconds=1.000 ok=10 errors=5 qps=10.0 p50_us=1.0 p90_us=1.0 p99_us=1.0 p999_us=1.0 max_us=1.0 send_lag_p99_us=0.0 abandoned=0 error_codes=UNAVAILABLE:5"
EOF
chmod +x "$fake/bench/hakam-load"
set +e
"$bench_run" --build-dir="$fake" "${short[@]}" --no-micro --no-full-sync \
  --no-audit-free --no-tmpfs-audit --soak-minutes=0 --pack-rules=0 \
  --out="$work/errors" > "$work/errors.txt" 2> "$work/errors.err"
status=$?
set -e
cat "$work/errors.txt"
[ $status = 1 ] || fail "failed calls: exit status $status, want 1"
grep -q 'default rules \[10 errors\]' "$work/errors/summary.tsv" ||
  fail "the QPS row does not count the failed calls"
grep -q 'failed call(s) in the load runs' "$work/errors.err" || fail "no message on stderr"
echo "bench_run_smoke: ok"
