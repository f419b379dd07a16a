#!/usr/bin/env bash
# Smoke test of bench/run itself (ctest bench_run_smoke), so that the script
# that prints the summary table cannot rot between full runs. Checks what
# the table says and how the script ends, never timings:
#   1. bad option values are refused up front, with exit status 2; a run
#      that measures nothing (--no-load --no-micro) lists the five targets
#      as skipped and exits 0;
#   2. a short real run on this build's binaries prints every target's row
#      (the 50k-rule one "skipped", since --max-rules=1000), each measured
#      row with a number, no row FAILED, exit status 0; the header names
#      the build's type; its Markdown table has the same rows; --report
#      prints the very same table again; its progress lines count every
#      micro-benchmark and every load run of its plan; it leaves no file
#      in the working directory;
#   3. with stand-in scripts for the binaries (a hakamd that refuses its
#      rules, one that dies during its runs, one that exits 1 when stopped;
#      a hakam-bench that crashes, one that reports a benchmark's error; a
#      hakam-bench-data that cannot write the pack; a hakam-load that prints
#      nothing, one that prints nothing in one round of two, one whose
#      calls fail, one whose calls are abandoned), the table is still
#      printed, says what failed (FAILED rows, the cause in a note,
#      "[N errors]"), and the exit status is 1.
#
# Usage: bench_run_smoke_test.sh BENCH_RUN BUILD_DIR
set -euo pipefail
bench_run=$1
build_dir=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bench_run_smoke: $*" >&2; exit 1; }

# run_bench NAME ARGS...: runs bench/run, output in $work/NAME.txt and
# NAME.err; sets `status`.
run_bench() {
  local name=$1
  shift
  set +e
  "$bench_run" "$@" > "$work/$name.txt" 2> "$work/$name.err"
  status=$?
  set -e
}
# status_of TSV PREFIX: the status of the one row of TSV whose figure
# starts with PREFIX.
status_of() {
  local n
  n=$(awk -F'\t' -v p="$2" 'index($1, p) == 1' "$1" | wc -l)
  [ "$n" = 1 ] || fail "$n rows of $1 start with '$2', want 1"
  awk -F'\t' -v p="$2" 'index($1, p) == 1 { print $7 }' "$1"
}
targets=("Moderate QPS, closed loop" "Moderate p99, open loop at 50% of max"
         "Pipeline in-process" "Match 50000 rules" "Soak ")

# 1. Option values, and a run that measures nothing.
for bad in --rounds=two --connections=08 --pack-rules=500 --duration=0 --duration=010 \
           --out= --bogus --connections=1025 --in-flight=50001 --soak-minutes=1441 \
           --duration=86401 --duration=0.0009 --max-rules=200001; do
  run_bench bad --skip-build --build-dir="$build_dir" "$bad"
  [ $status = 2 ] || fail "$bad: exit status $status, want 2"
  grep -q "^bench/run: " "$work/bad.err" || fail "$bad: no message"
done
grep -q -- "--rounds must be a whole number >= 1" <(
  "$bench_run" --skip-build --build-dir="$build_dir" --rounds=two 2>&1 || true) ||
  fail "--rounds=two: the message does not say what is wrong"
grep -q -- "--in-flight must be at most 25000 (connections x in-flight at most 100000)" <(
  "$bench_run" --skip-build --build-dir="$build_dir" --connections=4 --in-flight=25001 2>&1 || true) ||
  fail "--in-flight=25001: the message does not say what is wrong"
run_bench nothing --skip-build --build-dir="$build_dir" --no-load --no-micro --out="$work/nothing"
[ $status = 0 ] || fail "--no-load --no-micro: exit status $status, want 0: $(cat "$work/nothing.err")"
for t in "${targets[@]}"; do
  [ "$(status_of "$work/nothing/summary.tsv" "$t")" = skipped ] || fail "'$t' is not skipped with --no-load --no-micro"
