"""Normalization: value / denominator * scale, age bands, missing and zero denominators."""

import kommunbench as kb
import numpy as np
import pytest

DATA = """kpi,municipality,period,gender,value
X,1490,2022,T,500
X,1490,2022,K,300
X,0138,2022,T,100
X,0114,2022,T,40
X,0115,2022,T,..
X,1490,2021,T,300
X,0117,2022,T,0
N01951,1490,2022,T,100000
N01951,1490,2022,K,50000
N01951,0138,2022,T,50000
N01951,0114,2022,T,0
N01951,0115,2022,T,1000
N01951,0117,2022,T,2000
N01952,1490,2022,T,8000
N01953,1490,2022,T,12000
N01954,1490,2022,T,5000
N01952,0138,2022,T,3000
N01953,0138,2022,T,6000
N01954,0138,2022,T,..
"""


@pytest.fixture
def pdb():
    d = kb.Database()
    d.import_csv(DATA, source="test")
    yield d
    d.close()


def by_key(df):
    return df.assign(
        area=df["area"].astype(str),
        period=df["period"].astype(str),
        gender=df["gender"].astype(str),
        status=df["status"].astype(str),
    ).set_index(["area", "period", "gender"])


@pytest.mark.parametrize(
    "scale,method",
    [
        (1, "per invånare (N01951)"),
        (100, "andel (%) av invånare (N01951)"),
        (1000, "per 1 000 invånare (N01951)"),
        (10000, "per 10 000 invånare (N01951)"),
        (100000, "per 100 000 invånare (N01951)"),
    ],
)
def test_scales_and_method(pdb, scale, method):
    df = pdb.per_capita("X", scale=scale)
    assert df.attrs["method"] == method
    assert df.attrs["scale"] == float(scale)
    assert df.attrs["population"] == "N01951"
    t = by_key(df)
    assert t.loc[("1490", "2022", "T"), "result"] == pytest.approx(500 / 100000 * scale)
    assert t.loc[("1490", "2022", "K"), "result"] == pytest.approx(300 / 50000 * scale)
    assert t.loc[("0138", "2022", "T"), "result"] == pytest.approx(100 / 50000 * scale)
    assert t.loc[("1490", "2022", "T"), "denominator"] == 100000
    assert t.loc[("1490", "2022", "T"), "value"] == 500


def test_columns(pdb):
    df = pdb.per_capita("X")
    for column in ("indicator", "area", "period", "gender", "value", "denominator", "result", "status"):
        assert column in df.columns
    assert set(df["indicator"].astype(str)) == {"X"}
    assert all(isinstance(a, str) for a in df["area"])


def test_missing_denominator(pdb):
    t = by_key(pdb.per_capita("X", scale=1000))
    row = t.loc[("1490", "2021", "T")]  # no N01951 for 2021
    assert np.isnan(row["result"]) and np.isnan(row["denominator"])
    assert row["status"] == "no_denominator"
    assert row["value"] == 300


def test_zero_denominator(pdb):
    t = by_key(pdb.per_capita("X", scale=1000))
    row = t.loc[("0114", "2022", "T")]
    assert row["denominator"] == 0
    assert np.isnan(row["result"]) and row["status"] == "zero_denominator"


def test_missing_value_keeps_its_status(pdb):
    t = by_key(pdb.per_capita("X", scale=1000))
    row = t.loc[("0115", "2022", "T")]
    assert np.isnan(row["value"]) and np.isnan(row["result"])
    assert row["status"] == "sekretess"


def test_never_inf_never_zero_where_missing(pdb):
    for scale in (1, 100, 1000, 10000, 100000):
        df = pdb.per_capita("X", scale=scale)
        assert not np.isinf(df["result"]).any()
        status = df["status"].astype(str)
        assert df.loc[status != "ok", "result"].isna().all()
        assert df.loc[status == "ok", "result"].notna().all()
        # a real 0 stays 0 (0117 has value 0 and a population)
        zero = by_key(df).loc[("0117", "2022", "T")]
        assert zero["result"] == 0 and zero["status"] == "ok"
        assert (df["result"] == 0).sum() == 1


def test_age_band_0_19_uses_three_kolada_bands(pdb):
    df = pdb.per_capita("N01952", age="0-19", scale=100)
    assert df.attrs["population"] == "N01952+N01953+N01954"
    assert df.attrs["method"] == "andel (%) av invånare 0-19 år"
    t = by_key(df)
    row = t.loc[("1490", "2022", "T")]
    assert row["denominator"] == 8000 + 12000 + 5000
    assert row["result"] == pytest.approx(8000 / 25000 * 100)
    # Tyresö lacks N01954 (sekretess): a missing term makes the denominator missing, not smaller
    row = t.loc[("0138", "2022", "T")]
    assert np.isnan(row["denominator"]) and np.isnan(row["result"])
    assert row["status"] == "no_denominator"


def test_age_band_that_cannot_be_built(pdb):
    with pytest.raises(kb.InvalidArgumentError) as info:
        pdb.per_capita("X", age="0-20")
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "0-20" in message
    for band, kpi in [
        ("0-5 år", "N01952"),
        ("6-15 år", "N01953"),
        ("16-19 år", "N01954"),
        ("20-64 år", "N01955"),
        ("65-79 år", "N01956"),
        ("80+ år", "N01957"),
    ]:
        assert f"{band} ({kpi})" in message


@pytest.mark.parametrize(
    "band,terms,label",
    [
        ("0-19", ["N01952", "N01953", "N01954"], "0-19 år"),
        ("0-5", ["N01952"], "0-5 år"),
        ("0", ["N01817"], "0 år"),
        ("1-5", ["N01926"], "1-5 år"),
        ("20-64", ["N01955"], "20-64 år"),
        ("65+", ["N01956", "N01957"], "65+ år"),
        ("80+", ["N01957"], "80+ år"),
        ("0-12", ["N01921"], "0-12 år"),
        ("20-79", ["N01955", "N01956"], "20-79 år"),
        ("0–19 år", ["N01952", "N01953", "N01954"], "0-19 år"),
    ],
)
def test_population_terms(band, terms, label):
    assert kb.population_terms(band) == (terms, label)


@pytest.mark.parametrize("band", ["0-20", "13-19", "5-3", "abc", "21-64"])
def test_population_terms_refuses(band):
    with pytest.raises(kb.InvalidArgumentError):
        kb.population_terms(band)


def test_population_terms_sum_matches_per_capita(pdb):
    terms, _ = kb.population_terms("0-19")
    df = pdb.per_capita("X", population=terms, scale=1000)
    row = by_key(df).loc[("1490", "2022", "T")]
    assert row["denominator"] == 25000
    assert row["result"] == pytest.approx(500 / 25000 * 1000)


def test_unknown_indicator_and_missing_population():
    with kb.Database() as db:
        db.import_csv("kpi,municipality,period,value\nX,1490,2022,5\n")
        with pytest.raises(kb.NotFoundError):
            db.per_capita("NOSUCH")
        with pytest.raises(kb.NotFoundError) as info:
            db.per_capita("X")  # N01951 not imported
        assert "N01951" in str(info.value)
