"""The bad-input catalogue: every file of tests/bad_inputs/ through its importer, checked
against tests/bad_inputs/MANIFEST.csv.

MANIFEST.csv has one row per file: file, importer (csv | csv_wide | kolada_json | population |
report_html | snapshot), outcome (ok | error), expected, why.  `expected` is a list of
key=value items separated by ';':

- error: class=<kommunbench error class>; line=<n>; column=<n>; message=<fragment>.  A message
  item may list alternatives separated by '|' (any one must occur, case-insensitive); several
  message items must all occur.  line and column are checked where given.
- ok: observations=<n> (observations imported), then value=<indicator>/<area>/<period>/<gender>
  [/<kind>]:<number or status> items for single values.  A status (missing, sekretess,
  bortfall, ej_tillämplig) means the value is NaN with that status and a count of 0.

For every error the test also checks that the exception is a kommunbench.BenchError of the
class named, that its message names the file, and that the Database is exactly as before the
failed import (a small good file is imported first).  The manifest states what is RIGHT; where
the library does otherwise, the case is listed in XFAIL (strict) with what goes wrong.
"""

import csv
import math
import os
from pathlib import Path

import kommunbench as kb
import pandas.testing as pdt
import pytest

HERE = Path(__file__).resolve().parent
BAD = HERE.parent / "bad_inputs"
MANIFEST = BAD / "MANIFEST.csv"
NOT_INPUTS = {"MANIFEST.csv", "generate.py", "README.md"}
IMPORTERS = {"csv", "csv_wide", "kolada_json", "population", "report_html", "snapshot"}
STATUSES = {"missing", "sekretess", "bortfall", "ej_tillämplig"}

# Database options a file is read with (the manifest's `why` says so too)
OPTIONS = {
    "csv_long_field.csv": {"max_field_bytes": 64},
    "csv_too_many_columns.csv": {"max_columns": 8},
}

# What the library does wrong today, file -> why: the test of each asserts the right behaviour
# and is expected to fail (strictly).  Empty: every case behaves as its manifest row says.
XFAIL = {}

BASE = "kpi,municipality,period,gender,value\nU33401,1490,2022,T,70\nU33401,0138,2022,K,88\nN00945,1490,2021,T,..\n"


