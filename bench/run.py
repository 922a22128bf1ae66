"""The benchmark: the same pipeline in kommunbench, pandas, polars and DuckDB on the same files.

Steps (see bench/README.md):
  csv         import values_<N>.csv and population_<N>.csv
  per_capita  value / population * 1000 matched on (municipality, period, gender)
  compare     for every (indicator, period, gender) group over the 290 kommuner: rank ("min"),
              n, percentile, KKiK colour and the group's unweighted mean
  total       csv + per_capita + compare
  json        import kolada_<N>.json (the same observations as a Kolada API v2 response) into a
              flat table (indicator, area, period, gender, value); sizes <= BENCH_JSON_MAX only
  reload      kommunbench: Database.open of a snapshot (db.save, not timed) and one value column
              (N01951's); the peers: the same observations read from one Parquet file (written
              once, not timed)

Each tool runs in its own process for csv..compare, another for json and another for reload, so
each peak memory (ru_maxrss) is that step's own.  Every tool writes its per_capita, compare and
json outputs; they must agree row by row (and the reload row counts must agree) before any time
is printed (exit 1 with the first differing rows otherwise).

    python bench/run.py [SIZE ...]      (default: $BENCH_SIZES or "1000000 3000000")
    BENCH_REPEAT=1 python bench/run.py   (runs of each tool, interleaved; the fastest is reported;
                                         default 3)
    BENCH_RESULTS=/tmp/r.json ...        (where the results go; default bench/results.json)
    BENCH_JSON_MAX=1000000 ...           (the json step only up to this size; default 10 M)
"""

import glob
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from generate import JSON_MAX, paths, sizes_from_argv  # noqa: E402

TOOLS = ["kommunbench", "pandas", "polars", "duckdb"]
PEERS = TOOLS[1:]
STEPS = ["csv", "per_capita", "compare", "total", "json", "reload"]  # total: the first three
# kommunbench's parts of the steps, reported beside the table
KB_DETAILS = [
    "csv_values",
    "csv_population",
    "per_capita_concat",
    "compare_c",
    "compare_to_pandas",
    "compare_mean",
    "reload_open",
    "reload_all_values",
]
RESULTS = os.environ.get("BENCH_RESULTS") or os.path.join(HERE, "results.json")
GENDER_CODE = {"T": 0, "K": 1, "M": 2}
COLOUR_CODE = {"green": 0, "yellow": 1, "red": 2, "grey": 3, "": 4}
COLOUR_NAME = {v: k or "(none)" for k, v in COLOUR_CODE.items()}
SCALE = 1000.0


def rss_now():
    """Resident memory of this process now, bytes (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def maxrss():
    """Peak resident memory of this process so far, bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ---- the equivalence check's common form -------------------------------------------------
# Keys become one int64 per row: ((indicator * 10000 + period) * 4 + gender) * 10000 + area,
# indicator "U10012" -> 10012, area "0114" -> 114, gender T/K/M -> 0/1/2.  Done after the
# timed steps, in every worker the same way.


def _coded(values, parse):
    """A column of strings (pandas, polars or pyarrow) as an int array via its distinct values."""
    import pandas as pd

    if not isinstance(values, pd.Series):
        values = pd.Series(values.to_pandas() if hasattr(values, "to_pandas") else values)
    codes, uniques = pd.factorize(values)
    lookup = np.array([parse(str(u)) for u in uniques], dtype=np.int64)
    return lookup[codes]


def encode_keys(indicator, period, gender, area):
    ind = _coded(indicator, lambda s: int(s[1:]))
    per = _coded(period, int)
    gen = _coded(gender, GENDER_CODE.__getitem__)
    are = _coded(area, int)
    return ((ind * 10000 + per) * 4 + gen) * 10000 + are


def decode_key(k):
    k = int(k)
    area, k = k % 10000, k // 10000
    gender, k = k % 4, k // 4
    period, ind = k % 10000, k // 10000
    return f"U{ind:05d}", str(period), "TKM"[gender], f"{area:04d}"


def out_path(job, n):
    return os.path.join(DATA, f"out_{job}_{n}.npz")


def floats(column):
    """A numeric column of any of the tools (nulls as NaN) as float64."""
    return np.asarray(column.to_numpy() if hasattr(column, "to_numpy") else column, dtype=np.float64)


def ints(column):
    """A whole-number column of any of the tools as int64; a null (a rank of no value, as a
    nullable pandas column gives it) as 0, the peers' "not ranked"."""
    if hasattr(column, "fillna"):
        column = column.fillna(0)
    return np.asarray(column, dtype=np.int64)


def save_outputs(tool, n, pc, cmp):
    """pc and cmp: dicts of columns (pandas Series or arrays).  Written to bench/data/out_*.npz."""
    np.savez(
        out_path(tool, n),
        pc_key=encode_keys(pc["indicator"], pc["period"], pc["gender"], pc["area"]),
        pc_result=np.asarray(pc["result"], dtype=np.float64),
        key=encode_keys(cmp["indicator"], cmp["period"], cmp["gender"], cmp["area"]),
        rank=ints(cmp["rank"]),
        n=ints(cmp["n"]),
        percentile=np.asarray(cmp["percentile"], dtype=np.float64),
        colour=_coded(cmp["colour"], COLOUR_CODE.__getitem__),
        mean=np.asarray(cmp["mean"], dtype=np.float64),
    )


