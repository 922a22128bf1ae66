"""Property tests: ranks, percentiles, colours and statistics of compare() and compare_all()
against a plain pandas/numpy reference of the rules in include/bench.h, on random data with
ties and missing values."""

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with kb.Database() as _db:
    KOMMUNER = sorted(_db.areas().query("type == 'kommun'")["code"])

POOL = [0.0, 1.5, 2.0, 2.0, 7.25, 10.0, 33.0, -4.0, 100.0]


def ranks_of(series):
    """Ranks as a list, None where there is none (an area without a value)."""
    return [None if pd.isna(r) else int(r) for r in series]


def reference(values, direction):
    """values: dict area -> float or None.  Returns a DataFrame indexed by area."""
    s = pd.Series(values, dtype="float64")
    ranked = s.dropna()
    n = len(ranked)
    rows = {}
    for area, v in s.items():
        if np.isnan(v):
            rows[area] = (None, np.nan, "grey")
            continue
        better = int((ranked < v).sum() if direction == "lower" else (ranked > v).sum())
        worse = int((ranked > v).sum() if direction == "lower" else (ranked < v).sum())
        pct = 100.0 * worse / (n - 1) if n > 1 else 100.0
        g, r = better < n / 4, worse < n / 4
        colour = "" if direction == "none" else ("yellow" if g == r else ("green" if g else "red"))
        rows[area] = (better + 1, pct, colour)
    ref = pd.DataFrame.from_dict(rows, orient="index", columns=["rank", "percentile", "colour"])
    stats = {"n": n}
    if n:
        a = ranked.to_numpy()
        stats.update(
            unweighted_mean=a.mean(),
            median=np.quantile(a, 0.5),
            q1=np.quantile(a, 0.25),
            q3=np.quantile(a, 0.75),
            min=a.min(),
            max=a.max(),
        )
    return ref, stats


cases = st.lists(
    st.one_of(st.none(), st.sampled_from(POOL), st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3))),
    min_size=1,
    max_size=40,
)


def load(values):
    db = kb.Database()
    lines = ["kpi,municipality,period,value"]
    lines += [f"X,{a},2022,{'..' if v is None else repr(v)}" for a, v in values.items()]
    db.import_csv("\n".join(lines).encode(), source="hyp")
    return db


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, st.sampled_from(["lower", "higher", "none"]))
def test_compare_matches_reference(raw, direction):
    values = dict(zip(KOMMUNER, raw))
    with load(values) as db:
        c = db.compare("X", 2022, areas=list(values), direction=direction, weight=None, min_coverage=0)
    ref, stats = reference({a: (np.nan if v is None else v) for a, v in values.items()}, direction)
    got = c.table.set_index("area").loc[ref.index]
    assert ranks_of(got["rank"]) == ranks_of(ref["rank"])
    assert got["colour"].tolist() == ref["colour"].tolist()
    np.testing.assert_allclose(got["percentile"].to_numpy(), ref["percentile"].to_numpy(), equal_nan=True)
    assert c.stats["n"] == stats["n"] and c.stats["n_areas"] == len(values)
    for key in ("unweighted_mean", "median", "q1", "q3", "min", "max"):
        if stats["n"]:
            assert c.stats[key] == pytest.approx(stats[key], rel=1e-12, abs=1e-9)
        else:
            assert np.isnan(c.stats[key])
    # missing values are never ranked and never 0
    missing = [a for a, v in values.items() if v is None]
    assert got.loc[missing, "rank"].isna().all() and got.loc[missing, "value"].isna().all()


@settings(max_examples=60, deadline=None)
@given(st.lists(cases, min_size=1, max_size=4), st.sampled_from(["lower", "higher"]))
def test_compare_all_matches_compare_per_group(groups, direction):
    db = kb.Database()
    lines = ["kpi,municipality,period,value"]
    for year, raw in enumerate(groups, start=2015):
        for a, v in zip(KOMMUNER, raw):
            lines.append(f"X,{a},{year},{'..' if v is None else repr(v)}")
    db.import_csv("\n".join(lines).encode())
    db.set_indicator("X", direction=direction)
    bulk = db.compare_all(min_coverage=0)
    for year, raw in enumerate(groups, start=2015):
        one = db.compare("X", year, min_coverage=0).table
        one = one[one["area"].isin(KOMMUNER[: len(raw)])].set_index("area")
        b = bulk[bulk["period"] == str(year)].set_index("area")
        b.index = b.index.astype(str)
        assert b.loc[one.index, "rank"].tolist() == one["rank"].tolist()
        assert b.loc[one.index, "colour"].astype(str).tolist() == one["colour"].tolist()
        assert (b["n"] == (one["rank"] > 0).sum()).all()
    db.close()
