"""The one place that imports the compiled module: status codes, errors, C strings, frames and
the vocabulary (genders, kinds, directions, area types and codes as the C core reads them)."""

import enum

import numpy as np
import pandas as pd

from ._bench import ffi, lib
from .errors import (
    BenchError,
    CorruptError,
    FileError,
    InvalidArgumentError,
    LimitError,
    NotFoundError,
    OutOfMemoryError,
    ParseError,
    VersionError,
)

__all__ = [
    "ffi",
    "lib",
    "Status",
    "check",
    "error",
    "Frame",
    "text",
    "ctext",
    "CStrings",
    "HANDLE",
    "gender_code",
    "gender_name",
    "gender_word",
    "kind_code",
    "kind_name",
    "direction_code",
    "direction_name",
    "area_type_name",
    "area_code",
]

Status = enum.IntEnum(
    "Status",
    {
        name[len("BENCH_") :]: getattr(lib, name)
        for name in (
            "BENCH_OK",
            "BENCH_ENOMEM",
            "BENCH_EINVAL",
            "BENCH_EIO",
            "BENCH_EPARSE",
            "BENCH_ENOTFOUND",
            "BENCH_ELIMIT",
            "BENCH_ECORRUPT",
            "BENCH_EVERSION",
        )
    },
)

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


def error(status, message, **where):
    """The exception for a status (the BenchError subclass of its code) with a message and,
    where known, file, line and column: the one way an error of a status is made."""
    return _EXCEPTIONS.get(status, BenchError)(message, code=int(status), **where)


def check(status, db_ptr=None, err=None, **extra):
    """Raise the matching BenchError when a C call failed: the only place that raises from a C
    status.  The detail comes from `err` (a bench_error a constructor filled), else from the
    last error of db_ptr, else the status's own text; `extra` (errors, report) is passed on."""
    if status == lib.BENCH_OK:
        return
    if err is None and db_ptr is not None and db_ptr != ffi.NULL:
        err = lib.bench_db_last_error(db_ptr)
    if err is None:
        raise error(status, text(lib.bench_strerror(status)), **extra)
    message = text(err.message) or text(lib.bench_strerror(status))
    raise error(
        status,
        message,
        file=text(err.file) or None,
        line=int(err.line) or None,
        column=int(err.column) or None,
        text=text(err.text) or message,
        **extra,
    )


HANDLE = object()  # stands for the database handle among the arguments of Database._call


def ctext(s):
    """Text for the C core as UTF-8 bytes; NUL or unpaired surrogates are an InvalidArgumentError."""
    try:
        raw = str(s).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{s!r} is not valid text (unpaired surrogates)") from None
    if b"\0" in raw:
        raise InvalidArgumentError(f"{s!r}: a NUL character")
    return raw


class CStrings:
    """C strings for one call, kept alive as long as this object: keep(s) is a char[] (NULL for
    None), keep.array(codes) a char*[] and its count."""

    def __init__(self):
        self.keep = []

    def __call__(self, value):
        if value is None:
            return ffi.NULL
        self.keep.append(ffi.new("char[]", ctext(value)))
        return self.keep[-1]

    def array(self, codes, empty_is_none=True):
        """(char*[], n) of a list of str; (NULL, 0) for None, and for [] unless empty_is_none is
        False, when it is an empty set (a pointer that is not NULL and a count of 0)."""
        if codes is None or (not codes and empty_is_none):
            return ffi.NULL, 0
        array = ffi.new("char *[]", [self(c) for c in codes] or 1)
        self.keep.append(array)
        return array, len(codes)


# ---- the vocabulary: the C core's words for genders, kinds, directions and area types --------


def _names(name_of):
    """The names a C name function gives for 0, 1, 2 ... until NULL."""
    names = []
    while name_of(len(names)) != ffi.NULL:
        names.append(text(name_of(len(names))))
    return names


def _parse(parse, value):
    """What the C reader makes of a str, or -1."""
    if not isinstance(value, str):
        return -1
    raw = ctext(value)
    return parse(raw, len(raw))


def gender_code(value):
    """The bench_gender of "T", "K", "M" or a word C reads (totalt, kvinnor, män, any case)."""
    code = _parse(lib.bench_gender_parse, value)
    if code < 0:
        pairs = ", ".join(f"{n} ({w})" for n, w in zip(_names(lib.bench_gender_name), _names(lib.bench_gender_word)))
        raise InvalidArgumentError(f"gender must be one of {pairs}, not {value!r}")
    return code


def gender_name(value):
    """The gender as the frames write it: "kvinnor" -> "K"."""
    return text(lib.bench_gender_name(gender_code(value)))


def gender_word(value):
    """The Swedish word of a gender for captions: "K" -> "kvinnor"."""
    return text(lib.bench_gender_word(gender_code(value)))


def kind_code(value):
    """The bench_kind of a kind C reads (utfall, målvärde, mål, budget, prognos; any case)."""
    code = _parse(lib.bench_kind_parse, value)
    if code < 0:
        raise InvalidArgumentError(f"kind must be one of {', '.join(_names(lib.bench_kind_name))}, not {value!r}")
    return code


def kind_name(value):
    """The kind as the frames write it: "mål" -> "målvärde"; None for what is no kind."""
    code = _parse(lib.bench_kind_parse, value)
    return text(lib.bench_kind_name(code)) if code >= 0 else None


def direction_code(value, what="direction", also=()):
    """The bench_direction of "higher", "lower" or "none" (any case); `also` names the other
    values the caller accepts, for the message."""
    code = _parse(lib.bench_direction_parse, value)
    if code < 0:
        words = [repr(n) for n in _names(lib.bench_direction_name)] + list(also)
        raise InvalidArgumentError(f"{what} must be {', '.join(words[:-1])} or {words[-1]}, not {value!r}")
    return code


def direction_name(code):
    """ "higher" or "lower" for a bench_direction; None when there is none."""
    return None if code == lib.BENCH_DIRECTION_NONE else text(lib.bench_direction_name(code))


def area_type_name(code):
    """The name of a bench_area_type ("kommun", "region" ...)."""
    return text(lib.bench_area_type_name(code)) or "unknown"


def area_code(value):
    """An area code as the C core stores it ("138" -> "0138"), or None for what is no code."""
    out = ffi.new("char[]", lib.BENCH_AREA_CODE_SIZE)
    raw = ctext(value)
    return text(out) if lib.bench_area_code_normalize(out, raw) == lib.BENCH_OK else None


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
            return pd.Categorical.from_codes(
                values.view(np.int32), self.dictionary(name), ordered=name == "period", validate=False
            )
        return values

    def to_arrow(self):
        """The frame as a pyarrow Table over the same C buffers, without a copy.

        Numeric columns become arrays over the C memory (pyarrow.foreign_buffer keeps the frame
        alive); CODE columns become dictionary arrays whose indices are the C codes.  Missing
        values stay NaN in float columns (Arrow's validity bitmap is not used), as in numpy."""
        import pyarrow as pa

        arrays, names = [], []
        for name, (_index, ctype, data) in self._columns.items():
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
