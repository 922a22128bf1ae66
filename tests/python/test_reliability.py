"""The file system and hostile inputs under the binding: a snapshot changed under an open
Database, racing saves, FIFOs and devices, source labels that must survive a snapshot, limits
that bound memory before a document is read, paths with NUL bytes."""

import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import kommunbench as kb
import pandas as pd
import pytest
from kommunbench.errors import BenchError, FileError, InvalidArgumentError, LimitError, ParseError

CSV = "kpi,municipality,period,gender,value\nU1,1490,2023,T,1\nU1,0138,2023,T,2\nU1,1490,2024,T,3\n"
OTHER = "kpi,municipality,period,gender,value\nU9,0114,2001,M,99\n"


def make_snapshot(path, text=CSV):
    with kb.Database() as db:
        db.import_csv(text.encode(), layout="kolada", source="test.csv")
        db.save(path)


# ---- 1. a snapshot changed under an open Database --------------------------------------------


@pytest.mark.parametrize("how", ["truncate", "truncate_half", "cp_in_place", "remove"])
def test_snapshot_changed_under_open_database(tmp_path, how):
    snap, other = tmp_path / "db.kbsnap", tmp_path / "other.kbsnap"
    make_snapshot(snap)
    make_snapshot(other, OTHER)
    db = kb.Database.open(snap)
    want = db.values(gender=None)
    if how == "truncate":
        os.truncate(snap, 0)
    elif how == "truncate_half":
        os.truncate(snap, snap.stat().st_size // 2)
    elif how == "cp_in_place":  # cp other db.kbsnap: the same inode, other bytes
        with open(other, "rb") as src, open(snap, "r+b") as dst:
            shutil.copyfileobj(src, dst)
            dst.truncate()
    else:
        snap.unlink()
    got = db.values(gender=None)
    assert got.equals(want)
    db.compare("U1", 2023)
    db.import_csv(b"kpi,municipality,period,value\nU1,1490,2025,9\n", layout="kolada")
    assert len(db) == len(want) + 1
    db.close()


# ---- 2. two saves to one path ------------------------------------------------------------------


def test_racing_saves_leave_a_file_that_opens(tmp_path):
    path = tmp_path / "race.kbsnap"
    texts = [CSV, OTHER, CSV.replace("U1", "U2"), OTHER.replace("99", "98")]
    dbs = [kb.Database(catalogue=False) for _ in texts]
    for d, t in zip(dbs, texts):
        d.import_csv(t.encode(), layout="kolada", source="t.csv")
    wants = [d.values(gender=None) for d in dbs]
    for _ in range(10):
        barrier = threading.Barrier(len(dbs))
        results = [None] * len(dbs)

        def save(i, barrier=barrier, results=results):
            barrier.wait()
            try:
                dbs[i].save(path)
                results[i] = "ok"
            except BenchError as e:
                results[i] = e

        threads = [threading.Thread(target=save, args=(i,)) for i in range(len(dbs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert "ok" in results
        back = kb.Database.open(path).values(gender=None)
        assert any(back.equals(w) for w in wants)
    assert [p.name for p in tmp_path.iterdir()] == ["race.kbsnap"]  # no temporary file left


def test_two_processes_saving_to_one_path(tmp_path):
    path = tmp_path / "race.kbsnap"
    script = (
        "import kommunbench as kb, sys\n"
        "db = kb.Database(catalogue=False)\n"
        "db.import_csv(b'kpi,municipality,period,value\\nU1,1490,2023,' + sys.argv[2].encode() + b'\\n')\n"
        "for _ in range(20): db.save(sys.argv[1])\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(i)]) for i in range(3)]
    assert all(p.wait() == 0 for p in procs)
    assert len(kb.Database.open(path)) == 1


# ---- 3. source labels --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a\tb.csv", "a\nb.csv", "a\x01b.csv", b"Bor\xe5s.csv"])
def test_source_label_from_a_file_name_round_trips(tmp_path, name):
    path = os.path.join(os.fsencode(tmp_path), os.fsencode(name))
    with open(path, "w") as f:
        f.write(CSV)
    snap = tmp_path / "db.kbsnap"
    with kb.Database() as db:
        db.import_csv(Path(os.fsdecode(path)))  # a Path (bytes, or a str with a newline, would be CSV text)
        want = db.values(gender=None)
        db.save(snap)
    back = kb.Database.open(snap)
    assert back.values(gender=None).equals(want)
    assert "\ufffd" in want["source"].iloc[0]


@pytest.mark.parametrize("label", ["", "a\tb", "a\nb", "\x01", "x" * 4097])
def test_a_source_label_a_snapshot_cannot_hold_is_refused(label):
    db = kb.Database()
    with pytest.raises(InvalidArgumentError, match="source label"):
        db.import_csv(CSV.encode(), source=label)
    with pytest.raises(InvalidArgumentError, match="source label"):
        db.import_kolada_json(b'{"values": []}', source=label)
    assert len(db) == 0


def test_cli_import_of_a_file_name_with_a_tab(tmp_path):
    src = tmp_path / "a\tb.csv"
    src.write_text(CSV)
    snap = tmp_path / "db.kbsnap"
    env = dict(os.environ, LC_ALL="C", PYTHONIOENCODING="ascii")

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "kommunbench", *map(str, a)],
            capture_output=True,
            text=True,
            env=env,
        )

    r = run("import", snap, src)
    assert r.returncode == 0, r.stderr
    r = run("import", snap, src)  # the snapshot opens again
    assert r.returncode == 0, r.stderr
    r = run("export", snap, tmp_path / "out.csv")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr


# ---- 6. limits bound memory ------------------------------------------------------------------


def test_json_zeros_refused_before_parsing():
    db = kb.Database(max_rows=10)
    data = b"[" + b"0," * 300_000 + b"0]"
    with pytest.raises(LimitError, match="max_rows"):
        db.import_kolada_json(data)
    with pytest.raises(LimitError, match="max_rows"):
        db.import_population(data)


def test_xlsx_that_unpacks_past_the_limit_is_refused_unread(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>x</t></si>" * 200_000 + "</sst>")
    assert bomb.stat().st_size < 100_000
    db = kb.Database(max_input_bytes=1_000_000)
    with pytest.raises(LimitError, match="unpacks"):
        db.import_oj(bomb)


def test_xlsx_zip_bomb_is_refused_at_the_default_limits(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            block = b"<c><v>0</v></c>" * 65536
            for _ in range((70 << 20) // len(block) + 1):
                f.write(block)
    assert bomb.stat().st_size < 2 << 20
    with pytest.raises(LimitError, match="zip bomb"):
        kb.Database().import_oj(bomb)


def test_broken_xlsx_and_csv_sheets_are_bench_errors(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(ParseError):
        kb.Database().import_oj(bad)
    sheet = tmp_path / "oj.csv"
    sheet.write_bytes(b"Kommun;x\n\xe5\n")
    with pytest.raises(ParseError, match="UTF-8"):
        kb.Database().import_oj(sheet)


# ---- 7. FIFOs and special files --------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


def test_fifos_are_refused_without_blocking(tmp_path, fifo):
    json_fifo = tmp_path / "pipe.json"
    os.mkfifo(json_fifo)
    db = kb.Database()
    calls = [
        lambda: db.import_csv(fifo),
        lambda: db.import_kolada_json(json_fifo),
        lambda: db.import_population(json_fifo),
        lambda: kb.Database.open(fifo),
        lambda: db.import_report(fifo, format="csv"),
        lambda: db.import_report(fifo, format="html", area="1490"),
        lambda: db.import_oj(fifo),
    ]
    for call in calls:
        with pytest.raises(FileError, match="FIFO"):
            call()
    with pytest.raises(FileError, match="not a regular file"):
        db.save(fifo)
    assert fifo.is_fifo()
    r = subprocess.run(
        [sys.executable, "-m", "kommunbench", "import", tmp_path / "db.kbsnap", json_fifo],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "FIFO" in r.stderr


def test_devices_and_links_are_refused(tmp_path):
    db = kb.Database()
    for call in (
        lambda: db.import_report("/dev/zero", format="html", area="1490"),
        lambda: db.import_report("/dev/zero", format="tab", area="1490"),
        lambda: db.import_oj("/dev/zero"),
        lambda: db.import_csv("/dev/zero"),
        lambda: db.save("/dev/null"),
        lambda: kb.Database.open("/dev/null"),
    ):
        with pytest.raises(FileError):
            call()
    target = tmp_path / "target.kbsnap"
    db.save(target)
    link = tmp_path / "link.kbsnap"
    link.symlink_to(target)
    with pytest.raises(FileError, match="symbolic link"):
        db.save(link)
    assert link.is_symlink()
    with pytest.raises(FileError, match="directory"):
        db.save(tmp_path)


def test_nul_in_a_path_or_label_is_an_invalid_argument(tmp_path):
    db = kb.Database()
    for call in (
        lambda: db.import_csv(str(tmp_path / "a\0b.csv")),
        lambda: db.save(str(tmp_path / "a\0b")),
        lambda: kb.Database.open(str(tmp_path / "a\0b")),
        lambda: db.import_kolada_json(tmp_path / "x\0"),
        lambda: db.import_csv(CSV.encode(), source="a\0b"),
        lambda: db.import_oj(str(tmp_path / "a\0b")),
    ):
        with pytest.raises(InvalidArgumentError):
            call()


def test_limits_too_large_are_invalid_arguments():
    for limits in (
        {"max_field_bytes": 2**62},
        {"max_rows": 2**64},
        {"max_input_bytes": 2**100},
        {"max_json_depth": 2**40},
    ):
        with pytest.raises(InvalidArgumentError):
            kb.Database(**limits)
        with pytest.raises(InvalidArgumentError):
            kb.Database().set_limits(**limits)
    db = kb.Database(max_field_bytes=2**40)
    assert db.limits["max_field_bytes"] == 2**40
    db.import_csv(CSV.encode())


# ---- HTML report tables read as a browser shows them -----------------------------------------

HEAD = (
    "<html><body>\n<table><caption>Data for Indikator 1: Väntetid, dagar</caption>\n"
    "<thead><tr><th>År</th><th>Utfall</th><th>Målvärde</th><th>Budget</th></tr></thead>\n<tbody>\n"
)


def report(body):
    db = kb.Database()
    db.import_report(HEAD + body + "</tbody></table>\n</body></html>\n", format="html", area="1490")
    return db.values(area="1490", kind=None).set_index(["period", "kind"])["value"]


def test_html_superscript_is_not_part_of_the_number():
    with pytest.raises(ParseError):
        report("<tr><td>2023</td><td>12<sup>1</sup></td><td>10</td><td>11</td></tr>\n")
    v = report(
        "<tr><td>2023</td><td>12</td><td>10</td><td>11</td></tr>\n<tr><td>2024</td><td>13</td><td>10</td><td>11</td></tr>\n"
    )
    assert v[("2023", "utfall")] == 12


@pytest.mark.parametrize("tag", ["script", "style", "template", "textarea", "noscript"])
def test_html_content_that_is_not_shown_is_not_data(tag):
    hidden = (
        f"<{tag}><table><caption>Data for Indikator 9: Dold, st</caption><tr><th>År</th><th>Utfall</th></tr>"
        f"<tr><td>2023</td><td>999</td></tr></table></{tag}>"
    )
    db = kb.Database()
    db.import_report(
        HEAD.replace("<html><body>\n", "<html><body>\n" + hidden)
        + "<tr><td>2023</td><td>12</td><td>10</td><td>11</td></tr>\n</tbody></table></body></html>",
        format="html",
        area="1490",
    )
    assert set(db.values(kind=None, area="1490")["value"]) == {12, 10, 11}


def test_html_colspan_and_hidden_cells_keep_columns_in_place():
    # an empty cell over Utfall and Målvärde: the Budget figure stays in the Budget column
    v = report('<tr><td>2023</td><td colspan="2"></td><td>11</td></tr>\n')
    assert v[("2023", "budget")] == 11 and pd.isna(v[("2023", "målvärde")])
    # a hidden cell is not a column
    v = report('<tr><td>2023</td><td>12</td><td hidden>99</td><td>10</td><td>11</td></tr>\n')
    assert v[("2023", "målvärde")] == 10 and v[("2023", "budget")] == 11
    v = report('<tr><td>2023</td><td>12</td><td style="display: none">99</td><td>10</td><td>11</td></tr>\n')
    assert v[("2023", "målvärde")] == 10
    # a value over two columns: which one is meant?
    with pytest.raises(ParseError, match="colspan"):
        report('<tr><td>2023</td><td colspan="2">12</td><td>11</td></tr>\n')


# ---- xlsx: what the sheet shows ------------------------------------------------------------------


def oj_workbook(path, edit=None):
    openpyxl = pytest.importorskip("openpyxl")
    from test_reports import oj_table

    wb = openpyxl.Workbook()
    for row in oj_table():
        wb.active.append(row)
    if edit:
        edit(wb.active)
    wb.save(path)
    return path


def test_xlsx_stale_dimension_drops_nothing(tmp_path):
    path = oj_workbook(tmp_path / "oj.xlsx")
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert b'ref="A1:B2"' in data
            zout.writestr(item, data)
    with kb.Database() as db:
        assert db.import_oj(stale).accepted == 6


def test_xlsx_percent_cell_is_the_percent_shown(tmp_path):
    def percent(ws):
        ws["C6"] = 0.725
        ws["C6"].number_format = "0.0%"

    with kb.Database() as db:
        db.import_oj(oj_workbook(tmp_path / "oj.xlsx", percent))
        v = db.values("OJ_ANDEL_BARN_SOM_FATT_STOD_INOM_4_VECKOR", area="1490")["value"].item()
        assert v == pytest.approx(72.5)


def test_xlsx_formula_without_a_value_is_an_error(tmp_path):
    def formula(ws):
        ws["C6"] = "=70+2.5"  # openpyxl writes no calculated value

    with kb.Database() as db:
        with pytest.raises(ParseError, match="formula") as e:
            db.import_oj(oj_workbook(tmp_path / "oj.xlsx", formula))
        assert (e.value.line, e.value.column) == (6, 3) and len(db) == 0


def test_report_and_oj_file_names_with_a_tab_round_trip(tmp_path):
    html = tmp_path / "års\tredovisning.html"
    html.write_text(HEAD + "<tr><td>2023</td><td>12</td><td>10</td><td>11</td></tr>\n</tbody></table></body></html>")
    sheet = tmp_path / "oj\n2023.csv"
    from test_reports import oj_table

    sheet.write_text("\n".join(";".join("" if c is None else str(c) for c in r) for r in oj_table()), encoding="utf-8")
    snap = tmp_path / "db.kbsnap"
    with kb.Database() as db:
        db.import_report(html, format="html", area="1490")
        db.import_oj(sheet)
        want = db.values(gender=None, kind=None)
        db.save(snap)
    assert kb.Database.open(snap).values(gender=None, kind=None).equals(want)
    assert want["source"].str.contains("\ufffd").all()


def test_what_is_no_path_is_an_invalid_argument():
    db = kb.Database()
    for call in (
        lambda: db.import_csv(123),
        lambda: db.import_report(123, format="html", area="1490"),
        lambda: db.import_oj(123),
        lambda: db.import_population(123),
        lambda: db.import_kolada_json(None),
        lambda: kb.Database.open(None),
        lambda: db.save(None),
    ):
        with pytest.raises(InvalidArgumentError):
            call()
