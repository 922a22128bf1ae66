"""Comparison: the table, statistics, texts, area sets, compare_all, and property tests of the
rules written in include/bench.h ("Comparison") against a plain pandas/numpy reference.  The rank
rules are checked on sets of any coverage (min_coverage=0); the coverage rule has its own tests
in test_coverage.py."""

import re

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kommunbench.compare import COLOURS

TABLE_COLUMNS = ["area", "name", "value", "rank", "n", "percentile", "colour"]
STATS_KEYS = {"n", "n_areas", "unweighted_mean", "weighted_mean", "median", "q1", "q3", "min", "max"}

DATA = """kpi,municipality,period,gender,value
U33401,1490,2022,T,77
U33401,0138,2022,T,89
U33401,1480,2022,T,100
U33401,1280,2022,T,120
U33401,0180,2022,T,..
U33401,1484,2022,T,60
U33401,1490,2022,K,80
U33401,0138,2022,K,70
U33401,1490,2021,T,74
U33401,0138,2021,T,98
N01951,1490,2022,T,100000
N01951,0138,2022,T,50000
N01951,1480,2022,T,600000
"""
FOUR = ["1490", "0138", "1480", "1280", "0180"]  # four values and a sekretess


def ranks_of(series):
    """Ranks as a list, None where there is none (an area without a value)."""
    return [None if pd.isna(r) else int(r) for r in series]


@pytest.fixture
def cdb():
    d = kb.Database()
    d.import_csv(DATA, source="test")
    yield d
    d.close()


def rows(table):
    return {r.area: r for r in table.itertuples(index=False)}


# ---- the table and the statistics -----------------------------------------------------------------


def test_table_columns_and_stats_keys(cdb):
    c = cdb.compare("U33401", 2022, areas=FOUR, min_coverage=0)
    assert list(c.table.columns)[: len(TABLE_COLUMNS)] == TABLE_COLUMNS
    assert set(c.stats) == STATS_KEYS
    assert all(isinstance(a, str) for a in c.table["area"])
    assert c.table["area"].tolist() == ["1490", "0138", "1480", "1280", "0180"]  # best first, missing last
    assert c.table["name"].tolist() == ["Borås", "Tyresö", "Göteborg", "Malmö", "Stockholm"]
    assert ranks_of(c.table["rank"]) == [1, 2, 3, 4, None]  # no value: rank missing, not 0
    assert str(c.table["rank"].dtype) == "Int32"
    assert c.table["colour"].tolist() == ["green", "yellow", "yellow", "red", "grey"]
    np.testing.assert_allclose(c.table["percentile"], [100, 200 / 3, 100 / 3, 0, np.nan])
    assert (c.table["n"] == 4).all()
    assert np.isnan(c.table["value"].iloc[-1])


def test_stats(cdb):
    s = cdb.compare("U33401", 2022, areas=FOUR, min_coverage=0).stats
    values = np.array([77.0, 89.0, 100.0, 120.0])
    assert (s["n"], s["n_areas"]) == (4, 5)
    assert s["unweighted_mean"] == pytest.approx(values.mean())
    assert s["median"] == pytest.approx(np.median(values))
    assert s["q1"] == pytest.approx(np.quantile(values, 0.25))
    assert s["q3"] == pytest.approx(np.quantile(values, 0.75))
    assert (s["min"], s["max"]) == (77.0, 120.0)
    # weighted by N01951 where there is one (Malmö has none and is left out)
    w = (77 * 100000 + 89 * 50000 + 100 * 600000) / (100000 + 50000 + 600000)
    assert s["weighted_mean"] == pytest.approx(w)


def test_weighted_mean_is_nan_without_population(cdb):
    s = cdb.compare("U33401", 2022, areas=FOUR, weight=None, min_coverage=0).stats
    assert np.isnan(s["weighted_mean"]) and s["unweighted_mean"] == pytest.approx(96.5)


def test_gender_is_a_separate_series(cdb):
    c = cdb.compare("U33401", 2022, gender="K", areas=["1490", "0138"], direction="lower", min_coverage=0)
    assert c.table["area"].tolist() == ["0138", "1490"]
    assert c.table["value"].tolist() == [70.0, 80.0]


