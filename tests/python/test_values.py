"""db.values(): filters, columns, code types, period order, T/K/M; values_frame(): zero copy."""

import csv
import gc
import io
import weakref

import kommunbench as kb
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from kommunbench import ffi, lib

COLUMNS = ["indicator", "area", "period", "gender", "kind", "value", "count", "status", "source"]

DATA = """kpi,municipality,period,gender,value
U33401,1490,2024,T,70
U33401,1490,2023,T,75
U33401,1490,2023-T2,T,72
U33401,1490,2023-T1,T,71
U33401,1490,2022,T,77
U33401,1490,2022,K,80
U33401,1490,2022,M,73
U33401,0138,2022,T,89
U33401,0138,2023,T,..
U35400,1490,2022,T,50
U35400,0138,2022,T,69
"""


@pytest.fixture
def vdb():
    d = kb.Database()
    d.import_csv(DATA, source="test")
    d.import_csv("kpi,municipality,period,value\nU33401,1490,2024,65\n", kind="målvärde", source="mål")
    yield d
    d.close()


def strs(series):
    return [str(v) for v in series]


def test_columns_exactly(vdb):
    df = vdb.values()
    assert list(df.columns) == COLUMNS
    assert df["value"].dtype == np.float64
    assert pd.api.types.is_integer_dtype(df["count"])
    assert list(vdb.values("NOSUCH").columns) == COLUMNS  # empty, same columns


def test_codes_are_strings(vdb):
    df = vdb.values(gender=None, kind=None)
    for column in ("indicator", "area", "period", "gender", "kind", "status", "source"):
        assert all(isinstance(v, str) for v in df[column]), column
    assert "0138" in set(df["area"]) and 138 not in set(df["area"])
    assert set(df["area"].astype(str)) == {"0138", "1490"}


def test_filter_by_indicator_and_area(vdb):
    df = vdb.values("U35400")
    assert set(strs(df["indicator"])) == {"U35400"} and len(df) == 2
    df = vdb.values("U33401", area="0138")
    assert strs(df["period"]) == ["2022", "2023"]
    assert set(strs(df["area"])) == {"0138"}
    df = vdb.values(["U33401", "U35400"], area=["0138"])
    assert len(df) == 3
    assert vdb.values("U33401", area="9999").empty


@pytest.mark.parametrize("period", ["2022", 2022, ["2022"], [2022]])
def test_filter_by_period_str_int_list(vdb, period):
    df = vdb.values("U33401", area="1490", period=period)
    assert strs(df["period"]) == ["2022"] and df["value"].tolist() == [77.0]


def test_filter_by_several_periods(vdb):
    df = vdb.values("U33401", area="1490", period=[2024, "2023-T1", 2022])
    assert strs(df["period"]) == ["2022", "2023-T1", "2024"]
    assert df["value"].tolist() == [77.0, 71.0, 70.0]


def test_gender_filter(vdb):
    t = vdb.values("U33401", area="1490", period=2022)
    assert strs(t["gender"]) == ["T"] and t["value"].tolist() == [77.0]
    pdt.assert_frame_equal(vdb.values("U33401", area="1490", period=2022, gender="T"), t)
    k = vdb.values("U33401", area="1490", period=2022, gender="K")
    assert k["value"].tolist() == [80.0]
    every = vdb.values("U33401", area="1490", period=2022, gender=None)
    assert strs(every["gender"]) == ["T", "K", "M"]
    assert every["value"].tolist() == [77.0, 80.0, 73.0]
    km = vdb.values("U33401", area="1490", period=2022, gender=["K", "M"])
    assert strs(km["gender"]) == ["K", "M"]


def test_t_k_m_are_separate_series(vdb):
    """T is what was imported, not K + M and not their mean."""
    every = vdb.values("U33401", area="1490", period=2022, gender=None).set_index("gender")
    assert every.loc["T", "value"] == 77.0
    assert every.loc["T", "value"] not in (
        every.loc["K", "value"] + every.loc["M", "value"],
        (every.loc["K", "value"] + every.loc["M", "value"]) / 2,
    )
    # an area with only T has no K or M rows
    assert strs(vdb.values("U33401", area="0138", period=2022, gender=None)["gender"]) == ["T"]


def test_kind_filter(vdb):
    assert vdb.values("U33401", area="1490", period=2024)["value"].tolist() == [70.0]
    target = vdb.values("U33401", area="1490", period=2024, kind="målvärde")
    assert target["value"].tolist() == [65.0] and strs(target["kind"]) == ["målvärde"]
    assert strs(target["source"]) == ["mål"]
    both = vdb.values("U33401", area="1490", period=2024, kind=None)
    assert sorted(strs(both["kind"])) == ["målvärde", "utfall"]
    assert vdb.values(kind="budget").empty