def read_manifest():
    with open(MANIFEST, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ROWS = read_manifest()


def parse_expected(text):
    items = []
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        assert sep, f"expected item without '=': {part!r}"
        items.append((key.strip(), value))
    return items


def run_import(db, importer, path):
    """Run `path` through its importer; return (report or None, database holding the result)."""
    if importer == "csv":
        return db.import_csv(path), db
    if importer == "csv_wide":
        return db.import_csv(path, layout="wide"), db
    if importer == "kolada_json":
        return db.import_kolada_json(path), db
    if importer == "population":
        return db.import_population(path), db
    if importer == "report_html":
        return db.import_report(path, format="html", area="1490"), db
    if importer == "snapshot":
        return None, kb.Database.open(path)
    raise AssertionError(f"unknown importer {importer}")


def state(db):
    """Everything a failed import must leave as it was."""
    return (len(db), db.values(gender=None, kind=None), db.areas(), db.indicators())


def assert_same_state(db, before):
    count, values, areas, indicators = before
    assert len(db) == count
    pdt.assert_frame_equal(db.values(gender=None, kind=None), values)
    pdt.assert_frame_equal(db.areas(), areas)
    pdt.assert_frame_equal(db.indicators(), indicators)


def check_error(row, path, items):
    with kb.Database(**OPTIONS.get(row["file"], {})) as db:
        db.import_csv(BASE.encode(), source="base.csv")
        before = state(db)
        with pytest.raises(Exception) as info:
            _, opened = run_import(db, row["importer"], path)
            if opened is not db:
                opened.close()
        e = info.value
        assert isinstance(e, kb.BenchError), f"{type(e).__name__} is no kommunbench error: {e}"
        message = str(e)
        name = os.path.basename(path)
        assert name in message, f"the message does not name the file: {message}"
        assert e.file and os.path.basename(e.file) == name
        # fragments are looked for in what the message says, not in the file name it names
        said = message.replace(e.file, "").replace(name, "").lower()
        for key, value in items:
            if key == "class":
                assert type(e) is getattr(kb, value), f"{type(e).__name__}, expected {value}: {message}"
            elif key == "line":
                assert e.line == int(value), f"line {e.line}, expected {value}: {message}"
            elif key == "column":
                assert e.column == int(value), f"column {e.column}, expected {value}: {message}"
            elif key == "message":
                assert any(alt.lower() in said for alt in value.split("|")), f"{value!r} not in {message!r}"
            else:
                raise AssertionError(f"unknown key {key} in the expectation of {row['file']}")
        if e.report is not None:
            assert e.report.accepted == 0
        assert_same_state(db, before)
        db.import_csv(BASE.encode(), source="again.csv")  # and the database still works
        assert len(db) == before[0] + 3


def check_value(df, spec):
    key, _, want = spec.rpartition(":")
    parts = key.split("/")
    indicator, area, period, gender = parts[:4]
    kind = parts[4] if len(parts) > 4 else "utfall"
    got = df[
        (df["indicator"].astype(str) == indicator)
        & (df["area"].astype(str) == area)
        & (df["period"].astype(str) == period)
        & (df["gender"].astype(str) == gender)
        & (df["kind"].astype(str) == kind)
    ]
    assert len(got) == 1, f"{key}: {len(got)} observations\n{df}"
    value, status, count = float(got["value"].iloc[0]), str(got["status"].iloc[0]), int(got["count"].iloc[0])
    if want in STATUSES:
        assert math.isnan(value) and status == want and count == 0, (key, value, status, count)
    else:
        assert status == "ok" and value == float(want), (key, value, status, float(want))


def check_ok(row, path, items):
    with kb.Database(**OPTIONS.get(row["file"], {})) as db:
        report, result = run_import(db, row["importer"], path)
        try:
            if report is not None:
                assert report.errors == []
            df = result.values(gender=None, kind=None)
            for key, value in items:
                if key == "observations":
                    if report is not None:
                        assert report.accepted == int(value)
                    assert len(result) == int(value)
                elif key == "value":
                    check_value(df, value)
                else:
                    raise AssertionError(f"unknown key {key} in the expectation of {row['file']}")
            # the rules every import keeps: codes are strings, missing is NaN with a status
            assert all(isinstance(a, str) and len(a) >= 4 for a in df["area"].astype(str))
            for value, status in zip(df["value"], df["status"].astype(str)):
                if status == "ok":
                    assert math.isfinite(value)
                else:
                    assert math.isnan(value)
        finally:
            if result is not db:
                result.close()


def param(row):
    marks = []
    if row["file"] in XFAIL:
        marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[row["file"]]))
    return pytest.param(row, id=row["file"], marks=marks)


@pytest.mark.parametrize("row", [param(r) for r in ROWS])
def test_bad_input(row):
    path = str(BAD / row["file"])
    items = parse_expected(row["expected"])
    if row["outcome"] == "error":
        check_error(row, path, items)
    else:
        check_ok(row, path, items)


def test_manifest_lists_every_file_once():
    files = [r["file"] for r in ROWS]
    assert len(files) == len(set(files)), "a file is listed twice"
    on_disk = {p.name for p in BAD.iterdir() if p.is_file() and p.name not in NOT_INPUTS and not p.name.startswith(".")}
    assert set(files) == on_disk
    assert len(files) >= 45
    for r in ROWS:
        assert r["importer"] in IMPORTERS, r
        assert r["outcome"] in ("ok", "error"), r
        assert r["why"].strip(), r
        assert (BAD / r["file"]).stat().st_size < 20 * 1024, f"{r['file']} is not small"
    assert set(XFAIL) <= set(files)
    assert set(OPTIONS) <= set(files)


@pytest.mark.parametrize("importer", ["kolada_json", "population"])
def test_a_million_nesting_levels(importer):
    """Too large to store: 1 000 000 nested arrays, refused without recursion."""
    data = b'{"values": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}"
    with kb.Database() as db:
        db.import_csv(BASE.encode(), source="base.csv")
        before = state(db)
        do = db.import_kolada_json if importer == "kolada_json" else db.import_population
        with pytest.raises(kb.LimitError) as info:
            do(data, source="djup.json")
        assert info.value.file == "djup.json" and "djup.json" in str(info.value)
        assert (info.value.line, info.value.column) == (1, len(b'{"values": ') + 64)
        assert_same_state(db, before)
