"""Kolada's osäkerhetstal paired with their measures by title (Database.pair_uncertainty and the
pairing after every Kolada import), against every title of Kolada's /kpi catalogue, and the
significance colours the pairs give."""

import csv
import json

import kommunbench as kb
import numpy as np
import pandas as pd
import pytest

PREFIX = "Osäkerhetstal - "

# The 211 osäkerhetstal of kpi.csv that find no measure under the rule in bench.h (README, "Which
# differences are real"): a word more or less, another age band or a misspelling; U61547 finds two.
UNPAIRED = {
    "N01465",
    "N21460",
    "U01508",
    "U01510",
    "U01511",
    "U01513",
    "U01517",
    "U01519",
    "U01526",
    "U01532",
    "U01559",
    "U01572",
    "U01586",
    "U01587",
    "U01588",
    "U01604",
    "U01615",
    "U01660",
}
AMBIGUOUS = {"U61547"}


@pytest.fixture(scope="module")
def kpis(rkolada):
    with open(rkolada / "kpi.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def kpi_response(kpis):
    """The /kpi metadata response as Kolada's API gives it (the fields the importer reads)."""
    return json.dumps(
        {"values": [{"id": k["id"], "title": k["title"], "description": k["description"]} for k in kpis]}
    ).encode()


def data_response(rows):
    """A Kolada v3 data response: rows of (kpi, municipality, period, gender, value)."""
    return json.dumps(
        {
            "values": [
                {
                    "kpi": k,
                    "municipality": a,
                    "period": p,
                    "values": [{"gender": g, "value": v, "count": 1, "status": ""}],
                }
                for k, a, p, g, v in rows
            ]
        }
    ).encode()


def test_every_kolada_osakerhetstal(kpis):
    """One value for every KPI of the catalogue: 192 of Kolada's 211 osäkerhetstal find their measure."""
    margins = [k for k in kpis if k["title"].startswith(PREFIX)]
    assert len(margins) == 211
    with kb.Database() as db:
        db.import_kolada_json(kpi_response(kpis), source="Kolada /kpi")
        rows = [(k["id"], "1490", 2022, "T", 3.0 if k["title"].startswith(PREFIX) else 40.0) for k in kpis]
        db.import_kolada_json(data_response(rows), source="Kolada data")  # pairs by itself
        pairs = db.pair_uncertainty()
        assert len(pairs) == 211
        assert set(pairs["uncertainty"]) == {k["id"] for k in margins}
        counts = pairs["status"].value_counts().to_dict()
        assert counts == {"paired": 192, "no_measure": 18, "ambiguous": 1}
        assert set(pairs.loc[pairs["status"] == "no_measure", "uncertainty"]) == UNPAIRED
        assert set(pairs.loc[pairs["status"] == "ambiguous", "uncertainty"]) == AMBIGUOUS
        paired = pairs[pairs["status"] == "paired"]
        assert paired["measure"].is_unique and (paired["rows"] == 1).all() and (paired["intervals"] == 1).all()
        assert (pairs.loc[pairs["status"] != "paired", "measure"] == "").all()
        # how they matched: the same title, the title after Kolada's survey prefix, or only normalized
        title = {k["id"]: k["title"] for k in kpis}
        how = {"exact": 0, "NTU": 0, "Medborgarundersökningen": 0, "normalized": 0}
        for u, m in zip(paired["uncertainty"], paired["measure"]):
            rest = title[u][len(PREFIX) :]
            if title[m] == rest:
                how["exact"] += 1
            elif title[m].endswith(" - " + rest):
                how[title[m][: -len(rest) - 3]] += 1
            else:
                how["normalized"] += 1
        assert how == {"exact": 39, "NTU": 48, "Medborgarundersökningen": 101, "normalized": 4}
        pair = dict(zip(paired["uncertainty"], paired["measure"]))
        assert pair["N01453"] == "N01452"  # allvarlig psykisk påfrestning
        assert pair["N07648"] == "N07600"  # NTU - Förtroende för rättsväsendet som helhet
        assert pair["U01610"] == "N00610"  # "andel (%)" against "andel(%)"
        assert pair["U01564"] == "N00564"  # ",, andel" against ", andel"
        low = db.values("N01452:ci_low")
        high = db.values("N01452:ci_high")
        assert low["value"].tolist() == [37.0] and high["value"].tolist() == [43.0]
        ind = db.indicators().set_index("id")
        assert ind.loc["N01452:ci_low", "title"] == (title["N01452"] + ", nedre gräns (± osäkerhetstal N01453)")
        assert ind.loc["N01452:ci_high", "derived"] == "N01452 ± N01453 (Kolada osäkerhetstal); övre gräns"
        assert ind.loc["N01452", "title"] == title["N01452"]  # the measure is as it was
        # the README's way to pair one that differs in wording, when the pair is known
        db.set_indicator("U01402", title="Andel invånare 16-84 år som röker dagligen, andel (%)")
        again = db.pair_uncertainty().set_index("uncertainty")
        assert again.loc["U01508", "measure"] == "U01402" and again.loc["U01508", "status"] == "paired"
        assert (again["status"] == "paired").sum() == 193


def test_kolada_describes_the_margin(kpis):
    """What the README says of the margin: ± around the point estimate, "med stor sannolikhet", no level."""
    for k in kpis:
        if k["title"].startswith(PREFIX):
            d = k["description"]
            assert "punktskattning +- osäkerhetstalet" in d and "med stor sannolikhet" in d
            assert "95" not in d
    brå = [k for k in kpis if k["title"].startswith(PREFIX) and "asymmetriska konfidensintervall" in k["description"]]
    assert len(brå) == 48


KOMMUNER = ["1490", "0138", "0180", "1480", "1280", "0114", "0115", "0117"]


@pytest.fixture
def fetma(kpis):
    """N01452 and its osäkerhetstal N01453 for eight kommuner, imported as Kolada sends them."""
    rng = np.random.default_rng(7)
    values = np.round(rng.uniform(5, 25, len(KOMMUNER)), 1)
    margins = np.round(rng.uniform(0.5, 6, len(KOMMUNER)), 1)
    meta = [k for k in kpis if k["id"] in ("N01452", "N01453")]
    return meta, dict(zip(KOMMUNER, values)), dict(zip(KOMMUNER, margins))


@pytest.mark.parametrize("order", ["metadata first", "metadata last", "pages"])
def test_paired_on_import_and_significance(fetma, order):
    meta, values, margins = fetma
    rows = [("N01452", a, 2022, "T", v) for a, v in values.items()]
    rows += [("N01453", a, 2022, "T", m) for a, m in margins.items() if a != "0117"]  # 0117: no margin
    with kb.Database() as db:
        if order == "pages":
            db.import_kolada_pages([kpi_response(meta), data_response(rows)], source="Kolada API")
        else:
            parts = [kpi_response(meta), data_response(rows)]
            for body in parts if order == "metadata first" else parts[::-1]:
                db.import_kolada_json(body, source="Kolada")
        low = db.values("N01452:ci_low").set_index("area")["value"]
        high = db.values("N01452:ci_high").set_index("area")["value"]
        for a in KOMMUNER[:-1]:
            assert low[a] == pytest.approx(values[a] - margins[a])
            assert high[a] == pytest.approx(values[a] + margins[a])
        assert np.isnan(low["0117"]) and np.isnan(high["0117"])

        reference = float(np.mean(list(values.values())))
        cmp = db.compare("N01452", 2022, areas=KOMMUNER, colours="significance", direction="lower")
        table = cmp.table.set_index("area")

        def expected(a):
            if a == "0117":
                return "grey"
            lo, hi = values[a] - margins[a], values[a] + margins[a]
            return "green" if hi < reference else "red" if lo > reference else "yellow"

        assert {a: table.loc[a, "colour"] for a in KOMMUNER} == {a: expected(a) for a in KOMMUNER}
        assert set(table["colour"]) - {"grey"} >= {"green", "red"}  # the data tell some apart


def test_pairs_survive_a_snapshot_and_follow_a_new_margin(fetma, tmp_path):
    meta, values, margins = fetma
    rows = [("N01452", a, 2022, "T", v) for a, v in values.items()]
    rows += [("N01453", a, 2022, "T", m) for a, m in margins.items()]
    with kb.Database() as db:
        db.import_kolada_json(kpi_response(meta), source="Kolada /kpi")
        db.import_kolada_json(data_response(rows), source="Kolada 2024")
        db.import_kolada_json(data_response([("N01453", "1490", 2022, "T", 10.0)]), source="Kolada 2025")
        assert db.values("N01452:ci_high", area="1490")["value"].iloc[0] == pytest.approx(values["1490"] + 10)
        db.save(tmp_path / "s.kbsnap")
    with kb.Database.open(tmp_path / "s.kbsnap") as db2:
        assert db2.values("N01452:ci_low", area="1490")["value"].iloc[0] == pytest.approx(values["1490"] - 10)
        cmp = db2.compare("N01452", 2022, areas=KOMMUNER, colours="significance", reference=0)
        assert set(cmp.table["colour"]) == {"higher"}  # no direction: neutral colours


def test_other_imports_pair_when_asked():
    """A CSV import does not pair (only Kolada JSON imports do); pair_uncertainty() does."""
    csv_text = (
        "kpi,municipality,period,gender,value,title\n"
        "M,1490,2022,T,40,\"Nöjda, andel (%)\"\nM,0138,2022,T,20,\n"
        "S,1490,2022,T,4,\"Osäkerhetstal - Nöjda, andel(%)\"\nS,0138,2022,T,3,\n"
        "S9,1490,2022,T,4,\"Osäkerhetstal - Finns inte, andel (%)\"\n"
    )
    with kb.Database() as db:
        db.import_csv(csv_text, source="egen")
        with pytest.raises(kb.NotFoundError, match="osäkerhetstal"):
            db.compare("M", 2022, areas=["1490", "0138"], colours="significance")
        pairs = db.pair_uncertainty()
        assert pairs[["uncertainty", "measure", "status", "rows", "intervals"]].values.tolist() == [
            ["S", "M", "paired", 2, 2],
            ["S9", "", "no_measure", 0, 0],
        ]
        assert pairs.attrs["caption"] == "Bearbetning av data från Kolada"
        cmp = db.compare("M", 2022, areas=["1490", "0138"], colours="significance", reference=30)
        assert dict(zip(cmp.table["area"], cmp.table["colour"])) == {"1490": "higher", "0138": "lower"}
        before = db.values(None)
        again = db.pair_uncertainty()
        pd.testing.assert_frame_equal(pairs, again)
        pd.testing.assert_frame_equal(before, db.values(None))
