"""Best-of-N seconds of kommunbench's own steps, for comparing two builds in one sitting.

    python bench/ab.py 3000000            # the kommunbench on the path
    PYTHONPATH=/tmp/other-build python bench/ab.py 3000000

Run two builds one after the other, several times, interleaved: this machine's speed drifts by
tens of percent within minutes, so only runs made side by side compare.  Prints the CSV import of
values_<N>.csv, compare_all (the C call and its frame), per_capita of every indicator and
Database.open of the saved snapshot.  The files are bench/generate.py's.
"""

import os
import sys
import tempfile
import time

import kommunbench as kb

HERE = os.path.dirname(os.path.abspath(__file__))


def best(fn, times):
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return min(seconds)


def main(n):
    data = os.path.join(HERE, "data")
    values, population = (os.path.join(data, f"{k}_{n}.csv") for k in ("values", "population"))

    def import_values():
        with kb.Database() as db:
            db.import_csv(values, layout="kolada")

    csv = best(import_values, 4)
    db = kb.Database()
    db.import_csv(values, layout="kolada")
    db.import_csv(population, layout="kolada")
    # the frame form of compare_all (private, _compare_all_frame, in builds before it was public)
    compare = best(getattr(db, "compare_all_frame", None) or db._compare_all_frame, 4)
    per_capita = best(lambda: db.per_capita(None, population="N01951", scale=1000), 3)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ab.kbdb")
        db.save(path)
        reopen = best(lambda: kb.Database.open(path).close(), 5)
    print(f"csv {csv:.3f}  compare_all {compare:.3f}  per_capita {per_capita:.3f}  open {reopen:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000)
