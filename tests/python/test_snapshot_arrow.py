"""Snapshots (save / open, damaged files) and zero-copy Arrow interop."""

import gc

import kommunbench as kb
import pandas.testing as pdt
import pytest
from kommunbench import ffi, lib

CSV = b"""kpi,municipality,period,gender,value,count,status
U33401,1490,2021,T,74,1,
U33401,1490,2022,T,77,1,
U33401,0138,2022,T,..,0,
U33401,0138,2022,K,95,1,
N01951,1490,2022,T,"114 000",1,
"""


@pytest.fixture
def db():
    d = kb.Database()
    d.import_csv(CSV, source="test")
    d.set_group("GPEER", ["1490", "0138"], "Peers")
    d.set_indicator("U33401", direction="lower")
    yield d
    d.close()


def test_round_trip_keeps_everything(db, tmp_path):
    path = tmp_path / "db.kbsnap"
    db.save(path)
    with kb.Database.open(path) as d2:
        pdt.assert_frame_equal(db.values(gender=None, kind=None), d2.values(gender=None, kind=None))
        pdt.assert_frame_equal(db.areas(), d2.areas())
        pdt.assert_frame_equal(db.indicators(), d2.indicators())
        assert d2.group_members("GPEER") == ["0138", "1490"]
        missing = d2.values("U33401", area="0138", period=2022)
        assert missing["status"].tolist() == ["sekretess"] and missing["value"].isna().all()
        # a mapped snapshot can still be changed (its columns are copied on the first change)
        d2.import_csv(b"kpi,municipality,period,value\nU33401,1490,2023,70\n")
        assert len(d2) == len(db) + 1
    assert len(kb.Database.open(path)) == len(db)  # the file itself is unchanged


def test_save_replaces_atomically(db, tmp_path):
    path = tmp_path / "db.kbsnap"
    path.write_bytes(b"old")
    db.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["db.kbsnap"]
    assert len(kb.Database.open(path)) == len(db)


@pytest.mark.parametrize("damage", ["truncate", "flip_byte", "foreign", "empty", "newer", "append"])
def test_damaged_snapshots_are_refused(db, tmp_path, damage):
    path = tmp_path / "db.kbsnap"
    db.save(path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip_byte":
        data[len(data) - 3] ^= 0x40
    elif damage == "foreign":
        data[:4] = b"PK\x03\x04"
    elif damage == "empty":
        data = b""
    elif damage == "newer":
        data[8:12] = (99).to_bytes(4, "little")
    elif damage == "append":
        data += b"\0" * 10
    path.write_bytes(bytes(data))
    expected = kb.VersionError if damage == "newer" else kb.CorruptError
    with pytest.raises(expected) as e:
        kb.Database.open(path)
    assert e.value.file == str(path)


def test_every_single_byte_flip_is_caught_or_harmless(db, tmp_path):
    """No damaged file crashes: each flip gives CorruptError, or (in padding) a valid db."""
    path = tmp_path / "db.kbsnap"
    db.save(path)
    good = path.read_bytes()
    for i in range(0, len(good), max(1, len(good) // 400)):
        bad = bytearray(good)
        bad[i] ^= 0xFF
        path.write_bytes(bytes(bad))
        try:
            with kb.Database.open(path) as d:
                d.values(gender=None, kind=None)
        except kb.BenchError:
            pass


def test_missing_file(tmp_path):
    with pytest.raises(kb.FileError):
        kb.Database.open(tmp_path / "nope.kbsnap")


def column_address(frame, name):
    index = frame.columns.index(name)
    data = ffi.new("const void **")
    lib.bench_frame_column(ffi.NULL, ffi.NULL, data, frame._ptr, index)
    return int(ffi.cast("uintptr_t", data[0]))


def test_arrow_is_zero_copy(db):
    pa = pytest.importorskip("pyarrow")
    frame = db.values_frame(gender=None)
    table = frame.to_arrow()
    assert table.column("value").chunk(0).buffers()[1].address == column_address(frame, "value")
    assert table.column("count").chunk(0).buffers()[1].address == column_address(frame, "count")
    area = table.column("area").chunk(0)
    assert isinstance(area, pa.DictionaryArray)
    assert area.indices.buffers()[1].address == column_address(frame, "area")
    del frame
    gc.collect()  # the table keeps the C frame alive
    assert table.column("area").to_pylist()[0] == "1490"  # N01951 sorts first
    assert table.num_rows == len(db.values(gender=None))


def test_values_as_arrow(db):
    pytest.importorskip("pyarrow")
    t = db.values("U33401", area="1490", as_arrow=True)
    assert t.column("value").to_pylist() == [74.0, 77.0]
    assert t.column("period").to_pylist() == ["2021", "2022"]
