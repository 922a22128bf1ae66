"""The benchmark: the same pipeline in kommunbench, pandas, polars and DuckDB on the same files.

Steps: csv (import values and population), json (a Kolada v3 response; 1 M only), per_capita
(value / population * 1000 on area, period, gender), compare (rank, n, percentile, KKiK colour
and ovägt medel for every indicator x period x gender group over the 290 kommuner), reload
(kommunbench snapshot vs each peer's Parquet).  Each tool runs in its own process so its peak
memory (ru_maxrss) is its own.  The outputs are checked to agree before any time is reported.

    python bench/run.py [SIZE ...]        (default: $BENCH_SIZES or "1000000 10000000")
"""
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
ROOT = os.path.dirname(HERE)
TOOLS = ["kommunbench", "pandas", "polars", "duckdb"]
JSON_MAX = 1_000_000  # the peers' JSON readers need tens of GB beyond this


def paths(n):
    return {k: os.path.join(DATA, f"{k}_{n}.{ext}") for k, ext in
            [("values", "csv"), ("population", "csv"), ("directions", "csv"), ("values_json", "json")]}


def out_path(tool, n, what):
    return os.path.join(DATA, f"out_{tool}_{n}_{what}.parquet")


def colours(b, w, n):
    q = n / 4.0
    g, r = b < q, w < q
    return np.where(g == r, "yellow", np.where(g, "green", "red"))


# ---- workers -------------------------------------------------------------------------

def work_kommunbench(n, p, t):
    import kommunbench as kb
    db = kb.Database()
    start = time.perf_counter()
    db.import_csv(p["values"], layout="kolada")
    db.import_csv(p["population"], layout="kolada")
    t["csv"] = time.perf_counter() - start
    t["observations"] = len(db)
    t["store_bytes"] = db.memory()
    rss_after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if n <= JSON_MAX:
        j = kb.Database()
        start = time.perf_counter()
        j.import_kolada_json(p["values_json"])
        t["json"] = time.perf_counter() - start
        j.close()
    for kpi, d in pd.read_csv(p["directions"]).itertuples(index=False):
        db.set_indicator(kpi, direction=d)
    start = time.perf_counter()
    pc = db.per_capita(None, population="N01951", scale=1000)
    t["per_capita"] = time.perf_counter() - start
    start = time.perf_counter()
    frame = db._compare_all_frame()
    t["compare_core"] = time.perf_counter() - start
    # ovägt medel per group from the same zero-copy columns
    codes = [frame.column(c).astype(np.int64) for c in ("indicator", "period", "gender")]
    sizes = [len(frame.dictionary(c)) for c in ("indicator", "period", "gender")]
    group = (codes[0] * sizes[1] + codes[1]) * sizes[2] + codes[2]
    rank = frame.column("rank")
    value = frame.column("value")
    ok = rank > 0
    sums = np.bincount(group[ok], weights=value[ok], minlength=int(np.prod(sizes)))
    cnt = np.bincount(group[ok], minlength=int(np.prod(sizes)))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / cnt
    t["compare"] = time.perf_counter() - start
    cmp = frame.to_pandas()
    t["compare_with_dataframe"] = time.perf_counter() - start
    cmp["mean"] = mean[group]
    save_outputs("kommunbench", n, cmp.rename(columns={"indicator": "kpi", "area": "municipality"}),
                 pc.rename(columns={"indicator": "kpi", "area": "municipality"}))
    snap = os.path.join(DATA, f"snap_{n}.kbsnap")
    db.save(snap)
    db.close()
    start = time.perf_counter()
    d2 = kb.Database.open(snap)
    t["reload"] = time.perf_counter() - start
    t["bytes_per_observation"] = t.pop("store_bytes") / t["observations"]
    t["rss_growth_per_observation"] = (rss_after_import * 1024 - t.pop("rss_start")) / t["observations"]
    d2.close()
    os.unlink(snap)


