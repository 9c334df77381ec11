#!/usr/bin/env bash
# Policy frontier benchmark: `pathwise simulate` on generated trusts files
# (bench/frontier_trusts.py: 210 trusts in the seven regions, three seeds),
# N = 1,000, 5,000 and 10,000 places, on one core (taskset -c 0), five runs
# each. "Solve" is the frontier and the named policies (the command's own
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
echo "Wrote $out"