def peer_colour(rmin, rmax, n):
    """KKiK colour codes from the min rank, max rank and n of a ranked row (numpy)."""
    b, w, q = rmin - 1, n - rmax, n / 4.0
    green, red = b < q, w < q
    return np.where(green == red, COLOUR_CODE["yellow"], np.where(green, COLOUR_CODE["green"], COLOUR_CODE["red"]))


# ---- workers: one process per tool and size -----------------------------------------------


def numpy_means(frame):
    """Ovägt medel of each row's (indicator, period, gender) group from a compare_all Frame."""
    dims = ("indicator", "period", "gender")
    size = [len(frame.dictionary(c)) for c in dims]
    group = (frame.column("indicator").astype(np.int64) * size[1] + frame.column("period")) * size[2] + frame.column(
        "gender"
    )
    ranked = frame.column("rank") > 0
    groups = size[0] * size[1] * size[2]
    sums = np.bincount(group[ranked], weights=frame.column("value")[ranked], minlength=groups)
    counts = np.bincount(group[ranked], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / counts)[group]


def work_kommunbench(n, p, t, save):
    import kommunbench as kb
    import pandas as pd

    db = kb.Database()
    held0 = rss_now()
    start = time.perf_counter()
    db.import_csv(p["values"], layout="kolada")
    t["csv_values"] = time.perf_counter() - start
    db.import_csv(p["population"], layout="kolada")
    t["csv"] = time.perf_counter() - start
    t["csv_population"] = t["csv"] - t["csv_values"]
    t["rss_growth_import"], t["rss_held_import"] = maxrss() - held0, rss_now() - held0
    t["observations"] = len(db)
    t["store_bytes"] = db.memory()
    ids = list(pd.read_csv(p["directions"], dtype=str).itertuples(index=False))
    for kpi, direction in ids:
        db.set_indicator(kpi, direction=direction)

    # per_capita of every indicator in one call (indicator=None), as the peers' one join
    start = time.perf_counter()
    pc = db.per_capita(None, population="N01951", scale=SCALE)
    t["per_capita"] = time.perf_counter() - start
    t["per_capita_concat"] = 0.0

    # compare: the C call (bench_compare_all into a Frame), the DataFrame, the group means
    start = time.perf_counter()
    frame = db.compare_all_frame()  # what db.compare_all() does before .to_pandas()
    t1 = time.perf_counter()
    cmp = frame.to_pandas()
    t2 = time.perf_counter()
    use_column = "mean" in frame.columns and os.environ.get("BENCH_KB_MEAN") != "numpy"
    if use_column:  # a bulk mean from the C core, when the library has one
        t["mean_from"] = "compare_all's mean column"
    else:  # ovägt medel per group from the frame's codes with numpy
        t["mean_from"] = "numpy bincount over the compare_all frame"
        cmp["mean"] = numpy_means(frame)
    t3 = time.perf_counter()
    t["compare"] = t3 - start
    t["compare_c"], t["compare_to_pandas"], t["compare_mean"] = t1 - start, t2 - t1, t3 - t2
    t["peak_rss"] = maxrss()
    if use_column:  # the numpy way as well, for the record (not in the step's time)
        start = time.perf_counter()
        mean = numpy_means(frame)
        t["compare_mean_numpy"] = time.perf_counter() - start
        column = cmp["mean"].to_numpy()
        same = (np.abs(mean - column) <= 1e-9 * np.abs(column)) | (np.isnan(mean) & np.isnan(column))
        if not same.all():
            i = int(np.argmax(~same))
            raise SystemExit(
                f"compare_all's mean column differs from numpy's group mean at row {i}: "
                f"{column[i]!r} vs {mean[i]!r}\n{cmp.iloc[i]}"
            )
    if save:
        cmp = cmp[cmp["indicator"] != "N01951"]  # compare_all ranks the population too; the peers don't
        save_outputs("kommunbench", n, pc, cmp)


def work_kommunbench_one_call(n, p, t, save):
    """Not in the table: per_capita called once per indicator, as an analyst might loop."""
    import kommunbench as kb
    import pandas as pd

    db = kb.Database()
    db.import_csv(p["values"], layout="kolada")
    db.import_csv(p["population"], layout="kolada")
    ids = list(pd.read_csv(p["directions"], dtype=str)["id"])
    start = time.perf_counter()
    pc = pd.concat([db.per_capita(kpi, population="N01951", scale=SCALE) for kpi in ids], ignore_index=True)
    t["per_capita"] = time.perf_counter() - start
    t["peak_rss"] = maxrss()
    if save:
        np.savez(
            out_path("kommunbench_one_call", n),
            pc_key=encode_keys(pc["indicator"], pc["period"], pc["gender"], pc["area"]),
            pc_result=pc["result"].to_numpy(np.float64),
        )


