"""The shipped datasets: the area catalogue against ../shared/data, and the seed figures
re-derived from the seed documents they were transcribed from."""

import csv
import re
from pathlib import Path

import kommunbench as kb
import pandas as pd
import pytest
from kommunbench.datasets import dataset_bytes

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


def need(path):
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="module")
def areas():
    with kb.Database() as db:
        return db.areas()


def test_catalogue_has_every_kommun_with_name_and_lan(areas):
    geo = pd.read_csv(need(DATA / "swedish-geodata" / "municipality_county.csv"), dtype=str)
    kommuner = areas[areas["type"] == "kommun"].set_index("code")
    assert len(kommuner) == 290
    assert set(kommuner.index) == set(geo["municipality_code"])
    for row in geo.itertuples():
        assert kommuner.loc[row.municipality_code, "name"] == row.municipality_name_short
        assert kommuner.loc[row.municipality_code, "lan"] == row.county_code


def test_catalogue_kommungrupper_match_kolada(areas):
    skr = pd.read_csv(need(DATA / "kolada-rkolada-snapshot" / "kommungrupp_skr.csv"), dtype=str)
    kommuner = areas[areas["type"] == "kommun"].set_index("code")
    assert dict(zip(skr["municipality_id"], skr["group_id"])) == kommuner["kommungrupp"].to_dict()
    groups = areas[areas["type"] == "kommungrupp"].set_index("code")["name"]
    titles = skr.drop_duplicates("group_id").set_index("group_id")["group_title"]
    assert {g: t.replace(" (ovägt medel)", "") for g, t in titles.items()} == groups.to_dict()
    assert kommuner.loc["1490", "kommungrupp"] == "G92790" and kommuner.loc["0138", "kommungrupp"] == "G92793"


def test_catalogue_regions_and_riket_match_kolada(areas):
    mun = pd.read_csv(need(DATA / "kolada-rkolada-snapshot" / "municipality.csv"), dtype=str)
    regions = mun[(mun["type"] == "L") & (mun["id"] != "0000")]
    ours = areas[areas["type"] == "region"].set_index("code")["name"]
    assert ours.to_dict() == dict(zip(regions["id"], regions["title"]))
    assert areas.set_index("code").loc["0000", "name"] == "Riket"


def test_datasets_are_embedded_copies_of_the_files():
    for name in ("areas", "indicators", "seed_figures"):
        assert dataset_bytes(name) == (ROOT / "datasets" / f"{name}.csv").read_bytes()


def seed_rows():
    return list(csv.DictReader((ROOT / "datasets" / "seed_figures.csv").open(encoding="utf-8")))


def swedish(value):
    """The ways a value can be written in the documents: 7.1 as 7,1; 1533 as 1 533;
    -12097 as -12 097 or −12 097."""
    sign = "[-\u2212\u2013] ?" if value.startswith("-") else ""
    whole, _, frac = value.lstrip("-").partition(".")
    grouped = f"{int(whole):,}".replace(",", "[ \u00a0]?") if whole.isdigit() else re.escape(whole)
    return sign + grouped + ((",?" + frac) if frac else "")


@pytest.mark.parametrize("row", seed_rows(), ids=lambda r: f"{r['kpi']}-{r['period']}-{r['kind']}")
def test_seed_figure_is_on_its_source_line(row):
    title, _, place = row["source"].partition(" | ")
    doc, line = place.rsplit(":", 1)
    lines = need(SEEDS / doc).read_text(encoding="utf-8").split("\n")
    text = lines[int(line) - 1]
    value = row["value"]
    # "ett underskott om 35 600 tkr" is -35600 (the word may end the line before)
    if value.startswith("-") and "underskott" in " ".join(lines[max(0, int(line) - 3) : int(line)]):
        value = value[1:]
    assert re.search(r"(?<![\d,])" + swedish(value) + r"(?![\d]|,\d)", text), (row, text)
    assert row["municipality"] in {"1490", "0138", "G2328", "0000"}
    assert title


def test_seed_figures_load_with_sources():
    with kb.Database(with_datasets=True) as db:
        v = db.values("U33401", area="1490", period=2022)
        assert v["value"].tolist() == [77.0]
        assert "kvalitetsberättelse 2022" in v["source"].iloc[0]
        t = db.values("BORAS_IFO_SJUKFRANVARO", area="1490", kind=None)
        assert {"utfall", "målvärde"} <= set(t["kind"].astype(str))
        assert db.indicators().set_index("id").loc["TYRESO_EKBISTAND_KR_INV", "unit"] == "kr/inv"
