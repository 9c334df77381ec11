#!/usr/bin/env bash
# Times `pathwise panel generate` and `pathwise analyze` (all tables, and M1, M2
# and M6 alone) on
# synthetic panels: about 1 million rows (5,000 in post) and about 280 million
# rows (the default 1.4 million in post), release build, with /usr/bin/time -v
# for wall time, CPU time and peak memory. Writes bench/out/panel.md.
#
#   bench/panel.sh [SIZES]      (default "5000 1400000": staff in post)
#
# Peers on the same Parquet files, in the same run:
#   duckdb   DuckDB SQL for M1, M2 and M6 (tests/independent/metrics_duckdb.py)
#   polars   Polars lazy DataFrame code for M1, M2 and M6
#            (tests/independent/metrics_polars.py); its figures must equal DuckDB's
#   analyze-3  `pathwise analyze --tables m1,m2,m6 --by all`: the same three
#              national figures as the peers, reading the 4 columns they need;
#              its tables must equal DuckDB's figures
#   decode-4   `pathwise panel decode` of the 4 columns M1, M2 and M6 need
#   decode-11  `pathwise panel decode` of the 11 columns `analyze` reads
#   decode-4k, decode-11k  the same decodes with glibc told to keep freed
#              memory (MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_): a bare
#              decode frees every batch at once, and by default glibc hands
#              that memory back to the system and faults it in again for the
#              next batch, which `analyze` (holding memory between batches)
#              does not pay; these are the fairer floor
# Needs: pip install duckdb polars.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${1:-5000 1400000}"
OUT=bench/out
mkdir -p "$OUT"
cargo build --release -q -p pathwise
BIN=target/release/pathwise

. bench/time-v.sh

{
  echo "# pathwise panel generate / analyze, $(date -u +%F), $(nproc) cores"
  echo
  echo "Steps: gen = pathwise panel generate; analyze = pathwise analyze (all tables, M1-M7);"
  echo "analyze-3 = pathwise analyze --tables m1,m2,m6 --by all (national M1, M2, M6);"
  echo "duckdb, polars = M1, M2 and M6 only, from the same Parquet files;"
  echo "decode-4 / decode-11 = pathwise panel decode of the 4 columns M1, M2 and M6 need / the 11 analyze reads;"
  echo "decode-4k / decode-11k = the same with glibc keeping freed memory (see the script's header)."
  echo
  echo "| staff in post | rows | step | wall | CPU (user+sys) | peak memory |"
  echo "|---|---|---|---|---|---|"
} > "$OUT/panel.md"

for N in $SIZES; do
  DIR=$(mktemp -d)
  /usr/bin/time -v "$BIN" panel generate --persons "$N" --out "$DIR/panel" --partitions 8 \
    > "$OUT/gen-$N.txt" 2> "$OUT/gen-$N.time"
  ROWS=$(grep -o 'Wrote [0-9]* rows' "$OUT/gen-$N.txt" | awk '{print $2}')
  /usr/bin/time -v "$BIN" panel decode "$DIR/panel" --columns person_id,month,staff_group,org_code \
    > "$OUT/decode-4-$N.txt" 2> "$OUT/decode-4-$N.time"
  /usr/bin/time -v "$BIN" panel decode "$DIR/panel" \
    > "$OUT/decode-11-$N.txt" 2> "$OUT/decode-11-$N.time"
  KEEP=(env MALLOC_TRIM_THRESHOLD_=1000000000 MALLOC_MMAP_THRESHOLD_=1000000000)
  "${KEEP[@]}" /usr/bin/time -v "$BIN" panel decode "$DIR/panel" --columns person_id,month,staff_group,org_code \
    > "$OUT/decode-4k-$N.txt" 2> "$OUT/decode-4k-$N.time"
  "${KEEP[@]}" /usr/bin/time -v "$BIN" panel decode "$DIR/panel" \
    > "$OUT/decode-11k-$N.txt" 2> "$OUT/decode-11k-$N.time"
  /usr/bin/time -v "$BIN" analyze "$DIR/panel" --out "$DIR/tables" \
    > "$OUT/analyze-$N.txt" 2> "$OUT/analyze-$N.time"
  /usr/bin/time -v "$BIN" analyze "$DIR/panel" --out "$DIR/tables-3" --tables m1,m2,m6 --by all --national \
    > "$OUT/analyze-3-$N.txt" 2> "$OUT/analyze-3-$N.time"
  /usr/bin/time -v python3 tests/independent/metrics_duckdb.py "$DIR/panel" \
    > "$OUT/duckdb-$N.txt" 2> "$OUT/duckdb-$N.time"
  /usr/bin/time -v python3 tests/independent/metrics_polars.py "$DIR/panel" \
    > "$OUT/polars-$N.txt" 2> "$OUT/polars-$N.time"
  # The peers must agree with each other, and analyze-3's tables with DuckDB
  # (the full analyze is checked against DuckDB in scripts/test).
  python3 - "$OUT/duckdb-$N.txt" "$OUT/polars-$N.txt" "$DIR/tables-3" <<'PY'
import json, sys
sys.path.insert(0, "tests/independent")
from metrics_duckdb import check
d, p = (json.load(open(f)) for f in sys.argv[1:3])
same = d["m1"] == p["m1"] and d["m2"] == p["m2"] and all(abs(d["m6"][k] - p["m6"][k]) < 1e-9 for k in d["m6"])
if not same:
    sys.exit("DuckDB and Polars disagree on M1, M2 or M6")
problems = check(d, sys.argv[3])
if problems:
    sys.exit("analyze --tables m1,m2,m6 differs from DuckDB: " + "; ".join(problems))
PY
  for step in gen decode-4 decode-4k analyze-3 decode-11 decode-11k analyze duckdb polars; do
    T="$OUT/$step-$N.time"
    echo "| $N | $ROWS | $step | $(time_columns "$T") |" >> "$OUT/panel.md"
  done
  rm -rf "$DIR"
done
cat "$OUT/panel.md"
