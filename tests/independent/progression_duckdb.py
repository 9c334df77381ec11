"""Independent check of internal progression (docs/METRICS.md, in-app measures).

    progression_duckdb.py generate DIR [--people N] [--seed S] [--as-of YYYY-MM-DD]
    progression_duckdb.py check DIR PATHWISE.json [--as-of YYYY-MM-DD]

`generate` writes a series of staff extracts of support workers at site CHK2,
as a staff record system would give them every quarter over four years
(DIR/extract-YYYY-MM-DD.csv, one per day taken): start dates spread over
those years, promotions to senior healthcare support worker, nursing
associate and registered nurse (whose staff group then changes), leavers
(kept in later extracts with their leave date), a promotion on the start
date and people who start between extracts. Each is imported with
`pathwise staff import --taken-on` that day, so every role change is dated
the day of the extract that first shows it.

`check` rebuilds each person's role history from the extracts in DuckDB SQL
(their first role from their start date, then each change from the day of
the extract that shows it), counts the 12- and 24-month cohorts, those who
stepped up and the furthest destination, and compares them with what
`pathwise outcomes progression` printed.
"""
import argparse
import csv
import datetime as dt
import glob
import json
import os
import random
import sys

import duckdb

HEADER = ("assignment_number,name,email,role_code,site,afc_band,staff_group,start_date,"
          "leave_date,line_manager_assignment,sex,ethnicity,age_band,disability").split(",")
SUPPORT = "Support to doctors, nurses & midwives"
# The shipped framework's levels and role classes for the roles used here.
ROLES = {
    "hcsw": (2, "csw", "3", SUPPORT),
    "senior-hcsw": (3, "csw", "4", SUPPORT),
    "nursing-associate": (4, "csw", "4", SUPPORT),
    "nurse-adult": (5, "registered", "5", "Nurses & health visitors"),
}
WINDOWS = [(12, 365), (24, 730)]


