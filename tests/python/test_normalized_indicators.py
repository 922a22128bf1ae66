"""Normalized figures are indicators too: store_as, ratio, the population's date, and every
comparison, chart and file on them; the joints of compare (area sets, focus, weights, ranks)."""

import subprocess
import sys
import warnings

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest
from kommunbench import charts

DATA = """kpi,municipality,period,gender,value,title,unit
PLAC,1490,2022,T,500,"Placeringar barn och unga, antal",antal
PLAC,0138,2022,T,100,,
PLAC,1480,2022,T,900,,
PLAC,0180,2022,T,..,,
PLAC,1280,2022,T,2000,,
PLAC,1490,2021,T,450,,
PLAC,0138,2021,T,120,,
PLAC,1480,2021,T,800,,
PLAC,1280,2021,T,1500,,
PLAC,1490,2020,T,400,,
PLAC,0138,2020,T,110,,
PLAC,1480,2020,T,850,,
PLAC,1280,2020,T,1800,,
N01951,1490,2022,T,100000,,
N01951,0138,2022,T,50000,,
N01951,1480,2022,T,600000,,
N01951,0180,2022,T,980000,,
N01951,1280,2022,T,0,,
N01951,1490,2021,T,99000,,
N01951,0138,2021,T,49000,,
N01951,1480,2021,T,590000,,
N01951,1280,2021,T,350000,,
N01951,1490,2020,T,98000,,
N01951,0138,2020,T,48000,,
N01951,1480,2020,T,580000,,
N01951,1280,2020,T,345000,,
N01951,1490,2019,T,97000,,
N01951,0138,2019,T,47000,,
N01951,1480,2019,T,570000,,
N01951,1280,2019,T,340000,,
"""
FIVE = ["1490", "0138", "1480", "0180", "1280"]


@pytest.fixture
def ndb():
    d = kb.Database()
    d.import_csv(DATA, source="Kolada")
    d.set_indicator("PLAC", direction="lower")
    yield d
    d.close()


def ranks_of(series):
    return [None if pd.isna(r) else int(r) for r in series]


# ---- store_as ------------------------------------------------------------------------------


def test_store_as_makes_an_indicator(ndb):
    df = ndb.per_capita("PLAC", scale=1000, store_as="PLAC1000")
    assert df.attrs["derived"] == "PLAC / N01951 × 1000"
    assert df.attrs["caption"] == "Bearbetning av data från Kolada"
    ind = ndb.indicators().set_index("id")
    row = ind.loc["PLAC1000"]
    assert row["title"] == "Placeringar barn och unga, antal, per 1 000 invånare"
    assert row["unit"] == "per 1 000 inv" and row["direction"] == "lower"  # the numerator's
    assert row["derived"] == "PLAC / N01951 × 1000" and ind.loc["PLAC", "derived"] == ""
    v = ndb.values("PLAC1000", period=2022).set_index("area")
    assert v.loc["1490", "value"] == pytest.approx(5.0)
    # missing and zero denominators keep their status: never 0, never inf
    assert v.loc["1280", "status"] == "zero_denominator" and np.isnan(v.loc["1280", "value"])
    assert v.loc["0180", "status"] == "sekretess" and np.isnan(v.loc["0180", "value"])
    assert np.isfinite(v["value"].dropna()).all()
    assert set(v["source"].astype(str)) == {"Bearbetning: PLAC / N01951 × 1000"}


def test_stored_result_in_every_comparison(ndb):
    ndb.per_capita("PLAC", scale=1000, store_as="PLAC1000")
    c = ndb.compare("PLAC1000", 2022, areas=FIVE, focus="1490")
    assert c.table["area"].tolist()[:3] == ["1480", "0138", "1490"]  # 1.5, 2.0, 5.0: lower is better
    assert c.table.set_index("area").loc["0138", "value"] == pytest.approx(2.0)
    by_area = c.table.set_index("area")
    assert ranks_of(by_area.loc[["0138", "1490", "1480", "0180", "1280"], "rank"]) == [2, 3, 1, None, None]
    assert by_area.loc["1480", "colour"] == "green" and by_area.loc["1490", "colour"] == "red"
    assert "Bearbetning av data från Kolada" in c.caption() and "Källa: Kolada" not in c.caption()
    bulk = ndb.compare_all(areas=FIVE)
    assert "PLAC1000" in set(bulk["indicator"].astype(str))
    p = ndb.peers("PLAC1000", 2022, "Borås", sets=[("fem", FIVE)])
    assert p["rank"].tolist() == [3]
    marks = ndb.trend_marks("PLAC1000", areas=FIVE)
    assert set(marks["area"]) >= {"1490", "0138"}
    assert marks.set_index("area").loc["0138", "mark"] == "*"  # better than ovägt medel each year