def work_pandas(n, p, t, save):
    import pandas as pd

    held0 = rss_now()
    dtype = {"municipality": str, "period": str}
    start = time.perf_counter()
    v = pd.read_csv(p["values"], engine="pyarrow", dtype=dtype)
    t["csv_values"] = time.perf_counter() - start
    pop = pd.read_csv(p["population"], engine="pyarrow", dtype=dtype)
    t["csv"] = time.perf_counter() - start
    t["rss_growth_import"], t["rss_held_import"] = maxrss() - held0, rss_now() - held0
    t["observations"] = len(v) + len(pop)
    t["store_bytes"] = int(v.memory_usage(deep=True).sum() + pop.memory_usage(deep=True).sum())
    dirs = pd.read_csv(p["directions"], dtype=str)

    start = time.perf_counter()
    keys = ["municipality", "period", "gender"]
    pc = v.merge(pop[keys + ["value"]].rename(columns={"value": "population"}), on=keys, how="left")
    pc["result"] = pc["value"] / pc["population"] * SCALE
    t["per_capita"] = time.perf_counter() - start

    start = time.perf_counter()
    sign = np.where(v["kpi"].isin(dirs.loc[dirs["direction"] == "higher", "id"]), -1.0, 1.0)
    gid = v.groupby(["kpi", "period", "gender"], sort=False).ngroup()
    x = pd.DataFrame({"g": gid, "s": v["value"] * sign, "value": v["value"]})
    g = x.groupby("g", sort=False)
    rmin = g["s"].rank(method="min").to_numpy()
    rmax = g["s"].rank(method="max").to_numpy()
    cnt = g["s"].transform("count").to_numpy()
    mean = g["value"].transform("mean").to_numpy()
    ranked = ~np.isnan(rmin)
    with np.errstate(invalid="ignore", divide="ignore"):
        percentile = np.where(ranked, np.where(cnt > 1, 100.0 * (cnt - rmax) / (cnt - 1), 100.0), np.nan)
    cmp = pd.DataFrame(
        {
            "indicator": v["kpi"],
            "period": v["period"],
            "gender": v["gender"],
            "area": v["municipality"],
            "value": v["value"],
            "rank": np.where(ranked, rmin, 0).astype(np.int32),
            "n": cnt.astype(np.int32),
            "percentile": percentile,
            "colour": pd.Categorical.from_codes(
                np.where(ranked, peer_colour(rmin, rmax, cnt), COLOUR_CODE["grey"]), list(COLOUR_CODE)
            ),
            "mean": mean,
        }
    )
    t["compare"] = time.perf_counter() - start
    t["peak_rss"] = maxrss()
    if save:
        save_outputs("pandas", n, pc.rename(columns={"kpi": "indicator", "municipality": "area"}), cmp)


def work_polars(n, p, t, save):
    import polars as pl

    held0 = rss_now()
    codes = {"municipality": pl.String, "period": pl.String}
    start = time.perf_counter()
    v = pl.read_csv(p["values"], schema_overrides=codes)
    t["csv_values"] = time.perf_counter() - start
    pop = pl.read_csv(p["population"], schema_overrides=codes)
    t["csv"] = time.perf_counter() - start
    t["rss_growth_import"], t["rss_held_import"] = maxrss() - held0, rss_now() - held0
    t["observations"] = v.height + pop.height
    t["store_bytes"] = int(v.estimated_size() + pop.estimated_size())
    dirs = pl.read_csv(p["directions"])

    start = time.perf_counter()
    keys = ["municipality", "period", "gender"]
    pc = v.join(pop.select(*keys, pl.col("value").alias("population")), on=keys, how="left").with_columns(
        (pl.col("value") / pl.col("population") * SCALE).alias("result")
    )
    t["per_capita"] = time.perf_counter() - start

    start = time.perf_counter()
    grp = ["kpi", "period", "gender"]
    sign = dirs.select(
        pl.col("id").alias("kpi"), pl.when(pl.col("direction") == "higher").then(-1.0).otherwise(1.0).alias("sign")
    )
    x = v.join(sign, on="kpi", how="left").with_columns((pl.col("value") * pl.col("sign")).alias("s"))
    x = x.with_columns(
        pl.col("s").rank("min").over(grp).alias("rmin"),
        pl.col("s").rank("max").over(grp).alias("rmax"),
        pl.col("s").count().over(grp).alias("n"),
        pl.col("value").mean().over(grp).alias("mean"),
    )
    b, w, q = pl.col("rmin") - 1, pl.col("n") - pl.col("rmax"), pl.col("n") / 4
    missing = pl.col("rmin").is_null()
    cmp = x.select(
        pl.col("kpi").alias("indicator"),
        "period",
        "gender",
        pl.col("municipality").alias("area"),
        "value",
        pl.col("rmin").fill_null(0).cast(pl.Int32).alias("rank"),
        pl.col("n").cast(pl.Int32),
        pl.when(missing)
        .then(None)
        .when(pl.col("n") > 1)
        .then(100.0 * w / (pl.col("n") - 1))
        .otherwise(100.0)
        .alias("percentile"),
        pl.when(missing)
        .then(pl.lit("grey"))
        .when((b < q) == (w < q))
        .then(pl.lit("yellow"))
        .when(b < q)
        .then(pl.lit("green"))
        .otherwise(pl.lit("red"))
        .alias("colour"),
        "mean",
    )
    t["compare"] = time.perf_counter() - start
    t["peak_rss"] = maxrss()
    if save:
        pc = pc.rename({"kpi": "indicator", "municipality": "area"})
        save_outputs(
            "polars",
            n,
            {c: pc[c] for c in pc.columns},
            {c: cmp[c].to_numpy() if c in ("rank", "n", "percentile", "mean") else cmp[c] for c in cmp.columns},
        )


