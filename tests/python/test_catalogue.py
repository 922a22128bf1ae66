"""The embedded area catalogue against the public files in ../shared/data.

Sources: swedish-geodata/municipality_county.csv (SCB codes, short names, county codes) and the
rKolada snapshot of Kolada's /municipality and SKR kommungrupper (kommungrupp_skr.csv).
Every file is read with dtype=str so that codes keep their leading zeros.
"""

import kommunbench as kb
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def kommuner(catalogue):
    return catalogue[catalogue["type"] == "kommun"].set_index("code")


@pytest.fixture(scope="module")
def municipality_county(geodata):
    return pd.read_csv(geodata / "municipality_county.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def kommungrupp_skr(rkolada):
    return pd.read_csv(rkolada / "kommungrupp_skr.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def municipality(rkolada):
    return pd.read_csv(rkolada / "municipality.csv", dtype=str, keep_default_na=False)


def test_the_290_kommun_codes(kommuner, municipality_county):
    assert len(municipality_county) == 290
    assert sorted(kommuner.index) == sorted(municipality_county["municipality_code"])
    assert municipality_county["municipality_code"].str.fullmatch(r"\d{4}").all()


def test_kommun_short_names(kommuner, municipality_county):
    expected = municipality_county.set_index("municipality_code")["municipality_name_short"]
    got = kommuner.loc[expected.index, "name"]
    mismatched = {code: (got[code], name) for code, name in expected.items() if got[code] != name}
    assert not mismatched
    assert kommuner.loc["0138", "name"] == "Tyresö"
    assert kommuner.loc["1490", "name"] == "Borås"


def test_kommun_county_codes(kommuner, municipality_county):
    expected = municipality_county.set_index("municipality_code")["county_code"]
    assert kommuner.loc[expected.index, "lan"].tolist() == expected.tolist()
    assert kommuner["lan"].nunique() == 21
    # Västra Götaland has 49 kommuner
    assert (kommuner["lan"] == "14").sum() == (municipality_county["county_code"] == "14").sum() == 49


def test_each_kommuns_kommungrupp(kommuner, kommungrupp_skr):
    assert len(kommungrupp_skr) == 290
    expected = dict(zip(kommungrupp_skr["municipality_id"], kommungrupp_skr["group_id"]))
    assert kommuner["kommungrupp"].to_dict() == expected


def test_kommungrupp_names_and_sizes(catalogue, kommungrupp_skr):
    groups = catalogue[catalogue["type"] == "kommungrupp"].set_index("code")["name"]
    titles = (
        kommungrupp_skr.drop_duplicates("group_id")
        .set_index("group_id")["group_title"]
        .str.replace(" (ovägt medel)", "", regex=False)
    )
    assert groups.sort_index().to_dict() == titles.sort_index().to_dict()
    assert groups["G92790"] == "Större stad"
    sizes = kommungrupp_skr["group_id"].value_counts()
    with kb.Database() as db:
        for group in groups.index:
            members = db.group_members(group)
            assert len(members) == sizes[group], group
            assert set(members) == set(kommungrupp_skr.loc[kommungrupp_skr["group_id"] == group, "municipality_id"])


def test_region_names(catalogue, municipality):
    regions = municipality[(municipality["type"] == "L") & (municipality["id"] != "0000")]
    assert len(regions) == 21
    ours = catalogue[catalogue["type"] == "region"].set_index("code")["name"]
    assert ours.sort_index().to_dict() == dict(zip(regions["id"], regions["title"]))
    assert ours["0014"] == "Västra Götalandsregionen"


def test_riket_and_kommun_titles_match_kolada(catalogue, municipality):
    by_code = catalogue.set_index("code")
    riket = municipality[municipality["id"] == "0000"]
    assert riket["title"].tolist() == [by_code.loc["0000", "name"]] == ["Riket"]
    kolada_kommuner = municipality[municipality["type"] == "K"].set_index("id")["title"]
    assert len(kolada_kommuner) == 290
    assert by_code.loc[kolada_kommuner.index, "name"].tolist() == kolada_kommuner.tolist()


def test_region_lan_matches_county_file(catalogue, geodata):
    counties = pd.read_csv(geodata / "counties.csv", dtype=str, keep_default_na=False)
    regions = catalogue[catalogue["type"] == "region"]
    assert sorted(regions["lan"]) == sorted(counties["county_code"])
