"""Integration on the real public data in ../shared/data (Kolada DDF dump and rKolada snapshot),
checked against the figures the Borås IFO kvalitetsberättelse 2022 reports."""

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest

GEO_YEAR = "datapoints--by--geo--year"
GEO_GENDER_YEAR = "datapoints--by--geo--gender--year"
RAW = "raw-2024-08-30"
# The Borås IFO kvalitetsberättelse 2022 (a seed document of the project).
KVALITETSBERATTELSE_2022 = "003_714135dfa7823126.txt"


def ddf(kolada_ddf, folder, kpi, raw=False):
    base = kolada_ddf / RAW if raw else kolada_ddf
    path = base / folder / f"ddf--datapoints--{kpi}--by--{folder.split('--by--')[1]}.csv"
    assert path.is_file(), f"{path} is missing from ../shared/data"
    return path


def read_str(path):
    """A data file as pandas reads it, every cell a str (empty cells stay "")."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def kkik(kolada_ddf):
    """U33401 (geo-year, layout wide) and N01951 (geo-year and geo-gender-year)."""
    db = kb.Database()
    reports = {
        "u33401": db.import_csv(ddf(kolada_ddf, GEO_YEAR, "u33401"), layout="wide"),
        "n01951": db.import_csv(ddf(kolada_ddf, GEO_YEAR, "n01951"), layout="wide"),
        "n01951_gender": db.import_csv(ddf(kolada_ddf, GEO_GENDER_YEAR, "n01951"), layout="wide"),
    }
    yield db, reports
    db.close()


def test_u33401_imports_every_row(kkik, kolada_ddf):
    db, reports = kkik
    rows = read_str(ddf(kolada_ddf, GEO_YEAR, "u33401"))
    rep = reports["u33401"]
    assert rep.rows_read == rep.accepted == len(rows) == 2254
    assert rep.missing == 0 and rep.errors == []
    assert len(db.values("U33401")) == len(rows)


def test_u33401_boras_2019_to_2022(kkik):
    db, _ = kkik
    v = db.values("U33401", area="1490", period=[2019, 2020, 2021, 2022])
    assert [str(p) for p in v["period"]] == ["2019", "2020", "2021", "2022"]
    assert v["value"].tolist() == [73.0, 78.0, 74.0, 77.0]
    tyreso = db.values("U33401", area="0138", period=[2019, 2020, 2021, 2022])
    assert tyreso["value"].tolist() == [102.0, 96.0, 98.0, 89.0]


def test_n01951_boras_2020(kkik):
    db, _ = kkik
    v = db.values("N01951", area="1490", period=2020)
    assert v["value"].tolist() == [113714.0]
    assert str(v["source"].iloc[0]) == "ddf--datapoints--n01951--by--geo--year.csv"
    # the dump writes Riket as "0" and regions as "14": padded to 0000 and 0014
    assert db.values("N01951", area="0000", period=2020)["value"].tolist() == [10379295.0]
    assert db.values("N01951", area="0014", period=2020)["value"].tolist() == [1734443.0]


def test_n01951_k_plus_m_equals_t(kkik, kolada_ddf):
    db, reports = kkik
    gender_rows = read_str(ddf(kolada_ddf, GEO_GENDER_YEAR, "n01951"))
    assert reports["n01951_gender"].accepted == len(gender_rows) == 18072
    v = db.values("N01951", gender=None)
    v = v.assign(area=v["area"].astype(str), period=v["period"].astype(str), gender=v["gender"].astype(str))
    wide = v.pivot(index=["area", "period"], columns="gender", values="value")
    assert len(wide) == 9036 and not wide[["T", "K", "M"]].isna().any().any()
    diff = wide["K"] + wide["M"] - wide["T"]
    assert (diff == 0).all(), diff[diff != 0].head()
    boras = wide.loc[("1490", "2020")]
    assert (boras["K"], boras["M"], boras["T"]) == (56749.0, 56965.0, 113714.0)


def test_raw_file_missing_never_becomes_zero(kolada_ddf):
    path = ddf(kolada_ddf, GEO_YEAR, "u33401", raw=True)
    raw = read_str(path)
    empty = raw[raw["u33401"].str.strip() == ""]
    zero = raw[raw["u33401"].str.strip().isin(["0", "0.0"])]
    assert len(empty) == 99  # the API's nulls
    with kb.Database() as db:
        rep = db.import_csv(path, layout="wide")
        assert rep.rows_read == rep.accepted == len(raw)
        assert rep.missing == len(empty)
        v = db.values("U33401")
        v = v.assign(area=v["area"].astype(str), period=v["period"].astype(str)).set_index(["area", "period"])
        keys = list(zip(empty["geo"], empty["year"]))
        assert v.loc[keys, "value"].isna().all()
        assert (v.loc[keys, "status"].astype(str) == "missing").all()
        # the only zeros are the real zeros of the file
        assert sorted(v.index[v["value"] == 0]) == sorted(zip(zero["geo"], zero["year"]))
        assert int(v["value"].isna().sum()) == len(empty)
        # a comparison over the raw file is the comparison over the cleaned one: missing is
        # neither ranked nor averaged
        raw_cmp = db.compare("U33401", 2022, direction="lower", weight=None)
    with kb.Database() as clean:
        clean.import_csv(ddf(kolada_ddf, GEO_YEAR, "u33401"), layout="wide")
        clean_cmp = clean.compare("U33401", 2022, direction="lower", weight=None)
    pd.testing.assert_series_equal(pd.Series(raw_cmp.stats), pd.Series(clean_cmp.stats))
    assert raw_cmp.stats["n"] == 216
    pd.testing.assert_frame_equal(raw_cmp.table, clean_cmp.table)


def test_boras_kkik_2022_as_the_kvalitetsberattelse_says(kkik, shared_seeds):
    """Borås IFO kvalitetsberättelse 2022 (../shared/seeds/003_714135dfa7823126.txt, lines
    1364-1367): utredningstid barn och unga 77 dagar 2022, "bland de 25 procenten av Sveriges
    kommuner med kortast utredningstid", and "Snittet bland kommunerna är en utredningstid på
    100 dagar" -- the KKiK unweighted mean (ovägt medel) over the kommuner."""
    lines = (shared_seeds / KVALITETSBERATTELSE_2022).read_text(encoding="utf-8").split("\n")
    passage = " ".join(lines[1363:1367])
    assert "2022 i medeltal 77 dagar" in passage
    assert "bland de 25 procenten" in passage and "kortast utredningstid" in passage
    assert "utredningstid på 100 dagar" in passage

    db, _ = kkik
    db.set_indicator("U33401", direction="lower")
    c = db.compare("U33401", 2022, focus="1490")
    boras = c.table.set_index("area").loc["1490"]
    assert boras["value"] == 77.0
    assert boras["colour"] == "green"  # among the best 25 %
    assert (boras["rank"], boras["n"]) == (17, 216)
    assert c.stats["n"] == 216 and c.stats["n_areas"] == 290
    assert round(c.stats["unweighted_mean"]) == 100
    assert c.focus_text == "Borås har plats 17 av 216, bland de 25 % bästa."
    # the unweighted mean is the plain mean of the 216 values in the file
    values = c.table["value"].dropna()
    assert len(values) == 216 and c.stats["unweighted_mean"] == pytest.approx(values.mean())
    assert c.stats["median"] == pytest.approx(np.median(values))


