#!/usr/bin/env python3
"""M1, M2 and M6 (docs/METRICS.md) computed with Polars' lazy DataFrame API
from a Parquet panel: the same figures as metrics_duckdb.py, written as
DataFrame code, for the benchmark.

    python3 tests/independent/metrics_polars.py PANEL_DIR [--lookback 4]

Prints the figures as JSON in the same shape as metrics_duckdb.py. Needs
`pip install polars`.
"""
import argparse
import json
import os
import sys

import polars as pl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics_duckdb import CSW, REGISTERED, kaplan_meier  # noqa: E402


def compute(panel, lookback, snapshot_month=9):
    files = os.path.join(panel, "*.parquet") if os.path.isdir(panel) else panel
    group = pl.col("staff_group").cast(pl.String)
    # Lazy throughout, run by the streaming engine: the panel is never held whole.
    p = pl.scan_parquet(files).select(
        pl.col("person_id"),
        (pl.col("month").dt.year().cast(pl.Int32) * 12 + pl.col("month").dt.month().cast(pl.Int32) - 1).alias("m"),
        pl.col("org_code").cast(pl.String),
        pl.when(group.is_in(CSW)).then(1).when(group.is_in(REGISTERED)).then(2).otherwise(0).alias("c"),
        (group == "Nurses & health visitors").alias("nurse"),
    )
    first, last = p.select(pl.col("m").min().alias("lo"), pl.col("m").max().alias("hi")).collect(engine="streaming").row(0)
    s = (
        p.filter(pl.col("m") % 12 == snapshot_month - 1)
        .select("person_id", (pl.col("m") // 12).alias("y"), "c", "nurse")
        .collect(engine="streaming")
    )
    y_first, y_last = s["y"].min(), s["y"].max()

    # M1: CSW at a snapshot; next year's snapshot registered, absent, or neither.
    following = s.select("person_id", (pl.col("y") - 1).alias("y"), pl.col("c").alias("c_next"))
    m1 = (
        s.filter((pl.col("c") == 1) & (pl.col("y") < y_last))
        .join(following, on=["person_id", "y"], how="left")
        .group_by("y")
        .agg(
            pl.len().alias("n"),
            (pl.col("c_next") == 2).sum().alias("moved"),
            pl.col("c_next").is_null().sum().alias("left"),
        )
        .sort("y")
    )

    # M2: new nurses, and those who were CSW within the look-back.
    before = s.select("person_id", (pl.col("y") + 1).alias("y"), pl.col("nurse").alias("nurse_before"))
    new = (
        s.filter(pl.col("nurse") & (pl.col("y") >= max(y_first + lookback, y_first + 1)))
        .join(before, on=["person_id", "y"], how="left")
        .filter(~pl.col("nurse_before").fill_null(False))
        .select("person_id", "y")
    )
    csw_years = s.filter(pl.col("c") == 1).select("person_id", "y")
    was_csw = (
        pl.concat([csw_years.with_columns(pl.col("y") + k) for k in range(1, lookback + 1)])
        .unique()
        .with_columns(pl.lit(True).alias("from_csw"))
    )
    m2 = (
        new.join(was_csw, on=["person_id", "y"], how="left")
        .group_by("y")
        .agg(pl.len().alias("n"), pl.col("from_csw").fill_null(False).sum().alias("k"))
        .sort("y")
    )

    # M6: the first CSW spell at each organisation, started inside the panel.
    firsts = (
        p.filter(pl.col("c") == 1)
        .group_by("person_id", "org_code")
        .agg(pl.col("m").min().alias("start"))
        .filter(pl.col("start") > first)
        .collect(engine="streaming")
    )
    # Spells that continue from the month before (at the same organisation)
    # are not first spells; the small table of starts is the join's build side.
    continued = (
        p.select("person_id", "org_code", (pl.col("m") + 1).alias("start"))
        .join(firsts.lazy(), on=["person_id", "org_code", "start"], how="semi")
        .collect(engine="streaming")
    )
    starts = firsts.join(continued, on=["person_id", "org_code", "start"], how="anti")
    runs = (
        p.select("person_id", "org_code", "m")
        .join(starts.lazy().select("person_id", "org_code"), on=["person_id", "org_code"], how="semi")
        .collect(engine="streaming")
        .sort("person_id", "org_code", "m")
        .with_columns((pl.col("m") - pl.int_range(pl.len()).over("person_id", "org_code")).alias("g"))
    )
    start_run = runs.join(
        starts.rename({"start": "m"}), on=["person_id", "org_code", "m"], how="semi"
    ).select("person_id", "org_code", "g")
    spells = (
        runs.join(start_run, on=["person_id", "org_code", "g"], how="semi")
        .group_by("person_id", "org_code", "g")
        .agg(pl.len().alias("dur"), pl.col("m").max().alias("last_m"))
        .group_by("dur", (pl.col("last_m") < last).alias("event"))
        .agg(pl.len().alias("n"))
    )
    spell_rows = [(d, e, n) for d, e, n in spells.select("dur", "event", "n").iter_rows()]
    return {
        "m1": {str(y): [n, moved, left] for y, n, moved, left in m1.iter_rows()},
        "m2": {str(y): [n, k] for y, n, k in m2.iter_rows()},
        "m6": {str(t): kaplan_meier(spell_rows, t) for t in (6, 12, 18)},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("panel")
    ap.add_argument("--lookback", type=int, default=4)
    args = ap.parse_args()
    print(json.dumps(compute(args.panel, args.lookback)))


if __name__ == "__main__":
    main()
