#!/usr/bin/env bash
# Test of bench/compare (ctest bench_compare_smoke). Checks what it prints
# and how it ends, never timings:
#   1. bad options, and a BASE/NEW that is neither a binary nor a
#      revision, are refused up front with exit status 2, each with its
#      own message;
#   2. with stand-in hakam-bench scripts that report chosen values: the
#      turns alternate (base, new, new, base, ...), each gets the filter,
#      min time, rules and the arguments after --; each side's samples,
#      median and range, new/base and faster/slower are right for rates,
#      times and both benchmarks' ratios (no verdict for another ratio);
#      the default counter falls back from ratio to rates to cpu_ns;
#      aggregate rows are not samples; overlapping ranges are called
#      unresolved, and a single turn a side says it shows no noise; a
#      missing counter, a benchmark's error, a binary that fails, one that
#      matches nothing, a benchmark (or its counter) measured on one side
#      only, and no sample at all end with status 1 and say why; NEW
#      defaults to the working tree's build;
#   3. a revision (HEAD) is run from build-compare/<commit>/ when built
#      there, and --skip-build refuses one that is not;
#   4. the real hakam-bench of this build, on both sides, for one short
#      benchmark: status 0 and a comparison printed.
#
# Usage: compare_smoke_test.sh BENCH_COMPARE HAKAM_BENCH
set -euo pipefail
compare=$1
real_bench=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bench_compare_smoke: $*" >&2; exit 1; }

# run NAME ARGS...: runs bench/compare (never building: every case here
# names its binaries), output in $work/NAME.out and NAME.err; sets
# `status`.
run() {
  local name=$1
  shift
  set +e
  "$compare" --skip-build "$@" > "$work/$name.out" 2> "$work/$name.err"
  status=$?
  set -e
}
expect() {  # expect NAME STATUS: the run's status, or fail with its output
  [ "$status" = "$2" ] || {
    cat "$work/$1.out" "$work/$1.err" >&2
    fail "$1: exit status $status, want $2"; }
}
has() {  # has NAME FILE_SUFFIX TEXT: the run's output holds TEXT
  grep -qF -- "$3" "$work/$1.$2" || {
    cat "$work/$1.out" "$work/$1.err" >&2
    fail "$1: no '$3' in its $2"; }
}

# fake NAME: a stand-in hakam-bench that logs "NAME ARGS" to $work/turns and
# writes the TSV line(s) of the file $work/NAME.rows (one line per turn of
# this fake, in order; the last one again when turns outrun the lines), with
# "\t" for tabs. Its exit status is in $work/NAME.status (default 0).
fake() {
  cat > "$work/$1" <<EOF
#!/usr/bin/env bash
echo "$1 \$*" >> "$work/turns"
tsv=
for a in "\$@"; do case \$a in --tsv_out=*) tsv=\${a#*=} ;; esac; done
n=\$(grep -c "^$1 " "$work/turns")
total=\$(wc -l < "$work/$1.rows")
[ "\$n" -le "\$total" ] || n=\$total
[ -z "\$tsv" ] || sed -n "\${n}p" "$work/$1.rows" | sed 's/\\\\t/\t/g; s/\\\\n/\n/g' > "\$tsv"
exit \$(cat "$work/$1.status" 2>/dev/null || echo 0)
EOF
  chmod +x "$work/$1"
}
# row NAME ERROR MESSAGE CPU_NS COUNTERS: one TSV line as the fakes write it.
row() { printf '%s\\t\\t%s\\t%s\\t%s\\t\\t%s' "$@"; }
fake base
fake new
rules=$(pwd)/rules
[ -d "$rules" ] || fail "run from the source tree (no ./rules)"

# 1. Options, each refused with its own message.
printf '%s\n' "$(row BM_X 0 '' 100 'ratio=0.2')" > "$work/base.rows"
cp "$work/base.rows" "$work/new.rows"
touch "$work/not-executable"
while IFS='|' read -r bad message; do
  run bad "$bad" "$work/base" "$work/new"
  expect bad 2
  has bad err "bench/compare: $message"
done <<OPTIONS
--pairs=0|--pairs must be a whole number >= 1
--pairs=two|--pairs must be a whole number >= 1
--pairs=01|--pairs must be a whole number >= 1
--pairs=1001|--pairs must be at most 1000
--min-time=0|--min-time must be a number > 0
--min-time=abc|--min-time must be a number > 0
--cpu=99999|--cpu must be one this process may run on
--cpu=x|--cpu must be a whole number >= 0
--jobs=0|--jobs must be a whole number >= 1
--bogus|unknown option --bogus
--counter=a b|--counter must be a counter's name
--filter=|--filter must not be empty
--rules-dir=$work/none|--rules-dir: no directory $work/none
--out=|--out needs a path
OPTIONS
run none
expect none 2
has none err "give BASE and optionally NEW (got 0 of them)"
run three "$work/base" "$work/new" "$work/base"
expect three 2
has three err "(got 3 of them)"
run unknown no-such-revision-or-file "$work/new"
expect unknown 2
has unknown err "'no-such-revision-or-file' is neither a hakam-bench binary nor a git revision"
run noexec "$work/not-executable" "$work/new"
expect noexec 2
has noexec err "is not executable"
run override "$work/base" "$work/new" -- --tsv_out=/dev/null
expect override 2
has override err "--tsv_out after -- would override"
run aggregates "$work/base" "$work/new" -- --benchmark_report_aggregates_only=true
expect aggregates 2
has aggregates err "needs every run, not only aggregates"
[ ! -s "$work/turns" ] || fail "a refused run started a binary: $(cat "$work/turns")"