def work_duckdb(n, p, t, save):
    import duckdb

    con = duckdb.connect()
    held0 = rss_now()
    start = time.perf_counter()
    for table in ("values", "population"):
        con.execute(f"""CREATE TABLE {table}_t AS SELECT * FROM read_csv('{p[table]}', header = true,
                        types = {{'municipality': 'VARCHAR', 'period': 'VARCHAR'}})""")
        if table == "values":
            t["csv_values"] = time.perf_counter() - start
    t["csv"] = time.perf_counter() - start
    t["rss_growth_import"], t["rss_held_import"] = maxrss() - held0, rss_now() - held0
    t["observations"] = sum(con.execute(f"SELECT count(*) FROM {x}_t").fetchone()[0] for x in ("values", "population"))
    try:
        t["store_bytes"] = int(con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0])
    except duckdb.Error:
        pass
    con.execute(f"CREATE TABLE dirs AS SELECT * FROM read_csv('{p['directions']}', header = true)")

    start = time.perf_counter()
    pc = con.sql(f"""SELECT v.kpi AS indicator, v.municipality AS area, v.period, v.gender, v.value,
            p.value AS population, v.value / p.value * {SCALE} AS result
        FROM values_t v LEFT JOIN population_t p USING (municipality, period, gender)""").to_arrow_table()
    t["per_capita"] = time.perf_counter() - start

    start = time.perf_counter()
    cmp = con.sql("""
        WITH x AS (
            SELECT v.kpi, v.period, v.gender, v.municipality, v.value,
                   v.value * CASE WHEN d.direction = 'higher' THEN -1.0 ELSE 1.0 END AS s
            FROM values_t v LEFT JOIN dirs d ON v.kpi = d.id),
        y AS (
            SELECT *, rank() OVER w AS rmin,
                   count(s) OVER w AS rmax,      -- RANGE .. CURRENT ROW: the peers count too
                   count(s) OVER g AS n,
                   avg(value) OVER g AS mean
            FROM x
            WINDOW g AS (PARTITION BY kpi, period, gender),
                   w AS (PARTITION BY kpi, period, gender ORDER BY s ASC NULLS LAST))
        SELECT kpi AS indicator, period, gender, municipality AS area, value,
               CAST(CASE WHEN s IS NULL THEN 0 ELSE rmin END AS INTEGER) AS rank,
               CAST(n AS INTEGER) AS n,
               CASE WHEN s IS NULL THEN NULL WHEN n > 1 THEN 100.0::DOUBLE * (n - rmax) / (n - 1)
                    ELSE 100.0::DOUBLE END AS percentile,
               CASE WHEN s IS NULL THEN 'grey'
                    WHEN ((rmin - 1) < n / 4.0) = ((n - rmax) < n / 4.0) THEN 'yellow'
                    WHEN (rmin - 1) < n / 4.0 THEN 'green' ELSE 'red' END AS colour,
               mean
        FROM y""").to_arrow_table()
    t["compare"] = time.perf_counter() - start
    t["peak_rss"] = maxrss()
    if save:
        num = ("rank", "n", "percentile", "mean", "result")
        save_outputs(
            "duckdb",
            n,
            {c: pc[c].to_numpy() if c in num else pc[c] for c in pc.column_names},
            {c: cmp[c].to_numpy() if c in num else cmp[c] for c in cmp.column_names},
        )


# ---- json and reload: one timed call per tool, in a worker of its own ---------------------------
# Each reader returns a function that gives its table (len() = rows) after the timer stopped.


def json_kommunbench(db, path, t):
    db.import_kolada_json(path)
    return lambda: db.values(gender=None)


def json_pandas(pd, path, t):
    """json.load, then the row fields repeated for each cell (json_normalize takes twice as long)."""
    with open(path, "rb") as f:
        rows = json.load(f)["values"]
    keys = pd.DataFrame(
        {
            "indicator": [r["kpi"] for r in rows],
            "area": [r["municipality"] for r in rows],
            "period": [r["period"] for r in rows],
        }
    )
    keys = keys.iloc[np.repeat(np.arange(len(rows)), [len(r["values"]) for r in rows])].reset_index(drop=True)
    cells = pd.DataFrame([c for r in rows for c in r["values"]], columns=["gender", "value"])
    table = keys.assign(gender=cells["gender"], value=cells["value"].astype(np.float64))
    return lambda: table


def json_polars(pl, path, t):
    cell = pl.Struct({"gender": pl.String, "value": pl.Float64})
    row = pl.Struct({"kpi": pl.String, "municipality": pl.String, "period": pl.Int64, "values": pl.List(cell)})
    table = (
        pl.read_json(path, schema={"values": pl.List(row)})
        .explode("values")
        .unnest("values")
        .explode("values")
        .unnest("values")
        .select(pl.col("kpi").alias("indicator"), pl.col("municipality").alias("area"), "period", "gender", "value")
    )
    return lambda: table


def json_duckdb(con, path, t):
    # the response is one JSON object: maximum_object_size must hold the whole file
    con.execute(f"""CREATE TABLE json_t AS SELECT indicator, area, period, c.gender, c.value FROM (
        SELECT r.kpi AS indicator, r.municipality AS area, r.period, unnest(r."values") AS c
        FROM (SELECT unnest("values") AS r
              FROM read_json('{path}', maximum_object_size = {os.path.getsize(path) + 1})))""")
    return lambda: con.sql("SELECT * FROM json_t").to_arrow_table()


def reload_kommunbench(db, path, t):
    import kommunbench as kb

    start = time.perf_counter()
    snapshot = kb.Database.open(path)
    t["reload_open"] = time.perf_counter() - start
    snapshot.values_frame("N01951", gender=None).column("value").sum()  # one value column: it is usable

    def table():  # after the step: the value column of every observation, a table like the peers'
        start = time.perf_counter()
        snapshot.values_frame(gender=None).column("value").sum()
        t["reload_all_values"] = time.perf_counter() - start
        return snapshot  # len(): its observations

    return table