def test_periods_are_ordered_chronologically(vdb):
    df = vdb.values("U33401", area="1490")
    assert strs(df["period"]) == ["2022", "2023-T1", "2023-T2", "2023", "2024"]
    assert df["period"].cat.ordered
    cats = list(df["period"].cat.categories)
    assert cats.index("2023-T1") < cats.index("2023-T2") < cats.index("2023") < cats.index("2024")
    # comparisons on the ordered categorical follow time, not the text
    assert (df["period"] < "2023").tolist() == [True, True, True, False, False]
    assert kb.period_key("2023-T1") < kb.period_key("2023-T2") < kb.period_key("2023") < kb.period_key("2024")


def test_missing_values_keep_status(vdb):
    df = vdb.values("U33401", area="0138", period=2023)
    assert np.isnan(df["value"].iloc[0]) and strs(df["status"]) == ["sekretess"]


# ---- zero copy -----------------------------------------------------------------------------------------


def c_column(frame, index):
    """(name, type, address) of column `index`, read straight from C."""
    name = ffi.new("const char **")
    ctype = ffi.new("bench_column_type *")
    data = ffi.new("const void **")
    assert lib.bench_frame_column(name, ctype, data, frame._ptr, index) == lib.BENCH_OK
    return ffi.string(name[0]).decode(), ctype[0], int(ffi.cast("uintptr_t", data[0]))


def test_values_frame_columns_are_views_of_c_memory(vdb):
    frame = vdb.values_frame("U33401", gender=None)
    assert frame.columns == COLUMNS
    assert len(frame) == lib.bench_frame_rows(frame._ptr) == 9
    assert lib.bench_frame_columns(frame._ptr) == len(COLUMNS)
    dtypes = {lib.BENCH_COLUMN_F64: np.float64, lib.BENCH_COLUMN_I32: np.int32, lib.BENCH_COLUMN_CODE: np.uint32}
    for index, name in enumerate(frame.columns):
        c_name, c_type, address = c_column(frame, index)
        arr = frame.column(name)
        assert c_name == name
        assert isinstance(arr, np.ndarray)
        assert arr.dtype == dtypes[c_type]
        assert arr.__array_interface__["data"][0] == address  # no copy
        assert len(arr) == len(frame)
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = arr[0]
    assert frame.column("value").dtype == np.float64
    assert frame.column("count").dtype == np.int32


def test_code_columns_index_their_dictionary(vdb):
    frame = vdb.values_frame("U33401", area="1490", gender=None)
    codes = frame.column("period")
    periods = frame.dictionary("period")
    assert [periods[c] for c in codes] == strs(vdb.values("U33401", area="1490", gender=None)["period"])
    assert periods == sorted(periods, key=kb.period_key)


def test_array_keeps_frame_alive(vdb):
    frame = vdb.values_frame("U33401", area="1490", gender=None)
    arr = frame.column("value")
    address = arr.__array_interface__["data"][0]
    expected = arr.copy()
    ref = weakref.ref(frame)
    del frame
    gc.collect()
    assert ref() is not None  # the array holds the frame, so its C memory is not freed
    for _ in range(3):  # churn the allocator
        vdb.values_frame(gender=None, kind=None).column("value").copy()
        vdb.import_csv(
            "".join(["kpi,municipality,period,value\n"] + [f"Z,{1000 + i:04d},2020,{i}\n" for i in range(300)])
        )
    np.testing.assert_array_equal(arr, expected)
    assert arr.__array_interface__["data"][0] == address
    del arr
    gc.collect()
    assert ref() is None  # and once the array is gone, the frame is released


def test_dataframe_stays_valid_after_close():
    db = kb.Database()
    db.import_csv(DATA, source="test")
    df = db.values(gender=None)
    copy = df.copy(deep=True)
    db.close()
    del db
    gc.collect()
    for _ in range(5):  # other databases reuse the freed memory
        with kb.Database() as other:
            other.import_csv(
                "".join(["kpi,municipality,period,value\n"] + [f"Q,{1000 + i:04d},2021,{-i}\n" for i in range(500)])
            )
            other.values()
    pdt.assert_frame_equal(df, copy)
    expected = sorted(
        (r["kpi"], r["municipality"], r["period"], r["gender"], float(r["value"]))
        for r in csv.DictReader(io.StringIO(DATA))
        if r["value"] != ".."
    )
    ok = df[df["status"] == "ok"]
    got = sorted(
        zip(strs(ok["indicator"]), strs(ok["area"]), strs(ok["period"]), strs(ok["gender"]), ok["value"].tolist())
    )
    assert got == expected


def test_codes_are_read_as_the_importers_read_them():
    with kb.Database() as db:
        db.import_csv(b"kpi,municipality,period,value\nu33401,138,2023T1,5\n")
        for spelling in [
            dict(area="138"),
            dict(area=138),
            dict(indicator="u33401"),
            dict(period="2023T1"),
            dict(period="T1 2023"),
        ]:
            v = db.values(**spelling)
            assert v["area"].astype(str).tolist() == ["0138"], spelling
            assert v["period"].astype(str).tolist() == ["2023-T1"]
