#!/usr/bin/env bash
# Timetable optimiser benchmark: `pathwise schedule optimise` on synthetic
# cohorts from `pathwise schedule generate`, on one core (taskset -c 0),
# against the exact optimum.
#   1. The issue's case: 10,000 learners, 8-week rotas, 300 candidate slots,
#      K = 12, capacities 20-60; three seeds, five runs each (median of the
#      optimiser's own solve time, and of the whole command's wall time).
#   2. HiGHS (bench/schedule_highs.py, an exact integer program) on smaller
#      cohorts, with a time limit; the coverage ratio is only quoted where
#      HiGHS proves optimality.
#   3. Small K: every set of K slots tried (--method exhaustive, a max flow
#      for each) beside the greedy method on the same instance.
# HiGHS on the 10,000-learner case runs when BENCH_HIGHS_LARGE=1 (slow).
# Needs: python3 with highspy and numpy (pip install highspy).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p pathwise
bin=target/release/pathwise
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
one=(taskset -c 0)
limit=${HIGHS_TIME_LIMIT:-120}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

optimise() { # dir k method -> writes plan.json, fits.csv
  "${one[@]}" "$bin" schedule optimise --rosters "$1/rosters.csv" --slots "$1/slots.csv" \
    --learners "$1/learners.csv" --k "$2" --method "$3" --out "$1/plan-$3.json" ${4:+--write-fits "$1/fits.csv"} >/dev/null
}

echo "## 1. 10,000 learners, 300 slots, K = 12 (one core, 5 runs each)"
echo "| seed | placed | upper bound | optimal | solve median (s) | command median (s) |"
echo "|---|---|---|---|---|---|"
for seed in 1 2 3; do
  d="$work/large-$seed"
  "$bin" schedule generate --learners 10000 --slots 300 --weeks 8 --seed "$seed" --out "$d" >/dev/null
  solves=(); walls=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    optimise "$d" 12 auto
    end=$(date +%s.%N)
    walls+=("$(echo "$end - $start" | bc)")
    solves+=("$(field "$d/plan-auto.json" solve_seconds)")
  done
  printf '| %s | %s | %s | %s | %.3f | %.3f |\n' "$seed" "$(field "$d/plan-auto.json" covered)" \
    "$(field "$d/plan-auto.json" upper_bound)" "$(field "$d/plan-auto.json" proven_optimal)" \
    "$(printf '%s\n' "${solves[@]}" | median)" "$(printf '%s\n' "${walls[@]}" | median)"
  if [ "${BENCH_HIGHS_LARGE:-0}" = 1 ] && [ "$seed" = 1 ]; then
    optimise "$d" 12 auto fits
    echo "HiGHS on seed 1: $(python3 bench/schedule_highs.py "$d/fits.csv" "$d/slots.csv" 12 "$limit" 2>/dev/null | tail -1)"
  fi
done

echo
echo "## 2. Against HiGHS (time limit ${limit} s, 1 thread)"
echo "| learners | slots | K | seed | ours | ours (s) | HiGHS status | HiGHS objective | HiGHS bound | HiGHS (s) | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for spec in "300 40 4 2" "500 300 10 1" "600 300 12 2" "800 300 16 3" "450 200 8 4"; do
  set -- $spec
  d="$work/h-$1-$2-$3-$4"
  "$bin" schedule generate --learners "$1" --slots "$2" --weeks 8 --seed "$4" --out "$d" >/dev/null
  optimise "$d" "$3" auto fits
  ours=$(field "$d/plan-auto.json" covered)
  secs=$(field "$d/plan-auto.json" solve_seconds)
  h=$(python3 bench/schedule_highs.py "$d/fits.csv" "$d/slots.csv" "$3" "$limit" 2>/dev/null | tail -1)
  python3 - "$h" "$spec" "$ours" "$secs" <<'PY'
import json, sys
h = json.loads(sys.argv[1]); l, s, k, seed = sys.argv[2].split(); ours = int(sys.argv[3])
ratio = f"{ours / h['objective']:.3f}" if h["optimal"] and h["objective"] else "not proven"
print(f"| {l} | {s} | {k} | {seed} | {ours} | {float(sys.argv[4]):.4f} | {h['status']} | {h['objective']} | {h['dual_bound']:.1f} | {h['solve_seconds']} | {ratio} |")
PY
done

echo
echo "## 3. Small K: every set of K slots against greedy"
echo "| learners | slots | K | sets | exhaustive | exhaustive (s) | greedy | greedy (s) |"
echo "|---|---|---|---|---|---|---|---|"
for spec in "2000 40 3 5" "1000 60 2 6" "400 30 4 7"; do
  set -- $spec
  d="$work/k-$1-$2-$3"
  "$bin" schedule generate --learners "$1" --slots "$2" --weeks 8 --seed "$4" --out "$d" >/dev/null
  optimise "$d" "$3" exhaustive
  optimise "$d" "$3" greedy
  sets=$(python3 -c "import math; print(math.comb($2, $3))")
  printf '| %s | %s | %s | %s | %s | %.4f | %s | %.4f |\n' "$1" "$2" "$3" "$sets" \
    "$(field "$d/plan-exhaustive.json" covered)" "$(field "$d/plan-exhaustive.json" solve_seconds)" \
    "$(field "$d/plan-greedy.json" covered)" "$(field "$d/plan-greedy.json" solve_seconds)"
done
