"""Independent check of staff retention (docs/METRICS.md, in-app measures).

    retention_lifelines.py generate OUT.csv [--people N] [--seed S] [--as-of YYYY-MM-DD]
    retention_lifelines.py check EXTRACT.csv PATHWISE.json [--as-of YYYY-MM-DD]

`generate` writes a staff extract of support workers at site CHK1 (start
dates over four years, leavers, a leaver on the day they started, leave
dates still to come, people starting after the as-of date). `check` fits
lifelines' Kaplan-Meier estimator to days in post from that extract and
compares survival and its 95% interval at 182, 365 and 548 days, and the
leavers by then, with what `pathwise outcomes retention` printed for it.
"""
import argparse
import csv
import datetime as dt
import json
import random
import sys

from lifelines import KaplanMeierFitter

HEADER = ("assignment_number,name,email,role_code,site,afc_band,staff_group,start_date,"
          "leave_date,line_manager_assignment,sex,ethnicity,age_band,disability").split(",")
READINGS = [(6, 182), (12, 365), (18, 548)]


def generate(out, people, seed, as_of):
    rng = random.Random(seed)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(people):
            start = as_of - dt.timedelta(days=rng.randrange(-20, 4 * 365))
            leave = ""
            r = rng.random()
            if i == 0:
                leave = start.isoformat()  # left on the day they started
            elif r < 0.45:
                leave = (start + dt.timedelta(days=rng.randrange(0, 800))).isoformat()
            w.writerow([f"8{i:07d}", f"Check Person {i}", "", "hcsw", "CHK1", "3",
                        "Support to doctors, nurses & midwives", start.isoformat(), leave, "",
                        "Female", "White", "25-34", "No"])


def check(extract, result, as_of):
    durations, events = [], []
    with open(extract, newline="") as f:
        for row in csv.DictReader(f):
            start = dt.date.fromisoformat(row["start_date"])
            if start > as_of:
                continue
            leave = dt.date.fromisoformat(row["leave_date"]) if row["leave_date"] else None
            if leave is not None and leave <= as_of:
                durations.append((leave - start).days)
                events.append(1)
            else:
                durations.append((as_of - start).days)
                events.append(0)
    kmf = KaplanMeierFitter().fit(durations, events)
    ci = kmf.confidence_interval_survival_function_
    ours = json.load(open(result))
    everyone = next(g for g in ours["groups"] if g["group"] == "all")
    assert everyone["people"] == len(durations), (everyone["people"], len(durations))
    problems = []
    print(f"retention of {len(durations)} people as of {as_of} (lifelines | pathwise):")
    for (months, days), point in zip(READINGS, everyone["points"]):
        s = float(kmf.survival_function_at_times(days).iloc[0])
        at = ci.loc[:days].iloc[-1]
        low, high = float(at.iloc[0]), float(at.iloc[1])
        leavers = sum(1 for d, e in zip(durations, events) if e and d <= days)
        print(f"  {months:2d} months: S {s:.6f} | {point['survival']:.6f}, "
              f"95% {low:.6f}-{high:.6f} | {point['low']:.6f}-{point['high']:.6f}, "
              f"leavers {leavers} | {point['events']}")
        for name, theirs, mine in [("survival", s, point["survival"]), ("low", low, point["low"]),
                                   ("high", high, point["high"])]:
            if abs(theirs - mine) > 1e-6:
                problems.append(f"{months} months {name}: lifelines {theirs}, pathwise {mine}")
        if leavers != point["events"]:
            problems.append(f"{months} months leavers: {leavers} against {point['events']}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print("independent check passed: retention agrees with lifelines")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out")
    g.add_argument("--people", type=int, default=400)
    g.add_argument("--seed", type=int, default=19)
    g.add_argument("--as-of", default="2026-12-01")
    c = sub.add_parser("check")
    c.add_argument("extract")
    c.add_argument("result")
    c.add_argument("--as-of", default="2026-12-01")
    a = p.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    if a.cmd == "generate":
        generate(a.out, a.people, a.seed, as_of)
    else:
        check(a.extract, a.result, as_of)


if __name__ == "__main__":
    main()
