"""The questions of kommunbench.analysis (peers, changes, trend_marks, targets, gender_gap) on real
Kolada data from ../shared/data, each checked against a computation of its own in plain pandas
from the same files (read with pandas, not through the library)."""

import math

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest
from kommunbench.analysis import target_status

GEO_YEAR = "datapoints--by--geo--year"
GEO_GENDER_YEAR = "datapoints--by--geo--gender--year"


def ddf_path(kolada_ddf, folder, kpi):
    path = kolada_ddf / folder / f"ddf--datapoints--{kpi}--by--{folder.split('--by--')[1]}.csv"
    assert path.is_file(), f"{path} is missing from ../shared/data"
    return path


def read_ddf(kolada_ddf, folder, kpi):
    """A DDF file as pandas reads it: area codes as 4-digit strings, years as str, value."""
    df = pd.read_csv(ddf_path(kolada_ddf, folder, kpi), dtype={"geo": str, "year": str, "gender": str})
    df["area"] = df["geo"].str.zfill(4)
    return df.rename(columns={"year": "period", kpi: "value"})


@pytest.fixture(scope="module")
def data(kolada_ddf):
    """A Database with U33401 (totalt and by kön) and N01951 (the weight), and the raw tables."""
    db = kb.Database()
    db.import_csv(ddf_path(kolada_ddf, GEO_YEAR, "u33401"), layout="wide")
    db.import_csv(ddf_path(kolada_ddf, GEO_GENDER_YEAR, "u33401"), layout="wide")
    db.import_csv(ddf_path(kolada_ddf, GEO_YEAR, "n01951"), layout="wide")
    raw = {
        "u33401": read_ddf(kolada_ddf, GEO_YEAR, "u33401"),
        "u33401_gender": read_ddf(kolada_ddf, GEO_GENDER_YEAR, "u33401"),
        "n01951": read_ddf(kolada_ddf, GEO_YEAR, "n01951"),
    }
    yield db, raw
    db.close()


