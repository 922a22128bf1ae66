"""The command line: import into a snapshot, compare, export, pack; exit codes and --help."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
U33401 = DATA / "kolada-ddf-dump" / "datapoints--by--geo--year" / "ddf--datapoints--u33401--by--geo--year.csv"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "kommunbench", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def test_help_and_usage_errors():
    r = run("--help")
    assert r.returncode == 0 and "import" in r.stdout and "compare" in r.stdout
    assert run().returncode == 2
    assert run("compare").returncode == 2


def test_import_compare_export(tmp_path):
    if not U33401.is_file():
        pytest.skip(f"needs {U33401}")
    snap = tmp_path / "db.kbsnap"
    r = run("import", snap, U33401, "--layout", "wide")
    assert r.returncode == 0, r.stderr
    assert "observations" in r.stdout and snap.is_file()
    out = tmp_path / "cmp.csv"
    r = run("compare", snap, "U33401", "2022", "--focus", "1490", "--csv", out, "--chart", tmp_path / "rank")
    assert r.returncode == 0, r.stderr
    assert "Borås har plats 17 av 216" in r.stdout
    table = pd.read_csv(out, dtype={"area": str})
    assert table.loc[table["area"] == "1490", "rank"].item() == 17
    assert (tmp_path / "rank.png").read_bytes()[:4] == b"\x89PNG"
    r = run("export", snap, tmp_path / "v.xlsx", "--indicator", "U33401", "--area", "1490")
    assert r.returncode == 0, r.stderr
    x = pd.read_excel(tmp_path / "v.xlsx", sheet_name="Värden", dtype={"kod": str})
    assert x["nyckeltal"].iloc[-1].startswith("Källa: Kolada")  # the source row under the table
    x = x[x["kommun"].notna()]
    assert set(x["kommun"]) == {"Borås"} and x["enhet"].iloc[0] == "dagar"


def test_bad_file_exit_code_and_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,municipality,period,value\nU1,1490,20x2,5\n")
    r = run("import", tmp_path / "db.kbsnap", bad)
    assert r.returncode == 1
    assert "bad.csv:2:3" in r.stderr
    assert not (tmp_path / "db.kbsnap").exists()
    r = run("compare", tmp_path / "none.kbsnap", "U1", "2022")
    assert r.returncode == 1 and "no such snapshot" in r.stderr


def test_pack_from_the_shipped_datasets(tmp_path):
    r = run("pack", "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    pngs = list((tmp_path / "out").glob("*.png"))
    assert len(pngs) >= 5 and all(p.name in html for p in pngs)
    assert "Källa:" in html
