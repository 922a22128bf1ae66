"""Period labels: "2022", "2024-T1" (tertial), "2024-Q3" (quarter), "2024-03" (month)."""

from ._native import ctext, error, ffi, lib

__all__ = ["period_label", "period_key"]


def _parse(text):
    label = ffi.new("char[]", lib.BENCH_PERIOD_LABEL_SIZE)
    key = ffi.new("int64_t *")
    if lib.bench_period_parse(label, key, ctext(text)) != lib.BENCH_OK:
        raise error(lib.BENCH_EPARSE, f"{text!r} is no period: expected e.g. 2022, 2024-T1, 2024-Q3 or 2024-03")
    return ffi.string(label).decode(), int(key[0])


def period_label(text):
    """The canonical label of a period (int years accepted): period_label("2024t1") == "2024-T1"."""
    return _parse(text)[0]


def period_key(text):
    """A sort key that orders periods in time (2023-T1 < 2023-T2 < 2023 < 2024)."""
    return _parse(text)[1]
