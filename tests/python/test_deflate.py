"""Fixed prices: db.deflate(indicator, index, base) = value × index[base] / index[year], checked
against an independent pandas computation; the shipped KPI series and its source."""

import math

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest
from kommunbench import charts

CSV = (
    "kpi,municipality,period,gender,value,title,unit\n"
    "C,1490,2020,T,1000,Kostnad,kr/inv\nC,1490,2021,T,1100,,\nC,1490,2022,T,1200,,\n"
    "C,0138,2022,T,..,,\nC,0138,2021,T,500,,\nC,0138,2005,T,400,,\nC,1490,2022-T1,T,300,,\n"
    "C,1490,2022,K,700,,\n"
    "IX,0000,2021,T,110,Eget index,index\nIX,0000,2022,T,120,,\n"
)


@pytest.fixture
def db():
    d = kb.Database()
    d.import_csv(CSV.encode(), source="test")
    yield d
    d.close()


def expected(values, index, base):
    """The rule, computed with pandas alone: value × index[base] / index[year]."""
    ix = pd.Series(index["value"].to_numpy(), index=index["period"].astype(str))
    year = values["period"].astype(str).str[:4]
    return values["value"] * ix[str(base)] / year.map(ix).astype(float)


def test_shipped_kpi_has_its_source(db):
    kpi = db.price_index("KPI")
    assert list(kpi.columns) == ["period", "value"]
    assert "SCB" in kpi.attrs["source"] and "scb.se" in kpi.attrs["source"]
    assert kpi.attrs["base"] == "1980=100"
    row = kpi.set_index("period")["value"]
    assert row["2022"] == pytest.approx(371.91)
    assert row["2006"] == pytest.approx(284.22)
    assert kpi["period"].is_unique and (kpi["value"] > 0).all()


def test_pkv_is_not_shipped_and_says_why(db):
    with pytest.raises(kb.NotFoundError, match="not shipped"):
        db.price_index("PKV")
    with pytest.raises(kb.NotFoundError):
        db.price_index("NOSUCH")


def test_against_pandas_with_kpi(db):
    df = db.deflate("C", "KPI", 2022)
    assert list(df.columns) == ["indicator", "area", "period", "gender", "value", "index", "result", "status", "source"]
    kpi = db.price_index("KPI")
    want = expected(df, kpi, 2022)
    ok = df["status"].astype(str) == "ok"
    np.testing.assert_allclose(df.loc[ok, "result"], want[ok], rtol=1e-12)
    assert df.attrs["method"] == "fasta priser (2022), KPI"
    assert df.attrs["title"] == "Kostnad, fasta priser (2022)"
    assert df.attrs["unit"] == "kr/inv"
    assert "SCB" in df.attrs["index_source"]
    # the base year keeps its value; a tertial uses its year's index
    by = df.set_index(["area", "period", "gender"])
    assert by.loc[("1490", "2022", "T"), "result"] == pytest.approx(1200)
    assert by.loc[("1490", "2022-T1", "T"), "result"] == pytest.approx(300)
    # K is its own series
    assert by.loc[("1490", "2022", "K"), "result"] == pytest.approx(700)


def test_missing_stays_missing(db):
    df = db.deflate("C", "KPI", "2022").set_index(["area", "period", "gender"])
    sek = df.loc[("0138", "2022", "T")]
    assert str(sek["status"]) == "sekretess" and math.isnan(sek["result"])
    old = df.loc[("0138", "2005", "T")]  # KPI is shipped from 2006
    assert str(old["status"]) == "no_denominator" and math.isnan(old["result"]) and math.isnan(old["index"])
    assert not (df["result"] == 0).any()


def test_imported_index_and_dataframe_index(db):
    df = db.deflate("C", "IX", 2021)
    ix = pd.DataFrame({"period": ["2021", "2022"], "value": [110.0, 120.0]})
    want = expected(df, ix, 2021)
    ok = df["status"].astype(str) == "ok"
    np.testing.assert_allclose(df.loc[ok, "result"], want[ok], rtol=1e-12)
    assert set(df.loc[~ok & (df["period"].astype(str) == "2020"), "status"].astype(str)) == {"no_denominator"}
    same = db.deflate("C", ix, 2021)
    np.testing.assert_allclose(same["result"], df["result"], rtol=1e-12)