done

# 2. A short real run.
short=(--skip-build --duration=1 --warmup=0.3 --rounds=1 --soak-minutes=0.05
       --pack-rules=1000 --pack-warmup=0 --min-time=0.01 --repetitions=1
       --max-rules=1000 --match-seconds=0.01)
out=$work/run
cwd_before=$(ls -A)
run_bench run --build-dir="$build_dir" "${short[@]}" --out="$out"
cat "$work/run.txt"
[ $status = 0 ] || { cat "$work/run.err"; fail "short run: exit status $status, want 0"; }
[ "$(ls -A)" = "$cwd_before" ] ||
  fail "the run left files in $(pwd): $(diff <(echo "$cwd_before") <(ls -A) || true)"
# Progress: every micro-benchmark the settings register counted as done;
# each load run numbered out of the plan, with the time left; the soak's
# time and RSS.
[[ "$(cat "$work/run.err")" =~ micro-benchmarks:\ ([0-9]+)\ of\ ([0-9]+)\ done, ]] &&
  [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[1]}" -gt 10 ] ||
  fail "no progress line counting every micro-benchmark: $(grep micro-benchmarks: "$work/run.err")"
planned=$(sed -n 's/^bench\/run: load runs: \([0-9]*\) of .*/\1/p' "$work/run.err")
[ -n "$planned" ] || fail "no load-run plan: $(cat "$work/run.err")"
grep -q "^bench/run: load moderate-closed-1 (1 of $planned, \(about [0-9]* min\|under a minute\) of load runs left): " "$work/run.err" ||
  fail "the first load run's line does not count it: $(grep 'load moderate-closed-1' "$work/run.err")"
[ "$(grep -c "^bench/run: load .* of $planned, " "$work/run.err")" = "$planned" ] ||
  fail "$planned load runs planned, $(grep -c "^bench/run: load .* of $planned, " "$work/run.err") made"
# The soak (3 s here) says how far it is, with hakamd's RSS, at its half.
grep -q '^bench/run: soak: [12] of 3 s, VmRSS [0-9]*\.[0-9] MiB, [0-9]*:[0-9][0-9] elapsed$' "$work/run.err" ||
  fail "no soak progress line: $(grep 'soak' "$work/run.err")"
tsv=$out/summary.tsv
[ -s "$tsv" ] || fail "no summary.tsv"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
grep -q "^build:    ${build_type:-unknown type} ($build_dir)" "$out/header.txt" ||
  fail "the header does not name the build's type ($build_type): $(grep '^build' "$out/header.txt")"
for t in "${targets[@]}"; do
  s=$(status_of "$tsv" "$t")
  case $t in
    "Match 50000 rules") [ "$s" = skipped ] || fail "the 50k-rule row is '$s', want skipped" ;;
    *) [ "$s" = met ] || [ "$s" = MISSED ] || fail "'$t': status '$s', want met or MISSED" ;;
  esac
done
grep -q $'Match 50000 rules[^\t]*\tnot measured (--max-rules=1000)' "$tsv" ||
  fail "the 50k-rule row does not say why it was skipped"
! awk -F'\t' '$7 == "FAILED"' "$tsv" | grep -q . || fail "FAILED rows in a healthy run"
grep -q 'errors\]' "$tsv" && fail "load runs with errors on a healthy hakamd"
# Every ratio is a number, and every row measured against a baseline has one.
awk -F'\t' '$5 != "" && $5 !~ /^[0-9]+(\.[0-9]+)?$/ { print; bad = 1 }
            $3 != "" && $5 == "" && $1 !~ /send lag|CPU busy/ { print; bad = 1 }
            END { exit bad }' "$tsv" || fail "rows with a missing or non-numeric ratio"