def test_focus_text(cdb):
    c = cdb.compare("U33401", 2022, areas=FOUR, focus="1490", min_coverage=0)
    assert c.focus_text == "Borås har plats 1 av 4, bland de 25 % bästa."
    assert (
        cdb.compare("U33401", 2022, areas=FOUR, focus="1280", min_coverage=0).focus_text
        == "Malmö har plats 4 av 4, bland de 25 % sämsta."
    )
    assert (
        cdb.compare("U33401", 2022, areas=FOUR, focus="0138", min_coverage=0).focus_text
        == "Tyresö har plats 2 av 4, bland de 50 % i mitten."
    )
    assert (
        cdb.compare("U33401", 2022, areas=FOUR, focus="0180", min_coverage=0).focus_text == "Stockholm har inget värde."
    )
    assert cdb.compare("U33401", 2022, areas=FOUR, min_coverage=0).focus_text is None


def test_caption(cdb):
    c = cdb.compare("U33401", 2022, areas=FOUR, min_coverage=0)
    caption = c.caption()
    assert caption.startswith("Utredningstid i antal dagar")
    assert ", 2022, totalt;" in caption
    assert "4 av 5 områden har värde" in caption
    assert caption.endswith("Källa: Kolada")
    assert ", kvinnor;" in cdb.compare("U33401", 2022, gender="K", areas=FOUR, min_coverage=0).caption()


def test_repr_html_contains_the_colours(cdb):
    c = cdb.compare("U33401", 2022, areas=FOUR, focus="1490", min_coverage=0)
    html = c._repr_html_()
    for colour in ("green", "yellow", "red", "grey"):
        expected = int((c.table["colour"] == colour).sum())
        assert html.count(f"background:{COLOURS[colour]}") == expected, colour
    assert html.count("<tr") == len(c.table) + 1
    assert "Borås" in html and "Borås har plats 1 av 4" in html
    assert "77,0" in html  # Swedish decimal comma
    assert html.count("font-weight:bold;") == 1  # the focus row


def test_repr(cdb):
    text = repr(cdb.compare("U33401", 2022, areas=FOUR, focus="1490", weight=None, min_coverage=0))
    assert "n=4" in text and "ovägt medel=96,5" in text and "Borås har plats 1 av 4" in text


def test_unknown_indicator_or_period(cdb):
    with pytest.raises(kb.NotFoundError):
        cdb.compare("NOSUCH", 2022, min_coverage=0)
    with pytest.raises(kb.NotFoundError):
        cdb.compare("U33401", 1990, min_coverage=0)


# ---- area sets --------------------------------------------------------------------------------------


def test_areas_kommuner_is_all_290(cdb):
    for areas in (None, "kommuner"):
        c = cdb.compare("U33401", 2022, areas=areas, min_coverage=0)
        assert len(c.table) == 290 and c.stats["n_areas"] == 290
        assert c.stats["n"] == 5  # 0180 has sekretess
        assert (c.table["rank"] > 0).sum() == 5
        assert (c.table.loc[c.table["rank"].isna(), "colour"] == "grey").all()
        assert c.table["area"].str.fullmatch(r"\d{4}").all()


def test_areas_kommungrupp_by_id_and_name(cdb, catalogue):
    members = sorted(catalogue.loc[catalogue["kommungrupp"] == "G92790", "code"])
    assert len(members) == 23
    by_id = cdb.compare("U33401", 2022, areas="G92790", focus="1490", min_coverage=0)
    by_name = cdb.compare("U33401", 2022, areas="Större stad", focus="1490", min_coverage=0)
    for c in (by_id, by_name):
        assert sorted(c.table["area"]) == members
        assert c.stats["n_areas"] == 23
    pd.testing.assert_frame_equal(by_id.table, by_name.table)
    # of the Större stad kommuner only Borås has a value here
    assert by_id.stats["n"] == 1
    assert rows(by_id.table)["1490"].rank == 1