def work_pandas(n, p, t):
    start = time.perf_counter()
    dtype = {"kpi": str, "municipality": str, "period": str, "gender": str}
    v = pd.read_csv(p["values"], engine="pyarrow", dtype=dtype)
    pop = pd.read_csv(p["population"], engine="pyarrow", dtype=dtype)
    t["csv"] = time.perf_counter() - start
    if n <= JSON_MAX:
        start = time.perf_counter()
        with open(p["values_json"]) as f:
            doc = json.load(f)
        pd.json_normalize(doc["values"], record_path="values", meta=["kpi", "municipality", "period"])
        t["json"] = time.perf_counter() - start
        del doc
    dirs = pd.read_csv(p["directions"])
    start = time.perf_counter()
    m = v.merge(pop[["municipality", "period", "gender", "value"]].rename(columns={"value": "pop"}),
                on=["municipality", "period", "gender"], how="left")
    m["result"] = m["value"] / m["pop"] * 1000
    t["per_capita"] = time.perf_counter() - start
    start = time.perf_counter()
    sign = v["kpi"].map(dict(zip(dirs["id"], np.where(dirs["direction"] == "higher", -1.0, 1.0))))
    v["v"] = v["value"] * sign
    g = v.groupby(["kpi", "period", "gender"])["v"]
    rmin, rmax, cnt = g.rank(method="min"), g.rank(method="max"), g.transform("count")
    b, w = rmin - 1, cnt - rmax
    out = v[["kpi", "period", "gender", "municipality", "value"]].copy()
    out["rank"] = rmin.fillna(0).astype("int32")
    out["n"] = cnt.astype("int32")
    out["percentile"] = np.where(cnt > 1, 100 * w / (cnt - 1), 100.0)
    out.loc[rmin.isna(), "percentile"] = np.nan
    out["colour"] = np.where(rmin.isna(), "grey", colours(b, w, cnt))
    out["mean"] = v.groupby(["kpi", "period", "gender"])["value"].transform("mean")
    t["compare"] = time.perf_counter() - start
    save_outputs("pandas", n, out, m)
    pq = os.path.join(DATA, f"pandas_{n}.parquet")
    v.drop(columns="v").to_parquet(pq)
    start = time.perf_counter()
    pd.read_parquet(pq)
    t["reload"] = time.perf_counter() - start
    os.unlink(pq)


def work_polars(n, p, t):
    import polars as pl
    start = time.perf_counter()
    schema = {"kpi": pl.Utf8, "municipality": pl.Utf8, "period": pl.Utf8, "gender": pl.Utf8, "value": pl.Float64}
    v = pl.read_csv(p["values"], schema_overrides=schema)
    pop = pl.read_csv(p["population"], schema_overrides=schema)
    t["csv"] = time.perf_counter() - start
    if n <= JSON_MAX:
        start = time.perf_counter()
        pl.read_json(p["values_json"]).select("values").explode("values").unnest("values").explode("values").unnest("values")
        t["json"] = time.perf_counter() - start
    dirs = pl.read_csv(p["directions"])
    start = time.perf_counter()
    m = v.join(pop.select("municipality", "period", "gender", pl.col("value").alias("pop")),
               on=["municipality", "period", "gender"], how="left").with_columns(
        (pl.col("value") / pl.col("pop") * 1000).alias("result"))
    t["per_capita"] = time.perf_counter() - start
    start = time.perf_counter()
    sign = dirs.select("id", pl.when(pl.col("direction") == "higher").then(-1.0).otherwise(1.0).alias("sign"))
    grp = ["kpi", "period", "gender"]
    x = v.join(sign, left_on="kpi", right_on="id").with_columns((pl.col("value") * pl.col("sign")).alias("v"))
    x = x.with_columns(
        pl.col("v").rank("min").over(grp).alias("rmin"), pl.col("v").rank("max").over(grp).alias("rmax"),
        pl.col("v").count().over(grp).alias("n"), pl.col("value").mean().over(grp).alias("mean"))
    b, w, q = pl.col("rmin") - 1, pl.col("n") - pl.col("rmax"), pl.col("n") / 4
    out = x.select(
        "kpi", "period", "gender", "municipality", "value", pl.col("rmin").fill_null(0).cast(pl.Int32).alias("rank"),
        pl.col("n").cast(pl.Int32),
        pl.when(pl.col("rmin").is_null()).then(None).when(pl.col("n") > 1)
        .then(100 * w / (pl.col("n") - 1)).otherwise(100.0).alias("percentile"),
        pl.when(pl.col("rmin").is_null()).then(pl.lit("grey")).when((b < q) == (w < q)).then(pl.lit("yellow"))
        .when(b < q).then(pl.lit("green")).otherwise(pl.lit("red")).alias("colour"), "mean")
    t["compare"] = time.perf_counter() - start
    save_outputs("polars", n, out.to_pandas(), m.to_pandas())
    pq = os.path.join(DATA, f"polars_{n}.parquet")
    v.write_parquet(pq)
    start = time.perf_counter()
    pl.read_parquet(pq)
    t["reload"] = time.perf_counter() - start
    os.unlink(pq)


