"""Database: lifetime, the catalogue, indicators and argument checking."""

import inspect

import kommunbench as kb
import pandas as pd
import pandas.testing as pdt
import pytest

SMALL = (
    "kpi,municipality,period,gender,value\nX,1490,2022,T,5\nX,0138,2022,T,7\nX,0138,2022,K,..\n"
    "N01951,1490,2022,T,113000\n"
)


# ---- lifetime ----------------------------------------------------------------------------------


def test_context_manager_closes():
    with kb.Database() as db:
        assert not db.closed
        db.import_csv(SMALL)
        assert len(db) == 4
    assert db.closed
    with pytest.raises(kb.ClosedError):
        len(db)


def test_context_manager_closes_on_error():
    with pytest.raises(RuntimeError):
        with kb.Database() as db:
            raise RuntimeError("boom")
    assert db.closed


def test_close_twice_is_fine():
    db = kb.Database()
    db.close()
    db.close()
    assert db.closed
    assert repr(db) == "<kommunbench.Database closed>"


def test_len_and_repr(db):
    assert len(db) == 0
    assert repr(db) == "<kommunbench.Database 0 observations>"
    rep = db.import_csv(SMALL)
    assert rep.accepted == len(db) == 4
    assert repr(db) == "<kommunbench.Database 4 observations>"


# One call per public method with arguments that would work on an open Database.
CLOSED_CALLS = {
    "save": lambda db, tmp: db.save(tmp / "x.kbsnap"),
    "import_csv": lambda db, tmp: db.import_csv(SMALL),
    "import_kolada_json": lambda db, tmp: db.import_kolada_json(b'{"values": []}'),
    "import_population": lambda db, tmp: db.import_population(b'{"columns": [], "data": []}'),
    "areas": lambda db, tmp: db.areas(),
    "area": lambda db, tmp: db.area("0138"),
    "indicators": lambda db, tmp: db.indicators(),
    "set_indicator": lambda db, tmp: db.set_indicator("X", direction="lower"),
    "set_group": lambda db, tmp: db.set_group("GTEST", ["1490", "0138"]),
    "group_members": lambda db, tmp: db.group_members("G92790"),
    "values_frame": lambda db, tmp: db.values_frame(),
    "values": lambda db, tmp: db.values(),
    "with_labels": lambda db, tmp: db.with_labels(pd.DataFrame({"area": ["1490"]})),
    "per_capita": lambda db, tmp: db.per_capita("X"),
    "compare": lambda db, tmp: db.compare("X", 2022),
    "compare_all": lambda db, tmp: db.compare_all(),
    "memory": lambda db, tmp: db.memory(),
    "peers": lambda db, tmp: db.peers("X", 2022, "1490"),
    "changes": lambda db, tmp: db.changes("X"),
    "trend_marks": lambda db, tmp: db.trend_marks("X"),
    "targets": lambda db, tmp: db.targets("X", "1490"),
    "gender_gap": lambda db, tmp: db.gender_gap("X"),
    "import_oj": lambda db, tmp: db.import_oj(oj_sheet(tmp)),
    "__len__": lambda db, tmp: len(db),
}


def oj_sheet(tmp):
    """A minimal Öppna jämförelser sheet (csv): a header block with the year, a header row."""
    path = tmp / "oj.csv"
    path.write_text(
        "Öppna jämförelser 2023;;\nKommunkod;Kommun;Andel nöjda\n1490;Borås;80\n0138;Tyresö;75\n", encoding="utf-8"
    )
    return path


def closed_call_names():
    present = set(CLOSED_CALLS) | set(public_methods())
    return sorted(n for n in present if n.startswith("__") or hasattr(kb.Database, n))


def public_methods():
    return sorted(
        name
        for name, member in inspect.getmembers(kb.Database)
        if not name.startswith("_") and callable(member) and name not in ("close", "open")
    )