for row in "hakamd peak RSS (VmHWM), default rules" "hakamd peak RSS (VmHWM), 1000-rule pack" \
           "Audit append, SQLite group commit of 64, synchronous=NORMAL" \
           "  Moderate QPS with no rules and no audit store" \
           "  Moderate p99, audit database on /dev/shm" "Moderate QPS with --audit_full_sync=true" \
           "  median VmRSS, last"; do
  grep -qF "$row" "$tsv" || fail "no row '$row'"
done
# Both sides' CPU during the closed-loop runs, measured, each a share of
# the cores there are (not, say, clock ticks).
cpu_row=$(grep $'^  CPU busy during those runs' "$tsv" || true)
[[ "$cpu_row" =~ $'\tserver '([0-9]+)'% / client '([0-9]+)$'%\tthe Health/Check runs\tserver '([0-9]+)'% / client '([0-9]+)'%' ]] ||
  fail "the CPU row has no figures: $cpu_row"
for pct in "${BASH_REMATCH[@]:1}"; do
  [ "$pct" -ge 1 ] && [ "$pct" -le $((100 * $(nproc) + 10)) ] ||
    fail "CPU busy $pct% is not a share of $(nproc) cores: $cpu_row"
done
# Measured, or skipped with why (a machine whose /tmp is a tmpfs).
case $(status_of "$tsv" "  Moderate p99, audit database on /dev/shm") in
  info | skipped) ;;
  *) fail "the /dev/shm row is neither measured nor skipped" ;;
esac
run_bench again --build-dir="$build_dir" "${short[@]}" --out="$out"
[ $status = 2 ] || fail "a non-empty --out: exit status $status, want 2"
[ "$(grep -c '^| ' "$out/summary.md")" = $(( $(wc -l < "$tsv") + 1 )) ] ||
  fail "summary.md does not hold every row of summary.tsv"
run_bench report --report="$out"
[ $status = 0 ] || fail "--report: exit status $status"
diff <(sed -n '/^figure/,$p' "$work/run.txt") <(sed -n '/^figure/,$p' "$work/report.txt") ||
  fail "--report does not print the run's table"

# 3. Failures, with stand-ins for the binaries.
fake=$work/fake
mkdir -p "$fake/bench"
# stand_in PATH SCRIPT-BODY: a script in place of a binary. The link to
# the real one goes first: writing through it would overwrite the build.
stand_in() {
  rm -f "$1"
  printf '#!/bin/sh\n%s\n' "$2" > "$1"
  chmod +x "$1"
}
real() { rm -f "$fake/$1"; ln -s "$build_dir/$1" "$fake/$1"; }
stand_in "$fake/hakamd" 'echo "hakamd: error: rules/x.yaml:3: not a rule" >&2; exit 1'
stand_in "$fake/bench/hakam-bench" 'echo "hakam-bench: out of memory" >&2; exit 3'
real bench/hakam-load
real bench/hakam-bench-data
real bench/hakam-bench-server

# 3a. hakamd refuses its rules, hakam-bench crashes.
run_bench broken --build-dir="$fake" "${short[@]}" --no-tmpfs-audit --out="$work/broken"
cat "$work/broken.txt"
[ $status = 1 ] || fail "broken binaries: exit status $status, want 1"
btsv=$work/broken/summary.tsv
grep -qF 'not a rule' "$work/broken.txt" || fail "the table does not quote hakamd's error"
grep -qF $'micro-benchmarks (hakam-bench)\texited with status 3' "$btsv" ||
  fail "no FAILED row for a crashed hakam-bench"
for t in "Moderate QPS, closed loop" "Moderate p99, open loop at 50% of max" "Pipeline in-process" \
         "Soak 0.05 min" "hakamd with a 1000-rule pack" "  hakamd full-sync"; do
  [ "$(status_of "$btsv" "$t")" = FAILED ] || fail "'$t' is not FAILED with broken binaries"
done
[ "$(status_of "$btsv" "Match 50000 rules")" = skipped ] || fail "the 50k-rule row is not skipped"
# The servers that did start still report.
[ "$(status_of "$btsv" "  Moderate QPS without the audit store")" = info ] ||
  fail "the audit-free runs, whose server started, are not reported"
