"""The coverage rule: a set of which too few areas report is not ranked or coloured."""

import kommunbench as kb
import matplotlib.pyplot as plt
import pytest
from kommunbench import charts

EIGHT = ["1490", "0138", "0180", "0114", "0115", "0117", "0120", "0123"]


@pytest.fixture
def sparse():
    d = kb.Database()
    d.import_csv(
        "kpi,municipality,period,value\n"
        "U33401,1490,2021,70\nU33401,0138,2021,90\nU33401,0180,2021,100\nU33401,0114,2021,60\n"
        "U33401,1490,2022,77\nU33401,0138,2022,89\n"  # 2 of 8 in 2022
        "U33401,1490,2023,75\n",
        source="Kolada",
    )  # 1 of 8 in 2023
    yield d
    d.close()


def test_default_is_a_quarter_from_the_header():
    assert kb.database.MIN_COVERAGE == 0.25


def test_too_few_report(sparse):
    c = sparse.compare("U33401", 2022, areas=EIGHT, focus="1490", min_coverage=0.3)
    assert c.table["rank"].isna().all() and (c.table["colour"] == "grey").all()
    assert c.stats["n"] == 2 and c.stats["unweighted_mean"] == 83  # the statistics still say n
    assert c.params["ranked"] is False and c.params["coverage"] == 0.25
    assert c.focus_text == "Borås har värdet 77,0, men för få redovisar för en rangordning: 2 av 8 (25 %)."
    assert "plats" not in c.focus_text
    fig = charts.ranking(c)  # drawn grey, values best first
    assert fig.axes
    plt.close(fig)
    # at the default a quarter is enough
    c = sparse.compare("U33401", 2022, areas=EIGHT, focus="1490")
    assert c.params["ranked"] and c.focus_text.startswith("Borås har plats 1 av 2")


def test_never_plats_1_av_1(sparse):
    c = sparse.compare("U33401", 2023, areas=["1490"], focus="1490")
    assert c.table["rank"].isna().all()
    assert "plats 1 av 1" not in c.focus_text
    c = sparse.compare("U33401", 2023, focus="0138")
    assert c.focus_text == "Tyresö har inget värde." or "för få" in c.focus_text.lower()
    assert sparse.compare("U33401", 2023, areas=["1490"], min_coverage=0).table["rank"].tolist() == [1]


def test_compare_all_and_peers_use_it(sparse):
    bulk = sparse.compare_all(areas=EIGHT, min_coverage=0.3)
    by_year = bulk.groupby(bulk["period"].astype(str), observed=True)["rank"].apply(lambda r: r.notna().sum())
    assert by_year.to_dict() == {"2021": 4, "2022": 0, "2023": 0}
    assert bulk.loc[bulk["period"] == "2022", "n"].eq(2).all()
    p = sparse.peers("U33401", 2022, "1490", sets=[("åtta", EIGHT)])
    assert p["rank"].notna().all()  # 2 of 8 at the default quarter
    p = sparse.peers("U33401", 2023, "1490", sets=[("åtta", EIGHT)])
    assert p["rank"].isna().all()


def test_latest_period(sparse):
    assert sparse.latest_period("U33401", areas=EIGHT) == "2022"
    assert sparse.latest_period("U33401", areas=EIGHT, min_coverage=0.5) == "2021"
    assert sparse.latest_period("U33401", areas=EIGHT, min_coverage=0.6) is None
    with pytest.raises(kb.InvalidArgumentError):
        sparse.latest_period("U33401", min_coverage=2)


def test_real_kkik_years(kolada_ddf):
    """U33401's first years (0-22 % of kommuner) are not ranked; every year from 2011 (30 %) is."""
    with kb.Database() as db:
        db.import_csv(
            kolada_ddf / "datapoints--by--geo--year" / "ddf--datapoints--u33401--by--geo--year.csv", layout="wide"
        )
        ranked = {y: db.compare("U33401", y).params["ranked"] for y in range(2007, 2023)}
        assert [y for y, r in ranked.items() if not r] == [2007, 2008, 2009, 2010]
        assert db.latest_period("U33401") == "2022"
