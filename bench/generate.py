"""Generate Kolada-shaped benchmark data in bench/data (deterministic, skipped when present).

For each size N (observations):

values_<N>.csv      kpi,municipality,period,gender,value: the 290 kommuner of the embedded
                    catalogue x 1995..2024 x T/K/M for round(N / 26 100) indicators U10000...;
                    values with one decimal and a dot, ~8 % empty (missing)
population_<N>.csv  N01951 (invånare totalt) for the same kommuner, periods and genders:
                    integers, none missing, K + M = T
directions_<N>.csv  id,direction: "higher" for even, "lower" for odd indicator numbers

    python bench/generate.py [SIZE ...]     (default: $BENCH_SIZES or "1000000 10000000")
"""
import os
import sys

import numpy as np

import kommunbench as kb

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
YEARS = list(range(1995, 2025))
GENDERS = ["T", "K", "M"]
MISSING = 0.08


def paths(n):
    return {k: os.path.join(DATA, f"{k}_{n}.csv") for k in ("values", "population", "directions")}


def kommuner():
    """The 290 kommun codes of the embedded catalogue, as 4-digit strings ("0114")."""
    with kb.Database() as db:
        a = db.areas()
        codes = sorted(a.loc[a["type"] == "kommun", "code"].astype(str))
    assert len(codes) == 290 and all(len(c) == 4 and c.isdigit() for c in codes), codes[:5]
    return codes


def generate(n_target):
    os.makedirs(DATA, exist_ok=True)
    p = paths(n_target)
    if all(os.path.exists(x) for x in p.values()):
        return p, False
    rng = np.random.default_rng(n_target)  # the seed is the size: the same files every time
    areas = kommuner()
    per_kpi = len(areas) * len(YEARS) * len(GENDERS)
    n_kpi = max(1, round(n_target / per_kpi))
    kpis = [f"U{10000 + i:05d}" for i in range(n_kpi)]
    # the key columns of one indicator, as text: "0114,1995,T" ... in (area, period, gender) order
    keys = [f"{a},{y},{g}" for a in areas for y in YEARS for g in GENDERS]
    with open(p["values"] + ".tmp", "w", newline="") as f:
        f.write("kpi,municipality,period,gender,value\n")
        for kpi in kpis:
            values = np.round(rng.gamma(4.0, 25.0, per_kpi), 1)
            missing = rng.random(per_kpi) < MISSING
            text = np.where(missing, "", np.char.mod("%.1f", values))
            f.write("".join(f"{kpi},{k},{v}\n" for k, v in zip(keys, text)))
    pop = rng.integers(2000, 1_000_000, len(areas) * len(YEARS))
    with open(p["population"] + ".tmp", "w", newline="") as f:
        f.write("kpi,municipality,period,gender,value\n")
        for i, (a, y) in enumerate((a, y) for a in areas for y in YEARS):
            k = int(pop[i] * 0.5)
            f.write(f"N01951,{a},{y},T,{pop[i]}\nN01951,{a},{y},K,{k}\nN01951,{a},{y},M,{pop[i] - k}\n")
    with open(p["directions"] + ".tmp", "w", newline="") as f:
        f.write("id,direction\n" + "".join(f"{k},{'lower' if i % 2 else 'higher'}\n" for i, k in enumerate(kpis)))
    for x in p.values():
        os.replace(x + ".tmp", x)
    return p, True


def sizes_from_argv():
    return [int(s) for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "1000000 10000000").split())]


if __name__ == "__main__":
    for n in sizes_from_argv():
        p, made = generate(n)
        mb = sum(os.path.getsize(x) for x in p.values()) / 1e6
        print(f"{n:>10,}: {'generated' if made else 'present, skipped'} "
              f"{', '.join(os.path.basename(x) for x in p.values())} ({mb:.0f} MB)")