# Every FAILED row points at a note.
awk -F'\t' '$7 == "FAILED" && $2 !~ /\[note [0-9]+\]/ { print; bad = 1 } END { exit bad }' "$btsv" ||
  fail "FAILED rows without a note"

# 3b. A hakam-load that prints nothing: no result, the table still printed.
real hakamd
stand_in "$fake/bench/hakam-load" 'echo "hakam-load: cannot connect" >&2; exit 1'
quiet=(--no-micro --no-full-sync --no-audit-free --no-tmpfs-audit --pack-rules=0)
run_bench silent --build-dir="$fake" "${short[@]}" "${quiet[@]}" --out="$work/silent"
cat "$work/silent.txt"
[ $status = 1 ] || fail "a silent hakam-load: exit status $status, want 1"
grep -q '^figure ' "$work/silent.txt" && grep -q '^raw results: ' "$work/silent.txt" ||
  fail "a silent hakam-load: the table was not printed"
grep -q 'row(s) FAILED' "$work/silent.err" || fail "a silent hakam-load: no message on stderr"
for t in "Moderate QPS, closed loop" "Moderate p99, open loop at 50% of max" "Soak 0.05 min"; do
  [ "$(status_of "$work/silent/summary.tsv" "$t")" = FAILED ] || fail "'$t' is not FAILED with a silent hakam-load"
done
[ "$(status_of "$work/silent/summary.tsv" "Pipeline in-process")" = skipped ] ||
  fail "the pipeline row is not skipped with --no-micro"

# 3c. A hakam-load whose calls fail: counted, the target FAILED, status 1.
stand_in "$fake/bench/hakam-load" 'echo "RESULT rpc=moderate mode=closed connections=1 in_flight=1 rate=0 seconds=1.000 ok=10 errors=5 qps=10.0 p50_us=1.0 p90_us=1.0 p99_us=1.0 p999_us=1.0 max_us=1.0 send_lag_p99_us=0.0 abandoned=0 error_codes=UNAVAILABLE:5"'
run_bench errors --build-dir="$fake" "${short[@]}" "${quiet[@]}" --soak-minutes=0 --out="$work/errors"
cat "$work/errors.txt"
[ $status = 1 ] || fail "failed calls: exit status $status, want 1"
grep -q $'default rules \\[10 errors\\]\t[^\t]*\\[note 1\\]' "$work/errors/summary.tsv" ||
  fail "the QPS row does not count the failed calls"
[ "$(status_of "$work/errors/summary.tsv" "Moderate QPS, closed loop")" = FAILED ] ||
  fail "the QPS target is not FAILED when calls failed"
grep -q 'failed or abandoned call(s) in the load runs' "$work/errors.err" || fail "no message on stderr"

# 3d. One round of two without a result: not hidden by the median.
stand_in "$fake/bench/hakam-load" "n=\$(cat '$work/calls' 2>/dev/null || echo 0); echo \$((n + 1)) > '$work/calls'
[ \$n = 3 ] && exit 1
echo 'RESULT rpc=moderate mode=closed connections=1 in_flight=1 rate=0 seconds=1.000 ok=10 errors=0 qps=10.0 p50_us=1.0 p90_us=1.0 p99_us=1.0 p999_us=1.0 max_us=1.0 send_lag_p99_us=0.0 abandoned=0 error_codes=-'"
run_bench rounds --build-dir="$fake" "${short[@]}" "${quiet[@]}" --soak-minutes=0 --rounds=2 --out="$work/rounds"
cat "$work/rounds.txt"
[ $status = 1 ] || fail "a round without a result: exit status $status, want 1"
[ "$(status_of "$work/rounds/summary.tsv" "Moderate QPS, closed loop")" = FAILED ] ||
  fail "the QPS target is not FAILED when a round gave no result"
