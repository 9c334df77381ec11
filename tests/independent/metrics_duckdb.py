#!/usr/bin/env python3
"""M1, M2 and M6 (docs/METRICS.md) computed with DuckDB SQL straight from a
Parquet panel: a peer for the benchmark and an independent check of
`pathwise analyze`.

    python3 tests/independent/metrics_duckdb.py PANEL_DIR [--check TABLES_DIR] [--lookback 4]

Prints the figures as JSON; with --check, instead compares them with the tables that
`pathwise analyze --no-disclosure-control` wrote and exits 1 on any
difference. Needs `pip install duckdb`.
"""
import argparse
import csv
import json
import os
import sys

import duckdb

CSW = ("Support to doctors, nurses & midwives", "Support to ST&T staff", "Support to ambulance staff")
REGISTERED = ("Nurses & health visitors", "Midwives", "Scientific, therapeutic & technical staff", "Ambulance staff")


def quoted(values):
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def compute(panel, lookback, snapshot_month=9):
    con = duckdb.connect()
    files = os.path.join(panel, "*.parquet") if os.path.isdir(panel) else panel
    con.execute(f"""
        CREATE VIEW p AS
        SELECT person_id, year(month) * 12 + month(month) - 1 AS m, org_code,
               CASE WHEN staff_group IN ({quoted(CSW)}) THEN 1
                    WHEN staff_group IN ({quoted(REGISTERED)}) THEN 2 ELSE 0 END AS c,
               staff_group = 'Nurses & health visitors' AS nurse
        FROM read_parquet('{files}')""")
    first, last = con.execute("SELECT min(m), max(m) FROM p").fetchone()
    s = snapshot_month - 1
    con.execute(f"CREATE TEMP TABLE s AS SELECT person_id, m // 12 AS y, c, nurse FROM p WHERE m % 12 = {s}")
    y_first, y_last = con.execute("SELECT min(y), max(y) FROM s").fetchone()
    m1 = con.execute(f"""
        SELECT a.y, count(*), count(*) FILTER (WHERE b.c = 2), count(*) FILTER (WHERE b.person_id IS NULL)
        FROM s a LEFT JOIN s b ON b.person_id = a.person_id AND b.y = a.y + 1
        WHERE a.c = 1 AND a.y < {y_last} GROUP BY a.y ORDER BY a.y""").fetchall()
    m2 = con.execute(f"""
        WITH new AS (
            SELECT a.person_id, a.y FROM s a
            LEFT JOIN s b ON b.person_id = a.person_id AND b.y = a.y - 1
            WHERE a.nurse AND NOT coalesce(b.nurse, false) AND a.y >= {max(y_first + lookback, y_first + 1)}),
        csw AS (
            SELECT DISTINCT n.person_id, n.y FROM new n
            JOIN s q ON q.person_id = n.person_id AND q.y BETWEEN n.y - {lookback} AND n.y - 1 AND q.c = 1)
        SELECT n.y, count(*), count(csw.person_id)
        FROM new n LEFT JOIN csw ON csw.person_id = n.person_id AND csw.y = n.y
        GROUP BY n.y ORDER BY n.y""").fetchall()
    spells = con.execute(f"""
        WITH f AS (SELECT person_id, org_code, min(m) AS start FROM p WHERE c = 1 GROUP BY ALL),
        st AS (
            SELECT f.* FROM f ANTI JOIN p ON p.person_id = f.person_id AND p.org_code = f.org_code AND p.m = f.start - 1
            WHERE f.start > {first}),
        isl AS (
            SELECT person_id, org_code, m, m - row_number() OVER (PARTITION BY person_id, org_code ORDER BY m) AS g
            FROM p WHERE (person_id, org_code) IN (SELECT person_id, org_code FROM st)),
        d AS (
            SELECT st.person_id, st.org_code, count(*) AS dur, max(i.m) AS last_m
            FROM st JOIN isl s0 ON s0.person_id = st.person_id AND s0.org_code = st.org_code AND s0.m = st.start
            JOIN isl i ON i.person_id = st.person_id AND i.org_code = st.org_code AND i.g = s0.g
            GROUP BY ALL)
        SELECT dur, last_m < {last} AS event, count(*) FROM d GROUP BY ALL""").fetchall()
    return {
        "m1": {str(y): [n, moved, left] for y, n, moved, left in m1},
        "m2": {str(y): [n, k] for y, n, k in m2},
        "m6": {str(t): kaplan_meier(spells, t) for t in (6, 12, 18)},
    }


def kaplan_meier(spells, t):
    """S(t) = P(duration > t); censored spells stay at risk at their own time."""
    total = sum(n for _, _, n in spells)
    events = {}
    leaving = {}
    for dur, event, n in spells:
        leaving[dur] = leaving.get(dur, 0) + n
        if event:
            events[dur] = events.get(dur, 0) + n
    s, at_risk = 1.0, total
    for d in sorted(leaving):
        if d > t:
            break
        if events.get(d):
            s *= 1 - events[d] / at_risk
        at_risk -= leaving[d]
    return s


def check(figures, tables):
    problems = []
    with open(os.path.join(tables, "transitions.csv")) as f:
        ours = {r["year"]: [int(r["at_risk"]), int(r["moved"]), int(r["left"])]
                for r in csv.DictReader(f) if r["breakdown"] == "all"}
    if ours != figures["m1"]:
        problems.append(f"M1 differs: pathwise {ours} duckdb {figures['m1']}")
    with open(os.path.join(tables, "new_nurse_share.csv")) as f:
        ours = {r["year"]: [int(r["new_nurses"]), int(r["from_csw"])] for r in csv.DictReader(f)}
    if ours != figures["m2"]:
        problems.append(f"M2 differs: pathwise {ours} duckdb {figures['m2']}")
    with open(os.path.join(tables, "retention.csv")) as f:
        ours = {r["months"]: float(r["survival"]) for r in csv.DictReader(f)
                if r["breakdown"] == "all"}
    for t, s in figures["m6"].items():
        if abs(ours.get(t, -1) - s) > 1e-6:
            problems.append(f"M6 S({t}) differs: pathwise {ours.get(t)} duckdb {s}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("panel")
    ap.add_argument("--check")
    ap.add_argument("--lookback", type=int, default=4)
    args = ap.parse_args()
    figures = compute(args.panel, args.lookback)
    if not args.check:
        print(json.dumps(figures))
    else:
        problems = check(figures, args.check)
        for p in problems:
            print(p, file=sys.stderr)
        print("independent check " + ("failed" if problems else "passed: M1, M2 and M6 agree"))
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