def test_stored_result_is_charted(ndb):
    ndb.per_capita("PLAC", scale=1000, store_as="PLAC1000")
    c = ndb.compare("PLAC1000", 2022, areas=FIVE, focus="1490")
    fig = charts.ranking(c)  # the caption follows from the indicator: processed, not "Källa: Kolada"
    assert fig.axes
    texts = " ".join(t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text")))
    assert "Bearbetning av data från Kolada" in texts
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_store_again_replaces_and_parts_do_not_change_it(ndb):
    ndb.per_capita("PLAC", scale=1000, store_as="PLAC_PC")
    ndb.import_csv("kpi,municipality,period,value\nPLAC,1490,2022,1000\n", source="Kolada")
    # a stored result is a snapshot of its parts: a re-import does not change it ...
    assert ndb.values("PLAC_PC", area="1490", period=2022)["value"].item() == pytest.approx(5.0)
    # ... storing again does, and replaces every value, unit and title
    ndb.per_capita("PLAC", scale=100000, store_as="plac_pc")  # the same id in another case
    assert ndb.values("PLAC_PC", area="1490", period=2022)["value"].item() == pytest.approx(1000.0)
    assert ndb.indicators().set_index("id").loc["PLAC_PC", "unit"] == "per 100 000 inv"
    assert (ndb.indicators()["id"].str.casefold() == "plac_pc").sum() == 1


def test_store_as_refusals_leave_the_database_as_it_was(ndb):
    before = ndb.values(gender=None, kind=None)
    for bad in ("PLAC", "N01951", "plac"):
        with pytest.raises(kb.InvalidArgumentError, match="part of the division"):
            ndb.per_capita("PLAC", store_as=bad)
    ndb.import_csv("kpi,municipality,period,value\nOWN,1490,2022,1\n", source="own")
    with pytest.raises(kb.InvalidArgumentError, match="imported values"):
        ndb.per_capita("PLAC", store_as="OWN")
    with pytest.raises(kb.InvalidArgumentError, match="one indicator"):
        ndb.per_capita(None, store_as="ALL")
    with pytest.raises(kb.InvalidArgumentError):
        ndb.per_capita("PLAC", population_period="last")
    with pytest.raises(kb.InvalidArgumentError):
        ndb.per_capita("PLAC", store_as="X", direction="up")
    after = ndb.values(gender=None, kind=None)
    assert len(after) == len(before) + 1  # only OWN


def test_saved_and_opened(ndb, tmp_path):
    ndb.per_capita("PLAC", scale=1000, population_period="previous", store_as="PLAC_PREV")
    path = tmp_path / "n.kbsnap"
    ndb.save(path)
    with kb.Database.open(path) as back:
        row = back.indicators().set_index("id").loc["PLAC_PREV"]
        assert row["derived"] == "PLAC / N01951 × 1000, nämnare 31/12 året före"
        pd.testing.assert_frame_equal(back.values("PLAC_PREV"), ndb.values("PLAC_PREV"))
        c = back.compare("PLAC_PREV", 2022, areas=FIVE)
        # 2022 divided by 31/12 2021
        assert c.table.set_index("area").loc["1490", "value"] == pytest.approx(500 / 99000 * 1000)


def test_user_title_unit_direction(ndb):
    ndb.per_capita(
        "PLAC", scale=10000, store_as="P", title="Placeringar per 10 000", unit="st/10 000 inv", direction="higher"
    )
    row = ndb.indicators().set_index("id").loc["P"]
    assert (row["title"], row["unit"], row["direction"]) == ("Placeringar per 10 000", "st/10 000 inv", "higher")
    ndb.per_capita("PLAC", store_as="Q", direction=None)
    assert ndb.indicators().set_index("id").loc["Q", "direction"] == ""


# ---- ratio -----------------------------------------------------------------------------------


def test_ratio(ndb):
    ndb.import_csv(
        "kpi,municipality,period,value,title,unit\nKOST,1490,2022,900000,Kostnad placeringar,kr\n"
        "KOST,0138,2022,50000,,\nKOST,1480,2022,..,,\n",
        source="own",
    )
    df = ndb.ratio("KOST", "PLAC", store_as="KR_PER_PLAC")
    r = df.assign(area=df["area"].astype(str)).set_index("area")
    assert r.loc["1490", "result"] == pytest.approx(1800.0)
    assert r.loc["1480", "status"] == "sekretess"
    row = ndb.indicators().set_index("id").loc["KR_PER_PLAC"]
    assert row["unit"] == "kr/st" and row["derived"] == "KOST / PLAC"
    assert row["title"] == "Kostnad placeringar, per Placeringar barn och unga, antal"
    share = ndb.ratio("PLAC", "N01951", scale=100)
    assert share.attrs["method"].startswith("andel (%) av")
    assert share.attrs["unit"] == "%"
    with pytest.raises(kb.NotFoundError, match="denominator"):
        ndb.ratio("KOST", "NOPE")
    with pytest.raises(kb.InvalidArgumentError):
        ndb.ratio("KOST", "PLAC", denominator_period="then")


# ---- the population's date -------------------------------------------------------------------


def test_population_period_previous_and_tertial(ndb):
    ndb.import_csv("kpi,municipality,period,value\nPLAC,1490,2022-T1,200\nPLAC,1490,2022-03,70\n", source="own")
    same = ndb.per_capita("PLAC")
    same = same.astype({"area": str, "period": str}).set_index(["area", "period"])
    assert same.loc[("1490", "2022-T1"), "denominator"] == 100000  # the tertial's year
    assert same.loc[("1490", "2022-03"), "denominator"] == 100000
    prev = ndb.per_capita("PLAC", population_period="previous")
    prev = prev.astype({"area": str, "period": str}).set_index(["area", "period"])
    assert prev.loc[("1490", "2022"), "denominator"] == 99000
    assert prev.loc[("1490", "2022-T1"), "denominator"] == 99000
    assert prev.loc[("1490", "2020"), "denominator"] == 97000
    assert prev.attrs["denominator_period"] == "previous"


def test_weighted_mean_with_a_list_and_the_previous_year(ndb):
    ndb.import_csv(
        "kpi,municipality,period,value\nP1,1490,2022,1\nP2,1490,2022,3\nP1,0138,2022,1\nP2,0138,2022,1\n", source="own"
    )
    c = ndb.compare("PLAC", 2022, areas=["1490", "0138"], weight=["P1", "P2"])
    assert c.stats["weighted_mean"] == pytest.approx((500 * 4 + 100 * 2) / 6)
    c = ndb.compare("PLAC", 2022, areas=["1490", "0138"], population_period="previous")
    assert c.stats["weighted_mean"] == pytest.approx((500 * 99000 + 100 * 49000) / 148000)
    with pytest.raises(kb.NotFoundError):
        ndb.compare("PLAC", 2022, weight=["P1", "NOPE"])


def test_kolada_per_capita_kpis_reproduced(kolada_ddf, capsys):
    """From the raw counts, Kolada's own published per-capita KPIs to the precision it publishes:
    N01993 (asylsökande per 1 000 inv, invånare 31/12 year T-1) and N28817 (personlig
    assistans per 10 000 inv, the same year, T, K and M)."""
    base = kolada_ddf / "datapoints--by--geo--year"
    km = kolada_ddf / "datapoints--by--geo--gender--year"
    pairs = [("n01990", "n01993", 1000, "previous"), ("n28811", "n28817", 10000, "same")]
    for count, kpi, scale, when in pairs:
        with kb.Database() as db:
            files = [base / f"ddf--datapoints--{k}--by--geo--year.csv" for k in (count, "n01951", kpi)]
            files += [
                p
                for k in (count, "n01951", kpi)
                if (p := km / f"ddf--datapoints--{k}--by--geo--gender--year.csv").exists()
            ]
            for f in files:
                db.import_csv(f, layout="wide")
            db.per_capita(count.upper(), scale=scale, population_period=when, store_as="REPRO")
            ours = db.values("REPRO", gender=None).astype({"area": str, "period": str, "gender": str})
            published = []
            for f in files:
                if kpi in f.name:
                    t = pd.read_csv(f, dtype=str)
                    t["gender"] = t["gender"].str.upper() if "gender" in t else "T"
                    published.append(t.rename(columns={"geo": "area", "year": "period", kpi: "text"}))
            pub = pd.concat(published)
            pub = pub[pub["area"].str.len() == 4]  # kommuner
            m = pub.merge(ours, on=["area", "period", "gender"], how="left")
            decimals = m["text"].str.split(".").str[1].fillna("").str.len()
            agree = (m["value"] - m["text"].astype(float)).abs() <= 10.0**-decimals * (1 + 1e-9)
            share = agree.mean()
            with capsys.disabled():
                print(
                    f"\n  {kpi.upper()} = {count.upper()} / N01951 × {scale} ({when} year): "
                    f"{share:.2%} of {len(m)} kommun rows agree within Kolada's last decimal"
                )
            assert len(m) > 1000 and share >= 0.995


# ---- the unit sanity note --------------------------------------------------------------------


def test_rate_divided_by_population_is_warned(ndb):
    ndb.import_csv("kpi,municipality,period,value\nU33401,1490,2022,77\n", source="Kolada")
    with pytest.warns(kb.UnitWarning, match="already a rate"):
        df = ndb.per_capita("U33401")
    assert "dagar" in df.attrs["warning"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = ndb.per_capita("PLAC")  # a count: no warning
    assert "warning" not in df.attrs


# ---- comparison joints -----------------------------------------------------------------------


def test_g2328_and_group_names_are_area_sets(ndb, kommun_codes):
    assert ndb.group_members("G2328") == kommun_codes
    assert ndb.group_members("kommuner") == kommun_codes
    storre = ndb.group_members("Större stad")
    assert storre == ndb.group_members("G92790") and "1490" in storre
    assert len(ndb.group_members("14")) == 49  # Västra Götalands län
    a = ndb.compare("PLAC", 2022, areas="G2328")
    b = ndb.compare("PLAC", 2022)
    assert a.stats == b.stats and a.stats["n_areas"] == 290
    p = ndb.peers("PLAC", 2022, "1490", sets=[("alla", "G2328"), ("större stad", "Större stad")])
    assert p["n_areas"].tolist() == [290, len(storre)]
    fig = charts.scorecard(ndb, ["PLAC"], 2022, "1490", peers="Större stad")
    import matplotlib.pyplot as plt

    plt.close(fig)
    with pytest.raises(kb.NotFoundError):
        ndb.group_members("1490")  # a kommun is no group


def test_focus_by_name_and_checked(ndb):
    c = ndb.compare("PLAC", 2022, areas=FIVE, focus="Borås")
    assert c.focus == "1490" and "Borås har plats" in c.focus_text
    assert ndb.compare("PLAC", 2022, focus="tyresö").focus == "0138"
    assert ndb.compare("PLAC", 2022, focus=138).focus == "0138"
    with pytest.raises(kb.NotFoundError, match="Atlantis"):
        ndb.compare("PLAC", 2022, focus="Atlantis")
    with pytest.raises(kb.NotFoundError, match="9999"):
        ndb.compare("PLAC", 2022, focus="9999")
    with pytest.raises(kb.NotFoundError, match="not in the area set"):
        ndb.compare("PLAC", 2022, areas=["0138", "1480"], focus="1490")
    with pytest.raises(kb.NotFoundError):
        ndb.peers("PLAC", 2022, "Atlantis")


def test_rank_of_an_area_without_a_value_is_missing(ndb):
    c = ndb.compare("PLAC", 2022, areas=FIVE, focus="0180")
    assert str(c.table["rank"].dtype) == "Int32"
    assert c.table.set_index("area")["rank"].isna().to_dict() == {
        "1490": False,
        "0138": False,
        "1480": False,
        "1280": False,
        "0180": True,
    }
    assert c.focus_text == "Stockholm har inget värde."
    bulk = ndb.compare_all(areas=FIVE)
    assert str(bulk["rank"].dtype) == "Int32"
    assert bulk.loc[bulk["value"].isna(), "rank"].isna().all()
    assert not (bulk["rank"] == 0).any()
    p = ndb.peers("PLAC", 2022, "0180", sets=[("fem", FIVE)])
    assert p["rank"].isna().all()
    assert "<td></td>" in c._repr_html_()


def test_riket_is_not_the_weighted_mean(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "Riket" in readme and "0000" in readme and "weighted mean" in readme


# ---- indicator ids -------------------------------------------------------------------------------


def test_ids_without_regard_to_case(ndb):
    ndb.import_csv("kpi,municipality,period,value\nMyPop,1490,2022,5\n", source="own")
    assert ndb.values("MYPOP")["value"].item() == 5
    assert ndb.values("mypop")["value"].item() == 5
    ndb.import_csv("kpi,municipality,period,value\nmypop,0138,2022,6\n", source="own")
    assert sorted(ndb.values("MyPop")["area"].astype(str)) == ["0138", "1490"]
    assert list(ndb.indicators().query("id.str.lower() == 'mypop'")["id"]) == ["MyPop"]
    assert len(ndb.compare("mypop", 2022, areas=["1490", "0138"]).table) == 2


# ---- Öppna jämförelser: Ja/Nej ---------------------------------------------------------------------


def test_oj_yes_no_measures(tmp_path):
    rows = [
        ["Öppna jämförelser 2023 – Individ- och familjeomsorg", "", "", ""],
        ["", "", "", ""],
        ["Kommun", "Kommunkod", "Rutin för att hantera avvikelser", "Andel (%)"],
        ["Borås", "1490", "Ja", "72,5"],
        ["Tyresö", "0138", "Nej", "80"],
        ["Lund", "1281", "JA", "81"],
        ["Malmö", "1280", "-", "70"],
    ]
    path = tmp_path / "oj.csv"
    path.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    with kb.Database() as db:
        db.import_oj(path)
        rid = "OJ_RUTIN_FOR_ATT_HANTERA_AVVIKELSER"
        v = db.values(rid).astype({"area": str}).set_index("area")
        assert v.loc["1490", "value"] == 1 and v.loc["0138", "value"] == 0 and v.loc["1281", "value"] == 1
        assert v.loc["1280", "status"] == "bortfall" and np.isnan(v.loc["1280", "value"])
        ind = db.indicators().set_index("id").loc[rid]
        assert ind["unit"] == "ja/nej" and ind["direction"] == ""
        c = db.compare(rid, 2023, areas=["1490", "0138", "1281", "1280"])
        assert set(c.table["colour"]) <= {"", "grey"}  # no direction known: no colours
        db.set_indicator(rid, direction="higher")
        c = db.compare(rid, 2023, areas=["1490", "0138", "1281", "1280"])
        assert c.table.set_index("area").loc["0138", "colour"] == "red"
    # a column mixing Ja and numbers is still an error at its cell
    rows[4][2] = "3"
    path.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    with kb.Database() as db:
        with pytest.raises(kb.ParseError) as e:
            db.import_oj(path)
        assert e.value.line == 4 and len(db) == 0


# ---- the command line ------------------------------------------------------------------------------


def test_cli_per_capita_and_ratio(tmp_path):
    csv = tmp_path / "plac.csv"
    csv.write_text(DATA, encoding="utf-8")
    snap = tmp_path / "db.kbsnap"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "kommunbench", *map(str, args)], capture_output=True, text=True)

    assert run("import", snap, csv, "--quiet").returncode == 0
    r = run("per-capita", snap, "PLAC", "--store-as", "PLAC1000", "--population-period", "previous")
    assert r.returncode == 0, r.stderr
    assert "PLAC / N01951 × 1000, nämnare 31/12 året före" in r.stdout
    r = run("ratio", snap, "PLAC", "N01951", "--store-as", "ANDEL", "--scale", "100")
    assert r.returncode == 0, r.stderr
    r = run("compare", snap, "PLAC1000", "2022", "--areas", ",".join(FIVE), "--focus", "1490")
    assert r.returncode == 0, r.stderr
    assert "Bearbetning av data från Kolada" in r.stdout
    out = tmp_path / "export.csv"
    assert run("export", snap, out, "--indicator", "ANDEL").returncode == 0
    exported = pd.read_csv(out, dtype={"area": str})
    assert set(exported["indicator"]) == {"ANDEL"} and (exported["unit"] == "%").all()
    r = run("per-capita", snap, "PLAC", "--store-as", "N01951")
    assert r.returncode == 1 and "part of the division" in r.stderr


def test_xlsx_export_writes_formulas_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    csv = tmp_path / "evil.csv"
    csv.write_text(
        'kpi,municipality,period,value,title\nEVIL,1490,2022,1,"=HYPERLINK(""http://x"",""klicka"")"\n',
        encoding="utf-8",
    )
    snap = tmp_path / "db.kbsnap"

    def run(*a):
        return subprocess.run([sys.executable, "-m", "kommunbench", *map(str, a)], capture_output=True, text=True)

    assert run("import", snap, csv, "--quiet").returncode == 0
    out = tmp_path / "out.xlsx"
    r = run("export", snap, out)
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