def generate(out, people, seed, as_of):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    first = as_of - dt.timedelta(days=4 * 365)
    takes = [first + dt.timedelta(days=91 * k) for k in range(0, 4 * 365 // 91 + 1)]
    takes = [t for t in takes if t <= as_of]
    staff = []
    for i in range(people):
        start = first + dt.timedelta(days=rng.randrange(0, 4 * 365))
        timeline = [(start, "hcsw")]
        day = start
        for role in ["senior-hcsw", "nursing-associate", "nurse-adult"]:
            if rng.random() < 0.45:
                day = day + dt.timedelta(days=rng.randrange(0 if i % 17 == 0 else 30, 500))
                timeline.append((day, role))
            else:
                break
        leave = None
        if rng.random() < 0.3:
            leave = start + dt.timedelta(days=rng.randrange(0, 900))
        staff.append((i, start, timeline, leave))
    takes = [t for t in takes if any(start <= t for _, start, _, _ in staff)]
    for taken in takes:
        with open(os.path.join(out, f"extract-{taken.isoformat()}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            for i, start, timeline, leave in staff:
                if start > taken:
                    continue
                at = min(taken, leave) if leave else taken
                role = [r for d, r in timeline if d <= at][-1]
                level, _, band, group = ROLES[role]
                shown_leave = leave.isoformat() if leave and leave <= taken else ""
                w.writerow([f"7{i:07d}", f"Check Stepper {i}", "", role, "CHK2", band, group,
                            start.isoformat(), shown_leave, "", "Female", "White", "25-34", "No"])
    for taken in takes:
        print(taken.isoformat())


def check(out, result, as_of):
    con = duckdb.connect()
    con.execute("CREATE TABLE levels (role_code TEXT, level INT, class TEXT)")
    con.executemany("INSERT INTO levels VALUES (?, ?, ?)",
                    [(code, lvl, cls) for code, (lvl, cls, _, _) in ROLES.items()])
    parts = []
    for path in sorted(glob.glob(os.path.join(out, "extract-*.csv"))):
        taken = os.path.basename(path)[len("extract-"):-len(".csv")]
        parts.append(f"SELECT DATE '{taken}' AS taken, * FROM read_csv('{path}', header=true, "
                     "all_varchar=true)")
    con.execute("CREATE TABLE extracts AS " + " UNION ALL ".join(parts))
    # Role history: the first appearance's role from the start date, then a
    # change each time an extract shows a role other than the one before.
    con.execute("""
        CREATE TABLE history AS
        WITH seen AS (
            SELECT assignment_number, taken, role_code, CAST(start_date AS DATE) AS start_date,
                   CAST(NULLIF(leave_date, '') AS DATE) AS leave_date,
                   LAG(role_code) OVER (PARTITION BY assignment_number ORDER BY taken) AS before
            FROM extracts)
        SELECT assignment_number, start_date AS from_date, role_code FROM seen WHERE before IS NULL
        UNION ALL
        SELECT assignment_number, taken, role_code FROM seen
        WHERE before IS NOT NULL AND before <> role_code""")
    con.execute("""
        CREATE TABLE people AS
        SELECT assignment_number, CAST(start_date AS DATE) AS start_date,
               CAST(NULLIF(leave_date, '') AS DATE) AS leave_date
        FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY assignment_number ORDER BY taken DESC) AS n
              FROM extracts) WHERE n = 1""")
    ours = json.load(open(result))
    everyone = next(g for g in ours["groups"] if g["group"] == "all")
    problems = []
    for (months, days), reading in zip(WINDOWS, everyone["readings"]):
        rows = con.execute(f"""
            WITH starting AS (
                SELECT p.assignment_number, l.level AS level, l.class AS class
                FROM people p JOIN history h ON h.assignment_number = p.assignment_number
                JOIN levels l ON l.role_code = h.role_code
                WHERE h.from_date = p.start_date),
            cohort AS (
                SELECT p.* FROM people p
                WHERE p.start_date + INTERVAL {days} DAY <= DATE '{as_of}'),
            steps AS (
                SELECT c.assignment_number,
                       MAX(CASE WHEN l.class = 'registered' AND s.class <> 'registered' THEN 4
                                WHEN l.level > s.level AND l.class = 'registered' THEN 4
                                WHEN l.level > s.level AND l.level >= 4 THEN 3
                                WHEN l.level > s.level THEN 2 END) AS furthest
                FROM cohort c JOIN starting s ON s.assignment_number = c.assignment_number
                JOIN history h ON h.assignment_number = c.assignment_number
                JOIN levels l ON l.role_code = h.role_code
                WHERE h.from_date > c.start_date
                  AND h.from_date <= c.start_date + INTERVAL {days} DAY
                  AND (c.leave_date IS NULL OR h.from_date <= c.leave_date)
                GROUP BY c.assignment_number)
            SELECT (SELECT COUNT(*) FROM cohort),
                   COUNT(*) FILTER (WHERE furthest IS NOT NULL),
                   COUNT(*) FILTER (WHERE furthest = 4),
                   COUNT(*) FILTER (WHERE furthest = 3),
                   COUNT(*) FILTER (WHERE furthest = 2)
            FROM steps""").fetchone()
        cohort, progressed, registered, ap, senior = rows
        theirs = {d["destination"]: d["people"] for d in reading["by_destination"]}
        print(f"  {months} months: cohort {cohort} | {reading['cohort']}, stepped up "
              f"{progressed} | {reading['progressed']}, registered {registered} | "
              f"{theirs['registered']}, assistant practitioner {ap} | "
              f"{theirs['assistant_practitioner']}, senior support {senior} | "
              f"{theirs['senior_support']}")
        for name, mine, pw in [("cohort", cohort, reading["cohort"]),
                               ("progressed", progressed, reading["progressed"]),
                               ("registered", registered, theirs["registered"]),
                               ("assistant_practitioner", ap, theirs["assistant_practitioner"]),
                               ("senior_support", senior, theirs["senior_support"])]:
            if mine != pw:
                problems.append(f"{months} months {name}: duckdb {mine}, pathwise {pw}")
        if cohort == 0 or progressed == 0:
            problems.append(f"{months} months: nothing to compare (cohort {cohort}, "
                            f"stepped up {progressed})")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print("internal progression agrees with DuckDB")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out")
    g.add_argument("--people", type=int, default=400)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--as-of", default="2026-06-01")
    c = sub.add_parser("check")
    c.add_argument("out")
    c.add_argument("result")
    c.add_argument("--as-of", default="2026-06-01")
    a = p.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    if a.command == "generate":
        generate(a.out, a.people, a.seed, as_of)
    else:
        check(a.out, a.result, as_of)


if __name__ == "__main__":
    main()