def test_stored_result_is_an_ordinary_indicator(db, tmp_path):
    db.deflate("C", "KPI", 2022, store_as="C_FP")
    v = db.values("C_FP").set_index(["area", "period"])
    assert v.loc[("1490", "2020"), "value"] == pytest.approx(1000 * 371.91 / 335.92)
    assert str(v.loc[("0138", "2022"), "status"]) == "sekretess"
    cat = db.indicators().set_index("id")
    assert cat.loc["C_FP", "title"] == "Kostnad, fasta priser (2022)"
    assert "fasta priser (2022)" in cat.loc["C_FP", "derived"]
    cmp = db.compare("C_FP", 2021)
    assert cmp.stats["n"] == 2
    path = tmp_path / "fp.kbsnap"
    db.save(path)
    with kb.Database.open(path) as back:
        pd.testing.assert_frame_equal(back.values("C_FP"), db.values("C_FP"))


def test_errors(db):
    with pytest.raises(kb.NotFoundError):
        db.deflate("NOPE", "KPI", 2022)
    with pytest.raises(kb.NotFoundError, match="base year 1999"):
        db.deflate("C", "KPI", 1999)
    with pytest.raises(kb.InvalidArgumentError):
        db.deflate("C", "KPI", "2022-T1")
    with pytest.raises(kb.InvalidArgumentError):
        db.deflate("C", 42, 2022)
    with pytest.raises(kb.InvalidArgumentError):
        db.deflate("C", pd.DataFrame({"period": ["2022"], "value": [0.0]}), 2022)
    with pytest.raises(kb.InvalidArgumentError):
        db.deflate("C", "KPI", 2022, store_as="C")
    with pytest.raises(kb.InvalidArgumentError):
        db.deflate("C", "KPI", 2022, store_as="IX")
    assert "C_FP" not in set(db.indicators()["id"])


def test_charts_say_fixed_prices(db):
    db.deflate("C", "KPI", 2022, store_as="C_FP", title="Kostnad i egen titel")
    fig = charts.ranking(db.compare("C_FP", 2021), db=db)
    assert "fasta priser (2022)" in fig.axes[0].get_title(loc="left")
    charts.close(fig)


def test_real_kolada_kr_series(kolada_ddf):
    path = kolada_ddf / "datapoints--by--geo--year" / "ddf--datapoints--n31001--by--geo--year.csv"
    with kb.Database() as d:
        d.import_csv(path, layout="wide")
        df = d.deflate("N31001", "KPI", 2022, store_as="N31001_FP")
        raw = pd.read_csv(path, dtype={"geo": str, "year": str})
        kpi = d.price_index("KPI").set_index("period")["value"]
        raw = raw[raw["year"].isin(kpi.index)]
        want = raw["n31001"] * kpi["2022"] / raw["year"].map(kpi)
        got = d.values("N31001_FP").set_index(["area", "period"])["value"]
        geo = raw["geo"].str.zfill(4)
        np.testing.assert_allclose(got.loc[list(zip(geo, raw["year"]))].to_numpy(), want.to_numpy(), rtol=1e-12)
        # before 2006 there is no shipped KPI: missing, not 0
        early = df[df["period"].astype(str) < "2006"]
        assert len(early) and (early["status"].astype(str) == "no_denominator").all()


def test_command_line(tmp_path):
    import subprocess
    import sys

    snap = tmp_path / "db.kbsnap"
    with kb.Database() as d:
        d.import_csv(CSV.encode(), source="test")
        d.save(snap)
    r = subprocess.run(
        [sys.executable, "-m", "kommunbench", "deflate", str(snap), "C", "--base", "2022", "--store-as", "C_FP"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "C_FP = C × KPI(2022) / KPI(år), fasta priser (2022)" in r.stdout
    with kb.Database.open(snap) as back:
        v = back.values("C_FP").set_index(["area", "period"])["value"]
        assert v[("1490", "2021")] == pytest.approx(1100 * 371.91 / 343.19)
    r = subprocess.run(
        [sys.executable, "-m", "kommunbench", "deflate", str(snap), "C", "--base", "1999", "--store-as", "C_FP"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "1999" in r.stderr
