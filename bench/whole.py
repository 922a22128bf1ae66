"""kommunbench alone at whole-Kolada size: each step's seconds and peak memory per observation.

    python bench/whole.py 50000000        (make bench-whole; the files from bench/generate.py N)

All of Kolada is about 6 000 KPIs x 311 areas x 30 years x T/K/M: tens of millions of observations.
The peers are left out (pandas alone would need tens of GB here).  Each step runs in a fresh
process so that its peak (ru_maxrss) is its own: the import of the CSV files (which then saves a
snapshot); then, each from that snapshot, its save to another file, Database.open, per_capita of
every indicator (one call, the DataFrame included) and compare_all (the frame of every indicator x period x kön group).
Bytes per observation = (peak - resident memory before the step) / observations stored.
Results go to bench/results.json under "whole_kolada".
"""

import json
import os
import subprocess
import sys
import time

from memory import DATA, maxrss, record, rss_now  # bench/memory.py: the same measures

STEPS = ["import", "save", "open", "per_capita", "compare_all"]


def step(name, n):
    """In this fresh process: one step, its figures printed as JSON."""
    import kommunbench as kb
    import pandas as pd

    snapshot = os.path.join(DATA, f"snapshot_whole_{n}.kbdb")
    out = {}
    if name == "import":
        db = kb.Database()
        base = rss_now()
        start = time.perf_counter()
        for part in ("values", "population"):
            db.import_csv(os.path.join(DATA, f"{part}_{n}.csv"), layout="kolada")
        out["seconds"] = time.perf_counter() - start
        out["peak"], out["held"] = maxrss() - base, rss_now() - base
        out["observations"] = len(db)
        db.save(snapshot)  # for the later steps; the save is timed on its own below
        out["snapshot_bytes"] = os.path.getsize(snapshot)
    else:
        base = rss_now()
        start = time.perf_counter()
        db = kb.Database.open(snapshot)
        opened = time.perf_counter() - start
        if name == "open":
            out["seconds"], out["peak"] = opened, maxrss() - base
        elif name == "save":
            copy = snapshot + ".copy"
            base = rss_now()
            start = time.perf_counter()
            db.save(copy)
            # the open before it peaked at the store's size: what the save adds is above that
            out["seconds"], out["peak"] = time.perf_counter() - start, max(0, maxrss() - base)
            os.remove(copy)
        else:
            directions = pd.read_csv(os.path.join(DATA, f"directions_{n}.csv"), dtype=str)
            for kpi, direction in directions.itertuples(index=False):
                db.set_indicator(kpi, direction=direction)
            base = rss_now()
            start = time.perf_counter()
            result = (
                db.per_capita(None, population="N01951", scale=1000) if name == "per_capita" else db.compare_all_frame()
            )
            out["seconds"] = time.perf_counter() - start
            out["peak"] = maxrss() - base
            out["rows"] = len(result)
        out["observations"] = len(db)
    print(json.dumps(out))


def run(name, n):
    proc = subprocess.run([sys.executable, __file__, "--step", name, str(n)], capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"whole: the {name} step failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(n):
    if not os.path.isfile(os.path.join(DATA, f"values_{n}.csv")):
        raise SystemExit(f"whole: no bench/data/values_{n}.csv (python bench/generate.py {n})")
    imported = run("import", n)
    obs = imported["observations"]
    figures = {
        "import": {"seconds": imported["seconds"], "peak_bytes": imported["peak"], "held_bytes": imported["held"]}
    }
    for name in ("save", "open", "per_capita", "compare_all"):
        r = run(name, n)
        figures[name] = {
            "seconds": r["seconds"],
            "peak_bytes": r["peak"],
            **({"rows": r["rows"]} if "rows" in r else {}),
        }
    print(f"\nkommunbench at {obs:,} observations (snapshot {imported['snapshot_bytes'] / 2**20:,.0f} MiB)")
    print("step           seconds   peak MiB   peak B/obs")
    for name in STEPS:
        f = figures[name]
        print(f"{name:12s} {f['seconds']:9.2f} {f['peak_bytes'] / 2**20:10.0f} {f['peak_bytes'] / obs:12.1f}")
    os.remove(os.path.join(DATA, f"snapshot_whole_{n}.kbdb"))
    record(
        "whole_kolada",
        {
            "command": f"python bench/whole.py {n}",
            "observations": obs,
            "snapshot_bytes": imported["snapshot_bytes"],
            "steps": {
                k: {**v, "peak_bytes_per_observation": round(v["peak_bytes"] / obs, 1)} for k, v in figures.items()
            },
        },
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        step(sys.argv[2], int(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 50000000)
