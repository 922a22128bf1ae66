"""Generate Kolada-shaped benchmark data in bench/data (deterministic; a file already present is
skipped).

For each size N (observations):

values_<N>.csv      kpi,municipality,period,gender,value: the 290 kommuner of the embedded
                    catalogue x 1995..2024 x T/K/M for round(N / 26 100) indicators U10000...;
                    values with one decimal and a dot, ~8 % empty (missing)
population_<N>.csv  N01951 (invånare totalt) for the same kommuner, periods and genders:
                    integers, none missing, K + M = T
directions_<N>.csv  id,direction: "higher" for even, "lower" for odd indicator numbers
kolada_<N>.json     the observations of both CSV files as one Kolada API v2 data response:
                    {"values": [{"kpi", "municipality", "period", "values": [{"gender",
                    "status", "value", "count"} for T, K, M]}, ...]}, a missing value as
                    "value": null, "count": 0.  Only for N <= JSON_MAX (see bench/README.md).

    python bench/generate.py [SIZE ...]     (default: $BENCH_SIZES or "1000000 3000000")
"""

import os
import sys

import kommunbench as kb
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
YEARS = list(range(1995, 2025))
GENDERS = ["T", "K", "M"]
MISSING = 0.08
# kolada_<N>.json only up to this size (the json step with it): at 10 M it is a 0.7 GB document
# that each reader holds whole (bench/README.md)
JSON_MAX = int(os.environ.get("BENCH_JSON_MAX", "10000000"))


def paths(n):
    files = {"values": "values_{}.csv", "population": "population_{}.csv", "directions": "directions_{}.csv"}
    if n <= JSON_MAX:
        files["json"] = "kolada_{}.json"
    return {k: os.path.join(DATA, f.format(n)) for k, f in files.items()}


def kommuner():
    """The 290 kommun codes of the embedded catalogue, as 4-digit strings ("0114")."""
    with kb.Database() as db:
        a = db.areas()
        codes = sorted(a.loc[a["type"] == "kommun", "code"].astype(str))
    assert len(codes) == 290 and all(len(c) == 4 and c.isdigit() for c in codes), codes[:5]
    return codes


def indicators(n_target, n_areas):
    return [f"U{10000 + i:05d}" for i in range(max(1, round(n_target / (n_areas * len(YEARS) * len(GENDERS)))))]


def observations(n_target, areas):
    """(indicator, values as text, "" for missing) for the generated indicators, then N01951;
    each in (area, period, gender) order.  The seed is the size: the same values every time."""
    rng = np.random.default_rng(n_target)
    per_kpi = len(areas) * len(YEARS) * len(GENDERS)
    for kpi in indicators(n_target, len(areas)):
        values = np.round(rng.gamma(4.0, 25.0, per_kpi), 1)
        missing = rng.random(per_kpi) < MISSING
        yield kpi, np.where(missing, "", np.char.mod("%.1f", values))
    pop = rng.integers(2000, 1_000_000, len(areas) * len(YEARS))
    women = (pop * 0.5).astype(np.int64)
    yield "N01951", np.column_stack([pop, women, pop - women]).ravel().astype(str)


def json_rows(kpi, text, heads):
    """One Kolada data row per (area, period): its T, K and M values."""
    cells = [
        f'{{"gender":"{g}","status":"","value":{v},"count":1}}'
        if v
        else f'{{"gender":"{g}","status":"","value":null,"count":0}}'
        for g, v in zip(GENDERS * len(heads), text)
    ]
    return ",".join(
        f'{{"kpi":"{kpi}",{h}{cells[3 * i]},{cells[3 * i + 1]},{cells[3 * i + 2]}]}}' for i, h in enumerate(heads)
    )


def generate(n_target):
    os.makedirs(DATA, exist_ok=True)
    p = paths(n_target)
    todo = [k for k, x in p.items() if not os.path.exists(x)]
    if not todo:
        return p, []
    areas = kommuner()
    keys = [f"{a},{y},{g}" for a in areas for y in YEARS for g in GENDERS]  # "0114,1995,T" ...
    heads = [f'"municipality":"{a}","period":{y},"values":[' for a in areas for y in YEARS]
    files = {k: open(p[k] + ".tmp", "w", newline="") for k in todo}
    for k in {"values", "population"} & files.keys():
        files[k].write("kpi,municipality,period,gender,value\n")
    if "json" in files:
        files["json"].write('{"values":[')
    for i, (kpi, text) in enumerate(observations(n_target, areas)):
        csv = files.get("population" if kpi == "N01951" else "values")
        if csv:
            csv.write("".join(f"{kpi},{k},{v}\n" for k, v in zip(keys, text)))
        if "json" in files:
            files["json"].write(("," if i else "") + json_rows(kpi, text, heads))
    if "json" in files:
        files["json"].write("]}\n")
    if "directions" in files:
        files["directions"].write(
            "id,direction\n"
            + "".join(f"{k},{'lower' if i % 2 else 'higher'}\n" for i, k in enumerate(indicators(n_target, len(areas))))
        )
    for k, f in files.items():
        f.close()
        os.replace(p[k] + ".tmp", p[k])
    return p, todo


def sizes_from_argv():
    return [int(s) for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "1000000 3000000").split())]


if __name__ == "__main__":
    for n in sizes_from_argv():
        p, made = generate(n)
        mb = sum(os.path.getsize(x) for x in p.values()) / 1e6
        print(
            f"{n:>10,}: "
            + (f"generated {', '.join(os.path.basename(p[k]) for k in made)}" if made else "present")
            + f"; {len(p)} files, {mb:.0f} MB"
        )