def test_boras_vuxna_2022_as_the_kvalitetsberattelse_says(kolada_ddf, shared_seeds):
    """Same document, lines 1369-1370: utredningstid vuxna (U35400) 50 dagar 2022, "Snittet
    bland Sveriges kommuner är 53 dagar"."""
    passage = " ".join((shared_seeds / KVALITETSBERATTELSE_2022).read_text(encoding="utf-8").split("\n")[1368:1370])
    assert "till 50 dagar 2022" in passage and "53 dagar" in passage
    with kb.Database() as db:
        db.import_csv(ddf(kolada_ddf, GEO_YEAR, "u35400"), layout="wide")
        c = db.compare("U35400", 2022, focus="1490")
        assert c.table.set_index("area").loc["1490", "value"] == 50.0
        assert round(c.stats["unweighted_mean"]) == 53


def test_age_band_share_on_real_data(kolada_ddf):
    with kb.Database() as db:
        for kpi in ("n01952", "n01953", "n01954"):
            db.import_csv(ddf(kolada_ddf, GEO_YEAR, kpi), layout="wide")
        share = db.per_capita("N01952", age="0-19", scale=100)
        share = share.assign(area=share["area"].astype(str), period=share["period"].astype(str))
        row = share.set_index(["area", "period"]).loc[("1490", "2020")]
    bands = {
        kpi: read_str(ddf(kolada_ddf, GEO_YEAR, kpi)).set_index(["geo", "year"])[kpi].astype(float)
        for kpi in ("n01952", "n01953", "n01954")
    }
    denominator = sum(b.loc[("1490", "2020")] for b in bands.values())
    assert row["denominator"] == denominator
    assert row["result"] == pytest.approx(bands["n01952"].loc[("1490", "2020")] / denominator * 100)
    assert not np.isinf(share["result"]).any()


def test_rkolada_values_file(rkolada):
    path = rkolada / "values_N00945_0180_1280_1480.csv"
    expected = read_str(path)
    assert len(expected) == 63
    with kb.Database() as db:
        rep = db.import_csv(path, layout="kolada")
        assert rep.rows_read == rep.accepted == 63 and rep.errors == []
        v = db.values("N00945", gender=None)
    assert sorted(set(v["area"].astype(str))) == ["0180", "1280", "1480"]  # from municipality_id
    assert set(v["gender"].astype(str)) == set(expected["gender"]) == {"T"}
    got = {(str(a), str(p)): x for a, p, x in zip(v["area"], v["period"], v["value"])}
    want = {(r.municipality_id, r.year): float(r.value) for r in expected.itertuples()}
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-15), key
    assert (v["status"].astype(str) == "ok").all()
