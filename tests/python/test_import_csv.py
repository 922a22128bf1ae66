"""CSV import: both layouts, Swedish numbers, missing markers, file formats, the import report,
and all-or-nothing errors that name file, line and column."""

import math

import kommunbench as kb
import numpy as np
import pandas.testing as pdt
import pytest

KOLADA = (
    "kpi,municipality,period,gender,value\n"
    "U33401,1490,2021,T,74\n"
    "U33401,1490,2022,T,77\n"
    "U33401,0138,2022,T,89\n"
    "U33401,0138,2022,K,95\n"
)

WIDE = (
    "geo,year,u33401,u35400\n"
    "1490,2021,74,44\n"
    "1490,2022,77,50\n"
    "138,2022,89,69\n"
)  # the Kolada DDF dump drops leading zeros


def as_records(df, columns=("indicator", "area", "period", "gender", "value")):
    """Rows as a sorted list of tuples of plain Python values (codes as str)."""
    out = []
    for row in df[list(columns)].itertuples(index=False):
        out.append(tuple(str(v) if not isinstance(v, float) else v for v in row))
    return sorted(out)


def snapshot(db):
    """Everything a failed import must leave as it was."""
    return db.values(gender=None, kind=None), len(db), len(db.areas()), db.areas(), db.indicators()


def assert_unchanged(db, before):
    values, count, n_areas, areas, indicators = before
    pdt.assert_frame_equal(db.values(gender=None, kind=None), values)
    assert len(db) == count
    assert len(db.areas()) == n_areas
    pdt.assert_frame_equal(db.areas(), areas)
    pdt.assert_frame_equal(db.indicators(), indicators)


# ---- the two layouts, from text, bytes and files -----------------------------------------------

KOLADA_EXPECTED = [
    ("U33401", "0138", "2022", "K", 95.0),
    ("U33401", "0138", "2022", "T", 89.0),
    ("U33401", "1490", "2021", "T", 74.0),
    ("U33401", "1490", "2022", "T", 77.0),
]


@pytest.mark.parametrize("how", ["str", "bytes", "path", "str path"])
def test_kolada_layout(db, tmp_path, how):
    if how == "str":
        source = KOLADA
    elif how == "bytes":
        source = KOLADA.encode()
    else:
        path = tmp_path / "kolada.csv"
        path.write_text(KOLADA, encoding="utf-8")
        source = path if how == "path" else str(path)
    rep = db.import_csv(source, layout="kolada")
    assert (rep.rows_read, rep.accepted, rep.missing, rep.skipped, rep.errors) == (4, 4, 0, 0, [])
    assert as_records(db.values(gender=None)) == KOLADA_EXPECTED
    if how in ("path", "str path"):
        assert rep.source == "kolada.csv"
        assert set(db.values(gender=None)["source"].astype(str)) == {"kolada.csv"}


WIDE_EXPECTED = [
    ("U33401", "0138", "2022", "T", 89.0),
    ("U33401", "1490", "2021", "T", 74.0),
    ("U33401", "1490", "2022", "T", 77.0),
    ("U35400", "0138", "2022", "T", 69.0),
    ("U35400", "1490", "2021", "T", 44.0),
    ("U35400", "1490", "2022", "T", 50.0),
]


@pytest.mark.parametrize("how", ["str", "bytes", "path"])
def test_wide_layout(db, tmp_path, how):
    if how == "path":
        source = tmp_path / "wide.csv"
        source.write_text(WIDE, encoding="utf-8")
    else:
        source = WIDE if how == "str" else WIDE.encode()
    rep = db.import_csv(source, layout="wide")
    assert (rep.rows_read, rep.accepted, rep.missing) == (3, 6, 0)
    assert as_records(db.values(gender=None)) == WIDE_EXPECTED


def test_wide_layout_with_gender_column(db):
    text = "geo,gender,year,n01951\n1490,k,2020,56749.0\n1490,m,2020,56965.0\n14,k,2020,859986.0\n"
    rep = db.import_csv(text, layout="wide")
    assert rep.accepted == 3
    got = as_records(db.values(gender=None))
    assert got == [
        ("N01951", "0014", "2020", "K", 859986.0),
        ("N01951", "1490", "2020", "K", 56749.0),
        ("N01951", "1490", "2020", "M", 56965.0),
    ]
    assert db.values("N01951").empty  # no T series was imported: K and M are separate


def test_wide_layout_value_columns_and_indicator(db):
    db.import_csv("geo,year,u33401,ignored\n1490,2022,77,x\n", layout="wide", values=["u33401"])
    assert as_records(db.values()) == [("U33401", "1490", "2022", "T", 77.0)]
    db.import_csv("område,år,dagar\n1490,2022,50\n", layout="wide", indicator="U35400", area="område", period="år")
    assert as_records(db.values("U35400")) == [("U35400", "1490", "2022", "T", 50.0)]


