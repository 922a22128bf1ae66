"""A nämnd's report tables (HTML and tab tables read verbatim from the seed documents, the CSV
report layout), Öppna jämförelser sheets, links to Kolada and source precedence."""

from pathlib import Path

import kommunbench as kb
import pandas as pd
import pandas.testing as pdt
import pytest

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
REPORT_2024 = SEEDS / "002_31c982ff1d8d9758.txt"  # IFON handlingar with årsredovisning 2024
TERTIAL_2018 = SEEDS / "001_1e42bd5837418c89.txt"  # tertialrapport 1 2018


def need(path):
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


def series(db, indicator, kind="utfall"):
    v = db.values(indicator, area="1490", kind=kind)
    return dict(zip(v["period"].astype(str), v["value"]))


def test_html_tables_of_the_annual_report():
    with kb.Database() as db:
        rep = db.import_report(need(REPORT_2024), format="html", area="1490", prefix="BORAS_")
        assert rep.accepted == 12
        sick = "BORAS_ANDEL_SJUKFRANVARO_AV_ORDINARIE_ARBETSTID_SKA_MINSKA"
        assert series(db, sick) == {"2019": 7.1, "2020": 8.4, "2021": 7.1, "2022": 8.2, "2023": 8.4, "2024": 7.7}
        v = db.values(sick, area="1490", period=2024)
        assert v["source"].iloc[0] == "002_31c982ff1d8d9758.txt:1090"
        assert db.indicators().set_index("id").loc[sick, "unit"] == "%"


def test_tab_tables_of_two_reports_line_up():
    with kb.Database() as db:
        rep = db.import_report(need(REPORT_2024), format="tab", area="1490", prefix="BORAS_")
        assert rep.skipped == len(rep.skipped_text) > 0  # yes/no questions are no measures
        assert any("miljöledningssystem" in title for _, title in rep.skipped_text)
        db.import_report(need(TERTIAL_2018), format="tab", area="1490", prefix="BORAS_")
        kids = "BORAS_ANTAL_AKTUALISERADE_BARN_OCH_UNGDOMAR"
        assert series(db, kids) == {"2022": 2594, "2023": 2774, "2024": 2867}
        assert series(db, kids, "budget") == {"2024": 2600}
        heldygn = "BORAS_ANTAL_BARN_OCH_UNGA_MED_HELDYGNSINSATSER"  # in both documents
        assert series(db, heldygn) == {"2017-T1": 125, "2018-T1": 135, "2022": 248, "2023": 288, "2024": 290}
        assert series(db, heldygn, "budget") == {"2018": 145, "2024": 240}


def test_report_tables_agree_with_the_transcribed_seed_figures():
    with kb.Database(with_datasets=True) as db:
        db.import_report(need(REPORT_2024), format="html", area="1490", prefix="BORAS_")
        ids = db.indicators()
        html_id = ids.loc[ids["id"].str.startswith("BORAS_ANDEL_ANSTALLDA"), "id"].item()  # from the title
        read = series(db, html_id)
        assert len(read) == 6
        assert series(db, "BORAS_IFO_FRISKVARDSBIDRAG_ANDEL") == read  # transcribed by hand


def test_html_error_points_into_the_document(tmp_path):
    doc = tmp_path / "rapport.html"
    doc.write_text(
        "<p>Inledning</p>\n<table><caption>Data for Indikator 1: Väntetid, dagar</caption>\n"
        "<thead><tr><th>År</th><th>Utfall</th></tr></thead>\n<tbody>\n"
        "<tr><td>2023</td><td>12</td></tr>\n<tr><td>2024</td><td>tolv</td></tr>\n</tbody></table>\n",
        encoding="utf-8",
    )
    with kb.Database() as db:
        with pytest.raises(kb.ParseError) as e:
            db.import_report(doc, format="html", area="1490")
        assert (e.value.file, e.value.line, e.value.column) == ("rapport.html", 6, 2)
        assert str(e.value).startswith("rapport.html:6:2:")
        assert len(db) == 0


