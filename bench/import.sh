#!/usr/bin/env bash
# Times `pathwise panel import` (CSV extract to Parquet, every row checked,
# split by person, all or nothing) on generated CSV panels, release build,
# with /usr/bin/time -v for wall time, CPU time and peak memory. For scale,
# DuckDB converts the same CSV to one sorted Parquet file without checking
# values. Writes bench/out/import.md.
#
#   bench/import.sh [SIZES]      (default "50000 200000": staff in post)
#
# Needs: pip install duckdb. Disk: about 2.5x the CSV size, in $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${1:-50000 200000}"
OUT=bench/out
mkdir -p "$OUT"
cargo build --release -q -p pathwise
BIN=target/release/pathwise

. bench/time-v.sh

{
  echo "# pathwise panel import, $(date -u +%F), $(nproc) cores"
  echo
  echo "| staff in post | rows | CSV | step | files | wall | CPU (user+sys) | peak memory |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$OUT/import.md"

for N in $SIZES; do
  DIR=$(mktemp -d)
  "$BIN" panel generate --persons "$N" --format csv --partitions 1 --out "$DIR/csv" > "$OUT/import-gen-$N.txt"
  CSV="$DIR/csv/part-00000.csv"
  ROWS=$(grep -o 'Wrote [0-9]* rows' "$OUT/import-gen-$N.txt" | awk '{print $2}')
  SIZE=$(du -m "$CSV" | awk '{print $1 " MB"}')
  /usr/bin/time -v "$BIN" panel import --in "$CSV" --out "$DIR/auto" \
    > "$OUT/import-auto-$N.txt" 2> "$OUT/import-auto-$N.time"
  /usr/bin/time -v "$BIN" panel import --in "$CSV" --out "$DIR/one" --partitions 1 \
    > "$OUT/import-one-$N.txt" 2> "$OUT/import-one-$N.time"
  /usr/bin/time -v python3 -c "
import duckdb, sys
duckdb.sql(\"COPY (SELECT * FROM read_csv('$CSV') ORDER BY person_id, month) TO '$DIR/duckdb.parquet' (FORMAT parquet)\")
" > "$OUT/import-duckdb-$N.txt" 2> "$OUT/import-duckdb-$N.time"
  for step in auto one duckdb; do
    T="$OUT/import-$step-$N.time"
    case $step in
      auto) FILES=$(ls "$DIR/auto"/*.parquet | wc -l); NAME="import" ;;
      one) FILES=1; NAME="import --partitions 1" ;;
      duckdb) FILES=1; NAME="DuckDB COPY, sorted, unchecked" ;;
    esac
    echo "| $N | $ROWS | $SIZE | $NAME | $FILES | $(time_columns "$T") |" >> "$OUT/import.md"
  done
  rm -rf "$DIR"
done
cat "$OUT/import.md"