grep -q '1 of 2 round(s) gave no result' "$work/rounds.txt" || fail "the note does not count the missing round"

# 3e. A hakamd that dies during its runs.
real bench/hakam-load
stand_in "$fake/hakamd" 'echo "hakamd: listening on 127.0.0.1:0 (port 1)" >&2; sleep 1; exit 7'
run_bench died --build-dir="$fake" "${short[@]}" "${quiet[@]}" --soak-minutes=0 --out="$work/died"
cat "$work/died.txt"
[ $status = 1 ] || fail "a hakamd that died: exit status $status, want 1"
[ "$(status_of "$work/died/summary.tsv" "hakamd default")" = FAILED ] || fail "no FAILED row for a hakamd that died"
grep -q 'exited with status 7 before its runs ended' "$work/died.txt" || fail "the note does not say how hakamd ended"
# 3f. A hakamd that exits 1 when stopped (as when it cannot flush its
# audit trail), calls abandoned, a benchmark that reports an error, a pack
# that cannot be written.
stand_in "$fake/hakamd" 'echo "hakamd: listening on 127.0.0.1:0 (port 1)" >&2
trap "exit 1" TERM
while :; do sleep 0.1; done'
stand_in "$fake/bench/hakam-load" 'echo "RESULT rpc=moderate mode=closed connections=1 in_flight=1 rate=0 seconds=1.000 ok=10 errors=0 qps=10.0 p50_us=1.0 p90_us=1.0 p99_us=1.0 p999_us=1.0 max_us=1.0 send_lag_p99_us=0.0 abandoned=3 error_codes=-"'
stand_in "$fake/bench/hakam-bench" 'for a in "$@"; do case $a in --tsv_out=*) f=${a#*=} ;; esac; done
printf "BM_Pipeline/synthetic_rules:0\t\t1\tcould not load the rules\t0\t\t\n" > "$f"'
stand_in "$fake/bench/hakam-bench-data" 'echo "hakam-bench-data: disk full" >&2; exit 1'
run_bench stopped --build-dir="$fake" "${short[@]}" --no-full-sync --no-audit-free --no-tmpfs-audit \
  --soak-minutes=0 --out="$work/stopped"
cat "$work/stopped.txt"
[ $status = 1 ] || fail "3f: exit status $status, want 1"
stsv=$work/stopped/summary.tsv
grep -q 'exited with status 1 when stopped' "$work/stopped.txt" || fail "no note for a hakamd that exits 1 when stopped"
[ "$(status_of "$stsv" "hakamd default")" = FAILED ] || fail "no FAILED row for a hakamd that exits 1 when stopped"
grep -q 'default rules \[0 errors, 6 abandoned\]' "$stsv" || fail "abandoned calls are not counted"
[ "$(status_of "$stsv" "Moderate QPS, closed loop")" = FAILED ] || fail "the QPS target is not FAILED with abandoned calls"
[ "$(status_of "$stsv" "micro-benchmarks that reported an error")" = FAILED ] ||
  fail "no FAILED row for a benchmark that reported an error"
grep -q 'BM_Pipeline/synthetic_rules:0: could not load the rules' "$work/stopped.txt" ||
  fail "the note does not quote the benchmark's error"
[ "$(status_of "$stsv" "hakamd with a 1000-rule pack")" = FAILED ] || fail "no FAILED row for a pack not written"
grep -q 'could not write the pack: hakam-bench-data: disk full' "$work/stopped.txt" ||
  fail "the note does not say why the pack was not written"

for b in hakamd bench/hakam-load bench/hakam-bench bench/hakam-bench-data bench/hakam-bench-server; do
  [ "$(head -c 4 "$build_dir/$b" | od -An -c | tr -d ' ')" = '177ELF' ] ||
    fail "the stand-ins overwrote $build_dir/$b"
done
echo "bench_run_smoke: ok"