def test_areas_lan(cdb, catalogue):
    c = cdb.compare("U33401", 2022, areas="14", direction="lower", min_coverage=0)
    expected = sorted(catalogue.loc[(catalogue["type"] == "kommun") & (catalogue["lan"] == "14"), "code"])
    assert sorted(c.table["area"]) == expected and len(expected) == 49
    ranked = c.table[c.table["rank"] > 0]
    assert ranked["area"].tolist() == ["1484", "1490", "1480"]  # 60, 77, 100
    assert ranked["colour"].tolist() == ["green", "yellow", "red"]


def test_areas_custom_group(cdb):
    cdb.set_group("GPEER", ["1490", "0138", "1280"], "Jämförelsekommuner")
    c = cdb.compare("U33401", 2022, areas="GPEER", direction="lower", min_coverage=0)
    assert c.table["area"].tolist() == ["1490", "0138", "1280"]
    assert c.table["colour"].tolist() == ["green", "yellow", "red"]


# ---- the rules on small cases ---------------------------------------------------------------------------


def compare_values(values, direction, pad_missing=0):
    """Compare the list `values` (None = missing) over as many kommuner; returns (table, stats)."""
    with kb.Database() as db:
        codes = sorted(db.areas().query("type == 'kommun'")["code"])[: len(values)]
        text = "kpi,municipality,period,value\n" + "".join(
            f"X,{a},2022,{'..' if v is None else repr(float(v))}\n" for a, v in zip(codes, values)
        )
        db.import_csv(text)
        c = db.compare("X", 2022, areas=codes, direction=direction, weight=None, min_coverage=0)
        table = c.table.set_index("area").loc[codes]
        return table, c.stats


@pytest.mark.parametrize(
    "direction,values,ranks,colours",
    [
        ("lower", [1, 2, 2, 4], [1, 2, 2, 4], ["green", "yellow", "yellow", "red"]),
        ("higher", [1, 2, 2, 4], [4, 2, 2, 1], ["red", "yellow", "yellow", "green"]),
        ("lower", [5, 9], [1, 2], ["green", "red"]),  # n = 2
        ("lower", [5, 7, 9], [1, 2, 3], ["green", "yellow", "red"]),  # n = 3
        ("lower", [3, 3, 3, 3, 3], [1, 1, 1, 1, 1], ["yellow"] * 5),  # all equal
        ("higher", [42], [1], ["yellow"]),  # n = 1
        (
            "lower",
            [1, 1, 2, 3, 4, 5, 6, 7],
            [1, 1, 3, 4, 5, 6, 7, 8],  # tie at the green cut-off
            ["green", "green", "yellow", "yellow", "yellow", "yellow", "red", "red"],
        ),
        (
            "lower",
            [1, 2, 3, 4, 5, 6, 7, 7],
            [1, 2, 3, 4, 5, 6, 7, 7],  # tie at the red cut-off
            ["green", "green", "yellow", "yellow", "yellow", "yellow", "red", "red"],
        ),
        ("lower", [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], ["green", "green", "yellow", "red", "red"]),  # n = 5
        (
            "lower",
            [1, 2, 2, 2, 5, 6, 7, 8],
            [1, 2, 2, 2, 5, 6, 7, 8],  # a tie across the green
            ["green", "green", "green", "green", "yellow", "yellow", "red", "red"],
        ),  # cut-off is all green
        (
            "lower",
            [1, 2, 3, 4, 7, 7, 7, 8],
            [1, 2, 3, 4, 5, 5, 5, 8],  # across the red one all red
            ["green", "green", "yellow", "yellow", "red", "red", "red", "red"],
        ),
        ("none", [1, 2, 3], [3, 2, 1], ["", "", ""]),  # ranks, no colours
        ("lower", [None, 4, None, 2], [None, 2, None, 1], ["grey", "red", "grey", "green"]),
    ],
)
def test_rank_and_colour_rules(direction, values, ranks, colours):
    table, stats = compare_values(values, direction)
    assert ranks_of(table["rank"]) == ranks
    assert table["colour"].tolist() == colours
    assert stats["n"] == sum(v is not None for v in values)