# 2. Stand-ins. Three pairs: base reports 0.19, 0.21, 0.20; new 0.25,
# 0.24, 0.26: medians 0.2 and 0.25, new/base 1.25 (BM_PipelineVsLimit's
# ratio: higher is faster).
P=BM_PipelineVsLimit
printf '%s\n' "$(row $P 0 '' 200 'ratio=0.19;bytes_per_second=100')" \
  "$(row $P 0 '' 200 'ratio=0.21;bytes_per_second=100')" \
  "$(row $P 0 '' 200 'ratio=0.20;bytes_per_second=100')" > "$work/base.rows"
printf '%s\n' "$(row $P 0 '' 100 'ratio=0.25;bytes_per_second=50')" \
  "$(row $P 0 '' 100 'ratio=0.24;bytes_per_second=50')" \
  "$(row $P 0 '' 100 'ratio=0.26;bytes_per_second=50')" > "$work/new.rows"
: > "$work/turns"
run ratio --pairs=3 --min-time=0.5 --filter='BM_P$' --out="$work/kept" \
  "$work/base" "$work/new" -- --corpus_size=7
expect ratio 0
[ "$(cut -d' ' -f1 "$work/turns" | tr '\n' ' ')" = "base new new base base new " ] ||
  fail "turns ran in the order $(cut -d' ' -f1 "$work/turns" | tr '\n' ' '), want base new new base base new"
for arg in "--benchmark_filter=BM_P\$" --benchmark_min_time=0.5 "--rules_dir=$rules" --corpus_size=7; do
  [ "$(grep -cF -- " $arg" "$work/turns")" = 6 ] || fail "not every turn got $arg: $(cat "$work/turns")"
done
has ratio out "$P, ratio (higher is faster)"
has ratio out "  base  0.19 0.21 0.20   median 0.2, range 0.19-0.21"
has ratio out "  new   0.25 0.24 0.26   median 0.25, range 0.24-0.26"
has ratio out "  new/base 1.2500: faster by 25.0%; the ranges do not overlap"
has ratio out "base: $work/base"
for f in samples.tsv summary.txt header.txt base-1.tsv new-3.txt; do
  [ -f "$work/kept/$f" ] || fail "--out: no $f in $(ls "$work/kept")"
done
has ratio err "results in $work/kept"
run kept-again "$work/base" "$work/new" --out="$work/kept"
expect kept-again 2
has kept-again err "is not empty"

run bps --pairs=1 --counter=bytes_per_second "$work/base" "$work/new"
expect bps 0
has bps out "$P, bytes_per_second (higher is faster)"
has bps out "new/base 0.5000: slower by 50.0%; one sample on a side: no range to judge the noise by"
run cpu --pairs=1 --counter=cpu_ns "$work/base" "$work/new"
expect cpu 0
has cpu out "$P, cpu_ns (lower is faster)"
has cpu out "new/base 0.5000: faster by 100.0%"

# Which way is faster, and the default counter, per benchmark. One turn
# writes several rows, and an aggregate row that is not a sample.
M=BM_MatchInterleaved/rules:50000
aggregate="${M}_median\\tmedian\\t0\\t\\t1\\t\\tratio=99"
printf '%s\\n%s\\n%s\\n%s\\n%s\n' "$(row $M 0 '' 9 'ratio=2.0')" "$(row BM_X 0 '' 9 'ratio=1.0')" \
  "$(row BM_I 0 '' 9 'items_per_second=10')" "$(row BM_T 0 '' 100 'rules=43')" \
  "$aggregate" > "$work/base.rows"
printf '%s\\n%s\\n%s\\n%s\n' "$(row $M 0 '' 9 'ratio=1.5')" "$(row BM_X 0 '' 9 'ratio=2.0')" \
  "$(row BM_I 0 '' 9 'items_per_second=5')" "$(row BM_T 0 '' 200 'rules=43')" > "$work/new.rows"
run kinds --pairs=1 "$work/base" "$work/new"
expect kinds 0
has kinds out "$M, ratio (lower is faster)"
has kinds out "  base  2.0   median 2, range 2-2"
has kinds out "new/base 0.7500: faster by 33.3%"
grep -q "^BM_X, ratio$" "$work/kinds.out" || fail "BM_X's ratio given a direction: $(cat "$work/kinds.out")"
has kinds out "new/base 2.0000; one sample"
has kinds out "BM_I, items_per_second (higher is faster)"
has kinds out "BM_T, cpu_ns (lower is faster)"
has kinds out "new/base 2.0000: slower by 50.0%"
! grep -q "_median" "$work/kinds.out" || fail "an aggregate row was taken as a sample: $(cat "$work/kinds.out")"