def generic_call(name):
    """For a method not listed above: its required parameters filled with code-like strings."""

    def call(db, tmp):
        params = [
            p
            for p in inspect.signature(getattr(kb.Database, name)).parameters.values()
            if p.name != "self" and p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return getattr(db, name)(*["1490" if "area" in p.name or "focus" in p.name else "X" for p in params])

    return call


def test_the_explicit_calls_cover_the_public_methods_known_today():
    known = {
        "save",
        "import_csv",
        "import_kolada_json",
        "import_population",
        "areas",
        "area",
        "indicators",
        "set_indicator",
        "set_group",
        "group_members",
        "values_frame",
        "values",
        "with_labels",
        "per_capita",
        "compare",
        "compare_all",
        "memory",
        "peers",
        "changes",
        "trend_marks",
        "targets",
        "gender_gap",
    }
    assert known <= set(public_methods()) and known <= set(CLOSED_CALLS)


@pytest.mark.parametrize("name", closed_call_names())
def test_closed_database_raises_closed_error(name, tmp_path):
    """Every public method, including ones added later (called with placeholder arguments)."""
    db = kb.Database()
    db.import_csv(SMALL)
    db.close()
    call = CLOSED_CALLS.get(name) or generic_call(name)
    with pytest.raises(kb.ClosedError) as info:
        call(db, tmp_path)
    assert isinstance(info.value, ValueError) and isinstance(info.value, kb.BenchError)
    assert "closed" in str(info.value)
    assert not (tmp_path / "x.kbsnap").exists()


def test_closed_error_is_a_value_error():
    assert issubclass(kb.ClosedError, ValueError) and issubclass(kb.ClosedError, kb.BenchError)


def test_open_methods_work_on_the_same_arguments(tmp_path):
    """The calls above are valid: on an open Database they do not raise ClosedError."""
    db = kb.Database()
    db.import_csv(SMALL)
    for name, call in CLOSED_CALLS.items():
        if name in ("import_kolada_json", "import_population"):
            continue  # empty responses: the format is checked elsewhere
        if name.startswith("__") or hasattr(kb.Database, name):
            call(db, tmp_path)
    db.close()


# ---- the area catalogue -----------------------------------------------------------------------


def test_areas_catalogue_counts(catalogue):
    counts = catalogue["type"].value_counts()
    assert counts["kommun"] == 290
    assert counts["region"] == 21
    assert counts["riket"] == 1
    assert counts["kommungrupp"] == 9
    assert list(catalogue.columns) == ["code", "name", "type", "lan", "kommungrupp"]
    riket = catalogue[catalogue["type"] == "riket"]
    assert riket["code"].tolist() == ["0000"] and riket["name"].tolist() == ["Riket"]


def test_area_codes_are_strings_with_leading_zeros(catalogue):
    assert all(isinstance(c, str) for c in catalogue["code"])
    kommuner = catalogue[catalogue["type"] == "kommun"]
    assert kommuner["code"].iloc[0] == "0114"
    assert kommuner["code"].iloc[-1] == "2584"
    assert kommuner["code"].str.fullmatch(r"\d{4}").all()
    regions = catalogue[catalogue["type"] == "region"]
    assert regions["code"].str.fullmatch(r"00\d\d").all()
    assert (regions["code"].str[2:] == regions["lan"]).all()
    assert "0138" in set(kommuner["code"]) and "138" not in set(catalogue["code"])
    groups = catalogue[catalogue["type"] == "kommungrupp"]
    assert sorted(groups["code"]) == [f"G{n}" for n in range(92786, 92795)]


def test_area_tyreso(db):
    assert db.area("0138") == {"code": "0138", "name": "Tyresö", "type": "kommun", "lan": "01", "kommungrupp": "G92793"}
    boras = db.area("1490")
    assert (boras["name"], boras["lan"], boras["kommungrupp"]) == ("Borås", "14", "G92790")
    assert db.area("0000")["type"] == "riket"
    assert db.area("0014")["type"] == "region"
    assert db.area("G92790") == {
        "code": "G92790",
        "name": "Större stad",
        "type": "kommungrupp",
        "lan": "",
        "kommungrupp": "",
    }


@pytest.mark.parametrize("code", ["138", 138])
def test_area_returns_the_canonical_code(db, code):
    assert db.area(code)["code"] == "0138"


def test_unknown_area_raises_not_found(db):
    with pytest.raises(kb.NotFoundError) as info:
        db.area("9999")
    assert isinstance(info.value, KeyError) and isinstance(info.value, kb.BenchError)
    assert "9999" in str(info.value)
    assert info.value.code == kb.Status.ENOTFOUND


def test_group_members_of_a_kommungrupp(db, catalogue):
    members = db.group_members("G92790")
    assert "1490" in members and len(members) == 23
    expected = catalogue.loc[catalogue["kommungrupp"] == "G92790", "code"]
    assert members == sorted(expected)


def test_set_group_defines_an_area_set(db):
    db.set_group("GPEER", ["1490", "0138", "1480"], "Mina jämförelsekommuner")
    assert db.group_members("GPEER") == ["0138", "1480", "1490"]
    db.set_group("GPEER", ["1490"])  # replaces the earlier members
    assert db.group_members("GPEER") == ["1490"]
    with pytest.raises(kb.NotFoundError):
        db.group_members("GNOSUCH")


# ---- indicators ----------------------------------------------------------------------------------


def test_set_indicator_and_indicators(db):
    before = db.indicators()
    assert list(before.columns)[:5] == ["id", "title", "unit", "direction", "n"]
    assert before.set_index("id").loc["U33401", "direction"] == "lower"
    db.set_indicator("MY01", title="Andel nöjda brukare, andel (%)", direction="higher")
    db.import_csv("kpi,municipality,period,value\nMY01,1490,2022,80\nMY01,0138,2022,70\n")
    row = db.indicators().set_index("id").loc["MY01"]
    assert row["title"] == "Andel nöjda brukare, andel (%)"
    assert row["unit"] == "%"  # read from the title's convention
    assert row["direction"] == "higher"
    assert row["n"] == 2
    db.set_indicator("MY01", unit="procent")  # direction kept
    row = db.indicators().set_index("id").loc["MY01"]
    assert (row["unit"], row["direction"]) == ("procent", "higher")
    db.set_indicator("MY01", direction=None)
    assert db.indicators().set_index("id").loc["MY01", "direction"] == ""
    assert len(db.indicators()) == len(before) + 1


# ---- bad arguments ------------------------------------------------------------------------------

BAD_ARGUMENTS = {
    "layout": lambda db: db.import_csv(SMALL, layout="x"),
    "import kind": lambda db: db.import_csv(SMALL, kind="x"),
    "values kind": lambda db: db.values(kind="x"),
    "values gender": lambda db: db.values(gender="X"),
    "compare gender": lambda db: db.compare("X", 2022, gender="X"),
    "compare kind": lambda db: db.compare("X", 2022, kind="x"),
    "set_indicator direction": lambda db: db.set_indicator("X", direction="up"),
    "compare direction": lambda db: db.compare("X", 2022, direction="up"),
    "compare_all direction": lambda db: db.compare_all(direction="up"),
    "genders": lambda db: db.import_csv(SMALL, genders=["Q"]),
    "delimiter": lambda db: db.import_csv(SMALL, delimiter=":"),
    "area not a code": lambda db: db.values(area=[1.5]),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_bad_arguments_raise_invalid_argument(case, db):
    db.import_csv(SMALL)
    before = db.values(gender=None, kind=None)
    with pytest.raises(kb.InvalidArgumentError) as info:
        BAD_ARGUMENTS[case](db)
    assert isinstance(info.value, ValueError) and isinstance(info.value, kb.BenchError)
    assert str(info.value)
    # nothing was changed
    pdt.assert_frame_equal(db.values(gender=None, kind=None), before)
    assert db.indicators().set_index("id").loc["X", "direction"] == ""