def test_percentile_rules():
    table, _ = compare_values([42], "lower")
    assert table["percentile"].tolist() == [100.0]  # n = 1
    table, _ = compare_values([1, 2, 2, 4], "lower")
    np.testing.assert_allclose(table["percentile"], [100, 100 / 3, 100 / 3, 0])
    table, stats = compare_values([None, None], "lower")
    assert ranks_of(table["rank"]) == [None, None] and table["percentile"].isna().all()
    assert stats["n"] == 0
    assert all(np.isnan(stats[k]) for k in ("unweighted_mean", "median", "q1", "q3", "min", "max"))


# ---- property tests against a reference of the rules in bench.h ----------------------------------------

POOL = [-4.0, 0.0, 1.5, 2.0, 7.25, 10.0, 33.0, 100.0]  # small, so that ties are common
MARKERS = ["", "..", ".", "-", "NA"]  # missing, with their statuses
ABSENT = None  # no row at all for the area


def reference(values, direction):
    """The rules of include/bench.h, written plainly.  values: {area: float or NaN}."""
    s = pd.Series(values, dtype="float64")
    ranked = s.dropna()
    n = len(ranked)
    out = {}
    for area, v in s.items():
        if np.isnan(v):
            out[area] = (None, np.nan, "grey")
            continue
        if direction == "lower":
            better, worse = int((ranked < v).sum()), int((ranked > v).sum())
        else:  # higher, and also rank order when the direction is unknown
            better, worse = int((ranked > v).sum()), int((ranked < v).sum())
        percentile = 100.0 * worse / (n - 1) if n > 1 else 100.0
        green, red = better < n / 4, worse < n / 4
        if direction == "none":
            colour = ""
        elif green and red:
            colour = "yellow"
        else:
            colour = "green" if green else ("red" if red else "yellow")
        out[area] = (1 + better, percentile, colour)
    ref = pd.DataFrame.from_dict(out, orient="index", columns=["rank", "percentile", "colour"])
    a = ranked.to_numpy()
    stats = {"n": n}
    for key, f in (
        ("unweighted_mean", np.mean),
        ("median", np.median),
        ("q1", lambda x: np.quantile(x, 0.25)),
        ("q3", lambda x: np.quantile(x, 0.75)),
        ("min", np.min),
        ("max", np.max),
    ):
        stats[key] = float(f(a)) if n else np.nan
    return ref, stats


def csv_cell(cell, swedish):
    if isinstance(cell, str):
        return f'"{cell}"'
    text = repr(cell)
    return f'"{text.replace(".", ",")}"' if swedish else text


