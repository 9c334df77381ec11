"""The exact optimum of a timetable-optimiser instance, by integer program
with HiGHS (the `highspy` package), for bench/schedule.sh to compare
`pathwise schedule optimise` against.

Model: binary x[s] per slot, sum x <= K; binary y[l,s] per fitting
learner-slot pair (from `pathwise schedule optimise --write-fits`); each
learner at most once (sum_s y[l,s] <= 1); each slot at most its capacity
when chosen (sum_l y[l,s] <= cap[s] x[s]); and y[l,s] <= x[s]. Maximise
sum y.

Usage: python3 bench/schedule_highs.py FITS.csv SLOTS.csv K [TIME_LIMIT_S]
Prints one JSON line: status, objective, dual bound, gap, seconds.
"""
import csv
import json
import sys
import time

import highspy
import numpy as np


def main(fits_path, slots_path, k, limit):
    with open(slots_path) as f:
        caps = [int(r["capacity"]) for r in csv.DictReader(f)]
    pairs = np.loadtxt(fits_path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    n_slots = len(caps)
    n_pairs = len(pairs)
    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(limit))
    h.setOptionValue("threads", 1)
    # Columns: x[0..S), then y[0..P). Maximise sum y (minimise -sum y).
    n = n_slots + n_pairs
    cost = np.concatenate([np.zeros(n_slots), -np.ones(n_pairs)])
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.full(n, highspy.HighsVarType.kInteger))
    started = time.time()
    # sum x <= K
    h.addRow(-inf, float(k), n_slots, np.arange(n_slots, dtype=np.int32), np.ones(n_slots))
    learners = pairs[:, 0] if n_pairs else np.zeros(0, dtype=np.int64)
    slots = pairs[:, 1] if n_pairs else np.zeros(0, dtype=np.int64)
    y = n_slots + np.arange(n_pairs, dtype=np.int64)
    # each learner at most once
    order = np.argsort(learners, kind="stable")
    starts = np.searchsorted(learners[order], np.unique(learners), side="left")
    m = len(starts)
    h.addRows(m, np.full(m, -inf), np.ones(m), m and n_pairs,
              starts.astype(np.int32), y[order].astype(np.int32), np.ones(n_pairs))
    # each slot at most its capacity when chosen: sum y - cap x <= 0
    for s in range(n_slots):
        ys = y[slots == s]
        idx = np.concatenate([[s], ys]).astype(np.int32)
        val = np.concatenate([[-float(caps[s])], np.ones(len(ys))])
        h.addRow(-inf, 0.0, len(idx), idx, val)
    # y <= x
    rows_start = np.arange(0, 2 * n_pairs, 2, dtype=np.int32)
    idx = np.empty(2 * n_pairs, dtype=np.int32)
    idx[0::2] = y
    idx[1::2] = slots
    val = np.empty(2 * n_pairs)
    val[0::2] = 1.0
    val[1::2] = -1.0
    if n_pairs:
        h.addRows(n_pairs, np.full(n_pairs, -inf), np.zeros(n_pairs), 2 * n_pairs,
                  rows_start, idx, val)
    built = time.time()
    h.run()
    done = time.time()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    print(json.dumps({
        "status": status,
        "optimal": status == "Optimal",
        "objective": round(-info.objective_function_value),
        "dual_bound": -info.mip_dual_bound,
        "gap": info.mip_gap,
        "build_seconds": round(built - started, 3),
        "solve_seconds": round(done - built, 3),
        "pairs": int(n_pairs),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]),
         float(sys.argv[4]) if len(sys.argv) > 4 else 600.0)