HEAD = (
    "<p>Inledning</p>\n<table><caption>Data for Indikator 1: Väntetid, dagar</caption>\n"
    "<thead><tr><th>År</th><th>Utfall</th><th>Målvärde</th></tr></thead>\n<tbody>\n"
)


def test_html_end_tags_may_be_left_out():
    """HTML5: a <td> closes the open cell, a <tr> the open row, </table> both."""
    doc = HEAD.replace("</th>", "") + "<tr><td>2023<td>12<td>10\n<tr><td>2024<td>14<td>11\n</table>\n"
    with kb.Database() as db:
        assert db.import_report(doc, format="html", area="1490", source="r.html").accepted == 4
        assert series(db, "VANTETID_DAGAR") == {"2023": 12, "2024": 14}
        assert series(db, "VANTETID_DAGAR", "målvärde") == {"2023": 10, "2024": 11}
        assert db.values("VANTETID_DAGAR", period=2024)["source"].iloc[0] == "r.html:6"


def test_html_row_headers_in_th_are_body_rows():
    doc = HEAD + "<tr><th>2023</th><td>12</td><td>10</td></tr>\n</tbody></table>\n"
    with kb.Database() as db:
        assert db.import_report(doc, format="html", area="1490").accepted == 2


def test_html_table_in_a_layout_cell_is_read():
    doc = (
        '<table class="layout"><tr><td>\n' + HEAD + "<tr><td>2024</td><td>14</td><td>10</td></tr>\n"
        "</tbody></table>\n</td><td>Kommentar</td></tr></table>\n"
    )
    with kb.Database() as db:
        assert db.import_report(doc, format="html", area="1490").accepted == 2
        assert series(db, "VANTETID_DAGAR") == {"2024": 14}


@pytest.mark.parametrize(
    "body, line, column, said",
    [
        # the document ends inside the 2024 row, in its third cell
        (
            "<tr><td>2023</td><td>12</td><td>10</td></tr>\n<tr><td>2024</td><td>14</td><td>1",
            6,
            3,
            "ends inside the table 'Väntetid, dagar'",
        ),
        # a fourth cell under no header; an empty one would be harmless
        (
            "<tr><td>2023</td><td>12</td><td>10</td><td></td></tr>\n"
            "<tr><td>2024</td><td>14</td><td>10</td><td>99</td></tr>\n</tbody></table>",
            6,
            4,
            "'99' stands under no header column",
        ),
        (
            "<tr><td>2023</td><td>12</td><td>10</td></tr>\n<tr><td>2024</td><td>13</td><td>10</td></tr>\n"
            "<tr><td>2023</td><td>14</td><td>10</td></tr>\n</tbody></table>",
            7,
            1,
            "2023 stands twice for 'Väntetid, dagar', on line 5 and on line 7",
        ),
        (
            "<tr><td>2023</td><td>12</td><td>10</td></tr>\n"
            "<tr><td>2024</td><td>14<table><tr><td>fotnot</td></tr></table></td><td>10</td></tr>\n"
            "</tbody></table>",
            6,
            2,
            "a table inside a cell is not read",
        ),
    ],
    ids=["truncated", "extra_cell", "duplicate_year", "nested_table"],
)
def test_html_table_errors_point_into_the_document(body, line, column, said):
    with kb.Database() as db:
        db.import_csv(b"kpi,municipality,period,gender,value\nU33401,1490,2022,T,70\n")
        with pytest.raises(kb.ParseError) as e:
            db.import_report(HEAD + body + "\n", format="html", area="1490", source="r.html")
        assert (e.value.file, e.value.line, e.value.column) == ("r.html", line, column)
        assert str(e.value).startswith(f"r.html:{line}:{column}: ") and said in str(e.value)
        assert len(db) == 1  # all or nothing


