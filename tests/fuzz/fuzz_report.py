"""Fuzz target of the HTML report-table import (Python's parser, then the C core's cell import),
run by `make fuzz` through atheris (libFuzzer for Python).

    python tests/fuzz/fuzz_report.py CORPUS_DIR [SEED_DIR...] -max_total_time=N

Any exception but a kommunbench error is a crash; so is a failed import that changed the
Database.  With --replay DIR... every file is run once (as `make test` does)."""

import os
import sys

import kommunbench as kb
from kommunbench.errors import BenchError

BASE = b"kpi,municipality,period,gender,value\nN01951,1490,2022,T,115000\nU33401,1490,2022,T,77\n"


def one_input(data):
    with kb.Database(max_field_bytes=4096, max_rows=5000) as db:
        db.import_csv(BASE)
        before = db.values().to_dict("records")
        try:
            db.import_report(data, format="html", area="1490")
        except BenchError as e:
            assert str(e), "an error without a message"
            after = db.values().to_dict("records")
            assert after == before, "a failed import changed the Database"
            return
        db.compare_all()


def replay(folders):
    files = 0
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    one_input(f.read())
                files += 1
    print(f"replay report: {files} files, no rule broken")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--replay"]:
        replay(sys.argv[2:])
    else:
        import atheris

        atheris.instrument_all()
        atheris.Setup(sys.argv, one_input)
        atheris.Fuzz()