@pytest.fixture(scope="module")
def catalogue(kolada_ddf):
    """The area catalogue the library ships, read with pandas from datasets/areas.csv."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "datasets" / "areas.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def reference_position(values, focus):
    """Rank, n, colour (lower is better) and the set statistics of `values` (Series by area),
    by the rules written in bench.h."""
    v = values.dropna()
    n = len(v)
    x = v[focus]
    better, worse = int((v < x).sum()), int((v > x).sum())
    green, red = better < n / 4, worse < n / 4
    colour = "yellow" if green == red else ("green" if green else "red")
    return {
        "rank": better + 1,
        "n": n,
        "colour": colour,
        "unweighted_mean": v.mean(),
        "median": float(np.percentile(v.to_numpy(), 50)),
    }


def test_peers_against_pandas(data, catalogue):
    db, raw = data
    year, focus = "2022", "1490"
    u = raw["u33401"]
    u = u[u["period"] == year].set_index("area")["value"]
    pop = raw["n01951"]
    pop = pop[pop["period"] == year].set_index("area")["value"]
    kommuner = catalogue[catalogue["type"] == "kommun"]
    boras = kommuner.set_index("code").loc[focus]
    sets = {
        "kommungrupp": list(kommuner.loc[kommuner["kommungrupp"] == boras["kommungrupp"], "code"]),
        "län": list(kommuner.loc[kommuner["lan"] == boras["lan"], "code"]),
        "alla kommuner": list(kommuner["code"]),
    }
    got = db.peers("U33401", 2022, "Borås").set_index("peer_set")
    assert len(got) == 3
    for label, members in sets.items():
        row = got[got.index.str.startswith(label)].iloc[0]
        ref = reference_position(u.reindex(members), focus)
        assert row["value"] == u[focus] == 77.0
        assert (row["rank"], row["n"], row["colour"]) == (ref["rank"], ref["n"], ref["colour"])
        assert row["n_areas"] == len(members)
        assert row["unweighted_mean"] == pytest.approx(ref["unweighted_mean"])
        assert row["median"] == pytest.approx(ref["median"])
        both = pd.DataFrame({"v": u.reindex(members), "w": pop.reindex(members)}).dropna()
        weighted = (both["v"] * both["w"]).sum() / both["w"].sum()
        assert row["weighted_mean"] == pytest.approx(weighted)
        assert row["diff_unweighted_mean"] == pytest.approx(u[focus] - ref["unweighted_mean"])
        assert row["diff_weighted_mean"] == pytest.approx(u[focus] - weighted)
        assert row["diff_median"] == pytest.approx(u[focus] - ref["median"])


def test_peers_own_set_and_gender_words(data):
    db, raw = data
    mine = ["0138", "1480", "1280"]
    got = db.peers("U33401", "2021", "1490", gender="kvinnor", sets=[("mina", mine)])
    g = raw["u33401_gender"]
    g = g[(g["period"] == "2021") & (g["gender"] == "k")].set_index("area")["value"]
    ref = reference_position(g.reindex(mine + ["1490"]), "1490")  # the focus joins its own list
    row = got.iloc[0]
    assert row["peer_set"] == "mina" and row["value"] == g["1490"]
    assert (row["rank"], row["n"], row["colour"]) == (ref["rank"], ref["n"], ref["colour"])
    assert row["unweighted_mean"] == pytest.approx(ref["unweighted_mean"])


@pytest.mark.parametrize("periods", [1, 3])
def test_changes_against_pandas(data, periods):
    db, raw = data
    areas = ["1490", "0138", "0180", "2584"]
    got = db.changes("U33401", area=areas, periods=periods)
    u = raw["u33401"]
    wide = u[u["area"].isin(areas)].pivot(index="area", columns="period", values="value")
    wide = wide[sorted(wide.columns, key=int)]
    before = wide.shift(periods, axis=1)  # the period `periods` columns to the left
    ref = u[u["area"].isin(areas)].set_index(["area", "period"])[["value"]]
    ref["value_before"] = [before.loc[a, p] for a, p in ref.index]
    ref["change"] = ref["value"] - ref["value_before"]
    ref["change_pct"] = (100 * ref["change"] / ref["value_before"].abs()).where(ref["value_before"] != 0)
    got = got.assign(area=got["area"].astype(str), period=got["period"].astype(str)).set_index(["area", "period"])
    assert len(got) == len(ref) == u["area"].isin(areas).sum()
    got = got.reindex(ref.index)
    np.testing.assert_allclose(got["value"], ref["value"])
    np.testing.assert_allclose(got["value_before"], ref["value_before"])
    np.testing.assert_allclose(got["change"], ref["change"])
    np.testing.assert_allclose(got["change_pct"], ref["change_pct"])
    boras = got.loc[("1490", "2022")]
    assert boras["change"] == (77.0 - 74.0 if periods == 1 else 77.0 - 73.0)


def test_trend_marks_against_pandas(data, catalogue):
    db, raw = data
    kommuner = set(catalogue.loc[catalogue["type"] == "kommun", "code"])
    u = raw["u33401"]
    u = u[u["area"].isin(kommuner)]
    wide = u.pivot(index="area", columns="period", values="value")
    recent = sorted(wide.columns, key=int)[-3:]
    means = wide[recent].mean()
    complete = wide[recent].dropna()
    expected = {}
    for area, v in complete.iterrows():
        if (v < means).all():
            expected[area] = "*"  # lower is better (the catalogue's direction of U33401)
        elif (v > means).all():
            expected[area] = "#"
        else:
            expected[area] = ""
    got = db.trend_marks("U33401").set_index("area")
    assert set(got["periods"]) == {",".join(recent)}
    assert {a: got.loc[a, "mark"] for a in expected} == expected
    others = got.drop(index=list(expected), errors="ignore")
    assert (others["mark"] == "").all()  # an area without a value in one of the periods
    assert "*" in expected.values() and "#" in expected.values()
    # with the direction turned round every mark turns round
    flipped = db.trend_marks("U33401", direction="higher").set_index("area")
    swap = {"*": "#", "#": "*", "": ""}
    assert {a: flipped.loc[a, "mark"] for a in expected} == {a: swap[m] for a, m in expected.items()}


def test_targets_against_pandas(data):
    """Real utfall against målvärden set at the ovägt medel of all kommuner of each year."""
    db, raw = data
    u = raw["u33401"]
    kommun_values = u[u["area"].str.match(r"^(?!00)\d{4}$")]
    target = kommun_values.groupby("period")["value"].mean().round(1)
    rows = "\n".join(f"U33401,1490,{p},T,målvärde,{v}" for p, v in target.items())
    db.import_csv(("kpi,municipality,period,gender,kind,value\n" + rows + "\n").encode(), source="mål")
    got = db.targets("U33401", "1490")
    boras = u[u["area"] == "1490"].set_index("period")["value"]
    periods = sorted(set(boras.index) | set(target.index), key=int)
    assert got["period"].tolist() == periods
    previous = None
    for _, row in got.iterrows():
        p = row["period"]
        utfall, mal = boras.get(p, math.nan), target.get(p, math.nan)
        assert row["utfall"] == pytest.approx(utfall, nan_ok=True)
        assert row["målvärde"] == pytest.approx(mal, nan_ok=True)
        # the rule written out again: lower is better, 10 % tolerance or better than last period
        if math.isnan(utfall) or math.isnan(mal):
            status = None
        elif utfall <= mal:
            status = "uppfyllt"
        elif utfall - mal <= 0.10 * abs(mal) or (
            previous is not None and not math.isnan(previous) and utfall < previous
        ):
            status = "delvis uppfyllt"
        else:
            status = "ej uppfyllt"
        assert pd.isna(row["status"]) if status is None else row["status"] == status, p
        previous = utfall
    assert set(got["status"].dropna()) >= {"uppfyllt"}
    assert target_status(80.0, 70.0, "lower") == "ej uppfyllt"


def test_gender_gap_against_pandas(data):
    db, raw = data
    g = raw["u33401_gender"]
    wide = g.pivot_table(index=["area", "period"], columns="gender", values="value", aggfunc="last")
    ref = pd.DataFrame({"K": wide["k"], "M": wide["m"]})
    ref["gap_k_minus_m"] = ref["K"] - ref["M"]
    ref["ratio_k_m"] = (ref["K"] / ref["M"]).where(ref["M"] != 0)
    got = db.gender_gap("U33401").set_index(["area", "period"])
    assert len(got) == len(ref)
    got = got.reindex(ref.index)
    for column in ("K", "M", "gap_k_minus_m", "ratio_k_m"):
        np.testing.assert_allclose(got[column], ref[column], err_msg=column)
    one = db.gender_gap("U33401", period=2022, area="1490")
    k, m = ref.loc[("1490", "2022"), ["K", "M"]]
    assert one[["K", "M", "gap_k_minus_m"]].iloc[0].tolist() == [k, m, k - m]


def test_analysis_takes_the_genders_and_kinds_c_reads(data):
    db, _ = data
    assert db.trend_marks("U33401", gender="Totalt").equals(db.trend_marks("U33401", gender="T"))
    a = db.peers("U33401", 2022, "1490", gender="kvinnor")
    b = db.peers("U33401", 2022, "1490", gender="K")
    pd.testing.assert_frame_equal(a, b)
