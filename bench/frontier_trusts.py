#!/usr/bin/env python3
"""Writes a trusts file for `pathwise simulate`: TRUSTS trusts (default 210)
spread over the seven NHS England regions, with support workers, registered
vacancies and transition rates drawn from a fixed seed, so every run reads
the same file.

    bench/frontier_trusts.py OUT.csv [TRUSTS] [SEED]
"""
import csv
import random
import sys

# Region, share of trusts, vacancy rate (London 11.5% to the South West 6.2%),
# and a typical support-to-registered transition rate (higher in the north).
REGIONS = [
    ("North East and Yorkshire", 0.15, 0.072, 0.046),
    ("North West", 0.14, 0.078, 0.042),
    ("Midlands", 0.17, 0.085, 0.036),
    ("East of England", 0.11, 0.094, 0.031),
    ("London", 0.16, 0.115, 0.027),
    ("South East", 0.15, 0.098, 0.024),
    ("South West", 0.12, 0.062, 0.033),
]
TYPES = ["acute", "acute", "acute", "mental_health", "community", "ambulance"]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 210
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
    rows = []
    for i in range(n):
        # Regions in proportion to their share, in turn.
        weights = [r[1] for r in REGIONS]
        name, _, vacancy_rate, rate = rng.choices(REGIONS, weights)[0]
        support = rng.randint(250, 3200)
        registered = int(support * rng.uniform(1.4, 2.2))
        vacancies = round(registered * vacancy_rate * rng.uniform(0.02, 0.10), 1)
        transition = max(0.0, rng.gauss(rate, rate / 4))
        rows.append(
            [
                f"R{i:03d}",
                name,
                rng.choice(TYPES),
                support,
                vacancies,
                f"{transition:.4f}",
            ]
        )
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "org_code",
                "region",
                "trust_type",
                "support_workers",
                "registered_vacancies",
                "transition_rate",
            ]
        )
        w.writerows(rows)


if __name__ == "__main__":
    main()
