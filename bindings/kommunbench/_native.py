"""The one place that imports the compiled module: status codes, errors and frames."""
import enum

import numpy as np
import pandas as pd

from ._bench import ffi, lib
from .errors import (BenchError, ClosedError, CorruptError, FileError, InvalidArgumentError,
                     LimitError, NotFoundError, OutOfMemoryError, ParseError, VersionError)

__all__ = ["ffi", "lib", "Status", "check", "error_from", "Frame", "text"]

Status = enum.IntEnum("Status", {
    name[len("BENCH_"):]: getattr(lib, name)
    for name in ("BENCH_OK", "BENCH_ENOMEM", "BENCH_EINVAL", "BENCH_EIO", "BENCH_EPARSE",
                 "BENCH_ENOTFOUND", "BENCH_ELIMIT", "BENCH_ECORRUPT", "BENCH_EVERSION")
})

_EXCEPTIONS = {
    Status.ENOMEM: OutOfMemoryError,
    Status.EINVAL: InvalidArgumentError,
    Status.EIO: FileError,
    Status.EPARSE: ParseError,
    Status.ENOTFOUND: NotFoundError,
    Status.ELIMIT: LimitError,
    Status.ECORRUPT: CorruptError,
    Status.EVERSION: VersionError,
}


def text(cstr):
    """A C string as str (UTF-8), or None for NULL."""
    if cstr == ffi.NULL:
        return None
    return ffi.string(cstr).decode("utf-8", errors="replace")


def error_from(err, status=None, **extra):
    """Build the exception for a bench_error (a cdata struct)."""
    code = status if status is not None else err.code
    message = text(err.message) or ffi.string(lib.bench_strerror(code)).decode()
    cls = _EXCEPTIONS.get(code, BenchError)
    return cls(message, code=int(code), file=text(err.file) or None,
               line=int(err.line) or None, column=int(err.column) or None,
               text=text(err.text) or message, **extra)


def check(status, db_ptr=None):
    """Raise the matching BenchError when a call failed."""
    if status == lib.BENCH_OK:
        return
    if db_ptr is not None and db_ptr != ffi.NULL:
        raise error_from(lib.bench_db_last_error(db_ptr), status)
    raise _EXCEPTIONS.get(status, BenchError)(
        ffi.string(lib.bench_strerror(status)).decode(), code=int(status))


class _ColumnView:
    """Exposes one C column to numpy through __array_interface__; keeps the frame alive."""

    __slots__ = ("__array_interface__", "_owner")

    def __init__(self, owner, address, length, typestr):
        self._owner = owner
        self.__array_interface__ = {
            "version": 3,
            "shape": (length,),
            "typestr": typestr,
            "data": (address, True),  # read-only: frames are immutable
        }


_TYPESTR = {lib.BENCH_COLUMN_F64: "<f8", lib.BENCH_COLUMN_I32: "<i4", lib.BENCH_COLUMN_CODE: "<u4"}


class Frame:
    """A result table owned by C.  Numeric columns are numpy views without a copy."""

    def __init__(self, ptr):
        self._ptr = ffi.gc(ptr, lib.bench_frame_free)
        self.rows = int(lib.bench_frame_rows(ptr))
        self._columns = {}
        for i in range(lib.bench_frame_columns(ptr)):
            name = ffi.new("const char **")
            ctype = ffi.new("bench_column_type *")
            data = ffi.new("const void **")
            check(lib.bench_frame_column(name, ctype, data, ptr, i))
            self._columns[text(name[0])] = (i, int(ctype[0]), data[0])

    @property
    def columns(self):
        return list(self._columns)

    def __len__(self):
        return self.rows

    def column(self, name):
        """The column's data as a read-only numpy array over C memory (codes for CODE columns)."""
        index, ctype, data = self._columns[name]
        address = int(ffi.cast("uintptr_t", data))
        return np.asarray(_ColumnView(self, address, self.rows, _TYPESTR[ctype]))

    def dictionary(self, name):
        """The strings of a CODE column, in order (periods chronological, codes sorted)."""
        index, ctype, _ = self._columns[name]
        strings = ffi.new("const char *const **")
        count = ffi.new("size_t *")
        check(lib.bench_frame_dictionary(strings, count, self._ptr, index))
        return [text(strings[0][i]) for i in range(count[0])]

    def meta(self, key):
        return text(lib.bench_frame_meta(self._ptr, key.encode()))

    def series(self, name):
        """One column as pandas data: a Categorical of strings for CODE columns."""
        _, ctype, _ = self._columns[name]
        values = self.column(name)
        if ctype == lib.BENCH_COLUMN_CODE:
            # the C codes index the frame's dictionary by construction: read as int32 in place
            # (codes stay far below 2**31) and not checked again
            return pd.Categorical.from_codes(values.view(np.int32), self.dictionary(name),
                                             ordered=name == "period", validate=False)
        return values

    def to_arrow(self):
        """The frame as a pyarrow Table over the same C buffers, without a copy.

        Numeric columns become arrays over the C memory (pyarrow.foreign_buffer keeps the frame
        alive); CODE columns become dictionary arrays whose indices are the C codes.  Missing
        values stay NaN in float columns (Arrow's validity bitmap is not used), as in numpy."""
        import pyarrow as pa

        arrays, names = [], []
        for name, (index, ctype, data) in self._columns.items():
            width = 8 if ctype == lib.BENCH_COLUMN_F64 else 4
            address = int(ffi.cast("uintptr_t", data))
            buf = pa.foreign_buffer(address, self.rows * width, base=self)
            if ctype == lib.BENCH_COLUMN_F64:
                arr = pa.Array.from_buffers(pa.float64(), self.rows, [None, buf])
            elif ctype == lib.BENCH_COLUMN_I32:
                arr = pa.Array.from_buffers(pa.int32(), self.rows, [None, buf])
            else:
                codes = pa.Array.from_buffers(pa.uint32(), self.rows, [None, buf])
                arr = pa.DictionaryArray.from_arrays(codes, pa.array(self.dictionary(name), pa.string()))
            arrays.append(arr)
            names.append(name)
        return pa.Table.from_arrays(arrays, names=names)

    def to_pandas(self):
        data = {name: self.series(name) for name in self._columns}
        if "rank" in data:
            # C writes rank 0 for an area without a value; in a table it is missing, not 0
            rank = data["rank"]
            data["rank"] = pd.arrays.IntegerArray(rank.astype(np.int32, copy=True), rank == 0)
        return pd.DataFrame(data, copy=False)