def work_duckdb(n, p, t):
    import duckdb
    con = duckdb.connect()
    start = time.perf_counter()
    for name in ("values", "population"):
        con.execute(f"""CREATE TABLE {name} AS SELECT * FROM read_csv('{p[name]}', header=true,
            columns={{'kpi':'VARCHAR','municipality':'VARCHAR','period':'VARCHAR','gender':'VARCHAR','value':'DOUBLE'}})""")
    t["csv"] = time.perf_counter() - start
    if n <= JSON_MAX:
        start = time.perf_counter()
        con.execute(f"""SELECT r.kpi, r.municipality, r.period, u.gender, u.value FROM
            (SELECT unnest("values", recursive := false) AS r FROM read_json('{p['values_json']}', maximum_object_size=2000000000))
            t0(r), LATERAL (SELECT unnest(r."values", recursive := true)) u""").to_arrow_table()
        t["json"] = time.perf_counter() - start
    con.execute(f"CREATE TABLE dirs AS SELECT * FROM read_csv('{p['directions']}', header=true)")
    start = time.perf_counter()
    m = con.execute("""SELECT v.kpi, v.municipality, v.period, v.gender, v.value, p.value AS pop,
        v.value / p.value * 1000 AS result FROM "values" v LEFT JOIN population p
        USING (municipality, period, gender)""").to_arrow_table()
    t["per_capita"] = time.perf_counter() - start
    start = time.perf_counter()
    out = con.execute("""WITH x AS (SELECT v.*, v.value * CASE WHEN d.direction = 'higher' THEN -1 ELSE 1 END AS s
            FROM "values" v JOIN dirs d ON v.kpi = d.id),
        y AS (SELECT *, rank() OVER w AS rmin,
                 count(s) OVER (PARTITION BY kpi, period, gender ORDER BY s RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rmax,
                 count(s) OVER (PARTITION BY kpi, period, gender) AS n,
                 avg(value) OVER (PARTITION BY kpi, period, gender) AS mean
              FROM x WINDOW w AS (PARTITION BY kpi, period, gender ORDER BY s NULLS LAST))
        SELECT kpi, period, gender, municipality, value,
            CAST(CASE WHEN s IS NULL THEN 0 ELSE rmin END AS INTEGER) AS rank, CAST(n AS INTEGER) AS n,
            CASE WHEN s IS NULL THEN NULL WHEN n > 1 THEN 100.0 * (n - rmax) / (n - 1) ELSE 100.0 END AS percentile,
            CASE WHEN s IS NULL THEN 'grey'
                 WHEN ((rmin - 1) < n / 4.0) = ((n - rmax) < n / 4.0) THEN 'yellow'
                 WHEN (rmin - 1) < n / 4.0 THEN 'green' ELSE 'red' END AS colour, mean
        FROM y""").to_arrow_table()
    t["compare"] = time.perf_counter() - start
    save_outputs("duckdb", n, out.to_pandas(), m.to_pandas())
    pq = os.path.join(DATA, f"duckdb_{n}.parquet")
    con.execute(f"COPY \"values\" TO '{pq}' (FORMAT parquet)")
    start = time.perf_counter()
    con.execute(f"SELECT * FROM read_parquet('{pq}')").to_arrow_table()
    t["reload"] = time.perf_counter() - start
    os.unlink(pq)


def save_outputs(tool, n, cmp, pc):
    keys = ["kpi", "period", "gender", "municipality"]
    c = cmp[keys + ["rank", "n", "percentile", "colour", "mean"]].copy()
    for k in keys + ["colour"]:
        c[k] = c[k].astype(str)
    c[c["kpi"] != "N01951"].to_parquet(out_path(tool, n, "compare"))
    q = pc[["kpi", "municipality", "period", "gender", "result"]].copy()
    for k in ("kpi", "municipality", "period", "gender"):
        q[k] = q[k].astype(str)
    q[q["kpi"] != "N01951"].to_parquet(out_path(tool, n, "per_capita"))


WORKERS = {"kommunbench": work_kommunbench, "pandas": work_pandas, "polars": work_polars, "duckdb": work_duckdb}