def test_kolada_layout_kind_and_source(db):
    db.import_csv("kpi,municipality,period,value\nX,1490,2024,10\n", kind="målvärde", source="mål")
    db.import_csv("kpi,municipality,period,value\nX,1490,2024,12\n", source="utfall")
    assert db.values("X")["value"].tolist() == [12.0]
    target = db.values("X", kind="målvärde")
    assert target["value"].tolist() == [10.0] and target["source"].astype(str).tolist() == ["mål"]
    assert len(db.values("X", kind=None)) == 2


def test_padding_of_short_area_codes(db):
    db.import_csv("kpi,municipality,period,value\nX,0,2022,1\nX,14,2022,2\nX,138,2022,3\n")
    areas = db.values("X")["area"].astype(str).tolist()
    assert areas == ["0000", "0014", "0138"]


# ---- Swedish numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("7,1", 7.1),
        ("1 533", 1533.0),
        ("1\u00a0533", 1533.0),  # no-break space
        ("1\u202f533", 1533.0),  # narrow no-break space
        ("\u221212,5", -12.5),  # U+2212 minus sign
        ("-12,5", -12.5),
        ("12 %", 12.0),
        ("12%", 12.0),
        ("1 533,25", 1533.25),
        ("1.234,5", 1234.5),  # the last of ',' and '.' is the decimal separator
        ("1,234.5", 1234.5),
        ("7.1", 7.1),
        ("+5", 5.0),
        ("3e2", 300.0),
        (" 77 ", 77.0),
        ("0", 0.0),
    ],
)
def test_swedish_numbers(db, text, expected):
    db.import_csv(f'kpi,municipality,period,value\nX,1490,2022,"{text}"\n')
    v = db.values("X")
    assert v["value"].tolist() == [pytest.approx(expected, rel=1e-15)]
    assert v["status"].astype(str).tolist() == ["ok"]


@pytest.mark.parametrize("text", ["12 34", "1 5334", "abc", "inf", "1e400", "--5", "1..2", "7,1,2"])
def test_not_numbers_are_parse_errors(db, text):
    with pytest.raises(kb.ParseError) as info:
        db.import_csv(f'kpi,municipality,period,value\nX,1490,2022,"{text}"\n')
    assert (info.value.line, info.value.column) == (2, 4)
    assert text in str(info.value)
    assert len(db) == 0


def test_swedish_numbers_unquoted_with_semicolons(db):
    db.import_csv("kpi;municipality;period;value\nX;1490;2022;7,1\nX;0138;2022;\u221212,5\nX;0114;2022;1 533\n")
    assert dict(zip(db.values("X")["area"].astype(str), db.values("X")["value"])) == {
        "0114": 1533.0,
        "0138": -12.5,
        "1490": 7.1,
    }


# ---- missing values -------------------------------------------------------------------------------

MARKERS = [("", "missing"), ("..", "sekretess"), (".", "ej_tillämplig"), ("-", "bortfall"), ("NA", "missing")]


@pytest.mark.parametrize("marker,status", MARKERS)
def test_missing_marker_is_nan_never_zero(db, marker, status):
    rep = db.import_csv(f'kpi,municipality,period,value\nX,1490,2022,"{marker}"\nX,0138,2022,5\n')
    assert rep.missing == 1 and rep.accepted == 2
    v = db.values("X", area="1490")
    assert math.isnan(v["value"].iloc[0])
    assert v["value"].iloc[0] != 0
    assert v["status"].astype(str).tolist() == [status]
    assert v["count"].tolist() == [0]
    ok = db.values("X", area="0138")
    assert ok["status"].astype(str).tolist() == ["ok"] and ok["value"].tolist() == [5.0]


@pytest.mark.parametrize("marker,status", MARKERS)
def test_missing_marker_in_wide_layout(db, marker, status):
    rep = db.import_csv(f"geo,year,u33401,u35400\n1490,2022,{marker},50\n", layout="wide")
    assert (rep.accepted, rep.missing) == (2, 1)
    v = db.values(area="1490")
    v = v.set_index(v["indicator"].astype(str))
    assert np.isnan(v.loc["U33401", "value"]) and v.loc["U33401", "status"] == status
    assert v.loc["U35400", "value"] == 50.0


def test_all_markers_together_keep_their_statuses(db):
    rows = "".join(f'X,{area},2022,"{m}"\n' for area, (m, _) in zip(["0114", "0115", "0117", "0120", "0123"], MARKERS))
    rep = db.import_csv("kpi,municipality,period,value\n" + rows)
    assert rep.missing == 5
    v = db.values("X")
    assert v["value"].isna().all() and not (v["value"] == 0).any()
    assert v["status"].astype(str).tolist() == [s for _, s in MARKERS]


