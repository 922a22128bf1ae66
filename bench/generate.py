"""Generate Kolada-shaped benchmark data in bench/data (deterministic, skipped when present).

values_<N>.csv      kpi,municipality,period,gender,value   (290 kommuner x 30 years x T/K/M,
                    ~8 % empty = missing, one decimal)
values_<N>.json     the same rows as a Kolada API v3 data response
population_<N>.csv  N01951 for the same kommuner, years and genders
directions_<N>.csv  id,direction (half "lower", half "higher")
"""
import json
import os
import sys

import numpy as np

import kommunbench as kb

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
YEARS = list(range(1995, 2025))
GENDERS = ["T", "K", "M"]


def kommuner():
    with kb.Database() as db:
        a = db.areas()
        return sorted(a.loc[a["type"] == "kommun", "code"])


def generate(n_target):
    os.makedirs(DATA, exist_ok=True)
    paths = {k: os.path.join(DATA, f"{k}_{n_target}.{ext}") for k, ext in
             [("values", "csv"), ("population", "csv"), ("directions", "csv"), ("values_json", "json")]}
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    rng = np.random.default_rng(n_target)
    areas = kommuner()
    per_kpi = len(areas) * len(YEARS) * len(GENDERS)
    n_kpi = max(1, round(n_target / per_kpi))
    kpis = [f"U{10000 + i:05d}" for i in range(n_kpi)]
    grid_area = np.repeat(np.array(areas), len(YEARS) * len(GENDERS))
    grid_year = np.tile(np.repeat(np.array(YEARS), len(GENDERS)), len(areas))
    grid_gender = np.tile(np.array(GENDERS), len(areas) * len(YEARS))
    with open(paths["values"] + ".tmp", "w") as f, open(paths["values_json"] + ".tmp", "w") as j:
        f.write("kpi,municipality,period,gender,value\n")
        j.write('{"values":[')
        first = True
        for kpi in kpis:
            values = np.round(rng.gamma(4.0, 25.0, per_kpi), 1)
            missing = rng.random(per_kpi) < 0.08
            text = np.where(missing, "", values.astype(str))
            f.write("".join(f"{kpi},{a},{y},{g},{v}\n" for a, y, g, v in zip(grid_area, grid_year, grid_gender, text)))
            # one row per (kpi, municipality, period) with its three genders, as Kolada answers
            for i in range(0, per_kpi, 3):
                vals = [{"gender": GENDERS[k], "count": 1, "status": "",
                         "value": None if missing[i + k] else float(values[i + k])} for k in range(3)]
                row = {"kpi": kpi, "municipality": str(grid_area[i]), "period": int(grid_year[i]), "values": vals}
                j.write(("" if first else ",") + json.dumps(row, separators=(",", ":")))
                first = False
        j.write('],"count":0}\n')
    pop = rng.integers(2000, 1_000_000, len(areas) * len(YEARS))
    with open(paths["population"] + ".tmp", "w") as f:
        f.write("kpi,municipality,period,gender,value\n")
        for i, (a, y) in enumerate((a, y) for a in areas for y in YEARS):
            k = int(pop[i] * 0.5)
            f.write(f"N01951,{a},{y},T,{pop[i]}\nN01951,{a},{y},K,{k}\nN01951,{a},{y},M,{pop[i] - k}\n")
    with open(paths["directions"] + ".tmp", "w") as f:
        f.write("id,direction\n" + "".join(f"{k},{'lower' if i % 2 else 'higher'}\n" for i, k in enumerate(kpis)))
    for p in paths.values():
        os.replace(p + ".tmp", p)
    return paths


if __name__ == "__main__":
    sizes = [int(s) for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "1000000 10000000").split())]
    for n in sizes:
        print({k: os.path.getsize(v) for k, v in generate(n).items()})