@st.composite
def compare_cases(draw, codes):
    areas = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=40, unique=True))
    cell = st.one_of(
        st.sampled_from(POOL + POOL + MARKERS + [ABSENT]),
        st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: round(x, 2)),
    )
    cells = draw(st.lists(cell, min_size=len(areas), max_size=len(areas)))
    direction = draw(st.sampled_from(["lower", "higher", "none"]))
    from_catalogue = draw(st.booleans())
    swedish = draw(st.booleans())
    return dict(zip(areas, cells)), direction, from_catalogue, swedish


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compare_matches_reference(kommun_codes, data):
    cells, direction, from_catalogue, swedish = data.draw(compare_cases(kommun_codes))
    lines = ["kpi,municipality,period,value"]
    lines += [f"P1,{area},2022,{csv_cell(c, swedish)}" for area, c in cells.items() if c is not ABSENT]
    lines.append("P1,0000,2022,1")  # Riket is no kommun of the set and must not count
    with kb.Database() as db:
        db.import_csv("\n".join(lines) + "\n", source="hypothesis")
        if from_catalogue:
            db.set_indicator("P1", direction=None if direction == "none" else direction)
            c = db.compare("P1", 2022, areas=list(cells), weight=None, min_coverage=0)
        else:
            c = db.compare("P1", "2022", areas=list(cells), direction=direction, weight=None, min_coverage=0)
    values = {a: (float(v) if isinstance(v, float) else np.nan) for a, v in cells.items()}
    ref, stats = reference(values, direction)
    table = c.table
    assert sorted(table["area"]) == sorted(cells)  # one row per area of the set
    got = table.set_index("area").loc[ref.index]
    assert ranks_of(got["rank"]) == ranks_of(ref["rank"])
    assert got["colour"].tolist() == ref["colour"].tolist()
    np.testing.assert_allclose(got["percentile"].to_numpy(), ref["percentile"].to_numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(
        got["value"].to_numpy(), np.array(list(values.values()))[[list(values).index(a) for a in ref.index]]
    )
    assert (table["n"] == stats["n"]).all()
    assert c.stats["n"] == stats["n"] and c.stats["n_areas"] == len(cells)
    for key in ("unweighted_mean", "median", "q1", "q3", "min", "max"):
        if stats["n"]:
            assert c.stats[key] == pytest.approx(stats[key], rel=1e-12, abs=1e-9), key
        else:
            assert np.isnan(c.stats[key]), key
    # best first, missing last
    ranks = ranks_of(table["rank"])
    k = stats["n"]
    assert ranks[:k] == sorted(ranks[:k]) and all(r >= 1 for r in ranks[:k])
    assert ranks[k:] == [None] * (len(ranks) - k)
    # missing is never ranked, never 0, always grey
    missing = table[table["rank"].isna()]
    assert missing["value"].isna().all() and (missing["colour"] == "grey").all()


# ---- compare_all -------------------------------------------------------------------------------------------


def test_compare_all_columns_and_groups(cdb):
    cdb.import_csv(
        "kpi,municipality,period,value\nN05401,1490,2022,84\nN05401,0138,2022,86\nN05401,1480,2022,79\n", source="val"
    )
    bulk = cdb.compare_all(min_coverage=0)
    for column in ("indicator", "period", "gender", "area", "value", "rank", "n", "percentile", "colour"):
        assert column in bulk.columns
    assert all(isinstance(a, str) for a in bulk["area"])
    groups = bulk.groupby(["indicator", "period", "gender"], observed=True)
    assert len(groups) == 5  # U33401 2021 T, 2022 T, 2022 K; N01951 2022 T; N05401 2022 T
    for (indicator, period, gender), group in groups:
        one = cdb.compare(indicator, period, gender=gender, min_coverage=0).table
        one = one[one["area"].isin(set(group["area"].astype(str)))].set_index("area")
        g = group.assign(area=group["area"].astype(str)).set_index("area").loc[one.index]
        assert ranks_of(g["rank"]) == ranks_of(one["rank"])
        assert g["colour"].astype(str).tolist() == one["colour"].tolist()
        np.testing.assert_allclose(g["percentile"], one["percentile"], equal_nan=True)
        assert (g["n"] == (one["rank"] > 0).sum()).all()
    # N05401 (valdeltagande) is higher-is-better in the catalogue, U33401 lower-is-better
    val = bulk[bulk["indicator"] == "N05401"].sort_values("rank")
    assert val["area"].astype(str).tolist() == ["0138", "1490", "1480"]
    kkik = bulk[(bulk["indicator"] == "U33401") & (bulk["period"] == "2022") & (bulk["gender"] == "T")]
    ranked = kkik[kkik["rank"] > 0].sort_values("rank")
    assert ranked["area"].astype(str).tolist() == ["1484", "1490", "0138", "1480", "1280"]
    missing = kkik[kkik["area"] == "0180"]
    assert ranks_of(missing["rank"]) == [None] and missing["colour"].astype(str).tolist() == ["grey"]


def test_compare_all_with_direction_and_areas(cdb):
    bulk = cdb.compare_all(areas=["1490", "0138"], direction="higher", min_coverage=0)
    assert set(bulk["area"].astype(str)) == {"1490", "0138"}
    g = bulk[(bulk["indicator"] == "U33401") & (bulk["period"] == "2022") & (bulk["gender"] == "T")]
    assert g.sort_values("rank")["area"].astype(str).tolist() == ["0138", "1490"]  # 89 > 77
    assert g["colour"].astype(str).tolist() == ["green", "red"]


def test_caption_names_the_period_label(cdb):
    cdb.import_csv("kpi,municipality,period,value\nU33401,1490,2024-T1,70\nU33401,0138,2024-T1,80\n")
    c = cdb.compare("U33401", "2024-T1", areas=["1490", "0138"], min_coverage=0)
    assert re.search(r", 2024-T1, totalt;", c.caption())
    assert c.table["rank"].tolist() == [1, 2]