# ---- file formats ------------------------------------------------------------------------------------


def test_bom_is_ignored(db, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + KOLADA.encode())
    db.import_csv(path)
    assert as_records(db.values(gender=None)) == KOLADA_EXPECTED
    db2 = kb.Database()
    db2.import_csv(b"\xef\xbb\xbf" + WIDE.encode(), layout="wide")
    assert as_records(db2.values(gender=None)) == WIDE_EXPECTED
    db2.close()


def test_crlf(db, tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(KOLADA.replace("\n", "\r\n").encode())
    rep = db.import_csv(path)
    assert rep.rows_read == 4
    assert as_records(db.values(gender=None)) == KOLADA_EXPECTED


@pytest.mark.parametrize("delimiter", [";", "\t"])
@pytest.mark.parametrize("explicit", [False, True])
def test_semicolon_and_tab_delimiters(db, delimiter, explicit):
    text = KOLADA.replace(",", delimiter)
    db.import_csv(text, delimiter=delimiter if explicit else None)
    assert as_records(db.values(gender=None)) == KOLADA_EXPECTED


def test_quoted_fields(db):
    text = (
        '"kpi","municipality","period","value","title"\r\n'
        '"X","1490","2022","7,1","Andel ""nöjda"", med komma\noch radbrytning, andel (%)"\r\n'
        '"X","0138","2022","1 533","Andel ""nöjda"", med komma\noch radbrytning, andel (%)"\r\n'
    )
    rep = db.import_csv(text)
    assert rep.rows_read == 2
    v = db.values("X")
    assert dict(zip(v["area"].astype(str), v["value"])) == {"0138": 1533.0, "1490": 7.1}
    title = db.indicators().set_index("id").loc["X", "title"]
    assert title == 'Andel "nöjda", med komma\noch radbrytning, andel (%)'


# ---- the import report ---------------------------------------------------------------------------------


def test_import_report_fields(db):
    text = (
        "kpi,municipality,period,gender,value\n"
        "X,1490,2022,T,6\n"
        "\n"
        "X,1490,2022,K,1\n"
        "X,1490,2022,M,2\n"
        "\n"
        "\n"
        "X,0114,2022,T,..\n"
        "X,0115,2022,T,3\n"
    )
    rep = db.import_csv(text, genders=["T"], source="s")
    assert isinstance(rep, kb.ImportReport)
    assert rep.source == "s"
    assert rep.rows_read == 5
    assert rep.accepted == 3
    assert rep.replaced == 0
    assert rep.skipped_blank == 3
    assert rep.skipped_filtered == 2
    assert rep.skipped == rep.skipped_blank + rep.skipped_filtered == 5
    assert rep.missing == 1
    assert rep.errors == []
    assert len(db) == 3 and set(db.values(gender=None)["gender"].astype(str)) == {"T"}
    text_again = "kpi,municipality,period,gender,value\nX,1490,2022,T,7\nX,0116,2022,T,1\n"
    rep2 = db.import_csv(text_again, source="s")  # same key, same source: replaced
    assert (rep2.rows_read, rep2.accepted, rep2.replaced, rep2.skipped) == (2, 2, 1, 0)
    assert len(db) == 4
    assert db.values("X", area="1490")["value"].tolist() == [7.0]
    assert "5 rows read" in str(rep) and "3 observations accepted" in str(rep)


def test_same_key_from_another_source_is_kept_beside(db):
    db.import_csv("kpi,municipality,period,value\nX,1490,2022,6\n", source="a")
    rep = db.import_csv("kpi,municipality,period,value\nX,1490,2022,7\n", source="b")
    assert rep.replaced == 0
    v = db.values("X")
    assert sorted(zip(v["source"].astype(str), v["value"])) == [("a", 6.0), ("b", 7.0)]


# ---- errors: all or nothing, named places ------------------------------------------------------------

MALFORMED = [
    # (text, line, column, words in the message)
    ("kpi,municipality,period,value\nX,1490,2023,5\nX,0138,2023,5,6\n", 3, 5, "fields"),
    ("kpi,municipality,period,value\nX,1490,2023,5\nX,0138,2023,abc\n", 3, 4, "abc"),
    ("kpi,municipality,period,value\nX,1490,20x3,5\n", 2, 3, "period"),
    ("kpi,municipality,period,gender,value\nX,1490,2023,Q,5\n", 2, 4, "gender"),
    ('kpi,municipality,period,value\nX,1490,2023,5\nX,1490,2023,"5\n', 3, 4, "quoted"),
    ("kpi,municipality,period,value\nX,1490,2023,5\nX,1490,2024,12 34\n", 3, 4, "12 34"),
]


@pytest.mark.parametrize("text,line,column,words", MALFORMED)
def test_malformed_csv_file_raises_parse_error_naming_the_place(db, tmp_path, text, line, column, words):
    db.import_csv(KOLADA, source="first")
    before = snapshot(db)
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kb.ParseError) as info:
        db.import_csv(path)
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, kb.BenchError)
    assert e.code == kb.Status.EPARSE
    assert e.file == str(path)
    assert (e.line, e.column) == (line, column)
    assert f"{path}:{line}:{column}" in str(e)
    assert words in str(e)
    assert e.errors and all(len(err) == 3 for err in e.errors)
    assert e.errors[0][:2] == (line, column) and words in e.errors[0][2]
    assert isinstance(e.report, kb.ImportReport)
    assert e.report.accepted == 0 and e.report.errors == e.errors
    assert_unchanged(db, before)