@pytest.mark.parametrize(
    "bad, line, column, said",
    [
        ("<td>2024</td>\n<td>14</td>\n<td>elva</td>", 13, 3, "column value: expected a number such as 12,5"),
        ("<td>20x4</td>\n<td>14</td>\n<td>11</td>", 11, 1, "column period: expected a period such as 2022"),
    ],
    ids=["value", "period"],
)
def test_html_bad_cell_is_named_at_its_own_line_and_column(bad, line, column, said):
    """The C core reads the table cell by cell: a cell it refuses is named at its own line (a
    row written over several lines) and column in the HTML, with the core's own message; the
    message without the place is kept apart as `text`."""
    doc = HEAD + "<tr>\n<td>2023</td>\n<td>12</td>\n<td>10</td>\n</tr>\n<tr>\n" + bad + "\n</tr>\n</tbody></table>\n"
    with kb.Database() as db:
        db.import_csv(b"kpi,municipality,period,gender,value\nU33401,1490,2022,T,70\n")
        with pytest.raises(kb.ParseError) as e:
            db.import_report(doc, format="html", area="1490", source="r.html")
        assert (e.value.file, e.value.line, e.value.column) == ("r.html", line, column)
        assert str(e.value) == f"r.html:{line}:{column}: {e.value.text}"
        assert e.value.text.startswith(said)
        assert e.value.errors[0][:2] == (line, column) and e.value.report.accepted == 0
        assert len(db) == 1  # all or nothing


def test_error_text_is_the_message_without_its_place():
    with kb.Database() as db:
        with pytest.raises(kb.ParseError) as e:
            db.import_csv(b"kpi,municipality,period,value\nX,1490,2022,tolv\n", source="r.csv")
        assert str(e.value) == "r.csv:2:4: " + e.value.text
        assert e.value.text.startswith("column value: expected a number")


def test_report_cells_keep_quotes_commas_and_newlines():
    """Cells reach the core as they are: no CSV text in between to quote them."""
    doc = (
        '<table><caption>Data for Indikator 1: Andel "nöjda", %</caption>\n'
        "<tr><th>År</th><th>Utfall</th></tr>\n<tr><td>2024</td><td>7,5</td></tr></table>\n"
    )
    with kb.Database() as db:
        assert db.import_report(doc, format="html", area="1490", source="r.html").accepted == 1
        ind = db.indicators().set_index("id")
        assert ind.loc["ANDEL_NOJDA", "title"] == 'Andel "nöjda", %'
        assert series(db, "ANDEL_NOJDA") == {"2024": 7.5}


def test_html_year_twice_in_two_tables_of_one_indicator():
    second = (
        "<table><caption>Data for Indikator 2: Väntetid, dagar</caption>\n"
        "<tr><th>År</th><th>Utfall</th></tr>\n<tr><td>2023</td><td>14</td></tr></table>\n"
    )
    doc = HEAD + "<tr><td>2023</td><td>12</td><td>10</td></tr>\n</tbody></table>\n" + second
    with kb.Database() as db:
        with pytest.raises(kb.ParseError, match=r"r.html:9:1: .*on line 5 and on line 9"):
            db.import_report(doc, format="html", area="1490", source="r.html")
        assert len(db) == 0


def test_csv_report_layout_round_trip(tmp_path):
    text = (
        "kpi,municipality,period,gender,kind,value,unit,title,source\n"
        'OWN_UTR,1490,2024,T,utfall,96,dagar,"Utredningstid, BBiC",årsredovisning 2024:1731\n'
        'OWN_UTR,1490,2024,T,målvärde,90,dagar,"Utredningstid, BBiC",årsredovisning 2024:1731\n'
        "OWN_UTR,1490,2024-T1,T,utfall,\"101,5\",dagar,,tertialrapport 1:12\n"
    )
    path = tmp_path / "egna.csv"
    path.write_text(text, encoding="utf-8")
    with kb.Database() as db:
        assert db.import_report(path).accepted == 3
        first = db.values(kind=None)
        out = tmp_path / "again.csv"
        ind = db.indicators().set_index("id")
        first.assign(unit=ind.loc["OWN_UTR", "unit"], title=ind.loc["OWN_UTR", "title"]).rename(
            columns={"indicator": "kpi", "area": "municipality"}
        )[["kpi", "municipality", "period", "gender", "kind", "value", "unit", "title", "source"]].to_csv(
            out, index=False
        )
    with kb.Database() as db2:
        db2.import_report(out)
        pdt.assert_frame_equal(db2.values(kind=None), first)
        assert db2.indicators().set_index("id").loc["OWN_UTR", "title"] == "Utredningstid, BBiC"