def reload_pandas(pd, path, t):
    table = pd.read_parquet(path)
    return lambda: table


def reload_polars(pl, path, t):
    table = pl.read_parquet(path)
    return lambda: table


def reload_duckdb(con, path, t):
    con.execute(f"CREATE TABLE reload_t AS SELECT * FROM read_parquet('{path}')")
    return lambda: con.sql("SELECT value FROM reload_t").to_arrow_table()


READERS = {
    "json": {"kommunbench": json_kommunbench, "pandas": json_pandas, "polars": json_polars, "duckdb": json_duckdb},
    "reload": {
        "kommunbench": reload_kommunbench,
        "pandas": reload_pandas,
        "polars": reload_polars,
        "duckdb": reload_duckdb,
    },
}


def reload_files(n):
    return {
        "snapshot": os.path.join(DATA, f"snapshot_{n}.kbdb"),
        "parquet": os.path.join(DATA, f"observations_{n}.parquet"),
    }


def prepare_reload(n, p, t):
    """Not timed, once per size: kommunbench's snapshot of values + population, and the same
    observations as one Parquet file (pyarrow's defaults; kpi, municipality, period as text as in
    the csv step) that the three peers read."""
    import kommunbench as kb
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    files = reload_files(n)
    with kb.Database() as db:
        for k in ("values", "population"):
            db.import_csv(p[k], layout="kolada")
        db.save(files["snapshot"])
    types = {"municipality": pa.string(), "period": pa.string(), "value": pa.float64()}
    text = pacsv.ConvertOptions(column_types=types)
    pq.write_table(
        pa.concat_tables([pacsv.read_csv(p[k], convert_options=text) for k in ("values", "population")]),
        files["parquet"],
    )
    t.update({f"{k}_bytes": os.path.getsize(x) for k, x in files.items()})


def setup(tool):
    """What a json or reload step starts from, made before the timer (as for the csv step): an
    empty Database, a DuckDB connection, or the library."""
    if tool == "kommunbench":
        import kommunbench as kb

        return kb.Database()
    lib = importlib.import_module(tool)
    return lib.connect() if tool == "duckdb" else lib


def work_step(tool, step, n, t, save):
    """The json or reload step: the timed call, the worker's peak memory, the table's rows."""
    ctx = setup(tool)
    source = paths(n)["json"] if step == "json" else reload_files(n)["snapshot" if tool == "kommunbench" else "parquet"]
    start = time.perf_counter()
    table = READERS[step][tool](ctx, source, t)
    t[step] = time.perf_counter() - start
    t["peak_rss_" + step] = maxrss()
    table = table()
    t[step + "_rows"] = len(table)
    if save and step == "json":
        np.savez(
            out_path(f"{tool}_json", n),
            value=floats(table["value"]),
            key=encode_keys(*(table[c] for c in ("indicator", "period", "gender", "area"))),
        )


WORKERS = {
    "kommunbench": work_kommunbench,
    "pandas": work_pandas,
    "polars": work_polars,
    "duckdb": work_duckdb,
    "kommunbench_one_call": work_kommunbench_one_call,
}


def job_name(tool, part):
    """A worker's name in the runs: the tool for csv..compare, else tool_part ("polars_json")."""
    return tool if part == "pipeline" else f"{tool}_{part}"


def worker(tool, part, n, save):
    t = {}
    if part == "pipeline":
        WORKERS[tool](n, paths(n), t, save)
        if "csv" in t and "per_capita" in t and "compare" in t:
            t["total"] = t["csv"] + t["per_capita"] + t["compare"]
    elif part == "prepare":
        prepare_reload(n, paths(n), t)
    else:
        work_step(tool, part, n, t, save)
    print("RESULT " + json.dumps(t))


# ---- the driver ------------------------------------------------------------------------------


def run_worker(tool, part, n, save):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", tool, part, str(n)] + (["--save"] if save else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        raise SystemExit(f"{job_name(tool, part)} failed at {n:,} observations (exit {proc.returncode})")
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def parts(n):
    """The workers each tool runs at size n: csv..compare, json (up to JSON_MAX), reload."""
    return ["pipeline"] + (["json"] if "json" in paths(n) else []) + ["reload"]


def first_difference(tool, n, what, key, i, ref, other, order_ref, order_other, columns):
    rows = []
    for j in range(max(0, i - 1), min(len(order_ref), i + 2)):
        code = decode_key(ref[key][order_ref[j]])
        for name, d, order in (("kommunbench", ref, order_ref), (tool, other, order_other)):
            vals = {c: d[c][order[j]] for c in columns}
            if "colour" in vals:
                vals["colour"] = COLOUR_NAME[int(vals["colour"])]
            rows.append(
                f"  {'*' if j == i else ' '} {name:<12} {' '.join(code)}  "
                + "  ".join(f"{c}={v}" for c, v in vals.items())
            )
    return (
        f"{tool} differs from kommunbench in {what} at row {i:,} of {len(order_ref):,} "
        f"(size {n:,}, sorted by indicator, period, gender, area):\n" + "\n".join(rows)
    )


# per worker part: (what, key, columns, tools) checked against kommunbench's output of that part
CHECKS = {
    "pipeline": [
        ("compare", "key", ["rank", "n", "percentile", "colour", "mean"], PEERS),
        ("per_capita", "pc_key", ["pc_result"], PEERS + ["kommunbench_one_call"]),
    ],
    "json": [("json", "key", ["value"], PEERS)],
}
WORST = {"mean": "mean", "pc_result": "per_capita", "value": "json"}  # float column -> summary name


