"""The datasets embedded in libbench: the area catalogue and the seed figures."""

from ._native import check, ffi, lib

__all__ = ["dataset_bytes", "load_seed_datasets", "SEED_SOURCE"]

SEED_SOURCE = "kommunbench seed figures"


def dataset_bytes(name):
    """The raw bytes of an embedded dataset: "areas" or "seed_figures" (CSV, UTF-8)."""
    data = ffi.new("const char **")
    length = ffi.new("size_t *")
    check(lib.bench_dataset(data, length, name.encode()))
    return ffi.buffer(data[0], length[0])[:]


def load_seed_datasets(db):
    """Import the seed figures (Borås and Tyresö reports) into `db`; each row keeps its
    source document and line as its source."""
    return db.import_csv(dataset_bytes("seed_figures"), layout="kolada", source=SEED_SOURCE, source_column="source")
