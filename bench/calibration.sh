#!/usr/bin/env bash
# The generator's regional gap over seeds: for each seed, a default panel
# (1.4 million in post, September 2009 to March 2026), `pathwise analyze`
# M1 by region, and the South East / North East relative likelihood for
# 2023 with its interval, as docs/panel-calibration.md records it.
#
#   bench/calibration.sh [SEED ...]      (default 2026 1 2 3 4 5)
# Writes bench/out/calibration.md. Each seed needs about 2 GB of disk for
# its panel, removed once analysed.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=("$@")
[ ${#SEEDS[@]} -eq 0 ] && SEEDS=(2026 1 2 3 4 5)
cargo build --release -q -p pathwise
bin=target/release/pathwise
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/out
out=bench/out/calibration.md
{
  echo "| seed | South East / North East M1, 2023 | 95% interval | South East moved / at risk | North East moved / at risk | mental health / acute |"
  echo "|---|---|---|---|---|---|"
} > "$out"
for seed in "${SEEDS[@]}"; do
  "$bin" panel generate --seed "$seed" --out "$work/panel" --partitions 8 > /dev/null
  "$bin" analyze "$work/panel" --out "$work/tables" --by region,trust_type --tables m1 --no-disclosure-control > /dev/null
  python3 - "$work/tables/relative_likelihood.csv" "$seed" >> "$out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def pick(measure):
    return next(r for r in rows if r["year"] == "2023" and r["measure"] == measure)
r = pick("M1 transition rate by region")
t = pick("M1 transition rate by trust_type")
print(f"| {sys.argv[2]} | {float(r['rl']):.3f} | {float(r['rl_low']):.2f}-{float(r['rl_high']):.2f} | "
      f"{r['a']} / {r['n_a']} | {r['b']} / {r['n_b']} | {float(t['rl']):.2f} |")
PY
  tail -1 "$out"
  rm -rf "$work/panel" "$work/tables"
done
echo "Wrote $out"