def test_link_and_source_precedence():
    with kb.Database() as db:
        db.import_csv(b"kpi,municipality,period,value\nU33401,1490,2022,77\nU33401,0138,2022,90\n", source="Kolada")
        db.import_csv(b"kpi,municipality,period,value\nU33401,1490,2022,76\n", source="egen uppföljning")
        c = db.compare("U33401", 2022, areas=["1490", "0138"], focus="1490")
        row = c.table.set_index("area").loc["1490"]
        assert (row["value"], row["source"]) == (76, "egen uppföljning")  # imported last
        db.prefer_source("Kolada")
        row = db.compare("U33401", 2022, areas=["1490", "0138"]).table.set_index("area").loc["1490"]
        assert (row["value"], row["source"]) == (77, "Kolada")
        assert len(db.values("U33401", area="1490")) == 2  # both are kept
        with pytest.raises(kb.NotFoundError):
            db.prefer_source("nobody")
        db.import_csv(b"kpi,municipality,period,value\nOWN_UTR,1490,2022,77\n")
        db.link_indicator("OWN_UTR", "U33401")
        assert db.indicators().set_index("id").loc["OWN_UTR", "link"] == "U33401"


def oj_table():
    return [
        ["Öppna jämförelser 2023 – Individ- och familjeomsorg", None, None, None],
        ["Källa: Socialstyrelsen", None, None, None],
        [None, None, None, None],
        ["Kommun", "Kommunkod", "Andel barn som fått stöd inom 4 veckor (%)", "Antal placeringar"],
        ["Borås", "1490", "72,5", "1 234"],
        ["Tyresö", "0138", "..", "310"],
        ["Lund", None, "81", "-"],
        ["Riket", None, "70,1", "25 000"],
    ]


def test_oj_xlsx_written_with_openpyxl(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    for row in oj_table():
        wb.active.append(row)
    path = tmp_path / "oj.xlsx"
    wb.save(path)
    with kb.Database() as db:
        rep = db.import_oj(path)
        assert rep.accepted == 6
        share = "OJ_ANDEL_BARN_SOM_FATT_STOD_INOM_4_VECKOR"
        v = db.values(share, period=2023).set_index(db.values(share, period=2023)["area"].astype(str))
        assert v.loc["1490", "value"] == 72.5 and v.loc["1281", "value"] == 81  # Lund by its name
        assert v.loc["0138", "status"] == "sekretess" and pd.isna(v.loc["0138", "value"])
        ind = db.indicators().set_index("id")
        assert ind.loc[share, "unit"] == "%"
        assert ind.loc[share, "title"] == "Andel barn som fått stöd inom 4 veckor (%)"
        assert db.values("OJ_ANTAL_PLACERINGAR", area="1490")["value"].item() == 1234


def test_oj_csv_and_errors(tmp_path):
    path = tmp_path / "oj.csv"
    path.write_text("\n".join(";".join("" if c is None else str(c) for c in r) for r in oj_table()), encoding="utf-8")
    with kb.Database() as db:
        assert db.import_oj(path).accepted == 6
    bad = oj_table()
    bad[5][2] = "7,1,2"
    path.write_text("\n".join(";".join("" if c is None else str(c) for c in r) for r in bad), encoding="utf-8")
    with kb.Database() as db:
        with pytest.raises(kb.ParseError) as e:
            db.import_oj(path)
        assert (e.value.line, e.value.column) == (6, 3) and len(db) == 0
    bad = oj_table()
    bad[4][0], bad[4][1] = "Atlantis", None
    path.write_text("\n".join(";".join("" if c is None else str(c) for c in r) for r in bad), encoding="utf-8")
    with kb.Database() as db:
        with pytest.raises(kb.ParseError, match="Atlantis"):
            db.import_oj(path)