def check(tool, n, what, key, columns, ref, other, o_ref, worst):
    """other's rows sorted by key must be ref's: the same keys, the same values (floats within
    1e-9 relative, both NaN equal); exit with the first difference otherwise."""
    o_oth = np.argsort(other[key], kind="stable")
    a, b = ref[key][o_ref], other[key][o_oth]
    if len(a) != len(b) or not np.array_equal(a, b):
        i = int(np.argmax(a[: min(len(a), len(b))] != b[: min(len(a), len(b))])) if len(a) == len(b) else 0
        raise SystemExit(
            f"{tool}: {what} has {len(b):,} rows, kommunbench {len(a):,}; "
            f"first different key at sorted row {i:,}: "
            f"{decode_key(a[i]) if i < len(a) else '-'} vs {decode_key(b[i]) if i < len(b) else '-'}"
        )
    bad = np.zeros(len(a), dtype=bool)
    for c in columns:
        x, y = ref[c][o_ref], other[c][o_oth]
        if c == "percentile":
            x, y = np.round(x, 9), np.round(y, 9)
            bad |= ~((x == y) | (np.isnan(x) & np.isnan(y)))
        elif x.dtype.kind == "f":
            both_nan = np.isnan(x) & np.isnan(y)
            with np.errstate(invalid="ignore"):
                rel = np.abs(x - y) / np.maximum(np.abs(x), np.abs(y))
            rel = np.where(both_nan | (x == y), 0.0, rel)
            bad |= ~(rel <= 1e-9)  # NaN (one side missing) counts as a difference
            worst[WORST[c]] = max(worst.get(WORST[c], 0.0), float(np.max(rel, initial=0)))
        else:
            bad |= x != y
    if bad.any():
        i = int(np.argmax(bad))
        sys.stderr.write(first_difference(tool, n, what, key, i, ref, other, o_ref, o_oth, columns) + "\n")
        raise SystemExit(1)


def verify(n, runs):
    """The tools' outputs, sorted by (indicator, period, gender, area), must agree with
    kommunbench's; every json and reload table must have kommunbench's observations as rows."""
    summary, worst = {}, {}
    for part, checks in CHECKS.items():
        if part not in parts(n):
            continue
        ref = dict(np.load(out_path(job_name("kommunbench", part), n)))
        order = {key: np.argsort(ref[key], kind="stable") for _, key, _, _ in checks}
        summary.update({f"{what}_rows": int(len(ref[key])) for what, key, _, _ in checks})
        for tool in dict.fromkeys(t for *_, tools in checks for t in tools):
            other = dict(np.load(out_path(job_name(tool, part), n)))
            for what, key, columns, tools in checks:
                if tool in tools:
                    check(tool, n, what, key, columns, ref, other, order[key], worst)
    observations = runs["kommunbench"][0]["observations"]
    for part in parts(n)[1:]:
        rows = {(t, r[f"{part}_rows"]) for t in TOOLS for r in runs[job_name(t, part)]}
        if {x for _, x in rows} != {observations}:
            raise SystemExit(
                f"{part}: the tables' rows {sorted(rows)} are not the {observations:,} observations "
                f"kommunbench imported from the CSV files (size {n:,})"
            )
        summary[f"{part}_rows"] = observations
    summary.update({f"max_relative_difference_{k}": v for k, v in worst.items()})
    for path in glob.glob(os.path.join(DATA, f"out_*_{n}.npz")):
        os.unlink(path)
    return summary


def csv_baseline(n, repeat):
    """libcsv alone on one core over values_<N>.csv: fields and rows counted, nothing converted."""
    exe = os.path.join(ROOT, "build", "csv_baseline")
    runs = [
        json.loads(subprocess.run([exe, paths(n)["values"]], capture_output=True, text=True, check=True).stdout)
        for _ in range(max(repeat, 3))
    ]
    best = min(runs, key=lambda r: r["seconds"])
    return {"csv_values": best["seconds"], "rows": best["rows"], "fields": best["fields"]}


def warm_page_cache(n):
    for path in paths(n).values():
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def best_of(runs):
    """Per key: the minimum of the runs for times, the maximum for memory, else the first."""
    out = {}
    for k, v in runs[0].items():
        if (
            isinstance(v, (int, float))
            and not k.startswith(("observations", "store_bytes"))
            and not k.endswith("_rows")
        ):
            vals = [r[k] for r in runs]
            out[k] = max(vals) if k.startswith(("peak_rss", "rss_")) else min(vals)
        else:
            out[k] = v
    return out


def fmt_s(x):
    return "–" if x is None else (f"{x:.3f}" if x < 100 else f"{x:.1f}")