# Overlapping ranges: base 0.1 and 0.3, new 0.2 twice.
printf '%s\n' "$(row $P 0 '' 1 'ratio=0.1')" "$(row $P 0 '' 1 'ratio=0.3')" > "$work/base.rows"
printf '%s\n' "$(row $P 0 '' 1 'ratio=0.2')" > "$work/new.rows"
: > "$work/turns"
run overlap --pairs=2 "$work/base" "$work/new"
expect overlap 0
has overlap out "  base  0.1 0.3   median 0.2, range 0.1-0.3"
has overlap out "new/base 1.0000; the ranges overlap: not resolved by these turns"

# Failures.
run missing --pairs=1 --counter=nope "$work/base" "$work/new"
expect missing 1
has missing err "$P reports no counter nope (it has: cpu_ns, ratio)"
printf '%s\n' "$(row $P 1 'rules did not load' 0 '')" > "$work/new.rows"
run errored --pairs=1 "$work/base" "$work/new"
expect errored 1
has errored err "rules did not load"
printf '%s\n' "$(row $P 0 '' 1 'ratio=0.2')" > "$work/new.rows"
echo 3 > "$work/new.status"
run crashed --pairs=1 "$work/base" "$work/new"
expect crashed 1
has crashed err "new ($work/new) exited with status 3"
rm "$work/new.status"
: > "$work/new.rows"
run nothing --pairs=1 "$work/base" "$work/new"
expect nothing 1
has nothing err "no benchmark matched"
printf '%s\n' "$(row BM_Y 0 '' 1 'ratio=0.2')" > "$work/new.rows"
run one-sided --pairs=1 "$work/base" "$work/new"
expect one-sided 1
has one-sided out "BM_Y, ratio"
has one-sided out "  base  not measured"
has one-sided err "BM_Y, ratio was measured on one side only"
# The same benchmark with another counter on one side (new reports no
# ratio): two rows, each on one side, never one counter over the other.
printf '%s\n' "$(row $P 0 '' 1 'bytes_per_second=7')" > "$work/new.rows"
run mixed --pairs=1 "$work/base" "$work/new"
expect mixed 1
has mixed out "$P, ratio (higher is faster)"
has mixed out "$P, bytes_per_second (higher is faster)"
has mixed err "$P, bytes_per_second was measured on one side only"
! grep -q "new/base" "$work/mixed.out" || fail "two counters compared: $(cat "$work/mixed.out")"
# Only aggregate rows on both sides: not a sample to compare.
printf '%s\n' "$aggregate" > "$work/base.rows"
cp "$work/base.rows" "$work/new.rows"
run empty --pairs=1 "$work/base" "$work/new"
expect empty 1
has empty err "no sample to compare"

# NEW defaults to the working tree's build (--build-dir).
mkdir -p "$work/tree/bench"
cp "$work/new" "$work/tree/bench/hakam-bench"
printf '%s\n' "$(row $P 0 '' 1 'ratio=0.2')" > "$work/base.rows"
cp "$work/base.rows" "$work/new.rows"
run tree --pairs=1 --build-dir="$work/tree" "$work/base"
expect tree 0
has tree out "new:  working tree ("
has tree out "), as last built: $work/tree/bench/hakam-bench"

# 3. A revision, as built under --compare-dir.
if head=$(git rev-parse --verify --quiet HEAD 2> /dev/null); then
  printf '%s\n' "$(row BM_X 0 '' 1 'ratio=0.2')" > "$work/base.rows"
  cp "$work/base.rows" "$work/new.rows"
  run unbuilt --compare-dir="$work/cmp" HEAD "$work/new"
  expect unbuilt 1
  has unbuilt err "is not built (drop --skip-build)"
  mkdir -p "$work/cmp/$head/build/bench"
  cp "$work/base" "$work/cmp/$head/build/bench/hakam-bench"
  : > "$work/turns"
  run revision --pairs=1 --compare-dir="$work/cmp" HEAD "$work/new"
  expect revision 0
  has revision out "base: HEAD ($(git rev-parse --short HEAD)): $work/cmp/$head/build/bench/hakam-bench"
  [ "$(grep -c '^base ' "$work/turns")" = 1 ] || fail "HEAD's binary did not run: $(cat "$work/turns")"
else
  echo "bench_compare_smoke: not a git checkout: the revision case is not checked" >&2
fi

# 4. The real binary on both sides.
run real --pairs=1 --min-time=0.01 --filter='BM_ValidateUtf8$' \
  "$real_bench" "$real_bench" -- --corpus_size=50
expect real 0
has real out "BM_ValidateUtf8, bytes_per_second (higher is faster)"
has real out "  new/base "
echo "bench_compare_smoke: ok"
