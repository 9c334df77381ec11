#!/usr/bin/env bash
# Throughput and p99 latency of GET /api/v1/me/next-options on the demo trust
# (1,500 and 50,000 staff), next to a bare axum hello-world route measured in
# the same run. Release builds, wrk on loopback, 64 connections.
#
#   bench/next-options.sh [DURATION_SECONDS]      (default 20)
#
# With BENCH_POSTGRES_URL set (a server URL ending in a database to connect
# to, e.g. postgres://postgres@127.0.0.1:5432/postgres), each size is also run
# on PostgreSQL, in a fresh database dropped afterwards. STAFF_SIZES overrides
# the sizes (default "1500 50000").
#
# Needs wrk (apt-get install wrk). Writes bench/out/next-options.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

cargo build --release -q -p pathwise
cargo build --release -q -p pathwise-web --example hello
BIN=target/release/pathwise
HELLO=target/release/examples/hello

run_wrk() { # label url [cookie]
  local label="$1" url="$2" cookie="${3:-}"
  local args=(-t2 -c64 -d"${DURATION}s" --latency)
  [ -n "$cookie" ] && args+=(-H "Cookie: pathwise_session=$cookie")
  wrk "${args[@]}" "$url" > "$OUT/$label.wrk"
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$label.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$label.wrk")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/$label.wrk")
  echo "| $label | $rps | $p99 | ${non2xx:-0} |" >> "$OUT/next-options.md"
  echo "$label: $rps req/s, p99 $p99"
}

wait_for() { for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; return 1; }

sign_in() { # base -> session token
  local base="$1" jar; jar=$(mktemp)
  local csrf
  csrf=$(curl -s -c "$jar" "$base/sign-in" | grep -o 'name="csrf" value="[^"]*"' | sed 's/.*value="//;s/"//')
  curl -s -b "$jar" -c "$jar" -o /dev/null \
    --data-urlencode "csrf=$csrf" --data-urlencode "email=learner@demo.pathwise.test" \
    --data-urlencode "password=pathwise-demo" "$base/sign-in"
  awk '$6=="pathwise_session" {print $7}' "$jar"
  rm -f "$jar"
}

{
  echo "# GET /api/v1/me/next-options, wrk -t2 -c64 -d${DURATION}s, $(date -u +%F)"
  echo
  echo "| run | requests/s | p99 latency | non-2xx |"
  echo "|---|---|---|---|"
} > "$OUT/next-options.md"

"$HELLO" 18181 & HELLO_PID=$!
wait_for http://127.0.0.1:18181/
run_wrk hello-world http://127.0.0.1:18181/
kill "$HELLO_PID"; wait "$HELLO_PID" 2>/dev/null || true

serve_and_measure() { # label database-args...
  local label="$1"; shift
  /usr/bin/time -v "$BIN" demo --staff "$STAFF" "$@" --build-only > "$OUT/build-$label.txt" 2> "$OUT/build-$label.time"
  "$BIN" demo --staff "$STAFF" "$@" --port 18182 > /dev/null 2>&1 & PID=$!
  wait_for http://127.0.0.1:18182/healthz
  TOKEN=$(sign_in http://127.0.0.1:18182)
  [ -n "$TOKEN" ] || { echo "sign-in failed" >&2; kill "$PID"; exit 1; }
  curl -sf -H "Cookie: pathwise_session=$TOKEN" http://127.0.0.1:18182/api/v1/me/next-options > /dev/null
  run_wrk "$label" http://127.0.0.1:18182/api/v1/me/next-options "$TOKEN"
  kill -INT "$PID"; wait "$PID" 2>/dev/null || true
}

for STAFF in ${STAFF_SIZES:-1500 50000}; do
  DATA=$(mktemp -d)
  serve_and_measure "next-options-$STAFF-staff" --data-dir "$DATA"
  rm -rf "$DATA"
  if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
    DB="pathwise_bench_$STAFF"
    psql -q "$BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
    serve_and_measure "next-options-$STAFF-staff-postgres" --database "${BENCH_POSTGRES_URL%/*}/$DB"
    psql -q "$BENCH_POSTGRES_URL" -c "DROP DATABASE $DB"
  fi
done
cat "$OUT/next-options.md"