def report(n, res):
    kb = res["times"]["kommunbench"]
    print(
        f"\n== {n:,} observations requested: {kb['observations']:,} stored by kommunbench "
        f"(values + population); outputs agree =="
    )
    print("seconds".ljust(12) + "".join(t.rjust(14) for t in TOOLS))
    for step in STEPS:
        print(step.ljust(12) + "".join(fmt_s(res["times"][t].get(step)).rjust(14) for t in TOOLS))
    print("\nratio peer ÷ kommunbench (>1: kommunbench is faster)")
    print("".ljust(12) + "".join(t.rjust(14) for t in PEERS))
    for step in STEPS:
        print(
            step.ljust(12)
            + "".join((f"{res['ratios'][t][step]:.2f}" if step in res["ratios"][t] else "–").rjust(14) for t in PEERS)
        )
    if "json" not in kb:
        print(f"json: not run at {n:,} observations (sizes up to BENCH_JSON_MAX = {JSON_MAX:,} only)")
    print("\nmemory".ljust(17) + "".join(t.rjust(14) for t in TOOLS))
    rows = [
        ("peak MiB", "peak_rss_mib", "{:.0f}"),
        ("json peak MiB", "peak_rss_mib_json", "{:.0f}"),
        ("reload peak MiB", "peak_rss_mib_reload", "{:.0f}"),
        ("import peak B/obs", "rss_growth_per_observation", "{:.0f}"),
        ("import held B/obs", "rss_held_per_observation", "{:.0f}"),
        ("tables B/obs", "bytes_per_observation", "{:.1f}"),
    ]
    for label, k, f in rows:
        print(
            label.ljust(16)
            + "".join(
                (f.format(res["memory"][t][k]) if res["memory"][t].get(k) is not None else "–").rjust(14) for t in TOOLS
            )
        )
    print(
        "  (peak: ru_maxrss of the worker that runs csv..compare; json, reload peak: of the worker that runs\n"
        "   only that step; import peak: ru_maxrss after the csv step minus resident memory before it;\n"
        "   import held: resident memory after it minus before; tables: the tool's own count of\n"
        "   the bytes its tables hold: db.memory(), memory_usage(deep), estimated_size(), duckdb_memory())"
    )
    base = res["baseline"]
    one = res["times"]["kommunbench_one_call"]["per_capita"]
    print(
        f"\nkommunbench csv: values {kb['csv_values']:.3f} s + population {kb['csv_population']:.3f} s; "
        f"values import ÷ libcsv alone on one core ({base['csv_values']:.3f} s) = "
        f"{kb['csv_values'] / base['csv_values']:.2f}"
    )
    print(
        f"kommunbench per_capita: one call for all indicators (indicator=None) {kb['per_capita']:.3f} s; "
        f"a loop of {res['n_indicators']} calls, one per indicator, with pd.concat: {one:.3f} s "
        f"({one / kb['per_capita']:.1f}x slower: each call scans the whole store)"
    )
    print(
        f"kommunbench compare: C call {kb['compare_c']:.3f} s + DataFrame {kb['compare_to_pandas']:.3f} s "
        f"+ means {kb['compare_mean']:.3f} s ({kb['mean_from']})"
        + (
            f"; the numpy bincount mean would take {kb['compare_mean_numpy']:.3f} s"
            if "compare_mean_numpy" in kb
            else ""
        )
    )
    files = res["files"]
    if "json" in kb:
        print(
            f"json: kolada_{n}.json is {files['json_bytes'] / 1e6:.0f} MB (the CSV files "
            f"{files['csv_bytes'] / 1e6:.0f} MB)"
        )
    print(
        f"kommunbench reload: Database.open {kb['reload_open']:.3f} s of {kb['reload']:.3f} s (then N01951's "
        f"values); the value column of every observation (values_frame, not in the step) takes "
        f"{kb['reload_all_values']:.3f} s more; snapshot {files['snapshot_bytes'] / 1e6:.0f} MB, "
        f"Parquet {files['parquet_bytes'] / 1e6:.0f} MB"
    )


def growth(results):
    sizes = sorted(results["seconds"], key=int)
    if len(sizes) < 2:
        return {}
    a, b = sizes[0], sizes[-1]
    obs = lambda s: results["observations"][s]  # noqa: E731
    factor = obs(b) / obs(a)
    print(f"\ngrowth from {int(a):,} to {int(b):,} (x{factor:.2f} observations); linear = within 0.75..1.33 of that:")
    out = {}
    for tool in TOOLS:
        sec, mem = (
            (results["seconds"][a][tool], results["seconds"][b][tool]),
            (results["memory"][a][tool], results["memory"][b][tool]),
        )
        row = {step: sec[1][step] / sec[0][step] for step in STEPS if step in sec[0] and step in sec[1]}
        row.update(
            {
                "peak_memory" + k[len("peak_rss_mib") :]: mem[1][k] / mem[0][k]
                for k in ("peak_rss_mib", "peak_rss_mib_json", "peak_rss_mib_reload")
                if k in mem[0] and k in mem[1]
            }
        )
        out[tool] = row
        words = []
        for k, g in row.items():
            rel = g / factor
            kind = "linear" if 0.75 <= rel <= 1.33 else ("SUPERLINEAR" if rel > 1.33 else "sublinear")
            words.append(f"{k} x{g:.1f} {kind}")
        print(f"  {tool:<12} " + ", ".join(words))
    return {"from": a, "to": b, "observations_factor": factor, "factors": out}


def library_source():
    """The git commit the package was built from, and the library files changed since."""

    def git(*args):
        try:
            return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = git("status", "--porcelain", "--", "libbench", "include", "bindings", "setup.py", "pyproject.toml")
    return {"commit": git("rev-parse", "HEAD"), "changed_since_commit": [x[3:] for x in changed.splitlines()]}


