#!/usr/bin/env bash
# Run every benchmark in bench/ and print one table: benchmark, what is compared, the measured
# ratio or figure, the target, met or not, peak memory where measured, and the scale used.
#   bash scripts/bench.sh           full scale (the targets' own image counts; hours on 2 cores: e2e_scale
#                                   alone trains reference card 000's workload on 20,000 images)
#   bash scripts/bench.sh --quick   smallest useful scale (a smoke run: minutes; ratios are noisier)
# Each script keeps its own human output (shown as it runs) and ends with `RESULT {json}` lines
# (bench/result.py), which bench/table.py collects. A benchmark whose script is not in bench/
# yet gets a "not present" row. Set PYTHON to choose the interpreter (default .venv/bin/python).
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
scale=full
case "${1:-}" in
  --quick) scale=quick ;;
  "") ;;
  *) echo "usage: bash scripts/bench.sh [--quick]" >&2; exit 2 ;;
esac
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

BENCHES=(build_speed bootstrap coverage coverage_poisson coverage_slice_gap coverage_cv_scores coverage_ratio record_scale sweep
         extract collector_overhead robustness data_card seeds_cv near_duplicates label_issues_scale memory_scale e2e_scale)
# Benchmarks that run another benchmark's script with other flags (default: bench/<name>.py).
declare -A SCRIPT=([coverage_poisson]=coverage [coverage_slice_gap]=coverage [coverage_cv_scores]=coverage
                   [coverage_ratio]=coverage)
declare -A FULL=(
  [build_speed]="--repeats 5" [bootstrap]="--repeats 3 --groups" [sweep]="--scales demo,2000"
  [extract]="--images 500 --rss 1000,5000" [collector_overhead]="--images 2000" [robustness]="--images 2000"
  [coverage]="--sets 200" [coverage_poisson]="--method poisson --sets 200 --cv-reps 0"
  [coverage_slice_gap]="--method slice-gap" [coverage_cv_scores]="--method cv-scores" [coverage_ratio]="--method ratio"
  [record_scale]="--rows 100000 1000000" [data_card]="--images 2000" [seeds_cv]=""
  [near_duplicates]="--sizes 10000,100000 --repeats 3" [label_issues_scale]="--repeats 3 --baseline"
  [memory_scale]="--sizes 2000,20000" [e2e_scale]="")
declare -A QUICK=(
  [build_speed]="--repeats 3" [bootstrap]="--repeats 1" [sweep]="--scales demo --skip-naive"
  [extract]="--images 200 --rss 300" [collector_overhead]="--images 300" [robustness]="--images 200"
  [coverage]="--sets 50 --cv-reps 50" [coverage_poisson]="--method poisson --sets 50 --cv-reps 0"
  [coverage_slice_gap]="--method slice-gap --gap-sets 300 --gap-record-sets 20"
  [coverage_cv_scores]="--method cv-scores --cv-score-reps 30" [coverage_ratio]="--method ratio --ratio-reps 50"
  [record_scale]="--rows 20000 200000" [data_card]="--images 200" [seeds_cv]="--quick"
  [near_duplicates]="--sizes 10000,100000 --repeats 1" [label_issues_scale]="--scales 500x4,2000x12"
  [memory_scale]="--sizes 300,1200" [e2e_scale]="--quick")

log="$(mktemp -d)/bench.log"
flags=()
for name in "${BENCHES[@]}"; do
  script="bench/${SCRIPT[$name]:-$name}.py"  # e.g. coverage_poisson: bench/coverage.py --method poisson
  if [[ ! -f "$script" ]]; then
    flags+=(--missing "$name")
    continue
  fi
  if [[ $scale == quick ]]; then args="${QUICK[$name]:-}"; else args="${FULL[$name]:-}"; fi
  echo "== $script $args" | tee -a "$log"
  # shellcheck disable=SC2086  # args is a list of flags
  if ! "$PY" "$script" $args | tee -a "$log"; then
    flags+=(--failed "$name")
  fi
done
echo
echo "Benchmarks ($scale scale, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores):"
"$PY" bench/table.py "${flags[@]}" < "$log"