def worker(tool, n):
    t = {"rss_start": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    WORKERS[tool](n, paths(n), t)
    t.pop("rss_start", None)
    t["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(t))


# ---- the driver -----------------------------------------------------------------------

def verify(n):
    keys = ["kpi", "period", "gender", "municipality"]
    ref = pd.read_parquet(out_path("kommunbench", n, "compare")).sort_values(keys, ignore_index=True)
    pref = pd.read_parquet(out_path("kommunbench", n, "per_capita")).sort_values(keys, ignore_index=True)
    for tool in TOOLS[1:]:
        other = pd.read_parquet(out_path(tool, n, "compare")).sort_values(keys, ignore_index=True)
        assert len(other) == len(ref), (tool, len(other), len(ref))
        for col in keys + ["rank", "n", "colour"]:
            bad = (ref[col].to_numpy() != other[col].to_numpy())
            if bad.any():
                i = int(np.argmax(bad))
                raise SystemExit(f"{tool} differs in {col} at row {i}:\n{ref.iloc[i]}\n{other.iloc[i]}")
        for col in ("percentile", "mean"):
            np.testing.assert_allclose(other[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-9, equal_nan=True,
                                       err_msg=f"{tool} {col}")
        po = pd.read_parquet(out_path(tool, n, "per_capita")).sort_values(keys, ignore_index=True)
        assert len(po) == len(pref), (tool, "per_capita rows", len(po), len(pref))
        np.testing.assert_allclose(po["result"].to_numpy(float), pref["result"].to_numpy(float), rtol=1e-9,
                                   equal_nan=True, err_msg=f"{tool} per_capita")
    for tool in TOOLS:
        for what in ("compare", "per_capita"):
            os.unlink(out_path(tool, n, what))


def csv_baseline(n):
    exe = os.path.join(ROOT, "build", "csv_baseline")
    out = subprocess.run([exe, paths(n)["values"]], capture_output=True, text=True, check=True).stdout
    seconds = json.loads(out)["seconds"]
    pop = json.loads(subprocess.run([exe, paths(n)["population"]], capture_output=True, text=True,
                                    check=True).stdout)["seconds"]
    return seconds + pop


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        return worker(sys.argv[2], int(sys.argv[3]))
    sizes = [int(s) for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "1000000 10000000").split())]
    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                           "python": platform.python_version()}, "sizes": {}}
    import duckdb, polars, pyarrow  # noqa: E401
    import kommunbench
    results["versions"] = {"kommunbench": kommunbench.__version__, "pandas": pd.__version__,
                           "polars": polars.__version__, "duckdb": duckdb.__version__,
                           "pyarrow": pyarrow.__version__, "numpy": np.__version__}
    for n in sizes:
        times = {}
        for tool in TOOLS:
            proc = subprocess.run([sys.executable, __file__, "--worker", tool, str(n)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{tool} failed at {n}:\n{proc.stderr[-3000:]}")
            line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][-1]
            times[tool] = json.loads(line[7:])
        verify(n)
        times["libcsv_alone"] = {"csv": csv_baseline(n)}
        results["sizes"][str(n)] = times
        report(n, times)
    growth(results)
    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(f"\nwrote {os.path.join(HERE, 'results.json')}")


STEPS = ["csv", "json", "per_capita", "compare", "reload"]


def report(n, times):
    kb = times["kommunbench"]
    print(f"\n== {n:,} observations (kommunbench stored {kb['observations']:,}); outputs agree ==")
    print("seconds".ljust(14) + "".join(t.rjust(13) for t in TOOLS))
    for step in STEPS:
        print(step.ljust(14) + "".join((f"{times[t][step]:.3f}" if step in times[t] else "–").rjust(13) for t in TOOLS))
    print("peak MB".ljust(14) + "".join(f"{times[t]['peak_rss_mb']:.0f}".rjust(13) for t in TOOLS))
    print("\nratio peer ÷ kommunbench (>1: kommunbench faster)")
    for step in STEPS:
        if step in kb:
            print(step.ljust(14) + "".join((f"{times[t][step] / kb[step]:.1f}x" if step in times[t] else "–").rjust(13)
                                           for t in TOOLS[1:]))
    print(f"\ncompare: C core {kb['compare_core']:.3f} s, with the means {kb['compare']:.3f} s, "
          f"and as a pandas DataFrame {kb['compare_with_dataframe']:.3f} s")
    print(f"csv import ÷ libcsv alone on one core: {kb['csv'] / times['libcsv_alone']['csv']:.2f} "
          f"(libcsv alone {times['libcsv_alone']['csv']:.3f} s)")
    print(f"store: {kb['bytes_per_observation']:.1f} bytes per observation "
          f"(peak RSS grew {kb['rss_growth_per_observation']:.0f} bytes per observation during the import)")


def growth(results):
    sizes = sorted(results["sizes"], key=int)
    if len(sizes) < 2:
        return
    a, b = sizes[0], sizes[-1]
    factor = int(b) / int(a)
    print(f"\ncost growth {int(a):,} -> {int(b):,} (x{factor:.0f} data), kommunbench:")
    for step in STEPS:
        ta, tb = results["sizes"][a]["kommunbench"].get(step), results["sizes"][b]["kommunbench"].get(step)
        if ta and tb:
            print(f"  {step:<12} x{tb / ta:.1f}")


if __name__ == "__main__":
    main()
