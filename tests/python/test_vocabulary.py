"""The binding takes its words from the C core: genders, kinds, directions, area types, area
codes and area sets are read as libbench reads them, so Python accepts what C accepts."""

import pathlib
import re

import kommunbench as kb
import pandas as pd
import pytest
from kommunbench import _native, reports
from kommunbench._native import ffi, lib

CSV = """kpi,municipality,period,gender,kind,value
U33401,1490,2022,T,utfall,77
U33401,1490,2022,K,utfall,80
U33401,1490,2022,M,utfall,74
U33401,0138,2022,T,utfall,89
U33401,0138,2022,Kvinnor,utfall,91
U33401,0138,2022,män,utfall,87
U33401,1490,2022,T,mål,70
U33401,1490,2023,T,Målvärde,68
""".encode()


@pytest.fixture
def vdb(db):
    db.import_csv(CSV, source="test")
    return db


def c_words(name_of):
    out, i = [], 0
    while name_of(i) != ffi.NULL:
        out.append(ffi.string(name_of(i)).decode())
        i += 1
    return out


@pytest.mark.parametrize(
    "word",
    [
        "T",
        "K",
        "M",
        "t",
        "totalt",
        "Totalt",
        "kvinnor",
        "Kvinnor",
        "KVINNOR",
        "kvinna",
        "män",
        "Män",
        "MÄN",
        "man",
        "alla",
        " K ",
    ],
)
def test_python_reads_every_gender_c_reads(vdb, word):
    raw = word.encode()
    code = lib.bench_gender_parse(raw, len(raw))
    assert code >= 0  # C reads it ...
    name = c_words(lib.bench_gender_name)[code]
    got = vdb.values("U33401", gender=word)  # ... and so does every Python call
    pd.testing.assert_frame_equal(got, vdb.values("U33401", gender=name))
    c = vdb.compare("U33401", 2022, gender=word, areas=["1490", "0138"], min_coverage=0)
    assert c.gender == name
    assert c.caption().split("; ")[0].endswith(c_words(lib.bench_gender_word)[code])


@pytest.mark.parametrize(
    "word",
    [
        "utfall",
        "Utfall",
        "bokslut",
        "mål",
        "Mål",
        "målvärde",
        "Målvärde",
        "MÅLVÄRDE",
        "malvarde",
        "mal",
        "budget",
        "prognos",
    ],
)
def test_python_reads_every_kind_c_reads(vdb, word):
    raw = word.encode()
    code = lib.bench_kind_parse(raw, len(raw))
    assert code >= 0
    name = c_words(lib.bench_kind_name)[code]
    pd.testing.assert_frame_equal(vdb.values(kind=word, gender=None), vdb.values(kind=name, gender=None))
    assert reports.kind_and_period(f"{word} 2024") == (name, "2024")


def test_words_in_files_and_arguments_agree(vdb):
    """The CSV said "Kvinnor", "män", "mål" and "Målvärde"; the arguments say the same."""
    assert len(vdb.values("U33401", area="0138", gender="kvinnor")) == 1
    assert vdb.values("U33401", kind="mål")["period"].astype(str).tolist() == ["2022", "2023"]
    assert set(vdb.values("U33401", gender=["Kvinnor", "män"])["gender"].astype(str)) == {"K", "M"}
    db2 = kb.Database()
    db2.import_csv(CSV, genders=["kvinnor"], kind="Mål")
    assert set(db2.values(gender=None, kind=None)["gender"].astype(str)) == {"K"}
    db2.close()
    t = vdb.targets("U33401", "1490", gender="Totalt")
    assert t.set_index("period").loc["2022", "status"] == "delvis uppfyllt"  # 77 within 10 % of 70


def test_unknown_words_are_refused_with_cs_words(vdb):
    with pytest.raises(kb.InvalidArgumentError, match=r"T \(totalt\), K \(kvinnor\), M \(män\)"):
        vdb.values(gender="X")
    with pytest.raises(kb.InvalidArgumentError, match="utfall, målvärde, budget, prognos"):
        vdb.values(kind="plan")
    with pytest.raises(kb.InvalidArgumentError, match="'none', 'higher', 'lower' or None"):
        vdb.compare("U33401", 2022, direction="up")
    with pytest.raises(kb.InvalidArgumentError, match="'inherit'"):
        vdb.per_capita("U33401", direction="sideways")
    with pytest.raises(kb.InvalidArgumentError, match="'keep'"):
        vdb.set_indicator("U33401", direction="sideways")
    with pytest.raises(kb.InvalidArgumentError):
        vdb.values(gender=1)


