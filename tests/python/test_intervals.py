"""Confidence intervals (Garwood for rates, Wilson for shares) against scipy, and significance
colours against a pandas reading of the rule."""

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

stats = pytest.importorskip("scipy.stats")

KOMMUNER = ["1490", "0138", "0180", "0114", "0115", "0117", "0120", "0123"]


def load(counts, pops):
    db = kb.Database()
    rows = [f"N01951,{a},2022,{p}" for a, p in zip(KOMMUNER, pops)]
    rows += [f"C,{a},2022,{c}" for a, c in zip(KOMMUNER, counts)]
    db.import_csv("kpi,municipality,period,value\n" + "\n".join(rows) + "\n", source="test")
    return db


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 5000), min_size=8, max_size=8),
    st.lists(st.integers(1, 200000), min_size=8, max_size=8),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_garwood_matches_scipy(counts, pops, level):
    with load(counts, pops) as db:
        df = db.per_capita("C", scale=1000, ci=level).astype({"area": str}).set_index("area")
    alpha = 1 - level
    for a, x, n in zip(KOMMUNER, counts, pops):
        lo = stats.chi2.ppf(alpha / 2, 2 * x) / 2 if x > 0 else 0.0
        hi = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
        assert df.loc[a, "ci_low"] == pytest.approx(lo / n * 1000, rel=1e-9, abs=1e-12)
        assert df.loc[a, "ci_high"] == pytest.approx(hi / n * 1000, rel=1e-9)
        assert df.loc[a, "ci_low"] <= df.loc[a, "result"] <= df.loc[a, "ci_high"]
    assert df.attrs["ci_method"] == "Garwood"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5000), st.floats(0, 1)), min_size=8, max_size=8), st.sampled_from([0.9, 0.95]))
def test_wilson_matches_scipy(cells, level):
    pops = [n for n, _ in cells]
    counts = [int(round(n * f)) for n, f in cells]
    with load(counts, pops) as db:
        df = db.per_capita("C", scale=100, ci=level).astype({"area": str}).set_index("area")
    for a, x, n in zip(KOMMUNER, counts, pops):
        ref = stats.binomtest(x, n).proportion_ci(confidence_level=level, method="wilson")
        assert df.loc[a, "ci_low"] == pytest.approx(100 * ref.low, rel=1e-9, abs=1e-9)
        assert df.loc[a, "ci_high"] == pytest.approx(100 * ref.high, rel=1e-9, abs=1e-9)
    assert df.attrs["ci_method"] == "Wilson"


def test_missing_and_stored(tmp_path):
    with load([10, 20, 0, 5, 7, 9, 11, 13], [1000] * 8) as db:
        db.import_csv("kpi,municipality,period,value\nC,0124,2022,..\nN01951,0125,2022,0\nC,0125,2022,3\n")
        df = db.per_capita("C", ci=0.95, store_as="CR").astype({"area": str}).set_index("area")
        assert df.loc[["0124", "0125"], ["ci_low", "ci_high"]].isna().all().all()  # no value, 0 inv
        ids = set(db.indicators()["id"])
        assert {"CR", "CR:ci_low", "CR:ci_high"} <= ids
        db.save(tmp_path / "ci.kbsnap")
        with kb.Database.open(tmp_path / "ci.kbsnap") as back:
            low = back.values("CR:ci_low").astype({"area": str}).set_index("area")["value"]
            assert low["1490"] == pytest.approx(df.loc["1490", "ci_low"])
        with pytest.raises(kb.InvalidArgumentError):
            db.per_capita("C", ci=95)


def test_significance_colours_follow_the_rule():
    counts = [10, 100, 110, 200, 150, 90, 300, 5]
    with load(counts, [10000] * 8) as db:
        db.set_indicator("C", direction="lower")
        db.per_capita("C", scale=1000, ci=0.95, store_as="CR")
        ci = db.per_capita("C", scale=1000, ci=0.95).astype({"area": str}).set_index("area")
        for reference in (None, 12.5):
            c = db.compare("CR", 2022, areas=KOMMUNER, colours="significance", reference=reference)
            ref = c.stats["unweighted_mean"] if reference is None else reference
            want = np.where(ci["ci_high"] < ref, "green", np.where(ci["ci_low"] > ref, "red", "yellow"))
            want = pd.Series(want, index=ci.index)
            got = c.table.set_index("area")["colour"]
            assert got.to_dict() == want[got.index].to_dict()
        # without a direction: the neutral words
        c = db.compare("CR", 2022, areas=KOMMUNER, colours="significance", direction="none")
        assert set(c.table["colour"]) <= {"higher", "lower", "similar"}
        # rank colours stay the default
        assert set(db.compare("CR", 2022, areas=KOMMUNER).table["colour"]) <= {"green", "yellow", "red"}
        with pytest.raises(kb.NotFoundError, match="confidence interval"):
            db.compare("C", 2022, areas=KOMMUNER, colours="significance")
        with pytest.raises(kb.InvalidArgumentError):
            db.compare("CR", 2022, colours="pretty")


def test_ranking_chart_says_the_significance_rule():
    from kommunbench import charts

    with load([10, 100, 110, 200, 150, 90, 300, 5], [10000] * 8) as db:
        db.set_indicator("C", direction="lower")
        db.per_capita("C", scale=1000, ci=0.95, store_as="CR")
        fig = charts.ranking(db.compare("CR", 2022, areas=KOMMUNER, colours="significance", reference=12.5))
        words = " ".join(" ".join(t.get_text() for t in fig.texts).split())
        assert "konfidensintervallet mot 12,5" in words and "bästa 25 %" not in words
        charts.close(fig)