@pytest.mark.parametrize("text,line,column,words", MALFORMED)
def test_malformed_csv_text_is_named_by_source(db, text, line, column, words):
    with pytest.raises(kb.ParseError) as info:
        db.import_csv(text, source="rapport.csv")
    assert info.value.file == "rapport.csv"
    assert f"rapport.csv:{line}:{column}" in str(info.value)
    assert len(db) == 0


def test_failed_import_leaves_database_as_it_was(db):
    """Rows before the error bring new values, replacements, new areas, new indicators and
    titles; none of it may stay."""
    db.import_csv("kpi,municipality,period,value\nX,1490,2022,5\nX,0138,2022,7\n", source="s")
    db.set_indicator("X", title="Gammal titel")
    before = snapshot(db)
    rows = [
        "kpi,municipality,period,value,title",
        "X,1490,2022,99,Ny titel",  # would replace 5
        "NEWKPI,9876,2023,5,Ny indikator",  # a new indicator and an area not in the catalogue
        "X,0138,2022,..,Ny titel",
    ]  # would replace 7 by a missing value
    rows += [f"Y,{1000 + i % 900:04d},{2000 + i % 20},{i},yy" for i in range(20000)]
    rows += ["X,1490,2024,abc,t"]
    with pytest.raises(kb.ParseError) as info:
        db.import_csv("\n".join(rows) + "\n", source="s")
    assert info.value.line == len(rows) and info.value.column == 4
    assert info.value.report.rows_read == len(rows) - 1 and info.value.report.accepted == 0
    assert_unchanged(db, before)
    with pytest.raises(kb.NotFoundError):
        db.area("9876")
    assert db.values("X", area="1490")["value"].tolist() == [5.0]
    assert db.indicators().set_index("id").loc["X", "title"] == "Gammal titel"
    # and the database still works
    db.import_csv("kpi,municipality,period,value\nX,1490,2023,6\n", source="s")
    assert len(db) == before[1] + 1


def test_latin1_file_gives_a_clear_error(db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("kpi,municipality,period,kön,value\nX,1490,2023,T,5\n".encode("latin-1"))
    with pytest.raises(kb.ParseError) as info:
        db.import_csv(path)
    assert "UTF-8" in str(info.value) and "Latin-1" in str(info.value)
    assert info.value.line == 1 and info.value.file == str(path)
    path.write_bytes("kpi,municipality,period,value,title\nX,1490,2023,5,Väntetid\n".encode("latin-1"))
    with pytest.raises(kb.ParseError) as info:
        db.import_csv(path)
    assert "UTF-8" in str(info.value) and "Latin-1" in str(info.value)
    assert (info.value.line, info.value.column) == (2, 5)
    assert len(db) == 0


def test_utf16_file_gives_a_clear_error(db, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(KOLADA.encode("utf-16"))  # with a BOM, as Excel writes "Unicode text"
    with pytest.raises(kb.ParseError) as info:
        db.import_csv(path)
    assert "UTF-16" in str(info.value) and "UTF-8" in str(info.value)
    assert info.value.file == str(path) and info.value.line == 1
    assert len(db) == 0


def test_missing_file_raises_file_error(db, tmp_path):
    path = tmp_path / "finns-inte.csv"
    with pytest.raises(kb.FileError) as info:
        db.import_csv(path)
    assert isinstance(info.value, OSError) and isinstance(info.value, kb.BenchError)
    assert info.value.code == kb.Status.EIO
    assert str(path) in str(info.value)
    with pytest.raises(OSError):
        db.import_csv(str(path))
    with pytest.raises(kb.FileError):
        db.import_csv(tmp_path)  # a directory
    assert len(db) == 0


def test_empty_input(db):
    with pytest.raises(kb.ParseError):
        db.import_csv(b"")
    rep = db.import_csv(b"kpi,municipality,period,value\n")
    assert (rep.rows_read, rep.accepted) == (0, 0)
    assert len(db) == 0
