"""Limits per Database: hostile sizes are refused in bounded memory, with a clear error, and
the Database stays as it was."""

import json
import os
import subprocess
import sys
import textwrap

import kommunbench as kb
import pytest
from kommunbench.errors import InvalidArgumentError, LimitError

GOOD = b"kpi,municipality,period,gender,value\nN01951,1490,2022,T,115000\nN01951,0138,2022,T,49000\n"


def kolada_json(n):
    return json.dumps(
        {
            "values": [
                {
                    "kpi": "N01951",
                    "municipality": f"{1400 + i:04d}",
                    "period": 2022,
                    "values": [{"gender": "T", "value": 1000 + i, "count": 1, "status": ""}],
                }
                for i in range(n)
            ]
        }
    ).encode()


@pytest.fixture
def db():
    with kb.Database() as d:
        d.import_csv(GOOD)
        yield d


def unchanged(db):
    return len(db), db.values().to_dict("records")


def test_defaults_and_set_limits(db):
    assert db.limits == {
        "max_field_bytes": 1 << 20,
        "max_columns": 4096,
        "max_rows": 200_000_000,
        "max_input_bytes": 8 << 30,
        "max_json_depth": 64,
    }
    db.set_limits(max_rows=10, max_json_depth=3)
    assert db.limits["max_rows"] == 10 and db.limits["max_json_depth"] == 3
    assert db.limits["max_columns"] == 4096  # untouched limits keep their value
    with kb.Database(max_columns=7) as other:
        assert other.limits["max_columns"] == 7
        assert db.limits["max_columns"] == 4096  # limits are per Database


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_rowz": 1}, "unknown limit 'max_rowz'"),
        ({"max_rows": 0}, "expected a positive int"),
        ({"max_rows": -5}, "expected a positive int"),
        ({"max_rows": 2.5}, "expected a positive int"),
        ({"max_rows": True}, "expected a positive int"),
        ({"max_json_depth": 1001}, "max_json_depth is 1001, expected 1..1000"),
    ],
)
def test_bad_limits(db, kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        kb.Database(**kwargs)
    before = db.limits
    with pytest.raises(InvalidArgumentError, match=message):
        db.set_limits(**kwargs)
    assert db.limits == before


def test_rows(db):
    before = unchanged(db)
    db.set_limits(max_rows=2)
    rows = GOOD + b"N01951,0180,2022,T,975000\n"
    with pytest.raises(LimitError, match=r"<text>:4: more than 2 data rows \(max_rows\)") as e:
        db.import_csv(rows)
    assert (e.value.line, e.value.code) == (4, int(kb._native.lib.BENCH_ELIMIT))
    with pytest.raises(LimitError, match=r"more than 2 rows \(max_rows\)"):
        db.import_kolada_json(kolada_json(3))
    assert unchanged(db) == before
    db.import_kolada_json(kolada_json(2))
    assert len(db) == 4


def test_population_cells(db, shared_data):
    path = shared_data / "scb-pxweb-examples" / "v1_BefolkningNy-21059a-POST.json"
    before = unchanged(db)
    db.set_limits(max_rows=3)
    with pytest.raises(LimitError, match=r"more than 3 cells \(max_rows\)"):
        db.import_population(path)
    assert unchanged(db) == before


def test_input_bytes(db, tmp_path):
    before = unchanged(db)
    db.set_limits(max_input_bytes=64)
    path = tmp_path / "big.csv"
    path.write_bytes(GOOD)
    for call in (
        lambda: db.import_csv(path),
        lambda: db.import_csv(GOOD),
        lambda: db.import_kolada_json(kolada_json(1)),
        lambda: db.import_report("<table>" + "x" * 100 + "</table>", format="html", area="1490"),
    ):
        with pytest.raises(LimitError, match=r"more than the limit of 64|larger than the limit of 64"):
            call()
    report = tmp_path / "report.html"
    report.write_text("<html>" + " " * 100 + "</html>")
    with pytest.raises(LimitError, match=r"report.html: the document is larger than the limit of 64 bytes"):
        db.import_report(report, format="html", area="1490")
    assert unchanged(db) == before


def test_deep_json_is_refused_before_parsing(db):
    before = unchanged(db)
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(LimitError, match=r"<text>:1:65: JSON nested deeper than 64 levels") as e:
        db.import_kolada_json(deep)
    assert e.value.column == 65
    with pytest.raises(LimitError, match="deeper than 64"):
        db.import_population(b'{"a":' * 100_000)
    db.set_limits(max_json_depth=1000)
    with pytest.raises(LimitError, match=r"1:1001: JSON nested deeper than 1000 levels"):
        db.import_kolada_json(deep)
    # brackets inside strings are text, not nesting
    db.set_limits(max_json_depth=5)  # {"values": [{"values": [{ ... is five levels
    db.import_kolada_json(
        json.dumps(
            {
                "values": [
                    {
                        "kpi": "N01951",
                        "municipality": "0180",
                        "period": 2021,
                        "note": "[[[[[[\\\"{{{{{",
                        "values": [{"gender": "T", "value": 1, "status": ""}],
                    }
                ]
            }
        ).encode()
    )
    assert unchanged(db) != before


def test_million_columns(db):
    before = unchanged(db)
    header = b",".join(b"c%d" % i for i in range(1_000_000)) + b"\n"
    with pytest.raises(LimitError, match=r"<text>:1:4097: more than 4096 columns"):
        db.import_csv(header)
    assert unchanged(db) == before


def test_wide_record_of_short_fields(db):
    db.set_limits(max_field_bytes=100, max_columns=100_000)
    line = b",".join([b"x" * 90] * 10)
    with pytest.raises(LimitError, match=r"record longer than the limit of 400 bytes"):
        db.import_csv(line + b"\n")


def test_one_gigabyte_line_in_bounded_memory(tmp_path):
    """A file whose second line is 1 GiB long (sparse on disk) is refused after about a
    megabyte: the process grows by far less than the line."""
    path = tmp_path / "huge.csv"
    head = b"kpi,municipality,period,gender,value\nN01951,1490,2022,T,"
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(len(head) + (1 << 30))
    script = textwrap.dedent(f"""
        import resource, kommunbench as kb
        db = kb.Database()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            db.import_csv({str(path)!r})
        except kb.errors.LimitError as e:
            print(e.line, e.column, e)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(grown // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    first, grown_mb = out.strip().splitlines()
    assert first.startswith(f"2 5 {path}:2:5: field longer than the limit of 1048576 bytes")
    if not os.environ.get("KOMMUNBENCH_SANITIZED"):  # ASan's shadow memory is counted too
        assert int(grown_mb) < 64, f"grew by {grown_mb} MB reading a 1 GiB line"