def test_directions(vdb):
    vdb.set_indicator("U33401", direction="Higher")
    assert vdb.indicators().set_index("id").loc["U33401", "direction"] == "higher"
    vdb.set_indicator("U33401", direction="none")
    assert vdb.indicators().set_index("id").loc["U33401", "direction"] == ""
    vdb.set_indicator("U33401", direction="lower")
    c = vdb.compare("U33401", 2022, areas=["1490", "0138"], min_coverage=0)
    assert c.direction == "lower"
    assert c.table.set_index("area").loc["1490", "rank"] == 1


def test_area_types_and_codes_from_c(vdb):
    assert c_words(lib.bench_area_type_name) == ["unknown", "riket", "region", "kommun", "kommungrupp", "group"]
    assert set(vdb.areas()["type"]) <= set(c_words(lib.bench_area_type_name))
    assert vdb.area(138) == vdb.area("0138") == vdb.area(" 138 ")
    assert vdb.area(138)["code"] == "0138" and vdb.area(138)["type"] == "kommun"
    assert _native.area_code("138") == "0138" and _native.area_code("Borås") is None
    assert kb.compare.resolve_area(vdb, 138) == "0138"
    assert kb.compare.resolve_area(vdb, "borås") == "1490"


def test_area_sets_resolved_in_c(vdb, kommun_codes):
    resolve = kb.compare.resolve_areas
    assert resolve(vdb, "kommuner") == resolve(vdb, "G2328") == resolve(vdb, "Alla kommuner") == kommun_codes
    assert resolve(vdb, None) is None
    storre = resolve(vdb, "större stad")
    assert storre == resolve(vdb, "G92790") == vdb.group_members("Större stad")
    assert len(resolve(vdb, "14")) == len(resolve(vdb, 14)) == 49
    assert resolve(vdb, ["138", "1490", "0138"]) == ["0138", "1490"]
    assert resolve(vdb, ["0014"]) == ["0014"]  # the region; "14" is the län's kommuner
    assert resolve(vdb, []) == []
    assert sorted(set(resolve(vdb, ["Större stad", "1490", "0138"]))) == sorted(set(storre) | {"0138", "1490"})
    with pytest.raises(kb.NotFoundError, match="Ingenstans"):
        resolve(vdb, ["1490", "Ingenstans"])
    with pytest.raises(kb.NotFoundError, match="9999"):
        vdb.compare_all(areas=["9999"])
    with pytest.raises(kb.InvalidArgumentError):
        resolve(vdb, [1.5])


def test_compare_all_frame_is_public(vdb):
    frame = vdb.compare_all_frame(areas=["1490", "0138"], min_coverage=0)
    assert isinstance(frame, kb._native.Frame)
    same = vdb.compare_all(areas=["1490", "0138"], min_coverage=0, as_frame=True)
    assert same.columns == frame.columns and len(same) == len(frame)
    pd.testing.assert_frame_equal(frame.to_pandas(), vdb.compare_all(areas=["1490", "0138"], min_coverage=0))


def test_the_binding_keeps_no_word_lists():
    """No module of the binding spells the genders' or kinds' words itself."""
    package = pathlib.Path(kb.__file__).parent
    for name in ("database.py", "compare.py", "charts.py", "analysis.py", "reports.py", "cli.py"):
        source = (package / name).read_text(encoding="utf-8")
        assert not re.search(r"""["']K["']\s*:\s*["']kvinnor""", source), name
        assert not re.search(r"""["']mål["']\s*:""", source), name
        assert "GENDER_WORDS" not in source and "_GENDERS" not in source and "_KINDS" not in source, name
        assert "zfill(4)" not in source, name


def test_errors_come_from_one_factory():
    """Every error with a C status is made by _native.check or _native.error: no module spells
    a status code by hand."""
    package = pathlib.Path(kb.__file__).parent
    for path in package.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"code=-\d", source), path.name
        assert "error_from" not in source, path.name
    for module in ("database.py", "compare.py", "periods.py"):
        assert "code=int(lib." not in (package / module).read_text(encoding="utf-8").replace(
            'ClosedError("the Database is closed", code=int(lib.BENCH_EINVAL))', ""
        ), module


def test_charts_take_the_words_too(vdb):
    from kommunbench import charts

    fig = charts.scorecard(vdb, ["U33401"], 2022, "1490", peers=["0138"], gender="Kvinnor")
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "kvinnor" in texts
    charts.close(fig)
