# Sourced by the bench scripts: reads a `/usr/bin/time -v` report.
# time_columns FILE -> "WALL | CPU | PEAK" for a Markdown table row.
time_columns() {
  local wall cpu mem
  wall=$(awk -F': ' '$1 ~ /Elapsed/ {print $2}' "$1" | tr -d ' \t')
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f s", s}' "$1")
  mem=$(awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2 / 1024}' "$1")
  echo "$wall | $cpu | $mem"
}