def notes(results):
    out = []
    for key in results["seconds"]:
        d, kb = results["kommunbench_details"][key], results["seconds"][key]["kommunbench"]
        one, loop = kb["per_capita"], d["per_capita_loop"]
        out.append(
            f"{int(key):,}: kommunbench's per_capita loop (one call per indicator) takes {loop:.2f} s, "
            f"one call for every indicator (indicator=None) {one:.2f} s: the loop is {loop / one:.1f}x slower, "
            f"because each call scans the whole store"
        )
        out.append(
            f"{int(key):,}: kommunbench's values import is {results['baseline'][key]['kommunbench_csv_values_ratio']:.1f}x "
            f"libcsv alone on one core ({results['baseline'][key]['csv_values']:.2f} s)"
        )
        if "json" not in kb:
            out.append(f"{int(key):,}: the json step was not run (sizes up to BENCH_JSON_MAX = {JSON_MAX:,} only)")
    out.append(f"kommunbench's group means: {results['mean_from']}")
    return out


def memory(t, n):
    """The results.json memory entry of one tool's best-of times."""
    obs = t["observations"]
    out = {
        "peak_rss_mib": t["peak_rss"] / 2**20,
        "rss_growth_per_observation": t["rss_growth_import"] / obs,
        "rss_held_per_observation": t["rss_held_import"] / obs,
        "bytes_per_observation": t["store_bytes"] / obs if t.get("store_bytes") else None,
    }
    out.update({f"peak_rss_mib_{part}": t[f"peak_rss_{part}"] / 2**20 for part in parts(n)[1:]})
    return out


def main():
    args = sys.argv[1:]
    if args[:1] == ["--worker"]:
        return worker(args[1], args[2], int(args[3]), "--save" in args)
    sizes = sizes_from_argv()
    repeat = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
    import duckdb
    import kommunbench
    import pandas
    import polars
    import pyarrow

    results = {
        "command": "make bench BENCH_SIZES=\""
        + " ".join(map(str, sizes))
        + f"\"  (bench/run.py with BENCH_REPEAT={repeat})",
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "versions": {
            "kommunbench": kommunbench.__version__,
            "pandas": pandas.__version__,
            "polars": polars.__version__,
            "duckdb": duckdb.__version__,
            "pyarrow": pyarrow.__version__,
            "numpy": np.__version__,
        },
        "threads": {
            "kommunbench": "2 (CSV import of a file over 8 MB and its merge, compare_all and per_capita over a million rows), else 1",
            "pandas": "1 (pyarrow's CSV reader uses all cores)",
            "polars": polars.thread_pool_size(),
            "duckdb": duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0],
        },
        "kommunbench_source": library_source(),
        "repeat": repeat,
        "sizes": sizes,
        "steps": STEPS,
        "seconds": {},
        "ratios": {},
        "memory": {},
        "kommunbench_details": {},
        "baseline": {},
        "observations": {},
        "verification": {},
        "mean_from": None,
        "files": {},
        "json_max": JSON_MAX,
    }
    for n in sizes:
        warm_page_cache(n)
        files = run_worker("kommunbench", "prepare", n, save=False)  # snapshot and Parquet, not timed
        jobs = [(t, part) for part in parts(n) for t in TOOLS + ["kommunbench_one_call"] * (part == "pipeline")]
        runs = {job_name(*job): [] for job in jobs}
        for r in range(repeat):  # interleaved, so a disturbance hits every tool alike
            for tool, part in jobs:
                print(f"  {n:,}: {job_name(tool, part)} run {r + 1}/{repeat}", file=sys.stderr, flush=True)
                runs[job_name(tool, part)].append(run_worker(tool, part, n, save=(r == 0)))
        for path in reload_files(n).values():
            os.unlink(path)
        summary = verify(n, runs)  # before any time is reported
        times = {job: best_of(r) for job, r in runs.items()}
        for tool in TOOLS:  # one row per tool: its json and reload workers' times beside the pipeline's
            for part in parts(n)[1:]:
                times[tool].update(times.pop(job_name(tool, part)))
        kb = times["kommunbench"]
        key = str(n)
        results["seconds"][key] = {t: {s: times[t][s] for s in STEPS if s in times[t]} for t in TOOLS}
        results["ratios"][key] = {t: {s: times[t][s] / kb[s] for s in STEPS if s in kb} for t in PEERS}
        results["memory"][key] = {t: memory(times[t], n) for t in TOOLS}
        files.update(
            {
                "csv_bytes": os.path.getsize(paths(n)["values"]) + os.path.getsize(paths(n)["population"]),
                "json_bytes": os.path.getsize(paths(n)["json"]) if "json" in paths(n) else None,
            }
        )
        results["files"][key] = files
        results["observations"][key] = kb["observations"]
        results["baseline"][key] = csv_baseline(n, repeat)
        results["baseline"][key]["kommunbench_csv_values_ratio"] = (
            kb["csv_values"] / results["baseline"][key]["csv_values"]
        )
        results["kommunbench_details"][key] = {k: kb[k] for k in KB_DETAILS + ["compare_mean_numpy"] if k in kb}
        results["kommunbench_details"][key]["per_capita_loop"] = times["kommunbench_one_call"]["per_capita"]
        results["kommunbench_details"][key]["csv_values_peers"] = {t: times[t]["csv_values"] for t in PEERS}
        results["mean_from"] = kb["mean_from"]
        results["verification"][key] = summary
        results["all_runs"] = results.get("all_runs", {})
        results["all_runs"][key] = runs
        res = {
            "times": times,
            "ratios": results["ratios"][key],
            "memory": results["memory"][key],
            "baseline": results["baseline"][key],
            "files": files,
            "n_indicators": len(open(paths(n)["directions"]).read().splitlines()) - 1,
        }
        report(n, res)
    results["growth"] = growth(results)
    results["notes"] = notes(results)
    for line in results["notes"]:
        print("note: " + line)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    with open(RESULTS, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
