"""Threads and misuse: a Database shared between threads, closed under readers, frames that
outlive it, and wrong argument types.  Each gives a result or an exception, never a crash."""

import threading
from concurrent.futures import ThreadPoolExecutor

import kommunbench as kb
import numpy as np
import pandas.testing as pdt
import pytest

KOMMUNER = [
    f"{code:04d}"
    for code in (
        114,
        115,
        117,
        120,
        123,
        125,
        126,
        127,
        128,
        136,
        138,
        139,
        140,
        160,
        162,
        163,
        180,
        181,
        182,
        183,
        184,
        186,
        187,
        188,
    )
]

# U33401 (dagar) per capita is a workload here, not advice: its UnitWarning is expected
pytestmark = pytest.mark.filterwarnings("ignore::kommunbench.UnitWarning")


def csv_of(indicator, values, period="2022"):
    rows = "".join(f"{indicator},{area},{period},T,{v}\n" for area, v in zip(KOMMUNER, values))
    return "kpi,municipality,period,gender,value\n" + rows


@pytest.fixture
def db():
    d = kb.Database()
    d.import_csv(csv_of("N01951", range(10_000, 10_000 + 1000 * len(KOMMUNER), 1000)))
    d.import_csv(csv_of("U33401", [40 + (i * 7) % 50 for i in range(len(KOMMUNER))]))
    yield d
    d.close()


def reads(db):
    """What a reader asks for, as comparable values."""
    return (
        db.values("U33401", gender="T"),
        db.per_capita("U33401", scale=1000).reset_index(drop=True),
        db.compare("U33401", "2022", areas=KOMMUNER).table.reset_index(drop=True),
    )


def test_concurrent_reads_agree_with_one_thread(db):
    expected = reads(db)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: reads(db), range(32)))
    for got in results:
        for a, b in zip(got, expected):
            pdt.assert_frame_equal(a, b)


def test_reads_during_imports_see_before_or_after(db):
    """Imports and reads are serialized per Database: a reader sees a whole import or none."""
    n0 = len(db)
    batches = [csv_of(f"X{k}", range(len(KOMMUNER))) for k in range(20)]
    sizes = set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            n = len(db.values(gender=None))
            sizes.add(n)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for batch in batches:
        db.import_csv(batch)
    stop.set()
    for t in threads:
        t.join()
    whole = {n0 + k * len(KOMMUNER) for k in range(len(batches) + 1)}
    assert sizes <= whole, sizes - whole
    assert len(db) == n0 + len(batches) * len(KOMMUNER)


def test_separate_databases_in_parallel():
    def work(k):
        with kb.Database() as d:
            d.import_csv(csv_of("U1", [k + i for i in range(len(KOMMUNER))]))
            return d.values("U1")["value"].sum()

    with ThreadPoolExecutor(max_workers=4) as pool:
        sums = list(pool.map(work, range(16)))
    assert sums == [sum(k + i for i in range(len(KOMMUNER))) for k in range(16)]


def test_close_while_others_read(db):
    """Readers racing a close get their result or ClosedError."""
    outcomes = []
    barrier = threading.Barrier(5)

    def reader():
        barrier.wait()
        for _ in range(50):
            try:
                db.compare("U33401", "2022", areas=KOMMUNER)
                outcomes.append("ok")
            except kb.ClosedError:
                outcomes.append("closed")
                return

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    barrier.wait()
    db.close()
    for t in threads:
        t.join()
    assert outcomes.count("closed") == 4
    assert set(outcomes) <= {"ok", "closed"}


def test_frames_outlive_their_database_and_are_shared(db):
    frame = db.values_frame("U33401")
    table = db.values("U33401")
    values = frame.column("value")
    db.close()
    del db
    import gc

    gc.collect()
    expected = table["value"].to_numpy()

    def read(_):
        return frame.column("value").copy(), frame.to_pandas()["value"].to_numpy()

    with ThreadPoolExecutor(max_workers=4) as pool:
        for a, b in pool.map(read, range(16)):
            np.testing.assert_array_equal(a, expected)
            np.testing.assert_array_equal(b, expected)
    np.testing.assert_array_equal(values, expected)
    with pytest.raises(ValueError):
        values[0] = 1.0  # views over C memory are read-only


@pytest.mark.parametrize(
    "call",
    [
        lambda db: db.import_csv(12345),
        lambda db: db.import_csv(None),
        lambda db: db.import_csv(b"kpi,municipality,period,value\n", layout=3),
        lambda db: db.import_csv(b"kpi,municipality,period,value\n", delimiter=7),
        lambda db: db.import_kolada_json(3.5),
        lambda db: db.import_population(["not", "a", "path"]),
        lambda db: db.values(indicator=1.5),
        lambda db: db.values(area=object()),
        lambda db: db.values(gender="X"),
        lambda db: db.values(kind=5),
        lambda db: db.per_capita("U33401", scale="tusen"),
        lambda db: db.per_capita("U33401", scale=float("nan")),
        lambda db: db.per_capita(None, population=7),
        lambda db: db.compare(None, "2022"),
        lambda db: db.compare("U33401", 2022.5),
        lambda db: db.compare("U33401", "2022", areas=[1.0, None]),
        lambda db: db.compare_all(areas=42),
        lambda db: db.save(None),
        lambda db: db.set_limits(max_rows="many"),
        lambda db: kb.Database.open(None),
        lambda db: kb.Database.open(b"\x00bad"),
    ],
)
def test_wrong_types_raise(db, call):
    before = db.values(gender=None)
    with pytest.raises((TypeError, ValueError, OSError, kb.BenchError)):
        call(db)
    pdt.assert_frame_equal(db.values(gender=None), before)
