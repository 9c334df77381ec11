#!/usr/bin/env bash
# Policy frontier benchmark: `pathwise simulate` on generated trusts files
# (bench/frontier_trusts.py: 210 trusts in the seven regions, three seeds),
# N = 1,000, 5,000 and 10,000 places, on one core (taskset -c 0), five runs
# each; then seed 2026 with every trust's vacancies doubled at 8,000 places
# (the largest trade-off the Training places page, up to 10,000, meets) and
# quadrupled at 16,000. "Solve" is the frontier and the named policies (the command's own
# "found in" figure); "command" adds reading the file and writing the four
# outputs. Writes bench/out/frontier.md.
#
#   bench/frontier.sh [RUNS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
cargo build --release -q -p pathwise
bin=target/release/pathwise
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/out
out=bench/out/frontier.md
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

{
  echo "| seed | places | frontier points | solve, median s | command, median s | peak memory |"
  echo "|---|---|---|---|---|---|"
} > "$out"
for seed in 2026 7 42; do
  python3 bench/frontier_trusts.py "$work/trusts-$seed.csv" 210 "$seed"
  for places in 1000 5000 10000; do
    : > "$work/solve" ; : > "$work/wall"
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -f "%e %M" -o "$work/time" taskset -c 0 "$bin" simulate \
        --trusts "$work/trusts-$seed.csv" --places "$places" --out "$work/out" > "$work/log"
      sed -n 's/.*found in \([0-9.]*\) s.*/\1/p' "$work/log" >> "$work/solve"
      awk '{print $1}' "$work/time" >> "$work/wall"
    done
    points=$(sed -n 's/.*: \([0-9]*\) points on the frontier.*/\1/p' "$work/log")
    mem=$(awk '{printf "%.0f MB", $2 / 1024}' "$work/time")
    row="| $seed | $places | $points | $(median < "$work/solve") | $(median < "$work/wall") | $mem |"
    echo "$row" | tee -a "$out"
  done
done
for scale in 2 4; do
  places=$((scale == 2 ? 8000 : 16000))
  python3 - "$work/trusts-2026.csv" "$work/trusts-x$scale.csv" "$scale" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for r in rows[1:]:
        r[4] = f"{float(r[4]) * int(sys.argv[3]):.1f}"
        w.writerow(r)
PY
  : > "$work/solve" ; : > "$work/wall"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/time" taskset -c 0 "$bin" simulate \
      --trusts "$work/trusts-x$scale.csv" --places "$places" --out "$work/out" > "$work/log"
    sed -n 's/.*found in \([0-9.]*\) s.*/\1/p' "$work/log" >> "$work/solve"
    awk '{print $1}' "$work/time" >> "$work/wall"
  done
  points=$(sed -n 's/.*: \([0-9]*\) points on the frontier.*/\1/p' "$work/log")
  mem=$(awk '{printf "%.0f MB", $2 / 1024}' "$work/time")
  echo "| 2026, vacancies x$scale | $places | $points | $(median < "$work/solve") | $(median < "$work/wall") | $mem |" | tee -a "$out"
done
echo "Wrote $out"
